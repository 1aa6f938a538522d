// file: every state as real local runs (facts and steps under /bin/sh), each re-run for idempotency, plus tables.
import {
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readlinkSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { file, parseTime } from '../../modules/file.js';
import { makeCtx, planWith, runModule, tempDir } from './_harness.js';

const modeOf = (p: string) => (statSync(p).mode & 0o7777).toString(8).padStart(4, '0');

async function converge(args: Record<string, unknown>, ctx = makeCtx()) {
  const first = await runModule(file, args, ctx);
  const second = await runModule(file, args, ctx);
  expect(second.plan.steps).toEqual([]);
  expect(second.result.changed).toBe(false);
  return { first, second };
}

describe('file state=directory', () => {
  it('creates parents with the mode on every new directory, returns path info, then is ok', async () => {
    const d = tempDir();
    const path = join(d, 'a b', "c'd", 'e');
    const { first, second } = await converge(
      { path, state: 'directory', mode: '0750' },
      makeCtx({ diff: true }),
    );
    expect(first.result).toMatchObject({
      changed: true,
      path,
      state: 'directory',
      mode: '0750',
      uid: 0,
      owner: 'root',
    });
    expect(first.plan.diff).toEqual([
      {
        // As in Ansible: the mode the new directory had before its chmod.
        before: `{\n    "mode": "0755",\n    "path": ${JSON.stringify(path)},\n    "state": "absent"\n}\n`,
        after: `{\n    "mode": "0750",\n    "path": ${JSON.stringify(path)},\n    "state": "directory"\n}\n`,
      },
    ]);
    for (const p of [join(d, 'a b'), join(d, 'a b', "c'd"), path]) expect(modeOf(p)).toBe('0750');
    expect(second.result).toMatchObject({ path, state: 'directory', mode: '0750' });
  });

  it('symbolic modes are computed from the current mode, so the second run is exact', async () => {
    const d = tempDir();
    mkdirSync(join(d, 'x'), { mode: 0o700 });
    await converge({ path: join(d, 'x'), state: 'directory', mode: 'u=rwx,g=rx,o=' });
    expect(modeOf(join(d, 'x'))).toBe('0750');
    await converge({ path: join(d, 'x'), mode: 'a+X,o-w' });
    expect(modeOf(join(d, 'x'))).toBe('0751');
  });

  it('recurse sets owner and mode on the whole tree, links left pointing', async () => {
    const d = tempDir();
    const root = join(d, 'tree');
    mkdirSync(join(root, 'sub dir'), { recursive: true });
    writeFileSync(join(root, 'sub dir', 'f;1'), 'x', { mode: 0o600 });
    writeFileSync(join(root, 'exe'), 'x', { mode: 0o700 });
    symlinkSync('/etc/hostname', join(root, 'ln'));
    await converge({ path: root, state: 'directory', recurse: true, owner: 'nobody', mode: 'u=rwX,g=rX,o=' });
    expect(modeOf(join(root, 'sub dir'))).toBe('0750');
    expect(modeOf(join(root, 'sub dir', 'f;1'))).toBe('0640');
    expect(modeOf(join(root, 'exe'))).toBe('0750');
    expect(statSync(join(root, 'exe')).uid).not.toBe(0);
    expect(lstatSync(join(root, 'ln')).uid).not.toBe(0);
    expect(statSync('/etc/hostname').uid).toBe(0);
  });

  it('fails on a file in the way, and for recurse without directory', async () => {
    const d = tempDir();
    writeFileSync(join(d, 'f'), '');
    expect((await runModule(file, { path: join(d, 'f'), state: 'directory' })).result.msg).toBe(
      `${join(d, 'f')} already exists as a file`,
    );
    expect((await runModule(file, { path: join(d, 'f'), state: 'file', recurse: true })).result.msg).toBe(
      "recurse option requires state to be 'directory'",
    );
    expect((await runModule(file, { path: join(d, 'f'), src: '/x' })).result.msg).toBe(
      "src option requires state to be 'link' or 'hard'",
    );
  });
});

describe('file state=file / default state', () => {
  it('only fixes attributes, fails for a missing file', async () => {
    const d = tempDir();
    const path = join(d, 'f');
    writeFileSync(path, 'x', { mode: 0o644 });
    const { first } = await converge({ path, mode: 'go-r', owner: 'nobody' });
    expect(first.result).toMatchObject({ changed: true, mode: '0600', state: 'file', owner: 'nobody' });
    const r = await runModule(file, { path: join(d, 'nope'), state: 'file' });
    expect(r.result).toMatchObject({
      failed: true,
      msg: `file (${join(d, 'nope')}) is absent, cannot continue`,
    });
  });

  it('without state, a missing path means file (and fails), an existing one keeps its kind', async () => {
    const d = tempDir();
    mkdirSync(join(d, 'dir'));
    await converge({ path: join(d, 'dir'), mode: '0700' });
    expect(modeOf(join(d, 'dir'))).toBe('0700');
  });

  it('follows a symlink to set attributes on its target', async () => {
    const d = tempDir();
    writeFileSync(join(d, 'target'), 'x', { mode: 0o644 });
    symlinkSync('target', join(d, 'link'));
    await converge({ path: join(d, 'link'), state: 'file', mode: '0600' });
    expect(modeOf(join(d, 'target'))).toBe('0600');
  });
});

describe('file state=touch', () => {
  it('creates, then is changed on every run; preserve makes it idempotent', async () => {
    const d = tempDir();
    const path = join(d, 'stamp $x');
    const first = await runModule(file, { path, state: 'touch', mode: '0640' });
    expect(first.result).toMatchObject({ changed: true, dest: path, mode: '0640', state: 'file' });
    expect(modeOf(path)).toBe('0640');
    const second = await runModule(file, { path, state: 'touch', mode: '0640' });
    expect(second.result.changed).toBe(true);
    await converge({ path, state: 'touch', modification_time: 'preserve', access_time: 'preserve' });
  });

  it('explicit times are compared, so they converge', async () => {
    const d = tempDir();
    const path = join(d, 't');
    writeFileSync(path, '');
    utimesSync(path, 1000, 1000);
    const args = { path, state: 'touch', modification_time: '202001021230.05', access_time: 'preserve' };
    await converge(args);
    const local = new Date(2020, 0, 2, 12, 30, 5).getTime() / 1000;
    expect(statSync(path).mtimeMs / 1000).toBe(local);
    expect(statSync(path).atimeMs / 1000).toBe(1000);
  });

  it('parseTime follows strftime formats', () => {
    expect(parseTime('202001021230.05', '%Y%m%d%H%M.%S')).toBe('2020-01-02 12:30:05');
    expect(parseTime('02/01/99 7:5', '%d/%m/%y %H:%M')).toBe('1999-01-02 07:05:00');
    expect(() => parseTime('2020', '%Y%m')).toThrow('does not match');
  });
});

describe('file state=link / hard', () => {
  it('creates a relative symlink, then changes its target atomically', async () => {
    const d = tempDir();
    writeFileSync(join(d, 'v1'), '1');
    writeFileSync(join(d, 'v2'), '2');
    const path = join(d, 'current');
    const { first } = await converge({ path, src: 'v1', state: 'link' }, makeCtx({ diff: true }));
    expect(first.result).toMatchObject({ changed: true, dest: path, src: 'v1', state: 'link' });
    expect(readlinkSync(path)).toBe('v1');
    const { first: sw } = await converge({ path, src: 'v2', state: 'link' }, makeCtx({ diff: true }));
    expect(sw.plan.diff?.[0]?.before).toContain('"src": "v1"');
    expect(readlinkSync(path)).toBe('v2');
  });

  it('refuses to replace a file unless forced; force links to a missing src', async () => {
    const d = tempDir();
    writeFileSync(join(d, 'f'), 'x');
    const r = await runModule(file, { path: join(d, 'f'), src: '/etc/hostname', state: 'link' });
    expect(r.result.msg).toBe(`refusing to convert from file to symlink for ${join(d, 'f')}`);
    await converge({ path: join(d, 'f'), src: '/etc/hostname', state: 'link', force: true });
    expect(readlinkSync(join(d, 'f'))).toBe('/etc/hostname');
    const m = await runModule(file, { path: join(d, 'dangling'), src: 'nowhere', state: 'link' });
    expect(m.result.msg).toBe(
      `src file does not exist, use "force=yes" if you really want to create the link: ${join(d, 'nowhere')}`,
    );
    await converge({ path: join(d, 'dangling'), src: 'nowhere', state: 'link', force: true, follow: false });
    expect(readlinkSync(join(d, 'dangling'))).toBe('nowhere');
  });

  it('hard links compare inodes', async () => {
    const d = tempDir();
    writeFileSync(join(d, 'a'), 'x');
    writeFileSync(join(d, 'b'), 'y');
    await converge({ path: join(d, 'h'), src: join(d, 'a'), state: 'hard' });
    expect(statSync(join(d, 'h')).ino).toBe(statSync(join(d, 'a')).ino);
    linkSync(join(d, 'b'), join(d, 'h2'));
    const r = await runModule(file, { path: join(d, 'h2'), src: join(d, 'a'), state: 'hard' });
    expect(r.result.msg).toBe('Cannot link, different hard link exists at destination');
    await converge({ path: join(d, 'h2'), src: join(d, 'a'), state: 'hard', force: true });
    expect(statSync(join(d, 'h2')).ino).toBe(statSync(join(d, 'a')).ino);
  });
});

describe('file state=absent', () => {
  it('removes files, links and trees; check mode leaves them', async () => {
    const d = tempDir();
    mkdirSync(join(d, 't', 'u'), { recursive: true });
    writeFileSync(join(d, 't', 'u', 'f'), 'x');
    const chk = await runModule(
      file,
      { path: join(d, 't'), state: 'absent' },
      makeCtx({ check: true, diff: true }),
    );
    expect(chk.result).toMatchObject({ changed: true, path: join(d, 't'), state: 'absent' });
    expect(chk.plan.diff?.[0]?.after).toContain('"state": "absent"');
    expect(existsSync(join(d, 't'))).toBe(true);
    await converge({ path: join(d, 't'), state: 'absent' });
    expect(existsSync(join(d, 't'))).toBe(false);
  });
});

describe('file planner tables', () => {
  const facts = (lst: Record<string, unknown>, followed = lst) => ({
    lst: [{ path: '/p', ...lst }],
    followed: [{ path: '/p', ...followed }],
    ancestors: [],
    srcs: undefined,
    tree: undefined,
    epochs: [],
  });
  it.each([
    ['absent, absent', { exists: false }, { state: 'absent' }, []],
    ['file, absent', { exists: true, type: 'file', nlink: 1 }, { state: 'absent' }, ['rm -f -- /p']],
    ['dir, absent', { exists: true, type: 'directory' }, { state: 'absent' }, ['rm -rf -- /p']],
    [
      'dir exists right',
      { exists: true, type: 'directory', mode: '0755' },
      { state: 'directory', mode: '0755' },
      [],
    ],
    [
      'dir, wrong owner',
      { exists: true, type: 'directory', owner: 'root', uid: 0 },
      { state: 'directory', owner: 'app' },
      ['chown -- app /p'],
    ],
    [
      'numeric owner is compared by id',
      { exists: true, type: 'file', owner: 'app', uid: 1000 },
      { owner: '1000' },
      [],
    ],
  ])('%s', async (_n, lst, args, cmds) => {
    const plan = await planWith(file, { path: '/p', ...args }, facts(lst));
    // The last step of a changing plan reads the path details for the result.
    const steps = plan.steps.filter((s) => s.kind === 'run' && !s.label?.startsWith('stat '));
    expect(steps.map((s) => (s.kind === 'run' ? s.cmd : ''))).toEqual(cmds);
  });
});
