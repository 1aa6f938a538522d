// unarchive: archives made by the real tar/zip tools, read on the controller and on "the host" (local sh),
// extracted, then re-planned to prove idempotency; the readers against the tools' own listings.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unarchive } from '../../modules/unarchive.js';
import { memberFilter, readArchive } from '../../modules/_shared/files-archive.js';
import { makeCtx, runModule, tempDir } from './_harness.js';

const modeOf = (p: string) => (statSync(p).mode & 0o7777).toString(8).padStart(4, '0');

/** A source tree with awkward names, a symlink and a binary file, archived in every format. */
function archives(): { dir: string; files: Record<string, string> } {
  const dir = tempDir('tsible-arc-');
  const root = join(dir, 'src');
  mkdirSync(join(root, 'app', 'bin'), { recursive: true });
  mkdirSync(join(root, 'app', 'empty dir'));
  writeFileSync(join(root, 'app', 'README'), 'hello\n');
  writeFileSync(join(root, 'app', "it's $(touch pwned) ;`x`.txt"), 'quoted\n');
  writeFileSync(join(root, 'app', 'bin', 'tool'), Buffer.from([0, 255, 1, 2, 10]), { mode: 0o755 });
  writeFileSync(join(root, 'app', 'ünï.txt'), 'unicode\n');
  symlinkSync('README', join(root, 'app', 'link'));
  const files: Record<string, string> = {};
  const tar = (name: string, flag: string) => {
    execFileSync('tar', [`-c${flag}f`, join(dir, name), '-C', root, 'app']);
    files[name] = join(dir, name);
  };
  tar('app.tar', '');
  tar('app.tar.gz', 'z');
  tar('app.tar.xz', 'J');
  tar('app.tar.bz2', 'j');
  execFileSync('zip', ['-q', '-r', '-y', join(dir, 'app.zip'), 'app'], { cwd: root });
  files['app.zip'] = join(dir, 'app.zip');
  return { dir, files };
}

function checkTree(dest: string) {
  expect(readFileSync(join(dest, 'app', 'README'), 'utf8')).toBe('hello\n');
  expect(readFileSync(join(dest, 'app', "it's $(touch pwned) ;`x`.txt"), 'utf8')).toBe('quoted\n');
  expect(readFileSync(join(dest, 'app', 'bin', 'tool'))).toEqual(Buffer.from([0, 255, 1, 2, 10]));
  expect(readFileSync(join(dest, 'app', 'ünï.txt'), 'utf8')).toBe('unicode\n');
  expect(readlinkSync(join(dest, 'app', 'link'))).toBe('README');
  expect(statSync(join(dest, 'app', 'empty dir')).isDirectory()).toBe(true);
  expect(existsSync(join(dest, 'app', 'pwned'))).toBe(false);
}

describe('archive readers', () => {
  it.each(['app.tar', 'app.tar.gz', 'app.tar.xz', 'app.tar.bz2', 'app.zip'])(
    '%s lists the same members as the tool',
    (name) => {
      const { files } = archives();
      const a = readArchive(readFileSync(files[name]!));
      expect(a.handler).toBe(
        {
          'app.tar': 'TarArchive',
          'app.tar.gz': 'TgzArchive',
          'app.tar.xz': 'TarXzArchive',
          'app.tar.bz2': 'TarBzipArchive',
          'app.zip': 'ZipArchive',
        }[name],
      );
      const listing = name.endsWith('.zip')
        ? execFileSync('unzip', ['-Z1', files[name]!]).toString()
        : execFileSync('tar', ['-tf', files[name]!]).toString();
      const toolNames = listing
        .split('\n')
        .filter(Boolean)
        .map((n) => n.replace(/\/$/, ''))
        .sort();
      expect(a.entries.map((e) => e.rel).sort()).toEqual(toolNames);
      const tool = a.entries.find((e) => e.rel === 'app/bin/tool')!;
      expect(tool).toMatchObject({ type: 'file', size: 5, mode: 0o755 });
      expect(a.entries.find((e) => e.rel === 'app/link')).toMatchObject({
        type: 'link',
        linkTarget: 'README',
      });
    },
  );

  it('memberFilter applies include and exclude globs to paths and their parents', () => {
    const f = memberFilter(['app/bin'], ['*.tmp']);
    expect(['app/bin/x', 'app/bin/y.tmp', 'app/README'].filter(f)).toEqual(['app/bin/x']);
  });
});

describe('unarchive on this machine', () => {
  it.each(['app.tar', 'app.tar.gz', 'app.tar.xz', 'app.tar.bz2', 'app.zip'])(
    'controller %s: extracts, then ok',
    async (name) => {
      const { files } = archives();
      const dest = tempDir('tsible-dest-');
      const args = { src: files[name], dest, list_files: true };
      const first = await runModule(unarchive, args);
      expect(first.result).toMatchObject({ changed: true, dest, state: 'directory' });
      expect(first.result.files).toContain('app/README');
      expect(first.result.files).toContain('app/empty dir/');
      checkTree(dest);
      // The temporary archive beside dest is gone.
      expect(readdirSync(join(dest, '..')).filter((n) => n.startsWith('.tsible-unarchive'))).toEqual([]);
      const second = await runModule(unarchive, args);
      expect(second.plan.steps).toEqual([]);
      expect(second.result.changed).toBe(false);
      // A changed file is noticed and restored.
      writeFileSync(join(dest, 'app', 'README'), 'edited\n');
      const third = await runModule(unarchive, args);
      expect(third.result.changed).toBe(true);
      expect(readFileSync(join(dest, 'app', 'README'), 'utf8')).toBe('hello\n');
    },
  );

  it.each(['app.tar.gz', 'app.zip'])('remote_src %s with owner and mode: extracts, then ok', async (name) => {
    const { files } = archives();
    const dest = tempDir('tsible-dest-');
    const args = { src: files[name], dest, remote_src: true, owner: 'nobody', mode: 'u=rwX,g=rX,o=' };
    const first = await runModule(unarchive, args);
    expect(first.result).toMatchObject({ changed: true, extract_results: { rc: 0 } });
    checkTree(dest);
    expect(statSync(join(dest, 'app', 'README')).uid).not.toBe(0);
    expect(modeOf(join(dest, 'app', 'bin', 'tool'))).toBe('0750');
    expect(modeOf(join(dest, 'app', 'README'))).toBe('0640');
    const second = await runModule(unarchive, args);
    expect(second.plan.steps).toEqual([]);
  });

  it('creates, check mode, and failures', async () => {
    const { files } = archives();
    const dest = tempDir('tsible-dest-');
    const chk = await runModule(unarchive, { src: files['app.tar.gz'], dest }, makeCtx({ check: true }));
    expect(chk.result.changed).toBe(true);
    expect(readdirSync(dest)).toEqual([]);
    const skip = await runModule(unarchive, { src: files['app.tar.gz'], dest, creates: dest });
    expect(skip.result).toMatchObject({ skipped: true, msg: `skipped, since ${dest} exists` });
    expect(
      (await runModule(unarchive, { src: files['app.tar.gz'], dest: join(dest, 'no') })).result.msg,
    ).toBe(`dest '${join(dest, 'no')}' must be an existing dir`);
    expect((await runModule(unarchive, { src: '/nonexistent.tgz', dest, remote_src: true })).result.msg).toBe(
      "Source '/nonexistent.tgz' does not exist",
    );
    writeFileSync(join(dest, 'junk'), 'not an archive');
    expect(
      (await runModule(unarchive, { src: join(dest, 'junk'), dest, remote_src: true })).result.msg,
    ).toMatch(/^Failed to find handler for/);
  });

  it('exclude leaves members out', async () => {
    const { files } = archives();
    const dest = tempDir('tsible-dest-');
    const args = { src: files['app.tar.gz'], dest, exclude: ['*.txt'] };
    await runModule(unarchive, args);
    expect(existsSync(join(dest, 'app', 'ünï.txt'))).toBe(false);
    expect(existsSync(join(dest, 'app', 'README'))).toBe(true);
    expect((await runModule(unarchive, args)).plan.steps).toEqual([]);
  });
});
