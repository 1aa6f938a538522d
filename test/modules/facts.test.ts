// The fact commands run under the local /bin/sh (dash) against temp files, and their parsers read the output.
import { spawn } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync, chmodSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  aptCacheAge,
  cacheFresh,
  dirTree,
  dpkgStatus,
  fileContent,
  fileStat,
  globExists,
  parseDpkgStatus,
  parseServiceStatus,
  serviceStatus,
} from '../../src/facts/index.js';
import { runFact, runSh, tempDir } from './_harness.js';

const NASTY = ['sp ace', 'new\nline', "quo'te", 'dollar$(touch PWNED)', 'back`id`tick', 'semi;colon'];

describe('fileStat', () => {
  it('reports type, mode, owner, size and sha1 for awkward names, and nothing runs from them', () => {
    const d = tempDir();
    for (const n of NASTY) writeFileSync(join(d, n), `content of ${n}`);
    chmodSync(join(d, 'sp ace'), 0o4750);
    const stats = runFact(fileStat([...NASTY.map((n) => join(d, n)), join(d, 'missing')]));
    expect(stats).toHaveLength(NASTY.length + 1);
    for (const [i, n] of NASTY.entries()) {
      const s = stats[i]!;
      expect(s.path).toBe(join(d, n));
      expect(s.exists).toBe(true);
      expect(s.type).toBe('file');
      expect(s.size).toBe(`content of ${n}`.length);
      expect(s.checksum).toBe(
        runSh(`printf %s 'content of ${n.replace(/'/g, `'\\''`)}' | sha1sum`).stdout.slice(0, 40),
      );
      expect(s.owner).toBe(runSh('id -un').stdout.trim());
    }
    expect(stats[0]!.mode).toBe('4750');
    expect(stats.at(-1)).toEqual({ path: join(d, 'missing'), exists: false });
    expect(existsSync(join(d, 'PWNED'))).toBe(false);
    expect(existsSync('PWNED')).toBe(false);
  });

  it('sees links (dangling too) without following, and follows on request', () => {
    const d = tempDir();
    writeFileSync(join(d, 'target file'), 'x');
    symlinkSync('target file', join(d, 'li nk'));
    symlinkSync('nowhere\nat all', join(d, 'dangling'));
    mkdirSync(join(d, 'dir'), { mode: 0o2775 });
    chmodSync(join(d, 'dir'), 0o2775);
    const [link, dangling, dir] = runFact(fileStat([join(d, 'li nk'), join(d, 'dangling'), join(d, 'dir')]));
    expect(link).toMatchObject({
      exists: true,
      type: 'link',
      linkTarget: 'target file',
      realPath: join(d, 'target file'),
    });
    expect(link!.checksum).toBeUndefined();
    expect(dangling).toMatchObject({ exists: true, type: 'link', linkTarget: 'nowhere\nat all' });
    expect(dir).toMatchObject({ type: 'directory', mode: '2775', executable: true });
    const [followed] = runFact(fileStat([join(d, 'li nk')], { follow: true, checksum: 'sha256' }));
    expect(followed).toMatchObject({ type: 'file', size: 1, linkTarget: 'target file' });
    expect(followed!.checksum).toBe('2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881');
  });

  it('handles an empty path list', () => {
    expect(runFact(fileStat([]))).toEqual([]);
  });
});

describe('fileContent', () => {
  it('returns binary bytes intact and marks truncation', () => {
    const d = tempDir();
    const bytes = Buffer.from([0, 1, 2, 255, 10, 13, 0x27]);
    writeFileSync(join(d, "bin'ary"), bytes);
    expect(runFact(fileContent(join(d, "bin'ary"), 100))).toEqual({
      exists: true,
      size: 7,
      content: bytes,
      truncated: false,
    });
    const cut = runFact(fileContent(join(d, "bin'ary"), 3));
    expect(cut.content).toEqual(bytes.subarray(0, 3));
    expect(cut.truncated).toBe(true);
    expect(runFact(fileContent(join(d, 'nope'), 10)).exists).toBe(false);
    expect(runFact(fileContent(d, 10)).exists).toBe(false);
  });
});

describe('dirTree', () => {
  it('lists every entry with NUL-safe names and sha1 of files', () => {
    const d = tempDir();
    mkdirSync(join(d, 'a dir/sub'), { recursive: true });
    writeFileSync(join(d, 'a dir/sub/new\nline $(x)'), 'hi\n');
    writeFileSync(join(d, 'top'), '');
    chmodSync(join(d, 'top'), 0o600);
    const t = runFact(dirTree(`${d}/`));
    expect(t.exists).toBe(true);
    expect([...t.entries.keys()].sort()).toEqual([
      '',
      'a dir',
      'a dir/sub',
      'a dir/sub/new\nline $(x)',
      'top',
    ]);
    expect(t.entries.get('a dir/sub/new\nline $(x)')).toMatchObject({
      type: 'file',
      size: 3,
      sha1: '55ca6286e3e4f4fba5d0448333fa99fc5a404a73',
    });
    expect(t.entries.get('top')).toMatchObject({
      mode: '0600',
      sha1: 'da39a3ee5e6b4b0d3255bfef95601890afd80709',
    });
    expect(t.entries.get('a dir')!.type).toBe('directory');
  });

  it('says when the root is missing or not a directory', () => {
    const d = tempDir();
    writeFileSync(join(d, 'f'), 'x');
    const none = runFact(dirTree(join(d, 'none')));
    expect(none.exists).toBe(false);
    expect(none.rootType).toBeUndefined();
    expect(runFact(dirTree(join(d, 'f')))).toMatchObject({ exists: false, rootType: 'file' });
  });
});

describe('globExists', () => {
  it('globs relative to chdir, never executes the pattern, and reports a bad chdir', () => {
    const d = tempDir();
    writeFileSync(join(d, 'app.log'), '');
    expect(runFact(globExists('*.log', d))).toEqual({ chdirFailed: false, exists: true });
    expect(runFact(globExists(join(d, '*.txt')))).toEqual({ chdirFailed: false, exists: false });
    expect(runFact(globExists(`$(touch ${d}/PWNED)*`, d)).exists).toBe(false);
    expect(runFact(globExists('`touch PWNED`; touch PWNED2', d)).exists).toBe(false);
    expect(existsSync(join(d, 'PWNED'))).toBe(false);
    expect(existsSync(join(d, 'PWNED2'))).toBe(false);
    expect(runFact(globExists('x', join(d, 'no such')))).toEqual({ chdirFailed: true, exists: false });
    writeFileSync(join(d, 'with space'), '');
    expect(runFact(globExists('with space', d)).exists).toBe(true);
  });

  it('expands ~/ to the home directory', () => {
    expect(runFact(globExists('~/')).exists).toBe(true);
  });
});

describe.runIf(existsSync('/usr/bin/dpkg-query'))('dpkgStatus (this machine is Debian)', () => {
  it('reports installed packages and tolerates unknown names', () => {
    const s = runFact(dpkgStatus(['dash', 'no-such-package-tsible', 'coreutils']));
    expect(s.missing).toBe(false);
    expect(s.packages.dash).toMatchObject({ installed: true, status: 'install ok installed' });
    expect(s.packages.dash!.version).toMatch(/^\d/);
    expect(s.packages['no-such-package-tsible']).toMatchObject({ installed: false, version: '' });
    expect(s.packages.coreutils!.installed).toBe(true);
  });
});

describe('parseDpkgStatus', () => {
  it('knows config-files, arch-qualified names and a missing dpkg', () => {
    const out =
      'nginx\tnginx\t1.22\tdeinstall ok config-files\nlibc6:amd64\tlibc6\t2.36\tinstall ok installed\n';
    const s = parseDpkgStatus(['nginx', 'libc6', 'libc6:amd64'], out, 1);
    expect(s.packages.nginx).toMatchObject({ installed: false, configFiles: true, version: '' });
    expect(s.packages.libc6).toMatchObject({ installed: true, version: '2.36' });
    expect(s.packages['libc6:amd64']!.installed).toBe(true);
    expect(parseDpkgStatus(['x'], '', 127).missing).toBe(true);
  });
});

describe('aptCacheAge', () => {
  it('reads the host clock and a list mtime when apt has lists', () => {
    const a = runFact(aptCacheAge());
    expect(Math.abs(a.now - Date.now() / 1000)).toBeLessThan(5);
    if (existsSync('/var/lib/apt/lists')) expect(a.mtime).toBeTypeOf('number');
    expect(cacheFresh({ now: 1000, mtime: 900 }, 3600)).toBe(true);
    expect(cacheFresh({ now: 10000, mtime: 900 }, 3600)).toBe(false);
    expect(cacheFresh({ now: 1000, mtime: 999 }, 0)).toBe(false);
    expect(cacheFresh({ now: 1000 }, 3600)).toBe(false);
  });
});

describe('serviceStatus', () => {
  it('parses sysv output: status rc, S links, other links', () => {
    expect(parseServiceStatus('manager=sysv\nscript=yes\nstatus=0\nenabled=yes\nlinks=yes\n')).toMatchObject({
      manager: 'sysv',
      exists: true,
      running: true,
      enabled: true,
      hasLinks: true,
    });
    expect(parseServiceStatus('manager=sysv\nscript=yes\nstatus=3\nlinks=yes\n')).toMatchObject({
      running: false,
      enabled: false,
    });
    expect(parseServiceStatus('manager=sysv\nscript=yes\nstatus=4\n').running).toBeUndefined();
    expect(parseServiceStatus('manager=sysv\n').exists).toBe(false);
  });

  it('parses systemd properties', () => {
    const s = parseServiceStatus(
      'manager=systemd\nLoadState=loaded\nActiveState=active\nSubState=running\nUnitFileState=enabled\n',
    );
    expect(s).toMatchObject({
      manager: 'systemd',
      exists: true,
      running: true,
      enabled: true,
      masked: false,
    });
    expect(parseServiceStatus('manager=systemd\nLoadState=not-found\nActiveState=inactive\n').exists).toBe(
      false,
    );
    expect(parseServiceStatus('manager=systemd\nLoadState=masked\nUnitFileState=masked\n')).toMatchObject({
      masked: true,
      enabled: false,
    });
  });

  it('runs against this machine: an unknown service does not exist', () => {
    const s = runFact(serviceStatus("no-such-svc 'x'"));
    expect(s.exists).toBe(false);
    expect(s.enabled).toBe(false);
  });

  it('finds a process by pattern without matching its own shells', async () => {
    const marker = `tsible-pattern-${process.pid}-${Date.now()}`;
    // A real process whose command line carries the marker.
    const child = spawn('/bin/sh', ['-c', `sleep 30; : ${marker}`], { stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 150));
      const s = runFact(serviceStatus('no-such-svc', { pattern: marker, use: 'sysv' }));
      expect(s.pids).toEqual([child.pid]);
      expect(s.running).toBe(true);
      const none = runFact(serviceStatus('no-such-svc', { pattern: `${marker}-absent`, use: 'sysv' }));
      expect(none.pids).toEqual([]);
      expect(none.running).toBe(false);
    } finally {
      child.kill();
    }
  });
});
