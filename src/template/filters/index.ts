// The filter table: every builtin filter by name.
import type { FilterSpec } from '../engine/runtime.js';
import { CORE_FILTERS } from './core.js';
import { DICT_FILTERS } from './dicts.js';
import { ENCODING_FILTERS } from './encoding.js';
import { HASH_FILTERS } from './hashing.js';
import { HIGHER_ORDER_FILTERS } from './higher-order.js';
import { LIST_FILTERS } from './lists.js';
import { MATH_FILTERS } from './math.js';
import { PATH_FILTERS } from './paths.js';
import { REGEX_FILTERS } from './regex.js';
import { SERIALIZE_FILTERS } from './serialize.js';
import { STRING_FILTERS } from './strings.js';
import { TIME_FILTERS } from './time.js';

export const FILTERS: ReadonlyMap<string, FilterSpec> = new Map(
  Object.entries({
    ...CORE_FILTERS,
    ...STRING_FILTERS,
    ...REGEX_FILTERS,
    ...ENCODING_FILTERS,
    ...LIST_FILTERS,
    ...HIGHER_ORDER_FILTERS,
    ...DICT_FILTERS,
    ...SERIALIZE_FILTERS,
    ...HASH_FILTERS,
    ...PATH_FILTERS,
    ...MATH_FILTERS,
    ...TIME_FILTERS,
  }),
);
