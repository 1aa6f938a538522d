// Small helpers for module fact sets.
import type { Fact } from '../../src/core/module.js';

/** A fact a task does not need this time: a no-op on the host, so every fact set keeps one shape. */
export function unused<T>(): Fact<T | undefined> {
  return { cmd: ':', parse: () => undefined };
}
