// Per-render state shared by the evaluator and the statement executor.
import type { JNode } from '../syntax/ast.js';
import type { Runtime } from './runtime.js';

export interface RenderState {
  rt: Runtime;
  /** Path of the template file, when rendering one (for includes and messages). */
  file?: string;
  /** Line (1-based) of the statement or expression being evaluated, for error messages. */
  line: number;
  /** Block bodies for template inheritance, most-derived first. */
  blocks: Map<string, JNode>;
  /** Set by {% extends %}: render this parent instead once the child has run. */
  parent?: string;
  /** Include/import nesting depth, to stop runaway recursion. */
  depth: number;
}
