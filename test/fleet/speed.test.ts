// The long-lived shells on real hosts (functional, not timed): one SSH connection and one shell per host
// (plus one per become user) for a whole run, the login shell's rc file once per shell and not per command,
// binary stdin/stdout through the shell, stdin that cannot leak into the next request, and a timeout that
// kills its own command only. Timings belong to the benchmark (docs/performance.md), not here.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConnection, type ConnectDefaults } from '../../src/engine/connect.js';
import { Secrets } from '../../src/transport/secrets.js';
import type { Connection } from '../../src/transport/types.js';
import { parseRecap, playbook } from './cli.js';
import { fleetAvailable, fleetDown, fleetUp, hostExec, type Fleet } from './fleet.js';

const NAMES = ['sp1', 'sp2'];

/**
 * Prepended to root's .bashrc: every exec channel runs `bash -c` (Debian's bash reads .bashrc when sshd
 * starts it), so each line in the log is one SSH session. With /root/slow-bashrc it is also a heavy
 * rc file that takes a second.
 */
const BASHRC_PROBE = 'echo "$$" >> /root/bashrc.log; [ -e /root/slow-bashrc ] && sleep 1\n';

function sh(host: string, cmd: string): string {
  const r = hostExec(host, cmd);
  if (r.rc !== 0) throw new Error(`${cmd} on ${host} failed (${r.rc}): ${r.stderr}`);
  return r.stdout;
}

/** SSH sessions (exec channels) opened on the host since the last reset. */
function sessions(host: string): number {
  return sh(host, 'cat /root/bashrc.log 2>/dev/null; true').split('\n').filter(Boolean).length;
}

/** SSH connections sshd accepted so far. */
function connections(host: string): number {
  return Number(sh(host, 'grep -c "Accepted publickey" /var/log/sshd.log; true').trim());
}

function resetCounters(): Map<string, number> {
  const before = new Map<string, number>();
  for (const h of NAMES) {
    sh(h, ': > /root/bashrc.log');
    before.set(h, connections(h));
  }
  return before;
}

/** Twenty tasks of the usual modules; two of them as other users (su from root needs no password). */
const TWENTY = `- hosts: speed
  gather_facts: true
  tasks:
    - file: { path: /srv/speed, state: directory, mode: '0755' }
    - copy: { content: "one\\n", dest: /srv/speed/one.txt, mode: '0640' }
    - copy: { content: "two\\n", dest: /srv/speed/two.txt, mode: '0600' }
    - lineinfile: { path: /srv/speed/app.conf, line: 'name = speed', create: true }
    - lineinfile: { path: /srv/speed/app.conf, regexp: '^port', line: 'port = 8080' }
    - blockinfile: { path: /srv/speed/app.conf, block: "a = 1\\nb = 2" }
    - replace: { path: /srv/speed/one.txt, regexp: '^uno$', replace: 'one' }
    - file: { path: /srv/speed/link, src: /srv/speed/one.txt, state: link }
    - stat: { path: /srv/speed/one.txt }
      register: st
    - assert: { that: [st.stat.exists] }
    - command: cat /srv/speed/one.txt
      register: one
      changed_when: false
    - assert: { that: ["one.stdout == 'one'"] }
    - shell: grep -c . /srv/speed/app.conf
      changed_when: false
    - command: touch /srv/speed/made
      args: { creates: /srv/speed/made }
    - command: id -un
      become: true
      become_method: su
      become_user: nobody
      register: who1
      changed_when: false
    - command: id -un
      become: true
      become_method: su
      become_user: www-data
      register: who2
      changed_when: false
    - assert: { that: ["who1.stdout == 'nobody'", "who2.stdout == 'www-data'"] }
    - command: id -un
      become: true
      become_method: su
      become_user: nobody
      changed_when: false
    - debug: { msg: done }
    - file: { path: /srv/speed/one.txt, mode: '0640' }
`;

describe.skipIf(!fleetAvailable)('long-lived shells on real hosts', () => {
  let fleet: Fleet;
  let dir: string;
  let pb: string;
  const conns: Connection[] = [];

  const defaults: ConnectDefaults = {
    hostKeyChecking: true,
    timeoutSec: 10,
    sshConfigFiles: [],
    secrets: new Secrets(() => Promise.reject(new Error('no terminal'))),
  };

  const connect = async (name: string): Promise<Connection> => {
    const h = fleet.hosts.find((x) => x.name === name)!;
    const c = await openConnection(
      name,
      {
        ansible_host: h.address,
        ansible_user: 'root',
        ansible_ssh_private_key_file: fleet.keyPath,
        ansible_ssh_common_args: `-o UserKnownHostsFile=${fleet.knownHostsPath}`,
      },
      defaults,
    );
    conns.push(c);
    return c;
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsible-speed-'));
    fleet = fleetUp({ names: NAMES, group: 'speed', inventory: join(dir, 'inventory.ini') });
    for (const h of NAMES) {
      sh(
        h,
        `{ printf '%s' '${BASHRC_PROBE}'; cat /root/.bashrc; } > /tmp/bashrc && cp /tmp/bashrc /root/.bashrc`,
      );
    }
    pb = join(dir, 'twenty.yml');
    writeFileSync(pb, TWENTY);
  });

  afterAll(() => {
    for (const c of conns) c.close();
    fleetDown(NAMES);
  });

  it('a 20-task run opens one connection and one shell per host, plus one per become user', async () => {
    // A heavy rc file: one second per run of it. Per command, this run would take a minute.
    for (const h of NAMES) sh(h, 'touch /root/slow-bashrc');
    try {
      for (const round of ['fresh', 'converged']) {
        const before = resetCounters();
        const r = await playbook(['-i', fleet.inventoryPath, pb]);
        expect(r.code, r.stdout + r.stderr).toBe(0);
        const recap = parseRecap(r.stdout);
        for (const h of NAMES) {
          expect(recap.get(h)).toMatchObject({ ok: 21, failed: 0, unreachable: 0 });
          if (round === 'converged') expect(recap.get(h)?.changed).toBe(0);
          // The connection user's shell, then one for nobody and one for www-data.
          expect(sessions(h), `${round} sessions on ${h}`).toBe(3);
          expect(connections(h) - before.get(h)!, `${round} connections to ${h}`).toBe(1);
        }
      }
    } finally {
      for (const h of NAMES) sh(h, 'rm -f /root/slow-bashrc');
    }
  });

  it('the rc file counter sees every session: without long-lived shells it runs once per command', async () => {
    const small = join(dir, 'five.yml');
    writeFileSync(
      small,
      `- hosts: speed\n  gather_facts: true\n  tasks:\n` +
        ['one', 'two', 'three', 'four', 'five']
          .map((n) => `    - lineinfile: { path: /srv/speed/five.conf, line: '${n}', create: true }\n`)
          .join(''),
    );
    for (const env of [{ TSIBLE_SSH_SESSIONS: '0' }, {}]) {
      resetCounters();
      const r = await playbook(['-i', fleet.inventoryPath, small, '--limit', 'sp2'], { env });
      expect(r.code, r.stdout + r.stderr).toBe(0);
      // Per command: facts, then each task's read and its write. With the shell: one.
      if (env.TSIBLE_SSH_SESSIONS) expect(sessions('sp2')).toBeGreaterThanOrEqual(6);
      else expect(sessions('sp2')).toBe(1);
    }
  });

  it('binary stdin and stdout pass the shell unchanged, inline and streamed', async () => {
    const c = await connect('sp1');
    resetCounters();
    const every = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const hex = await c.run('od -An -v -tx1 | tr -d " \\n"', { stdin: every });
    expect(hex).toEqual({ rc: 0, stdout: every.toString('hex'), stderr: '' });
    // Small stdin travels inside the request, large stdin is streamed after it: both arrive exactly.
    for (const size of [1000, 65536, 65537, 3 * 1024 * 1024]) {
      const data = randomBytes(size);
      const r = await c.run('cat > /tmp/in; sha1sum < /tmp/in | cut -d" " -f1; wc -c < /tmp/in', {
        stdin: data,
      });
      expect(r.stdout, `${size} bytes`).toBe(`${createHash('sha1').update(data).digest('hex')}\n${size}\n`);
    }
    // Raw bytes on stdout and stderr, no trailing newline: the framing finds the end, the bytes are kept.
    const out = await c.run(`printf 'a\\000b\\377\\r\\n__ts:E 0\\n\\001'; printf 'e\\000\\377' >&2; exit 7`);
    expect(out.rc).toBe(7);
    // (Output is returned as UTF-8 text, so the 0xff reads as U+FFFD, exactly as a direct decode would.)
    expect(out.stdout).toBe(Buffer.from('a\0b\xff\r\n__ts:E 0\n\x01', 'latin1').toString('utf8'));
    expect(out.stderr).toBe(Buffer.from('e\0\xff', 'latin1').toString('utf8'));
    // A megabyte of output.
    const big = await c.run('head -c 1048576 /dev/zero | tr "\\0" x');
    expect(big.stdout.length).toBe(1048576);
    expect(sessions('sp1')).toBe(1);
  });

  it('a command that reads stdin cannot eat the next request', async () => {
    const c = await connect('sp1');
    resetCounters();
    // No stdin: reading gets end-of-file at once, not the next request.
    expect(await c.run('cat; echo "[$?]"')).toEqual({ rc: 0, stdout: '[0]\n', stderr: '' });
    expect(await c.run('read x; echo "<$x>"')).toEqual({ rc: 0, stdout: '<>\n', stderr: '' });
    expect(await c.run('dd bs=1 count=5 2>/dev/null; echo')).toEqual({ rc: 0, stdout: '\n', stderr: '' });
    // Reading less than given: the rest is not left for the next request.
    const long = 'abcdefghij'.repeat(10000);
    expect((await c.run('head -c 5', { stdin: long })).stdout).toBe('abcde');
    expect((await c.run('head -c 5', { stdin: long.slice(0, 100) })).stdout).toBe('abcde');
    expect((await c.run('echo ignored', { stdin: long })).stdout).toBe('ignored\n');
    // Reading more than given: end-of-file after the data.
    expect(await c.run('cat; echo "|"', { stdin: 'xyz' })).toEqual({ rc: 0, stdout: 'xyz|\n', stderr: '' });
    // Commands that look at the shell's own input or state see nothing of the protocol.
    expect((await c.run('echo "$#:${1-}:${__ts_b-}:${__ts_x-}"')).stdout).toBe('0:::\n');
    expect((await c.run('exit 3')).rc).toBe(3);
    expect((await c.run('cd /tmp; export FOO=1; umask 077')).rc).toBe(0);
    expect((await c.run('pwd; echo "${FOO-unset}"; umask')).stdout).toBe('/root\nunset\n0022\n');
    // A syntax error fails that command only.
    expect((await c.run('if then fi (')).rc).toBe(2);
    expect((await c.run('echo still')).stdout).toBe('still\n');
    expect(sessions('sp1')).toBe(1);
  });

  it('a timeout kills its command (and the command’s children), nothing else, and the shell stays', async () => {
    const c = await connect('sp2');
    resetCounters();
    expect((await c.run('echo warm')).stdout).toBe('warm\n');
    // Another command on the same connection runs alongside (in a second shell) and must survive.
    const other = c.run('sleep 2; echo survived');
    const r = await c.run('sh -c "echo \\$\\$ > /tmp/victim; exec sleep 60" & wait', { timeoutMs: 500 });
    expect(r.rc).toBe(124);
    expect(r.stderr).toContain('timed out after 500 ms');
    const victim = sh('sp2', 'cat /tmp/victim').trim();
    expect(hostExec('sp2', `kill -0 ${victim}`).rc).not.toBe(0);
    expect(await other).toEqual({ rc: 0, stdout: 'survived\n', stderr: '' });
    // The shell that ran it is still there: no new session for the next commands.
    expect((await c.run('echo next')).stdout).toBe('next\n');
    expect((await c.run('echo and next')).stdout).toBe('and next\n');
    expect(sessions('sp2')).toBe(2);
  });
});
