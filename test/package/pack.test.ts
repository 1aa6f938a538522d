// `npm pack` makes a package that installs globally (`npm i -g ./tsible-*.tgz`) and whose commands run from
// the install prefix, without the repository around them. Needs `npm run build` first (pack does not build)
// and npm's registry or its cache for the dependencies.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, distBuilt, ROOT } from '../cli/helpers.js';

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const BINS = Object.keys(
  (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin,
);

let dir = '';
let prefix = '';
let files: string[] = [];

function npm(args: string[], cwd: string): string {
  return execFileSync('npm', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 480_000,
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
}

/** Run an installed command by its name from the prefix, in a directory outside the repository. */
function installed(cmd: string, args: string[], cwd = dir): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(join(prefix, 'bin', cmd), args, {
    cwd,
    encoding: 'utf8',
    env: cleanEnv({ PATH: `${join(prefix, 'bin')}:${process.env.PATH ?? ''}` }),
    timeout: 60_000,
  });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  if (!distBuilt()) throw new Error('run `npm run build` first: npm pack packages dist/ as it is');
  dir = mkdtempSync(join(tmpdir(), 'tsible-pack-'));
  prefix = join(dir, 'prefix');
  // --ignore-scripts: pack what was built; `prepare` would rebuild the whole tree.
  npm(['pack', '--ignore-scripts', '--pack-destination', dir], ROOT);
  const tgz = readdirSync(dir).find((f) => /^tsible-.*\.tgz$/.test(f));
  if (!tgz) throw new Error(`npm pack made no tarball in ${dir}`);
  files = execFileSync('tar', ['tzf', join(dir, tgz)], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((f) => f.replace(/^package\//, ''));
  npm(
    ['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', `./${tgz}`],
    dir,
  );
}, 600_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('contains the launchers, the compiled commands, the README and the changelog', () => {
    for (const f of ['package.json', 'README.md', 'CHANGELOG.md']) expect(files).toContain(f);
    for (const bin of BINS) expect(files).toContain(`bin/${bin}.js`);
    for (const cli of ['playbook', 'adhoc', 'inventory', 'vault', 'galaxy', 'config', 'doc']) {
      expect(files).toContain(`dist/src/cli/${cli}.js`);
    }
    expect(files).toContain('dist/modules/index.js');
  });

  it('does not ship the TypeScript sources', () => {
    expect(files.filter((f) => f.startsWith('src/') || f.startsWith('modules/'))).toEqual([]);
  });
});

describe('npm install -g of the package', () => {
  it('links every command in the prefix', () => {
    for (const bin of BINS) expect(existsSync(join(prefix, 'bin', bin)), bin).toBe(true);
  });

  it.each(BINS.filter((b) => b !== 'tsible-doc'))('%s --version', (bin) => {
    const r = installed(bin, ['--version']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(VERSION);
  });

  it('tsible-doc -l lists the modules', () => {
    const r = installed('tsible-doc', ['-l']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^copy\s+\S/m);
    expect(r.stdout).toMatch(/^template\s+\S/m);
  });

  it('tsible-inventory and tsible-config work from the install', () => {
    const inv = installed('tsible-inventory', ['-i', 'a.example.com,b.example.com', '--graph']);
    expect(inv.code).toBe(0);
    expect(inv.stdout).toBe('@all:\n  |--@ungrouped:\n  |  |--a.example.com\n  |  |--b.example.com\n');
    const cfg = installed('tsible-config', ['dump', '--only-changed']);
    expect(cfg.code).toBe(0);
    expect(cfg.stdout).toBe('CONFIG_FILE() = None\n');
  });

  it('tsible-playbook runs a playbook on a local connection', () => {
    const work = mkdtempSync(join(dir, 'play-'));
    writeFileSync(join(work, 'inventory.ini'), 'box ansible_connection=local\n');
    writeFileSync(
      join(work, 'site.yml'),
      [
        '- hosts: all',
        '  gather_facts: false',
        '  tasks:',
        '    - name: Say hello',
        '      command: echo hello from the package',
        '      register: out',
        '    - debug:',
        '        var: out.stdout',
        '',
      ].join('\n'),
    );
    const r = installed('tsible-playbook', ['-i', 'inventory.ini', 'site.yml'], work);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('"out.stdout": "hello from the package"');
    expect(r.stdout).toMatch(/box\s+: ok=2\s+changed=1\s+unreachable=0\s+failed=0/);
  });
});
