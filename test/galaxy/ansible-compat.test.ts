// Side by side with the real ansible-galaxy (skipped when it is not installed): same output, same files.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, cli, RoleRepo, roleFiles, tempDir } from './helpers.js';

function hasAnsibleGalaxy(): boolean {
  try {
    execFileSync('ansible-galaxy', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Every file under dir, relative, except our own install record. */
function tree(dir: string, root = dir): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tree(p, root));
    else if (name !== '.tsible_install.json') out.push(relative(root, p));
  }
  return out.sort();
}

/** Ansible wraps warnings to the terminal width; compare them as one line each. */
function unwrap(stderr: string): string {
  return stderr.replace(/\n(?!\[WARNING\]|ERROR!|$)/g, ' ').replace(/ +/g, ' ');
}

describe.runIf(hasAnsibleGalaxy())('compared with ansible-galaxy', () => {
  let base: string;
  let home: string;
  let req: string;

  beforeAll(() => {
    base = tempDir();
    home = tempDir('tsible-galaxy-home-');
    const repo = new RoleRepo(base, 'ansible-role-app');
    repo.commit(roleFiles('one'), 'one');
    repo.tag('v1.0.0');
    repo.commit(roleFiles('two'), 'two');
    req = join(base, 'requirements.yml');
    writeFileSync(
      req,
      [
        `- src: ${repo.fileUrl}`,
        '  scm: git',
        '  version: v1.0.0',
        `- src: git+${repo.fileUrl}`,
        '  name: second',
        `- git+${repo.fileUrl},main,third`,
        '',
      ].join('\n'),
    );
  });

  afterAll(() => {
    cleanup(base);
    cleanup(home);
  });

  function ansible(args: string[]): { stdout: string; stderr: string; code: number } {
    const r = spawnSync('ansible-galaxy', args, {
      encoding: 'utf8',
      env: { ...process.env, HOME: home, ANSIBLE_NOCOLOR: '1' },
    });
    return { stdout: r.stdout, stderr: r.stderr, code: r.status ?? -1 };
  }

  it('install -r: same lines, same files, same install info', async () => {
    const a = ansible(['install', '-r', req, '-p', join(base, 'a')]);
    const t = await cli(['install', '-r', req, '-p', join(base, 't')]);
    expect(a.code).toBe(0);
    expect(t.code).toBe(a.code);
    const lines = (s: string, dir: string): string[] =>
      s
        .split('\n')
        .filter((l) => l && !l.startsWith('- updated '))
        .map((l) => l.replaceAll(join(base, dir), '<roles>'));
    expect(lines(t.stdout, 't')).toEqual(lines(a.stdout, 'a'));
    expect(tree(join(base, 't'))).toEqual(tree(join(base, 'a')));
    for (const role of ['ansible-role-app', 'second', 'third']) {
      const info = (d: string): string =>
        readFileSync(join(base, d, role, 'meta/.galaxy_install_info'), 'utf8').replace(
          /^install_date: .*$/m,
          '',
        );
      expect(info('t')).toEqual(info('a'));
    }
  });

  it('re-install: same "already installed" lines and version-change warning', async () => {
    const a = ansible(['install', '-r', req, '-p', join(base, 'a')]);
    const t = await cli(['install', '-r', req, '-p', join(base, 't')]);
    expect(t.stdout).toEqual(a.stdout);
    const changed = join(base, 'changed.yml');
    writeFileSync(changed, readFileSync(req, 'utf8').replace('version: v1.0.0', 'version: main'));
    const a2 = ansible(['install', '-r', changed, '-p', join(base, 'a')]);
    const t2 = await cli(['install', '-r', changed, '-p', join(base, 't')]);
    expect(t2.stdout.replace(/^- updated .*\n/m, '')).toEqual(a2.stdout);
    expect(unwrap(t2.stderr)).toEqual(unwrap(a2.stderr));
  });

  it('list: same lines', async () => {
    const a = ansible(['list', '-p', join(base, 'a')]);
    const t = await cli(['list', '-p', join(base, 't')]);
    const body = (s: string): string[] =>
      s
        .split('\n')
        .filter((l) => l.startsWith('- '))
        .sort();
    expect(body(t.stdout)).toEqual(body(a.stdout));
  });
});
