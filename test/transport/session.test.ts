// The long-lived shell protocol (session.ts): against a local `/bin/sh +i -s` (and one on a terminal, as su
// gives it), then through SshConnection against the in-process ssh2 server: one exec channel for many
// commands, binary data both ways, stdin that cannot leak into the next request, timeouts that kill only
// their command, a shell that dies, and the fallback when no shell can be started.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { printfFormat, prelude, ShellSession } from '../../src/transport/session.js';
import { SshConnection, type SshOptions } from '../../src/transport/ssh.js';
import { startServer, tempDir, type TestServer } from './helpers.js';

interface Local {
  session: ShellSession;
  child: ChildProcessWithoutNullStreams;
}

/** A shell session over a local child process: plain pipes, or a terminal in raw mode (like su). */
async function localSession(pty = false): Promise<Local> {
  const child = pty
    ? spawn('script', ['-qfec', 'stty raw -echo -iexten; exec /bin/sh +i -s', '/dev/null'])
    : spawn('/bin/sh', ['+i', '-s']);
  const session = new ShellSession(
    {
      write: (d) => child.stdin.write(d),
      end: () => child.stdin.end(),
      destroy: () => child.kill('SIGKILL'),
    },
    { pty },
  );
  child.stdout.on('data', (d: Buffer) => session.onStdout(d));
  child.stderr.on('data', (d: Buffer) => session.onStderr(d));
  child.on('close', () => session.onClose());
  child.stdin.on('error', () => undefined);
  // The terminal must be raw before the first byte is sent (su does this before its success marker).
  if (pty) await new Promise((r) => setTimeout(r, 300));
  await session.start();
  return { session, child };
}

/** The process exists and is not a zombie waiting for its (new) parent to reap it. */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

const sha1 = (b: Buffer): string => createHash('sha1').update(b).digest('hex');

describe('printfFormat', () => {
  it('reproduces every byte through the shell’s printf', async () => {
    const { session, child } = await localSession();
    const every = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const r = await session.run(
      `printf ${printfFormat(Buffer.concat([every, Buffer.from("%s%%\\c'")]))} | od -An -v -tx1 | tr -d ' \\n'`,
    );
    expect(r.stdout).toBe(Buffer.concat([every, Buffer.from("%s%%\\c'")]).toString('hex'));
    session.close();
    child.kill();
  });

  it('keeps printable ASCII readable', () => {
    expect(printfFormat(Buffer.from("a b\n'%\\"))).toBe(`'a b\n\\047%%\\\\'`);
  });

  it('the prelude is plain POSIX sh that dash accepts', async () => {
    for (const pty of [false, true]) {
      const r = spawn('/bin/sh', ['-n']);
      r.stdin.end(prelude('READY', pty));
      const code = await new Promise((res) => r.on('close', res));
      expect(code).toBe(0);
    }
  });
});

describe.each([
  ['pipes', false],
  ['a terminal (su)', true],
])('ShellSession over %s', (_name, pty) => {
  let l: Local;
  beforeAll(async () => {
    l = await localSession(pty);
  });
  afterAll(() => {
    l.session.close();
    l.child.kill();
  });

  it('returns stdout, stderr and the exit code of each command', async () => {
    expect(await l.session.run('echo out; echo err >&2; exit 3')).toEqual({
      rc: 3,
      stdout: 'out\n',
      stderr: 'err\n',
    });
    expect(await l.session.run('printf %s "$((6 * 7))"')).toEqual({ rc: 0, stdout: '42', stderr: '' });
  });

  it('passes binary stdin exactly, inline and streamed', async () => {
    for (const size of [1, 4096, 65536, 65537, 1024 * 1024]) {
      const data = randomBytes(size);
      const r = await l.session.run('sha1sum | cut -d" " -f1', { stdin: data });
      expect(r.stdout, `${size} bytes`).toBe(`${sha1(data)}\n`);
    }
  });

  it('passes binary stdout, NUL and invalid UTF-8 included, with no trailing newline', async () => {
    const r = await l.session.run("printf 'a\\000b\\377\\r\\n\\001'");
    expect(r.stdout).toBe(Buffer.from('a\0b\xff\r\n\x01', 'latin1').toString('utf8'));
    const big = await l.session.run('head -c 3000000 /dev/zero | tr "\\0" y');
    expect(big.stdout.length).toBe(3000000);
  });

  it('stdin never leaks into the next request', async () => {
    expect((await l.session.run('cat; echo "[$?]"')).stdout).toBe('[0]\n');
    expect((await l.session.run('head -c 3', { stdin: 'abcdef'.repeat(20000) })).stdout).toBe('abc');
    expect((await l.session.run('true', { stdin: 'x'.repeat(200000) })).rc).toBe(0);
    expect((await l.session.run('cat', { stdin: 'xyz' })).stdout).toBe('xyz');
    expect((await l.session.run('echo next')).stdout).toBe('next\n');
  });

  it('each command gets a clean shell: no request arguments, variables, directory or options carried over', async () => {
    expect((await l.session.run('echo "$#:${1-}:${__ts_b-}:${__ts_x-}:${__ts_a-}"')).stdout).toBe('0::::\n');
    await l.session.run('cd /; X=1; export Y=2; set -e; umask 077; exit 0');
    const r = await l.session.run('pwd; echo "${X-}${Y-}"; umask; false; echo still');
    expect(r.stdout).toBe(`${process.cwd()}\n\n${(await l.session.run('umask')).stdout}still\n`);
    expect((await l.session.run('if then (')).rc).toBe(2);
    expect((await l.session.run('echo alive')).stdout).toBe('alive\n');
  });

  it('a timeout kills the command and its children, and the shell goes on', async () => {
    const dir = tempDir();
    const pidFile = join(dir, 'pid');
    const t0 = Date.now();
    const r = await l.session.run(`sh -c 'echo $$ > ${pidFile}; exec sleep 30' & wait`, { timeoutMs: 300 });
    expect(r.rc).toBe(124);
    expect(r.stderr).toContain('command timed out after 300 ms');
    expect(Date.now() - t0).toBeLessThan(5000);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    for (let i = 0; i < 50 && running(pid); i++) await new Promise((res) => setTimeout(res, 20));
    expect(running(pid)).toBe(false);
    expect((await l.session.run('echo after')).stdout).toBe('after\n');
  });

  it('output of an earlier command’s background process is not mistaken for a later command’s', async () => {
    await l.session.run('(sleep 0.3; echo stray) &');
    await new Promise((res) => setTimeout(res, 600));
    expect((await l.session.run('echo mine')).stdout).toBe('mine\n');
  });
});

describe('SshConnection with long-lived shells', () => {
  let srv: TestServer;
  let dir: string;

  beforeAll(async () => {
    srv = await startServer();
    dir = tempDir();
  });
  afterAll(() => srv.close());

  const opts = (port: number, over: Partial<SshOptions> = {}): SshOptions => ({
    name: 'h',
    address: '127.0.0.1',
    port,
    user: 'tester',
    keyFiles: [],
    hostKeyCheck: 'no',
    knownHostsFiles: [],
    connectTimeoutMs: 5000,
    ...over,
  });

  const conns: SshConnection[] = [];
  afterEach(() => {
    for (const c of conns.splice(0)) c.close();
  });
  const open = async (port = srv.port, over: Partial<SshOptions> = {}): Promise<SshConnection> => {
    const c = await SshConnection.open(opts(port, over));
    conns.push(c);
    return c;
  };

  it('runs many commands over one exec channel', async () => {
    const c = await open();
    const before = srv.commands.length;
    for (let i = 0; i < 20; i++) expect((await c.run(`echo ${i}`)).stdout).toBe(`${i}\n`);
    expect(srv.commands.slice(before)).toEqual(['exec /bin/sh +i -s']);
  });

  it('commands in flight at once get a shell each (up to a limit), and reuse them after', async () => {
    const c = await open();
    const before = srv.commands.length;
    const rs = await Promise.all([1, 2, 3].map((i) => c.run(`sleep 0.2; echo ${i}`)));
    expect(rs.map((r) => r.stdout)).toEqual(['1\n', '2\n', '3\n']);
    await Promise.all([1, 2, 3].map((i) => c.run(`echo ${i}`)));
    expect(srv.commands.length - before).toBe(3);
    const many = await Promise.all(Array.from({ length: 10 }, (_, i) => c.run(`echo ${i}`)));
    expect(many.map((r) => r.stdout)).toEqual(Array.from({ length: 10 }, (_, i) => `${i}\n`));
    expect(srv.commands.length - before).toBe(4);
  });

  it('a shell killed during a command fails that command; the next one gets a new shell', async () => {
    const c = await open();
    expect((await c.run('echo first')).stdout).toBe('first\n');
    // $$ in the command is the shell's own PID.
    const err = await c.run('kill -9 $$; sleep 1').catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/the remote shell ended while the command ran/);
    expect((await c.run('echo again')).stdout).toBe('again\n');
  });

  it('falls back to one channel per command when no shell can be started', async () => {
    const own = await startServer({
      rewrite: (cmd) => (cmd === 'exec /bin/sh +i -s' ? 'echo "This account is restricted"; exit 1' : cmd),
    });
    try {
      const c = await open(own.port);
      expect(await c.run('echo one; echo two >&2; exit 4')).toEqual({
        rc: 4,
        stdout: 'one\n',
        stderr: 'two\n',
      });
      expect((await c.run('cat', { stdin: 'in' })).stdout).toBe('in');
      expect(own.commands).toEqual(['exec /bin/sh +i -s', 'echo one; echo two >&2; exit 4', 'cat']);
    } finally {
      await own.close();
    }
  });

  it('rc file output before the shell starts is not taken for a command’s output', async () => {
    const own = await startServer({
      rewrite: (cmd) => (cmd === 'exec /bin/sh +i -s' ? `echo Welcome; echo motd >&2; ${cmd}` : cmd),
    });
    try {
      const c = await open(own.port);
      expect(await c.run('echo clean')).toEqual({ rc: 0, stdout: 'clean\n', stderr: '' });
    } finally {
      await own.close();
    }
  });

  it('lives with a server that allows few channels (MaxSessions): waits, or ends idle shells', async () => {
    const own = await startServer({ maxSessions: 2 });
    const sudo = join(dir, 'passthrough-sudo');
    // A sudo that needs no password: drops its options and runs the command.
    writeFileSync(
      sudo,
      '#!/bin/sh\nwhile [ $# -gt 0 ]; do case $1 in -u) shift 2; break ;; *) shift ;; esac; done\nexec "$@"\n',
    );
    chmodSync(sudo, 0o755);
    try {
      const c = await open(own.port);
      const rs = await Promise.all(Array.from({ length: 6 }, (_, i) => c.run(`sleep 0.1; echo ${i}`)));
      expect(rs.map((r) => r.stdout)).toEqual(Array.from({ length: 6 }, (_, i) => `${i}\n`));
      // Both channels hold idle shells of the connection user; a become user's shell still gets one.
      const as = { method: 'sudo' as const, user: 'other', exe: sudo };
      expect((await c.run('echo become', { becomeAs: as })).stdout).toBe('become\n');
      expect((await c.run('echo plain')).stdout).toBe('plain\n');
      expect((await c.run('echo become again', { becomeAs: as })).stdout).toBe('become again\n');
    } finally {
      await own.close();
    }
  });

  it('TSIBLE_SSH_SESSIONS=0 gives every command its own channel', async () => {
    process.env.TSIBLE_SSH_SESSIONS = '0';
    try {
      const c = await open();
      const before = srv.commands.length;
      await c.run('echo a');
      await c.run('echo b');
      expect(srv.commands.slice(before)).toEqual(['echo a', 'echo b']);
    } finally {
      delete process.env.TSIBLE_SSH_SESSIONS;
    }
  });

  it('the shell ends with the connection', async () => {
    const c = await open();
    const flag = join(dir, 'shell-pid');
    await c.run(`echo $$ > ${flag}`);
    const pid = Number(readFileSync(flag, 'utf8'));
    c.close();
    for (let i = 0; i < 50 && running(pid); i++) await new Promise((r) => setTimeout(r, 20));
    expect(running(pid)).toBe(false);
  });
});
