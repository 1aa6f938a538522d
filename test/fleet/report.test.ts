// --report and --junit on a real run: both files are written and describe every host and task.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playbook } from './cli.js';
import { fleetAvailable, fleetDown, fleetUp, type Fleet } from './fleet.js';

const NAMES = ['rp1', 'rp2'];

describe.skipIf(!fleetAvailable)('run reports on the fleet', () => {
  let fleet: Fleet;
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsible-report-'));
    fleet = fleetUp({ names: NAMES, group: 'rep', inventory: join(dir, 'inventory.ini') });
  });
  afterAll(() => fleetDown(NAMES));

  it('writes a JUnit file and a self-contained HTML report of the run', async () => {
    writeFileSync(
      join(dir, 'site.yml'),
      `- name: Report demo
  hosts: rep
  gather_facts: false
  tasks:
    - name: Write a file
      copy: { content: "v1\\n", dest: /tmp/report-demo }
    - name: Fail on one host
      command: /bin/false
      when: inventory_hostname == 'rp2'
`,
    );
    const junit = join(dir, 'run.xml');
    const html = join(dir, 'run.html');
    const r = await playbook([
      '-i',
      fleet.inventoryPath,
      join(dir, 'site.yml'),
      '--junit',
      junit,
      '--report',
      html,
    ]);
    expect(r.code).toBe(2);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/^<\?xml/);
    expect((xml.match(/<testcase /g) ?? []).length).toBe(4);
    expect((xml.match(/<failure /g) ?? []).length).toBe(1);
    expect(xml).toContain('[rp2] Fail on one host');
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('<!DOCTYPE html>');
    expect(page).not.toMatch(/<script[^>]+src=|<link[^>]+href="http/);
    for (const s of ['rp1', 'rp2', 'Write a file', 'Fail on one host', 'non-zero return code'])
      expect(page).toContain(s);
  });
});
