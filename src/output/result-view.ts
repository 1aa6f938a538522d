// Helpers the extra callbacks share: censoring no_log results, cleaning results for display, times, diffs.
import { randomBytes } from 'node:crypto';
import { createTwoFilesPatch } from 'diff';
import type { FileDiff, ModuleResult } from '../core/module.js';
import type { HostResult } from './events.js';

/** Ansible's text for a result hidden by no_log. */
export const CENSORED =
  "the output has been hidden due to the fact that 'no_log: true' was specified for this result";

/** Epoch milliseconds. Injected in tests so that output is reproducible. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

/** Keys a censored result keeps (Ansible's TaskResult._PRESERVE). */
const PRESERVE = ['attempts', 'changed', 'retries'];

/** The result as it may be shown: a no_log result becomes `{censored, changed}` as in Ansible. */
export function visibleResult(r: HostResult): ModuleResult {
  if (!r.noLog) return r.result;
  const out: ModuleResult = { censored: CENSORED };
  for (const k of PRESERVE) if (k in r.result) out[k] = r.result[k];
  return out;
}

/** Item label as it may be shown (Ansible prints `None` for a no_log item). */
export function visibleLabel(r: HostResult): string | undefined {
  if (r.item === undefined) return undefined;
  return r.noLog ? 'None' : r.item.label;
}

/** Diffs that may be shown: none for no_log results. */
export function visibleDiffs(r: HostResult): FileDiff[] {
  return r.noLog || !r.diff ? [] : r.diff;
}

function isInternalKey(k: string): boolean {
  return k.startsWith('_ansible_') || k.startsWith('_tsible_');
}

/** Drop `_ansible_*`/`_tsible_*` keys at every level, like Ansible's strip_internal_keys. */
export function stripInternal(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripInternal);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (!isInternalKey(k)) out[k] = stripInternal(x);
    }
    return out;
  }
  return v;
}

/** Drop only tsible's own bookkeeping keys, at every level (machine outputs keep Ansible's `_ansible_*`). */
export function stripTsible(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripTsible);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (!k.startsWith('_tsible_')) out[k] = stripTsible(x);
    }
    return out;
  }
  return v;
}

const DEBUG_ALLOWED = new Set(['msg', 'exception', 'warnings', 'deprecations']);
const HIDE_IN_DEBUG = ['changed', 'failed', 'skipped', 'invocation', 'skip_reason'];

export function isDebugAction(action: string | undefined): boolean {
  return action === 'debug' || action === 'ansible.builtin.debug' || action === 'ansible.legacy.debug';
}

const NO_JSON = new Set(['command', 'shell', 'raw', 'win_command', 'win_shell']);

/** Actions whose results the minimal callback prints as `| rc=N >>` plus the output (Ansible's MODULE_NO_JSON). */
export function isCommandAction(action: string | undefined): boolean {
  if (action === undefined) return false;
  const short = action.replace(/^(ansible\.(builtin|legacy|windows)\.)/, '');
  return NO_JSON.has(short);
}

/**
 * A result as the human callbacks print it: without internal keys, `failed`/`skipped` (the line says it),
 * `invocation` and `diff` (below -vvv) and `exception`; a debug result keeps only its message (Ansible's
 * TaskResult.clean_copy and _clean_results).
 */
export function displayResult(
  res: ModuleResult,
  opts: { verbosity: number; debug: boolean; isItem?: boolean },
): ModuleResult {
  const out = stripInternal(res) as ModuleResult;
  delete out.failed;
  delete out.skipped;
  if (opts.verbosity < 3) {
    delete out.invocation;
    delete out.diff;
  }
  delete out.exception;
  if (opts.debug) {
    if ('msg' in out) {
      for (const k of Object.keys(out)) if (!DEBUG_ALLOWED.has(k)) delete out[k];
    } else {
      for (const k of HIDE_IN_DEBUG) delete out[k];
    }
  }
  if (!opts.isItem || opts.debug) {
    delete out.item;
    delete out.ansible_loop_var;
    delete out.ansible_index_var;
  }
  return out;
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** UTC time like Python's `datetime.utcnow().isoformat() + 'Z'` (always with microseconds). */
export function isoTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}000Z`;
}

/** Local time like Python logging's default asctime: `2026-11-22 06:00:00,123`. */
export function logTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(
    d.getMinutes(),
  )}:${pad(d.getSeconds())},${pad(d.getMilliseconds(), 3)}`;
}

/** A duration for humans: `2.1s`, or `3m05.2s` from a minute on. */
export function seconds(ms: number): string {
  const t = Math.round(Math.max(0, ms) / 100) / 10;
  if (t < 60) return `${t.toFixed(1)}s`;
  const m = Math.floor(t / 60);
  return `${m}m${(t - m * 60).toFixed(1).padStart(4, '0')}s`;
}

/** Generates ids shaped like Ansible's task UUIDs: a per-run prefix and a hexadecimal counter. */
export function idGenerator(prefix?: string): () => string {
  const p =
    prefix ??
    (() => {
      const h = randomBytes(10).toString('hex');
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}`;
    })();
  let n = 0;
  return () => `${p}-${(++n).toString(16).padStart(12, '0')}`;
}

/**
 * The unified diff of one file change as lines (`---`, `+++`, hunks), without the preamble `diff` adds,
 * the way the default callback shows it. A diff that must not be shown yields its reason.
 */
export function unifiedDiffLines(d: FileDiff): string[] {
  if (d.skipReason) return [d.skipReason];
  if (d.before === d.after) return [];
  const patch = createTwoFilesPatch(
    // Ansible labels the sides "before: <header>" / "after: <header>", or just "before"/"after".
    d.beforeHeader === undefined ? 'before' : `before: ${d.beforeHeader}`,
    d.afterHeader === undefined ? 'after' : `after: ${d.afterHeader}`,
    d.before,
    d.after,
    undefined,
    undefined,
    { context: 3 },
  );
  return patch
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('====') && !l.startsWith('Index:'))
    .map((l) => (l.startsWith('--- ') || l.startsWith('+++ ') ? l.replace(/\t$/, '') : l));
}
