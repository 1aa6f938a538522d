// tsible-galaxy list / remove / init, option handling and exit codes.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadYaml } from '../../src/core/yaml.js';
import { cleanup, cli, RoleRepo, roleFiles, tempDir } from './helpers.js';

describe('list, remove, init', () => {
  let base: string;
  let repo: RoleRepo;

  beforeAll(() => {
    base = tempDir();
    repo = new RoleRepo(base, 'web');
    repo.commit(roleFiles('one'), 'one');
    repo.tag('v1');
  });

  afterAll(() => cleanup(base));

  it('lists installed roles with their versions, like ansible-galaxy list', async () => {
    const roles = join(base, 'roles-list');
    expect(
      (await cli(['install', '-p', roles, `${repo.fileUrl},v1,b_web`, `${repo.fileUrl},,a_web`])).code,
    ).toBe(0);
    mkdirSync(join(roles, 'handmade/tasks'), { recursive: true });
    mkdirSync(join(roles, 'not-a-role'));
    const r = await cli(['list', '-p', roles]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `# ${roles}\n- a_web, (unknown version)\n- b_web, v1\n- handmade, (unknown version)\n`,
    );
    const one = await cli(['role', 'list', 'b_web', '-p', roles]);
    expect(one.stdout).toBe(`# ${roles}\n- b_web, v1\n`);
    const missing = await cli(['list', '-p', join(base, 'nowhere')]);
    expect(missing.code).toBe(5);
    expect(missing.stderr).toContain(
      `[WARNING]: - the configured path ${join(base, 'nowhere')} does not exist.`,
    );
    expect(missing.stderr).toContain('None of the provided paths were usable');
  });

  it('uses the first roles_path entry from the environment by default', async () => {
    const roles = join(base, 'roles-env');
    const env = { ...process.env, ANSIBLE_ROLES_PATH: `${roles}:/nonexistent` };
    expect((await cli(['install', `${repo.fileUrl},v1,envrole`], env)).code).toBe(0);
    expect(existsSync(join(roles, 'envrole/tasks/main.yml'))).toBe(true);
    const tsibleEnv = { ...env, TSIBLE_ROLES_PATH: join(base, 'roles-tsible') };
    expect((await cli(['install', `${repo.fileUrl},v1,envrole`], tsibleEnv)).code).toBe(0);
    expect(existsSync(join(base, 'roles-tsible/envrole'))).toBe(true);
  });

  it('removes roles, and skips names that are not installed roles', async () => {
    const roles = join(base, 'roles-rm');
    expect((await cli(['install', '-p', roles, `${repo.fileUrl},v1,gone`])).code).toBe(0);
    mkdirSync(join(roles, 'random-dir'));
    const r = await cli(['remove', 'gone', 'never', 'random-dir', '-p', roles]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      '- successfully removed gone\n- never is not installed, skipping.\n- random-dir is not installed, skipping.\n',
    );
    expect(readdirSync(roles)).toEqual(['random-dir']);
  });

  it('creates a role skeleton, and refuses an existing directory without --force', async () => {
    const where = join(base, 'init');
    const r = await cli(['init', 'myrole', '--init-path', where]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('- Role myrole was created successfully\n');
    for (const f of ['tasks', 'handlers', 'defaults', 'vars']) {
      expect(readFileSync(join(where, 'myrole', f, 'main.yml'), 'utf8')).toContain(`file for myrole`);
    }
    for (const d of ['templates', 'files']) expect(existsSync(join(where, 'myrole', d))).toBe(true);
    expect(readFileSync(join(where, 'myrole/README.md'), 'utf8')).toContain('# myrole');
    expect(readFileSync(join(where, 'myrole/tests/test.yml'), 'utf8')).toContain('- myrole');
    const meta = loadYaml(readFileSync(join(where, 'myrole/meta/main.yml'), 'utf8'), 'meta') as Record<
      string,
      unknown
    >;
    expect(meta.dependencies).toEqual([]);
    const again = await cli(['init', 'myrole', '--init-path', where]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists. You can use --force');
    writeFileSync(join(where, 'myrole/tasks/main.yml'), 'edited');
    expect((await cli(['init', 'myrole', '--init-path', where, '--force'])).code).toBe(0);
    expect(readFileSync(join(where, 'myrole/tasks/main.yml'), 'utf8')).toContain('tasks file for myrole');
  });
});

describe('options and errors', () => {
  it('prints help and version with exit 0', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: tsible-galaxy');
    for (const c of ['install', 'verify', 'list', 'remove', 'init']) expect(help.stdout).toContain(c);
    const ihelp = await cli(['install', '--help']);
    expect(ihelp.stdout).toContain('--role-file');
    expect(ihelp.stdout).toContain('--upgrade');
    const v = await cli(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/^tsible-galaxy \d+\.\d+\.\d+/);
  });

  it('exits 5 on bad options, unknown commands, collections, and install without anything to install', async () => {
    expect((await cli(['install', '--bogus'])).code).toBe(5);
    expect((await cli(['frobnicate'])).code).toBe(5);
    expect((await cli([])).code).toBe(5);
    const coll = await cli(['collection', 'install', 'community.general']);
    expect(coll.code).toBe(5);
    expect(coll.stderr).toContain('collections are not supported yet');
    const none = await cli(['install', '-p', join(tmpdir(), 'tsible-galaxy-never-created')]);
    expect(none.code).toBe(5);
    expect(none.stderr).toContain('you must specify a user/role name or a roles file');
  });

  it('reports requirements-file problems with their position (exit 1)', async () => {
    const dir = tempDir();
    const bad = join(dir, 'requirements.yml');
    writeFileSync(bad, '- src: https://example.com/a.git\n- src: geerlingguy.docker\n');
    const r = await cli(['install', '-r', bad, '-p', join(dir, 'roles')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("'geerlingguy.docker' looks like a Galaxy role name");
    expect(r.stderr).toContain(`The error appears to be in '${bad}': line 2`);
    const txt = join(dir, 'requirements.txt');
    writeFileSync(txt, '');
    expect((await cli(['install', '-r', txt])).stderr).toContain('must end with a .yml or .yaml extension');
    const empty = join(dir, 'empty.yml');
    writeFileSync(empty, '');
    expect((await cli(['install', '-r', empty])).stderr).toContain('No requirements found');
    expect((await cli(['install', '-r', join(dir, 'missing.yml')])).stderr).toContain('does not exist');
    const verify = await cli(['verify', '-r', bad]);
    expect(verify.code).toBe(1);
    expect(verify.stderr).toContain('no lock file');
    cleanup(dir);
  });
});
