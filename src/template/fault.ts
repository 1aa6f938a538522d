// The error raised inside the template engine. It is already a TsibleError('template'), so callers that touch
// a lazy variable view directly get one; Templar adds the template text and position at its boundary.
import { TsibleError } from '../core/errors.js';

export class TemplateFault extends TsibleError {
  /** 1-based line inside the template text, once known. */
  line?: number;
  /** An undefined variable or attribute (lets `x is defined` logic and conditionals word their errors). */
  undefinedVariable = false;
  constructor(message: string, hint?: string) {
    super('template', message, hint === undefined ? {} : { hint });
  }
}

/** Shorthand for throwing from expression positions. */
export function fail(message: string, hint?: string): never {
  throw new TemplateFault(message, hint);
}
