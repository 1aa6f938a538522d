// tsible-config: show the configuration tsible runs with (dump), the config file (view), every setting it
// knows (list), or a starting config file (init). Settings come from src/config/keys.ts.
import { Command, CommanderError, Option } from 'commander';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { parse as parseIni } from 'ini';
import { stringify as toYaml } from 'yaml';
import { loadConfig, type ConfigFile } from '../config/config.js';
import {
  SETTINGS,
  defaultValue,
  envNames,
  knownKeyWarnings,
  resolveSetting,
  type SettingDef,
  type SettingOrigin,
  type SettingType,
} from '../config/keys.js';
import { EXIT } from '../core/errors.js';
import { packageVersion } from '../docs/package-info.js';
import { pyJsonIndent } from '../output/pyjson.js';
import { pyRepr } from '../output/pyrepr.js';

class OptionsError extends Error {}

const TYPE_NAMES: Record<SettingType, string> = {
  bool: 'boolean',
  int: 'integer',
  float: 'float',
  str: 'string',
  path: 'path',
  pathlist: 'pathlist',
  pathspec: 'pathspec',
  list: 'list',
};

function sortedSettings(): SettingDef[] {
  return [...SETTINGS].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The config file: -c FILE, or the first found in the search order (tsible.cfg, then ansible.cfg). */
function readConfig(file: string | undefined): ConfigFile {
  if (file === undefined) return loadConfig();
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new OptionsError(`The provided configuration file is missing or not accessible: ${file}`);
  }
  return { path: file, data: parseIni(readFileSync(file, 'utf8')) as ConfigFile['data'] };
}

function originText(o: SettingOrigin): string {
  return o.kind === 'default' ? 'default' : o.kind === 'file' ? o.path : `env: ${o.name}`;
}

interface DumpRow {
  name: string;
  origin: string;
  type: string | null;
  value: unknown;
  changed: boolean;
}

function dumpRows(cfg: ConfigFile): DumpRow[] {
  const rows: DumpRow[] = [
    { name: 'CONFIG_FILE', origin: '', type: null, value: cfg.path ?? null, changed: true },
  ];
  for (const def of SETTINGS) {
    const r = resolveSetting(cfg, def);
    rows.push({
      name: def.name,
      origin: originText(r.origin),
      type: TYPE_NAMES[def.type],
      value: r.value,
      changed: r.origin.kind !== 'default',
    });
  }
  return rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function dump(cfg: ConfigFile, o: { onlyChanged?: boolean; format?: string }): string {
  const rows = dumpRows(cfg).filter((r) => !o.onlyChanged || r.changed);
  const plain = rows.map(({ name, origin, type, value }) => ({ name, origin, type, value }));
  if (o.format === 'json') return pyJsonIndent(plain) + '\n';
  if (o.format === 'yaml') return toYaml(plain, { indentSeq: false, lineWidth: 0 });
  return rows
    .map((r) => `${r.name}(${r.name === 'CONFIG_FILE' ? '' : r.origin}) = ${pyRepr(r.value)}\n`)
    .join('');
}

/** What `list` prints for one setting (the shape of ansible-config list). */
function describe(def: SettingDef): Record<string, unknown> {
  const out: Record<string, unknown> = {
    default: defaultValue(def),
    description: [def.description],
    env: envNames(def).map((name) => ({ name })),
    ini: def.ini.map(({ key, section }) => ({ key, section })),
    type: TYPE_NAMES[def.type],
    tsible: def.status,
  };
  if (def.ansibleDefault !== undefined) out.ansible_default = def.ansibleDefault;
  if (def.choices) out.choices = [...def.choices];
  return out;
}

function list(format: string | undefined): string {
  const all: Record<string, unknown> = {};
  for (const def of sortedSettings()) all[def.name] = describe(def);
  return format === 'json'
    ? pyJsonIndent(all) + '\n'
    : toYaml(all, { indentSeq: false, sortMapEntries: true, lineWidth: 0 });
}

/** Text of a value in an ini file or an environment assignment. */
function iniValue(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.join(', ');
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return String(v);
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]*$/.test(s) ? s : `'${s.replace(/'/g, `'"'"'`)}'`;
}

/** A starting config file: every setting tsible acts on, with its description and default. */
function init(o: { format?: string; disabled?: boolean }): string {
  const used = SETTINGS.filter((d) => d.status === 'used');
  const prefix = o.disabled ? ';' : '';
  if (o.format === 'env') {
    return used
      .map((d) => {
        const name = d.env[0] ?? `ANSIBLE_${d.ini[0]!.key.toUpperCase()}`;
        const dflt = d.type === 'pathspec' ? (d.default as string[]).join(':') : iniValue(d.default);
        const off = o.disabled || d.default === null ? '#' : '';
        return `# (${TYPE_NAMES[d.type]}) ${d.description}\n${off}${name}=${shellQuote(dflt)}\n`;
      })
      .join('\n');
  }
  const sections = new Map<string, SettingDef[]>();
  for (const d of used) {
    const section = d.ini[0]!.section;
    sections.set(section, [...(sections.get(section) ?? []), d]);
  }
  const order = ['defaults', 'privilege_escalation', 'ssh_connection', 'diff'];
  const names = [...sections.keys()].sort((a, b) => {
    const ia = order.indexOf(a);
    const ib = order.indexOf(b);
    return (ia < 0 ? order.length : ia) - (ib < 0 ? order.length : ib) || a.localeCompare(b);
  });
  const out: string[] = [];
  for (const section of names) {
    out.push(`[${section}]`);
    for (const d of sections.get(section) ?? []) {
      const dflt = d.type === 'pathspec' ? (d.default as string[]).join(':') : iniValue(d.default);
      // A setting with no default stays commented out: an empty value is not the same as unset.
      const off = d.default === null ? ';' : prefix;
      out.push(`# (${TYPE_NAMES[d.type]}) ${d.description}`, `${off}${d.ini[0]!.key}=${dflt}`, '');
    }
  }
  return out.join('\n');
}

function warnUnknownKeys(cfg: ConfigFile): void {
  for (const w of knownKeyWarnings(cfg)) process.stderr.write(`[WARNING]: ${w}\n`);
}

export async function main(argv: string[]): Promise<number> {
  let out = '';
  const program = new Command('tsible-config');
  program
    .description(
      'Show the configuration tsible uses, where each value comes from, and every setting it knows.',
    )
    .version(`tsible-config ${packageVersion()}`, '--version')
    .option('-v, --verbose', 'more output (accepted for compatibility)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .showHelpAfterError(false);

  const configOpt = (): Option =>
    new Option('-c, --config <file>', 'read this config file instead of searching for one');

  program
    .command('dump')
    .description('show every setting with its value and where the value comes from')
    .addOption(configOpt())
    .option('--only-changed', 'only the settings that are not at their default (alias --changed-only)')
    .addOption(
      new Option('-f, --format <format>', 'output format')
        .choices(['display', 'json', 'yaml'])
        .default('display'),
    )
    .addOption(
      new Option('-t, --type <type>', 'plugin type (only "base" and "all" exist in tsible)').choices([
        'base',
        'all',
      ]),
    )
    .action((o: { config?: string; onlyChanged?: boolean; format?: string }) => {
      const cfg = readConfig(o.config);
      warnUnknownKeys(cfg);
      out = dump(cfg, o);
    });

  program
    .command('view')
    .description('print the config file in use')
    .addOption(configOpt())
    .action((o: { config?: string }) => {
      const cfg = readConfig(o.config);
      if (!cfg.path) throw new OptionsError('Invalid or no config file was supplied', { cause: 1 });
      warnUnknownKeys(cfg);
      out = readFileSync(cfg.path, 'utf8');
    });

  program
    .command('list')
    .description('list every setting tsible knows: description, type, default, ini keys and env variables')
    .addOption(configOpt())
    .addOption(new Option('-f, --format <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .addOption(
      new Option('-t, --type <type>', 'plugin type (only "base" and "all" exist in tsible)').choices([
        'base',
        'all',
      ]),
    )
    .action((o: { format?: string }) => {
      out = list(o.format);
    });

  program
    .command('init')
    .description('print a starting tsible.cfg with every setting tsible acts on and its default')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['ini', 'env']).default('ini'))
    .option('--disabled', 'comment every entry out')
    .addOption(
      new Option('-t, --type <type>', 'plugin type (only "base" and "all" exist in tsible)').choices([
        'base',
        'all',
      ]),
    )
    .action((o: { format?: string; disabled?: boolean }) => {
      out = init(o);
    });

  try {
    if (argv.length <= 2) {
      process.stderr.write(
        `${program.helpInformation()}\nERROR! Missing action: one of dump, view, list or init is needed\n`,
      );
      return EXIT.options;
    }
    await program.parseAsync(argv.map((a) => (a === '--changed-only' ? '--only-changed' : a)));
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.options;
    if (e instanceof OptionsError) {
      process.stderr.write(`ERROR! ${e.message}\n`);
      return e.cause === 1 ? EXIT.error : EXIT.options;
    }
    process.stderr.write(`ERROR! ${(e as Error).message}\n`);
    return EXIT.error;
  }
  process.stdout.write(out);
  return EXIT.ok;
}
