// Jinja variable scopes: a chain of frames (loop bodies and macros get their own) over the template context.
import type { Vars } from '../../core/types.js';

const MISSING = Symbol('missing');

export class Frame {
  private readonly locals = new Map<string, unknown>();
  readonly ctx: Vars;

  constructor(
    readonly parent?: Frame,
    ctx?: Vars,
  ) {
    this.ctx = ctx ?? parent?.ctx ?? {};
  }

  /** A value set by the template itself ({% set %}, loop variables, macro arguments), or MISSING. */
  local(name: string): unknown {
    if (this.locals.has(name)) return this.locals.get(name);
    return this.parent ? this.parent.local(name) : MISSING;
  }

  set(name: string, value: unknown): void {
    this.locals.set(name, value);
  }

  /** Names set in this frame only (what a template exports to `{% import %}`). */
  ownEntries(): [string, unknown][] {
    return [...this.locals.entries()];
  }

  /** Every local name visible here, for did-you-mean hints. */
  visibleNames(): string[] {
    return [...this.locals.keys(), ...(this.parent?.visibleNames() ?? [])];
  }
}

export function isMissing(v: unknown): v is typeof MISSING {
  return v === MISSING;
}
