// Golden transcripts: each case of cases.ts, run by tsible on fleet hosts cf1..cf3, prints what ansible-core
// 2.14 printed for the same playbook on local-connection hosts of the same names (expected/, made by
// record.ts), line for line after normalise.ts, and exits with the same code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetAvailable } from '../fleet/fleet.js';
import { CASES } from './cases.js';
import { expected, normalised, setUp, tearDown, type Conformance } from './fleet-setup.js';

describe.skipIf(!fleetAvailable)('conformance transcripts (ansible-core 2.14)', () => {
  let conf: Conformance;
  beforeAll(() => {
    conf = setUp();
  });
  afterAll(() => tearDown());

  for (const c of CASES) {
    it(`${c.id}: ${[c.playbook, ...(c.args ?? [])].join(' ')}`, async () => {
      const want = expected(c.id);
      const r = await conf.run(c.playbook, c.args, c.inventory);
      expect(normalised(r, conf.dir).split('\n'), r.stderr).toEqual(want.text.split('\n'));
      expect(r.code).toBe(want.rc);
    });
  }
});
