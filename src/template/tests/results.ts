// Task result tests: failed, succeeded, changed, skipped, unreachable, finished, started.
import { fail } from '../fault.js';
import { test, type TestSpec, type Runtime } from '../engine/runtime.js';
import { truthy } from '../py/ops.js';
import { hasKey, isDict } from '../py/values.js';

function result(v: unknown, name: string): Record<string, unknown> {
  if (!isDict(v)) fail(`The '${name}' test expects a dictionary`);
  return v;
}

const flag = (name: string, key: string, negate = false): TestSpec =>
  test([], (v) => truthy(result(v, name)[key] ?? false) !== negate);

function changed(v: unknown): boolean {
  const r = result(v, 'changed');
  if (hasKey(r, 'changed')) return truthy(r.changed);
  const results = r.results;
  return (
    Array.isArray(results) &&
    isDict(results[0]) &&
    results.some((x) => isDict(x) && truthy(x.changed ?? false))
  );
}

function asyncFlag(key: 'finished' | 'started'): TestSpec {
  return test([], (v, _a, rt: Runtime) => {
    const r = result(v, key);
    if (hasKey(r, key)) return r[key] === 1 || r[key] === true;
    rt.warn(`The '${key}' test expects an async task, but a non-async task was tested`);
    return true;
  });
}

export const RESULT_TESTS: Record<string, TestSpec> = {
  failed: flag('failed', 'failed'),
  failure: flag('failure', 'failed'),
  succeeded: flag('succeeded', 'failed', true),
  success: flag('success', 'failed', true),
  successful: flag('successful', 'failed', true),
  reachable: flag('reachable', 'unreachable', true),
  unreachable: flag('unreachable', 'unreachable'),
  skipped: flag('skipped', 'skipped'),
  skip: flag('skip', 'skipped'),
  changed: test([], changed),
  change: test([], changed),
  finished: asyncFlag('finished'),
  started: asyncFlag('started'),
};
