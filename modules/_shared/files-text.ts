// Editing a text file on the controller (lineinfile, blockinfile, replace): read it through facts, compute the
// new content, put it atomically (validate, backup) and fix mode/owner, with Ansible's diffs and messages.
import type { Fact, FileDiff, ParamSpec, Plan, Step, StepOutput } from '../../src/core/module.js';
import { sh } from '../../src/core/sh.js';
import { fileContent, type FileContent } from '../../src/facts/file-content.js';
import { fileStat, type StatInfo } from '../../src/facts/file-stat.js';
import { attrChanges, attrSteps, hasChanges, type AttrWant, type FileNow } from './file-attrs.js';
import { attrDiffEntries, dictDiff } from './files-diff.js';
import { parseMode, resolveMode } from './mode.js';
import { parentOf } from './single-file.js';
import { failed } from './files-common.js';

/** The parameters lineinfile, blockinfile and replace share (besides the common file arguments). */
export const textEditParams = {
  path: {
    type: 'path',
    required: true,
    aliases: ['dest', 'destfile', 'name'],
    description: 'The file to modify (symlinks are followed).',
  },
  backup: { type: 'bool', default: false, description: 'Keep a timestamped copy of the old file.' },
  validate: { type: 'str', description: 'Command run on the new file (%s) before it replaces the old one.' },
} as const satisfies Record<string, ParamSpec>;

export const createParam = {
  type: 'bool',
  default: false,
  description: 'Create the file when it does not exist.',
} as const satisfies ParamSpec;

/** Files larger than this are not edited (their content travels base64 in one fact line). */
export const TEXT_EDIT_MAX_BYTES = 64 * 1024 * 1024;

export interface TextFacts {
  [k: string]: Fact<unknown>;
  /** [path (links followed), its parent directory] */
  stat: Fact<StatInfo[]>;
  content: Fact<FileContent>;
}

export function textFacts(path: string): TextFacts {
  return {
    stat: fileStat([path, parentOf(path)], { follow: true, checksum: false }),
    content: fileContent(path, TEXT_EDIT_MAX_BYTES),
  };
}

export interface TextFactValues {
  stat: StatInfo[];
  content: FileContent;
}

/** What is at the path now, for the editing modules. */
export interface TextNow {
  stat: StatInfo;
  parent: StatInfo;
  /** The file's bytes, or undefined when it does not exist. */
  content?: Buffer;
}

/**
 * What the facts say is at the path, or the failure to report: a directory (rc 256, like Ansible), a file
 * too large or unreadable.
 */
export function textNow(path: string, f: TextFactValues): TextNow | Plan {
  const stat = f.stat[0] ?? { path, exists: false };
  const parent = f.stat[1] ?? { path: parentOf(path), exists: false };
  if (stat.type === 'directory') return failed(`Path ${path} is a directory !`, { rc: 256 });
  if (!stat.exists) return { stat, parent };
  if (f.content.truncated)
    return failed(`${path} is larger than ${TEXT_EDIT_MAX_BYTES} bytes; not editing it`);
  if (!f.content.exists) return failed(`${path} is not a readable regular file`);
  return { stat, parent, content: f.content.content };
}

/** Whether textNow gave a failure. */
export function isPlan(x: TextNow | Plan): x is Plan {
  return 'steps' in x;
}

/** Bytes as a string of one char per byte (latin1), so Python's bytes regexes can run on them unchanged. */
export function bytesStr(b: Buffer | string): string {
  return (typeof b === 'string' ? Buffer.from(b, 'utf8') : b).toString('latin1');
}

export function fromBytesStr(s: string): Buffer {
  return Buffer.from(s, 'latin1');
}

/** Python's bytes.splitlines(keepends=True): \n, \r\n and \r end lines. */
export function splitLinesKeep(s: string): string[] {
  return s.match(/[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/g) ?? [];
}

/** file.readlines(): only \n ends a line. */
export function readLines(s: string): string[] {
  return s.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** What to write; the parameter fields are named like the modules' own, so a module passes `...p`. */
export interface TextEditRequest {
  path: string;
  now: TextNow;
  /** The new content (bytes). */
  after: Buffer;
  /** Message for a content change ('line added'). */
  msg: string;
  mode: unknown;
  owner?: string;
  group?: string;
  backup: boolean;
  validate?: string;
  /** Diff headers: lineinfile/blockinfile say `path (content)`, replace just the path. */
  contentHeader: string;
  /** Add the `(file attributes)` diff (lineinfile, blockinfile). */
  attrDiff: boolean;
  diff: boolean;
  /** Extra result fields. */
  result?: Record<string, unknown>;
  /** The result key of a backup ('backup' for lineinfile, 'backup_file' otherwise). */
  backupKey: 'backup' | 'backup_file';
}

/** Ansible's check_file_attrs message suffix. */
const ATTRS_MSG = 'ownership, perms or SE linux context changed';

/**
 * Plan the write: put the new content when it differs (into the link's target, as Ansible writes the real
 * path), otherwise fix only mode/owner; `mkdir -p` a missing parent for `create`.
 */
export function planTextEdit(req: TextEditRequest): Plan {
  let mode;
  try {
    mode = parseMode(req.mode);
  } catch (e) {
    return failed((e as Error).message);
  }
  if (req.validate !== undefined && !req.validate.includes('%s'))
    return failed(`validate must contain %s: ${req.validate}`);
  const { now } = req;
  const exists = now.content !== undefined;
  const dest = now.stat.realPath ?? req.path;
  const contentChanged = !exists || !now.content!.equals(req.after);
  const want: AttrWant = { mode, owner: req.owner, group: req.group };
  // A new file starts as what a plain create gives (0644 under Debian's umask); its owner is whoever runs,
  // which the controller cannot know, so only the mode counts as an attribute change for it.
  const fileNow: FileNow = exists
    ? { ...now.stat, exists: true }
    : { exists: true, type: 'file', mode: '0644' };
  const attrs = attrChanges(fileNow, exists ? want : { mode }, false);
  const putMode = exists ? attrs.mode : mode && resolveMode(mode, fileNow.mode, false);
  const steps: Step[] = [];
  if (contentChanged) {
    if (!now.parent.exists) steps.push({ kind: 'run', cmd: sh`mkdir -p -- ${parentOf(dest)}` });
    steps.push({
      kind: 'put',
      dest,
      content: req.after,
      ...(putMode !== undefined ? { mode: putMode } : {}),
      ...(req.owner !== undefined ? { owner: req.owner } : {}),
      ...(req.group !== undefined ? { group: req.group } : {}),
      ...(req.validate !== undefined ? { validate: req.validate } : {}),
      ...(req.backup && exists ? { backup: true } : {}),
    });
  } else if (hasChanges(attrs)) {
    steps.push(...attrSteps(dest, attrs));
  }
  const attrsChanged = hasChanges(attrs);
  let msg = contentChanged ? req.msg : '';
  if (attrsChanged) msg = msg === '' ? ATTRS_MSG : `${msg} and ${ATTRS_MSG}`;
  const changed = contentChanged || attrsChanged;
  const plan: Plan = {
    changed,
    steps,
    result: {
      msg,
      ...(req.backupKey === 'backup' ? { backup: '' } : {}),
      ...req.result,
    },
  };
  if (req.diff) {
    const diffs: FileDiff[] = [];
    if (contentChanged) {
      diffs.push({
        before: exists ? now.content!.toString('utf8') : '',
        after: req.after.toString('utf8'),
        beforeHeader: req.contentHeader,
        afterHeader: req.contentHeader,
      });
    }
    if (req.attrDiff && attrsChanged) {
      const e = attrDiffEntries(fileNow, attrs);
      const d = dictDiff(e.before, e.after, `${req.path} (file attributes)`);
      if (d) diffs.push(d);
    }
    if (diffs.length > 0) plan.diff = diffs;
  }
  if (changed) plan.effects = { files: [dest] };
  if (req.backup && contentChanged && exists) {
    const key = req.backupKey;
    plan.finish = (outputs: StepOutput[]) => {
      for (const o of outputs) {
        const m = /^backup_file=(.*)$/m.exec(o.stdout);
        if (m) return { [key]: m[1] };
      }
      return {};
    };
  }
  return plan;
}

/** The failure for a missing file without `create` (rc 257, as Ansible reports it). */
export function missingFile(msg: string): Plan {
  return failed(msg, { rc: 257 });
}
