// Writing a whole text file a module computed (cron.d files, fstab, sysctl.conf, apt sources, keys):
// compare by checksum, put it atomically with the wanted mode/owner, and describe the change for --diff.
import type { FileDiff, Step } from '../../src/core/module.js';
import { sh } from '../../src/core/sh.js';
import type { TextFile } from '../../src/facts/text-file.js';
import type { AttrWant } from './file-attrs.js';
import { contentDiff, planWrite } from './file-write.js';

export interface TextWrite {
  now: TextFile;
  /** The wanted content; undefined removes the file. */
  after: string | undefined;
  attrs?: AttrWant;
  /** Build a FileDiff. */
  diff: boolean;
  backup?: boolean;
  /** Shown instead of the path in the diff headers (`crontab for user "x"`). */
  header?: string;
}

export interface TextWritePlan {
  changed: boolean;
  steps: Step[];
  diff?: FileDiff[];
}

/** Plan bringing one file to the wanted text (or removing it). */
export function planTextWrite(w: TextWrite): TextWritePlan {
  const { now } = w;
  const path = now.path;
  const header = w.header ?? path;
  if (w.after === undefined) {
    if (!now.stat.exists) return { changed: false, steps: [] };
    const plan: TextWritePlan = { changed: true, steps: [{ kind: 'run', cmd: sh`rm -f -- ${path}` }] };
    if (w.diff) plan.diff = [{ before: now.text, after: '', beforeHeader: header, afterHeader: '/dev/null' }];
    return plan;
  }
  const st = now.stat;
  const p = planWrite({
    dest: path,
    content: Buffer.from(w.after, 'utf8'),
    now: st.exists ? { ...st, sha1: st.checksum } : { exists: false },
    before: now.content,
    attrs: w.attrs ?? {},
    force: true,
    backup: w.backup ?? false,
    diff: false,
  });
  const plan: TextWritePlan = { changed: p.changed, steps: p.steps };
  if (w.diff && (!now.exists || now.text !== w.after)) {
    const d = contentDiff(path, now.exists ? now.content : undefined, Buffer.from(w.after, 'utf8'));
    plan.diff = [{ ...d, beforeHeader: now.exists ? header : '/dev/null', afterHeader: header }];
  }
  return plan;
}
