// Fact: a user's crontab as `crontab -l` prints it (empty when the user has none).
import type { Fact } from '../core/module.js';
import { sh } from '../core/sh.js';

export interface Crontab {
  /** The crontab command exists (package cron). */
  available: boolean;
  /** The user has a crontab. */
  exists: boolean;
  text: string;
  /** crontab -l failed for another reason than "no crontab" (an unknown user). */
  error?: string;
}

/** Without user, the crontab of whoever the task runs as (the become user). */
export function crontab(user?: string): Fact<Crontab> {
  const list = user === undefined ? 'crontab -l' : sh`crontab -u ${user} -l`;
  const cmd = [
    'command -v crontab >/dev/null 2>&1 || { echo missing; exit 0; }',
    // crontab -l writes to stderr only when it fails, and then that message is what is wanted.
    `o=$(${list} 2>&1); rc=$?`,
    'echo "rc=$rc"',
    `printf '%s\\n' "$o" | base64 -w0; echo`,
  ].join('\n');
  return { cmd, parse: (out) => parseCrontab(out.stdout) };
}

export function parseCrontab(stdout: string): Crontab {
  const [first = '', b64 = ''] = stdout.split('\n');
  if (first === 'missing') return { available: false, exists: false, text: '' };
  const rc = Number(/^rc=(\d+)$/.exec(first)?.[1] ?? 1);
  // $(...) dropped the trailing newlines and printf added one back: a non-empty crontab ends in exactly one.
  const text = Buffer.from(b64, 'base64').toString('utf8');
  if (rc === 0) return { available: true, exists: true, text: text === '\n' ? '' : text };
  if (/no crontab for/.test(text)) return { available: true, exists: false, text: '' };
  return { available: true, exists: false, text: '', error: text.trim() || `crontab -l failed (rc=${rc})` };
}
