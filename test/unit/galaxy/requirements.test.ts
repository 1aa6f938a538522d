// Requirement parsing: every src form, name derivation, positions, file formats and the errors they give.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadYaml } from '../../../src/core/yaml.js';
import {
  parseMetaDependencies,
  parseRequirementsFile,
  parseRequirementString,
  roleNameFromSrc,
} from '../../../src/galaxy/requirements.js';
import { TsibleError } from '../../../src/core/errors.js';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'galaxy-req-'));
}

function reqFile(text: string, name = 'requirements.yml'): string {
  const file = join(tmp(), name);
  writeFileSync(file, text);
  return file;
}

describe('roleNameFromSrc (like ansible-galaxy: basename without .git, no prefix stripping)', () => {
  it.each([
    ['https://github.com/org/ansible-role-nginx.git', 'ansible-role-nginx'],
    ['https://github.com/org/nginx', 'nginx'],
    ['https://github.com/org/nginx/', 'nginx'],
    ['ssh://git@example.com:2222/org/nginx.git', 'nginx'],
    ['git@github.com:org/nginx.git', 'nginx'],
    ['git@example.com:nginx.git', 'nginx'],
    ['file:///srv/git/nginx.git', 'nginx'],
    ['/srv/git/nginx.git', 'nginx'],
    ['./repos/nginx', 'nginx'],
    ['https://example.com/role.tar.gz', 'role'],
    ['https://example.com/x/repo.git,v1', 'repo'],
  ])('%s → %s', (src, name) => {
    expect(roleNameFromSrc(src)).toBe(name);
  });
});

describe('parseRequirementString (src[,version[,name]])', () => {
  it('splits the scm prefix, version and name', () => {
    expect(parseRequirementString('git+https://h/org/r.git,v1.2,myname', '/base')).toEqual({
      name: 'myname',
      src: 'https://h/org/r.git',
      url: 'https://h/org/r.git',
      version: 'v1.2',
      pos: undefined,
    });
    const r = parseRequirementString('https://h/org/r.git', '/base');
    expect([r.name, r.version]).toEqual(['r', '']);
    expect(parseRequirementString('git@github.com:org/r.git,main', '/b')).toMatchObject({
      name: 'r',
      url: 'git@github.com:org/r.git',
      version: 'main',
    });
    expect(parseRequirementString('ssh://git@h/org/r.git,,other', '/b')).toMatchObject({
      name: 'other',
      version: '',
    });
  });

  it('resolves local paths against the base directory and keeps src as written', () => {
    const r = parseRequirementString('../repos/web.git,v1', '/work/project');
    expect(r).toMatchObject({
      name: 'web',
      src: '../repos/web.git',
      url: '/work/repos/web.git',
      version: 'v1',
    });
    expect(parseRequirementString('git+/srv/web', '/x')).toMatchObject({ url: '/srv/web', name: 'web' });
  });

  it('rejects galaxy names, other scms and schemes, bad versions and names', () => {
    expect(() => parseRequirementString('geerlingguy.docker', '/nonexistent')).toThrow(
      /looks like a Galaxy role name/,
    );
    expect(() => parseRequirementString('hg+https://h/r', '/b')).toThrow(/scm 'hg' is not supported/);
    expect(() => parseRequirementString('ext::sh -c touch% /tmp/x', '/b')).toThrow();
    expect(() => parseRequirementString('ftp://h/r.git', '/b')).toThrow(/unsupported URL scheme/);
    expect(() => parseRequirementString('https://h/r.tar.gz', '/b')).toThrow(/archive/);
    expect(() => parseRequirementString('https://h/r.git,--upload-pack=x', '/b')).toThrow(/invalid version/);
    expect(() => parseRequirementString('https://h/r.git,main:refs/heads/x', '/b')).toThrow(
      /invalid version/,
    );
    expect(() => parseRequirementString('https://h/r.git,v1,../escape', '/b')).toThrow(/invalid role name/);
    expect(() => parseRequirementString('a,b,c,d', '/b')).toThrow(/src\[,version\[,name\]\]/);
  });
});

describe('parseRequirementsFile', () => {
  it('reads the plain list format with the line of each entry', () => {
    const file = reqFile(
      [
        '# roles',
        '- src: https://github.com/org/ansible-role-web.git',
        '  version: v1.0.0',
        '- src: git+ssh://git@example.com/org/db.git',
        '  name: database',
        '- name: tools',
        '  src: git@example.com:org/tools.git',
        '  scm: git',
        '- git+https://example.com/org/cache.git,main,cache',
        '',
      ].join('\n'),
    );
    const r = parseRequirementsFile(file);
    expect(r.collections).toBe(0);
    expect(r.warnings).toEqual([]);
    expect(r.roles.map((x) => [x.name, x.src, x.version, x.pos?.line])).toEqual([
      ['ansible-role-web', 'https://github.com/org/ansible-role-web.git', 'v1.0.0', 2],
      ['database', 'ssh://git@example.com/org/db.git', '', 4],
      ['tools', 'git@example.com:org/tools.git', '', 6],
      ['cache', 'https://example.com/org/cache.git', 'main', 9],
    ]);
    expect(r.roles[0]!.pos?.file).toBe(file);
  });

  it('reads the roles:/collections: format and counts the collections', () => {
    const file = reqFile(
      'roles:\n  - src: https://h/a.git\ncollections:\n  - community.general\n  - name: x.y\n    version: 1.0.0\n',
    );
    const r = parseRequirementsFile(file);
    expect(r.roles.map((x) => [x.name, x.pos?.line])).toEqual([['a', 2]]);
    expect(r.collections).toBe(2);
    expect(parseRequirementsFile(reqFile('collections:\n  - a.b\n')).roles).toEqual([]);
  });

  it('keeps a version written as a number exactly as written', () => {
    const r = parseRequirementsFile(
      reqFile('- src: https://h/a.git\n  version: 1.10\n- {src: https://h/b.git, version: 2.0}\n'),
    );
    expect(r.roles.map((x) => x.version)).toEqual(['1.10', '2.0']);
  });

  it('resolves local paths against the file and follows include:', () => {
    const dir = tmp();
    mkdirSync(join(dir, 'repos', 'web'), { recursive: true });
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'more.yml'), '- src: https://h/extra.git\n');
    writeFileSync(join(dir, 'requirements.yml'), '- src: repos/web\n- include: sub/more.yml\n');
    const r = parseRequirementsFile(join(dir, 'requirements.yml'));
    expect(r.roles.map((x) => [x.name, x.url, x.pos?.file.endsWith('more.yml') ? 'more' : 'main'])).toEqual([
      ['web', join(dir, 'repos', 'web'), 'main'],
      ['extra', 'https://h/extra.git', 'more'],
    ]);
  });

  it('warns about unknown keys with a suggestion', () => {
    const file = reqFile('- src: https://h/a.git\n  verison: v1\n');
    const r = parseRequirementsFile(file);
    expect(r.warnings).toEqual([
      `${file}:2: unknown key 'verison' in a role requirement, ignored (did you mean 'version'?)`,
    ]);
  });

  it('reports bad files with a position', () => {
    const err = (text: string): TsibleError => {
      try {
        parseRequirementsFile(reqFile(text));
      } catch (e) {
        return e as TsibleError;
      }
      throw new Error('no error');
    };
    const e1 = err('- src: https://h/a.git\n- name: only.a.name\n');
    expect(e1.message).toMatch(/Galaxy server roles are not supported/);
    expect(e1.pos?.line).toBe(2);
    expect(e1.exitCode).toBe(1);
    expect(err('').message).toMatch(/No requirements found/);
    expect(err('roles: []\nextra: 1\n').message).toMatch(/Found: extra/);
    expect(err('- src: [a, b]\n').message).toMatch(/'src' must be a string/);
    expect(err('- src: "unterminated\n').message).toMatch(/Syntax error/);
  });
});

describe('parseMetaDependencies', () => {
  it('takes src: mappings and git+ strings, and leaves plain role references alone', () => {
    const text = [
      'dependencies:',
      '  - common',
      '  - role: base',
      '    vars: {a: 1}',
      '  - src: https://h/org/dep.git',
      '    version: v2',
      '    name: dep',
      '  - git+https://h/org/other.git,main',
      '  - src: geerlingguy.docker',
      '',
    ].join('\n');
    const { deps, warnings } = parseMetaDependencies(
      loadYaml(text, '/r/meta/main.yml'),
      '/r/meta/main.yml',
      'app',
    );
    expect(deps.map((d) => [d.name, d.src, d.version, d.dependencyOf, d.pos?.line])).toEqual([
      ['dep', 'https://h/org/dep.git', 'v2', 'app', 5],
      ['other', 'https://h/org/other.git', 'main', 'app', 8],
    ]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/geerlingguy\.docker/);
    expect(parseMetaDependencies(null, 'm', 'x')).toEqual({ deps: [], warnings: [] });
  });
});
