// authorized_key: key line parsing and editing, and the module run for real on a temp keys file as root.
import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { authorized_key } from '../../modules/authorized_key.js';
import { editKeys, formatKey, parseKey, parseOptions } from '../../modules/_shared/ssh-keys.js';
import { makeCtx, runModule, tempDir } from './_harness.js';

const K1 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKey1 alice@laptop';
const K2 = 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQKey2 bob';
const K3 = 'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYKey3';

describe('key lines', () => {
  it('parses options, type, blob and comment', () => {
    expect(parseKey(`no-pty,from="10.0.0.*,192.168.1.1",command="echo a b" ${K1}`)).toEqual({
      type: 'ssh-ed25519',
      blob: 'AAAAC3NzaC1lZDI1NTE5AAAAIKey1',
      options: [
        ['no-pty', null],
        ['from', '"10.0.0.*,192.168.1.1"'],
        ['command', '"echo a b"'],
      ],
      comment: 'alice@laptop',
    });
    expect(parseKey('# a comment')).toBeUndefined();
    expect(parseKey('not a key')).toBeUndefined();
    expect(parseOptions('a,b="x,y"')).toEqual([
      ['a', null],
      ['b', '"x,y"'],
    ]);
    expect(formatKey(parseKey(`no-pty ${K2}`)!)).toBe(`no-pty ${K2}`);
  });

  const k = (line: string) => parseKey(line)!;
  it.each([
    ['adds a new key at the end', `${K1}\n`, [k(K2)], 'present', false, `${K1}\n${K2}\n`],
    ['leaves a present key alone', `# keys\n${K1}\n`, [k(K1)], 'present', false, undefined],
    [
      'rewrites a key whose comment differs, in place',
      `${K1}\n${K2}\n`,
      [k(`${K1}x`)],
      'present',
      false,
      `${K1}x\n${K2}\n`,
    ],
    ['removes every copy', `${K1}\n${K2}\n${K1}\n`, [k(K1)], 'absent', false, `${K2}\n`],
    ['absent of a missing key', `${K2}\n`, [k(K1)], 'absent', false, undefined],
    [
      'exclusive keeps only the given keys (and drops comments)',
      `# c\n${K1}\n${K2}\n`,
      [k(K2), k(K3)],
      'present',
      true,
      `${K2}\n${K3}\n`,
    ],
    ['exclusive with exactly the keys', `${K2}\n${K3}\n`, [k(K3), k(K2)], 'present', true, undefined],
  ])('%s', (_n, text, keys, state, exclusive, after) => {
    expect(editKeys(text, { keys, state: state as 'present' | 'absent', exclusive })).toBe(after);
  });
});

describe('authorized_key on a temp file (as root)', () => {
  it('creates dir and file with 0700/0600, is idempotent, honours key_options and exclusive', async () => {
    const dir = tempDir();
    const path = join(dir, 'ssh', 'authorized_keys');
    const args = { user: 'root', key: `${K1}\n${K2}`, path };
    const r1 = await runModule(authorized_key, args, makeCtx({ diff: true }));
    expect(r1.result).toMatchObject({ changed: true, keyfile: path, user: 'root' });
    expect(r1.plan.diff?.[0]).toMatchObject({ before: '', after: `${K1}\n${K2}\n` });
    expect(readFileSync(path, 'utf8')).toBe(`${K1}\n${K2}\n`);
    expect((statSync(path).mode & 0o777).toString(8)).toBe('600');
    expect((statSync(join(dir, 'ssh')).mode & 0o777).toString(8)).toBe('700');
    expect((await runModule(authorized_key, args)).result.changed).toBe(false);

    const opts = { ...args, key: K1, key_options: 'no-pty,from="10.*"' };
    expect((await runModule(authorized_key, opts)).result.changed).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe(`no-pty,from="10.*" ${K1}\n${K2}\n`);
    expect((await runModule(authorized_key, opts)).result.changed).toBe(false);

    const excl = { user: 'root', key: K3, path, exclusive: true };
    expect((await runModule(authorized_key, excl)).result.changed).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe(`${K3}\n`);
    expect((await runModule(authorized_key, { ...excl, state: 'absent' })).result.changed).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe('');
  });

  it('check mode writes nothing; follow writes through a symlink', async () => {
    const dir = tempDir();
    const real = join(dir, 'real_keys');
    const link = join(dir, 'authorized_keys');
    writeFileSync(real, `${K2}\n`);
    symlinkSync(real, link);
    const chk = await runModule(
      authorized_key,
      { user: 'root', key: K1, path: link, follow: true },
      makeCtx({ check: true }),
    );
    expect(chk.result.changed).toBe(true);
    expect(readFileSync(real, 'utf8')).toBe(`${K2}\n`);
    await runModule(authorized_key, { user: 'root', key: K1, path: link, follow: true });
    expect(readFileSync(real, 'utf8')).toBe(`${K2}\n${K1}\n`);
  });

  it('fails for an unknown user, an invalid key, or without the directory when manage_dir is off for absent', async () => {
    const r = await runModule(authorized_key, { user: 'no-such-user-xyz', key: K1 });
    expect(r.result).toMatchObject({
      failed: true,
      msg: 'Failed to lookup user no-such-user-xyz: no such user',
    });
    const dir = tempDir();
    const bad = await runModule(authorized_key, { user: 'root', key: 'ssh-foo AAAA', path: join(dir, 'k') });
    expect(bad.result.msg).toBe('invalid key specified: ssh-foo AAAA');
    const canary = join(dir, 'pwned');
    const evil = await runModule(authorized_key, {
      user: 'root',
      key: `${K1} $(touch ${canary})`,
      path: join(dir, 'k2'),
    });
    expect(evil.result.changed).toBe(true);
    expect(existsSync(canary)).toBe(false);
    expect(readFileSync(join(dir, 'k2'), 'utf8')).toBe(`${K1} $(touch ${canary})\n`);
    mkdirSync(join(dir, 'x'));
  });
});
