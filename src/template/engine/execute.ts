// Run template statements ({% if %}, {% for %}, {% set %}, macros, include/import/extends) into output pieces.
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fail } from '../fault.js';
import { iterate, truthy } from '../py/ops.js';
import { pyStr } from '../py/repr.js';
import { defined, PyCallable, typeName, Undef } from '../py/values.js';
import { findFile } from '../search-path.js';
import type { JNode } from '../syntax/ast.js';
import { parseTemplate } from '../syntax/parser.js';
import { evalExpr } from './evaluate.js';
import { Frame } from './frame.js';
import { isNamespace } from './globals.js';
import { makeMacro } from './macro.js';
import { shortName } from './runtime.js';
import type { RenderState } from './state.js';

/** Output pieces: template text and expression values, joined (or typed) by the caller. */
export type Pieces = unknown[];

/** Output of a filter Ansible never type-converts (to_json, string...): Python's NativeJinjaText. */
export class NativeText {
  constructor(readonly text: string) {}
}

const STRING_TYPE_FILTERS = new Set([
  'string',
  'to_json',
  'to_nice_json',
  'to_yaml',
  'to_nice_yaml',
  'ppretty',
  'json',
]);

function isStringTypeFilter(n: JNode): boolean {
  return n.typename === 'Filter' && STRING_TYPE_FILTERS.has(shortName(String(n.name?.value)));
}

const MAX_DEPTH = 50;

/** How an output value prints: Ansible's finalize turns None into ''. */
export function finalizeStr(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof NativeText) return v.text;
  if (v === null || v === undefined) return '';
  return pyStr(defined(v instanceof Undef && v.soft ? '' : v));
}

export function joinPieces(out: Pieces): string {
  return out.map(finalizeStr).join('');
}

/** Render a statement body to a string (macros, captures, filter blocks). */
export function renderBody(body: JNode, st: RenderState, frame: Frame): string {
  const out: Pieces = [];
  execNode(body, st, frame, out);
  return joinPieces(out);
}

function bindTargets(target: JNode, value: unknown, frame: Frame): void {
  if (target.typename === 'Symbol') {
    frame.set(String(target.value), value);
    return;
  }
  const names = target.children ?? [];
  const items = iterate(defined(value));
  if (items.length !== names.length) {
    fail(
      items.length > names.length
        ? `too many values to unpack (expected ${names.length})`
        : `not enough values to unpack (expected ${names.length}, got ${items.length})`,
    );
  }
  names.forEach((n, i) => frame.set(String(n.value), items[i]));
}

function loopInfo(items: unknown[], i: number, lastValue: { v: unknown }): Record<string, unknown> {
  const len = items.length;
  return {
    index: i + 1,
    index0: i,
    revindex: len - i,
    revindex0: len - i - 1,
    first: i === 0,
    last: i === len - 1,
    length: len,
    depth: 1,
    depth0: 0,
    previtem: i > 0 ? items[i - 1] : new Undef('there is no previous item'),
    nextitem: i < len - 1 ? items[i + 1] : new Undef('there is no next item'),
    cycle: new PyCallable('cycle', (args) =>
      args.length ? args[i % args.length] : fail('no items for cycling given'),
    ),
    changed: new PyCallable('changed', (args) => {
      const key = JSON.stringify(args);
      const changed = key !== lastValue.v;
      lastValue.v = key;
      return changed;
    }),
  };
}

function execFor(n: JNode, st: RenderState, frame: Frame, out: Pieces): void {
  let arrNode = n.arr!;
  let cond: JNode | undefined;
  // `for x in xs if cond` parses as an inline if without else: it is Jinja's loop filter.
  if (arrNode.typename === 'InlineIf' && !arrNode.else_) {
    cond = arrNode.cond;
    arrNode = arrNode.body!;
  }
  let items = iterate(defined(evalExpr(arrNode, st, frame)));
  if (cond) {
    items = items.filter((item) => {
      const f = new Frame(frame);
      bindTargets(n.name!, item, f);
      return truthy(evalExpr(cond, st, f));
    });
  }
  if (items.length === 0) {
    if (n.else_) execNode(n.else_, st, frame, out);
    return;
  }
  const lastValue = { v: undefined as unknown };
  items.forEach((item, i) => {
    const f = new Frame(frame);
    bindTargets(n.name!, item, f);
    f.set('loop', loopInfo(items, i, lastValue));
    execNode(n.body!, st, f, out);
  });
}

function execSet(n: JNode, st: RenderState, frame: Frame): void {
  // `{% set x %}...{% endset %}` has a Capture body instead of a value.
  const value = evalExpr((n.value as JNode | null) ?? n.body!, st, frame);
  const targets = n.targets ?? [];
  const values = targets.length > 1 ? iterate(defined(value)) : [value];
  if (values.length !== targets.length)
    fail(`cannot unpack ${values.length} values into ${targets.length} names`);
  targets.forEach((t, i) => {
    if (t.typename === 'Symbol') frame.set(String(t.value), values[i]);
    else if (t.typename === 'LookupVal' && t.target) {
      const obj = evalExpr(t.target, st, frame);
      if (!isNamespace(obj)) fail(`cannot assign attribute on non-namespace object (${typeName(obj)})`);
      obj[String(evalExpr(t.val!, st, frame))] = values[i];
    } else fail(`cannot assign to ${t.typename}`);
  });
}

/** Read and parse a template referenced by include/import/extends. */
function loadTemplate(
  nameValue: unknown,
  st: RenderState,
  ignoreMissing = false,
): { path: string; root: JNode } | undefined {
  const names = (Array.isArray(nameValue) ? nameValue : [nameValue]).map((x) => pyStr(defined(x)));
  for (const name of names) {
    const base = {
      baseDir: st.rt.baseDir,
      searchPaths: st.rt.searchPaths,
      templateDir: st.file ? dirname(st.file) : st.rt.templateDir,
    };
    const path = findFile(base, 'templates', name);
    if (!path) continue;
    if (st.depth >= MAX_DEPTH) fail(`template recursion too deep including ${name}`);
    const text = readFileSync(path, 'utf8');
    // Jinja drops one trailing newline of every template source (keep_trailing_newline is off).
    return {
      path,
      root: parseTemplate(text.endsWith('\n') ? text.slice(0, -1) : text, { rawVariableStrings: false }),
    };
  }
  if (ignoreMissing) return undefined;
  return fail(`template not found: ${names.join(', ')}`);
}

/** Render another template's top level in a fresh root frame and return what it defines. */
function importModule(n: JNode, st: RenderState, frame: Frame): Record<string, unknown> {
  const tpl = loadTemplate(evalExpr(n.template!, st, frame), st)!;
  const sub: RenderState = {
    ...st,
    file: tpl.path,
    depth: st.depth + 1,
    blocks: new Map(),
    parent: undefined,
  };
  const root = new Frame(undefined, n.withContext ? frame.ctx : {});
  execNode(tpl.root, sub, root, []);
  return Object.fromEntries(root.ownEntries());
}

function collectBlocks(n: JNode, blocks: Map<string, JNode>): void {
  if (n.typename === 'Block') {
    const name = String(n.name?.value);
    if (!blocks.has(name)) blocks.set(name, n.body!);
  }
  for (const c of n.children ?? []) collectBlocks(c, blocks);
  for (const k of ['body', 'else_'] as const) {
    const c = n[k];
    if (c && typeof c === 'object') collectBlocks(c, blocks);
  }
}

/** Run a whole template (handles {% extends %}: the parent renders with the child's blocks). */
export function runTemplate(root: JNode, st: RenderState, frame: Frame, out: Pieces): void {
  collectBlocks(root, st.blocks);
  const own: Pieces = [];
  execNode(root, st, frame, own);
  if (st.parent === undefined) {
    out.push(...own);
    return;
  }
  const parentName = st.parent;
  st.parent = undefined;
  const tpl = loadTemplate(parentName, st)!;
  runTemplate(tpl.root, { ...st, file: tpl.path, depth: st.depth + 1 }, frame, out);
}

export function execNode(n: JNode, st: RenderState, frame: Frame, out: Pieces): void {
  st.line = n.lineno + 1;
  switch (n.typename) {
    case 'Root':
    case 'NodeList':
      for (const c of n.children ?? []) execNode(c, st, frame, out);
      return;
    case 'Output':
      for (const c of n.children ?? []) {
        if (c.typename === 'TemplateData') {
          if (c.value !== '') out.push(c.value);
        } else {
          st.line = c.lineno + 1;
          const v = evalExpr(c, st, frame);
          // Printing an undefined fails: fail here, while the line is known.
          if (v instanceof Undef && !v.soft) v.fail();
          out.push(isStringTypeFilter(c) && typeof v === 'string' ? new NativeText(v) : v);
        }
      }
      return;
    case 'If':
      if (truthy(evalExpr(n.cond!, st, frame))) execNode(n.body!, st, frame, out);
      else if (n.else_) execNode(n.else_, st, frame, out);
      return;
    case 'For':
      return execFor(n, st, frame, out);
    case 'Set':
      return execSet(n, st, frame);
    case 'Macro':
      frame.set(String(n.name?.value), makeMacro(n, st, frame));
      return;
    case 'Include': {
      const tpl = loadTemplate(evalExpr(n.template!, st, frame), st, n.ignoreMissing === true);
      if (tpl)
        runTemplate(
          tpl.root,
          { ...st, file: tpl.path, depth: st.depth + 1, blocks: new Map() },
          new Frame(frame),
          out,
        );
      return;
    }
    case 'Import':
      frame.set(String(n.target?.value), importModule(n, st, frame));
      return;
    case 'FromImport': {
      const mod = importModule(n, st, frame);
      for (const name of n.names?.children ?? []) {
        const [src, alias] =
          name.typename === 'Pair'
            ? [String(name.key?.value), String((name.value as JNode).value)]
            : [String(name.value), String(name.value)];
        frame.set(
          alias,
          Object.prototype.hasOwnProperty.call(mod, src)
            ? mod[src]
            : new Undef(`the template does not export '${src}'`),
        );
      }
      return;
    }
    case 'Extends':
      st.parent = pyStr(defined(evalExpr(n.template!, st, frame)));
      return;
    case 'Block':
      execNode(st.blocks.get(String(n.name?.value)) ?? n.body!, st, frame, out);
      return;
    default:
      fail(`unsupported template statement: ${n.typename}`);
  }
}
