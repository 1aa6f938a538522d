// The output of ad-hoc runs (`tsible PATTERN -m MODULE`), like ansible's minimal/oneline formats.
import { Chalk, type ChalkInstance } from 'chalk';
import type { Callback, HostResult, RecapCounts } from './events.js';
import { pyJsonIndent } from './pyjson.js';

export interface AdhocOptions {
  color: boolean;
  oneLine: boolean;
  write?: (s: string) => void;
  writeErr?: (s: string) => void;
}

const CENSORED =
  "the output has been hidden due to the fact that 'no_log: true' was specified for this result";

function clean(r: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) {
    if (k.startsWith('_ansible_') || k.startsWith('_tsible_') || k === 'invocation' || k === 'diff') continue;
    if (k === 'failed' || k === 'skipped') continue;
    out[k] = v;
  }
  return out;
}

/** json.dumps(v, sort_keys=True, separators=(',', ': ')) as ansible's oneline callback prints it. */
function oneLineJson(v: unknown): string {
  if (Array.isArray(v)) return '[' + v.map(oneLineJson).join(',') + ']';
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return (
      '{' +
      Object.keys(o)
        .filter((k) => o[k] !== undefined)
        .sort()
        .map((k) => `${JSON.stringify(k)}: ${oneLineJson(o[k])}`)
        .join(',') +
      '}'
    );
  }
  return JSON.stringify(v ?? null);
}

export class AdhocCallback implements Callback {
  private readonly c: ChalkInstance;
  private readonly out: (s: string) => void;
  private readonly err: (s: string) => void;
  /** Set by the CLI: command-like modules print `| rc=N >>` and their output. */
  commandLike = false;

  constructor(private readonly opts: AdhocOptions) {
    this.c = new Chalk({ level: opts.color ? 1 : 0 });
    this.out = opts.write ?? ((s) => process.stdout.write(s));
    this.err = opts.writeErr ?? ((s) => process.stderr.write(s));
  }

  playStart(): void {}
  noHostsMatched(): void {}
  taskStart(): void {}
  itemResult(): void {}
  included(): void {}
  retrying(): void {}
  noMoreHosts(): void {}
  recap(_counts: Map<string, RecapCounts>): void {}
  close(): void {}

  warning(msg: string): void {
    this.err(this.c.magentaBright(`[WARNING]: ${msg}`) + '\n');
  }

  hostResult(r: HostResult): void {
    const res = r.noLog ? { censored: CENSORED, changed: r.result.changed ?? false } : r.result;
    const paint =
      r.status === 'failed'
        ? this.c.red
        : r.status === 'unreachable'
          ? this.c.redBright
          : r.status === 'changed'
            ? this.c.yellow
            : r.status === 'skipped'
              ? this.c.cyan
              : this.c.green;
    const caption =
      r.status === 'changed'
        ? 'CHANGED'
        : r.status === 'failed'
          ? 'FAILED'
          : r.status === 'skipped'
            ? 'SKIPPED'
            : 'SUCCESS';
    if (r.status === 'unreachable') {
      const body = this.opts.oneLine
        ? oneLineJson(clean(res))
        : pyJsonIndent(clean({ ...res, unreachable: true }));
      this.out(paint(`${r.host} | UNREACHABLE! => ${body}`) + '\n');
      return;
    }
    if (this.commandLike && typeof res.rc === 'number' && !r.noLog) {
      const stdout = String(res.stdout ?? '');
      const stderr = String(res.stderr ?? '');
      if (this.opts.oneLine) {
        const parts = [`${r.host} | ${caption} | rc=${res.rc} | (stdout) ${stdout.replace(/\n/g, '\\n')}`];
        if (stderr) parts.push(`(stderr) ${stderr.replace(/\n/g, '\\n')}`);
        this.out(paint(parts.join(' ')) + '\n');
      } else {
        const msg = r.status === 'failed' && typeof res.msg === 'string' ? res.msg : '';
        this.out(paint(`${r.host} | ${caption} | rc=${res.rc} >>\n${stdout}${stderr}${msg}`) + '\n');
      }
      return;
    }
    const shown = r.status === 'failed' ? `${caption}!` : caption;
    const body = this.opts.oneLine ? oneLineJson(clean(res)) : pyJsonIndent(clean(res));
    this.out(paint(`${r.host} | ${shown} => ${body}`) + '\n');
  }
}
