// `a.b` and `a['b']` with Jinja's attribute/item order, slices, and error messages that name the variable.
import { didYouMean } from '../suggest.js';
import { fail, TemplateFault } from '../fault.js';
import { pyMethod } from '../py/methods.js';
import { pyRepr } from '../py/repr.js';
import { hasKey, isDict, isInt, isTuple, num, tuple, typeName, Undef } from '../py/values.js';

function item(obj: unknown, key: unknown): { found: boolean; value?: unknown } {
  if (isDict(obj)) {
    const k = typeof key === 'string' ? key : typeof key === 'number' ? String(key) : undefined;
    if (k !== undefined && hasKey(obj, k)) return { found: true, value: obj[k] };
    return { found: false };
  }
  if ((Array.isArray(obj) || typeof obj === 'string') && (isInt(key) || typeof key === 'boolean')) {
    const len = obj.length;
    let i = num(key);
    if (i < 0) i += len;
    if (i >= 0 && i < len) return { found: true, value: obj[i] };
  }
  return { found: false };
}

/** Read an item; a lazily templated value that hits an undefined name reads as Undefined, like in Ansible. */
export function readItem(obj: unknown, key: unknown): { found: boolean; value?: unknown } {
  try {
    return item(obj, key);
  } catch (e) {
    if (e instanceof TemplateFault && e.undefinedVariable) {
      const hint = e.hint;
      return { found: true, value: new Undef(e.message, { hint: () => hint }) };
    }
    throw e;
  }
}

function keysHint(obj: Record<string, unknown>, key: string): string | undefined {
  const keys = Object.keys(obj);
  const near = didYouMean(key, keys);
  if (near) return near;
  if (keys.length === 0) return 'it is an empty dict';
  if (keys.length <= 12) return `its keys are: ${keys.join(', ')}`;
  return undefined;
}

/** The Undefined for a failed lookup, worded after the variable path when we know it. */
function missing(obj: unknown, key: unknown, label: string | undefined): Undef {
  const k = typeof key === 'string' ? key : pyRepr(key);
  if (Array.isArray(obj) && isInt(key)) {
    const what = label === undefined ? `${typeName(obj)} object` : `'${label}'`;
    return new Undef(`${what} has no element ${key}`, {
      hint: () => `it has ${obj.length} element${obj.length === 1 ? '' : 's'}`,
      name: k,
    });
  }
  const what = label === undefined ? `'${typeName(obj)} object'` : `'${label}'`;
  const hint = isDict(obj)
    ? () => keysHint(obj, k)
    : () => (label === undefined ? undefined : `'${label}' is of type ${typeName(obj)}`);
  return new Undef(`${what} has no attribute '${k}'`, { hint, name: k });
}

/**
 * Jinja's getattr (for `a.b`: attribute, then item) and getitem (for `a[b]`: item, then attribute).
 * Never throws for a missing name: returns an Undefined that raises when used.
 */
export function getAttr(obj: unknown, key: unknown, dot: boolean, label: () => string | undefined): unknown {
  if (obj instanceof Undef) {
    if (obj.soft) obj.fail();
    return obj;
  }
  if (key instanceof Undef) key.fail();
  if (dot && typeof key === 'string') {
    const m = pyMethod(obj, key);
    if (m) return m;
  }
  const hit = readItem(obj, key);
  if (hit.found) return hit.value;
  if (!dot && typeof key === 'string') {
    const m = pyMethod(obj, key);
    if (m) return m;
  }
  return missing(obj, key, label());
}

function clampSlice(len: number, start: unknown, stop: unknown, step: unknown): number[] {
  const st = step === null || step === undefined ? 1 : num(step);
  if (st === 0) fail('slice step cannot be zero');
  const norm = (v: unknown, dflt: number, lo: number, hi: number) => {
    if (v === null || v === undefined) return dflt;
    let i = num(v);
    if (i < 0) i += len;
    return Math.min(Math.max(i, lo), hi);
  };
  const out: number[] = [];
  if (st > 0) {
    const a = norm(start, 0, 0, len);
    const b = norm(stop, len, 0, len);
    for (let i = a; i < b; i += st) out.push(i);
  } else {
    const a = norm(start, len - 1, -1, len - 1);
    const b = norm(stop, -1, -1, len - 1);
    for (let i = a; i > b; i += st) out.push(i);
  }
  return out;
}

/** Python slicing of lists, tuples and strings. */
export function slice(obj: unknown, start: unknown, stop: unknown, step: unknown): unknown {
  if (obj instanceof Undef) obj.fail();
  if (typeof obj === 'string') {
    const chars = [...obj];
    return clampSlice(chars.length, start, stop, step)
      .map((i) => chars[i])
      .join('');
  }
  if (Array.isArray(obj)) {
    const out = clampSlice(obj.length, start, stop, step).map((i) => obj[i]);
    return isTuple(obj) ? tuple(out) : out;
  }
  return fail(`'${typeName(obj)}' object is not subscriptable`);
}
