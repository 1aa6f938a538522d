// Fault injection on real hosts: a cut network, a killed sshd, a full disk and a slow link. In each case the
// other hosts converge, the broken host is reported with a clear reason, and no file is left half-written.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRecap, ROOT, type CliResult } from './cli.js';
import { fleetAvailable, fleetDown, fleetUp, hostExec, startSshd, stopSshd, type Fleet } from './fleet.js';

const NAMES = ['fa1', 'fa2', 'fa3', 'fa4'];

/** Run the playbook and call `inject` once the given delay has passed (the play is then mid-task). */
function runWithFault(args: string[], delayMs: number, inject: () => void): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'tsible-playbook.js'), ...args], {
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    setTimeout(inject, delayMs);
  });
}

/** No temporary file anywhere under /data, and every file there complete (its name says its size). */
function assertNoPartialFiles(host: string): void {
  const ls = hostExec(host, 'ls -a /data 2>/dev/null').stdout;
  expect(ls).not.toContain('.tsible-tmp');
  const sizes = hostExec(
    host,
    'for f in /data/*.bin; do [ -e "$f" ] && echo "$(basename "$f") $(wc -c < "$f")"; done; true',
  ).stdout;
  for (const line of sizes.trim().split('\n').filter(Boolean)) {
    const [name, size] = line.split(' ');
    expect(Number(size)).toBe(Number(/(\d+)/.exec(name!)![1]));
  }
}

describe.skipIf(!fleetAvailable)('faults on the fleet', () => {
  let fleet: Fleet;
  let dir: string;
  let inv: string;
  const counts: string[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsible-faults-'));
    fleet = fleetUp({ names: NAMES, group: 'faults', inventory: join(dir, 'fleet.ini') });
    // Short keepalives so a dead peer is noticed in seconds, as an operator would configure for this.
    inv = join(dir, 'inventory.ini');
    const lines = fleet.hosts.map((h) => `${h.name} ansible_host=${h.address}`);
    writeFileSync(
      inv,
      `[faults]\n${lines.join('\n')}\n[faults:vars]\nansible_user=root\nansible_ssh_private_key_file=${fleet.keyPath}\n` +
        `ansible_ssh_common_args='-o UserKnownHostsFile=${fleet.knownHostsPath} -o ServerAliveInterval=1 -o ServerAliveCountMax=2'\n`,
    );
    mkdirSync(join(dir, 'files'));
    for (const size of [1048576, 2097152, 8388608])
      writeFileSync(join(dir, 'files', `payload${size}.bin`), randomBytes(size));
    for (const h of NAMES) hostExec(h, 'mkdir -p /data');
  });

  afterAll(() => {
    console.log(`fault outcomes:\n  ${counts.join('\n  ')}`);
    for (const h of NAMES) hostExec(h, 'ip link set eth0 up; tc qdisc del dev eth0 root 2>/dev/null; true');
    fleetDown(NAMES);
  });

  const play = (name: string, tasks: string): string => {
    const file = join(dir, `${name}.yml`);
    writeFileSync(file, `- hosts: faults\n  gather_facts: false\n  tasks:\n${tasks}`);
    return file;
  };

  it('a host whose network is cut mid-play is unreachable; the others converge', async () => {
    const pb = play(
      'cut',
      '    - command: sleep 3\n    - copy: { src: payload2097152.bin, dest: /data/payload2097152.bin }\n    - copy: { content: done, dest: /data/cut-done }\n',
    );
    const r = await runWithFault(['-i', inv, pb], 1000, () => hostExec('fa2', 'ip link set eth0 down'));
    hostExec('fa2', 'ip link set eth0 up');
    expect(r.code).toBe(4);
    const recap = parseRecap(r.stdout);
    expect(recap.get('fa2')).toMatchObject({ unreachable: 1 });
    expect(r.stdout).toMatch(
      /fatal: \[fa2\]: UNREACHABLE! => .*"msg": "Failed to connect to the host via ssh: [^"]+"/,
    );
    for (const h of ['fa1', 'fa3', 'fa4']) {
      expect(recap.get(h)).toMatchObject({ ok: 3, failed: 0, unreachable: 0 });
      expect(hostExec(h, 'cat /data/cut-done').stdout).toBe('done');
    }
    expect(hostExec('fa2', 'test -e /data/cut-done').rc).not.toBe(0);
    for (const h of NAMES) assertNoPartialFiles(h);
    counts.push(
      `network cut: ${[...recap].map(([h, n]) => `${h} ok=${n.ok} unreachable=${n.unreachable}`).join(', ')}`,
    );
  });

  it('a host whose sshd is killed during a copy is unreachable, and its file is not partial', async () => {
    const pb = play(
      'kill',
      '    - copy: { src: payload8388608.bin, dest: /data/payload8388608.bin }\n    - copy: { content: done, dest: /data/kill-done }\n',
    );
    hostExec('fa3', 'rm -f /data/payload8388608.bin');
    const r = await runWithFault(['-i', inv, pb], 250, () => stopSshd('fa3'));
    startSshd('fa3');
    const recap = parseRecap(r.stdout);
    const fa3 = recap.get('fa3')!;
    // The copy may have finished just before the kill; either way nothing is half-written.
    expect(fa3.unreachable + fa3.ok).toBeGreaterThan(0);
    if (fa3.unreachable) expect(r.code).toBe(4);
    for (const h of ['fa1', 'fa2', 'fa4']) {
      expect(recap.get(h)).toMatchObject({ failed: 0, unreachable: 0 });
      expect(hostExec(h, 'cat /data/kill-done').stdout).toBe('done');
    }
    for (const h of NAMES) assertNoPartialFiles(h);
    counts.push(`sshd killed: fa3 unreachable=${fa3.unreachable} ok=${fa3.ok}`);
  });

  it('a full disk fails the copy with the reason, keeps the old file, and the others converge', async () => {
    hostExec(
      'fa1',
      'mkdir -p /data/small && mount -t tmpfs -o size=1500k tmpfs /data/small && echo old > /data/small/payload.bin',
    );
    try {
      const pb = play(
        'full',
        '    - copy: { src: payload2097152.bin, dest: /data/small/payload.bin }\n    - copy: { content: done, dest: /data/full-done }\n',
      );
      hostExec('fa2', 'mkdir -p /data/small');
      hostExec('fa3', 'mkdir -p /data/small');
      hostExec('fa4', 'mkdir -p /data/small');
      const r = await runWithFault(['-i', inv, pb], 0, () => undefined);
      expect(r.code).toBe(2);
      const recap = parseRecap(r.stdout);
      expect(recap.get('fa1')).toMatchObject({ failed: 1 });
      expect(r.stdout).toMatch(/fatal: \[fa1\]: FAILED! => .*No space left on device/);
      expect(hostExec('fa1', 'cat /data/small/payload.bin').stdout).toBe('old\n');
      expect(hostExec('fa1', 'ls -a /data/small').stdout).not.toContain('.tsible-tmp');
      for (const h of ['fa2', 'fa3', 'fa4']) {
        expect(recap.get(h)).toMatchObject({ failed: 0, changed: 2 });
        expect(hostExec(h, 'wc -c < /data/small/payload.bin').stdout.trim()).toBe('2097152');
      }
      counts.push(`disk full: fa1 failed=1 with "No space left on device", old file kept`);
    } finally {
      hostExec('fa1', 'umount /data/small');
    }
  });

  it('a slow host (rate-limited link) still converges with the others', async () => {
    // sch_netem is not in this kernel; a token-bucket rate limit makes the host's link slow instead.
    hostExec('fa4', 'tc qdisc replace dev eth0 root tbf rate 4mbit burst 32kbit latency 400ms');
    try {
      const pb = play(
        'slow',
        '    - copy: { src: payload1048576.bin, dest: /data/payload1048576.bin }\n    - copy: { content: done, dest: /data/slow-done }\n',
      );
      for (const h of NAMES) hostExec(h, 'rm -f /data/payload1048576.bin /data/slow-done');
      const t0 = Date.now();
      const r = await runWithFault(['-i', inv, pb], 0, () => undefined);
      const secs = (Date.now() - t0) / 1000;
      expect(r.code).toBe(0);
      const recap = parseRecap(r.stdout);
      for (const h of NAMES) expect(recap.get(h)).toMatchObject({ ok: 2, changed: 2, failed: 0 });
      for (const h of NAMES) assertNoPartialFiles(h);
      counts.push(`slow link: all 4 converged in ${secs.toFixed(1)} s (fa4 limited to 4 Mbit/s)`);
    } finally {
      hostExec('fa4', 'tc qdisc del dev eth0 root 2>/dev/null; true');
    }
  });
});
