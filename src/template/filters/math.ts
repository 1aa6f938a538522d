// Ansible's math filters: log, pow, root (always floats, as in Python's math module).
import { fail } from '../fault.js';
import { filter, type FilterSpec } from '../engine/runtime.js';
import { optNum } from '../py/coerce.js';
import { mkFloat, num } from '../py/values.js';

function log(x: unknown, [base]: unknown[]): unknown {
  const n = num(x);
  if (n <= 0) fail('math domain error');
  const ln = Math.log(n);
  return mkFloat(base === undefined ? ln : ln / Math.log(optNum(base, Math.E)));
}

function root(x: unknown, [base]: unknown[]): unknown {
  const b = optNum(base, 2);
  return mkFloat(b === 2 ? Math.sqrt(num(x)) : num(x) ** (1 / b));
}

export const MATH_FILTERS: Record<string, FilterSpec> = {
  log: filter(['base'], log),
  pow: filter(['y'], (x, [y]) => mkFloat(num(x) ** num(y)), { required: 1 }),
  root: filter(['base'], root),
};
