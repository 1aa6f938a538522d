// fail: fail the task with a message (controller side).
import { defineModule, type ModuleResult } from '../src/core/module.js';

export const fail = defineModule({
  name: 'fail',
  doc: {
    short: 'Fail with a custom message',
    examples: '- fail: msg="unsupported distribution"\n  when: ansible_facts.os_family != "Debian"',
    returns: { msg: 'The message.' },
  },
  params: {
    msg: { type: 'raw', default: 'Failed as requested from task', description: 'The failure message.' },
  },
  check: 'full',
  diff: false,
  runsOn: 'controller',
  plan(p) {
    // msg may be any value (a list prints as a list); ModuleResult types it as a string.
    return { changed: false, steps: [], failed: true, result: { msg: p.msg } as ModuleResult };
  },
});
