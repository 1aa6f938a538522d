// Issue 2's walking skeleton, end to end: the README's nginx playbook on real SSH hosts.
import { copyFileSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetAvailable, fleetDown, fleetUp, hostExec, startSshd, stopSshd, type Fleet } from './fleet.js';
import { parseRecap, playbook, ROOT, taskLines } from './cli.js';

const EXAMPLE = join(ROOT, 'examples', 'nginx');
const PLAYBOOK = join(EXAMPLE, 'deploy_nginx.yml');

async function httpGet(address: string): Promise<string> {
  const res = await fetch(`http://${address}/`);
  return res.text();
}

describe.skipIf(!fleetAvailable)('nginx playbook on the fleet', () => {
  let dir: string;
  let web: Fleet;
  let chk: Fleet;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsible-nginx-'));
    web = fleetUp({ names: ['web1', 'web2', 'web3'], group: 'webservers', inventory: join(dir, 'web.ini') });
    chk = fleetUp({ names: ['chk1', 'chk2', 'chk3'], group: 'webservers', inventory: join(dir, 'chk.ini') });
  });

  afterAll(() => {
    fleetDown(['web1', 'web2', 'web3', 'chk1', 'chk2', 'chk3']);
  });

  it('configures 3 fresh hosts: every task and the handler change, and nginx serves app/', async () => {
    const r = await playbook(['-i', web.inventoryPath, PLAYBOOK]);
    expect(r.stderr).not.toContain('ERROR');
    expect(r.code).toBe(0);
    const recap = parseRecap(r.stdout);
    expect([...recap.keys()].sort()).toEqual(['web1', 'web2', 'web3']);
    for (const [, n] of recap) {
      // Gathering Facts + 4 tasks + the handler are ok; the 4 tasks and the handler changed.
      expect(n).toMatchObject({ ok: 6, changed: 5, unreachable: 0, failed: 0 });
    }
    for (const t of ['Install nginx', 'Deploy nginx site config', 'Copy application files', 'Start nginx']) {
      expect(taskLines(r.stdout, t).sort()).toEqual([
        'changed: [web1]',
        'changed: [web2]',
        'changed: [web3]',
      ]);
    }
    expect(taskLines(r.stdout, 'Restart Nginx')).toHaveLength(3);
    for (const h of web.hosts) {
      const page = await httpGet(h.address);
      expect(page).toBe(readFileSync(join(EXAMPLE, 'app', 'index.html'), 'utf8'));
      const conf = hostExec(h.name, 'cat /etc/nginx/sites-available/default').stdout;
      expect(conf).toContain(`my-web-app on ${h.name}`);
      expect(conf).toContain('listen 80 default_server;');
      const st = hostExec(h.name, 'stat -c "%U %a" /var/www/html/index.html /var/www/html/style.css').stdout;
      expect(st.trim().split('\n')).toEqual(['www-data 644', 'www-data 644']);
    }
  });

  it('reports changed=0 on the second run', async () => {
    const r = await playbook(['-i', web.inventoryPath, PLAYBOOK]);
    expect(r.code).toBe(0);
    const recap = parseRecap(r.stdout);
    expect(recap.size).toBe(3);
    for (const [, n] of recap) expect(n).toMatchObject({ ok: 5, changed: 0, failed: 0, unreachable: 0 });
    expect(r.stdout).not.toContain('RUNNING HANDLER');
  });

  it('--check on fresh hosts reports the changes and makes none', async () => {
    const r = await playbook(['-i', chk.inventoryPath, PLAYBOOK, '--check']);
    expect(r.stderr).not.toContain('ERROR');
    expect(r.code).toBe(0);
    const recap = parseRecap(r.stdout);
    for (const [, n] of recap) expect(n).toMatchObject({ changed: 5, failed: 0 });
    // The service task knows the apt task would install nginx, so it reports a change instead of failing.
    expect(taskLines(r.stdout, 'Start nginx').sort()).toEqual([
      'changed: [chk1]',
      'changed: [chk2]',
      'changed: [chk3]',
    ]);
    for (const h of chk.hosts) {
      expect(hostExec(h.name, 'dpkg-query -W nginx').rc).not.toBe(0);
      expect(hostExec(h.name, 'test -e /etc/nginx || test -e /var/www/html').rc).not.toBe(0);
      // Nothing new was written anywhere under /etc or /var/www by the run (no temp files either).
      expect(hostExec(h.name, 'find /etc /var/www /root -newer /etc/hostname -name ".tsible*"').stdout).toBe(
        '',
      );
    }
  });

  it('--limit with one host name runs on that host only', async () => {
    const r = await playbook(['-i', web.inventoryPath, PLAYBOOK, '--limit', 'web2']);
    expect(r.code).toBe(0);
    expect([...parseRecap(r.stdout).keys()]).toEqual(['web2']);
  });

  it('an unreachable host is reported and dropped while the others converge (exit 4)', async () => {
    stopSshd('web3');
    try {
      const r = await playbook(['-i', web.inventoryPath, PLAYBOOK]);
      expect(r.code).toBe(4);
      const recap = parseRecap(r.stdout);
      expect(recap.get('web3')).toMatchObject({ unreachable: 1, ok: 0 });
      expect(recap.get('web1')).toMatchObject({ ok: 5, failed: 0, unreachable: 0 });
      expect(recap.get('web2')).toMatchObject({ ok: 5, failed: 0, unreachable: 0 });
      expect(r.stdout).toMatch(
        /fatal: \[web3\]: UNREACHABLE! => \{"changed": false, "msg": "Failed to connect to the host via ssh: .*", "unreachable": true\}/,
      );
    } finally {
      startSshd('web3');
    }
  });

  it('an unknown argument fails before any host is contacted, naming file, line and the near miss', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'tsible-bad-'));
    cpSync(EXAMPLE, bad, { recursive: true });
    const text = readFileSync(PLAYBOOK, 'utf8').replace(
      '        state: present\n',
      '        stat: present\n',
    );
    writeFileSync(join(bad, 'deploy_nginx.yml'), text);
    copyFileSync(web.inventoryPath, join(bad, 'inventory.ini'));
    const before = hostExec('web1', 'stat -c %Y /var/lib/dpkg/status').stdout;
    const r = await playbook(['-i', join(bad, 'inventory.ini'), join(bad, 'deploy_nginx.yml')]);
    expect(r.code).toBe(4);
    expect(r.stdout).not.toContain('PLAY [');
    expect(r.stderr).toContain('stat');
    expect(r.stderr).toContain(`did you mean 'state'?`);
    const line = text.split('\n').findIndex((l) => l.includes('stat: present')) + 1;
    expect(r.stderr).toContain(`'${join(bad, 'deploy_nginx.yml')}': line ${line}, column 9`);
    expect(hostExec('web1', 'stat -c %Y /var/lib/dpkg/status').stdout).toBe(before);
  });
});
