// Values that must never be templated again (registered results, facts, lookup output).
import { UnsafeText } from '../core/yaml.js';

const UNSAFE = new WeakSet<object>();

/**
 * Mark a value as unsafe: lazy variable views return it as-is instead of templating it.
 * Objects are marked in place (and returned); a string comes back wrapped as UnsafeText.
 */
export function markUnsafe<T>(v: T): T {
  if (typeof v === 'string') return new UnsafeText(v) as unknown as T;
  if (typeof v === 'object' && v !== null) UNSAFE.add(v);
  return v;
}

export function isUnsafe(v: unknown): boolean {
  return v instanceof UnsafeText || (typeof v === 'object' && v !== null && UNSAFE.has(v));
}
