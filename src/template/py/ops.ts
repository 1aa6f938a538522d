// Python semantics for operators: truthiness, ==, ordering, arithmetic, `in`, iteration.
import { fail } from '../fault.js';
import { pyStr } from './repr.js';
import {
  defined,
  hasKey,
  isDict,
  isFloat,
  isNumeric,
  isTuple,
  mkFloat,
  num,
  PyFloat,
  tuple,
  typeName,
  Undef,
} from './values.js';

/** Python bool(). */
export function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false) return false;
  if (v === true) return true;
  if (typeof v === 'number') return v !== 0;
  if (v instanceof PyFloat) return v.value !== 0;
  if (typeof v === 'string') return v.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Undef) {
    if (v.soft) return false;
    v.fail();
  }
  if (isDict(v)) return Object.keys(v).length > 0;
  return true;
}

/** Python ==. */
export function pyEq(a: unknown, b: unknown): boolean {
  if (a instanceof Undef) defined(a);
  if (b instanceof Undef) defined(b);
  if (isNumeric(a) && isNumeric(b)) return num(a) === num(b);
  if (a === null || a === undefined) return b === null || b === undefined;
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (isTuple(a) !== isTuple(b) || a.length !== b.length) return false;
    return a.every((x, i) => pyEq(x, b[i]));
  }
  if (isDict(a) && isDict(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => hasKey(b, k) && pyEq(a[k], b[k]));
  }
  return a === b;
}

function unorderable(op: string, a: unknown, b: unknown): never {
  fail(`'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
}

/** Python ordering: negative, zero or positive; raises for mixed types like Python 3 does. */
export function pyCmp(a: unknown, b: unknown, op = '<'): number {
  a = defined(a);
  b = defined(b);
  if (isNumeric(a) && isNumeric(b)) {
    const x = num(a);
    const y = num(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (!pyEq(a[i], b[i])) return pyCmp(a[i], b[i], op);
    }
    return a.length - b.length;
  }
  return unorderable(op, a, b);
}

export function compareOp(op: string, a: unknown, b: unknown): boolean {
  switch (op) {
    case '==':
    case '===':
      return pyEq(a, b);
    case '!=':
    case '!==':
      return !pyEq(a, b);
    case '<':
      return pyCmp(a, b, op) < 0;
    case '<=':
      return pyCmp(a, b, op) <= 0;
    case '>':
      return pyCmp(a, b, op) > 0;
    case '>=':
      return pyCmp(a, b, op) >= 0;
    default:
      return fail(`unknown comparison operator ${op}`);
  }
}

/** Python `needle in haystack`. */
export function contains(haystack: unknown, needle: unknown): boolean {
  haystack = defined(haystack);
  if (typeof haystack === 'string') {
    needle = defined(needle);
    if (typeof needle !== 'string')
      fail(`'in <string>' requires string as left operand, not ${typeName(needle)}`);
    return haystack.includes(needle);
  }
  if (Array.isArray(haystack)) return haystack.some((x) => pyEq(x, needle));
  if (isDict(haystack)) {
    if (typeof needle === 'string') return hasKey(haystack, needle);
    if (isNumeric(needle) || needle === null) return hasKey(haystack, pyStr(needle));
    return false;
  }
  return fail(`argument of type '${typeName(haystack)}' is not iterable`);
}

/** Items of an iterable the way Python's for loop sees them (dicts give their keys). */
export function iterate(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return [...v];
  if (v instanceof Undef) {
    if (v.soft) return [];
    v.fail();
  }
  if (isDict(v)) return Object.keys(v);
  return fail(`'${typeName(v)}' object is not iterable`);
}

function typeError(op: string, a: unknown, b: unknown): never {
  fail(`unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);
}

function numResult(a: unknown, b: unknown, n: number): number | PyFloat {
  return isFloat(a) || isFloat(b) ? mkFloat(n) : n;
}

export function add(a: unknown, b: unknown): unknown {
  a = defined(a);
  b = defined(b);
  if (isNumeric(a) && isNumeric(b)) return numResult(a, b, num(a) + num(b));
  if (typeof a === 'string' && typeof b === 'string') return a + b;
  if (Array.isArray(a) && Array.isArray(b) && isTuple(a) === isTuple(b)) {
    const out = [...a, ...b];
    return isTuple(a) ? tuple(out) : out;
  }
  return typeError('+', a, b);
}

export function sub(a: unknown, b: unknown): unknown {
  a = defined(a);
  b = defined(b);
  if (isNumeric(a) && isNumeric(b)) return numResult(a, b, num(a) - num(b));
  return typeError('-', a, b);
}

function repeat(seq: unknown, times: number): unknown {
  const n = Math.max(0, times);
  if (typeof seq === 'string') return seq.repeat(n);
  const arr = seq as unknown[];
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) out.push(...arr);
  return isTuple(arr) ? tuple(out) : out;
}

export function mul(a: unknown, b: unknown): unknown {
  a = defined(a);
  b = defined(b);
  if (isNumeric(a) && isNumeric(b)) return numResult(a, b, num(a) * num(b));
  const isSeq = (x: unknown) => typeof x === 'string' || Array.isArray(x);
  const isIntLike = (x: unknown) => typeof x === 'boolean' || (typeof x === 'number' && Number.isInteger(x));
  if (isSeq(a) && isIntLike(b)) return repeat(a, num(b));
  if (isSeq(b) && isIntLike(a)) return repeat(b, num(a));
  return typeError('*', a, b);
}

function divisor(a: unknown, b: unknown, op: string): number {
  if (!isNumeric(a) || !isNumeric(b)) typeError(op, a, b);
  const d = num(b);
  if (d === 0) fail(op === '/' ? 'division by zero' : 'integer division or modulo by zero');
  return d;
}

export function div(a: unknown, b: unknown): unknown {
  a = defined(a);
  b = defined(b);
  const d = divisor(a, b, '/');
  return mkFloat(num(a) / d);
}

export function floorDiv(a: unknown, b: unknown): unknown {
  a = defined(a);
  b = defined(b);
  const d = divisor(a, b, '//');
  return numResult(a, b, Math.floor(num(a) / d));
}

export function mod(a: unknown, b: unknown, format: (fmt: string, args: unknown) => string): unknown {
  a = defined(a);
  b = defined(b);
  if (typeof a === 'string') return format(a, b);
  const d = divisor(a, b, '%');
  const x = num(a);
  const r = x - d * Math.floor(x / d);
  return numResult(a, b, r);
}

export function pow(a: unknown, b: unknown): unknown {
  a = defined(a);
  b = defined(b);
  if (!isNumeric(a) || !isNumeric(b)) return typeError('** or pow()', a, b);
  const r = num(a) ** num(b);
  return isFloat(a) || isFloat(b) || num(b) < 0 ? mkFloat(r) : r;
}

export function neg(a: unknown): unknown {
  a = defined(a);
  if (!isNumeric(a)) fail(`bad operand type for unary -: '${typeName(a)}'`);
  return isFloat(a) ? mkFloat(-num(a)) : -num(a);
}

/** `a ~ b`: string concatenation of str() values. */
export function concat(a: unknown, b: unknown): string {
  return pyStr(defined(a)) + pyStr(defined(b));
}

/** Python's len(). */
export function pyLen(v: unknown): number {
  v = defined(v);
  if (typeof v === 'string') return [...v].length;
  if (Array.isArray(v)) return v.length;
  if (isDict(v)) return Object.keys(v).length;
  return fail(`object of type '${typeName(v)}' has no len()`);
}
