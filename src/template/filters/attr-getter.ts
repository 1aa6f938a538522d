// Jinja's make_attrgetter: 'a.b.0' paths for map/sort/selectattr/groupby, with optional lower-casing.
import { getAttr } from '../engine/access.js';
import { pyStr } from '../py/repr.js';
import { Undef } from '../py/values.js';

export type Getter = (item: unknown) => unknown;

const NO_LABEL = () => undefined;

function parts(attribute: unknown): (string | number)[] {
  if (typeof attribute === 'number') return [attribute];
  return pyStr(attribute)
    .split('.')
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/** Follow an attribute path item-first, like environment.getitem. */
export function attrGetter(attribute: unknown, opts: { lower?: boolean; dflt?: unknown } = {}): Getter {
  const path = parts(attribute);
  return (item) => {
    let v = item;
    for (const p of path) {
      v = getAttr(v, p, false, NO_LABEL);
      if (v instanceof Undef) break;
    }
    if (v instanceof Undef && opts.dflt !== undefined) v = opts.dflt;
    if (opts.lower && typeof v === 'string') return v.toLowerCase();
    return v;
  };
}

export function ignoreCase(v: unknown): unknown {
  return typeof v === 'string' ? v.toLowerCase() : v;
}
