// The shape of nunjucks' AST nodes as this engine reads them (nunjucks ships no types for its parser).

export interface JNode {
  readonly typename: string;
  lineno: number;
  colno: number;
  children?: JNode[];
  value?: unknown;
  target?: JNode;
  val?: JNode;
  left?: JNode;
  right?: JNode;
  name?: JNode;
  args?: JNode;
  cond?: JNode;
  body?: JNode;
  else_?: JNode | null;
  arr?: JNode;
  expr?: JNode;
  ops?: JNode[];
  type?: string;
  key?: JNode;
  targets?: JNode[];
  template?: JNode;
  names?: JNode;
  ignoreMissing?: boolean;
  withContext?: boolean | null;
  /** Ours: `a.b` (attribute first) rather than `a['b']` (item first). */
  dot?: boolean;
  /** Ours: a parenthesised group with a comma is a tuple. */
  tuple?: boolean;
  /** Ours: a call argument written `*x` (1) or `**x` (2). */
  splat?: 1 | 2;
  /** Ours: slice bounds, on nodes with typename 'Slice'. */
  start?: JNode | null;
  stop?: JNode | null;
  step?: JNode | null;
}

export interface Token {
  type: string;
  value: string;
  lineno: number;
  colno: number;
}
