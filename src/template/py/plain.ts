// Convert template values to plain JS data for the world outside the engine.
import { pyStr } from './repr.js';
import { isDict, PyCallable, PyFloat, Undef } from './values.js';

/** Deep copy to plain arrays/objects/primitives: integral floats become numbers, views become copies. */
export function toPlain(v: unknown): unknown {
  if (v instanceof PyFloat) return v.value;
  if (v instanceof Undef) v.fail();
  if (v instanceof PyCallable) return pyStr(v);
  if (Array.isArray(v)) return v.map(toPlain);
  if (isDict(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) out[k] = toPlain(v[k]);
    return out;
  }
  return v;
}
