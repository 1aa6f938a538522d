// log_path: the default output, plain, one timestamped entry per write, appended to the file.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogCallback } from '../../../src/output/log-callback.js';
import { FakeClock, replay } from './recorded-run.js';

const PREFIX = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} p=\d+ u=[^ ]+ n=ansible \| /;

describe('LogCallback', () => {
  let tz: string | undefined;
  beforeAll(() => {
    tz = process.env.TZ;
    process.env.TZ = 'UTC';
  });
  afterAll(() => {
    if (tz === undefined) delete process.env.TZ;
    else process.env.TZ = tz;
  });

  function run(path: string): void {
    const clock = new FakeClock();
    replay(
      new LogCallback({ path, verbosity: 0, diff: true, now: clock.now, pid: 4242, user: 'deploy' }),
      clock,
    );
  }

  it('appends Ansible-style entries without colour to the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'log-'));
    const path = join(dir, 'ansible.log');
    writeFileSync(path, 'earlier line\n');
    run(path);
    const text = readFileSync(path, 'utf8');
    expect(
      text.startsWith(
        'earlier line\n2026-11-22 06:00:00,000 p=4242 u=deploy n=ansible | [WARNING]: Found both',
      ),
    ).toBe(true);
    expect(text).not.toMatch(/\u001b\[/);
    const lines = text.replace(/\n$/, '').split('\n');
    expect(lines).toContain(
      '2026-11-22 06:00:00,100 p=4242 u=deploy n=ansible | PLAY [Web servers] *************************************************************',
    );
    expect(lines).toContain('2026-11-22 06:00:00,900 p=4242 u=deploy n=ansible | ok: [web1]');
    expect(lines).toContain('2026-11-22 06:00:03,700 p=4242 u=deploy n=ansible | ...ignoring');
    expect(lines).toContain('2026-11-22 06:00:01,600 p=4242 u=deploy n=ansible | +listen 8080');
    expect(lines[lines.length - 1]).toBe(
      '2026-11-22 06:00:07,500 p=4242 u=deploy n=ansible | web2                       : ok=4    changed=0    unreachable=0    failed=1    skipped=0    rescued=0    ignored=1   ',
    );
    // No blank entries (the banners' empty lines are dropped as Ansible's log drops them).
    expect(lines.filter((l) => l.trim() === '')).toEqual([]);
    // A multi-line entry (the debug dump) is prefixed on its first line only.
    const i = lines.indexOf('2026-11-22 06:00:06,300 p=4242 u=deploy n=ansible | ok: [db1] => {');
    expect(i).toBeGreaterThan(0);
    expect(lines[i + 1]).not.toMatch(PREFIX);
    // A second run appends.
    run(path);
    const again = readFileSync(path, 'utf8');
    expect(again.startsWith(text)).toBe(true);
    expect(again.length).toBe(text.length * 2 - 'earlier line\n'.length);
  });

  it('prefixes every entry and never writes colour codes', () => {
    const entries: string[] = [];
    const clock = new FakeClock();
    replay(
      new LogCallback({ path: '', verbosity: 1, diff: true, now: clock.now, write: (s) => entries.push(s) }),
      clock,
    );
    expect(entries.length).toBeGreaterThan(30);
    for (const e of entries) {
      expect(e).toMatch(PREFIX);
      expect(e.endsWith('\n')).toBe(true);
      expect(e).not.toMatch(/\u001b/);
    }
  });
});
