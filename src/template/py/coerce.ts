// Argument coercions shared by filters, tests and lookups.
import { fail } from '../fault.js';
import { iterate } from './ops.js';
import { pyStr } from './repr.js';
import { defined, isDict, isNumeric, num, typeName } from './values.js';

/** str(v). */
export function str(v: unknown): string {
  return pyStr(defined(v));
}

export function optNum(v: unknown, dflt: number): number {
  return v === undefined || v === null ? dflt : num(defined(v));
}

export function optBool(v: unknown, dflt: boolean): boolean {
  return v === undefined || v === null ? dflt : Boolean(isNumeric(v) ? num(v) : v);
}

/** list(v): the items of any iterable (a dict gives its keys). */
export function list(v: unknown): unknown[] {
  return iterate(defined(v));
}

export function dict(v: unknown, what: string): Record<string, unknown> {
  const d = defined(v);
  if (!isDict(d)) fail(`${what} expects a dictionary, got ${typeName(d)}`);
  return d;
}
