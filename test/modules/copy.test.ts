// copy: planner tables and real local runs (facts and steps under /bin/sh), each followed by an idempotency re-run.
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
  lstatSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copy } from '../../modules/copy.js';
import { applySymbolic, parseMode, resolveMode } from '../../modules/_shared/mode.js';
import { makeCtx, planWith, runModule, tempDir } from './_harness.js';

const modeOf = (p: string) => (statSync(p).mode & 0o7777).toString(8).padStart(4, '0');
const NOBODY = 'nobody';

/** Run twice: the first run changes, the second plans no steps and reports ok. */
async function converge(args: Record<string, unknown>, ctx = makeCtx()) {
  const first = await runModule(copy, args, ctx);
  const second = await runModule(copy, args, ctx);
  expect(second.plan.steps).toEqual([]);
  expect(second.result.changed).toBe(false);
  return { first, second };
}

describe('copy content', () => {
  it('creates a file with mode, reports the Ansible result, then is idempotent', async () => {
    const d = tempDir();
    const dest = join(d, "new 'file'.txt");
    const { first, second } = await converge({ content: 'hello\n', dest, mode: '0640' });
    expect(first.result).toMatchObject({
      changed: true,
      dest,
      checksum: 'f572d396fae9206628714fb2ce00f72e94f2258f',
      md5sum: 'b1946ac92492d2347c6235b4d2611184',
      size: 6,
      mode: '0640',
      state: 'file',
    });
    expect(first.plan.effects).toEqual({ files: [dest] });
    expect(readFileSync(dest, 'utf8')).toBe('hello\n');
    expect(modeOf(dest)).toBe('0640');
    expect(second.result).toMatchObject({
      mode: '0640',
      owner: 'root',
      uid: 0,
      checksum: first.result.checksum,
    });
  });

  it('replaces changed content with a diff and a backup', async () => {
    const d = tempDir();
    const dest = join(d, 'conf');
    writeFileSync(dest, 'line1\nline2\n');
    chmodSync(dest, 0o600);
    const { first } = await converge(
      { content: 'new content\n', dest, backup: true },
      makeCtx({ diff: true }),
    );
    expect(first.plan.diff).toEqual([
      { before: 'line1\nline2\n', after: 'new content\n', beforeHeader: dest },
    ]);
    expect(first.plan.steps).toMatchObject([{ kind: 'put', backup: true }]);
    const backup = String(first.result.backup_file);
    expect(backup).toMatch(new RegExp(`^${dest}\\.\\d+\\.\\d{4}-\\d\\d-\\d\\d@\\d\\d:\\d\\d:\\d\\d~$`));
    expect(readFileSync(backup, 'utf8')).toBe('line1\nline2\n');
    expect(readFileSync(dest, 'utf8')).toBe('new content\n');
    // No mode given: the replaced file keeps its own.
    expect(modeOf(dest)).toBe('0600');
  });

  it('fixes only mode and owner when the content is right (no put)', async () => {
    const d = tempDir();
    const dest = join(d, 'f');
    writeFileSync(dest, 'same');
    chmodSync(dest, 0o644);
    const { first } = await converge({ content: 'same', dest, mode: 'u=rw,g=,o=', owner: NOBODY });
    expect(first.plan.steps.map((s) => s.kind)).toEqual(['run', 'run']);
    expect(first.plan.steps.map((s) => (s.kind === 'run' ? s.cmd.split(' ')[0] : ''))).toEqual([
      'chown',
      'chmod',
    ]);
    expect(modeOf(dest)).toBe('0600');
    expect(statSync(dest).uid).not.toBe(0);
  });

  it('check mode plans without touching the host', async () => {
    const d = tempDir();
    const dest = join(d, 'f');
    const r = await runModule(copy, { content: 'x', dest }, makeCtx({ check: true }));
    expect(r.result.changed).toBe(true);
    expect(existsSync(dest)).toBe(false);
  });

  it('force=false leaves an existing different file alone', async () => {
    const d = tempDir();
    const dest = join(d, 'f');
    writeFileSync(dest, 'mine');
    const r = await runModule(copy, { content: 'theirs', dest, force: false });
    expect(r.plan.steps).toEqual([]);
    expect(r.result.changed).toBe(false);
    expect(readFileSync(dest, 'utf8')).toBe('mine');
  });

  it('fails for a missing parent directory and for content into a directory', async () => {
    const d = tempDir();
    const r = await runModule(copy, { content: 'x', dest: join(d, 'no/such/f') });
    expect(r.result).toMatchObject({
      failed: true,
      msg: `Destination directory ${join(d, 'no/such')} does not exist`,
    });
    const r2 = await runModule(copy, { content: 'x', dest: `${d}/` });
    expect(r2.result).toMatchObject({ failed: true, msg: 'can not use content with a dir as dest' });
    const r3 = await runModule(copy, { content: 'x', dest: d });
    expect(r3.result.msg).toBe('can not use content with a dir as dest');
  });

  it('skips diffs of binary or large content with Ansible messages', async () => {
    const d = tempDir();
    const ctx = makeCtx({ diff: true, check: true });
    const bin = await runModule(copy, { content: 'a\u0000b', dest: join(d, 'b') }, ctx);
    expect(bin.plan.diff?.[0]?.skipReason).toBe('diff skipped: source file appears to be binary');
    writeFileSync(join(d, 'big'), 'x'.repeat(200000));
    const big = await runModule(copy, { content: 'small', dest: join(d, 'big') }, ctx);
    expect(big.plan.diff?.[0]?.skipReason).toBe('diff skipped: destination file size is greater than 104448');
    expect(big.plan.diff?.[0]?.before).toBe('');
  });

  it('writes through a symlink with follow, replaces the link without', async () => {
    const d = tempDir();
    writeFileSync(join(d, 'real'), 'old');
    symlinkSync('real', join(d, 'link'));
    await converge({ content: 'via link', dest: join(d, 'link'), follow: true });
    expect(lstatSync(join(d, 'link')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(d, 'real'), 'utf8')).toBe('via link');
    await converge({ content: 'replaced', dest: join(d, 'link') });
    expect(lstatSync(join(d, 'link')).isFile()).toBe(true);
    expect(readFileSync(join(d, 'real'), 'utf8')).toBe('via link');
  });
});

describe('copy src (controller file)', () => {
  it('copies a binary file into a directory dest ending in / (created), then is idempotent', async () => {
    const src = join(tempDir('tsible-src-'), 'blob.bin');
    const bytes = Buffer.from([0, 255, 1, 10, 0, 39]);
    writeFileSync(src, bytes);
    chmodSync(src, 0o751);
    const d = tempDir();
    const dest = `${d}/sub dir/`;
    const { first } = await converge({ src, dest, mode: 'preserve' });
    expect(first.result).toMatchObject({ dest: `${d}/sub dir/blob.bin`, src, size: 6, mode: '0751' });
    expect(readFileSync(`${d}/sub dir/blob.bin`)).toEqual(bytes);
    expect(modeOf(`${d}/sub dir/blob.bin`)).toBe('0751');
  });

  it('copies into an existing directory given without a slash', async () => {
    const src = join(tempDir('tsible-src-'), 'a.txt');
    writeFileSync(src, 'A');
    const d = tempDir();
    await converge({ src, dest: d });
    expect(readFileSync(join(d, 'a.txt'), 'utf8')).toBe('A');
  });

  it('uses ctx.findFile and fails like Ansible when the source is missing', async () => {
    const dir = tempDir('tsible-src-');
    writeFileSync(join(dir, 'motd'), 'hi');
    const d = tempDir();
    const ctx = makeCtx({ findFile: (kind, s) => join(dir, s) + (kind === 'files' ? '' : 'X') });
    await converge({ src: 'motd', dest: join(d, 'motd') }, ctx);
    expect(readFileSync(join(d, 'motd'), 'utf8')).toBe('hi');
    const r = await runModule(copy, { src: 'gone', dest: join(d, 'x') }, ctx);
    expect(r.result.failed).toBe(true);
    expect(r.result.msg).toMatch(/^Could not find or access 'gone' on the Ansible Controller\./);
  });
});

describe('copy src (directory)', () => {
  function makeTree(): string {
    const src = join(tempDir('tsible-tree-'), 'site');
    mkdirSync(join(src, 'css/deep'), { recursive: true });
    writeFileSync(join(src, 'index.html'), '<h1>hi</h1>');
    writeFileSync(join(src, "css/it's $(x).css"), 'body{}');
    writeFileSync(join(src, 'css/deep/a b'), 'ab');
    return src;
  }

  it('without a trailing slash creates the directory itself under dest', async () => {
    const src = makeTree();
    const d = tempDir();
    const { first } = await converge({ src, dest: join(d, 'www'), directory_mode: '0750', mode: '0640' });
    expect(first.result).toMatchObject({ changed: true, dest: join(d, 'www') });
    expect(readFileSync(join(d, "www/site/css/it's $(x).css"), 'utf8')).toBe('body{}');
    expect(modeOf(join(d, 'www/site/css/deep'))).toBe('0750');
    expect(modeOf(join(d, 'www/site/index.html'))).toBe('0640');
    expect(first.plan.effects?.files).toHaveLength(3);
  });

  it('with a trailing slash copies the contents, and updates only what changed', async () => {
    const src = makeTree();
    const d = tempDir();
    await converge({ src: `${src}/`, dest: d });
    expect(readdirSync(d).sort()).toEqual(['css', 'index.html']);
    writeFileSync(join(src, 'index.html'), '<h1>v2</h1>');
    const { first } = await converge({ src: `${src}/`, dest: d });
    expect(first.plan.steps).toHaveLength(1);
    expect(first.plan.steps[0]).toMatchObject({ kind: 'put', dest: join(d, 'index.html') });
  });

  it('fails when a file is in the way of a directory', async () => {
    const src = makeTree();
    const d = tempDir();
    writeFileSync(join(d, 'css'), 'file');
    const r = await runModule(copy, { src: `${src}/`, dest: d });
    expect(r.result).toMatchObject({
      failed: true,
      msg: `Destination ${join(d, 'css')} exists and is not a directory`,
    });
  });
});

describe('copy remote_src', () => {
  it('copies a file on the host atomically, keeps the old mode, then is idempotent', async () => {
    const d = tempDir();
    const src = join(d, "source $(touch pwned) 'q'");
    writeFileSync(src, 'remote bytes');
    const dest = join(d, 'dest file');
    writeFileSync(dest, 'old');
    chmodSync(dest, 0o604);
    const { first } = await converge({ src, dest, remote_src: true, backup: true });
    expect(first.result).toMatchObject({
      changed: true,
      size: 12,
      checksum: createHash('sha1').update('remote bytes').digest('hex'),
    });
    expect(readFileSync(dest, 'utf8')).toBe('remote bytes');
    expect(modeOf(dest)).toBe('0604');
    expect(existsSync(join(d, 'pwned'))).toBe(false);
    expect(readdirSync(d).filter((n) => n.includes('tsible'))).toEqual([]);
    const backup = String(first.result.backup_file);
    expect(backup).toMatch(/^.*\/dest file\.\d+\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~$/);
    expect(readFileSync(backup, 'utf8')).toBe('old');
    expect(modeOf(backup)).toBe('0604');
  });

  it('a new file gets the umask default, and a failing validate leaves dest untouched', async () => {
    const d = tempDir();
    writeFileSync(join(d, 'src'), 'bad');
    await converge({ src: join(d, 'src'), dest: join(d, 'new'), remote_src: true });
    expect(modeOf(join(d, 'new'))).toBe('0644');
    writeFileSync(join(d, 'cur'), 'good');
    await expect(
      runModule(copy, {
        src: join(d, 'src'),
        dest: join(d, 'cur'),
        remote_src: true,
        validate: 'grep -q good %s',
      }),
    ).rejects.toThrow(/step failed/);
    expect(readFileSync(join(d, 'cur'), 'utf8')).toBe('good');
    expect(readdirSync(d).filter((n) => n.includes('tsible'))).toEqual([]);
  });

  it('fails for a missing source', async () => {
    const d = tempDir();
    const r = await runModule(copy, { src: join(d, 'nope'), dest: join(d, 'x'), remote_src: true });
    expect(r.result).toMatchObject({ failed: true, msg: `Source ${join(d, 'nope')} not found` });
  });
});

describe('copy planner tables', () => {
  const stat = (over: Record<string, unknown>[]) => ({
    stat: over,
    content: { exists: false, size: 0, content: Buffer.alloc(0), truncated: false },
    contentInDir: { exists: false, size: 0, content: Buffer.alloc(0), truncated: false },
    tree: undefined,
    srcStat: undefined,
  });
  const parent = { path: '/etc', exists: true, type: 'directory' };
  const sha = '2aae6c35c94fcfb415dbe95f408b9ce91ee846ed'; // sha1('hello world')

  it.each([
    ['new file', [{ path: '/etc/f', exists: false }, parent], { content: 'hello world' }, ['put']],
    [
      'same file',
      [{ path: '/etc/f', exists: true, type: 'file', checksum: sha, mode: '0644' }, parent],
      { content: 'hello world' },
      [],
    ],
    [
      'same content, other mode',
      [{ path: '/etc/f', exists: true, type: 'file', checksum: sha, mode: '0600' }, parent],
      { content: 'hello world', mode: 420 },
      ['run'],
    ],
    [
      'numeric owner matches uid',
      [{ path: '/etc/f', exists: true, type: 'file', checksum: sha, owner: 'app', uid: 1000 }, parent],
      { content: 'hello world', owner: '1000' },
      [],
    ],
    [
      'validate passes into the put step',
      [{ path: '/etc/f', exists: false }, parent],
      { content: 'x', validate: 'visudo -cf %s' },
      ['put'],
    ],
  ])('%s', async (_name, stats, args, kinds) => {
    const plan = await planWith(copy, { dest: '/etc/f', ...args }, stat(stats));
    expect(plan.steps.map((s) => s.kind)).toEqual(kinds);
    expect(plan.changed).toBe(kinds.length > 0);
    if ('validate' in args) expect(plan.steps[0]).toMatchObject({ validate: 'visudo -cf %s' });
  });

  it('rejects a validate without %s and a bad mode', async () => {
    const f = stat([{ path: '/etc/f', exists: false }, parent]);
    expect(
      (await planWith(copy, { dest: '/etc/f', content: 'x', validate: 'visudo -c' }, f)).result?.msg,
    ).toBe('validate must contain %s: visudo -c');
    expect((await planWith(copy, { dest: '/etc/f', content: 'x', mode: 'u=banana' }, f)).result?.msg).toBe(
      'bad symbolic permission for mode: u=banana',
    );
  });
});

describe('modes', () => {
  it('parses ints, octal strings and symbolic modes like Ansible', () => {
    expect(resolveMode(parseMode(420)!, undefined, false)).toBe('0644');
    expect(resolveMode(parseMode(644)!, undefined, false)).toBe('1204');
    expect(resolveMode(parseMode('0755')!, undefined, false)).toBe('0755');
    expect(resolveMode(parseMode('755')!, undefined, false)).toBe('0755');
    expect(resolveMode(parseMode('u=rw,g=r,o=r')!, '0777', false)).toBe('0644');
    expect(resolveMode(parseMode('preserve')!, undefined, false, 0o100755)).toBe('0755');
    expect(() => parseMode('rwx')).toThrow('bad symbolic permission for mode: rwx');
  });

  it.each([
    ['u+x', 0o644, false, 0o744],
    ['a+X', 0o644, false, 0o644],
    ['a+X', 0o744, false, 0o755],
    ['a+X', 0o600, true, 0o711],
    ['go-rwx', 0o755, false, 0o700],
    ['g=u', 0o640, false, 0o660],
    ['u+s,o+t', 0o755, false, 0o5755],
    ['=r', 0o777, false, 0o444],
    ['+w', 0o444, false, 0o644],
    ['u=rwx,g=rx,o=', 0o4777, false, 0o750],
  ])('%s on %o (dir=%s) gives %o', (spec, cur, isDir, out) => {
    expect(applySymbolic(spec, cur, isDir)).toBe(out);
  });
});
