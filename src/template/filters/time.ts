// Date filters: strftime.
import { filter, type FilterSpec } from '../engine/runtime.js';
import { optBool, str } from '../py/coerce.js';
import { strftime } from '../py/strftime.js';
import { num } from '../py/values.js';

export const TIME_FILTERS: Record<string, FilterSpec> = {
  strftime: filter(['second', 'utc'], (fmt, [second, utc]) => {
    const d = second === undefined || second === null ? new Date() : new Date(num(second) * 1000);
    return strftime(str(fmt), d, optBool(utc, false));
  }),
};
