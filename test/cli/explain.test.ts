// tsible-playbook --explain VAR: every place that sets a variable for a host, in precedence order.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { playbook } from '../fleet/cli.js';

describe('tsible-playbook --explain', () => {
  it('lists inventory, group_vars, host_vars, play vars and extra vars, marking the winner', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsible-explain-'));
    writeFileSync(join(dir, 'inventory.ini'), '[web]\nweb1 port=81\nweb2\n[web:vars]\nport=80\n');
    mkdirSync(join(dir, 'group_vars'));
    writeFileSync(join(dir, 'group_vars', 'all.yml'), 'port: 8000\n');
    mkdirSync(join(dir, 'host_vars'));
    writeFileSync(join(dir, 'host_vars', 'web1.yml'), 'port: 8001\n');
    writeFileSync(join(dir, 'site.yml'), '- hosts: web\n  vars:\n    port: 9000\n  tasks: []\n');
    const args = [
      '-i',
      join(dir, 'inventory.ini'),
      join(dir, 'site.yml'),
      '--explain',
      'port',
      '--limit',
      'web1',
    ];
    const r = await playbook(args);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n').filter((l) => /^\s+(=>)?\s+\d+ /.test(l));
    // Lowest first: [web:vars] (3), group_vars/all beside the inventory (4) and beside the playbook (5: the
    // same directory here, so the same file counts at both levels, as in Ansible), the inline host var (8),
    // host_vars (9, 10), play vars (12).
    expect(lines.map((l) => l.trim().replace(/^=> /, '').split(' ')[0])).toEqual([
      '3',
      '4',
      '5',
      '8',
      '9',
      '10',
      '12',
    ]);
    expect(lines.at(-1)).toMatch(/^\s+=>\s+12 play vars .*: 9000\s+\(wins\)$/);
    expect(r.stdout).toContain('value: 9000');
    const e = await playbook([...args, '-e', 'port=1']);
    expect(e.stdout).toMatch(/=>\s+22 extra vars \(-e\): 1\s+\(wins\)/);
  });
});
