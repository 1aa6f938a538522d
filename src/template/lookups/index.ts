// The lookup table: every builtin lookup plugin by name.
import type { LookupFn } from '../engine/runtime.js';
import { DATA_LOOKUPS } from './data.js';
import { FILE_LOOKUPS } from './files.js';
import { password } from './password.js';

export const LOOKUPS: ReadonlyMap<string, LookupFn> = new Map(
  Object.entries({ ...FILE_LOOKUPS, ...DATA_LOOKUPS, password }),
);
