// Python methods on template values, reached with `value.name(...)`: str, dict and list methods.
import { isVarsProxy } from '../engine/proxies.js';
import { fail } from '../fault.js';
import { pyEq } from './ops.js';
import { STR_METHODS } from './str-methods.js';
import { defined, hasKey, isDict, num, PyCallable, tuple, typeName, type Kwargs } from './values.js';

type Method<T> = (self: T, args: unknown[], kw: Kwargs) => unknown;

function mutable<T extends object>(self: T, name: string): T {
  if (isVarsProxy(self)) fail(`cannot call ${name}() on a variable: template code must not modify variables`);
  return self;
}

const DICT_METHODS: Record<string, Method<Record<string, unknown>>> = {
  items: (d) => Object.keys(d).map((k) => tuple([k, d[k]])),
  keys: (d) => Object.keys(d),
  values: (d) => Object.keys(d).map((k) => d[k]),
  get: (d, [k, dflt]) => {
    const key = typeof k === 'string' ? k : String(defined(k));
    return hasKey(d, key) ? d[key] : (dflt ?? null);
  },
  copy: (d) => ({ ...d }),
  update: (d, [other], kw) => {
    Object.assign(mutable(d, 'update'), isDict(other) ? other : {}, kw);
    return null;
  },
  setdefault: (d, [k, dflt]) => {
    const key = String(k);
    if (!hasKey(d, key)) mutable(d, 'setdefault')[key] = dflt ?? null;
    return d[key];
  },
  pop: (d, [k, dflt]) => {
    const key = String(k);
    if (!hasKey(d, key)) return dflt === undefined ? fail(`KeyError: '${key}'`) : dflt;
    const v = d[key];
    delete mutable(d, 'pop')[key];
    return v;
  },
};

const LIST_METHODS: Record<string, Method<unknown[]>> = {
  index: (l, [x]) => {
    const i = l.findIndex((y) => pyEq(x, y));
    return i < 0 ? fail('x not in list') : i;
  },
  count: (l, [x]) => l.filter((y) => pyEq(x, y)).length,
  copy: (l) => [...l],
  append: (l, [x]) => {
    mutable(l, 'append').push(x);
    return null;
  },
  extend: (l, [xs]) => {
    mutable(l, 'extend').push(...(Array.isArray(xs) ? xs : []));
    return null;
  },
  insert: (l, [i, x]) => {
    mutable(l, 'insert').splice(num(i), 0, x);
    return null;
  },
  pop: (l, [i]) => {
    if (l.length === 0) fail('pop from empty list');
    const at = i === undefined ? l.length - 1 : num(i) < 0 ? l.length + num(i) : num(i);
    return mutable(l, 'pop').splice(at, 1)[0];
  },
  remove: (l, [x]) => {
    const i = l.findIndex((y) => pyEq(x, y));
    if (i < 0) fail('list.remove(x): x not in list');
    mutable(l, 'remove').splice(i, 1);
    return null;
  },
};

function bound<T>(self: T, name: string, m: Method<T>): PyCallable {
  return new PyCallable(
    name,
    (args, kw) => m(self, args, kw),
    `<built-in method ${name} of ${typeName(self)} object>`,
  );
}

/** Own entries only: `'x'.constructor` must not reach JavaScript internals. */
function own<T>(table: Record<string, T>, name: string): T | undefined {
  return hasKey(table, name) ? table[name] : undefined;
}

/** The Python method `name` of `obj`, bound, or undefined. */
export function pyMethod(obj: unknown, name: string): PyCallable | undefined {
  if (typeof obj === 'string') {
    const m = own(STR_METHODS, name);
    return m && bound(obj, name, m);
  }
  if (Array.isArray(obj)) {
    const m = own(LIST_METHODS, name);
    return m && bound(obj, name, m);
  }
  if (isDict(obj)) {
    const m = own(DICT_METHODS, name);
    return m && bound(obj, name, m);
  }
  if (typeof obj === 'number' && name === 'is_integer') return bound(obj, name, (n) => Number.isInteger(n));
  return undefined;
}
