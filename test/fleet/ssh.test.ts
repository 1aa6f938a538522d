// The SSH transport against real OpenSSH servers on fleet hosts: ProxyJump through a real bastion, password
// authentication, reconnecting after sshd restarts between commands, and keepalives noticing a dead peer.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConnection, type ConnectDefaults } from '../../src/engine/connect.js';
import { Secrets } from '../../src/transport/secrets.js';
import { UnreachableError, type Connection } from '../../src/transport/types.js';
import {
  fleetAvailable,
  fleetDown,
  fleetUp,
  hostExec,
  keyPath,
  knownHostsPath,
  startSshd,
  stopSshd,
  type Fleet,
} from './fleet.js';

const PASSWORD = 'pw-user secret';

function sh(host: string, cmd: string): string {
  const r = hostExec(host, cmd);
  if (r.rc !== 0) throw new Error(`${cmd} on ${host} failed (${r.rc}): ${r.stderr}`);
  return r.stdout;
}

describe.skipIf(!fleetAvailable)('SSH transport on real hosts', () => {
  let fleet: Fleet;
  let dir: string;
  let cfg: string;
  let jump: string;
  let target: string;
  const conns: Connection[] = [];

  const defaults: ConnectDefaults = {
    hostKeyChecking: true,
    timeoutSec: 5,
    sshConfigFiles: [],
    secrets: new Secrets(() => Promise.reject(new Error('no terminal'))),
  };

  const connect = async (vars: Record<string, unknown>): Promise<Connection> => {
    const c = await openConnection('tg1', vars, defaults);
    conns.push(c);
    return c;
  };

  const rootVars = (): Record<string, unknown> => ({
    ansible_host: target,
    ansible_user: 'root',
    ansible_ssh_private_key_file: keyPath,
    ansible_ssh_common_args: `-o UserKnownHostsFile=${knownHostsPath}`,
  });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsible-fleet-ssh-'));
    fleet = fleetUp({ names: ['jh1', 'tg1'], group: 'fleet', inventory: join(dir, 'inventory.ini') });
    jump = fleet.hosts.find((h) => h.name === 'jh1')!.address;
    target = fleet.hosts.find((h) => h.name === 'tg1')!.address;
    cfg = join(dir, 'ssh_config');
    writeFileSync(
      cfg,
      `Host bastion
  HostName ${jump}
Host app
  HostName ${target}
  ProxyJump bastion
Host *
  User root
  IdentityFile ${keyPath}
  IdentityAgent none
  UserKnownHostsFile ${knownHostsPath}
`,
    );
  });

  afterAll(() => {
    for (const c of conns) c.close();
    fleetDown(['jh1', 'tg1']);
  });

  it('reaches a host through a real OpenSSH bastion (ProxyJump from ssh_config)', async () => {
    const c = await connect({ ansible_host: 'app', ansible_ssh_common_args: `-F ${cfg}` });
    const r = await c.run('echo "$SSH_CLIENT"');
    // The target sees the connection coming from the bastion.
    expect(r.stdout.split(' ')[0]).toBe(jump);
    c.close();
  });

  it('password authentication, and a wrong password in OpenSSH words', async () => {
    sh('tg1', `useradd -m -s /bin/sh pwuser && printf 'pwuser:%s\\n' '${PASSWORD}' | chpasswd`);
    sh('tg1', "printf 'PasswordAuthentication yes\\n' >/etc/ssh/sshd_config.d/00-password.conf");
    stopSshd('tg1');
    startSshd('tg1');
    const base = {
      ansible_host: target,
      ansible_user: 'pwuser',
      ansible_ssh_common_args: `-F /dev/null -o UserKnownHostsFile=${knownHostsPath}`,
    };
    const c = await connect({ ...base, ansible_password: PASSWORD });
    expect((await c.run('id -un')).stdout).toBe('pwuser\n');
    c.close();
    const err = await connect({ ...base, ansible_password: 'wrong' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreachableError);
    expect((err as Error).message).toMatch(
      new RegExp(
        `^Failed to connect to the host via ssh: pwuser@${target.replace(/\./g, '\\.')}: Permission denied \\(publickey,password\\)\\.`,
      ),
    );
    expect((err as Error).message).not.toContain('wrong');
  });

  it('reconnects once after sshd dropped the connection between commands, then reports unreachable', async () => {
    const c = await connect(rootVars());
    expect((await c.run('echo one')).stdout).toBe('one\n');
    stopSshd('tg1');
    startSshd('tg1');
    expect((await c.run('echo two')).stdout).toBe('two\n');
    stopSshd('tg1');
    try {
      const err = await c.run('echo three').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnreachableError);
      expect((err as Error).message).toMatch(
        /reconnecting failed: ssh: connect to host .* port 22: Connection refused/,
      );
    } finally {
      startSshd('tg1');
    }
  });

  it('keepalives notice a peer whose network died, and fail the running command as unreachable', async () => {
    const c = await connect({
      ...rootVars(),
      ansible_ssh_common_args: `-o UserKnownHostsFile=${knownHostsPath} -o ServerAliveInterval=1 -o ServerAliveCountMax=2`,
    });
    expect((await c.run('echo up')).stdout).toBe('up\n');
    const pending = c.run('sleep 60');
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    sh('tg1', 'ip link set eth0 down');
    try {
      const err = await pending.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnreachableError);
      expect((err as Error).message).toBe(
        `Failed to connect to the host via ssh: Timeout, server ${target} not responding.`,
      );
      expect(Date.now() - t0).toBeLessThan(6000);
    } finally {
      sh('tg1', 'ip link set eth0 up; ip route replace default via 10.77.0.1 2>/dev/null || true');
    }
  });
});
