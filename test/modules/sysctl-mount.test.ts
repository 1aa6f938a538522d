// sysctl and mount: their file editing as pure functions, and the modules run for real on temp files
// (no reload, no sysctl -w, no mounting: the controller's kernel and mounts are not touched).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mount } from '../../modules/mount.js';
import { sysctl } from '../../modules/sysctl.js';
import { editSysctl, readSysctl, sameValue, sysctlValue } from '../../modules/_shared/sysctl-conf.js';
import {
  escapeFstab,
  findEntry,
  parseMountinfo,
  removeEntry,
  setEntry,
  unescapeFstab,
} from '../../modules/_shared/fstab.js';
import type { TextFile } from '../../src/facts/text-file.js';
import { makeCtx, planWith, runModule, shWords, tempDir } from './_harness.js';

describe('sysctl.conf editing', () => {
  it('normalises values like Ansible', () => {
    expect(sysctlValue('yes')).toBe('1');
    expect(sysctlValue('Off')).toBe('0');
    expect(sysctlValue(' 4096 87380 ')).toBe('4096 87380');
    expect(sameValue('4096\t87380  6291456', '4096 87380 6291456')).toBe(true);
  });

  it('reads keys (last one wins), replaces in place, appends, removes', () => {
    const text = '# c\n; c2\nnet.ipv4.ip_forward = 0\nvm.swappiness=60\nnet.ipv4.ip_forward=1\n';
    expect(readSysctl(text).get('net.ipv4.ip_forward')).toBe('1');
    expect(editSysctl(text, 'vm.swappiness', '10')).toBe(
      '# c\n; c2\nnet.ipv4.ip_forward = 0\nvm.swappiness=10\nnet.ipv4.ip_forward=1\n',
    );
    expect(editSysctl(text, 'net.ipv4.ip_forward', '1')).toBe(
      '# c\n; c2\nnet.ipv4.ip_forward=1\nvm.swappiness=60\n',
    );
    expect(editSysctl('', 'a.b', '1')).toBe('a.b=1\n');
    expect(editSysctl(text, 'vm.swappiness', undefined)).toBe(
      '# c\n; c2\nnet.ipv4.ip_forward = 0\nnet.ipv4.ip_forward=1\n',
    );
  });
});

describe('sysctl module', () => {
  it('writes the file (no reload), then is ok; absent removes', async () => {
    const file = join(tempDir(), 'sysctl.conf');
    writeFileSync(file, '# keep\n');
    const args = { name: 'net.ipv4.ip_forward', value: 'yes', sysctl_file: file, reload: false };
    const r = await runModule(sysctl, args);
    expect(r.result.changed).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe('# keep\nnet.ipv4.ip_forward=1\n');
    expect((await runModule(sysctl, args)).result.changed).toBe(false);
    expect((await runModule(sysctl, { ...args, value: '1' })).result.changed).toBe(false);
    expect(
      (
        await runModule(sysctl, {
          name: 'net.ipv4.ip_forward',
          state: 'absent',
          sysctl_file: file,
          reload: false,
        })
      ).result.changed,
    ).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe('# keep\n');
  });

  const nowFile = (text: string): TextFile => ({
    path: '/etc/sysctl.conf',
    exists: true,
    text,
    content: { exists: true, size: text.length, content: Buffer.from(text), truncated: false },
    stat: { path: '/etc/sysctl.conf', exists: true, type: 'file', mode: '0644' },
    tooLarge: false,
  });

  it.each([
    [
      'file and live value both differ: write, sysctl -w, reload',
      '',
      '0',
      true,
      ['put', 'sysctl -w -- vm.swappiness=10', 'sysctl -p /etc/sysctl.conf'],
    ],
    ['only the live value differs', 'vm.swappiness=10\n', '60', true, ['sysctl -w -- vm.swappiness=10']],
    ['nothing differs', 'vm.swappiness = 10\n', '10', false, []],
    [
      'unknown key: set it (and fail there)',
      'vm.swappiness=10\n',
      undefined,
      true,
      ['sysctl -w -- vm.swappiness=10'],
    ],
  ])('%s', async (_n, text, live, changed, cmds) => {
    const p = await planWith(
      sysctl,
      { name: 'vm.swappiness', value: '10', sysctl_set: true },
      { file: nowFile(text), live },
    );
    expect(p.changed).toBe(changed);
    expect(p.steps.map((s) => (s.kind === 'run' ? shWords(s.cmd).join(' ') : s.kind))).toEqual(cmds);
  });

  it('requires value for present and rejects a typo', async () => {
    await expect(planWith(sysctl, { name: 'a' }, {})).rejects.toThrow(
      /state is present but all of the following are missing: value/,
    );
    await expect(planWith(sysctl, { name: 'a', value: '1', sysctl_sett: true }, {})).rejects.toThrow(
      /sysctl_set/,
    );
  });
});

describe('fstab editing', () => {
  it('escapes spaces and backslashes both ways', () => {
    expect(escapeFstab('/mnt/a b\\c')).toBe('/mnt/a\\040b\\134c');
    expect(unescapeFstab('/mnt/a\\040b\\134c')).toBe('/mnt/a b\\c');
  });

  const e = { src: 'tmpfs', path: '/mnt/a b', fstype: 'tmpfs', opts: 'size=1m', dump: '0', passno: '0' };
  it('appends, finds, keeps an equal line verbatim, rewrites a different one, removes', () => {
    const text = '# fstab\nUUID=1 / ext4 errors=remount-ro 0 1\n';
    const added = setEntry(text, e)!;
    expect(added).toBe(`${text}tmpfs /mnt/a\\040b tmpfs size=1m 0 0\n`);
    expect(findEntry(added, '/mnt/a b')).toMatchObject({ src: 'tmpfs' });
    expect(setEntry(added.replace('size=1m 0 0', 'size=1m   0   0'), e)).toBeUndefined();
    expect(setEntry(added, { ...e, opts: 'size=2m' })).toBe(`${text}tmpfs /mnt/a\\040b tmpfs size=2m 0 0\n`);
    expect(removeEntry(added, '/mnt/a b')).toBe(text);
    expect(removeEntry(text, '/mnt/a b')).toBeUndefined();
  });

  it('reads mountinfo with escaped mount points', () => {
    const m = parseMountinfo('106 47 0:59 / /mnt/a\\040b rw,relatime - tmpfs tmpfs rw,size=1024k\n');
    expect(m.get('/mnt/a b')).toEqual({ fstype: 'tmpfs', src: 'tmpfs' });
  });
});

describe('mount module', () => {
  it('present edits a custom fstab only; boot=no adds noauto; absent removes the entry', async () => {
    const dir = tempDir();
    const fstab = join(dir, 'fstab');
    writeFileSync(fstab, '# test\n');
    const args = {
      path: join(dir, 'mnt point'),
      src: 'tmpfs',
      fstype: 'tmpfs',
      opts: 'defaults',
      state: 'present',
      fstab,
      boot: false,
    };
    const r = await runModule(mount, args);
    expect(r.result).toMatchObject({ changed: true, opts: 'noauto', fstab });
    expect(readFileSync(fstab, 'utf8')).toBe(`# test\ntmpfs ${dir}/mnt\\040point tmpfs noauto 0 0\n`);
    expect((await runModule(mount, args)).result.changed).toBe(false);
    const gone = await runModule(mount, { path: join(dir, 'mnt point'), state: 'absent', fstab });
    expect(gone.result.changed).toBe(true);
    expect(readFileSync(fstab, 'utf8')).toBe('# test\n');
  });

  it('mounted plans mkdir, the fstab write and mount -T; check mode changes nothing', async () => {
    const dir = tempDir();
    const fstab = join(dir, 'fstab');
    writeFileSync(fstab, '');
    const args = { path: join(dir, 'm'), src: 'tmpfs', fstype: 'tmpfs', state: 'mounted', fstab };
    const r = await runModule(mount, args, makeCtx({ check: true }));
    expect(r.result.changed).toBe(true);
    expect(r.plan.steps.map((s) => (s.kind === 'run' ? shWords(s.cmd) : s.kind))).toEqual([
      ['mkdir', '-p', '--', join(dir, 'm')],
      'put',
      ['mount', '-T', fstab, '--', join(dir, 'm')],
    ]);
    expect(readFileSync(fstab, 'utf8')).toBe('');
  });

  it('requires src and fstype for present/mounted', async () => {
    await expect(planWith(mount, { path: '/x', state: 'mounted' }, {})).rejects.toThrow(/src, fstype/);
  });
});
