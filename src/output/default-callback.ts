// The default output, line for line like ansible-playbook's default stdout callback.
import { Chalk, type ChalkInstance } from 'chalk';
import type { FileDiff } from '../core/module.js';
import type { Callback, HostResult, RecapCounts } from './events.js';
import { pyJson, pyJsonIndent } from './pyjson.js';
import { unifiedDiffLines } from './result-view.js';

export interface DefaultCallbackOptions {
  color: boolean;
  verbosity: number;
  diff: boolean;
  write?: (s: string) => void;
  writeErr?: (s: string) => void;
  /** Terminal width when stdout is a terminal. */
  columns?: number;
}

const CENSORED =
  "the output has been hidden due to the fact that 'no_log: true' was specified for this result";

/** What debug shows when it has a msg (Ansible's _DEBUG_ALLOWED_KEYS). */
const DEBUG_MSG_KEYS = new Set(['msg', 'exception', 'warnings', 'deprecations']);
/** What debug hides when it shows a var. */
const DEBUG_VAR_HIDDEN = new Set(['changed', 'failed', 'skipped', 'invocation', 'skip_reason']);

/** Keys never shown in a result dump below -vvv. */
function cleanResult(
  r: Record<string, unknown>,
  verbosity: number,
  isDebug: boolean,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) {
    if (k.startsWith('_ansible_') || k.startsWith('_tsible_')) continue;
    if (isDebug && ('msg' in r ? !DEBUG_MSG_KEYS.has(k) : DEBUG_VAR_HIDDEN.has(k))) continue;
    // Ansible's displayed copy of a result drops these (TaskResult.clean_copy).
    if (k === 'diff' || k === 'failed' || k === 'skipped') continue;
    if (k === 'invocation' && verbosity < 3) continue;
    out[k] = v;
  }
  return out;
}

export class DefaultCallback implements Callback {
  private readonly c: ChalkInstance;
  private readonly out: (s: string) => void;
  private readonly err: (s: string) => void;
  private readonly columns: number;

  constructor(private readonly opts: DefaultCallbackOptions) {
    this.c = new Chalk({ level: opts.color ? 1 : 0 });
    this.out = opts.write ?? ((s) => process.stdout.write(s));
    this.err = opts.writeErr ?? ((s) => process.stderr.write(s));
    this.columns = Math.max(79, (opts.columns ?? 80) - 1);
  }

  private line(s: string): void {
    this.out(s + '\n');
  }

  private banner(msg: string): void {
    const stars = '*'.repeat(Math.max(3, this.columns - msg.length));
    this.line('');
    this.line(`${msg} ${stars}`);
  }

  playbookStart(file: string): void {
    if (this.opts.verbosity >= 2) this.line(`\nPLAYBOOK: ${file.split('/').pop()} ${'*'.repeat(60)}`);
  }

  playStart(name: string): void {
    this.banner(name ? `PLAY [${name}]` : 'PLAY');
  }

  noHostsMatched(): void {
    this.line(this.c.cyan('skipping: no hosts matched'));
  }

  taskStart(title: string, opts: { handler?: boolean }): void {
    this.banner(`${opts.handler ? 'RUNNING HANDLER' : 'TASK'} [${title}]`);
  }

  private hostLabel(r: HostResult): string {
    return r.delegatedTo ? `${r.host} -> ${r.delegatedTo}` : r.host;
  }

  private dump(r: HostResult, indent: boolean): string {
    const res = r.noLog ? { censored: CENSORED, changed: r.result.changed ?? false } : r.result;
    const isDebug =
      /(^|\.)debug$/.test(r.action ?? '') || (r.action === undefined && r.verboseAlways === true);
    const clean = cleanResult(res, this.opts.verbosity, isDebug);
    return indent ? pyJsonIndent(clean) : pyJson(clean);
  }

  private showDiff(diffs: FileDiff[] | undefined, noLog: boolean | undefined): void {
    if (!this.opts.diff || !diffs || noLog) return;
    for (const d of diffs) {
      const lines = unifiedDiffLines(d);
      if (lines.length === 0) continue;
      for (const l of lines) {
        if (l.startsWith('--- ') || l.startsWith('+++ ')) this.line(l);
        else if (l.startsWith('+')) this.line(this.c.green(l));
        else if (l.startsWith('-')) this.line(this.c.red(l));
        // Python's difflib leaves out a range's length when it is 1 ("@@ -1,2 +1 @@").
        else if (l.startsWith('@@')) this.line(this.c.cyan(l.replace(/([-+]\d+),1(?= )/g, '$1')));
        else this.line(l);
      }
      if (!d.skipReason) this.line('');
    }
  }

  hostResult(r: HostResult): void {
    this.showDiff(r.diff, r.noLog);
    const host = this.hostLabel(r);
    const v = this.opts.verbosity;
    switch (r.status) {
      case 'ok':
      case 'changed': {
        // Items were printed already; a censored (no_log) loop still gets its summary line, as in Ansible.
        if (r.result.results && Array.isArray(r.result.results) && !r.noLog) break;
        const word = r.status === 'ok' ? 'ok' : 'changed';
        const paint = r.status === 'ok' ? this.c.green : this.c.yellow;
        if (r.verboseAlways && !r.noLog) this.line(paint(`${word}: [${host}] => ${this.dump(r, true)}`));
        else if (v >= 1) this.line(paint(`${word}: [${host}] => ${this.dump(r, v >= 3)}`));
        else this.line(paint(`${word}: [${host}]`));
        break;
      }
      case 'skipped':
        if (r.result.results && Array.isArray(r.result.results)) {
          this.line(this.c.cyan(`skipping: [${host}]`));
        } else if (v >= 1) this.line(this.c.cyan(`skipping: [${host}] => ${this.dump(r, v >= 3)}`));
        else this.line(this.c.cyan(`skipping: [${host}]`));
        break;
      case 'failed':
        // A failed loop has printed its failed items already; only the verdict remains.
        if (!Array.isArray(r.result.results))
          this.line(this.c.red(`fatal: [${host}]: FAILED! => ${this.dump(r, v >= 3)}`));
        if (r.ignored) this.line(this.c.cyan('...ignoring'));
        break;
      case 'unreachable':
        this.line(this.c.redBright(`fatal: [${host}]: UNREACHABLE! => ${this.dump(r, v >= 3)}`));
        if (r.ignored) this.line(this.c.cyan('...ignoring'));
        break;
    }
  }

  itemResult(r: HostResult): void {
    this.showDiff(r.diff, r.noLog);
    const host = this.hostLabel(r);
    const label = r.noLog ? 'None' : (r.item?.label ?? '');
    const v = this.opts.verbosity;
    switch (r.status) {
      case 'ok':
      case 'changed': {
        const word = r.status;
        const paint = r.status === 'ok' ? this.c.green : this.c.yellow;
        const always = r.verboseAlways === true && !r.noLog;
        if (always || v >= 1)
          this.line(paint(`${word}: [${host}] => (item=${label}) => ${this.dump(r, always || v >= 3)}`));
        else this.line(paint(`${word}: [${host}] => (item=${label})`));
        break;
      }
      case 'skipped':
        this.line(this.c.cyan(`skipping: [${host}] => (item=${label}) `));
        break;
      case 'failed':
        this.line(this.c.red(`failed: [${host}] (item=${label}) => ${this.dump(r, v >= 3)}`));
        break;
      case 'unreachable':
        this.line(
          this.c.redBright(`fatal: [${host}]: UNREACHABLE! => (item=${label}) => ${this.dump(r, false)}`),
        );
        break;
    }
  }

  included(file: string, hosts: string[], item?: string): void {
    this.line(
      this.c.cyan(
        `included: ${file} for ${hosts.join(', ')}${item === undefined ? '' : ` => (item=${item})`}`,
      ),
    );
  }

  retrying(host: string, task: string, left: number): void {
    this.line(this.c.red(`FAILED - RETRYING: [${host}]: ${task} (${left} retries left).`));
  }

  noMoreHosts(): void {
    this.banner('NO MORE HOSTS LEFT');
  }

  warning(msg: string): void {
    this.err(this.c.magentaBright(`[WARNING]: ${msg}`) + '\n');
  }

  recap(counts: Map<string, RecapCounts>): void {
    this.banner('PLAY RECAP');
    const names = [...counts.keys()].sort();
    for (const h of names) {
      const n = counts.get(h)!;
      const field = (k: keyof RecapCounts, paint: (s: string) => string): string => {
        const s = `${k}=${String(n[k]).padEnd(4)}`;
        return n[k] > 0 ? paint(s) : s;
      };
      const hostPaint =
        n.failed > 0 || n.unreachable > 0 ? this.c.red : n.changed > 0 ? this.c.yellow : this.c.green;
      const hostCol = this.opts.color ? hostPaint(h) + ' '.repeat(Math.max(0, 26 - h.length)) : h.padEnd(26);
      this.line(
        `${hostCol} : ${field('ok', this.c.green)} ${field('changed', this.c.yellow)} ${field('unreachable', this.c.redBright)} ${field('failed', this.c.red)} ${field('skipped', this.c.cyan)} ${field('rescued', this.c.magenta)} ${field('ignored', this.c.magenta)}`,
      );
    }
    this.line('');
  }

  close(): void {}
}
