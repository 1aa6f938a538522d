// Transport layer against ssh2's own server in-process: exec, exit codes, stdin, host keys, lost connections,
// keepalives and the one automatic reconnect.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshConnection, type SshOptions } from '../../src/transport/ssh.js';
import { UnreachableError } from '../../src/transport/types.js';
import { startRelay, startServer, tempDir, type TestServer } from './helpers.js';

const { utils } = ssh2;

describe('SshConnection against an in-process ssh2 server', () => {
  let srv: TestServer;
  let dir: string;
  let known: string;
  let clientKey: string;

  beforeAll(async () => {
    srv = await startServer();
    dir = tempDir();
    known = join(dir, 'known_hosts');
    writeFileSync(known, `${srv.knownHostsLine()}\n`);
    clientKey = join(dir, 'id');
    writeFileSync(clientKey, utils.generateKeyPairSync('ed25519').private);
  });

  afterAll(() => srv.close());

  const opts = (over: Partial<SshOptions> = {}): SshOptions => ({
    name: 'h1',
    address: '127.0.0.1',
    port: srv.port,
    user: 'tester',
    keyFiles: [clientKey],
    hostKeyCheck: 'yes',
    knownHostsFiles: [known],
    connectTimeoutMs: 5000,
    ...over,
  });

  it('runs commands on one connection and returns stdout, stderr and the exit code', async () => {
    const c = await SshConnection.open(opts());
    const a = await c.run('echo out; echo err >&2; exit 3');
    expect(a).toEqual({ rc: 3, stdout: 'out\n', stderr: 'err\n' });
    const b = await c.run('printf %s "$((6 * 7))"');
    expect(b).toEqual({ rc: 0, stdout: '42', stderr: '' });
    c.close();
  });

  it('delivers stdin, binary included', async () => {
    const c = await SshConnection.open(opts());
    const data = Buffer.from([0, 1, 2, 255, 10, 13, 0]);
    const r = await c.run('od -An -tx1 | tr -s " \\n" " "', { stdin: data });
    expect(r.stdout.trim()).toBe('00 01 02 ff 0a 0d 00');
    c.close();
  });

  it('refuses a changed host key with an OpenSSH-like warning', async () => {
    const other = utils.generateKeyPairSync('ed25519').public.split(' ');
    const bad = join(dir, 'bad_known_hosts');
    writeFileSync(bad, `[127.0.0.1]:${srv.port} ${other[0]} ${other[1]}\n`);
    await expect(SshConnection.open(opts({ knownHostsFiles: [bad] }))).rejects.toThrow(
      /REMOTE HOST IDENTIFICATION HAS CHANGED/,
    );
  });

  it('refuses an unknown host under strict checking, accepts it with accept-new or checking off', async () => {
    const empty = join(dir, 'empty_known_hosts');
    writeFileSync(empty, '');
    await expect(SshConnection.open(opts({ knownHostsFiles: [empty] }))).rejects.toThrow(
      /No host key is known/,
    );
    const a = await SshConnection.open(opts({ knownHostsFiles: [empty], hostKeyCheck: 'accept-new' }));
    expect((await a.run('echo ok')).stdout).toBe('ok\n');
    a.close();
    // accept-new remembered the key, so strict checking now passes.
    expect(readFileSync(empty, 'utf8')).toBe(`${srv.knownHostsLine()}\n`);
    const strict = await SshConnection.open(opts({ knownHostsFiles: [empty] }));
    strict.close();
    writeFileSync(empty, '');
    const b = await SshConnection.open(opts({ knownHostsFiles: [empty], hostKeyCheck: 'no' }));
    expect((await b.run('echo ok')).stdout).toBe('ok\n');
    b.close();
  });

  it('looks the host key up under HostKeyAlias when one is set', async () => {
    const aliased = join(dir, 'alias_known_hosts');
    const [type, b64] = srv.publicKey.split(' ');
    writeFileSync(aliased, `my-alias ${type} ${b64}\n`);
    const c = await SshConnection.open(opts({ knownHostsFiles: [aliased], hostKeyAlias: 'my-alias' }));
    expect((await c.run('echo ok')).stdout).toBe('ok\n');
    c.close();
    await expect(SshConnection.open(opts({ knownHostsFiles: [aliased] }))).rejects.toThrow(
      /No host key is known/,
    );
  });

  it('reports a refused connection as unreachable', async () => {
    const err = await SshConnection.open(opts({ port: 1 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreachableError);
    expect((err as Error).message).toBe(
      'Failed to connect to the host via ssh: ssh: connect to host 127.0.0.1 port 1: Connection refused',
    );
  });

  it('times out connecting to a peer that never answers', async () => {
    const relay = await startRelay(srv.port);
    relay.freeze();
    const t0 = Date.now();
    const err = await SshConnection.open(opts({ port: relay.port, connectTimeoutMs: 400 })).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UnreachableError);
    expect((err as Error).message).toMatch(/Connection timed out/);
    expect(Date.now() - t0).toBeLessThan(3000);
    await relay.close();
  });

  it('a connection dropped during a command rejects it as unreachable, and later commands too', async () => {
    const c = await SshConnection.open(opts());
    const pending = c.run('sleep 5; echo late');
    await new Promise((r) => setTimeout(r, 200));
    for (const cl of srv.clients) cl.end();
    await expect(pending).rejects.toBeInstanceOf(UnreachableError);
    await expect(c.run('echo again')).rejects.toBeInstanceOf(UnreachableError);
  });

  it('kills a command that exceeds its timeout', async () => {
    const c = await SshConnection.open(opts());
    const r = await c.run('sleep 5', { timeoutMs: 300 });
    expect(r.rc).toBe(124);
    expect(r.stderr).toContain('timed out');
    c.close();
  });

  it('keepalives notice a peer that stopped answering and fail the pending command as unreachable', async () => {
    const relay = await startRelay(srv.port);
    const kh = join(dir, 'relay_known_hosts');
    writeFileSync(kh, `${srv.knownHostsLine('127.0.0.1', relay.port)}\n`);
    const c = await SshConnection.open(
      opts({ port: relay.port, knownHostsFiles: [kh], keepaliveMs: 150, keepaliveCountMax: 2 }),
    );
    expect((await c.run('echo ok')).stdout).toBe('ok\n');
    const flag = join(dir, 'keepalive-started');
    const pending = c.run(`touch ${flag}; sleep 30`);
    // Freeze once the command runs on the server (and its start had time to come back).
    while (!existsSync(flag)) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50));
    relay.freeze();
    const t0 = Date.now();
    const err = await pending.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreachableError);
    expect((err as Error).message).toBe(
      'Failed to connect to the host via ssh: Timeout, server 127.0.0.1 not responding.',
    );
    expect(Date.now() - t0).toBeLessThan(3000);
    // Lost in the middle of a command: no reconnect.
    await expect(c.run('echo again')).rejects.toBeInstanceOf(UnreachableError);
    c.close();
    await relay.close();
  });

  it('re-opens a connection lost between commands once, then reports the host unreachable', async () => {
    const own = await startServer();
    const kh = join(dir, 'own_known_hosts');
    writeFileSync(kh, `${own.knownHostsLine()}\n`);
    const c = await SshConnection.open(opts({ port: own.port, knownHostsFiles: [kh] }));
    expect((await c.run('echo one')).stdout).toBe('one\n');
    for (const cl of own.clients) cl.end();
    await new Promise((r) => setTimeout(r, 100));
    // Lost while idle: the next command reconnects transparently.
    expect((await c.run('echo two')).stdout).toBe('two\n');
    // Now the server goes away for good: one reconnect attempt, then unreachable.
    await own.close();
    await new Promise((r) => setTimeout(r, 100));
    const err = await c.run('echo three').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreachableError);
    expect((err as Error).message).toMatch(/connection closed; reconnecting failed: .*Connection refused/);
    // And it stays down without hammering the host.
    await expect(c.run('echo four')).rejects.toThrow(/reconnecting failed/);
    c.close();
  });

  it('reconnects a connection lost while idle even before the close was noticed', async () => {
    const own = await startServer();
    const kh = join(dir, 'own2_known_hosts');
    writeFileSync(kh, `${own.knownHostsLine()}\n`);
    const c = await SshConnection.open(opts({ port: own.port, knownHostsFiles: [kh] }));
    for (const cl of own.clients) cl.end();
    // No wait: the command races the close.
    expect((await c.run('echo raced')).stdout).toBe('raced\n');
    c.close();
    await own.close();
  });
});
