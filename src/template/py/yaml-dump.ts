// A PyYAML-style emitter (yaml.dump with Ansible's options): sorted keys, indentless sequences in mappings,
// PyYAML's plain/quoted scalar choice and line folding, flow style for leaf collections when asked.
import { fail } from '../fault.js';
import { floatRepr } from './repr.js';
import { isDict, PyFloat, Undef } from './values.js';

export interface YamlDumpOptions {
  indent: number;
  /** PyYAML's default_flow_style: false = block everywhere, null = flow for collections of scalars only. */
  flowLeaves: boolean;
  width?: number;
}

const RESOLVES_TO_NON_STRING = [
  /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  /^(?:<<|=|~|null|Null|NULL|)$/,
  /^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$/,
];

const WS = '\0 \t\r\n\x85\u2028\u2029';
const BREAKS = '\n\x85\u2028\u2029';

interface Analysis {
  multiline: boolean;
  flowPlain: boolean;
  blockPlain: boolean;
  singleQuoted: boolean;
}

/** PyYAML's analyze_scalar, reduced to what picks the style. */
function analyze(s: string): Analysis {
  if (s === '') return { multiline: false, flowPlain: false, blockPlain: false, singleQuoted: true };
  let flowInd = s.startsWith('---') || s.startsWith('...');
  let blockInd = flowInd;
  let lineBreaks = false;
  let special = false;
  let spaceBreak = false;
  let breakSpace = false;
  const chars = [...s];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    const followedByWs = i + 1 >= chars.length || WS.includes(chars[i + 1]!);
    const precededByWs = i === 0 || WS.includes(chars[i - 1]!);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) flowInd = blockInd = true;
      if ('?:'.includes(ch)) {
        flowInd = true;
        if (followedByWs) blockInd = true;
      }
      if (ch === '-' && followedByWs) flowInd = blockInd = true;
    } else {
      if (',?[]{}'.includes(ch)) flowInd = true;
      if (ch === ':') {
        flowInd = true;
        if (followedByWs) blockInd = true;
      }
      if (ch === '#' && precededByWs) flowInd = blockInd = true;
    }
    if (BREAKS.includes(ch)) lineBreaks = true;
    const code = ch.codePointAt(0)!;
    const printable =
      ch === '\n' ||
      (code >= 0x20 && code <= 0x7e) ||
      code === 0x85 ||
      (code >= 0xa0 &&
        code !== 0xfeff &&
        !(code >= 0xd800 && code <= 0xdfff) &&
        code !== 0xfffe &&
        code !== 0xffff);
    if (!printable) special = true;
    if (ch === ' ' && i + 1 < chars.length && BREAKS.includes(chars[i + 1]!)) spaceBreak = true;
    if (BREAKS.includes(ch) && i + 1 < chars.length && chars[i + 1] === ' ') breakSpace = true;
  }
  const edge = (c: string) => c === ' ' || BREAKS.includes(c);
  let flowPlain = true;
  let blockPlain = true;
  let singleQuoted = true;
  if (edge(chars[0]!) || edge(chars[chars.length - 1]!)) flowPlain = blockPlain = false;
  if (breakSpace) flowPlain = blockPlain = singleQuoted = false;
  if (spaceBreak || special) flowPlain = blockPlain = singleQuoted = false;
  if (lineBreaks) flowPlain = blockPlain = false;
  if (flowInd) flowPlain = false;
  if (blockInd) blockPlain = false;
  return { multiline: lineBreaks, flowPlain, blockPlain, singleQuoted };
}

const ESCAPES: Record<string, string> = {
  '\0': '0',
  '\x07': 'a',
  '\b': 'b',
  '\t': 't',
  '\n': 'n',
  '\v': 'v',
  '\f': 'f',
  '\r': 'r',
  '\x1b': 'e',
  '"': '"',
  '\\': '\\',
  '\x85': 'N',
  '\xa0': '_',
  '\u2028': 'L',
  '\u2029': 'P',
};

function doubleQuoted(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    const esc = ESCAPES[ch];
    if (esc) out += `\\${esc}`;
    else if (code < 0x20 || (code >= 0x7f && code < 0xa0) || code === 0xfeff)
      out += `\\x${code.toString(16).padStart(2, '0').toUpperCase()}`;
    else out += ch;
  }
  return `${out}"`;
}

class Emitter {
  private readonly n: number;
  private readonly width: number;
  constructor(private readonly opts: YamlDumpOptions) {
    this.n = opts.indent;
    this.width = opts.width ?? 80;
  }

  /** Fold at spaces once past the width, continuing lines at `indent` (PyYAML's split). */
  private fold(text: string, column: number, indent: number): string {
    let out = '';
    let col = column;
    const words = text.split(' ');
    words.forEach((w, i) => {
      if (i > 0) {
        if (col > this.width && w !== '' && words[i - 1] !== '' && i < words.length) {
          out += `\n${' '.repeat(indent)}`;
          col = indent;
        } else {
          out += ' ';
          col++;
        }
      }
      out += w;
      col += w.length;
    });
    return out;
  }

  scalar(v: unknown, column: number, indent: number, flow: boolean, simpleKey: boolean): string {
    if (v === null || v === undefined) return 'null';
    if (v === true) return 'true';
    if (v === false) return 'false';
    if (v instanceof PyFloat || (typeof v === 'number' && !Number.isInteger(v))) {
      const n = Number(v);
      if (Number.isNaN(n)) return '.nan';
      if (!Number.isFinite(n)) return n > 0 ? '.inf' : '-.inf';
      const r = floatRepr(n);
      return !r.includes('.') && r.includes('e') ? r.replace('e', '.0e') : r;
    }
    if (typeof v === 'number') return String(v);
    if (v instanceof Undef) v.fail();
    const s = typeof v === 'string' ? v : String(v);
    const a = analyze(s);
    const implicitStr = !RESOLVES_TO_NON_STRING.some((re) => re.test(s));
    if (implicitStr && !(simpleKey && (s === '' || a.multiline)) && (flow ? a.flowPlain : a.blockPlain)) {
      return simpleKey ? s : this.fold(s, column, indent);
    }
    if (a.singleQuoted && !(simpleKey && a.multiline)) {
      const body = s
        .replace(/'/g, "''")
        .replace(/\n+/g, (m) => '\n'.repeat(m.length + 1) + ' '.repeat(indent));
      return simpleKey ? `'${body}'` : `'${this.fold(body, column + 1, indent)}'`;
    }
    return doubleQuoted(s);
  }

  private isLeaf(v: unknown): boolean {
    if (Array.isArray(v)) return v.every((x) => !Array.isArray(x) && !isDict(x));
    if (isDict(v)) return Object.values(v).every((x) => !Array.isArray(x) && !isDict(x));
    return false;
  }

  /** A flow collection at `indent`; its scalars (and nested collections) sit one step further in. */
  private flowNode(v: unknown, column: number, indent: number): string {
    const inner = indent + this.n;
    if (!Array.isArray(v) && !isDict(v)) return this.scalar(v, column, indent, true, false);
    let out = Array.isArray(v) ? '[' : '{';
    const col = () => column + out.length - (out.lastIndexOf('\n') + 1);
    const entries = Array.isArray(v)
      ? v.map((x) => [undefined, x] as const)
      : Object.keys(v)
          .sort()
          .map((k) => [k, v[k]] as const);
    entries.forEach(([k, x], i) => {
      if (i > 0) out += ', ';
      if (k !== undefined) out += `${this.scalar(k, col(), inner, true, true)}: `;
      out += this.flowItem(x, col(), inner);
    });
    return out + (Array.isArray(v) ? ']' : '}');
  }

  private flowItem(v: unknown, column: number, indent: number): string {
    return Array.isArray(v) || isDict(v)
      ? this.flowNode(v, column, indent)
      : this.scalar(v, column, indent, true, false);
  }

  private inline(v: unknown): boolean {
    if (Array.isArray(v)) return v.length === 0 || (this.opts.flowLeaves && this.isLeaf(v));
    if (isDict(v)) return Object.keys(v).length === 0 || (this.opts.flowLeaves && this.isLeaf(v));
    return true;
  }

  /** A node that starts after `prefix` on the current line; block collections go on the next lines. */
  node(v: unknown, indent: number, column: number, inMapping: boolean): string {
    if (this.inline(v)) {
      if (Array.isArray(v) || isDict(v)) return this.flowNode(v, column, indent + this.n);
      return this.scalar(v, column, indent + this.n, false, false);
    }
    if (Array.isArray(v)) {
      // PyYAML does not indent a sequence that is a mapping value.
      return v.map((item) => `\n${' '.repeat(indent)}${this.seqItem(item, indent)}`).join('');
    }
    const d = v as Record<string, unknown>;
    const inner = inMapping ? indent + this.n : indent;
    return Object.keys(d)
      .sort()
      .map((k) => `\n${' '.repeat(inner)}${this.mapEntry(k, d[k], inner)}`)
      .join('');
  }

  private seqItem(item: unknown, indent: number): string {
    const content = indent + this.n;
    const dash = `-${' '.repeat(this.n - 1)}`;
    if (this.inline(item)) return `- ${this.node(item, indent, indent + 2, false)}`;
    return dash + this.blockBody(item, content);
  }

  /** A block collection whose first line continues the current one (after "- "). */
  private blockBody(v: unknown, indent: number): string {
    const lines = Array.isArray(v)
      ? v.map((item) => this.seqItem(item, indent))
      : Object.keys(v as Record<string, unknown>)
          .sort()
          .map((k) => this.mapEntry(k, (v as Record<string, unknown>)[k], indent));
    return lines.join(`\n${' '.repeat(indent)}`);
  }

  private mapEntry(key: string, value: unknown, indent: number): string {
    const k = this.scalar(key, indent, indent, false, true);
    if (this.inline(value)) return `${k}: ${this.node(value, indent, indent + k.length + 2, true)}`;
    return `${k}:${this.node(value, indent, 0, true)}`;
  }

  document(v: unknown): string {
    if (this.inline(v)) return `${this.node(v, 0, 0, false)}\n`;
    return `${this.blockBody(v, 0)}\n`;
  }
}

/** yaml.dump(value, allow_unicode=True, default_flow_style=..., indent=...). */
export function pyYamlDump(value: unknown, opts: YamlDumpOptions): string {
  if (opts.indent < 2 || opts.indent > 9) fail('indent must be between 2 and 9');
  return new Emitter(opts).document(value);
}
