// How inventory variables, ssh arguments and ssh_config combine into one host's SSH settings (Ansible's
// command line first, ssh_config filling in what is unset).
import { writeFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { connectionInfo, sshOptionsFor, type ConnectDefaults } from '../../src/engine/connect.js';
import { tempDir } from './helpers.js';

describe('sshOptionsFor', () => {
  let cfg: string;
  let d: ConnectDefaults;

  beforeAll(() => {
    const dir = tempDir();
    cfg = join(dir, 'config');
    writeFileSync(
      cfg,
      `Host web1.example.com
  HostName 10.0.0.5
  User cfguser
  Port 2201
  IdentityFile ~/.ssh/cfg_key
  ConnectTimeout 3
  ServerAliveInterval 5
  ServerAliveCountMax 4
  StrictHostKeyChecking accept-new
  UserKnownHostsFile /tmp/kh_a /tmp/kh_b
  HostKeyAlias web1-alias
  ProxyJump gw-user@gw.example.com:2022

Host gw.example.com
  IdentityFile /keys/gw
  StrictHostKeyChecking no

Host *
  IdentityAgent none
`,
    );
    d = { hostKeyChecking: true, timeoutSec: 10, sshConfigFiles: [cfg] };
  });

  it('ssh_config fills in what the inventory leaves unset (matched on ansible_host)', () => {
    const o = sshOptionsFor('web1', { ansible_host: 'web1.example.com' }, d);
    expect(o).toMatchObject({
      name: 'web1',
      address: '10.0.0.5',
      port: 2201,
      user: 'cfguser',
      keyFiles: [join(homedir(), '.ssh', 'cfg_key')],
      connectTimeoutMs: 3000,
      keepaliveMs: 5000,
      keepaliveCountMax: 4,
      hostKeyCheck: 'accept-new',
      hostKeyAlias: 'web1-alias',
      agent: undefined,
    });
    expect(o.knownHostsFiles.slice(0, 2)).toEqual(['/tmp/kh_a', '/tmp/kh_b']);
    expect(o.jumps).toHaveLength(1);
    expect(o.jumps![0]).toMatchObject({
      name: 'gw.example.com',
      address: 'gw.example.com',
      port: 2022,
      user: 'gw-user',
      keyFiles: ['/keys/gw'],
      hostKeyCheck: 'no',
    });
  });

  it('inventory variables beat -o arguments, which beat ssh_config', () => {
    const o = sshOptionsFor(
      'web1',
      {
        ansible_host: 'web1.example.com',
        ansible_user: 'invuser',
        ansible_port: 22,
        ansible_ssh_private_key_file: '/keys/inv',
        ansible_ssh_common_args:
          '-o User=arguser -o Port=2 -o ConnectTimeout=9 -o ProxyJump=none -i /keys/arg',
        ansible_timeout: 7,
      },
      d,
    );
    expect(o).toMatchObject({ user: 'invuser', port: 22, connectTimeoutMs: 7000 });
    expect(o.keyFiles).toEqual(['/keys/inv', '/keys/arg', join(homedir(), '.ssh', 'cfg_key')]);
    expect(o.jumps).toBeUndefined();
    const o2 = sshOptionsFor(
      'web1',
      { ansible_host: 'web1.example.com', ansible_ssh_common_args: '-o User=arguser -o ConnectTimeout=9' },
      d,
    );
    expect(o2).toMatchObject({ user: 'arguser', connectTimeoutMs: 9000 });
  });

  it('host_key_checking=False wins over ssh_config, for the target and its bastions', () => {
    const o = sshOptionsFor(
      'web1',
      { ansible_host: 'web1.example.com', ansible_host_key_checking: false },
      d,
    );
    expect(o.hostKeyCheck).toBe('no');
    expect(o.jumps![0]!.hostKeyCheck).toBe('no');
    const strict = sshOptionsFor('x', {}, { ...d, sshConfigFiles: [] });
    expect(strict.hostKeyCheck).toBe('yes');
    expect(sshOptionsFor('x', {}, { ...d, hostKeyChecking: false, sshConfigFiles: [] }).hostKeyCheck).toBe(
      'no',
    );
  });

  it('defaults: the inventory name, port 22, the local user, default keys, 15 s × 3 keepalives', () => {
    const o = sshOptionsFor('plain-host', {}, { ...d, sshConfigFiles: [] });
    expect(o).toMatchObject({
      address: 'plain-host',
      port: 22,
      user: userInfo().username,
      connectTimeoutMs: 10_000,
      keepaliveMs: 15_000,
      keepaliveCountMax: 3,
    });
    expect(o.keyFiles[0]).toBe(join(homedir(), '.ssh', 'id_rsa'));
    expect(o.knownHostsFiles).toContain(join(homedir(), '.ssh', 'known_hosts'));
  });

  it('passwords come from ansible_password / ansible_ssh_pass, then the run default', () => {
    expect(sshOptionsFor('h', { ansible_ssh_pass: 'a' }, d).password).toBe('a');
    expect(sshOptionsFor('h', {}, { ...d, password: 'b' }).password).toBe('b');
  });

  it('-F in ansible_ssh_common_args replaces the default config files', () => {
    const o = sshOptionsFor(
      'h',
      { ansible_host: 'web1.example.com', ansible_ssh_common_args: `-F ${cfg}` },
      {
        ...d,
        sshConfigFiles: ['/nonexistent'],
      },
    );
    expect(o.address).toBe('10.0.0.5');
  });

  it('connectionInfo sees the User from ssh_config (become needs the real connection user)', () => {
    expect(connectionInfo({ ansible_host: 'web1.example.com' }, d)).toEqual({ kind: 'ssh', user: 'cfguser' });
    expect(connectionInfo({ ansible_user: 'u' }, d, 'web1.example.com')).toEqual({ kind: 'ssh', user: 'u' });
    expect(connectionInfo({ ansible_connection: 'local' }, d).kind).toBe('local');
  });
});
