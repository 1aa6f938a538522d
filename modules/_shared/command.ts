// What command, shell and raw share: the timed wrapper script, creates/removes, and §2.7's result shape.
import type { ModuleResult, Plan, PlanContext, StepOutput } from '../../src/core/module.js';
import { sh } from '../../src/core/sh.js';
import type { GlobExists } from '../../src/facts/glob-exists.js';

// Markers on stderr: the host measures start/end around the command itself, like Ansible's module does,
// so `delta` excludes the network. They are stripped again before the result is built.
const START = '@@tsible-start ';
const END = '@@tsible-end ';
const CHDIR_FAILED = '@@tsible-chdir-failed';
// GNU date: %6N is microseconds, the precision of Python's datetime that Ansible prints.
const NOW = `"$(date '+%Y-%m-%d %H:%M:%S.%6N')"`;

/**
 * Wrap shell code so its start/end times reach stderr: the start line first, the end line last after a
 * newline of our own (stripped with it), so the command's own stderr comes back byte for byte.
 */
export function timedScript(body: string, chdir?: string): string {
  return [
    chdir === undefined ? '' : sh`cd -- ${chdir} 2>/dev/null || { echo ${CHDIR_FAILED} >&2; exit 1; }`,
    `printf '%s\\n' "${START}"${NOW} >&2`,
    body,
    'rc=$?',
    `printf '\\n%s\\n' "${END}"${NOW} >&2`,
    'exit $rc',
  ]
    .filter((l) => l !== '')
    .join('\n');
}

/** Python's str.splitlines(): the separators it knows, no trailing empty line. */
export function splitLines(s: string): string[] {
  if (s === '') return [];
  const parts = s.split(/\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/);
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** Python's str(timedelta): H:MM:SS.ffffff, without the fraction when it is zero. */
export function formatDelta(micros: number): string {
  const us = Math.max(0, Math.round(micros));
  const secs = Math.floor(us / 1e6);
  const frac = us % 1e6;
  const h = Math.floor(secs / 3600);
  const m = Math.floor((secs % 3600) / 60);
  const s = secs % 60;
  const base = `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
  return frac === 0 ? base : `${base}.${String(frac).padStart(6, '0')}`;
}

function micros(stamp: string): number {
  const m = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{6})$/.exec(stamp);
  if (!m) return NaN;
  const [, y, mo, d, h, mi, s, us] = m.map(Number) as number[];
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, s!) * 1000 + us!;
}

function localStamp(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ` +
    `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds() * 1000, 6)}`
  );
}

export interface Timed {
  stderr: string;
  start: string;
  end: string;
  delta: string;
  chdirFailed: boolean;
}

/** Take the wrapper's markers out of stderr. */
export function untime(stderr: string): Timed {
  let err = stderr;
  if (err.startsWith(`${CHDIR_FAILED}\n`)) {
    const now = localStamp(new Date());
    return {
      stderr: err.slice(CHDIR_FAILED.length + 1),
      start: now,
      end: now,
      delta: '0:00:00',
      chdirFailed: true,
    };
  }
  let start: string | undefined;
  let end: string | undefined;
  const s = new RegExp(`^${START}(.*)\\n`).exec(err);
  if (s) {
    start = s[1]!;
    err = err.slice(s[0].length);
  }
  const e = new RegExp(`\\n${END}(.*)\\n$`).exec(err);
  if (e) {
    end = e[1]!;
    err = err.slice(0, e.index);
  }
  const fallback = localStamp(new Date());
  start ??= end ?? fallback;
  end ??= start;
  const d = micros(end) - micros(start);
  return { stderr: err, start, end, delta: formatDelta(Number.isNaN(d) ? 0 : d), chdirFailed: false };
}

export interface ResultOptions {
  stripEmptyEnds: boolean;
  chdir?: string;
  /** command (no shell): report a missing program like Python's exec failure does. */
  execErrors?: boolean;
}

/** Ansible's command result (§2.7) from the wrapped step's output. */
export function commandResult(out: StepOutput, cmd: string | string[], opts: ResultOptions): ModuleResult {
  const t = untime(out.stderr);
  let stdout = out.stdout;
  let stderr = t.stderr;
  if (t.chdirFailed) {
    return {
      changed: false,
      failed: true,
      cmd,
      rc: null,
      msg: `Unable to change directory before execution: [Errno 2] No such file or directory: '${opts.chdir ?? ''}'`,
    };
  }
  let rc = out.rc;
  let msg = rc === 0 ? '' : 'non-zero return code';
  if (opts.execErrors && Array.isArray(cmd) && (rc === 127 || rc === 126)) {
    // dash's "exec: foo: not found" becomes what Python's subprocess raises in Ansible.
    const prog = cmd[0] ?? '';
    const m = /exec: .*: (not found|Permission denied)\s*$/.exec(stderr);
    if (m) {
      const errno =
        m[1] === 'not found' ? '[Errno 2] No such file or directory' : '[Errno 13] Permission denied';
      msg = `${errno}: b'${prog}'`;
      rc = m[1] === 'not found' ? 2 : 13;
      stderr = '';
    }
  }
  if (opts.stripEmptyEnds) {
    stdout = stdout.replace(/[\r\n]+$/, '');
    stderr = stderr.replace(/[\r\n]+$/, '');
  }
  return {
    changed: true,
    cmd,
    rc,
    stdout,
    stderr,
    stdout_lines: splitLines(stdout),
    stderr_lines: splitLines(stderr),
    start: t.start,
    end: t.end,
    delta: t.delta,
    msg,
    failed: rc !== 0,
  };
}

/** The result of a command that did not run: creates/removes short-circuit or check mode. */
function notRun(cmd: string | string[], extra: ModuleResult, stdout = ''): ModuleResult {
  return {
    cmd,
    rc: 0,
    stdout,
    stderr: '',
    stdout_lines: splitLines(stdout),
    stderr_lines: [],
    start: null,
    end: null,
    delta: null,
    ...extra,
  };
}

export interface GuardFacts {
  creates?: GlobExists;
  removes?: GlobExists;
}

/**
 * Apply creates/removes (already evaluated on the host) and check mode. Returns a finished plan when the
 * command must not run, or undefined to go on and run it.
 */
export function guardPlan(
  cmd: string | string[],
  p: { creates?: string; removes?: string; chdir?: string },
  f: GuardFacts,
  ctx: PlanContext,
): Plan | undefined {
  const chdirFailed = f.creates?.chdirFailed || f.removes?.chdirFailed;
  if (chdirFailed && !ctx.check) {
    return {
      changed: false,
      steps: [],
      failed: true,
      result: {
        cmd,
        rc: null,
        msg: `Unable to change directory before execution: [Errno 2] No such file or directory: '${p.chdir ?? ''}'`,
      },
    };
  }
  if (p.creates !== undefined && f.creates?.exists) {
    return {
      changed: false,
      steps: [],
      result: notRun(
        cmd,
        { changed: false, msg: `Did not run command since '${p.creates}' exists` },
        `skipped, since ${p.creates} exists`,
      ),
    };
  }
  if (p.removes !== undefined && f.removes && !f.removes.exists) {
    return {
      changed: false,
      steps: [],
      result: notRun(
        cmd,
        { changed: false, msg: `Did not run command since '${p.removes}' does not exist` },
        `skipped, since ${p.removes} does not exist`,
      ),
    };
  }
  if (!ctx.check) return undefined;
  const msg = 'Command would have run if not in check mode';
  // With creates/removes the answer is known: it would change. Without, Ansible skips the task.
  if (p.creates !== undefined || p.removes !== undefined) {
    return { changed: true, steps: [], result: notRun(cmd, { changed: true, msg }) };
  }
  return {
    changed: false,
    steps: [],
    skipped: true,
    result: notRun(cmd, { changed: false, skipped: true, msg }),
  };
}
