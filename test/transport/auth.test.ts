// SSH authentication: keys (plain and encrypted), ssh-agent, password and keyboard-interactive, and the
// OpenSSH-style "Permission denied (…)" error.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secrets } from '../../src/transport/secrets.js';
import { SshConnection, type SshOptions } from '../../src/transport/ssh.js';
import { UnreachableError } from '../../src/transport/types.js';
import { startServer, tempDir, writeKeyPair, type TestServer } from './helpers.js';

describe('SSH authentication', () => {
  let dir: string;
  let plain: { path: string; publicKey: string };
  let locked: { path: string; publicKey: string };
  let stranger: { path: string; publicKey: string };
  let srv: TestServer;
  let kbd: TestServer;
  let known: string;

  beforeAll(async () => {
    dir = tempDir();
    plain = writeKeyPair(dir, 'id_plain');
    locked = writeKeyPair(dir, 'id_locked', 'open sesame');
    stranger = writeKeyPair(dir, 'id_stranger');
    const users = {
      deploy: { password: 's3cret pass', keys: [plain.publicKey, locked.publicKey] },
      keyonly: { keys: [locked.publicKey] },
    };
    srv = await startServer({ users });
    kbd = await startServer({ users, keyboardInteractive: true });
    known = join(dir, 'known_hosts');
    writeFileSync(known, `${srv.knownHostsLine()}\n${kbd.knownHostsLine()}\n`);
  });

  afterAll(async () => {
    await srv.close();
    await kbd.close();
  });

  const opts = (over: Partial<SshOptions> = {}): SshOptions => ({
    name: 'h',
    address: '127.0.0.1',
    port: srv.port,
    user: 'deploy',
    keyFiles: [],
    hostKeyCheck: 'yes',
    knownHostsFiles: [known],
    connectTimeoutMs: 5000,
    secrets: new Secrets(() => Promise.reject(new Error('no terminal in tests'))),
    ...over,
  });

  const whoami = async (o: SshOptions): Promise<string> => {
    const c = await SshConnection.open(o);
    try {
      return (await c.run('echo in')).stdout;
    } finally {
      c.close();
    }
  };

  it('logs in with a key, skipping missing and unaccepted identity files', async () => {
    expect(await whoami(opts({ keyFiles: [join(dir, 'missing'), stranger.path, plain.path] }))).toBe('in\n');
  });

  it('logs in with a password', async () => {
    expect(await whoami(opts({ password: 's3cret pass' }))).toBe('in\n');
  });

  it('answers keyboard-interactive password prompts', async () => {
    expect(await whoami(opts({ port: kbd.port, password: 's3cret pass' }))).toBe('in\n');
  });

  it('a wrong password is "Permission denied" with user, host and what was tried, never the password', async () => {
    const err = await SshConnection.open(opts({ password: 'wrong horse', keyFiles: [stranger.path] })).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UnreachableError);
    const msg = (err as Error).message;
    expect(msg).toMatch(
      /^Failed to connect to the host via ssh: deploy@127\.0\.0\.1: Permission denied \(publickey,password\)\./,
    );
    expect(msg).toContain(`Tried: ${stranger.path}, password.`);
    expect(msg).not.toContain('wrong horse');
  });

  it('with nothing to try, says so', async () => {
    const err = await SshConnection.open(opts()).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/Permission denied \(publickey,password\)\. No key or password/);
  });

  it('decrypts an encrypted key with the configured passphrase', async () => {
    expect(
      await whoami(opts({ user: 'keyonly', keyFiles: [locked.path], keyPassphrase: 'open sesame' })),
    ).toBe('in\n');
  });

  it('asks for a passphrase once per key and reuses it for the run', async () => {
    const asked: string[] = [];
    const secrets = new Secrets(async (prompt) => {
      asked.push(prompt);
      return 'open sesame';
    });
    const o = opts({ user: 'keyonly', keyFiles: [locked.path], secrets });
    await Promise.all([whoami(o), whoami(o), whoami(o)]);
    expect(asked).toEqual([`Enter passphrase for key '${locked.path}': `]);
  });

  it('a wrong passphrase is explained', async () => {
    const err = await SshConnection.open(
      opts({ user: 'keyonly', keyFiles: [locked.path], keyPassphrase: 'nope' }),
    ).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(
      /cannot use .*id_locked: the passphrase given for this key is wrong/,
    );
  });

  it('without a terminal or passphrase, tells how to give one', async () => {
    const err = await SshConnection.open(opts({ user: 'keyonly', keyFiles: [locked.path] })).catch(
      (e: unknown) => e,
    );
    expect((err as Error).message).toMatch(/TSIBLE_SSH_KEY_PASSPHRASE/);
  });

  it('-k: asks for the SSH password once, when the server wants one', async () => {
    const asked: string[] = [];
    const secrets = new Secrets(async (prompt) => {
      asked.push(prompt);
      return 's3cret pass';
    });
    const o = opts({ askPassword: true, secrets });
    expect(await whoami(o)).toBe('in\n');
    expect(await whoami(o)).toBe('in\n');
    expect(asked).toEqual(['SSH password: ']);
  });

  const agentBin = spawnSync('sh', ['-c', 'command -v ssh-agent && command -v ssh-add']).status === 0;

  describe.skipIf(!agentBin)('with ssh-agent', () => {
    let agent: ChildProcess;
    let sock: string;

    beforeAll(async () => {
      sock = join(dir, 'agent.sock');
      agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
      for (let i = 0; i < 100 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 20));
      const add = spawnSync('ssh-add', [plain.path], {
        env: { ...process.env, SSH_AUTH_SOCK: sock },
        encoding: 'utf8',
      });
      if (add.status !== 0) throw new Error(`ssh-add: ${add.stderr}`);
    });

    afterAll(() => {
      agent.kill();
    });

    it('authenticates with a key held by the agent', async () => {
      const before = srv.authLog.length;
      expect(await whoami(opts({ agent: sock }))).toBe('in\n');
      expect(srv.authLog.slice(before)).toEqual(['deploy publickey ok']);
    });

    it('IdentitiesOnly keeps agent keys that are not identity files out', async () => {
      const err = await SshConnection.open(
        opts({ agent: sock, identitiesOnly: true, keyFiles: [stranger.path] }),
      ).catch((e: unknown) => e);
      expect((err as Error).message).toMatch(/Permission denied/);
      expect((err as Error).message).not.toMatch(/ssh-agent/);
      // …but an identity file the agent holds is used through the agent.
      expect(await whoami(opts({ agent: sock, identitiesOnly: true, keyFiles: [plain.path] }))).toBe('in\n');
    });
  });
});
