// Filters that apply other filters or tests, or walk attributes: map, select/reject, selectattr/rejectattr,
// groupby, extract, subelements.
import { fail } from '../fault.js';
import { getAttr } from '../engine/access.js';
import type { FilterSpec, Runtime } from '../engine/runtime.js';
import { list, optBool, str } from '../py/coerce.js';
import { pyCmp, pyEq, truthy } from '../py/ops.js';
import { pyRepr } from '../py/repr.js';
import { defined, hasKey, isDict, tuple, typeName, type Kwargs } from '../py/values.js';
import { attrGetter } from './attr-getter.js';

function map(rt: Runtime, value: unknown, args: unknown[], kw: Kwargs): unknown[] {
  const items = list(value);
  if (args.length === 0 && 'attribute' in kw) {
    const { attribute, default: dflt, ...rest } = kw;
    if (Object.keys(rest).length) fail(`Unexpected keyword argument '${Object.keys(rest)[0]}'`);
    return items.map(attrGetter(attribute, { dflt }));
  }
  const [name, ...fargs] = args;
  if (name === undefined) fail('map requires a filter argument');
  return items.map((x) => rt.callFilter(str(name), x, fargs, kw));
}

function selectOrReject(
  rt: Runtime,
  value: unknown,
  args: unknown[],
  kw: Kwargs,
  keep: boolean,
  byAttr: boolean,
): unknown[] {
  let rest = args;
  let get = (x: unknown) => x;
  if (byAttr) {
    const [attr, ...more] = args;
    if (attr === undefined) fail('Missing parameter for attribute name');
    get = attrGetter(attr);
    rest = more;
  }
  const [testName, ...testArgs] = rest;
  const check =
    testName === undefined
      ? (x: unknown) => truthy(x)
      : (x: unknown) => rt.callTest(str(testName), x, testArgs, kw);
  return list(value).filter((item) => check(get(item)) === keep);
}

function groupby(value: unknown, [attribute, dflt, caseSensitive]: unknown[]): unknown[] {
  if (attribute === undefined) fail("groupby() missing required argument: 'attribute'");
  const cs = optBool(caseSensitive, false);
  const key = attrGetter(attribute, { dflt, lower: !cs });
  const shown = attrGetter(attribute, { dflt });
  const keyed = list(value).map((x) => ({ x, k: defined(key(x)) }));
  keyed.sort((a, b) => pyCmp(a.k, b.k));
  const groups: { k: unknown; items: unknown[] }[] = [];
  for (const { x, k } of keyed) {
    const g = groups[groups.length - 1];
    if (g && pyEq(g.k, k)) g.items.push(x);
    else groups.push({ k, items: [x] });
  }
  return groups.map((g) => tuple([cs ? g.k : shown(g.items[0]), g.items]));
}

function extract(item: unknown, [container, morekeys]: unknown[]): unknown {
  let v = getAttr(container, item, false, () => undefined);
  if (morekeys !== undefined && morekeys !== null) {
    for (const k of Array.isArray(morekeys) ? morekeys : [morekeys])
      v = getAttr(v, k, false, () => undefined);
  }
  return v;
}

function subelements(obj: unknown, [path, skipMissing]: unknown[]): unknown[] {
  const elements = isDict(obj)
    ? Object.values(obj)
    : Array.isArray(obj)
      ? [...obj]
      : fail('obj must be a list of dicts or a nested dict');
  const keys = Array.isArray(path)
    ? path.map((p) => str(p))
    : typeof path === 'string'
      ? path.split('.')
      : fail('subelements must be a list or a string');
  const skip = optBool(skipMissing, false);
  const out: unknown[] = [];
  for (const el of elements) {
    let values: unknown = el;
    for (const k of keys) {
      if (!isDict(values)) fail(`the key ${k} should point to a dictionary, got '${pyRepr(values)}'`);
      if (!hasKey(values, k)) {
        if (skip) {
          values = [];
          break;
        }
        fail(`could not find '${k}' key in iterated item ${pyRepr(values)}`);
      }
      values = values[k];
    }
    if (!Array.isArray(values))
      fail(
        `the key '${keys[keys.length - 1]}' should point to a list, got ${pyRepr(values)} (${typeName(values)})`,
      );
    for (const v of values) out.push(tuple([el, v]));
  }
  return out;
}

function bound(names: string[], impl: (value: unknown, a: unknown[]) => unknown): FilterSpec['fn'] {
  return (_rt, value, args, kw, name) => {
    const a = names.map((_, i) => args[i]);
    for (const [k, v] of Object.entries(kw)) {
      const i = names.indexOf(k);
      if (i < 0) fail(`${name}() got an unexpected keyword argument '${k}'`);
      a[i] = v;
    }
    return impl(value, a);
  };
}

export const HIGHER_ORDER_FILTERS: Record<string, FilterSpec> = {
  map: { fn: (rt, v, args, kw) => map(rt, v, args, kw) },
  select: { fn: (rt, v, args, kw) => selectOrReject(rt, v, args, kw, true, false) },
  reject: { fn: (rt, v, args, kw) => selectOrReject(rt, v, args, kw, false, false) },
  selectattr: { fn: (rt, v, args, kw) => selectOrReject(rt, v, args, kw, true, true) },
  rejectattr: { fn: (rt, v, args, kw) => selectOrReject(rt, v, args, kw, false, true) },
  groupby: { fn: bound(['attribute', 'default', 'case_sensitive'], groupby) },
  extract: { fn: bound(['container', 'morekeys'], extract) },
  subelements: { fn: bound(['subelements', 'skip_missing'], subelements) },
};
