// tsible-galaxy install against real git repositories: file:// and git daemon, branch/tag/SHA, lock, verify, failures.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkInstalledAgainstLock } from '../../src/galaxy/verify.js';
import { cleanup, cli, git, RoleRepo, roleFiles, startGitDaemon, tempDir } from './helpers.js';

function marker(rolesDir: string, name: string): string {
  return /msg: (\S+)/.exec(readFileSync(join(rolesDir, name, 'tasks/main.yml'), 'utf8'))?.[1] ?? '';
}

function record(rolesDir: string, name: string): { commit: string; version: string; src: string } {
  return JSON.parse(readFileSync(join(rolesDir, name, '.tsible_install.json'), 'utf8')) as {
    commit: string;
    version: string;
    src: string;
  };
}

describe('install from git', () => {
  let base: string;
  let repo: RoleRepo;
  let c1: string;
  let c2: string;
  let daemon: { port: number; stop: () => void };

  beforeAll(async () => {
    base = tempDir();
    repo = new RoleRepo(base, 'ansible-role-web');
    c1 = repo.commit(roleFiles('one', { 'files/run.sh': '#!/bin/sh\necho hi\n' }), 'one');
    repo.tag('v1.0.0');
    c2 = repo.commit(roleFiles('two'), 'two');
    repo.checkout('feature', true);
    repo.commit(roleFiles('feature'), 'feature', 'feature');
    repo.checkout('main');
    daemon = await startGitDaemon(join(base, 'srv'));
  });

  afterAll(() => {
    daemon?.stop();
    cleanup(base);
  });

  it('installs a tag, a branch and a commit through file:// URLs, without .git', async () => {
    const roles = join(base, 'roles-file');
    const r = await cli([
      'install',
      '-p',
      roles,
      `git+${repo.fileUrl},v1.0.0,web_tag`,
      `${repo.fileUrl},feature,web_branch`,
      `${repo.fileUrl},${c1},web_sha`,
      repo.fileUrl,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Starting galaxy role install process\n');
    expect(r.stdout).toContain(`- extracting web_tag to ${join(roles, 'web_tag')}\n`);
    expect(r.stdout).toContain('- web_tag (v1.0.0) was installed successfully\n');
    // No version: the remote's HEAD; the name is the repository's basename (ansible-role- is kept, as in Ansible).
    expect(r.stdout).toContain('- ansible-role-web was installed successfully\n');
    expect(marker(roles, 'web_tag')).toBe('one');
    expect(marker(roles, 'web_branch')).toBe('feature');
    expect(marker(roles, 'web_sha')).toBe('one');
    expect(marker(roles, 'ansible-role-web')).toBe('two');
    expect(record(roles, 'web_tag').commit).toBe(c1);
    expect(record(roles, 'web_sha').commit).toBe(c1);
    expect(record(roles, 'ansible-role-web').commit).toBe(c2);
    expect(existsSync(join(roles, 'web_tag', '.git'))).toBe(false);
    expect(readFileSync(join(roles, 'web_tag/meta/.galaxy_install_info'), 'utf8')).toMatch(
      /^install_date: \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}\nversion: v1\.0\.0\n$/,
    );
    expect(readFileSync(join(roles, 'ansible-role-web/meta/.galaxy_install_info'), 'utf8')).toContain(
      "version: ''",
    );
  });

  it('installs a tag, a branch, a commit and an abbreviated commit through git daemon', async () => {
    const roles = join(base, 'roles-daemon');
    const url = `git://127.0.0.1:${daemon.port}/ansible-role-web.git`;
    const r = await cli([
      'install',
      '-p',
      roles,
      `git+${url},v1.0.0,t`,
      `${url},feature,b`,
      `${url},${c1},s`,
      `${url},${c1.slice(0, 10)},abbrev`,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(marker(roles, 't')).toBe('one');
    expect(marker(roles, 'b')).toBe('feature');
    expect(marker(roles, 's')).toBe('one');
    expect(record(roles, 'abbrev').commit).toBe(c1);
  });

  it('falls back to a full fetch when the server refuses a commit that is not a branch or tag tip', async () => {
    const dir = tempDir();
    const own = new RoleRepo(dir, 'deep');
    const middle = own.commit(roleFiles('middle'), 'middle');
    own.commit(roleFiles('tip'), 'tip');
    // Protocol v0 only serves advertised tips ("Server does not allow request for unadvertised object").
    const saved = { ...process.env };
    Object.assign(process.env, {
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'protocol.version',
      GIT_CONFIG_VALUE_0: '0',
    });
    try {
      const r = await cli(['install', '-p', join(dir, 'roles'), `${own.fileUrl},${middle}`]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    } finally {
      for (const k of ['GIT_CONFIG_COUNT', 'GIT_CONFIG_KEY_0', 'GIT_CONFIG_VALUE_0']) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
    }
    expect(marker(join(dir, 'roles'), 'deep')).toBe('middle');
    cleanup(dir);
  });

  it('skips an installed role, and warns when another version is asked without --force', async () => {
    const roles = join(base, 'roles-skip');
    expect((await cli(['install', '-p', roles, `${repo.fileUrl},v1.0.0,web`])).code).toBe(0);
    const again = await cli(['install', '-p', roles, `${repo.fileUrl},v1.0.0,web`]);
    expect(again.stdout).toContain('- web (v1.0.0) is already installed, skipping.\n');
    const other = await cli(['install', '-p', roles, `${repo.fileUrl},main,web`]);
    expect(other.code).toBe(0);
    expect(other.stderr).toContain(
      '[WARNING]: - web (v1.0.0) is already installed - use --force to change version to main\n',
    );
    expect(marker(roles, 'web')).toBe('one');
    const forced = await cli(['install', '--force', '-p', roles, `${repo.fileUrl},main,web`]);
    expect(forced.stdout).toContain('- changing role web from v1.0.0 to main\n');
    expect(marker(roles, 'web')).toBe('two');
  });

  it('reports an unknown version and an unreachable repository with the requirement line', async () => {
    const dir = tempDir();
    const req = join(dir, 'requirements.yml');
    writeFileSync(
      req,
      `- src: ${repo.fileUrl}\n  name: good\n- src: git+${repo.fileUrl}\n  version: v9\n  name: bad\n` +
        `- src: file://${join(base, 'srv', 'missing.git')}\n  name: gone\n`,
    );
    const r = await cli(['install', '-r', req, '-p', join(dir, 'roles')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `ERROR! - bad was NOT installed successfully: version 'v9' not found in ${repo.fileUrl}`,
    );
    expect(r.stderr).toContain(`The error appears to be in '${req}': line 3`);
    expect(r.stderr).toContain('--ignore-errors');
    expect(existsSync(join(dir, 'roles', 'good'))).toBe(true);
    const ign = await cli(['install', '-i', '-r', req, '-p', join(dir, 'roles')]);
    expect(ign.code).toBe(0);
    expect(ign.stderr).toContain(`version 'v9' not found in ${repo.fileUrl} (${req}:3)`);
    expect(ign.stderr).toMatch(
      /- gone was NOT installed successfully: repository file:\/\/\S+ is unreachable: .*\(.*:6\)/,
    );
    cleanup(dir);
  });

  it('uses the locked commit after the branch moved; --upgrade moves it and rewrites the lock', async () => {
    const dir = tempDir();
    const own = new RoleRepo(dir, 'locked');
    const first = own.commit(roleFiles('first'), 'first');
    const req = join(dir, 'requirements.yml');
    const lock = join(dir, 'requirements.lock');
    writeFileSync(req, `roles:\n  - src: ${own.fileUrl}\n    scm: git\n    version: main\n`);
    const roles = join(dir, 'roles');
    expect((await cli(['install', '-r', req, '-p', roles])).code).toBe(0);
    expect(readFileSync(lock, 'utf8')).toContain(`commit: ${first}`);
    const second = own.commit(roleFiles('second'), 'second');

    // A fresh checkout of the project (no roles yet) gets the locked commit, not the branch's new head.
    const roles2 = join(dir, 'roles2');
    const r = await cli(['install', '-r', req, '-p', roles2]);
    expect(r.code).toBe(0);
    expect(marker(roles2, 'locked')).toBe('first');
    expect(record(roles2, 'locked').commit).toBe(first);
    expect(r.stdout).not.toContain('updated');

    // Re-running where it is installed: nothing to do.
    const again = await cli(['install', '-r', req, '-p', roles]);
    expect(again.stdout).toContain('- locked (main) is already installed, skipping.\n');

    const up = await cli(['install', '--upgrade', '-r', req, '-p', roles]);
    expect(up.code).toBe(0);
    expect(up.stdout).toContain(
      `- changing role locked (main) from commit ${first.slice(0, 12)} to ${second.slice(0, 12)}`,
    );
    expect(marker(roles, 'locked')).toBe('second');
    expect(readFileSync(lock, 'utf8')).toContain(`commit: ${second}`);

    // The other install follows the new lock on its next run.
    const follow = await cli(['install', '-r', req, '-p', roles2]);
    expect(follow.stdout).toContain(
      `from commit ${first.slice(0, 12)} to ${second.slice(0, 12)} (requirements.lock)`,
    );
    expect(marker(roles2, 'locked')).toBe('second');

    const up2 = await cli(['install', '--upgrade', '-r', req, '-p', roles]);
    expect(up2.stdout).toContain(`- locked (main) is already up to date (${second.slice(0, 12)}), skipping.`);
    cleanup(dir);
  });

  it('verify detects a modified installed file; checkInstalledAgainstLock reports it too', async () => {
    const dir = tempDir();
    const req = join(dir, 'requirements.yml');
    writeFileSync(req, `- src: ${repo.fileUrl}\n  version: v1.0.0\n  name: web\n`);
    const roles = join(dir, 'roles');
    expect((await cli(['install', '-r', req, '-p', roles])).code).toBe(0);
    const ok = await cli(['verify', '-r', req, '-p', roles]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe(`- web, v1.0.0 (${c1.slice(0, 12)}): ok\n`);
    expect(checkInstalledAgainstLock(roles, join(dir, 'requirements.lock'))).toEqual([]);

    writeFileSync(join(roles, 'web/tasks/main.yml'), '- debug: msg=changed\n');
    const bad = await cli(['verify', '-r', req, '-p', roles]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('- web, v1.0.0: files changed since install: modified: tasks/main.yml\n');
    expect(checkInstalledAgainstLock(roles, join(dir, 'requirements.lock'))).toEqual([
      { name: 'web', problem: 'files changed since install: modified: tasks/main.yml' },
    ]);
    // Re-running install says so instead of silently skipping.
    const rerun = await cli(['install', '-r', req, '-p', roles]);
    expect(rerun.stderr).toContain(
      '- web has been changed since it was installed (modified: tasks/main.yml)',
    );

    cleanup(join(roles, 'web'));
    const missing = await cli(['verify', '-r', req, '-p', roles]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain(`- web, v1.0.0: not installed in ${roles}`);
    expect(checkInstalledAgainstLock(roles, join(dir, 'nope.lock'))).toEqual([]);
    cleanup(dir);
  });

  it('a failed install leaves the previously installed role untouched', async () => {
    const dir = tempDir();
    const own = new RoleRepo(dir, 'fragile');
    own.commit(roleFiles('good'), 'good');
    own.tag('good');
    const roles = join(dir, 'roles');
    expect((await cli(['install', '-p', roles, `${own.fileUrl},good,fragile`])).code).toBe(0);
    const before = readFileSync(join(roles, 'fragile/.tsible_install.json'), 'utf8');

    const badVersion = await cli(['install', '--force', '-p', roles, `${own.fileUrl},v9,fragile`]);
    expect(badVersion.code).toBe(1);
    expect(badVersion.stderr).toContain("version 'v9' not found");
    expect(marker(roles, 'fragile')).toBe('good');
    expect(readFileSync(join(roles, 'fragile/.tsible_install.json'), 'utf8')).toBe(before);
    expect(readFileSync(join(roles, 'fragile/meta/.galaxy_install_info'), 'utf8')).toContain('version: good');
    cleanup(dir);
  });

  it('rejects a repository that is not a role, naming the requirement line; the old role stays', async () => {
    const dir = tempDir();
    const own = new RoleRepo(dir, 'notarole');
    own.commit(roleFiles('role'), 'role');
    own.tag('role');
    own.checkout('docs', true);
    own.commit({ 'README.md': 'just docs\n' }, 'docs', 'docs');
    git(['rm', '-r', '--quiet', 'tasks', 'meta'], own.work);
    own.commit({}, 'no tasks', 'docs');
    const req = join(dir, 'requirements.yml');
    const roles = join(dir, 'roles');
    writeFileSync(req, `- src: ${own.fileUrl}\n  version: role\n`);
    expect((await cli(['install', '-r', req, '-p', roles])).code).toBe(0);
    writeFileSync(req, `# docs only\n- src: ${own.fileUrl}\n  version: docs\n`);
    const r = await cli(['install', '--force', '-r', req, '-p', roles]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('does not look like a role: it has no tasks/ directory and no meta/main.yml');
    expect(r.stderr).toContain(`The error appears to be in '${req}': line 2`);
    expect(marker(roles, 'notarole')).toBe('role');
    expect(readdirNoHidden(roles)).toEqual(['notarole']);
    cleanup(dir);
  });

  it('refuses two requirements that install to the same name', async () => {
    const dir = tempDir();
    const req = join(dir, 'requirements.yml');
    writeFileSync(
      req,
      `roles:\n  - src: ${repo.fileUrl}\n    version: v1.0.0\n    name: web\n  - src: ${repo.fileUrl}\n    version: main\n    name: web\n`,
    );
    const r = await cli(['install', '-r', req, '-p', join(dir, 'roles')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `two requirements install to the same role name 'web': ${req}:2 (${repo.fileUrl} v1.0.0) and ${req}:5 (${repo.fileUrl} main)`,
    );
    expect(existsSync(join(dir, 'roles'))).toBe(false);
    cleanup(dir);
  });

  it('installs git dependencies from meta/main.yml recursively, unless --no-deps', async () => {
    const dir = tempDir();
    const dep = new RoleRepo(dir, 'dep');
    dep.commit(roleFiles('dep'), 'dep');
    const app = new RoleRepo(dir, 'app');
    app.commit(
      roleFiles('app', {
        'meta/main.yml':
          `galaxy_info:\n  author: t\ndependencies:\n  - role: common\n` +
          `  - src: ${dep.fileUrl}\n    version: main\n    name: dep_a\n  - git+${dep.fileUrl},main,dep_b\n`,
      }),
      'app',
    );
    const req = join(dir, 'requirements.yml');
    writeFileSync(req, `- src: ${app.fileUrl}\n`);
    const roles = join(dir, 'roles');
    const r = await cli(['install', '-r', req, '-p', roles]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('- adding dependency: dep_a (main)\n- adding dependency: dep_b (main)\n');
    expect(marker(roles, 'dep_a')).toBe('dep');
    expect(marker(roles, 'dep_b')).toBe('dep');
    expect(existsSync(join(roles, 'common'))).toBe(false);
    const lock = readFileSync(join(dir, 'requirements.lock'), 'utf8');
    expect(lock).toContain('name: dep_a');
    expect(lock).toContain('dependency_of: app');

    // A second run keeps the dependencies in the lock without reinstalling them.
    const again = await cli(['install', '-r', req, '-p', roles]);
    expect(again.stdout).toBe(
      'Starting galaxy role install process\n- app is already installed, skipping.\n',
    );
    expect(readFileSync(join(dir, 'requirements.lock'), 'utf8')).toBe(lock);

    const roles2 = join(dir, 'roles2');
    const nodeps = await cli(['install', '--no-deps', '-r', req, '-p', roles2]);
    expect(nodeps.code).toBe(0);
    expect(existsSync(join(roles2, 'dep_a'))).toBe(false);
    cleanup(dir);
  });

  it('reads the roles:/collections: format and skips collections with a warning', async () => {
    const dir = tempDir();
    const req = join(dir, 'requirements.yml');
    writeFileSync(
      req,
      `roles:\n  - src: ${repo.fileUrl}\n    name: web\ncollections:\n  - community.general\n  - name: ansible.posix\n`,
    );
    const r = await cli(['install', '-r', req, '-p', join(dir, 'roles')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('[WARNING]: collections are not supported yet, skipping 2 collection(s)');
    expect(r.stdout).toContain('- web was installed successfully');
    cleanup(dir);
  });
});

function readdirNoHidden(dir: string): string[] {
  return readdirSync(dir).filter((n) => !n.startsWith('.'));
}
