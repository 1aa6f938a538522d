// Comparison and membership tests: ==/eq/equalto, lt/gt..., in/contains, subset/superset, any/all, match/search/regex.
import { test, type TestSpec } from '../engine/runtime.js';
import { list, optBool, str } from '../py/coerce.js';
import { compareOp, contains, pyEq, truthy } from '../py/ops.js';
import * as re from '../py/regex.js';

function cmp(op: string): TestSpec {
  return test(['other'], (v, [o]) => compareOp(op, v, o), { required: 1 });
}

function regexTest(value: unknown, [pattern, ignorecase, multiline, matchType]: unknown[]): boolean {
  const flags = { ignorecase: optBool(ignorecase, false), multiline: optBool(multiline, false) };
  const type = matchType === undefined ? 'search' : str(matchType);
  const s = str(value ?? '');
  const p = str(pattern ?? '');
  if (type === 'match') return re.match(p, s, flags) !== null;
  if (type === 'fullmatch') return re.match(`(?:${p})$`, s, flags) !== null;
  return re.search(p, s, flags) !== null;
}

const subset = (a: unknown, b: unknown) => {
  const bs = list(b);
  return list(a).every((x) => bs.some((y) => pyEq(x, y)));
};

export const COMPARE_TESTS: Record<string, TestSpec> = {
  eq: cmp('=='),
  equalto: cmp('=='),
  '==': cmp('=='),
  ne: cmp('!='),
  '!=': cmp('!='),
  lt: cmp('<'),
  lessthan: cmp('<'),
  '<': cmp('<'),
  le: cmp('<='),
  '<=': cmp('<='),
  gt: cmp('>'),
  greaterthan: cmp('>'),
  '>': cmp('>'),
  ge: cmp('>='),
  '>=': cmp('>='),
  in: test(['seq'], (v, [seq]) => contains(seq, v), { required: 1 }),
  contains: test(['value'], (seq, [v]) => contains(seq, v), { required: 1 }),
  subset: test(['b'], (a, [b]) => subset(a, b), { required: 1 }),
  issubset: test(['b'], (a, [b]) => subset(a, b), { required: 1 }),
  superset: test(['b'], (a, [b]) => subset(b, a), { required: 1 }),
  issuperset: test(['b'], (a, [b]) => subset(b, a), { required: 1 }),
  any: test([], (v) => list(v).some(truthy)),
  all: test([], (v) => list(v).every(truthy)),
  regex: test(['pattern', 'ignorecase', 'multiline', 'match_type'], regexTest),
  match: test(['pattern', 'ignorecase', 'multiline'], (v, [p, i, m]) => regexTest(v, [p, i, m, 'match'])),
  search: test(['pattern', 'ignorecase', 'multiline'], (v, [p, i, m]) => regexTest(v, [p, i, m, 'search'])),
};
