// Recursive copy of a controller directory: create missing directories, then write each file like copy.
import { readdirSync, statSync } from 'node:fs';
import { readLocalFile } from '../../src/core/read.js';
import { join } from 'node:path';
import type { Plan, Step } from '../../src/core/module.js';
import { sh } from '../../src/core/sh.js';
import type { DirTree } from '../../src/facts/dir-tree.js';
import { attrSteps, type FileNow } from './file-attrs.js';
import { planWrite, type RemoteSource } from './file-write.js';
import { resolveMode, type ModeSpec } from './mode.js';

export interface LocalTree {
  /** Relative directory paths below the root (not the root itself), parents first. */
  dirs: string[];
  /** `remote`: the file is on the host already (copy remote_src), its bytes never travel. */
  files: { rel: string; abs: string; mode: number; remote?: RemoteSource }[];
}

/** Walk a controller directory. Symlinks are followed (copied as what they point to). */
export function walkLocal(root: string): LocalTree {
  const out: LocalTree = { dirs: [], files: [] };
  const visit = (rel: string) => {
    const names = readdirSync(join(root, rel)).sort();
    for (const name of names) {
      const r = rel === '' ? name : `${rel}/${name}`;
      const abs = join(root, r);
      const st = statSync(abs);
      if (st.isDirectory()) {
        out.dirs.push(r);
        visit(r);
      } else if (st.isFile()) {
        out.files.push({ rel: r, abs, mode: st.mode & 0o7777 });
      }
    }
  };
  visit('');
  return out;
}

export interface DirCopyRequest {
  /** Remote directory the tree lands in. */
  root: string;
  /** dest as the task gave it (returned in the result). */
  dest: string;
  srcLabel: string;
  local: LocalTree;
  mode?: ModeSpec;
  dirMode?: ModeSpec;
  owner?: string;
  group?: string;
  force: boolean;
  backup: boolean;
  validate?: string;
}

function failed(msg: string): Plan {
  return { changed: false, steps: [], failed: true, result: { msg } };
}

export function planDirCopy(req: DirCopyRequest, tree: DirTree): Plan {
  if (!tree.exists && tree.rootType !== undefined)
    return failed(`Destination ${req.root} exists and is not a directory`);
  const root = req.root.length > 1 ? req.root.replace(/\/+$/, '') : req.root;
  const abs = (rel: string) => (rel === '' ? root : root === '/' ? `/${rel}` : `${root}/${rel}`);
  const steps: Step[] = [];
  const newDirs: string[] = [];
  for (const rel of ['', ...req.local.dirs]) {
    const e = tree.entries.get(rel);
    if (e && e.type !== 'directory') return failed(`Destination ${abs(rel)} exists and is not a directory`);
    if (!e) newDirs.push(abs(rel));
  }
  if (newDirs.length > 0) {
    // -p: parents of the root are created too, as Ansible does for a recursive copy.
    steps.push({ kind: 'run', cmd: sh`mkdir -p -- ${newDirs}` });
    // directory_mode, owner and group apply to the directories this copy creates, never to existing ones.
    const mode = req.dirMode ? resolveMode(req.dirMode, undefined, true) : undefined;
    steps.push(...attrSteps(newDirs, { mode, owner: req.owner, group: req.group }));
  }
  const written: string[] = [];
  for (const file of req.local.files) {
    const e = tree.entries.get(file.rel);
    if (e && e.type === 'directory') return failed(`Destination ${abs(file.rel)} is a directory`);
    const now: FileNow = e
      ? {
          exists: true,
          type: e.type,
          mode: e.mode,
          owner: e.owner,
          group: e.group,
          uid: e.uid,
          gid: e.gid,
          sha1: e.sha1,
          size: e.size,
        }
      : { exists: false };
    const w = planWrite({
      dest: abs(file.rel),
      content: file.remote ?? readLocalFile(file.abs),
      now,
      attrs: { mode: req.mode, owner: req.owner, group: req.group, preserveFrom: file.mode },
      force: req.force,
      backup: req.backup,
      validate: req.validate,
      diff: false,
      srcLabel: file.abs,
    });
    if (w.steps.length > 0) written.push(abs(file.rel));
    steps.push(...w.steps);
  }
  const plan: Plan = { changed: steps.length > 0, steps, result: { dest: req.dest, src: req.srcLabel } };
  if (written.length > 0) plan.effects = { files: written };
  return plan;
}
