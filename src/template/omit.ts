// Ansible's `omit` placeholder: a module argument whose value is exactly this string is dropped.
import { createHash, randomBytes } from 'node:crypto';
import { isDict } from './py/values.js';

export const OMIT: string = `__omit_place_holder__${createHash('sha1').update(randomBytes(64)).digest('hex')}`;

/** Drop dict keys whose value is the omit placeholder, recursively through dicts and lists (like remove_omit). */
export function dropOmitted<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => dropOmitted(v)) as T;
  if (!isDict(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v !== OMIT) out[k] = dropOmitted(v);
  }
  return out as T;
}
