// Evaluate Jinja expressions over nunjucks' AST with Python semantics.
import { fail } from '../fault.js';
import { rawOf } from '../lazy-vars.js';
import { percentFormat } from '../py/format.js';
import * as ops from '../py/ops.js';
import { hasKey, PyCallable, tuple, Undef, type Kwargs } from '../py/values.js';
import { didYouMean } from '../suggest.js';
import type { JNode } from '../syntax/ast.js';
import { getAttr, readItem, slice } from './access.js';
import { Frame, isMissing } from './frame.js';
import { globalNames, globalValue } from './globals.js';
import { renderBody } from './execute.js';
import { makeMacro } from './macro.js';
import type { RenderState } from './state.js';

const LITERAL_NAMES: Record<string, unknown> = { True: true, False: false, None: null };

function children(n: JNode | undefined | null): JNode[] {
  return n?.children ?? [];
}

/** A readable name for the expression, for "'web.port' has no attribute 'x'" style messages. */
export function exprLabel(n: JNode): string | undefined {
  if (n.typename === 'Symbol') return String(n.value);
  if (n.typename === 'LookupVal' && n.target && n.val) {
    const base = exprLabel(n.target);
    if (base === undefined || n.val.typename !== 'Literal') return undefined;
    const key = n.val.value;
    if (n.dot && typeof key === 'string') return `${base}.${key}`;
    return typeof key === 'string' ? `${base}['${key}']` : `${base}[${String(key)}]`;
  }
  return undefined;
}

function lookupName(name: string, st: RenderState, frame: Frame): unknown {
  if (name in LITERAL_NAMES && hasKey(LITERAL_NAMES, name)) return LITERAL_NAMES[name];
  const local = frame.local(name);
  if (!isMissing(local)) return local;
  const ctx = frame.ctx;
  if (hasKey(ctx, name)) return readItem(ctx, name).value;
  // Ansible's `vars`: all variables, handed out raw (2.14 does not template values read through it).
  if (name === 'vars') return rawOf(ctx) ?? ctx;
  const g = globalValue(name, st);
  if (g !== undefined) return g;
  const hint = () => didYouMean(name, [...frame.visibleNames(), ...Object.keys(ctx), ...globalNames()]);
  return new Undef(`'${name}' is undefined`, { hint, name });
}

/** Positional and keyword arguments of a call. */
export function evalArgs(nodes: JNode[], st: RenderState, frame: Frame): [unknown[], Kwargs] {
  const args: unknown[] = [];
  const kw: Kwargs = {};
  for (const a of nodes) {
    if (a.typename === 'KeywordArgs') {
      for (const pair of children(a)) kw[String(pair.key?.value)] = evalExpr(pair.value as JNode, st, frame);
    } else if (a.splat === 1) {
      const v = evalExpr(a, st, frame);
      if (!Array.isArray(v)) fail(`argument after * must be an iterable, not ${typeof v}`);
      args.push(...(v as unknown[]));
    } else if (a.splat === 2) {
      const v = evalExpr(a, st, frame);
      if (!v || typeof v !== 'object' || Array.isArray(v)) fail('argument after ** must be a mapping');
      Object.assign(kw, v);
    } else {
      args.push(evalExpr(a, st, frame));
    }
  }
  return [args, kw];
}

function call(n: JNode, st: RenderState, frame: Frame): unknown {
  const callee = evalExpr(n.name!, st, frame);
  const [args, kw] = evalArgs(children(n.args), st, frame);
  if (callee instanceof PyCallable) return callee.call(args, kw);
  if (callee instanceof Undef) callee.fail();
  const label = exprLabel(n.name!);
  return fail(`${label ? `'${label}'` : `'${typeof callee}' object`} is not callable`);
}

function applyFilter(n: JNode, st: RenderState, frame: Frame): unknown {
  const name = String(n.name?.value);
  const [inputNode, ...rest] = children(n.args);
  const input = inputNode ? evalExpr(inputNode, st, frame) : undefined;
  const [args, kw] = evalArgs(rest, st, frame);
  return st.rt.callFilter(name, input, args, kw);
}

function applyTest(n: JNode, st: RenderState, frame: Frame): boolean {
  const value = evalExpr(n.left!, st, frame);
  const t = n.right!;
  if (t.typename === 'Symbol') return st.rt.callTest(String(t.value), value, [], {});
  const [args, kw] = evalArgs(children(t.args), st, frame);
  return st.rt.callTest(String(t.name?.value), value, args, kw);
}

function lookupVal(n: JNode, st: RenderState, frame: Frame): unknown {
  const target = evalExpr(n.target!, st, frame);
  const v = n.val!;
  if (v.typename === 'Slice') {
    const bound = (b: JNode | null | undefined) => (b ? evalExpr(b, st, frame) : null);
    return slice(target, bound(v.start), bound(v.stop), bound(v.step));
  }
  const key = evalExpr(v, st, frame);
  return getAttr(target, key, n.dot === true, () => exprLabel(n.target!));
}

function compare(n: JNode, st: RenderState, frame: Frame): boolean {
  let left = evalExpr(n.expr!, st, frame);
  for (const op of n.ops ?? []) {
    const right = evalExpr(op.expr!, st, frame);
    if (!ops.compareOp(String(op.type), left, right)) return false;
    left = right;
  }
  return true;
}

type Binary = (a: unknown, b: unknown) => unknown;

const BINARY: Record<string, Binary> = {
  Add: ops.add,
  Sub: ops.sub,
  Mul: ops.mul,
  Div: ops.div,
  FloorDiv: ops.floorDiv,
  Mod: (a, b) => ops.mod(a, b, percentFormat),
  Pow: ops.pow,
  Concat: ops.concat,
};

/** Evaluate one expression node. */
export function evalExpr(n: JNode, st: RenderState, frame: Frame): unknown {
  const binary = BINARY[n.typename];
  if (binary) return binary(evalExpr(n.left!, st, frame), evalExpr(n.right!, st, frame));
  switch (n.typename) {
    case 'Literal':
      return n.value;
    case 'Symbol':
      return lookupName(String(n.value), st, frame);
    case 'LookupVal':
      return lookupVal(n, st, frame);
    case 'FunCall':
      return call(n, st, frame);
    case 'Filter':
      return applyFilter(n, st, frame);
    case 'Is':
      return applyTest(n, st, frame);
    case 'In':
      return ops.contains(evalExpr(n.right!, st, frame), evalExpr(n.left!, st, frame));
    case 'Not':
      return !ops.truthy(evalExpr(n.target!, st, frame));
    case 'And': {
      const left = evalExpr(n.left!, st, frame);
      return ops.truthy(left) ? evalExpr(n.right!, st, frame) : left;
    }
    case 'Or': {
      const left = evalExpr(n.left!, st, frame);
      return ops.truthy(left) ? left : evalExpr(n.right!, st, frame);
    }
    case 'Neg':
      return ops.neg(evalExpr(n.target!, st, frame));
    case 'Pos':
      return ops.add(0, evalExpr(n.target!, st, frame));
    case 'Compare':
      return compare(n, st, frame);
    case 'InlineIf':
      if (ops.truthy(evalExpr(n.cond!, st, frame))) return evalExpr(n.body!, st, frame);
      if (n.else_) return evalExpr(n.else_, st, frame);
      return new Undef('the inline if-expression evaluated to false and no else section was defined', {
        soft: true,
      });
    case 'Group': {
      const items = children(n).map((c) => evalExpr(c, st, frame));
      return n.tuple ? tuple(items) : items[0];
    }
    case 'Array':
      return children(n).map((c) => evalExpr(c, st, frame));
    case 'Dict': {
      const obj: Record<string, unknown> = {};
      for (const pair of children(n)) {
        const key = evalExpr(pair.key!, st, frame);
        obj[typeof key === 'string' ? key : String(ops.concat('', key))] = evalExpr(
          pair.value as JNode,
          st,
          frame,
        );
      }
      return obj;
    }
    case 'Caller':
      return makeMacro(n, st, frame);
    case 'Capture':
      return renderBody(n.body!, st, frame);
    default:
      return fail(`unsupported expression: ${n.typename}`);
  }
}
