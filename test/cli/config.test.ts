// tsible-config dump/view/list/init, and the settings table behind it (src/config/keys.ts).
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseIni } from 'ini';
import { parse as parseYaml } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, setting } from '../../src/config/config.js';
import {
  KNOWN_KEYS,
  SETTINGS,
  envNames,
  findSetting,
  knownKeyWarnings,
  resolveSetting,
  settingByName,
} from '../../src/config/keys.js';
import { cleanEnv, distBuilt, run } from './helpers.js';

function project(cfgText: string, name = 'tsible.cfg'): { dir: string; cfg: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tsible-config-'));
  const cfg = join(dir, name);
  writeFileSync(cfg, cfgText);
  return { dir, cfg };
}

const CFG = '[defaults]\nforks = 20\nremote_user = deploy\nbogus_key = 1\n\n[diff]\nalways = yes\n';

beforeAll(() => {
  if (!distBuilt()) throw new Error('run `npm run build` first: the CLI tests run the compiled commands');
});

describe('tsible-config dump', () => {
  it('--only-changed shows the config file and the settings it sets, with their origin', () => {
    const { dir, cfg } = project(CFG);
    const r = run('tsible-config', ['dump', '--only-changed'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        `CONFIG_FILE() = ${cfg}`,
        `DEFAULT_FORKS(${cfg}) = 20`,
        `DEFAULT_REMOTE_USER(${cfg}) = deploy`,
        `DIFF_ALWAYS(${cfg}) = True`,
        '',
      ].join('\n'),
    );
    expect(r.stderr).toContain(`[WARNING]: ${cfg}: unknown key 'bogus_key' in [defaults] is ignored`);
  });

  it('names the environment variable a value came from (TSIBLE_ beats ANSIBLE_)', () => {
    const { dir } = project(CFG);
    const env = cleanEnv({ ANSIBLE_TIMEOUT: '30', TSIBLE_FORKS: '7', ANSIBLE_FORKS: '9', NO_COLOR: '1' });
    const r = run('tsible-config', ['dump', '--changed-only'], { cwd: dir, env });
    expect(r.stdout).toContain('DEFAULT_TIMEOUT(env: ANSIBLE_TIMEOUT) = 30\n');
    expect(r.stdout).toContain('DEFAULT_FORKS(env: TSIBLE_FORKS) = 7\n');
    expect(r.stdout).toContain('ANSIBLE_NOCOLOR(env: NO_COLOR) = True\n');
  });

  it('without --only-changed lists every known setting once, sorted, defaults marked', () => {
    const { dir } = project('');
    const r = run('tsible-config', ['dump'], { cwd: dir });
    expect(r.code).toBe(0);
    const names = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => l.slice(0, l.indexOf('(')));
    expect(names).toEqual([...names].sort());
    expect(new Set(names)).toEqual(new Set(['CONFIG_FILE', ...SETTINGS.map((s) => s.name)]));
    expect(r.stdout).toContain('DEFAULT_FORKS(default) = 50\n');
    expect(r.stdout).toContain("DEFAULT_HOST_LIST(default) = ['/etc/ansible/hosts']\n");
    expect(r.stdout).toContain('HOST_KEY_CHECKING(default) = True\n');
    expect(r.stdout).toContain('DEFAULT_LOG_PATH(default) = None\n');
  });

  it('-f json and -f yaml give name/origin/type/value records', () => {
    const { dir, cfg } = project(CFG);
    const j = run('tsible-config', ['dump', '--only-changed', '-f', 'json'], { cwd: dir });
    expect(j.code).toBe(0);
    const rows = JSON.parse(j.stdout) as { name: string; origin: string; value: unknown }[];
    expect(rows.find((x) => x.name === 'DEFAULT_FORKS')).toEqual({
      name: 'DEFAULT_FORKS',
      origin: cfg,
      type: 'integer',
      value: 20,
    });
    const y = run('tsible-config', ['dump', '--only-changed', '--format', 'yaml'], { cwd: dir });
    expect(parseYaml(y.stdout)).toEqual(rows);
  });

  it('-c reads the given file; a missing one is an error (exit 5)', () => {
    const { cfg } = project('[defaults]\nforks = 3\n', 'other.cfg');
    const r = run('tsible-config', ['dump', '--only-changed', '-c', cfg]);
    expect(r.stdout).toContain(`DEFAULT_FORKS(${cfg}) = 3`);
    const bad = run('tsible-config', ['dump', '-c', '/nonexistent.cfg']);
    expect(bad.code).toBe(5);
    expect(bad.stderr).toContain(
      'ERROR! The provided configuration file is missing or not accessible: /nonexistent.cfg',
    );
  });

  it('finds ansible.cfg when there is no tsible.cfg, and prefers tsible.cfg', () => {
    const { dir, cfg } = project('[defaults]\nforks = 4\n', 'ansible.cfg');
    expect(run('tsible-config', ['dump', '--only-changed'], { cwd: dir }).stdout).toContain(
      `DEFAULT_FORKS(${cfg}) = 4`,
    );
    writeFileSync(join(dir, 'tsible.cfg'), '[defaults]\nforks = 6\n');
    expect(run('tsible-config', ['dump', '--only-changed'], { cwd: dir }).stdout).toContain(
      `DEFAULT_FORKS(${join(dir, 'tsible.cfg')}) = 6`,
    );
  });
});

describe('tsible-config view, list, init', () => {
  it('view prints the config file', () => {
    const { dir } = project(CFG);
    const r = run('tsible-config', ['view'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(CFG);
  });

  it.skipIf(existsSync('/etc/ansible/ansible.cfg') || existsSync('/etc/tsible/tsible.cfg'))(
    'view without a config file is an error (exit 1)',
    () => {
      const r = run('tsible-config', ['view']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('ERROR! Invalid or no config file was supplied');
    },
  );

  it('list describes every setting: description, type, default, ini keys, env names', () => {
    const env = cleanEnv();
    const r = run('tsible-config', ['list'], { env });
    expect(r.code).toBe(0);
    const all = parseYaml(r.stdout) as Record<string, Record<string, unknown>>;
    expect(Object.keys(all).sort()).toEqual(SETTINGS.map((s) => s.name).sort());
    expect(all.DEFAULT_FORKS).toMatchObject({
      default: 50,
      ansible_default: 5,
      type: 'integer',
      tsible: 'used',
      ini: [{ key: 'forks', section: 'defaults' }],
      env: [{ name: 'TSIBLE_FORKS' }, { name: 'ANSIBLE_FORKS' }],
    });
    expect(all.INTERPRETER_PYTHON?.tsible).toBe('ignored');
    const j = run('tsible-config', ['list', '-f', 'json'], { env });
    expect(JSON.parse(j.stdout)).toEqual(all);
  });

  it('init writes a config file tsible reads back with the same defaults', () => {
    const r = run('tsible-config', ['init']);
    expect(r.code).toBe(0);
    const data = parseIni(r.stdout) as Record<string, Record<string, string>>;
    expect(data.defaults?.forks).toBe('50');
    expect(data.privilege_escalation?.become_user).toBe('root');
    const { dir, cfg } = project(r.stdout);
    const dump = run('tsible-config', ['dump', '--only-changed'], { cwd: dir });
    expect(dump.stderr).toBe('');
    // Every value written is the default, so nothing differs from the defaults but the origin.
    expect(dump.stdout).toContain(`DEFAULT_FORKS(${cfg}) = 50`);
  });

  it('init --disabled comments every entry out; -f env writes variables', () => {
    const d = run('tsible-config', ['init', '--disabled']);
    expect(d.stdout).toContain('\n;forks=50\n');
    expect(Object.keys((parseIni(d.stdout) as Record<string, object>).defaults ?? {})).toEqual([]);
    const e = run('tsible-config', ['init', '-f', 'env']);
    expect(e.stdout).toContain('\nANSIBLE_FORKS=50\n');
    expect(e.stdout).toContain(
      "ANSIBLE_ROLES_PATH='~/.ansible/roles:/usr/share/ansible/roles:/etc/ansible/roles'",
    );
  });
});

describe('tsible-config flags and exit codes', () => {
  it('--version and --help', () => {
    expect(run('tsible-config', ['--version']).stdout).toMatch(/^tsible-config \d+\.\d+\.\d+\n$/);
    const h = run('tsible-config', ['--help']);
    expect(h.code).toBe(0);
    for (const c of ['dump', 'view', 'list', 'init']) expect(h.stdout).toContain(c);
    expect(run('tsible-config', ['dump', '--help']).stdout).toContain('--only-changed');
  });

  it.each([
    ['no action', [], 'Missing action'],
    ['unknown action', ['bogus'], "unknown command 'bogus'"],
    ['unknown flag', ['dump', '--bogus'], "unknown option '--bogus'"],
    ['bad format', ['dump', '-f', 'toml'], "argument 'toml' is invalid"],
  ])('%s: exit 5', (_name, args, message) => {
    const r = run('tsible-config', args);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(message);
  });
});

describe('the settings table', () => {
  it('keeps every key tsible knew before, in the same used/ignored class or better', () => {
    const before: Record<string, string[]> = {
      defaults: ['inventory', 'forks', 'remote_user', 'private_key_file', 'host_key_checking', 'roles_path'],
      privilege_escalation: ['become', 'become_method', 'become_user', 'become_ask_pass'],
      ssh_connection: ['ssh_args', 'ssh_common_args', 'ssh_extra_args', 'pipelining', 'retries'],
      diff: ['always', 'context'],
      inventory: ['enable_plugins'],
      colors: [],
    };
    for (const [section, keys] of Object.entries(before)) {
      expect(KNOWN_KEYS[section], section).toBeDefined();
      for (const k of keys) expect(findSetting(section, k), `${section}.${k}`).toBeDefined();
    }
  });

  it('has unique names and ini keys, a description, and defaults of the declared type', () => {
    const names = new Set<string>();
    const keys = new Set<string>();
    for (const s of SETTINGS) {
      expect(names.has(s.name), s.name).toBe(false);
      names.add(s.name);
      for (const i of s.ini) {
        const k = `${i.section}.${i.key}`;
        expect(keys.has(k), k).toBe(false);
        keys.add(k);
      }
      expect(s.description.length, s.name).toBeGreaterThan(10);
      if (s.default === null) continue;
      const t = { bool: 'boolean', int: 'number', float: 'number', str: 'string', path: 'string' }[
        s.type as string
      ];
      if (t) expect(typeof s.default, s.name).toBe(t);
      else expect(Array.isArray(s.default), s.name).toBe(true);
      if (s.choices) expect(s.choices, s.name).toContain(s.default);
    }
  });

  it('reads the same environment variables as setting() does, and Ansible\u2019s own names', () => {
    const cfg = { data: {} };
    for (const s of SETTINGS) {
      for (const { section, key } of s.ini) {
        const derived = `ANSIBLE_${key.toUpperCase()}`;
        expect(setting(cfg, section, key, { [derived]: 'x' })).toBe('x');
        expect(envNames(s)).toContain(derived);
      }
      for (const n of s.env) expect(envNames(s)).toContain(n);
    }
    const diff = settingByName('DIFF_ALWAYS')!;
    expect(resolveSetting(cfg, diff, { ANSIBLE_DIFF_ALWAYS: 'yes' })).toMatchObject({
      value: true,
      origin: { kind: 'env', name: 'ANSIBLE_DIFF_ALWAYS' },
    });
  });

  it('warns about unknown sections and keys only', () => {
    const { cfg } = project('[defaults]\nforks = 1\nforkz = 2\ncallback_whitelist = x\n[nope]\na = 1\n');
    const file = loadConfig({ TSIBLE_CONFIG: cfg }, '/');
    expect(knownKeyWarnings(file)).toEqual([
      `${cfg}: unknown key 'forkz' in [defaults] is ignored`,
      `${cfg}: unknown section [nope] is ignored`,
    ]);
  });
});
