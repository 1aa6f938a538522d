// Loop bookkeeping shared by tasks, blocks and includes: the variables each item sees, the keys each item
// result carries, and how a with_<lookup> turns into a lookup call.
import type { Vars } from '../core/types.js';
import type { LoopSpec } from '../playbook/model.js';
import { truthy } from './connect.js';

export function loopVarOf(loop: LoopSpec): string {
  return loop.control.loop_var ? String(loop.control.loop_var) : 'item';
}

/** The variables item `i` of `items` sees: the loop var, the index var, and ansible_loop when extended. */
export function itemVars(loop: LoopSpec, items: unknown[], i: number): Vars {
  const control = loop.control;
  const loopVar = loopVarOf(loop);
  const v: Vars = { ansible_loop_var: loopVar, [loopVar]: items[i] };
  if (control.index_var) {
    v.ansible_index_var = String(control.index_var);
    v[String(control.index_var)] = i;
  }
  if (truthy(control.extended)) {
    const info: Vars = {
      index: i + 1,
      index0: i,
      first: i === 0,
      last: i + 1 === items.length,
      length: items.length,
      revindex: items.length - i,
      revindex0: items.length - i - 1,
    };
    // ansible-core 2.14: allitems unless extended_allitems is false; previtem/nextitem only where they exist.
    if (control.extended_allitems === undefined || truthy(control.extended_allitems)) info.allitems = items;
    if (i + 1 < items.length) info.nextitem = items[i + 1];
    if (i > 0) info.previtem = items[i - 1];
    v.ansible_loop = info;
  }
  return v;
}

/** The keys Ansible adds to each item's result: the loop var, its name, the index var, ansible_loop. */
export function itemResultKeys(loop: LoopSpec, vars: Vars): Vars {
  const loopVar = loopVarOf(loop);
  const out: Vars = { [loopVar]: vars[loopVar], ansible_loop_var: loopVar };
  if (loop.control.index_var) {
    const iv = String(loop.control.index_var);
    out[iv] = vars[iv];
    out.ansible_index_var = iv;
  }
  if (vars.ansible_loop !== undefined) out.ansible_loop = vars.ansible_loop;
  return out;
}

/** with_items flattens one level: [[1, 2], [3], 4] gives 1, 2, 3, 4. */
export function flattenOnce(v: unknown): unknown[] {
  return (Array.isArray(v) ? v : [v]).flatMap((x) => (Array.isArray(x) ? x : [x]));
}

/**
 * A with_<lookup> as a query() expression: a list gives the lookup one term per element, anything else is
 * the single term. Returns the expression and the variables it reads the terms from.
 */
export function lookupCall(lookup: string, terms: unknown): { expr: string; args: Vars } {
  const list = Array.isArray(terms) ? terms : [terms];
  const args: Vars = {};
  list.forEach((t, i) => (args[`__tsible_term${i}`] = t));
  return { expr: `query(${[`'${lookup}'`, ...Object.keys(args)].join(', ')})`, args };
}
