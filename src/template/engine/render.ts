// Render a template text to output, and Ansible's rule for typing the result of a task string.
import { fail, TemplateFault } from '../fault.js';
import { literalEval } from '../py/literal.js';
import { isDict, isTuple, PyFloat } from '../py/values.js';
import type { JNode } from '../syntax/ast.js';
import { parseTemplate } from '../syntax/parser.js';
import { finalizeStr, joinPieces, NativeText, runTemplate, type Pieces } from './execute.js';
import { Frame } from './frame.js';
import type { Runtime } from './runtime.js';
import type { RenderState } from './state.js';

export interface RenderMode {
  /** Task strings: string literals inside {{ }} keep backslashes (Ansible's escape_backslashes). */
  rawStrings: boolean;
  /** Convert the result back to a list/dict/bool when it looks like one (Ansible's ansible_eval_concat). */
  native: boolean;
  /** Template file path, for includes and messages. */
  file?: string;
  /** Strings that came out of to_json & co: never type-converted, even when read back through a variable. */
  nativeTexts?: Set<string>;
  /** Extra names visible to the template (template lookup's template_* variables). */
  locals?: Record<string, unknown>;
}

function trailingNewlines(s: string): number {
  let n = 0;
  while (n < s.length && s[s.length - 1 - n] === '\n') n++;
  return n;
}

/** Parse, turning nunjucks' syntax errors into Ansible's wording. */
export function parseOrFail(src: string, rawStrings: boolean): JNode {
  try {
    return parseTemplate(src, { rawVariableStrings: rawStrings });
  } catch (e) {
    if (e instanceof TemplateFault) throw e;
    const err = e as Error & { lineno?: number };
    // nunjucks names its parser functions in some messages ("parseIf: expected ...").
    const fault = new TemplateFault(
      `template error while templating string: ${err.message.replace(/^parse\w+: /, '')}`,
    );
    if (typeof err.lineno === 'number') fault.line = err.lineno;
    throw fault;
  }
}

/**
 * A deep plain copy of a list/dict made only of literals, or undefined if it holds anything else. For such
 * values this equals Ansible's repr + literal_eval round trip, without printing and re-parsing.
 */
function literalCopy(v: unknown): { value: unknown } | undefined {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return { value: v };
  if (typeof v === 'number') return Number.isFinite(v) ? { value: v } : undefined;
  if (v instanceof PyFloat) return Number.isFinite(v.value) ? { value: v.value } : undefined;
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const x of v) {
      const c = literalCopy(x);
      if (!c) return undefined;
      out.push(c.value);
    }
    return { value: out };
  }
  if (isDict(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) {
      const c = literalCopy(v[k]);
      if (!c) return undefined;
      out[k] = c.value;
    }
    return { value: out };
  }
  return undefined;
}

/** Ansible's single-node rule: text that looks like a list, dict or bool becomes one. */
export function typedResult(out: Pieces, nativeTexts?: Set<string>): unknown {
  if (out.length === 0) return '';
  const only = out.length === 1 ? out[0] : undefined;
  if (only instanceof NativeText) {
    nativeTexts?.add(only.text);
    return only.text;
  }
  // A list (not a tuple: that prints as "(...)") or dict of plain literals: skip the print/parse round trip.
  if ((Array.isArray(only) && !isTuple(only)) || isDict(only)) {
    const copy = literalCopy(only);
    if (copy) return copy.value;
  }
  const text = out.length === 1 ? finalizeStr(only) : joinPieces(out);
  if (out.length === 1 && typeof only === 'string' && nativeTexts?.has(only)) return text;
  if (text.startsWith('[') || text.startsWith('{') || text === 'True' || text === 'False') {
    const lit = literalEval(text);
    if (lit) return lit.value;
  }
  return text;
}

/** Render template text against the runtime's variables. */
export function renderText(src: string, rt: Runtime, mode: RenderMode): unknown {
  // Jinja drops one trailing newline of the source; Ansible then restores however many the source had.
  const body = src.endsWith('\n') ? src.slice(0, -1) : src;
  const root = parseOrFail(body, mode.rawStrings);
  const st: RenderState = { rt, file: mode.file, line: 1, blocks: new Map(), depth: 0 };
  const out: Pieces = [];
  const frame = new Frame(undefined, rt.vars);
  for (const [k, v] of Object.entries(mode.locals ?? {})) frame.set(k, v);
  try {
    runTemplate(root, st, frame, out);
  } catch (e) {
    if (e instanceof TemplateFault && e.line === undefined) e.line = st.line;
    throw e;
  }
  let result = mode.native ? typedResult(out, mode.nativeTexts) : joinPieces(out);
  if (typeof result === 'string') {
    const missing = trailingNewlines(src) - trailingNewlines(result);
    if (missing > 0) result += '\n'.repeat(missing);
  }
  return result;
}

/** Evaluate a bare expression (conditionals, until, assert). */
export function evaluateExpression(
  expr: string,
  rt: Runtime,
  evalNode: (n: JNode, st: RenderState, f: Frame) => unknown,
): unknown {
  let root: JNode;
  try {
    root = parseOrFail(`{{ ${expr} }}`, false);
  } catch (e) {
    // The expression was wrapped in {{ }} to parse it: word errors about the wrapper in terms of the expression.
    if (!(e instanceof TemplateFault)) throw e;
    const msg = e.message
      .replace(/unexpected token: \}\}$/, 'unexpected end of expression')
      .replace(/expected variable end$/, 'unexpected text after the expression')
      .replace('template error while templating string', 'invalid expression');
    throw new TemplateFault(msg, e.hint);
  }
  const output = root.children?.length === 1 ? root.children[0] : undefined;
  const node =
    output?.typename === 'Output' && output.children?.length === 1 ? output.children[0] : undefined;
  if (!node) return fail(`not a single expression: ${expr}`);
  const st: RenderState = { rt, line: 1, blocks: new Map(), depth: 0 };
  return evalNode(node, st, new Frame(undefined, rt.vars));
}
