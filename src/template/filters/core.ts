// Basic Jinja/Ansible filters: defaults, type conversions, ternary, mandatory, type_debug.
import { fail } from '../fault.js';
import { filter, type FilterSpec } from '../engine/runtime.js';
import { pyMethod } from '../py/methods.js';
import { toBool } from '../py/bool.js';
import { optBool, optNum, str } from '../py/coerce.js';
import { pyLen, truthy } from '../py/ops.js';
import { pyRepr, pyStr } from '../py/repr.js';
import { isFloat, isInt, isNumeric, mkFloat, num, PyFloat, typeName, Undef } from '../py/values.js';

function dflt(value: unknown, [d, boolean]: unknown[]): unknown {
  const dv = d === undefined ? '' : d;
  if (value instanceof Undef) return dv;
  if (optBool(boolean, false) && !truthy(value)) return dv;
  return value;
}

function parseIntPy(s: string, base: number): number | undefined {
  let t = s.trim().replace(/_/g, '');
  let sign = 1;
  if (/^[-+]/.test(t)) {
    if (t[0] === '-') sign = -1;
    t = t.slice(1);
  }
  const prefixes: Record<string, number> = { '0x': 16, '0o': 8, '0b': 2 };
  const pre = prefixes[t.slice(0, 2).toLowerCase()];
  let b = base;
  if (b === 0) {
    b = pre ?? 10;
    if (pre === undefined && /^0\d/.test(t)) return undefined;
  }
  if (pre !== undefined && pre === b) t = t.slice(2);
  const digits = '0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, b);
  if (t === '' || ![...t.toLowerCase()].every((c) => digits.includes(c))) return undefined;
  return sign * parseInt(t, b);
}

/** Python float(str): accepts inf/nan and underscores, rejects junk. */
export function parseFloatPy(s: string): number | undefined {
  const t = s.trim().replace(/_/g, '').toLowerCase();
  if (/^[-+]?(inf|infinity)$/.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^[-+]?nan$/.test(t)) return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/.test(t)) return undefined;
  return Number(t);
}

function toInt(value: unknown, [d, base]: unknown[]): unknown {
  const fallback = d === undefined ? 0 : d;
  const b = optNum(base, 10);
  if (typeof value === 'string') {
    const n = parseIntPy(value, b);
    if (n !== undefined) return n;
    if (b === 10) {
      const f = parseFloatPy(value);
      if (f !== undefined && Number.isFinite(f)) return Math.trunc(f);
    }
    return fallback;
  }
  if (isNumeric(value)) return Math.trunc(num(value));
  return fallback;
}

function toFloat(value: unknown, [d]: unknown[]): unknown {
  const fallback = d === undefined ? new PyFloat(0) : d;
  if (typeof value === 'string') {
    const f = parseFloatPy(value);
    return f === undefined ? fallback : mkFloat(f);
  }
  if (isNumeric(value)) return mkFloat(num(value));
  return fallback;
}

/** Python's round(x, n): half-to-even on the exact binary value. */
export function pyRound(x: number, digits: number): number {
  if (!Number.isFinite(x)) return x;
  const fixed = x.toFixed(Math.min(100, Math.max(0, digits) + 25));
  const cut = fixed.indexOf('.') + Math.max(0, digits) + 1;
  const tail = fixed.slice(cut);
  let r = Number(x.toFixed(Math.max(0, digits)));
  if (/^50*$/.test(tail)) {
    // An exact tie: toFixed rounded away from zero; Python keeps the even neighbour.
    const lastDigit = Number(fixed[digits > 0 ? cut - 1 : cut - 2]);
    if (lastDigit % 2 === 0) r = Number(fixed.slice(0, digits > 0 ? cut : cut - 1));
  }
  return r;
}

function round(value: unknown, [precision, method]: unknown[]): unknown {
  const p = optNum(precision, 0);
  const m = method === undefined ? 'common' : str(method);
  const x = num(value);
  if (m === 'common') return isInt(value) || typeof value === 'boolean' ? x : mkFloat(pyRound(x, p));
  if (m !== 'ceil' && m !== 'floor') fail('method must be common, ceil or floor');
  const f = 10 ** p;
  return mkFloat((m === 'ceil' ? Math.ceil(x * f) : Math.floor(x * f)) / f);
}

function mandatory(value: unknown, [msg]: unknown[]): unknown {
  if (!(value instanceof Undef)) return value;
  if (msg !== undefined && msg !== null) fail(str(msg));
  const name = value.varName;
  fail(
    name === undefined ? 'Mandatory variable  not defined.' : `Mandatory variable '${name}'  not defined.`,
  );
}

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };

function escapeHtml(value: unknown): string {
  return str(value).replace(/[&<>"']/g, (c) => HTML[c]!);
}

export const CORE_FILTERS: Record<string, FilterSpec> = {
  default: filter(['default_value', 'boolean'], dflt, { undefinedOk: true }),
  d: filter(['default_value', 'boolean'], dflt, { undefinedOk: true }),
  mandatory: filter(['msg'], mandatory, { undefinedOk: true }),
  bool: filter([], (v) => toBool(v)),
  int: filter(['default', 'base'], toInt),
  float: filter(['default'], toFloat),
  string: filter([], (v) => pyStr(v)),
  length: filter([], (v) => pyLen(v)),
  count: filter([], (v) => pyLen(v)),
  abs: filter([], (v) => (isFloat(v) ? mkFloat(Math.abs(num(v))) : Math.abs(num(v)))),
  round: filter(['precision', 'method'], round),
  ternary: filter(
    ['true_val', 'false_val', 'none_val'],
    (v, [t, f, n]) => (v === null && n !== undefined && n !== null ? n : truthy(v) ? t : f),
    { required: 2 },
  ),
  type_debug: filter([], (v) => typeName(v)),
  // Jinja's attr() is getattr only: on a dict it finds methods, never keys.
  attr: filter(
    ['name'],
    (v, [name]) =>
      (typeof name === 'string' && pyMethod(v, name)) ||
      new Undef(`'${typeName(v)} object' has no attribute '${str(name)}'`),
    { required: 1 },
  ),
  safe: filter([], (v) => v),
  escape: filter([], escapeHtml),
  e: filter([], escapeHtml),
  forceescape: filter([], escapeHtml),
  pprint: filter([], (v) => pyRepr(v)),
};
