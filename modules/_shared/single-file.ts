// Where a single-file copy/template lands (dest, dest/ or an existing directory) and the facts to plan it.
import { posix } from 'node:path';
import type { Fact, FileDiff, ModuleResult, Plan, PlanContext, Step } from '../../src/core/module.js';
import { sh } from '../../src/core/sh.js';
import { fileContent, type FileContent } from '../../src/facts/file-content.js';
import { fileStat, type StatInfo } from '../../src/facts/file-stat.js';
import type { AttrWant, FileNow } from './file-attrs.js';
import { DIFF_MAX_BYTES, planWrite, type RemoteSource } from './file-write.js';

export interface SingleFileFacts {
  [k: string]: Fact<unknown>;
  /** [dest, parent of dest, dest/<basename of src>] */
  stat: Fact<StatInfo[]>;
  /** Current content of dest and of dest/<basename> (only read in diff mode). */
  content: Fact<FileContent>;
  contentInDir: Fact<FileContent>;
}

const NO_CONTENT: FileContent = { exists: false, size: 0, content: Buffer.alloc(0), truncated: false };

/** A fact that costs nothing on the host (used when diff mode does not need the content). */
function skipped<T>(value: T): Fact<T> {
  return { cmd: ':', parse: () => value };
}

export function singleFileFacts(
  dest: string,
  srcBase: string | undefined,
  ctx: PlanContext,
): SingleFileFacts {
  const inDir = srcBase === undefined ? dest : posix.join(dest, srcBase);
  const read = (p: string) => (ctx.diff ? fileContent(p, DIFF_MAX_BYTES) : skipped(NO_CONTENT));
  return {
    // Follow links: content is compared through a symlink, as Ansible's checksum does.
    stat: fileStat([dest, parentOf(dest), inDir], { follow: true }),
    content: read(dest),
    contentInDir: read(inDir),
  };
}

export function parentOf(path: string): string {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  return posix.dirname(trimmed);
}

export interface SingleFileRequest {
  dest: string;
  /** Basename of the source, used when dest is a directory (undefined for `content`). */
  srcBase?: string;
  content: Buffer | RemoteSource;
  attrs: AttrWant;
  force: boolean;
  backup: boolean;
  validate?: string;
  srcLabel?: string;
  /** Follow a symlink at dest and write its target instead of replacing the link. */
  follow: boolean;
}

export interface SingleFileFactValues {
  stat: StatInfo[];
  content: FileContent;
  contentInDir: FileContent;
}

function failed(msg: string): Plan {
  return { changed: false, steps: [], failed: true, result: { msg } };
}

function toNow(s: StatInfo | undefined): FileNow {
  if (!s?.exists) return { exists: false };
  return {
    exists: true,
    type: s.type,
    mode: s.mode,
    owner: s.owner,
    group: s.group,
    uid: s.uid,
    gid: s.gid,
    sha1: s.checksum,
    size: s.size,
  };
}

/** Plan a copy/template of one file's content to dest. */
export function planSingleFile(req: SingleFileRequest, f: SingleFileFactValues, ctx: PlanContext): Plan {
  if (req.validate !== undefined && !req.validate.includes('%s')) {
    return failed(`validate must contain %s: ${req.validate}`);
  }
  const [destStat, parentStat, inDirStat] = f.stat;
  let dest = req.dest;
  let now = destStat;
  let before = f.content;
  const pre: Step[] = [];
  const intoDir = dest.endsWith('/') || destStat?.type === 'directory';
  if (intoDir) {
    if (req.srcBase === undefined) return failed('can not use content with a dir as dest');
    dest = posix.join(dest, req.srcBase);
    now = inDirStat;
    before = f.contentInDir;
    // A dest ending in '/' that does not exist yet is created, as Ansible does.
    if (!destStat?.exists) pre.push({ kind: 'run', cmd: sh`mkdir -p -- ${req.dest}` });
  } else if (!parentStat?.exists) {
    // In check mode, an earlier task of this run (a package install) may be what creates the directory:
    // report the would-be write instead of failing the way a real run would.
    const parent = parentOf(dest);
    const madeEarlier =
      ctx.pending.packages.length > 0 ||
      ctx.pending.files.some((p) => p === parent || parent.startsWith(p + '/'));
    if (!(ctx.check && madeEarlier)) return failed(`Destination directory ${parent} does not exist`);
  }
  if (now?.exists && now.type === 'directory') return failed(`Destination ${dest} is a directory`);
  // Following a link writes its target; otherwise the rename replaces the link itself.
  if (req.follow && now?.realPath !== undefined) dest = now.realPath;
  const w = planWrite({
    dest,
    content: req.content,
    now: toNow(now),
    before,
    attrs: req.attrs,
    force: req.force,
    backup: req.backup,
    validate: req.validate,
    diff: ctx.diff,
    srcLabel: req.srcLabel,
  });
  const steps = w.steps.length > 0 ? [...pre, ...w.steps] : w.steps;
  const plan: Plan = { changed: steps.length > 0, steps, result: w.result as ModuleResult };
  if (w.diff) plan.diff = w.diff as FileDiff[];
  if (plan.changed) plan.effects = { files: [dest] };
  return plan;
}
