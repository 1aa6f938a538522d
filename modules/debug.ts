// debug: print a message or a variable's value (controller side).
import { defineModule, type ModuleResult } from '../src/core/module.js';
import { pyStr } from '../src/core/params.js';

const params = {
  msg: { type: 'raw', default: 'Hello world!', description: 'The message (any value).' },
  var: { type: 'raw', description: 'A variable name or expression to show.' },
  verbosity: { type: 'int', default: 0, description: 'Show only with at least this many -v.' },
} as const;

const UNDEFINED = 'VARIABLE IS NOT DEFINED!';

export const debug = defineModule({
  name: 'debug',
  doc: {
    short: 'Print statements during execution',
    description: 'Shows msg, or the value of var under its own name. Never changed.',
    examples: [
      '- debug: msg="host is {{ inventory_hostname }}"',
      '- debug: var=ansible_facts.os_family verbosity=1',
    ].join('\n'),
    returns: { msg: 'The message.', '<var>': 'The value of var, under the name given.' },
  },
  params,
  mutuallyExclusive: [['msg', 'var']],
  check: 'full',
  diff: false,
  runsOn: 'controller',
  plan(p, _f, ctx) {
    if (p.verbosity > (ctx.verbosity ?? 0)) {
      return {
        changed: false,
        steps: [],
        skipped: true,
        result: { skipped_reason: 'Verbosity threshold not met.' },
      };
    }
    // Ansible marks debug output to be shown even without -v.
    const show = { _ansible_verbose_always: true };
    // msg may be any value (a list prints as a list); ModuleResult types it as a string.
    if (p.var === undefined)
      return { changed: false, steps: [], result: { msg: p.msg, ...show } as ModuleResult };
    // A non-string var (already templated to a list/dict by the engine) is shown under its str().
    if (typeof p.var !== 'string')
      return { changed: false, steps: [], result: { [pyStr(p.var)]: p.var, ...show } };
    let value: unknown;
    try {
      value = ctx.evaluate(p.var);
    } catch (e) {
      if (!/undefined|not defined/i.test((e as Error).message)) {
        return { changed: false, steps: [], failed: true, result: { msg: (e as Error).message } };
      }
      value = UNDEFINED;
    }
    return {
      changed: false,
      steps: [],
      result: { [p.var]: value === undefined ? UNDEFINED : value, ...show },
    };
  },
});
