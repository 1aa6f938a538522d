// Dictionary filters: combine, dict2items/items2dict, dictsort, rekey_on_member.
import { fail } from '../fault.js';
import { filter, type FilterSpec } from '../engine/runtime.js';
import { dict, list, optBool, str } from '../py/coerce.js';
import { pyCmp, pyEq } from '../py/ops.js';
import { pyRepr, pyStr } from '../py/repr.js';
import { hasKey, isDict, tuple, typeName, type Kwargs } from '../py/values.js';
import { ignoreCase } from './attr-getter.js';
import { flatten } from './lists.js';

type ListMerge = 'replace' | 'keep' | 'append' | 'prepend' | 'append_rp' | 'prepend_rp';

/** Ansible's merge_hash: y wins; dicts merge recursively if asked; lists merge per list_merge. */
export function mergeHash(
  x: Record<string, unknown>,
  y: Record<string, unknown>,
  recursive: boolean,
  listMerge: ListMerge,
): Record<string, unknown> {
  if (Object.keys(x).length === 0 || pyEq(x, y)) return { ...y };
  if (Object.keys(y).length === 0) return x;
  const out: Record<string, unknown> = { ...x };
  if (!recursive && listMerge === 'replace') return Object.assign(out, y);
  for (const [k, yv] of Object.entries(y)) {
    if (!hasKey(out, k)) {
      out[k] = yv;
      continue;
    }
    const xv = out[k];
    if (isDict(xv) && isDict(yv)) {
      out[k] = recursive ? mergeHash(xv, yv, recursive, listMerge) : yv;
    } else if (Array.isArray(xv) && Array.isArray(yv)) {
      const notIn = (a: unknown[], b: unknown[]) => a.filter((z) => !b.some((w) => pyEq(z, w)));
      const merged: Record<ListMerge, () => unknown[]> = {
        replace: () => yv,
        keep: () => xv,
        append: () => [...xv, ...yv],
        prepend: () => [...yv, ...xv],
        append_rp: () => [...notIn(xv, yv), ...yv],
        prepend_rp: () => [...yv, ...notIn(xv, yv)],
      };
      out[k] = merged[listMerge]();
    } else {
      out[k] = yv;
    }
  }
  return out;
}

function combine(terms: unknown[], kw: Kwargs): unknown {
  const { recursive, list_merge: lm, ...rest } = kw;
  if (Object.keys(rest).length) fail("'recursive' and 'list_merge' are the only valid keyword arguments");
  const listMerge = (lm === undefined ? 'replace' : str(lm)) as ListMerge;
  if (!['replace', 'keep', 'append', 'prepend', 'append_rp', 'prepend_rp'].includes(listMerge)) {
    fail(
      `merge_hash: 'list_merge' argument can only be equal to 'replace', 'keep', 'append', 'prepend', 'append_rp' or 'prepend_rp'`,
    );
  }
  const dicts = flatten(terms, 1);
  for (const d of dicts)
    if (!isDict(d)) fail(`failed to combine variables, expected dicts but got a '${typeName(d)}'`);
  if (dicts.length === 0) return {};
  let result = dicts[dicts.length - 1] as Record<string, unknown>;
  for (let i = dicts.length - 2; i >= 0; i--)
    result = mergeHash(dicts[i] as Record<string, unknown>, result, optBool(recursive, false), listMerge);
  return result;
}

function items2dict(value: unknown, [keyName, valueName]: unknown[]): Record<string, unknown> {
  const kn = keyName === undefined ? 'key' : str(keyName);
  const vn = valueName === undefined ? 'value' : str(valueName);
  if (!Array.isArray(value)) fail(`items2dict requires a list, got ${typeName(value)} instead.`);
  const out: Record<string, unknown> = {};
  for (const item of value) {
    if (!isDict(item)) fail(`items2dict requires a list of dictionaries, got ${typeName(item)} instead.`);
    if (!hasKey(item, kn) || !hasKey(item, vn)) {
      fail(
        `items2dict requires each dictionary in the list to contain the keys '${kn}' and '${vn}', got ${pyRepr(item)} instead.`,
      );
    }
    out[pyStr(item[kn])] = item[vn];
  }
  return out;
}

function dictsort(value: unknown, [caseSensitive, by, reverse]: unknown[]): unknown[] {
  const d = dict(value, 'dictsort');
  const pos =
    by === undefined || by === 'key'
      ? 0
      : by === 'value'
        ? 1
        : fail('You can only sort by either "key" or "value"');
  const cs = optBool(caseSensitive, false);
  const rows = Object.keys(d).map((k) => tuple([k, d[k]]));
  const key = (r: unknown[]) => (cs ? r[pos] : ignoreCase(r[pos]));
  rows.sort((a, b) => pyCmp(key(a), key(b)) * (optBool(reverse, false) ? -1 : 1));
  return rows;
}

function rekeyOnMember(value: unknown, [key, duplicates]: unknown[]): Record<string, unknown> {
  const dup = duplicates === undefined ? 'error' : str(duplicates);
  if (dup !== 'error' && dup !== 'overwrite')
    fail(`duplicates parameter to rekey_on_member has unknown value: ${dup}`);
  const items = isDict(value) ? Object.values(value) : list(value);
  const out: Record<string, unknown> = {};
  const k = str(key);
  for (const item of items) {
    if (!isDict(item)) fail(`List item is not a valid dict: ${pyRepr(item)}`);
    if (!hasKey(item, k)) fail(`Key ${k} was not found`);
    const newKey = pyStr(item[k]);
    if (hasKey(out, newKey) && dup === 'error')
      fail(`Key ${newKey} is not unique, cannot correctly turn into dict`);
    out[newKey] = item;
  }
  return out;
}

export const DICT_FILTERS: Record<string, FilterSpec> = {
  combine: { fn: (_rt, v, args, kw) => combine([v, ...args], kw) },
  dict2items: filter(['key_name', 'value_name'], (v, [kn, vn]) => {
    if (!isDict(v)) fail(`dict2items requires a dictionary, got ${typeName(v)} instead.`);
    const k = kn === undefined ? 'key' : str(kn);
    const val = vn === undefined ? 'value' : str(vn);
    return Object.keys(v).map((key) => ({ [k]: key, [val]: v[key] }));
  }),
  items2dict: filter(['key_name', 'value_name'], items2dict),
  dictsort: filter(['case_sensitive', 'by', 'reverse'], dictsort),
  rekey_on_member: filter(['key', 'duplicates'], rekeyOnMember, { required: 1 }),
};
