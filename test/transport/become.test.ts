// become over both connection kinds, against stand-in sudo and su scripts that behave like the real ones
// (sudo -S/-n/-p, "Sorry, try again.", su reading its terminal): password on stdin only after the prompt,
// stdin held back until success, fast clear failures, prompts stripped, the password never shown.
import { chmodSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BecomeSpec } from '../../src/core/types.js';
import { becomeWrapper } from '../../src/engine/connect.js';
import { wrapBecome } from '../../src/transport/become.js';
import { LocalConnection } from '../../src/transport/local.js';
import { SshConnection } from '../../src/transport/ssh.js';
import { BecomeError, type Connection } from '../../src/transport/types.js';
import { startServer, tempDir, type TestServer } from './helpers.js';

const FAKE_SUDO = `#!/bin/sh
# Stand-in for sudo: -n fails when a password is needed; otherwise print -p's prompt on stderr and read the
# password from stdin (one line, leaving the rest for the command), with a short PAM-like delay on failure.
here=$(dirname "$0")
nonint=0; prompt='[sudo] password for me: '; user=root
while [ $# -gt 0 ]; do
  case "$1" in
    -n) nonint=1 ;;
    -S|-H) ;;
    -p) shift; prompt=$1 ;;
    -u) shift; user=$1 ;;
    -*) ;;
    *) break ;;
  esac
  shift
done
if [ "$user" = nosuchuser ]; then echo "sudo: unknown user $user" >&2; echo "sudo: error initializing audit plugin sudoers_audit" >&2; exit 1; fi
if [ -f "$here/hang" ]; then sleep 30; fi
want=$(cat "$here/password" 2>/dev/null)
if [ -n "$want" ]; then
  if [ $nonint = 1 ]; then echo "sudo: a password is required" >&2; exit 1; fi
  tries=0
  while :; do
    printf '%s' "$prompt" >&2
    IFS= read -r got || { echo "sudo: no password was provided" >&2; exit 1; }
    echo attempt >> "$here/attempts"
    [ "$got" = "$want" ] && break
    sleep 0.3
    tries=$((tries + 1))
    [ $tries -ge 3 ] && { echo "sudo: 3 incorrect password attempts" >&2; exit 1; }
    echo "Sorry, try again." >&2
  done
fi
exec "$@"
`;

const FAKE_SU = `#!/bin/sh
# Stand-in for su: asks on its terminal like PAM (prompt, echo off), then runs -c with -s's shell.
here=$(dirname "$0")
shell=/bin/sh
while [ $# -gt 0 ]; do
  case "$1" in
    -s) shift; shell=$1 ;;
    -c) shift; cmd=$1 ;;
    -*) ;;
    *) user=$1 ;;
  esac
  shift
done
want=$(cat "$here/password")
printf 'Password: '
stty -echo
IFS= read -r got
stty echo
printf '\\n'
if [ "$got" != "$want" ]; then sleep 0.3; echo "su: Authentication failure"; exit 1; fi
exec "$shell" -c "$cmd"
`;

const PASSWORD = 'pa$$ w0rd';

interface Fixture {
  dir: string;
  sudo: string;
  su: string;
  setPassword(p: string): void;
  attempts(): number;
}

function fixture(): Fixture {
  const dir = tempDir();
  const sudo = join(dir, 'sudo');
  const su = join(dir, 'su');
  writeFileSync(sudo, FAKE_SUDO);
  writeFileSync(su, FAKE_SU);
  chmodSync(sudo, 0o755);
  chmodSync(su, 0o755);
  return {
    dir,
    sudo,
    su,
    setPassword: (p) => writeFileSync(join(dir, 'password'), p),
    attempts: () => {
      try {
        const text = readFileSync(join(dir, 'attempts'), 'utf8');
        writeFileSync(join(dir, 'attempts'), '');
        return text.split('\n').filter(Boolean).length;
      } catch {
        return 0;
      }
    },
  };
}

describe('wrapBecome', () => {
  it('sudo without a password: -H -S -n and a success marker, nothing secret', () => {
    const w = wrapBecome({ method: 'sudo', user: 'root' }, 'id -u', undefined, 'abc');
    expect(w.cmd).toBe(`LC_ALL=C sudo -H -S -n -u root /bin/sh -c 'echo BECOME-SUCCESS-abc; id -u'`);
    expect(w.opts.become).toMatchObject({ method: 'sudo', successMarker: 'BECOME-SUCCESS-abc', pty: false });
  });

  it('sudo with a password: -n dropped, a random prompt, the password only in the handshake', () => {
    const w = wrapBecome(
      { method: 'sudo', user: 'www-data', password: 'hunter2', flags: '-H -n -E' },
      'x',
      'in',
      'k',
    );
    expect(w.cmd).toBe(
      `LC_ALL=C sudo -H -E -S -p '[sudo via tsible, key=k] password:' -u www-data /bin/sh -c 'echo BECOME-SUCCESS-k; x'`,
    );
    expect(w.cmd).not.toContain('hunter2');
    expect(w.opts.stdin).toBe('in');
    expect(w.opts.become?.password).toBe('hunter2');
  });

  it('su runs on a terminal and frames stdin by length', () => {
    const w = wrapBecome({ method: 'su', user: 'bob', password: 'p' }, 'cat', Buffer.from('12345'), 'z');
    expect(w.cmd).toBe(
      `LC_ALL=C su -s /bin/sh bob -c 'stty raw -echo -iexten 2>/dev/null; echo BECOME-SUCCESS-z; head -c 5 | /bin/sh -c cat'`,
    );
    expect(w.opts.become?.pty).toBe(true);
  });

  it('becomeWrapper leaves commands alone when the become user is the connection user', () => {
    const wrap = becomeWrapper({ method: 'sudo', user: 'me' }, 'me');
    expect(wrap('ls', 'x')).toEqual({ cmd: 'ls', opts: { stdin: 'x' } });
    expect(becomeWrapper(undefined, 'me')('ls')).toEqual({ cmd: 'ls', opts: { stdin: undefined } });
  });
});

describe('become through a connection', () => {
  let fx: Fixture;
  let srv: TestServer;
  let ssh: SshConnection;
  const debug: string[] = [];

  beforeAll(async () => {
    fx = fixture();
    srv = await startServer();
    ssh = await SshConnection.open({
      name: 'h',
      address: '127.0.0.1',
      port: srv.port,
      user: 'tester',
      keyFiles: [],
      hostKeyCheck: 'no',
      knownHostsFiles: [],
      connectTimeoutMs: 5000,
      debug: (l) => debug.push(l),
    });
  });

  afterAll(async () => {
    ssh.close();
    await srv.close();
  });

  const kinds: [string, () => Connection][] = [
    ['local', () => new LocalConnection('localhost', (l) => debug.push(l))],
    ['ssh', () => ssh],
  ];

  describe.each(kinds)('over %s', (_kind, conn) => {
    const run = (spec: Partial<BecomeSpec>, cmd: string, stdin?: string | Buffer, timeoutMs?: number) => {
      const w = wrapBecome({ method: 'sudo', user: 'root', exe: fx.sudo, ...spec } as BecomeSpec, cmd, stdin);
      if (timeoutMs && w.opts.become) w.opts.become.timeoutMs = timeoutMs;
      return conn().run(w.cmd, w.opts);
    };

    it('sudo with the right password: runs, stdin follows the password, prompt stripped', async () => {
      fx.setPassword(PASSWORD);
      const r = await run({ password: PASSWORD }, 'echo out; echo err >&2; cat', 'line1\nline2\n');
      expect(r).toEqual({ rc: 0, stdout: 'out\nline1\nline2\n', stderr: 'err\n' });
      expect(fx.attempts()).toBe(1);
    });

    it('sudo NOPASSWD with a password given: the password is never sent, stdin is intact', async () => {
      fx.setPassword('');
      const r = await run({ password: PASSWORD }, 'cat', 'data');
      expect(r).toEqual({ rc: 0, stdout: 'data', stderr: '' });
    });

    it('sudo without a password where none is needed', async () => {
      fx.setPassword('');
      expect(await run({}, 'cat; exit 4', 'x')).toEqual({ rc: 4, stdout: 'x', stderr: '' });
    });

    it('a wrong password fails fast, and stdin is never tried as a password', async () => {
      fx.setPassword(PASSWORD);
      const t0 = Date.now();
      const err = await run({ password: 'wrong' }, 'cat', 'secret-file-content\n').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BecomeError);
      expect((err as Error).message).toBe('Incorrect sudo password');
      expect(Date.now() - t0).toBeLessThan(2000);
      expect(fx.attempts()).toBe(1);
    });

    it('a missing password says so (sudo -n)', async () => {
      fx.setPassword(PASSWORD);
      const err = await run({}, 'true').catch((e: unknown) => e);
      expect((err as Error).message).toBe('Missing sudo password');
    });

    it('a missing password says so when the flags let sudo prompt, and stdin is not offered as one', async () => {
      fx.setPassword(PASSWORD);
      const t0 = Date.now();
      const err = await run({ flags: '-H' }, 'cat', 'not-a-password\n').catch((e: unknown) => e);
      expect((err as Error).message).toBe('Missing sudo password');
      expect(Date.now() - t0).toBeLessThan(1000);
      expect(fx.attempts()).toBe(0);
    });

    it('other sudo failures carry what sudo said', async () => {
      const err = await run({ user: 'nosuchuser' }, 'true').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BecomeError);
      expect((err as Error).message).toMatch(
        /^Privilege escalation \(sudo to nosuchuser\) failed \(rc=1\): sudo: unknown user/,
      );
    });

    it('an escalation that never answers times out with a clear message', async () => {
      writeFileSync(join(fx.dir, 'hang'), '');
      try {
        const err = await run({}, 'true', undefined, 300).catch((e: unknown) => e);
        expect((err as Error).message).toMatch(/^Timeout \(0s\) waiting for privilege escalation prompt/);
      } finally {
        unlinkSync(join(fx.dir, 'hang'));
      }
    });

    it('su: types the password at the terminal prompt and passes binary stdin untouched', async () => {
      fx.setPassword(PASSWORD);
      const data = Buffer.from([0, 3, 4, 10, 13, 17, 19, 21, 22, 26, 28, 127, 255, 65, 10]);
      const r = await run(
        { method: 'su', exe: fx.su, password: PASSWORD },
        'od -An -tx1 | tr -s " \\n" " "',
        data,
      );
      expect(r.rc).toBe(0);
      expect(r.stdout.trim()).toBe('00 03 04 0a 0d 11 13 15 16 1a 1c 7f ff 41 0a');
      expect(r.stdout).not.toContain(PASSWORD);
    });

    it('su: exit codes and output without stdin', async () => {
      fx.setPassword(PASSWORD);
      const r = await run({ method: 'su', exe: fx.su, password: PASSWORD }, 'echo hi; exit 3');
      expect(r).toEqual({ rc: 3, stdout: 'hi\n', stderr: '' });
    });

    it('su: wrong and missing passwords', async () => {
      fx.setPassword(PASSWORD);
      const wrong = await run({ method: 'su', exe: fx.su, password: 'nope' }, 'true').catch(
        (e: unknown) => e,
      );
      expect((wrong as Error).message).toBe('Incorrect su password');
      const missing = await run({ method: 'su', exe: fx.su }, 'true').catch((e: unknown) => e);
      expect((missing as Error).message).toBe('Missing su password');
    });
  });

  it('the debug log has the wrapped commands and never the password', () => {
    expect(debug.some((l) => l.includes('BECOME-SUCCESS-'))).toBe(true);
    expect(debug.join('\n')).not.toContain(PASSWORD);
  });
});

describe('become through long-lived shells (becomeAs)', () => {
  let fx: Fixture;
  let srv: TestServer;
  const debug: string[] = [];
  const conns: SshConnection[] = [];

  beforeAll(async () => {
    fx = fixture();
    srv = await startServer();
  });

  afterAll(async () => {
    for (const c of conns) c.close();
    await srv.close();
  });

  const open = async (): Promise<SshConnection> => {
    const c = await SshConnection.open({
      name: 'h',
      address: '127.0.0.1',
      port: srv.port,
      user: 'tester',
      keyFiles: [],
      hostKeyCheck: 'no',
      knownHostsFiles: [],
      connectTimeoutMs: 5000,
      debug: (l) => debug.push(l),
    });
    conns.push(c);
    return c;
  };

  const as = (spec: Partial<BecomeSpec>): BecomeSpec =>
    ({ method: 'sudo', user: 'root', exe: fx.sudo, ...spec }) as BecomeSpec;

  it('sudo: the password is given once, for the shell; every command then runs through it', async () => {
    fx.setPassword(PASSWORD);
    fx.attempts();
    const c = await open();
    const before = srv.commands.length;
    const spec = as({ password: PASSWORD });
    for (let i = 0; i < 5; i++) {
      expect(await c.run(`echo ${i}; echo e${i} >&2`, { becomeAs: spec })).toEqual({
        rc: 0,
        stdout: `${i}\n`,
        stderr: `e${i}\n`,
      });
    }
    const data = Buffer.from([0, 1, 2, 255, 10, 13]);
    const r = await c.run('od -An -tx1 | tr -s " \\n" " "', { becomeAs: spec, stdin: data });
    expect(r.stdout.trim()).toBe('00 01 02 ff 0a 0d');
    expect(fx.attempts()).toBe(1);
    const started = srv.commands.slice(before);
    expect(started).toHaveLength(1);
    expect(started[0]).toMatch(/^LC_ALL=C .*sudo -H -S -p '\[sudo via tsible, key=\w+\] password:' -u root /);
    // The connection user has its own shell beside it.
    expect((await c.run('echo plain')).stdout).toBe('plain\n');
    expect(srv.commands.slice(before)).toHaveLength(2);
  });

  it('sudo: a wrong password fails each command fast, no shell is kept, the connection stays fine', async () => {
    fx.setPassword(PASSWORD);
    fx.attempts();
    const c = await open();
    for (let i = 0; i < 2; i++) {
      const err = await c
        .run('cat', { becomeAs: as({ password: 'wrong' }), stdin: 'secret\n' })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BecomeError);
      expect((err as Error).message).toBe('Incorrect sudo password');
    }
    expect(fx.attempts()).toBe(2);
    expect((await c.run('echo still')).stdout).toBe('still\n');
    const missing = await c.run('true', { becomeAs: as({}) }).catch((e: unknown) => e);
    expect((missing as Error).message).toBe('Missing sudo password');
  });

  it('su: one terminal handshake for many commands; binary stdin intact; stderr kept apart', async () => {
    fx.setPassword(PASSWORD);
    const c = await open();
    const before = srv.commands.length;
    const spec = as({ method: 'su', exe: fx.su, password: PASSWORD });
    const data = Buffer.from([0, 3, 4, 10, 13, 17, 19, 21, 22, 26, 28, 127, 255, 65, 10]);
    const r = await c.run('od -An -tx1 | tr -s " \\n" " "', { becomeAs: spec, stdin: data });
    expect(r.stdout.trim()).toBe('00 03 04 0a 0d 11 13 15 16 1a 1c 7f ff 41 0a');
    expect(await c.run('echo hi; echo oops >&2; exit 3', { becomeAs: spec })).toEqual({
      rc: 3,
      stdout: 'hi\n',
      stderr: 'oops\n',
    });
    expect(srv.commands.slice(before)).toHaveLength(1);
    const wrong = await c
      .run('true', { becomeAs: as({ method: 'su', exe: fx.su, password: 'nope' }) })
      .catch((e: unknown) => e);
    expect((wrong as Error).message).toBe('Incorrect su password');
  });

  it('the debug log shows the shells’ start and the commands, never a password', () => {
    const all = debug.join('\n');
    expect(all).toContain('EXEC LC_ALL=C');
    expect(all).toContain('(as root) echo 0');
    expect(all).not.toContain(PASSWORD);
  });
});
