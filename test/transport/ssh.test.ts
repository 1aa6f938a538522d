// Transport layer against ssh2's own server in-process: exec, exit codes, stdin, host keys, lost connections.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshConnection, type SshOptions } from '../../src/transport/ssh.js';
import { UnreachableError } from '../../src/transport/types.js';

const { Server, utils } = ssh2;

interface TestServer {
  port: number;
  publicKey: string;
  close(): void;
  /** Sessions currently open, so a test can cut them. */
  clients: Set<{ end(): void }>;
}

function startServer(): Promise<TestServer> {
  const hostKey = utils.generateKeyPairSync('ed25519');
  const clients = new Set<{ end(): void }>();
  const server = new Server({ hostKeys: [hostKey.private] }, (client) => {
    clients.add(client);
    client.on('close', () => clients.delete(client));
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => (ctx.username === 'tester' ? ctx.accept() : ctx.reject()));
    client.on('ready', () => {
      client.on('session', (accept) => {
        const session = accept();
        session.on('exec', (acceptExec, _reject, info) => {
          const stream = acceptExec();
          const child = spawn('/bin/sh', ['-c', info.command]);
          stream.pipe(child.stdin);
          child.stdout.pipe(stream, { end: false });
          child.stderr.pipe(stream.stderr, { end: false });
          child.on('close', (code) => {
            stream.exit(code ?? 1);
            stream.end();
          });
        });
      });
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        port: (server.address() as AddressInfo).port,
        publicKey: hostKey.public,
        clients,
        close: () => server.close(),
      });
    });
  });
}

describe('SshConnection against an in-process ssh2 server', () => {
  let srv: TestServer;
  let dir: string;
  let known: string;
  let clientKey: string;

  beforeAll(async () => {
    srv = await startServer();
    dir = mkdtempSync(join(tmpdir(), 'tsible-ssh-'));
    known = join(dir, 'known_hosts');
    const [type, b64] = srv.publicKey.split(' ');
    writeFileSync(known, `[127.0.0.1]:${srv.port} ${type} ${b64}\n`);
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
    const b = await SshConnection.open(opts({ knownHostsFiles: [empty], hostKeyCheck: 'no' }));
    expect((await b.run('echo ok')).stdout).toBe('ok\n');
    b.close();
  });

  it('reports a refused connection as unreachable', async () => {
    const err = await SshConnection.open(opts({ port: 1 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreachableError);
    expect((err as Error).message).toBe(
      'Failed to connect to the host via ssh: ssh: connect to host 127.0.0.1 port 1: Connection refused',
    );
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
});
