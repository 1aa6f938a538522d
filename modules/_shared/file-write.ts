// The one "compare, then put the file and fix mode/owner" planner that copy and template share.
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { FileDiff, ModuleResult, Step } from '../../src/core/module.js';
import { sh } from '../../src/core/sh.js';
import type { FileContent } from '../../src/facts/file-content.js';
import {
  attrChanges,
  attrSteps,
  hasChanges,
  type AttrChanges,
  type AttrWant,
  type FileNow,
} from './file-attrs.js';

/** Ansible's limit for showing a file in --diff (bytes). */
export const DIFF_MAX_BYTES = 104448;

/** A source file already on the host (copy remote_src): its bytes never travel. */
export interface RemoteSource {
  path: string;
  sha1: string;
  size: number;
}

export interface WriteRequest {
  dest: string;
  content: Buffer | RemoteSource;
  now: FileNow;
  /** The current content, read only in diff mode. */
  before?: FileContent;
  attrs: AttrWant;
  /** false: leave an existing file alone. */
  force: boolean;
  backup: boolean;
  validate?: string;
  /** Build a FileDiff for a content change. */
  diff: boolean;
  /** Shown as `+++ after: <label>` and returned as `src`. */
  srcLabel?: string;
}

export interface WritePlan {
  changed: boolean;
  steps: Step[];
  diff?: FileDiff[];
  result: ModuleResult;
}

export function sha1(data: Buffer): string {
  return createHash('sha1').update(data).digest('hex');
}

/** Plan writing one regular file. */
export function planWrite(req: WriteRequest): WritePlan {
  const { dest, content, now } = req;
  const base: ModuleResult = { dest, ...(req.srcLabel !== undefined ? { src: req.srcLabel } : {}) };
  if (now.exists && !req.force) {
    return { changed: false, steps: [], result: base };
  }
  const local = Buffer.isBuffer(content) ? content : undefined;
  const checksum = local ? sha1(local) : (content as RemoteSource).sha1;
  const contentChanged = !now.exists || now.sha1 !== checksum;
  const attrs = attrChanges(now, req.attrs, false);
  const steps: Step[] = [];
  if (contentChanged) {
    if (local) {
      steps.push({
        kind: 'put',
        dest,
        content: local,
        ...(attrs.mode !== undefined ? { mode: attrs.mode } : {}),
        ...(req.attrs.owner !== undefined ? { owner: req.attrs.owner } : {}),
        ...(req.attrs.group !== undefined ? { group: req.attrs.group } : {}),
        ...(req.validate !== undefined ? { validate: req.validate } : {}),
        // The engine keeps `<dest>.<pid>.<date>@<time>~` and reports it as backup_file.
        ...(req.backup ? { backup: true } : {}),
      });
    } else {
      steps.push({
        kind: 'run',
        cmd: remoteCopyScript((content as RemoteSource).path, dest, now.exists, attrs, req),
      });
    }
  } else if (hasChanges(attrs)) {
    steps.push(...attrSteps(dest, attrs));
  }
  const changed = steps.length > 0;
  const result: ModuleResult = {
    ...base,
    checksum,
    ...(local ? { md5sum: createHash('md5').update(local).digest('hex') } : {}),
    size: local ? local.length : (content as RemoteSource).size,
    state: 'file',
    mode: attrs.mode ?? now.mode,
    owner: req.attrs.owner ?? now.owner,
    group: req.attrs.group ?? now.group,
    // ids are known only when the owner stays what it was (a name given now resolves on the host).
    ...(attrs.owner === undefined && now.uid !== undefined ? { uid: now.uid } : {}),
    ...(attrs.group === undefined && now.gid !== undefined ? { gid: now.gid } : {}),
  };
  for (const k of Object.keys(result)) if (result[k] === undefined) delete result[k];
  const plan: WritePlan = { changed, steps, result };
  if (req.diff && contentChanged && local) {
    plan.diff = [contentDiff(dest, now.exists ? req.before : undefined, local, req.srcLabel)];
  }
  return plan;
}

/**
 * The put step's contract done in sh for a file already on the host: copy into a temp file beside dest
 * (same filesystem, so the final mv is an atomic rename), give it dest's old mode/owner or the wanted
 * ones, validate, rename. Any failure removes the temp file and leaves dest untouched.
 */
function remoteCopyScript(
  src: string,
  dest: string,
  exists: boolean,
  attrs: AttrChanges,
  req: WriteRequest,
): string {
  const dir = posix.dirname(dest);
  const tmpl = posix.join(dir, `.${posix.basename(dest)}.tsible.XXXXXX`);
  const prep: string[] = [sh`cat -- ${src} >"$t"`];
  if (exists) {
    // Keep what dest had (chown --reference only works for root; a plain user keeps their own file).
    prep.push(sh`chmod --reference=${dest} "$t"`, sh`{ chown --reference=${dest} "$t" 2>/dev/null || :; }`);
  } else {
    // mktemp creates 0600; a new file gets what a plain create would give: 0666 minus the umask.
    prep.push(`chmod "$(printf '%04o' $((0666 & ~0$(umask))))" "$t"`);
  }
  const owner = req.attrs.owner;
  const group = req.attrs.group;
  if (owner !== undefined) prep.push(sh`chown -- ${group !== undefined ? `${owner}:${group}` : owner} "$t"`);
  else if (group !== undefined) prep.push(sh`chgrp -- ${group} "$t"`);
  if (attrs.mode !== undefined) prep.push(sh`chmod -- ${attrs.mode} "$t"`);
  // The validate command is the user's shell text; %s becomes the temp file, which the shell expands.
  if (req.validate !== undefined) prep.push(req.validate.split('%s').join('"$t"'));
  if (req.backup && exists) {
    // Like the engine's put: `<dest>.<pid>.<date>@<time>~`, announced as backup_file= on stdout.
    prep.push(sh`b=${dest}.$$.$(date +%Y-%m-%d@%H:%M:%S)~ && cp -p -- ${dest} "$b" && echo "backup_file=$b"`);
  }
  return [
    sh`t=$(mktemp -- ${tmpl}) || exit 1`,
    `if ! { ${prep.join(' && ')}; }; then rm -f -- "$t"; exit 1; fi`,
    sh`mv -f -- "$t" ${dest}`,
  ].join('\n');
}

/** A --diff entry for a content change, with Ansible's reasons for not showing it. */
export function contentDiff(
  dest: string,
  before: FileContent | undefined,
  after: Buffer,
  afterLabel?: string,
): FileDiff {
  const d: FileDiff = {
    before: '',
    after: '',
    ...(before?.exists ? { beforeHeader: dest } : {}),
    ...(afterLabel !== undefined ? { afterHeader: afterLabel } : {}),
  };
  if (before?.exists) {
    if (before.size > DIFF_MAX_BYTES)
      d.skipReason = `diff skipped: destination file size is greater than ${DIFF_MAX_BYTES}`;
    else if (before.content.includes(0)) d.skipReason = 'diff skipped: destination file appears to be binary';
    else d.before = before.content.toString('utf8');
  }
  if (d.skipReason === undefined) {
    if (after.length > DIFF_MAX_BYTES)
      d.skipReason = `diff skipped: source file size is greater than ${DIFF_MAX_BYTES}`;
    else if (after.includes(0)) d.skipReason = 'diff skipped: source file appears to be binary';
    else d.after = after.toString('utf8');
  }
  if (d.skipReason !== undefined) {
    d.before = '';
    d.after = '';
  }
  return d;
}
