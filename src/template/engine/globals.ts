// Names every template can use without defining them: range, lookup/query, dict, namespace, now, omit.
import { fail } from '../fault.js';
import { OMIT } from '../omit.js';
import { bindArgs } from '../py/args.js';
import { list } from '../py/coerce.js';
import { strftime } from '../py/strftime.js';
import { isDict, num, PyCallable, Undef } from '../py/values.js';
import type { RenderState } from './state.js';

const MAX_RANGE = 100_000;
const NAMESPACES = new WeakSet<object>();

/** Objects made by namespace(): the only ones `{% set ns.attr = ... %}` may assign to. */
export function isNamespace(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && NAMESPACES.has(v);
}

/** Python's range() as a list (Ansible unrolls it anyway). */
export function pyRange(args: unknown[]): number[] {
  const [a, b, c] = args.map((x) => (x === undefined ? undefined : num(x)));
  const [start, stop, step] = b === undefined ? [0, a ?? 0, 1] : [a ?? 0, b, c ?? 1];
  if (step === 0) fail('range() arg 3 must not be zero');
  const count = Math.max(0, Math.ceil((stop - start) / step));
  if (count > MAX_RANGE)
    fail(`Range too big. The sandbox blocks ranges larger than MAX_RANGE (${MAX_RANGE}).`);
  return Array.from({ length: count }, (_, i) => start + i * step);
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

function now(args: unknown[], kw: Record<string, unknown>): string {
  const [utc, fmt] = bindArgs('now', ['utc', 'fmt'], args, kw);
  const d = new Date();
  const isUtc = Boolean(utc);
  if (typeof fmt === 'string') return strftime(fmt, d, isUtc);
  const [Y, M, D, h, m, s] = isUtc
    ? [
        d.getUTCFullYear(),
        d.getUTCMonth() + 1,
        d.getUTCDate(),
        d.getUTCHours(),
        d.getUTCMinutes(),
        d.getUTCSeconds(),
      ]
    : [d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds()];
  return `${Y}-${pad(M)}-${pad(D)} ${pad(h)}:${pad(m)}:${pad(s)}.${pad(d.getMilliseconds() * 1000, 6)}`;
}

function pyDict(args: unknown[], kw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const [src] = args;
  if (isDict(src)) Object.assign(out, src);
  else if (src !== undefined) {
    for (const pair of list(src)) {
      const [k, v] = list(pair);
      out[String(k)] = v;
    }
  }
  return Object.assign(out, kw);
}

type GlobalFactory = (st: RenderState) => unknown;

const GLOBALS: Record<string, GlobalFactory> = {
  range: () => new PyCallable('range', (args) => pyRange(args), "<class 'range'>"),
  dict: () => new PyCallable('dict', pyDict, "<class 'dict'>"),
  namespace: () =>
    new PyCallable('namespace', (args, kw) => {
      const ns = pyDict(args, kw);
      NAMESPACES.add(ns);
      return ns;
    }),
  lookup: (st) =>
    new PyCallable('lookup', (args, kw) => {
      const { wantlist, ...rest } = kw;
      return st.rt.lookup(String(args[0]), args.slice(1), rest, Boolean(wantlist));
    }),
  query: (st) =>
    new PyCallable('query', (args, kw) => st.rt.lookup(String(args[0]), args.slice(1), kw, true)),
  q: (st) => new PyCallable('q', (args, kw) => st.rt.lookup(String(args[0]), args.slice(1), kw, true)),
  now: () => new PyCallable('now', now),
  undef: () =>
    new PyCallable('undef', (args, kw) => {
      const [hint] = bindArgs('undef', ['hint'], args, kw);
      return new Undef(hint === undefined ? 'Mandatory variable has not been overridden' : String(hint));
    }),
  omit: () => OMIT,
};

export function globalValue(name: string, st: RenderState): unknown {
  const make = Object.prototype.hasOwnProperty.call(GLOBALS, name) ? GLOBALS[name] : undefined;
  return make?.(st);
}

export function globalNames(): string[] {
  return Object.keys(GLOBALS);
}
