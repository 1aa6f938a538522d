// Type and value tests: defined/undefined, none, string, number, mapping, truthy/falsy, divisibleby...
import { test, type TestSpec } from '../engine/runtime.js';
import { strictBool } from '../py/bool.js';
import { optBool, str } from '../py/coerce.js';
import { truthy } from '../py/ops.js';
import { isDict, isFloat, isInt, isNumeric, num, PyCallable, Undef } from '../py/values.js';

const ok = { undefinedOk: true };

function truthyTest(v: unknown, [convertBool]: unknown[]): boolean {
  let x = v;
  if (optBool(convertBool, false)) x = strictBool(v) ?? v;
  return truthy(x);
}

export const TYPE_TESTS: Record<string, TestSpec> = {
  defined: test([], (v) => !(v instanceof Undef), ok),
  undefined: test([], (v) => v instanceof Undef, ok),
  none: test([], (v) => v === null, ok),
  boolean: test([], (v) => typeof v === 'boolean', ok),
  true: test([], (v) => v === true, ok),
  false: test([], (v) => v === false, ok),
  string: test([], (v) => typeof v === 'string', ok),
  number: test([], (v) => isNumeric(v), ok),
  integer: test([], (v) => isInt(v), ok),
  float: test([], (v) => isFloat(v), ok),
  mapping: test([], (v) => isDict(v), ok),
  iterable: test([], (v) => typeof v === 'string' || Array.isArray(v) || isDict(v), ok),
  sequence: test([], (v) => typeof v === 'string' || Array.isArray(v) || isDict(v), ok),
  callable: test([], (v) => v instanceof PyCallable, ok),
  sameas: test(['other'], (v, [o]) => v === o || (v instanceof Undef && o instanceof Undef), ok),
  escaped: test([], () => false, ok),
  nan: test([], (v) => isFloat(v) && Number.isNaN(num(v)), ok),
  truthy: test(['convert_bool'], truthyTest),
  falsy: test(['convert_bool'], (v, a) => !truthyTest(v, a)),
  divisibleby: test(['num'], (v, [n]) => num(v) % num(n) === 0, { required: 1 }),
  odd: test([], (v) => Math.abs(num(v)) % 2 === 1),
  even: test([], (v) => num(v) % 2 === 0),
  lower: test([], (v) => /\p{Ll}/u.test(str(v)) && !/\p{Lu}/u.test(str(v))),
  upper: test([], (v) => /\p{Lu}/u.test(str(v)) && !/\p{Ll}/u.test(str(v))),
  filter: test([], (v, _a, rt) => typeof v === 'string' && rt.hasFilter(v)),
  test: test([], (v, _a, rt) => typeof v === 'string' && rt.hasTest(v)),
};
