// stdout_callback=yaml: the default banners and lines, with results dumped as YAML (community.general.yaml).
import { Chalk, type ChalkInstance } from 'chalk';
import { Document, Scalar, stringify, visit } from 'yaml';
import type { FileDiff, ModuleResult } from '../core/module.js';
import type { Callback, HostResult, RecapCounts, TaskStartInfo } from './events.js';
import {
  displayResult,
  isDebugAction,
  unifiedDiffLines,
  visibleLabel,
  visibleResult,
} from './result-view.js';

export interface YamlCallbackOptions {
  color: boolean;
  verbosity: number;
  diff: boolean;
  write?: (s: string) => void;
  writeErr?: (s: string) => void;
  /** Terminal width when stdout is a terminal. */
  columns?: number;
}

const BLOCK_CHARS = /[\n\r\u001c\u001d\u001e\u0085\u2028\u2029]/;
/** What PyYAML may print inside quotes without escapes (allow_unicode); anything else forces "double quotes". */
const QUOTABLE = /^[\u0020-\u007e\u0085\u00a0-\ud7ff\ue000-\ufefe\uff00-\ufffd\u{10000}-\u{10ffff}]*$/u;
const TO_STRING = {
  indentSeq: false,
  lineWidth: 0,
  singleQuote: true,
  blockQuote: 'literal',
  nullStr: 'null',
  trueStr: 'true',
  falseStr: 'false',
} as const;

/** What the yaml callback does to a multi-line string before printing it as a block: readable over exact. */
export function blockText(s: string): string {
  let v = s.trimEnd();
  // Keep printable ASCII, the whitespace Python calls printable, and everything from U+00A0 up.
  v = [...v].filter((c) => /[\u0020-\u007e\t\n\r\u000b\u000c]/.test(c) || c.codePointAt(0)! >= 0xa0).join('');
  v = expandTabs(v);
  v = v.replace(/[\u000b\u000c\r]/g, '');
  return v.replace(/ +\n/g, '\n');
}

function expandTabs(s: string, size = 8): string {
  return s
    .split('\n')
    .map((line) => {
      let out = '';
      for (const c of line) out += c === '\t' ? ' '.repeat(size - (out.length % size)) : c;
      return out;
    })
    .join('\n');
}

/** YAML like PyYAML's safe dump with the yaml callback's dumper: sorted keys, block lists, `|-` for multi-line. */
export function toYaml(value: unknown): string {
  const doc = new Document(value, { version: '1.1', sortMapEntries: true });
  visit(doc, {
    Scalar(key, node) {
      if (typeof node.value !== 'string') return;
      const s = node.value;
      if (key !== 'key' && BLOCK_CHARS.test(s)) {
        node.value = blockText(s);
        // PyYAML cannot print an empty block, and quotes it instead.
        if (node.value !== '') node.type = Scalar.BLOCK_LITERAL;
      } else if (!QUOTABLE.test(s)) {
        node.type = Scalar.QUOTE_DOUBLE;
      } else if (s.includes("'") && /^["']/.test(stringify(s, { version: '1.1', ...TO_STRING }))) {
        // PyYAML single-quotes (doubling the quote) where this library would switch to double quotes.
        node.type = Scalar.QUOTE_SINGLE;
      }
    },
  });
  return doc.toString(TO_STRING);
}

/** A result the way community.general.yaml prints it after `=> `: a `changed=… ` header, then YAML. */
export function yamlResult(res: ModuleResult): string {
  const r: Record<string, unknown> = { ...res };
  let dumped = '';
  if ('changed' in r) {
    dumped += `changed=${String(r.changed).toLowerCase()} `;
    delete r.changed;
  }
  if ('skipped' in r) {
    dumped += `skipped=${String(r.skipped).toLowerCase()} `;
    delete r.skipped;
  }
  if ('stdout' in r && 'stdout_lines' in r) r.stdout_lines = '<omitted>';
  if ('stderr' in r && 'stderr_lines' in r) r.stderr_lines = '<omitted>';
  if (Object.keys(r).length > 0) dumped += '\n' + toYaml(r);
  return dumped.split('\n').join('\n  ').trimEnd();
}

/** The default callback's lines and banners, with every result dump in YAML. */
export class YamlCallback implements Callback {
  private readonly c: ChalkInstance;
  private readonly out: (s: string) => void;
  private readonly err: (s: string) => void;
  private readonly columns: number;

  constructor(private readonly opts: YamlCallbackOptions) {
    this.c = new Chalk({ level: opts.color ? 1 : 0 });
    this.out = opts.write ?? ((s) => process.stdout.write(s));
    this.err = opts.writeErr ?? ((s) => process.stderr.write(s));
    this.columns = Math.max(79, (opts.columns ?? 80) - 1);
  }

  private line(s: string): void {
    this.out(s + '\n');
  }

  private banner(msg: string): void {
    this.line('');
    this.line(`${msg} ${'*'.repeat(Math.max(3, this.columns - msg.length))}`);
  }

  private dump(r: HostResult): string {
    const debug = isDebugAction(r.action) || (r.action === undefined && r.verboseAlways === true);
    return yamlResult(
      displayResult(visibleResult(r), {
        verbosity: this.opts.verbosity,
        debug,
        isItem: r.item !== undefined,
      }),
    );
  }

  private hostLabel(r: HostResult): string {
    return r.delegatedTo ? `${r.host} -> ${r.delegatedTo}` : r.host;
  }

  private showDiff(diffs: FileDiff[] | undefined, noLog: boolean | undefined): void {
    if (!this.opts.diff || !diffs || noLog) return;
    for (const d of diffs) {
      if (d.skipReason) {
        this.line(d.skipReason);
        continue;
      }
      const lines = unifiedDiffLines(d);
      if (lines.length === 0) continue;
      for (const l of lines) {
        if (l.startsWith('--- ') || l.startsWith('+++ ')) this.line(l);
        else if (l.startsWith('+')) this.line(this.c.green(l));
        else if (l.startsWith('-')) this.line(this.c.red(l));
        else if (l.startsWith('@@')) this.line(this.c.cyan(l));
        else this.line(l);
      }
      this.line('');
    }
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

  taskStart(title: string, opts: TaskStartInfo): void {
    this.banner(`${opts.handler ? 'RUNNING HANDLER' : 'TASK'} [${title}]`);
  }

  hostResult(r: HostResult): void {
    this.showDiff(r.diff, r.noLog);
    const host = this.hostLabel(r);
    const v = this.opts.verbosity;
    const looped = Array.isArray(r.result.results);
    switch (r.status) {
      case 'ok':
      case 'changed': {
        if (looped) break; // the items were printed already
        const paint = r.status === 'ok' ? this.c.green : this.c.yellow;
        if (r.verboseAlways || v >= 1) this.line(paint(`${r.status}: [${host}] => ${this.dump(r)}`));
        else this.line(paint(`${r.status}: [${host}]`));
        break;
      }
      case 'skipped':
        if (!looped && v >= 1) this.line(this.c.cyan(`skipping: [${host}] => ${this.dump(r)}`));
        else this.line(this.c.cyan(`skipping: [${host}]`));
        break;
      case 'failed':
        if (!looped) this.line(this.c.red(`fatal: [${host}]: FAILED! => ${this.dump(r)}`));
        if (r.ignored) this.line(this.c.cyan('...ignoring'));
        break;
      case 'unreachable':
        this.line(this.c.redBright(`fatal: [${host}]: UNREACHABLE! => ${this.dump(r)}`));
        if (r.ignored) this.line(this.c.cyan('...ignoring'));
        break;
    }
  }

  itemResult(r: HostResult): void {
    this.showDiff(r.diff, r.noLog);
    const host = this.hostLabel(r);
    const label = visibleLabel(r) ?? '';
    switch (r.status) {
      case 'ok':
      case 'changed': {
        const paint = r.status === 'ok' ? this.c.green : this.c.yellow;
        if (r.verboseAlways || this.opts.verbosity >= 1) {
          this.line(paint(`${r.status}: [${host}] => (item=${label}) => ${this.dump(r)}`));
        } else this.line(paint(`${r.status}: [${host}] => (item=${label})`));
        break;
      }
      case 'skipped':
        this.line(this.c.cyan(`skipping: [${host}] => (item=${label}) `));
        break;
      case 'failed':
        this.line(this.c.red(`failed: [${host}] (item=${label}) => ${this.dump(r)}`));
        break;
      case 'unreachable':
        this.line(this.c.redBright(`fatal: [${host}]: UNREACHABLE! => (item=${label}) => ${this.dump(r)}`));
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
    for (const h of [...counts.keys()].sort()) {
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
