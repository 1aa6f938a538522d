// Ansible's boolean conversions: the `bool` filter and module_utils' boolean().
import { isNumeric, num } from './values.js';

const TRUE_STRINGS = new Set(['y', 'yes', 'on', '1', 'true', 't']);
const FALSE_STRINGS = new Set(['n', 'no', 'off', '0', 'false', 'f']);

/** The `bool` filter: yes/on/1/true (any case) are true, anything else false; None and bools pass through. */
export function toBool(v: unknown): boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') return ['yes', 'on', '1', 'true'].includes(v.toLowerCase());
  if (isNumeric(v)) return num(v) === 1;
  return false;
}

/** module_utils boolean(value, strict=True): undefined when the value is not a recognised boolean. */
export function strictBool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (isNumeric(v)) return num(v) === 1 ? true : num(v) === 0 ? false : undefined;
  if (typeof v === 'string') {
    const s = v.toLowerCase().trim();
    if (TRUE_STRINGS.has(s)) return true;
    if (FALSE_STRINGS.has(s)) return false;
  }
  return undefined;
}
