// assert: fail the task unless every expression holds (controller side).
import { defineModule, type ModuleResult } from '../src/core/module.js';

/** Ansible lets msg be any value (a list prints as a list); ModuleResult types it as a string. */
const anyMsg = (r: Record<string, unknown>): ModuleResult => r as ModuleResult;

const params = {
  that: { type: 'list', required: true, description: 'Expressions (without {{ }}) that must all be true.' },
  fail_msg: { type: 'raw', aliases: ['msg'], description: 'Message when an assertion fails.' },
  success_msg: { type: 'raw', description: 'Message when all pass.' },
  quiet: { type: 'bool', default: false, description: 'Do not force the result to be shown.' },
} as const;

/** Jinja/Python truthiness: empty lists, dicts and strings are false (unlike JavaScript). */
export function truthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (v !== null && typeof v === 'object') return Object.keys(v).length > 0;
  return Boolean(v);
}

export const assert = defineModule({
  name: 'assert',
  doc: {
    short: 'Assert that expressions are true',
    description: 'Evaluates each expression of `that` in order; the first false one fails the task.',
    examples: [
      '- assert:',
      '    that:',
      '      - ansible_facts.os_family == "Debian"',
      '      - app_port | int > 1024',
      '    fail_msg: unsupported host',
    ].join('\n'),
    returns: {
      msg: "'All assertions passed' or the failure message.",
      assertion: 'The failing expression.',
      evaluated_to: 'false',
    },
  },
  params,
  check: 'full',
  diff: false,
  runsOn: 'controller',
  plan(p, _f, ctx) {
    const show = p.quiet ? {} : { _ansible_verbose_always: true };
    for (const cond of p.that) {
      let ok: boolean;
      try {
        ok = typeof cond === 'string' ? truthy(ctx.evaluate(cond)) : truthy(cond);
      } catch (e) {
        return {
          changed: false,
          steps: [],
          failed: true,
          result: {
            msg: `The conditional check '${String(cond)}' failed. The error was: ${(e as Error).message}`,
            assertion: cond,
          },
        };
      }
      if (!ok) {
        return {
          changed: false,
          steps: [],
          failed: true,
          result: anyMsg({
            assertion: cond,
            evaluated_to: false,
            msg: p.fail_msg ?? 'Assertion failed',
            ...show,
          }),
        };
      }
    }
    return {
      changed: false,
      steps: [],
      result: anyMsg({ msg: p.success_msg ?? 'All assertions passed', ...show }),
    };
  },
});
