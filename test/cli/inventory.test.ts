// tsible-inventory: the outputs match ansible-inventory's byte for byte (expected files made once with
// ansible-core 2.14 by fixtures/inventory/make-expected.sh), and flags, errors and exit codes behave.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, distBuilt, FIXTURES, run, VAULT_PW } from './helpers.js';

const INV = join(FIXTURES, 'inventory');
const EXPECTED = join(INV, 'expected');

function golden(): [string, string[], string][] {
  return readdirSync(EXPECTED)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => {
      const text = readFileSync(join(EXPECTED, f), 'utf8');
      const nl = text.indexOf('\n');
      const args = JSON.parse(text.slice(0, nl).replace(/^# args: /, '')) as string[];
      return [f.replace(/\.txt$/, ''), args, text.slice(nl + 1)];
    });
}

const inv = (args: string[], env?: NodeJS.ProcessEnv): ReturnType<typeof run> =>
  run('tsible-inventory', args, { cwd: INV, env });

beforeAll(() => {
  if (!distBuilt()) throw new Error('run `npm run build` first: the CLI tests run the compiled commands');
});

describe('tsible-inventory output is the same as ansible-inventory 2.14', () => {
  it.each(golden())('%s', (_name, args, expected) => {
    const r = inv(args);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(expected);
  });
});

describe('tsible-inventory flags', () => {
  it('writes --list to a file with --output (and -o), without a trailing newline like Ansible', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsible-inv-out-'));
    const expected = readFileSync(join(EXPECTED, 'ini-list.txt'), 'utf8').split('\n').slice(1).join('\n');
    for (const flag of ['--output', '-o']) {
      const file = join(dir, `out${flag}.json`);
      const r = inv(['-i', 'ini/hosts.ini', '--list', flag, file]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('');
      expect(readFileSync(file, 'utf8')).toBe(expected.trimEnd());
    }
  });

  it('takes the inventory from the config file when -i is not given', () => {
    const cfg = join(mkdtempSync(join(tmpdir(), 'tsible-inv-cfg-')), 'tsible.cfg');
    writeFileSync(cfg, `[defaults]\ninventory = ${join(INV, 'ini', 'two.ini')}\n`);
    const r = inv(['--list'], cleanEnv({ TSIBLE_CONFIG: cfg }));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      readFileSync(join(EXPECTED, 'two-list.txt'), 'utf8').split('\n').slice(1).join('\n'),
    );
  });

  it('warns about unknown config keys on stderr, output unchanged', () => {
    const cfg = join(mkdtempSync(join(tmpdir(), 'tsible-inv-cfg-')), 'ansible.cfg');
    writeFileSync(cfg, '[defaults]\nforkz = 3\n');
    const r = inv(['-i', 'ini/two.ini', '--graph', 'a'], cleanEnv({ ANSIBLE_CONFIG: cfg }));
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`[WARNING]: ${cfg}: unknown key 'forkz' in [defaults] is ignored`);
    expect(r.stdout).toBe(
      readFileSync(join(EXPECTED, 'two-graph-group.txt'), 'utf8').split('\n').slice(1).join('\n'),
    );
  });

  it('--host gives the implicit localhost, with the vars of all', () => {
    const r = inv(['-i', 'ini/two.ini', '--host', 'localhost']);
    expect(r.code).toBe(0);
    // Ansible also adds ansible_python_interpreter; tsible needs no Python.
    expect(JSON.parse(r.stdout)).toEqual({ allv: 1, ansible_connection: 'local' });
  });

  it('reads the vault password with --vault-pass-file and --vault-id label@file', () => {
    for (const flags of [
      ['--vault-pass-file', VAULT_PW],
      ['--vault-id', `prod@${VAULT_PW}`],
    ]) {
      const r = inv(['-i', 'vault/hosts.ini', '--host', 'w1', ...flags]);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ db_user: 'app', plain: 1 });
    }
  });

  it('--version and --help exit 0', () => {
    const v = inv(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/^tsible-inventory \d+\.\d+\.\d+/);
    const h = inv(['--help']);
    expect(h.code).toBe(0);
    for (const flag of [
      '--list',
      '--host',
      '--graph',
      '--yaml',
      '--vars',
      '--export',
      '--output',
      '--vault-id',
    ])
      expect(h.stdout).toContain(flag);
  });
});

describe('tsible-inventory errors and exit codes', () => {
  const cases: [string, string[], number, string][] = [
    [
      'no action',
      ['-i', 'ini/two.ini'],
      5,
      'ERROR! No action selected, at least one of --host, --graph or --list',
    ],
    ['two actions', ['-i', 'ini/two.ini', '--list', '--graph'], 5, 'ERROR! Conflicting options used'],
    ['unknown host', ['-i', 'ini/two.ini', '--host', 'nope'], 5, 'You must pass a single valid host'],
    [
      'pattern of several hosts',
      ['-i', 'ini/two.ini', '--host', 'h*'],
      5,
      'You must pass a single valid host',
    ],
    ['--graph of a host', ['-i', 'ini/two.ini', '--graph', 'h1'], 5, 'Pattern must be valid group name'],
    ['unknown flag', ['-i', 'ini/two.ini', '--list', '--bogus'], 5, "unknown option '--bogus'"],
    ['--limit (not an inventory flag)', ['-i', 'ini/two.ini', '--list', '-l', 'a'], 5, "unknown option '-l'"],
    ['--toml', ['-i', 'ini/two.ini', '--list', '--toml'], 5, 'does not write TOML'],
    [
      'vault without a password',
      ['-i', 'vault/hosts.ini', '--list'],
      4,
      'Attempting to decrypt but no vault secrets',
    ],
    [
      'missing output directory',
      ['-i', 'ini/two.ini', '--list', '--output', '/nonexistent/dir/x.json'],
      1,
      'Unable to write to destination file (/nonexistent/dir/x.json)',
    ],
  ];
  it.each(cases)('%s', (_name, args, code, message) => {
    const r = inv(args);
    expect(r.stderr).toContain(message);
    expect(r.code).toBe(code);
    expect(r.stdout).toBe('');
  });

  it('warns about a pattern that matches nothing', () => {
    const r = inv(['-i', 'ini/two.ini', '--host', 'nope']);
    expect(r.stderr).toContain('[WARNING]: Could not match supplied host pattern, ignoring: nope');
  });

  it('reports a broken inventory file with its line, exit 4', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsible-inv-bad-'));
    writeFileSync(join(dir, 'inv.yml'), 'all:\n  hosts:\n    a: [\n');
    const r = run('tsible-inventory', ['-i', 'inv.yml', '--list'], { cwd: dir });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/ERROR! .*\n[\s\S]*inv\.yml/);
  });
});
