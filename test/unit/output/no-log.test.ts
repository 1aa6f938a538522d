// no_log: whatever the callback and verbosity, secret values never reach any output.
import { describe, expect, it } from 'vitest';
import { DefaultCallback } from '../../../src/output/default-callback.js';
import type { Callback } from '../../../src/output/events.js';
import { HtmlReportCallback } from '../../../src/output/html-report.js';
import { JsonCallback } from '../../../src/output/json-callback.js';
import { JsonlCallback } from '../../../src/output/jsonl-callback.js';
import { JunitCallback } from '../../../src/output/junit.js';
import { LogCallback } from '../../../src/output/log-callback.js';
import { MinimalCallback } from '../../../src/output/minimal-callback.js';
import { CENSORED } from '../../../src/output/result-view.js';
import { YamlCallback } from '../../../src/output/yaml-callback.js';
import { FakeClock, replay, SECRETS } from './recorded-run.js';

type Make = (write: (s: string) => void, clock: FakeClock, verbosity: number) => Callback;

const CALLBACKS: Record<string, Make> = {
  default: (w, _c, v) =>
    new DefaultCallback({ color: false, verbosity: v, diff: true, write: w, writeErr: w }),
  yaml: (w, _c, v) => new YamlCallback({ color: false, verbosity: v, diff: true, write: w, writeErr: w }),
  minimal: (w, _c, v) =>
    new MinimalCallback({ color: false, verbosity: v, diff: true, write: w, writeErr: w }),
  json: (w, c) => new JsonCallback({ write: w, writeErr: w, now: c.now }),
  jsonl: (w, c) => new JsonlCallback({ write: w, writeErr: w, now: c.now }),
  log: (w, c, v) => new LogCallback({ path: '', verbosity: v, diff: true, now: c.now, write: w }),
  junit: (w, c) => new JunitCallback({ path: '', now: c.now, write: w }),
  html: (w, c) => new HtmlReportCallback({ path: '', now: c.now, write: w }),
};

describe('no_log', () => {
  for (const [name, make] of Object.entries(CALLBACKS)) {
    for (const verbosity of [0, 4]) {
      it(`${name} (verbosity ${verbosity}) shows no secret`, () => {
        let out = '';
        const clock = new FakeClock();
        replay(
          make((s) => (out += s), clock, verbosity),
          clock,
        );
        expect(out.length).toBeGreaterThan(100);
        for (const s of SECRETS) expect(out).not.toContain(s);
        // The failed no_log task is still reported, censored (HTML and YAML quote the apostrophes).
        expect(out.replace(/&#39;/g, "'").replace(/''/g, "'")).toContain(CENSORED);
      });
    }
  }
});
