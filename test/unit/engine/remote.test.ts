// The remote scripts run for real under /bin/sh on temp dirs: atomic puts and one-round-trip facts.
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { putScript, readFacts, type Runner } from '../../../src/engine/remote.js';
import { LocalConnection } from '../../../src/transport/local.js';

const conn = new LocalConnection('local');
const run: Runner = (cmd, stdin) => conn.run(`umask 022; ${cmd}`, { stdin });

describe('putScript', () => {
  it('writes a new file with the umask default mode and leaves no temporary file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'put-'));
    const dest = join(dir, `it's a "file" $HOME;x`);
    const r = await run(
      putScript({ kind: 'put', dest, content: Buffer.from('hello\n') }),
      Buffer.from('hello\n'),
    );
    expect(r.rc).toBe(0);
    expect(readFileSync(dest, 'utf8')).toBe('hello\n');
    expect(statSync(dest).mode & 0o777).toBe(0o644);
    expect(readdirSync(dir)).toEqual([`it's a "file" $HOME;x`]);
  });

  it('refuses a truncated transfer and leaves the old file in place', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'put-'));
    const dest = join(dir, 'f');
    writeFileSync(dest, 'old content');
    const full = Buffer.from('new content that is longer');
    const r = await run(putScript({ kind: 'put', dest, content: full }), full.subarray(0, 10));
    expect(r.rc).not.toBe(0);
    expect(r.stderr).toContain('incomplete transfer');
    expect(readFileSync(dest, 'utf8')).toBe('old content');
    expect(readdirSync(dir)).toEqual(['f']);
  });

  it('keeps the mode of an existing file unless a mode is given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'put-'));
    const dest = join(dir, 'f');
    writeFileSync(dest, 'old');
    chmodSync(dest, 0o600);
    await run(putScript({ kind: 'put', dest, content: Buffer.from('new') }), 'new');
    expect(statSync(dest).mode & 0o777).toBe(0o600);
    await run(putScript({ kind: 'put', dest, content: Buffer.from('newer'), mode: 'u=rw,g=r,o=' }), 'newer');
    expect(statSync(dest).mode & 0o777).toBe(0o640);
    expect(readFileSync(dest, 'utf8')).toBe('newer');
  });

  it('does not replace the file when validation fails, and cleans up', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'put-'));
    const dest = join(dir, 'conf');
    writeFileSync(dest, 'good\n');
    const r = await run(
      putScript({ kind: 'put', dest, content: Buffer.from('bad\n'), validate: 'grep -q good %s' }),
      'bad\n',
    );
    expect(r.rc).not.toBe(0);
    expect(r.stderr).toContain('validation failed');
    expect(readFileSync(dest, 'utf8')).toBe('good\n');
    expect(readdirSync(dir)).toEqual(['conf']);
    const ok = await run(
      putScript({ kind: 'put', dest, content: Buffer.from('still good\n'), validate: 'grep -q good %s' }),
      'still good\n',
    );
    expect(ok.rc).toBe(0);
    expect(readFileSync(dest, 'utf8')).toBe('still good\n');
  });

  it('keeps a backup copy when asked and reports its name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'put-'));
    const dest = join(dir, 'b');
    writeFileSync(dest, 'v1');
    const r = await run(putScript({ kind: 'put', dest, content: Buffer.from('v2'), backup: true }), 'v2');
    const backup = /^backup_file=(.*)$/m.exec(r.stdout)?.[1];
    expect(backup).toBeDefined();
    expect(existsSync(backup!)).toBe(true);
    expect(readFileSync(backup!, 'utf8')).toBe('v1');
    expect(readFileSync(dest, 'utf8')).toBe('v2');
  });
});

describe('readFacts', () => {
  it('runs several facts in one round trip and gives each its own output and exit code', async () => {
    let calls = 0;
    const counting: Runner = (cmd, stdin) => {
      calls++;
      return run(cmd, stdin);
    };
    const facts = await readFacts(counting, {
      a: { cmd: 'echo one', parse: (o) => o },
      b: { cmd: "printf 'no newline'", parse: (o) => o },
      c: { cmd: 'echo partial; exit 7', parse: (o) => o },
      d: { cmd: 'cat', parse: (o) => o },
    });
    expect(calls).toBe(1);
    expect(facts.a).toEqual({ rc: 0, stdout: 'one\n', stderr: '' });
    expect(facts.b).toEqual({ rc: 0, stdout: 'no newline', stderr: '' });
    expect(facts.c).toEqual({ rc: 7, stdout: 'partial\n', stderr: '' });
    // stdin is closed for facts, so a command reading it cannot hang the round trip.
    expect(facts.d).toEqual({ rc: 0, stdout: '', stderr: '' });
  });
});
