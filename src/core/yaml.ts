// YAML 1.1 loading like Ansible's PyYAML (yes/on booleans, 0644 octal, 12:30 sexagesimal, << merges),
// keeping the source position of every mapping, key and list item for error messages.
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Document } from 'yaml';
import type { ScalarTag } from 'yaml';
import { TsibleError, type ErrorKind, type SourcePos } from './errors.js';

/** A `!vault |` value: decrypted when used. */
export class VaultText {
  constructor(readonly ciphertext: string) {}
  toString(): string {
    return this.ciphertext;
  }
}

/** An `!unsafe` value: never templated. */
export class UnsafeText {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

interface PosInfo {
  self: SourcePos;
  keys: Map<string, SourcePos>;
  items: SourcePos[];
}

const POSITIONS = new WeakMap<object, PosInfo>();

/** Where a loaded mapping or list came from. */
export function posOf(obj: unknown): SourcePos | undefined {
  return typeof obj === 'object' && obj !== null ? POSITIONS.get(obj)?.self : undefined;
}

/** Where a key of a loaded mapping was written (falls back to the mapping). */
export function keyPos(obj: unknown, key: string): SourcePos | undefined {
  if (typeof obj !== 'object' || obj === null) return undefined;
  const info = POSITIONS.get(obj);
  return info?.keys.get(key) ?? info?.self;
}

/** Where item i of a loaded list was written (falls back to the list). */
export function itemPos(list: unknown, i: number): SourcePos | undefined {
  if (typeof list !== 'object' || list === null) return undefined;
  const info = POSITIONS.get(list);
  return info?.items[i] ?? info?.self;
}

/** Record a position for an object built by code (e.g. a synthesized task). */
export function setPos(obj: object, pos: SourcePos): void {
  const info = POSITIONS.get(obj);
  if (info) info.self = pos;
  else POSITIONS.set(obj, { self: pos, keys: new Map(), items: [] });
}

const vaultTag: ScalarTag = {
  tag: '!vault',
  resolve: (str: string) => new VaultText(str),
  identify: (v: unknown) => v instanceof VaultText,
};
const unsafeTag: ScalarTag = {
  tag: '!unsafe',
  resolve: (str: string) => new UnsafeText(str),
  identify: (v: unknown) => v instanceof UnsafeText,
};

// PyYAML's booleans: unlike YAML 1.1 proper, y/n are strings.
const BOOL = 'tag:yaml.org,2002:bool';
const pyTrue: ScalarTag = {
  tag: BOOL,
  default: true,
  test: /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/,
  resolve: () => true,
  identify: (v: unknown) => v === true,
};
const pyFalse: ScalarTag = {
  tag: BOOL,
  default: true,
  test: /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/,
  resolve: () => false,
  identify: (v: unknown) => v === false,
};

/** Drop yaml's own 1.1 booleans (replaced above) and timestamps (Ansible prints dates as written). */
function keepTag(t: unknown): boolean {
  const tag = (t as { tag?: string }).tag;
  return tag !== BOOL && tag !== 'tag:yaml.org,2002:timestamp';
}

export interface LoadOptions {
  /** Which kind of error to raise on a syntax error. */
  kind?: ErrorKind;
}

/** Parse every document of a YAML text. */
export function loadYamlAll(text: string, file: string, opts: LoadOptions = {}): unknown[] {
  return parseDocs(text, file, opts);
}

/** Parse a single-document YAML text (an empty text gives null). */
export function loadYaml(text: string, file: string, opts: LoadOptions = {}): unknown {
  const docs = parseDocs(text, file, opts);
  return docs[0] ?? null;
}

function parseDocs(text: string, file: string, opts: LoadOptions): unknown[] {
  const lc = new LineCounter();
  const kind = opts.kind ?? 'playbook';
  const out: unknown[] = [];
  // parseAllDocuments would work too; splitting ourselves keeps the single-document API simple.
  const doc0 = parseDocument(text, {
    version: '1.1',
    lineCounter: lc,
    customTags: (tags) => [...tags.filter(keepTag), pyTrue, pyFalse, vaultTag, unsafeTag],
    merge: true,
    uniqueKeys: false,
    prettyErrors: false,
  });
  const docs: Document[] = [doc0];
  for (const doc of docs) {
    const err = doc.errors[0];
    if (err) {
      const at = lc.linePos(err.pos[0]);
      throw new TsibleError(kind, `Syntax error while loading YAML: ${firstLine(err.message)}`, {
        pos: { file, line: at.line, col: at.col },
        hint: hintFor(text, at.line),
      });
    }
    out.push(doc.contents ? convert(doc.contents as Node, doc, file, lc) : null);
  }
  return out;
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

function hintFor(text: string, line: number): string | undefined {
  const src = text.split('\n')[line - 1] ?? '';
  if (/:\s*\{\{/.test(src)) return 'a value that starts with "{{" must be quoted';
  return undefined;
}

function position(node: Node | null | undefined, file: string, lc: LineCounter): SourcePos {
  const off = node?.range?.[0];
  if (off === undefined) return { file };
  const at = lc.linePos(off);
  return { file, line: at.line, col: at.col };
}

function convert(node: Node, doc: Document, file: string, lc: LineCounter): unknown {
  if (isAlias(node)) {
    const target = node.resolve(doc);
    return target ? convert(target as Node, doc, file, lc) : null;
  }
  if (isScalar(node)) {
    const v = node.value;
    if (typeof v === 'bigint') return Number(v);
    return v;
  }
  if (isMap(node)) {
    const obj: Record<string, unknown> = {};
    const info: PosInfo = { self: position(node, file, lc), keys: new Map(), items: [] };
    POSITIONS.set(obj, info);
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      const rawKey = keyNode ? convert(keyNode, doc, file, lc) : null;
      if (isScalar(keyNode) && (keyNode.source === '<<' || typeof keyNode.value === 'symbol')) {
        const merged = pair.value ? convert(pair.value as Node, doc, file, lc) : null;
        for (const m of Array.isArray(merged) ? merged : [merged]) {
          if (m && typeof m === 'object') {
            for (const [k, v] of Object.entries(m)) if (!(k in obj)) obj[k] = v;
          }
        }
        continue;
      }
      if (rawKey !== null && typeof rawKey === 'object') {
        throw new TsibleError('playbook', 'A mapping key is itself a mapping or a list', {
          pos: position(keyNode, file, lc),
          hint: 'a value that starts with "{{" must be quoted',
        });
      }
      const key = rawKey === null ? 'null' : String(rawKey);
      info.keys.set(key, position(keyNode, file, lc));
      obj[key] = pair.value ? convert(pair.value as Node, doc, file, lc) : null;
    }
    return obj;
  }
  if (isSeq(node)) {
    const list: unknown[] = [];
    const info: PosInfo = { self: position(node, file, lc), keys: new Map(), items: [] };
    POSITIONS.set(list, info);
    for (const item of node.items) {
      info.items.push(position(item as Node, file, lc));
      list.push(item ? convert(item as Node, doc, file, lc) : null);
    }
    return list;
  }
  return null;
}
