// Fact: when the apt package lists were last updated, measured by the host's own clock.
import type { Fact } from '../core/module.js';

export interface AptCacheAge {
  /** Epoch seconds of the last update, or undefined when apt has no lists yet. */
  mtime?: number;
  /** The host's current epoch seconds (no controller clock skew). */
  now: number;
}

// Ansible reads update-success-stamp (touched by a hook on Ubuntu) or else the lists directory's mtime;
// tsible touches the lists directory after each update it runs, so the newer of the two is the answer.
const STAMP = '/var/lib/apt/periodic/update-success-stamp';
const LISTS = '/var/lib/apt/lists';

export function aptCacheAge(): Fact<AptCacheAge> {
  const cmd = `stat -c %Y ${STAMP} ${LISTS} 2>/dev/null; echo "now=$(date +%s)"`;
  return { cmd, parse: (out) => parseAptCacheAge(out.stdout) };
}

export function parseAptCacheAge(stdout: string): AptCacheAge {
  let mtime: number | undefined;
  let now = Math.floor(Date.now() / 1000);
  for (const line of stdout.split('\n')) {
    if (/^\d+$/.test(line)) mtime = Math.max(mtime ?? 0, Number(line));
    const m = /^now=(\d+)$/.exec(line);
    if (m) now = Number(m[1]);
  }
  return { mtime, now };
}

/** Whether a cache of this age satisfies cache_valid_time (0 means "always update"). */
export function cacheFresh(age: AptCacheAge, validSeconds: number): boolean {
  return validSeconds > 0 && age.mtime !== undefined && age.now - age.mtime <= validSeconds;
}
