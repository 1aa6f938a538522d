// ProxyJump through one and two in-process bastions (direct-tcpip), and ProxyCommand, all resolved from an
// ssh_config file given with ansible_ssh_common_args='-F …' the way a real inventory would.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshOptionsFor, type ConnectDefaults } from '../../src/engine/connect.js';
import { Secrets } from '../../src/transport/secrets.js';
import { SshConnection } from '../../src/transport/ssh.js';
import { UnreachableError } from '../../src/transport/types.js';
import { startServer, tempDir, writeKeyPair, type TestServer } from './helpers.js';

describe('ProxyJump and ProxyCommand', () => {
  let dir: string;
  let target: TestServer;
  let b1: TestServer;
  let b2: TestServer;
  let closed: TestServer;
  let cfg: string;
  let known: string;

  const d: ConnectDefaults = {
    hostKeyChecking: true,
    timeoutSec: 5,
    secrets: new Secrets(() => Promise.reject(new Error('no terminal'))),
  };

  beforeAll(async () => {
    dir = tempDir();
    const key = writeKeyPair(dir, 'id_jump');
    target = await startServer({ users: { app: { keys: [key.publicKey] } } });
    b1 = await startServer({ users: { hop1: { keys: [key.publicKey] } }, forward: true });
    b2 = await startServer({ users: { hop2: { keys: [key.publicKey] } }, forward: true });
    closed = await startServer({ users: { hop3: { keys: [key.publicKey] } }, forward: false });
    known = join(dir, 'known_hosts');
    // The refusing bastion's key is known; b2's key is deliberately missing from a second file.
    writeFileSync(known, [target, b1, b2, closed].map((s) => s.knownHostsLine()).join('\n') + '\n');
    writeFileSync(join(dir, 'known_no_b2'), [target, b1].map((s) => s.knownHostsLine()).join('\n') + '\n');
    const proxy = join(dir, 'proxy.cjs');
    writeFileSync(
      proxy,
      "const s = require('net').connect(Number(process.argv[3]), process.argv[2]);\n" +
        's.on("connect", () => { process.stdin.pipe(s); s.pipe(process.stdout); });\n' +
        's.on("error", (e) => { process.stderr.write(String(e.message)); process.exit(1); });\n',
    );
    cfg = join(dir, 'ssh_config');
    writeFileSync(
      cfg,
      `Host app
  HostName 127.0.0.1
  Port ${target.port}
  User app
  ProxyJump hop1@bastion1

Host app-via-command
  HostName 127.0.0.1
  Port ${target.port}
  User app
  ProxyCommand "${process.execPath}" ${proxy} %h %p

Host bastion1
  HostName 127.0.0.1
  Port ${b1.port}

Host bastion2
  HostName 127.0.0.1
  Port ${b2.port}
  User hop2

Host bastion2-unknown
  HostName 127.0.0.1
  Port ${b2.port}
  User hop2
  UserKnownHostsFile ${join(dir, 'known_no_b2')}

Host refuser
  HostName 127.0.0.1
  Port ${closed.port}
  User hop3

Host *
  IdentityFile ${key.path}
  IdentityAgent none
  UserKnownHostsFile ${known}
`,
    );
  });

  afterAll(async () => {
    for (const s of [target, b1, b2, closed]) await s.close();
  });

  const run = async (vars: Record<string, unknown>): Promise<string> => {
    const c = await SshConnection.open(sshOptionsFor('web1', { ansible_host: 'app', ...vars }, d));
    try {
      const r = await c.run('echo through');
      return r.stdout;
    } finally {
      c.close();
    }
  };

  it('reaches the target through one bastion from ssh_config', async () => {
    const o = sshOptionsFor('web1', { ansible_host: 'app', ansible_ssh_common_args: `-F ${cfg}` }, d);
    expect(o.jumps?.map((j) => [j.user, j.address, j.port])).toEqual([['hop1', '127.0.0.1', b1.port]]);
    b1.forwarded.length = 0;
    expect(await run({ ansible_ssh_common_args: `-F ${cfg}` })).toBe('through\n');
    expect(b1.forwarded).toEqual([`127.0.0.1:${target.port}`]);
  });

  it('reaches the target through two bastions (-o ProxyJump=a,b beats the config file)', async () => {
    b1.forwarded.length = 0;
    b2.forwarded.length = 0;
    expect(await run({ ansible_ssh_common_args: `-F ${cfg} -o ProxyJump=hop1@bastion1,bastion2` })).toBe(
      'through\n',
    );
    expect(b1.forwarded).toEqual([`127.0.0.1:${b2.port}`]);
    expect(b2.forwarded).toEqual([`127.0.0.1:${target.port}`]);
  });

  it('-J user@host:port works without any Host block for the bastion', async () => {
    b1.forwarded.length = 0;
    expect(await run({ ansible_ssh_common_args: `-F ${cfg} -J hop1@127.0.0.1:${b1.port}` })).toBe(
      'through\n',
    );
    expect(b1.forwarded).toEqual([`127.0.0.1:${target.port}`]);
  });

  it("checks every hop's host key", async () => {
    const err = await run({ ansible_ssh_common_args: `-F ${cfg} -J hop1@bastion1,bastion2-unknown` }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UnreachableError);
    expect((err as Error).message).toMatch(
      /No host key is known for \[127\.0\.0\.1\]:\d+ .*\(jump host bastion2-unknown\)/,
    );
  });

  it('explains a bastion that refuses to forward', async () => {
    const err = await run({ ansible_ssh_common_args: `-F ${cfg} -J refuser` }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreachableError);
    expect((err as Error).message).toMatch(
      new RegExp(
        `connect to host 127\\.0\\.0\\.1 port ${target.port} through jump host refuser: .*open failure`,
      ),
    );
  });

  it('ProxyCommand carries the connection over a command', async () => {
    expect(await run({ ansible_host: 'app-via-command', ansible_ssh_common_args: `-F ${cfg}` })).toBe(
      'through\n',
    );
  });

  it('the connection survives losing a bastion between commands (reconnect once)', async () => {
    const c = await SshConnection.open(
      sshOptionsFor('web1', { ansible_host: 'app', ansible_ssh_common_args: `-F ${cfg}` }, d),
    );
    expect((await c.run('echo a')).stdout).toBe('a\n');
    for (const cl of b1.clients) cl.end();
    await new Promise((r) => setTimeout(r, 100));
    expect((await c.run('echo b')).stdout).toBe('b\n');
    c.close();
  });
});
