// git: the ls-remote parser, and the module run for real against local repositories in temp dirs.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { git } from '../../modules/git.js';
import { parseGitRepo, parseLsRemote } from '../../src/facts/git-repo.js';
import { gitIn } from './_git.js';
import { makeCtx, planWith, runModule, tempDir } from './_harness.js';

const run = gitIn;

describe('ls-remote parsing', () => {
  it('reads the HEAD symref, branches and peeled tags', () => {
    const a = 'a'.repeat(40);
    const b = 'b'.repeat(40);
    const c = 'c'.repeat(40);
    const r = parseLsRemote(
      `ref: refs/heads/main\tHEAD\n${a}\tHEAD\n${a}\trefs/heads/main\n${b}\trefs/tags/v1\n${c}\trefs/tags/v1^{}\n`,
    );
    expect(r.headBranch).toBe('main');
    expect(r.refs.get('refs/tags/v1')).toBe(c);
    expect(r.refs.get('refs/heads/main')).toBe(a);
    expect(parseGitRepo('nogit=yes\n').noGit).toBe(true);
  });
});

describe('git against local repositories', () => {
  let origin: string;
  let work: string;
  let c1: string;
  let c2: string;
  let c3: string;
  beforeAll(() => {
    const base = tempDir('tsible-git-');
    work = join(base, 'work');
    origin = join(base, 'origin.git');
    run(base, 'init', '-q', '-b', 'main', work);
    writeFileSync(join(work, 'f'), '1\n');
    run(work, 'add', 'f');
    run(work, 'commit', '-q', '-m', 'one');
    c1 = run(work, 'rev-parse', 'HEAD');
    run(work, 'tag', '-a', 'v1', '-m', 'v1');
    writeFileSync(join(work, 'f'), '2\n');
    run(work, 'commit', '-q', '-am', 'two');
    c2 = run(work, 'rev-parse', 'HEAD');
    run(work, 'tag', 'v2');
    run(work, 'checkout', '-q', '-b', 'dev');
    writeFileSync(join(work, 'f'), '3\n');
    run(work, 'commit', '-q', '-am', 'three');
    c3 = run(work, 'rev-parse', 'HEAD');
    run(work, 'checkout', '-q', 'main');
    run(base, 'clone', '-q', '--bare', work, origin);
  });

  it('clones HEAD (changed, before null), then is ok; check mode on a new dest changes nothing', async () => {
    const dest = join(tempDir(), 'app');
    const chk = await runModule(git, { repo: origin, dest }, makeCtx({ check: true }));
    expect(chk.result).toMatchObject({ changed: true, before: null, after: c2 });
    expect(existsSync(dest)).toBe(false);
    const r = await runModule(git, { repo: origin, dest });
    expect(r.result).toMatchObject({ changed: true, before: null, after: c2, remote_url_changed: false });
    expect(readFileSync(join(dest, 'f'), 'utf8')).toBe('2\n');
    const again = await runModule(git, { repo: origin, dest });
    expect(again.result).toMatchObject({ changed: false, before: c2, after: c2 });
  });

  it('moves between a branch, an annotated tag, a SHA and back, each time changed once', async () => {
    const dest = join(tempDir(), 'app');
    await runModule(git, { repo: origin, dest, version: 'dev' });
    expect(run(dest, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('dev');
    expect((await runModule(git, { repo: origin, dest, version: 'dev' })).result.changed).toBe(false);
    const tag = await runModule(git, { repo: origin, dest, version: 'v1' });
    expect(tag.result).toMatchObject({ changed: true, before: c3, after: c1 });
    expect((await runModule(git, { repo: origin, dest, version: 'v1' })).result.changed).toBe(false);
    const sha = await runModule(git, { repo: origin, dest, version: c2.slice(0, 10) });
    expect(sha.result).toMatchObject({ changed: true, after: c2 });
    expect((await runModule(git, { repo: origin, dest, version: c2.slice(0, 10) })).result.changed).toBe(
      false,
    );
    const main = await runModule(git, { repo: origin, dest, version: 'main' });
    expect(main.result).toMatchObject({ changed: false, after: c2 });
    expect(run(dest, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('main');
  });

  it('follows new upstream commits; update=no leaves it; local changes fail unless force', async () => {
    const dest = join(tempDir(), 'app');
    await runModule(git, { repo: origin, dest, version: 'main' });
    const local = join(tempDir(), 'push');
    run(tempDir(), 'clone', '-q', origin, local);
    writeFileSync(join(local, 'f'), '4\n');
    run(local, 'commit', '-q', '-am', 'four');
    run(local, 'push', '-q', 'origin', 'main');
    const c4 = run(local, 'rev-parse', 'HEAD');
    expect(
      (await runModule(git, { repo: origin, dest, version: 'main', update: false })).result,
    ).toMatchObject({ changed: false, after: c2 });
    expect((await runModule(git, { repo: origin, dest, version: 'main' })).result).toMatchObject({
      changed: true,
      before: c2,
      after: c4,
    });
    writeFileSync(join(dest, 'f'), 'local edit\n');
    const refused = await runModule(git, { repo: origin, dest, version: 'main' });
    expect(refused.result).toMatchObject({
      failed: true,
      msg: `Local modifications exist in the destination: ${dest} (force=no).`,
    });
    const forced = await runModule(git, { repo: origin, dest, version: 'main', force: true });
    expect(forced.result.changed).toBe(true);
    expect(readFileSync(join(dest, 'f'), 'utf8')).toBe('4\n');
  });

  it('shallow clone with depth; remote URL change; unknown versions; occupied dest', async () => {
    const dest = join(tempDir(), 'app');
    await runModule(git, { repo: `file://${origin}`, dest, version: 'dev', depth: 1 });
    expect(run(dest, 'rev-list', '--count', 'HEAD')).toBe('1');
    const moved = await runModule(git, { repo: origin, dest, version: 'dev' });
    expect(moved.result).toMatchObject({ changed: true, remote_url_changed: true });
    const nope = await runModule(git, { repo: origin, dest, version: 'no-such-branch' });
    expect(nope.result.msg).toMatch(/Failed to find version no-such-branch/);
    const busy = tempDir();
    writeFileSync(join(busy, 'x'), '');
    expect((await runModule(git, { repo: origin, dest: busy })).result.msg).toMatch(
      /already exists and is not an empty directory/,
    );
    const bad = await runModule(git, { repo: join(tempDir(), 'missing.git'), dest: join(tempDir(), 'x') });
    expect(bad.result.msg).toMatch(/Failed to read the remote refs/);
  });

  it('quotes everything and requires dest unless clone=no', async () => {
    await expect(planWith(git, { repo: origin }, {})).rejects.toThrow(
      /clone is true but all of the following are missing: dest/,
    );
    const dest = join(tempDir(), "it's $(x) here");
    const r = await runModule(git, { repo: origin, dest, version: 'v2' });
    expect(r.result).toMatchObject({ changed: true, after: c2 });
    expect(readFileSync(join(dest, 'f'), 'utf8')).toBe('2\n');
  });
});

describe('git in check mode before git is installed', () => {
  it('reports the change when an earlier task of the run installs packages, fails otherwise', async () => {
    const st = parseGitRepo('nogit=yes\n');
    const pending = { packages: ['git'], files: [], services: [] };
    const p = await planWith(git, { repo: 'x', dest: '/srv/x' }, { st }, makeCtx({ check: true, pending }));
    expect(p).toMatchObject({ changed: true, steps: [] });
    const live = await planWith(git, { repo: 'x', dest: '/srv/x' }, { st });
    expect(live.result?.msg).toMatch(/install the git package/);
  });
});
