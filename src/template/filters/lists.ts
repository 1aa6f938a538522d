// Sequence filters: first/last, set operations, flatten, sort, min/max/sum, batch/slice, zip/product.
import { fail } from '../fault.js';
import { filter, type FilterSpec } from '../engine/runtime.js';
import { list, optBool, optNum, str } from '../py/coerce.js';
import { add, pyCmp, pyEq } from '../py/ops.js';
import { isDict, isInt, num, tuple, Undef } from '../py/values.js';
import { attrGetter, ignoreCase, type Getter } from './attr-getter.js';

/** Order-preserving de-duplication by Python equality of a key. */
export function uniqueBy(items: unknown[], key: (x: unknown) => unknown = (x) => x): unknown[] {
  const seen: unknown[] = [];
  const out: unknown[] = [];
  for (const item of items) {
    const k = key(item);
    if (!seen.some((s) => pyEq(s, k))) {
      seen.push(k);
      out.push(item);
    }
  }
  return out;
}

function unique(value: unknown, [caseSensitive, attribute]: unknown[]): unknown[] {
  const cs = optBool(caseSensitive, false);
  const key: Getter =
    attribute !== undefined && attribute !== null
      ? attrGetter(attribute, { lower: !cs })
      : (x) => (cs ? x : ignoreCase(x));
  return uniqueBy(list(value), key);
}

const has = (items: unknown[], x: unknown) => items.some((y) => pyEq(x, y));

export function union(a: unknown, b: unknown): unknown[] {
  return uniqueBy([...list(a), ...list(b)]);
}

export function intersect(a: unknown, b: unknown): unknown[] {
  const bs = list(b);
  return uniqueBy(list(a).filter((x) => has(bs, x)));
}

export function difference(a: unknown, b: unknown): unknown[] {
  const bs = list(b);
  return uniqueBy(list(a).filter((x) => !has(bs, x)));
}

function symmetricDifference(a: unknown, b: unknown): unknown[] {
  const both = intersect(a, b);
  return uniqueBy(union(a, b).filter((x) => !has(both, x)));
}

/** Ansible's flatten: nested lists up to `levels`, dropping None/'None'/'null' unless skip_nulls is off. */
export function flatten(items: unknown[], levels?: number, skipNulls = true): unknown[] {
  const out: unknown[] = [];
  for (const el of items) {
    if (skipNulls && (el === null || el === 'None' || el === 'null')) continue;
    if (Array.isArray(el) && (levels === undefined || levels >= 1)) {
      out.push(...flatten(el, levels === undefined ? undefined : levels - 1, skipNulls));
    } else out.push(el);
  }
  return out;
}

function keyFor(attribute: unknown, caseSensitive: boolean): Getter {
  if (attribute === undefined || attribute === null) return (x) => (caseSensitive ? x : ignoreCase(x));
  const getters = str(attribute)
    .split(',')
    .map((a) => attrGetter(a.trim(), { lower: !caseSensitive }));
  return getters.length === 1 ? getters[0]! : (x) => tuple(getters.map((g) => g(x)));
}

function sortItems(items: unknown[], key: Getter, reverse: boolean): unknown[] {
  const keyed = items.map((x) => ({ x, k: key(x) }));
  keyed.forEach(({ k }) => k instanceof Undef && k.fail());
  keyed.sort((a, b) => (reverse ? -pyCmp(a.k, b.k) : pyCmp(a.k, b.k)));
  return keyed.map(({ x }) => x);
}

function minMax(value: unknown, [caseSensitive, attribute]: unknown[], pickMax: boolean): unknown {
  const items = list(value);
  if (items.length === 0) return new Undef('No aggregated item, sequence was empty.');
  const key = keyFor(attribute, optBool(caseSensitive, false));
  let best = items[0];
  let bestKey = key(best);
  for (const item of items.slice(1)) {
    const k = key(item);
    if (pickMax ? pyCmp(k, bestKey, '>') > 0 : pyCmp(k, bestKey) < 0) {
      best = item;
      bestKey = k;
    }
  }
  return best;
}

function batch(value: unknown, [linecount, fill]: unknown[]): unknown[][] {
  const n = num(linecount);
  const items = list(value);
  const out: unknown[][] = [];
  for (let i = 0; i < items.length; i += n) out.push(items.slice(i, i + n));
  const last = out[out.length - 1];
  if (last && fill !== undefined && fill !== null) while (last.length < n) last.push(fill);
  return out;
}

function slices(value: unknown, [count, fill]: unknown[]): unknown[][] {
  const seq = list(value);
  const n = num(count);
  const per = Math.floor(seq.length / n);
  const extra = seq.length % n;
  const out: unknown[][] = [];
  let offset = 0;
  for (let i = 0; i < n; i++) {
    const start = offset + i * per;
    if (i < extra) offset++;
    const chunk = seq.slice(start, offset + (i + 1) * per);
    if (fill !== undefined && fill !== null && i >= extra) chunk.push(fill);
    out.push(chunk);
  }
  return out;
}

function zip(lists: unknown[][], longest: boolean, fill: unknown): unknown[] {
  if (lists.length === 0) return [];
  const len = longest ? Math.max(...lists.map((l) => l.length)) : Math.min(...lists.map((l) => l.length));
  return Array.from({ length: len }, (_, i) => tuple(lists.map((l) => (i < l.length ? l[i] : fill))));
}

function product(lists: unknown[][]): unknown[] {
  let out: unknown[][] = [[]];
  for (const l of lists) out = out.flatMap((prefix) => l.map((x) => [...prefix, x]));
  return out.map((t) => tuple(t));
}

function combinations(items: unknown[], r: number, ordered: boolean): unknown[] {
  const out: unknown[] = [];
  const walk = (chosen: number[]) => {
    if (chosen.length === r) {
      out.push(tuple(chosen.map((i) => items[i])));
      return;
    }
    const from = ordered ? 0 : (chosen[chosen.length - 1] ?? -1) + 1;
    for (let i = from; i < items.length; i++) if (!chosen.includes(i)) walk([...chosen, i]);
  };
  if (r <= items.length) walk([]);
  return out;
}

function first(value: unknown): unknown {
  const items = list(value);
  return items.length ? items[0] : new Undef('No first item, sequence was empty.');
}

function last(value: unknown): unknown {
  const items = list(value);
  return items.length ? items[items.length - 1] : new Undef('No last item, sequence was empty.');
}

function sum(value: unknown, [attribute, start]: unknown[]): unknown {
  let items = list(value);
  if (attribute !== undefined && attribute !== null) items = items.map(attrGetter(attribute));
  return items.reduce((acc, x) => add(acc, x), start === undefined ? 0 : start);
}

export const LIST_FILTERS: Record<string, FilterSpec> = {
  first: filter([], first),
  last: filter([], last),
  list: filter([], (v) => [...list(v)]),
  reverse: filter([], (v) => (typeof v === 'string' ? [...v].reverse().join('') : [...list(v)].reverse())),
  unique: filter(['case_sensitive', 'attribute'], unique),
  union: filter(['b'], (a, [b]) => union(a, b), { required: 1 }),
  intersect: filter(['b'], (a, [b]) => intersect(a, b), { required: 1 }),
  difference: filter(['b'], (a, [b]) => difference(a, b), { required: 1 }),
  symmetric_difference: filter(['b'], (a, [b]) => symmetricDifference(a, b), { required: 1 }),
  flatten: filter(['levels', 'skip_nulls'], (v, [levels, skip]) =>
    flatten(list(v), levels === undefined || levels === null ? undefined : num(levels), optBool(skip, true)),
  ),
  sort: filter(['reverse', 'case_sensitive', 'attribute'], (v, [reverse, cs, attr]) =>
    sortItems([...list(v)], keyFor(attr, optBool(cs, false)), optBool(reverse, false)),
  ),
  min: filter(['case_sensitive', 'attribute'], (v, a) => minMax(v, a, false)),
  max: filter(['case_sensitive', 'attribute'], (v, a) => minMax(v, a, true)),
  sum: filter(['attribute', 'start'], sum),
  batch: filter(['linecount', 'fill_with'], batch, { required: 1 }),
  slice: filter(['slices', 'fill_with'], slices, { required: 1 }),
  zip: { fn: (_rt, v, args) => zip([v, ...args].map(list), false, null) },
  zip_longest: {
    fn: (_rt, v, args, kw) => {
      const { fillvalue = null, ...rest } = kw;
      if (Object.keys(rest).length)
        fail(`zip_longest() got an unexpected keyword argument '${Object.keys(rest)[0]}'`);
      return zip([v, ...args].map(list), true, fillvalue);
    },
  },
  product: {
    fn: (_rt, v, args, kw) => {
      const lists = [v, ...args].map(list);
      const repeat = optNum(kw.repeat, 1);
      return product(Array.from({ length: repeat }, () => lists).flat());
    },
  },
  combinations: filter(['r'], (v, [r]) => combinations(list(v), num(r), false), { required: 1 }),
  permutations: filter(['r'], (v, [r]) => {
    const items = list(v);
    return combinations(items, r === undefined || r === null ? items.length : num(r), true);
  }),
  items: filter([], (v) => {
    if (v instanceof Undef) return [];
    if (!isDict(v)) fail('Can only get item pairs from a mapping.');
    return Object.keys(v).map((k) => tuple([k, v[k]]));
  }),
  random: filter(['start', 'step', 'seed'], (v, [start, step, seed], rt) => {
    const r = rt.random(seed);
    if (isInt(v)) return r.randrange(optNum(start, 0) || 0, v, optNum(step, 1) || 1);
    if (typeof v === 'string' || Array.isArray(v) || isDict(v)) {
      if (start || step) fail('start and step can only be used with integer values');
      return r.choice(list(v));
    }
    return fail('random can only be used on sequences and integers');
  }),
  shuffle: filter(['seed'], (v, [seed], rt) => rt.random(seed).shuffle([...list(v)])),
};
