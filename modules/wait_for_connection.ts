// wait_for_connection: wait until the host answers over its connection again (after a reboot, a network change).
import { setTimeout as sleep } from 'node:timers/promises';
import { defineModule, type Plan } from '../src/core/module.js';
import { failPlan } from './_shared/fail.js';

const params = {
  connect_timeout: { type: 'int', default: 5, description: 'Seconds for one connection attempt.' },
  delay: { type: 'int', default: 0, description: 'Seconds to wait before the first attempt.' },
  sleep: { type: 'int', default: 1, description: 'Seconds between attempts.' },
  timeout: { type: 'int', default: 600, description: 'Seconds to keep trying.' },
} as const;

export const wait_for_connection = defineModule({
  name: 'wait_for_connection',
  doc: {
    short: 'Waits until the remote system is reachable/usable',
    description:
      "Runs on the controller: reopens the host's connection and runs `true` on it until it works or the " +
      'timeout passes. Never changed; it also waits in check mode.',
    examples: ['- wait_for_connection: delay=10 timeout=300'].join('\n'),
    returns: { elapsed: 'Seconds it took.' },
  },
  params,
  check: 'full',
  diff: false,
  runsOn: 'controller',
  async plan(p, _f, ctx): Promise<Plan> {
    if (!ctx.probeConnection)
      return failPlan('wait_for_connection needs connection probing, which this engine does not offer');
    const start = Date.now();
    const deadline = start + p.timeout * 1000;
    if (p.delay > 0) await sleep(p.delay * 1000);
    for (;;) {
      const left = Math.max(1, Math.min(p.connect_timeout, Math.ceil((deadline - Date.now()) / 1000)));
      if (await ctx.probeConnection(left)) {
        return { changed: false, steps: [], result: { elapsed: Math.floor((Date.now() - start) / 1000) } };
      }
      if (Date.now() + p.sleep * 1000 >= deadline) break;
      await sleep(p.sleep * 1000);
    }
    const elapsed = Math.floor((Date.now() - start) / 1000);
    return failPlan(`timed out waiting for ping module test: the host did not answer within ${p.timeout} s`, {
      elapsed,
    });
  },
});
