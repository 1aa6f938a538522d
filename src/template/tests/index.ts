// The test table: every builtin Jinja/Ansible test by name.
import type { TestSpec } from '../engine/runtime.js';
import { COMPARE_TESTS } from './compare.js';
import { PATH_TESTS } from './paths.js';
import { RESULT_TESTS } from './results.js';
import { TYPE_TESTS } from './types.js';
import { VERSION_TESTS } from './version.js';

export const TESTS: ReadonlyMap<string, TestSpec> = new Map(
  Object.entries({ ...TYPE_TESTS, ...COMPARE_TESTS, ...VERSION_TESTS, ...RESULT_TESTS, ...PATH_TESTS }),
);
