// Module argument checking with Ansible's argument-spec semantics, and Ansible's `k=v` free-form parsing.
import { closest, TsibleError, type SourcePos } from './errors.js';
import type { ModuleDef, ParamSpec, ParamSpecs, ParamType, ParamValues } from './module.js';
import { UnsafeText, VaultText } from './yaml.js';

/** The parts of a module definition that argument checking reads. */
export type ParamsDef<S extends ParamSpecs = ParamSpecs> = Pick<
  ModuleDef<S>,
  | 'name'
  | 'params'
  | 'mutuallyExclusive'
  | 'requiredOneOf'
  | 'requiredIf'
  | 'freeForm'
  | 'freeFormKeys'
  | 'freeKeys'
>;

export interface ParamsWhere {
  /** The module name as the task wrote it (`stat`, `ansible.builtin.stat`). */
  module: string;
  task?: string;
  pos?: SourcePos;
  /** Receives Ansible's warnings (an option given both by name and by alias). */
  warn?: (msg: string) => void;
}

/**
 * Check and coerce a task's arguments against the module's spec: aliases, types, choices, required,
 * defaults and the cross-parameter rules. Throws TsibleError('parameter') like Ansible's messages.
 */
export function checkParams<S extends ParamSpecs>(
  def: ParamsDef<S>,
  args: Readonly<Record<string, unknown>>,
  where: ParamsWhere,
): ParamValues<S> {
  const fail = (msg: string, hint?: string): never => {
    throw new TsibleError('parameter', msg, { pos: where.pos, task: where.task, hint });
  };
  const specs: ParamSpecs = def.params;
  const aliasOf = new Map<string, string>();
  for (const [name, spec] of Object.entries(specs)) {
    for (const a of spec.aliases ?? []) aliasOf.set(a, name);
  }

  // Resolve aliases first: an alias given together with its option wins, with a warning (as Ansible does).
  const given = new Map<string, unknown>();
  const unknown: string[] = [];
  for (const [key, value] of Object.entries(args)) {
    if (value === undefined || value === null) continue;
    if (key in specs) {
      if (!given.has(key)) given.set(key, value);
      continue;
    }
    const canonical = aliasOf.get(key);
    if (canonical !== undefined) {
      if (args[canonical] !== undefined && args[canonical] !== null) {
        where.warn?.(`Both option ${canonical} and its alias ${key} are set.`);
      }
      given.set(canonical, value);
      continue;
    }
    if (def.freeKeys) given.set(key, value);
    else unknown.push(key);
  }
  if (unknown.length > 0) {
    unknown.sort();
    const supported = Object.keys(specs)
      .sort()
      .map((n) => {
        const al = specs[n]?.aliases;
        return al && al.length > 0 ? `${n} (${[...al].sort().join(', ')})` : n;
      });
    const candidates = [...Object.keys(specs), ...aliasOf.keys()];
    const guess = closest(unknown[0]!, candidates);
    fail(
      `Unsupported parameters for (${where.module}) module: ${unknown.join(', ')}. ` +
        `Supported parameters include: ${supported.join(', ')}.`,
      guess === undefined ? undefined : `did you mean '${guess}'?`,
    );
  }

  for (const group of def.mutuallyExclusive ?? []) {
    if (group.filter((n) => given.has(n)).length > 1)
      fail(`parameters are mutually exclusive: ${group.join('|')}`);
  }
  const missing = Object.entries(specs)
    .filter(([n, s]) => s.required && !given.has(n))
    .map(([n]) => n)
    .sort();
  if (missing.length > 0) fail(`missing required arguments: ${missing.join(', ')}`);
  for (const group of def.requiredOneOf ?? []) {
    if (!group.some((n) => given.has(n))) fail(`one of the following is required: ${group.join(', ')}`);
  }

  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const raw = given.has(name) ? given.get(name) : spec.default;
    if (raw === undefined) continue;
    out[name] = coerceParam(name, spec, raw, fail);
  }
  for (const [key, value] of given) if (!(key in specs)) out[key] = value;

  // requiredIf compares the coerced value, so `state: "present"` and a bool given as 'yes' both match.
  for (const [param, value, needed] of def.requiredIf ?? []) {
    if (out[param] !== value) continue;
    const absent = needed.filter((n) => !given.has(n));
    if (absent.length > 0)
      fail(`${param} is ${String(value)} but all of the following are missing: ${absent.join(', ')}`);
  }
  return out as ParamValues<S>;
}

type Fail = (msg: string, hint?: string) => never;

function coerceParam(name: string, spec: ParamSpec, value: unknown, fail: Fail): unknown {
  let v: unknown;
  try {
    v = coerce(spec.type, value);
    if (spec.type === 'list' && spec.elements && Array.isArray(v)) {
      const el = spec.elements;
      v = v.map((item) => coerce(el, item));
    }
  } catch (e) {
    if (!(e instanceof CoerceError)) throw e;
    // e.target is the type that failed: the list itself, or one of its elements.
    return fail(
      `argument '${name}' is of type ${pyType(value)} and we were unable to convert to ${e.target}: ${e.message}`,
    );
  }
  if (spec.choices) {
    // YAML turned `upgrade: yes` into a bool that str() made 'True'; like Ansible, give back the one
    // boolean-looking choice that was meant.
    if (typeof value === 'boolean' && typeof v === 'string' && !spec.choices.includes(v)) {
      const overlap = spec.choices.filter((c) => typeof c === 'string' && toBool(c) === value);
      if (overlap.length === 1) v = overlap[0];
    }
    const items = Array.isArray(v) ? v : [v];
    for (const item of items) {
      if (!spec.choices.some((c) => c === item || String(c) === String(item))) {
        fail(`value of ${name} must be one of: ${spec.choices.join(', ')}, got: ${String(item)}`);
      }
    }
    // A choice given as a string for a non-string choice ('yes' for true) is normalised to the choice.
    if (!Array.isArray(v)) v = spec.choices.find((c) => c === v || String(c) === String(v)) ?? v;
  }
  return v;
}

class CoerceError extends Error {
  constructor(
    readonly target: ParamType,
    msg: string,
  ) {
    super(msg);
  }
}

const TRUE_STRINGS = new Set(['y', 'yes', 'on', '1', 'true', 't']);
const FALSE_STRINGS = new Set(['n', 'no', 'off', '0', 'false', 'f']);

/** Ansible's boolean(): the strings and numbers YAML or k=v might carry; undefined if not a boolean. */
export function toBool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value === 1 ? true : value === 0 ? false : undefined;
  if (typeof value === 'string') {
    const s = value.trim().toLowerCase();
    if (TRUE_STRINGS.has(s)) return true;
    if (FALSE_STRINGS.has(s)) return false;
  }
  return undefined;
}

/** Coerce one value to a parameter type, like Ansible's check_type_* functions. */
export function coerce(type: ParamType, value: unknown): unknown {
  if (value instanceof UnsafeText) value = value.text;
  switch (type) {
    case 'raw':
      return value;
    case 'str':
    case 'path':
      if (typeof value === 'string') return value;
      if (value instanceof VaultText) return value.ciphertext;
      return pyStr(value);
    case 'bool': {
      const b = toBool(value);
      if (b === undefined) {
        throw new CoerceError(
          'bool',
          `The value ${pyRepr(value)} is not a valid boolean.  Valid booleans include: ` +
            `'yes', 'on', 'y', 't', 'true', '1', 1, 'n', 'off', 'no', 'f', 'false', '0', 0`,
        );
      }
      return b;
    }
    case 'int':
      if (typeof value === 'boolean') return value ? 1 : 0;
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      if (typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value)) return parseInt(value, 10);
      throw new CoerceError('int', `${pyType(value)} cannot be converted to an int`);
    case 'float':
      if (typeof value === 'number') return value;
      if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)))
        return Number(value);
      throw new CoerceError('float', `${pyType(value)} cannot be converted to a float`);
    case 'list':
      if (Array.isArray(value)) return value;
      // Ansible splits on commas without stripping: "a, b" gives ['a', ' b'].
      if (typeof value === 'string') return value.split(',');
      if (typeof value === 'number' || typeof value === 'boolean') return [pyStr(value)];
      throw new CoerceError('list', `${pyType(value)} cannot be converted to a list`);
    case 'dict':
      if (isPlainObject(value)) return value;
      if (typeof value === 'string') return parseDictString(value);
      throw new CoerceError('dict', `${pyType(value)} cannot be converted to a dict`);
  }
}

function parseDictString(value: string): Record<string, unknown> {
  const s = value.trim();
  if (s.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(s);
      if (isPlainObject(parsed)) return parsed;
    } catch {
      // fall through to the error below
    }
    throw new CoerceError('dict', 'dictionary requested, could not parse JSON or key=value');
  }
  if (s === '') return {};
  // "k=v k2=v2" or "k=v, k2=v2": Ansible accepts both separators.
  const out: Record<string, unknown> = {};
  for (const token of splitArgs(s.replace(/,\s*/g, ' '))) {
    const eq = findUnquotedEquals(token.text);
    if (eq < 0) throw new CoerceError('dict', `dictionary requested, could not parse JSON or key=value`);
    out[token.text.slice(0, eq).trim()] = unquote(token.text.slice(eq + 1));
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Buffer);
}

/** Python's name for the type of a value, as Ansible's messages print it. */
function pyType(v: unknown): string {
  const name =
    v === null || v === undefined
      ? 'NoneType'
      : typeof v === 'boolean'
        ? 'bool'
        : typeof v === 'number'
          ? Number.isInteger(v)
            ? 'int'
            : 'float'
          : typeof v === 'string'
            ? 'str'
            : Array.isArray(v)
              ? 'list'
              : 'dict';
  return `<class '${name}'>`;
}

/** Python's str() of a plain value (str(True) is 'True'), so coerced strings match Ansible's. */
export function pyStr(v: unknown): string {
  if (typeof v === 'string') return v;
  return pyRepr(v, true);
}

function pyRepr(v: unknown, top = false): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return top ? v : `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(v)) return `[${v.map((x) => pyRepr(x)).join(', ')}]`;
  if (typeof v === 'object') {
    return `{${Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`)
      .join(', ')}}`;
  }
  return String(v);
}

/** One whitespace-separated word of a `k=v` line, with where it sits in the text. */
interface ArgToken {
  text: string;
  start: number;
  end: number;
}

/**
 * Split a line like Ansible's split_args: on whitespace, but never inside quotes or inside Jinja
 * `{{ }}`, `{% %}`, `{# #}`. Quotes stay in the tokens; positions let callers keep the rest verbatim.
 */
export function splitArgs(text: string): ArgToken[] {
  const tokens: ArgToken[] = [];
  let quote: string | undefined;
  let depth = 0;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const two = text.slice(i, i + 2);
    if (start < 0) {
      if (/\s/.test(c)) continue;
      start = i;
    }
    if (c === '\\' && i + 1 < text.length) {
      i++;
      continue;
    }
    if (quote) {
      if (c === quote) quote = undefined;
      continue;
    }
    if (two === '{{' || two === '{%' || two === '{#') {
      depth++;
      i++;
      continue;
    }
    if (depth > 0 && (two === '}}' || two === '%}' || two === '#}')) {
      depth--;
      i++;
      continue;
    }
    if (depth > 0) continue;
    if (c === '"' || c === "'") {
      quote = c;
      continue;
    }
    if (/\s/.test(c)) {
      tokens.push({ text: text.slice(start, i), start, end: i });
      start = -1;
    }
  }
  if (start >= 0) tokens.push({ text: text.slice(start), start, end: text.length });
  return tokens;
}

/** Index of the `=` that makes a token `key=value`, or -1 (quoted or escaped `=` do not count). */
function findUnquotedEquals(token: string): number {
  for (let i = 0; i < token.length; i++) {
    const c = token[i]!;
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '"' || c === "'" || c === '{') return -1;
    if (c === '=') return i;
  }
  return -1;
}

/** Remove one pair of matching outer quotes, as Ansible's unquote() does. */
export function unquote(s: string): string {
  if (s.length >= 2 && (s[0] === '"' || s[0] === "'") && s[s.length - 1] === s[0]) return s.slice(1, -1);
  return s;
}

/**
 * Parse a module's free-form argument string (`name=nginx state=present`, `chdir=/tmp ls -l "a b"`).
 * For a module with `freeForm`, only `freeFormKeys` are taken as parameters and the rest (kept verbatim)
 * becomes the free-form parameter; for other modules every word must be `key=value`.
 */
export function parseFreeForm(def: ParamsDef, text: string, where?: ParamsWhere): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const keep: { token: ArgToken; gap: string }[] = [];
  const allowed = def.freeForm ? new Set(def.freeFormKeys ?? []) : undefined;
  let prevEnd = 0;
  for (const token of splitArgs(text)) {
    const eq = findUnquotedEquals(token.text);
    const key = eq > 0 ? token.text.slice(0, eq) : undefined;
    if (key !== undefined && /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) && (!allowed || allowed.has(key))) {
      out[key] = unquote(token.text.slice(eq + 1));
    } else {
      // The whitespace just before a kept word is kept too, so spacing and newlines survive.
      keep.push({ token, gap: text.slice(prevEnd, token.start) });
    }
    prevEnd = token.end;
  }
  if (keep.length === 0) return out;
  if (!def.freeForm) {
    throw new TsibleError(
      'parameter',
      `this task '${where?.module ?? def.name}' has extra params, which is only allowed in free-form modules ` +
        `(command, shell, raw, ...): ${keep.map((k) => k.token.text).join(' ')}`,
      { pos: where?.pos, task: where?.task, hint: 'write every argument as key=value' },
    );
  }
  const rest = keep.map((k, i) => (i === 0 ? '' : k.gap) + k.token.text).join('');
  out[def.freeForm] = rest;
  return out;
}
