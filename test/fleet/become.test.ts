// become with the real sudo and su on a fleet host: password on stdin only, fast clear failures for a wrong
// or missing password, NOPASSWD, su on a terminal, and the password never in anything returned or logged.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BecomeSpec } from '../../src/core/types.js';
import { becomeWrapper, openConnection, type ConnectDefaults } from '../../src/engine/connect.js';
import { Secrets } from '../../src/transport/secrets.js';
import { BecomeError, type Connection } from '../../src/transport/types.js';
import {
  fleetAvailable,
  fleetDown,
  fleetUp,
  hostExec,
  keyPath,
  knownHostsPath,
  type Fleet,
} from './fleet.js';

const DEPLOY_PASSWORD = 'Deploy pa$$ 1';
const ROOT_PASSWORD = 'R00t-secret';
const APP_PASSWORD = 'app-secret';
const SECRETS = [DEPLOY_PASSWORD, ROOT_PASSWORD, APP_PASSWORD];

function sh(host: string, cmd: string): string {
  const r = hostExec(host, cmd);
  if (r.rc !== 0) throw new Error(`${cmd} on ${host} failed (${r.rc}): ${r.stderr}`);
  return r.stdout;
}

describe.skipIf(!fleetAvailable)('become on a real host', () => {
  let fleet: Fleet;
  let address: string;
  const seen: string[] = [];
  const conns: Connection[] = [];

  const defaults: ConnectDefaults = {
    hostKeyChecking: true,
    timeoutSec: 10,
    sshConfigFiles: [],
    secrets: new Secrets(() => Promise.reject(new Error('no terminal'))),
    debug: (line) => seen.push(line),
  };

  const connect = async (user: string): Promise<Connection> => {
    const c = await openConnection(
      'bec1',
      {
        ansible_host: address,
        ansible_user: user,
        ansible_ssh_private_key_file: keyPath,
        ansible_ssh_common_args: `-o UserKnownHostsFile=${knownHostsPath}`,
      },
      defaults,
    );
    conns.push(c);
    return c;
  };

  /** Run through the become wrapper like the executor does, remembering everything that comes back. */
  const run = async (conn: Connection, connUser: string, become: BecomeSpec, cmd: string, stdin?: string) => {
    const w = becomeWrapper(become, connUser)(cmd, stdin);
    seen.push(w.cmd);
    try {
      const r = await conn.run(w.cmd, w.opts);
      seen.push(r.stdout, r.stderr);
      return r;
    } catch (e) {
      seen.push(String(e), (e as Error).stack ?? '');
      throw e;
    }
  };

  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'tsible-become-'));
    fleet = fleetUp({ names: ['bec1'], group: 'fleet', inventory: join(dir, 'inventory.ini') });
    address = fleet.hosts[0]!.address;
    sh(
      'bec1',
      'apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q sudo >/dev/null',
    );
    const addUser = (u: string, pw: string) =>
      `useradd -m -s /bin/bash ${u} && printf '%s:%s\\n' ${u} '${pw}' | chpasswd && ` +
      `install -d -m 700 -o ${u} -g ${u} /home/${u}/.ssh && ` +
      `install -m 600 -o ${u} -g ${u} /root/.ssh/authorized_keys /home/${u}/.ssh/authorized_keys`;
    sh('bec1', addUser('deploy', DEPLOY_PASSWORD));
    sh('bec1', addUser('ops', 'ops-unused'));
    sh('bec1', `useradd -m -s /bin/bash app && printf 'app:%s\\n' '${APP_PASSWORD}' | chpasswd`);
    sh('bec1', `printf 'root:%s\\n' '${ROOT_PASSWORD}' | chpasswd`);
    sh('bec1', "echo 'deploy ALL=(ALL:ALL) ALL' >/etc/sudoers.d/deploy && chmod 440 /etc/sudoers.d/deploy");
    sh('bec1', "echo 'ops ALL=(ALL:ALL) NOPASSWD: ALL' >/etc/sudoers.d/ops && chmod 440 /etc/sudoers.d/ops");
    // No lecture, so stderr is exactly the command's.
    sh(
      'bec1',
      "echo 'Defaults lecture=never' >/etc/sudoers.d/00-lecture && chmod 440 /etc/sudoers.d/00-lecture",
    );
  });

  afterAll(() => {
    for (const c of conns) c.close();
    fleetDown(['bec1']);
  });

  it('sudo with the right password runs as root, with the command stdin after the password', async () => {
    const c = await connect('deploy');
    const r = await run(
      c,
      'deploy',
      { method: 'sudo', user: 'root', password: DEPLOY_PASSWORD },
      'id -u; cat; echo e >&2',
      'line1\nline2\n',
    );
    expect(r).toEqual({ rc: 0, stdout: '0\nline1\nline2\n', stderr: 'e\n' });
    // Again on the same connection, and to a non-root user.
    const r2 = await run(
      c,
      'deploy',
      { method: 'sudo', user: 'app', password: DEPLOY_PASSWORD },
      'id -un; echo "$HOME"',
    );
    expect(r2).toEqual({ rc: 0, stdout: 'app\n/home/app\n', stderr: '' });
  });

  it('a wrong sudo password fails fast with a clear message', async () => {
    const c = await connect('deploy');
    const t0 = Date.now();
    const err = await run(
      c,
      'deploy',
      { method: 'sudo', user: 'root', password: 'not it' },
      'cat',
      'data\n',
    ).catch((e: unknown) => e);
    const took = Date.now() - t0;
    expect(err).toBeInstanceOf(BecomeError);
    expect((err as Error).message).toBe('Incorrect sudo password');
    expect(took).toBeLessThan(3000);
    // The connection is still fine.
    expect((await c.run('echo still')).stdout).toBe('still\n');
  });

  it('a missing sudo password says so at once', async () => {
    const c = await connect('deploy');
    const t0 = Date.now();
    const err = await run(c, 'deploy', { method: 'sudo', user: 'root' }, 'true').catch((e: unknown) => e);
    expect((err as Error).message).toBe('Missing sudo password');
    expect(Date.now() - t0).toBeLessThan(1500);
  });

  it('NOPASSWD works without a password, and a password given anyway is not fed to the command', async () => {
    const c = await connect('ops');
    const r = await run(c, 'ops', { method: 'sudo', user: 'root' }, 'id -u');
    expect(r).toEqual({ rc: 0, stdout: '0\n', stderr: '' });
    const r2 = await run(
      c,
      'ops',
      { method: 'sudo', user: 'root', password: DEPLOY_PASSWORD },
      'cat',
      'only this',
    );
    expect(r2).toEqual({ rc: 0, stdout: 'only this', stderr: '' });
  });

  it('su on a terminal: root with its password, binary stdin intact', async () => {
    const c = await connect('deploy');
    const r = await run(
      c,
      'deploy',
      { method: 'su', user: 'root', password: ROOT_PASSWORD },
      'id -u; od -An -tx1',
      '\u0000\u0003\u0004\r\n\u007f',
    );
    expect(r.rc).toBe(0);
    expect(r.stdout.replace(/\s+/g, ' ').trim()).toBe('0 00 03 04 0d 0a 7f');
    const r2 = await run(
      c,
      'deploy',
      { method: 'su', user: 'app', password: APP_PASSWORD },
      'id -un; exit 5',
    );
    expect(r2).toEqual({ rc: 5, stdout: 'app\n', stderr: '' });
  });

  it('su with a wrong or missing password fails with a clear message', async () => {
    const c = await connect('deploy');
    const t0 = Date.now();
    const wrong = await run(c, 'deploy', { method: 'su', user: 'root', password: 'nope' }, 'true').catch(
      (e: unknown) => e,
    );
    expect((wrong as Error).message).toBe('Incorrect su password');
    expect(Date.now() - t0).toBeLessThan(5000);
    const missing = await run(c, 'deploy', { method: 'su', user: 'root' }, 'true').catch((e: unknown) => e);
    expect((missing as Error).message).toBe('Missing su password');
  });

  it('no password ever appears in output, errors or the debug log; the debug log has the commands', () => {
    const all = seen.join('\n');
    expect(all).toContain('EXEC LC_ALL=C sudo -H -S -p');
    for (const s of SECRETS) expect(all).not.toContain(s);
  });
});
