// Lookups over data: items, list, indexed_items, dict, nested, together, subelements, sequence, vars, varnames, env, random_choice.
import { fail } from '../fault.js';
import type { LookupFn } from '../engine/runtime.js';
import { readItem } from '../engine/access.js';
import { bindArgs } from '../py/args.js';
import { list, str } from '../py/coerce.js';
import { percentFormat } from '../py/format.js';
import { search } from '../py/regex.js';
import { pyRepr } from '../py/repr.js';
import { hasKey, isDict, tuple, Undef } from '../py/values.js';

/** LookupBase._flatten: one level. */
function flatOnce(terms: unknown[]): unknown[] {
  return terms.flatMap((t) => (Array.isArray(t) ? t : [t]));
}

function listify(t: unknown): unknown[] {
  return Array.isArray(t) ? t : [t];
}

const items: LookupFn = (_rt, terms) => flatOnce(terms);

const indexedItems: LookupFn = (_rt, terms) => flatOnce(terms).map((x, i) => tuple([i, x]));

const dict: LookupFn = (_rt, terms) =>
  terms.flatMap((t) => {
    if (!isDict(t)) fail(`with_dict expects a dict, got ${pyRepr(t)}`);
    return Object.keys(t).map((k) => ({ key: k, value: t[k] }));
  });

const nested: LookupFn = (_rt, terms) => {
  if (terms.length === 0) fail('with_nested requires at least one element in the nested list');
  let out: unknown[][] = [[]];
  for (const t of terms) out = out.flatMap((prefix) => listify(t).map((x) => [...prefix, x]));
  return out;
};

const together: LookupFn = (_rt, terms) => {
  const lists = terms.map(listify);
  if (lists.length === 0) fail('with_together requires at least one element in each list');
  const len = Math.max(...lists.map((l) => l.length));
  return Array.from({ length: len }, (_, i) => lists.map((l) => (i < l.length ? l[i] : null)));
};

const subelements: LookupFn = (_rt, terms) => {
  const [source, path, flags] = terms;
  if (terms.length < 2 || terms.length > 3 || typeof path !== 'string')
    fail('subelements lookup expects a list of two or three items');
  if (isDict(source) && source.skipped !== undefined && source.skipped !== false) return [];
  const elements = isDict(source) ? Object.values(source) : list(source);
  const skipMissing = isDict(flags) && Boolean(flags.skip_missing);
  const keys = path.split('.');
  const out: unknown[] = [];
  for (const item of elements) {
    if (!isDict(item)) fail(`subelements lookup expects a dictionary, got '${pyRepr(item)}'`);
    if (item.skipped !== undefined && item.skipped !== false) continue;
    let sub: Record<string, unknown> = item;
    let values: unknown[] = [];
    // Like Ansible, the item handed back lacks the sub-key it was expanded over.
    let owner: Record<string, unknown> = { ...item };
    const copy = owner;
    let missing = false;
    keys.forEach((k, i) => {
      if (missing) return;
      if (!hasKey(sub, k)) {
        if (skipMissing) missing = true;
        else fail(`could not find '${k}' key in iterated item '${pyRepr(sub)}'`);
        return;
      }
      const last = i === keys.length - 1;
      const v = sub[k];
      if (!last) {
        if (!isDict(v)) fail(`the key ${k} should point to a dictionary, got '${pyRepr(v)}'`);
        owner[k] = { ...v };
        owner = owner[k] as Record<string, unknown>;
        sub = v;
      } else {
        if (!Array.isArray(v)) fail(`the key ${k} should point to a list, got '${pyRepr(v)}'`);
        values = v;
        delete owner[k];
      }
    });
    for (const v of values) out.push(tuple([copy, v]));
  }
  return out;
};

/** sequence: "start=1 end=10 stride=2 format=x%02d", "count=3", or the short "[start-]end[/stride][:format]". */
const sequence: LookupFn = (_rt, terms, kw) => {
  const out: string[] = [];
  for (const term of terms) {
    const opts: Record<string, string> = {};
    for (const [k, v] of Object.entries(kw)) opts[k] = str(v);
    const t = str(term).trim();
    const short =
      /^(?:(0x[0-9a-f]+|0o[0-7]+|-?\d+)-)?(0x[0-9a-f]+|0o[0-7]+|-?\d+)(?:\/(0x[0-9a-f]+|0o[0-7]+|-?\d+))?(?::(.+))?$/i.exec(
        t,
      );
    if (short && !t.includes('=')) {
      if (short[1] !== undefined) opts.start = short[1];
      opts.end = short[2]!;
      if (short[3] !== undefined) opts.stride = short[3];
      if (short[4] !== undefined) opts.format = short[4];
    } else {
      for (const part of t.split(/\s+/).filter(Boolean)) {
        const eq = part.indexOf('=');
        if (eq < 0) fail(`unrecognized arguments to with_sequence: ${part}`);
        opts[part.slice(0, eq)] = part.slice(eq + 1);
      }
    }
    const num = (s: string) => {
      const n = Number(s.replace(/^0o/i, '0o'));
      return Number.isInteger(n) ? n : fail(`can't parse ${s} as an integer`);
    };
    const start = opts.start === undefined ? 1 : num(opts.start);
    const stride = opts.stride === undefined ? 1 : num(opts.stride);
    const fmt = opts.format ?? '%d';
    let end: number;
    if (opts.count !== undefined) {
      if (opts.end !== undefined) fail("can't specify both count and end in with_sequence");
      const count = num(opts.count);
      if (count === 0) continue;
      end = start + count * stride - 1;
      if (count < 0) fail('count must be positive');
    } else if (opts.end !== undefined) end = num(opts.end);
    else return fail('must specify count or end in with_sequence');
    if (stride > 0 && end < start) fail('to count backwards make stride negative');
    if (stride < 0 && end > start) fail("to count forward don't make stride negative");
    if (stride === 0) continue;
    for (let i = start; stride > 0 ? i <= end : i >= end; i += stride) out.push(percentFormat(fmt, i));
  }
  return out;
};

const vars: LookupFn = (rt, terms, kw) => {
  const [dflt] = bindArgs('vars', ['default'], [], kw);
  return terms.map((t) => {
    const name = str(t);
    if (hasKey(rt.vars, name)) {
      const v = readItem(rt.vars, name).value;
      if (v instanceof Undef) v.fail();
      return v;
    }
    if (dflt !== undefined) return dflt;
    return fail(`No variable found with this name: ${name}`);
  });
};

const varnames: LookupFn = (rt, terms) => {
  const names = Object.keys(rt.vars);
  return terms.flatMap((t) => names.filter((n) => search(str(t), n) !== null));
};

const env: LookupFn = (_rt, terms, kw) => {
  const [dflt] = bindArgs('env', ['default'], [], kw);
  return terms.map((t) => process.env[str(t)] ?? (dflt === undefined ? '' : dflt));
};

const randomChoice: LookupFn = (rt, terms) => (terms.length ? [rt.random().choice(terms)] : []);

export const DATA_LOOKUPS: Record<string, LookupFn> = {
  items,
  list: (_rt, terms) => terms,
  indexed_items: indexedItems,
  dict,
  nested,
  together,
  subelements,
  sequence,
  vars,
  varnames,
  env,
  random_choice: randomChoice,
};
