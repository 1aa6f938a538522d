// tsible-inventory: show the inventory as tsible reads it, in ansible-inventory's formats: --list (the
// inventory-script JSON, or YAML), --host (one host's variables) and --graph (a tree of groups and hosts).
import { Command, CommanderError, Option } from 'commander';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Document, visit, type ScalarTag } from 'yaml';
import { loadConfig, setting } from '../config/config.js';
import { knownKeyWarnings } from '../config/keys.js';
import { EXIT, TsibleError } from '../core/errors.js';
import { setDecryptHook } from '../core/read.js';
import type { Vars } from '../core/types.js';
import { UnsafeText, VaultText } from '../core/yaml.js';
import { packageVersion } from '../docs/package-info.js';
import { Inventory, displayPath } from '../inventory/inventory.js';
import type { VaultDecrypt } from '../inventory/load-data.js';
import { expandUser } from '../inventory/sources.js';
import { VarsFiles } from '../inventory/vars-files.js';
import { formatError } from '../output/error-format.js';
import { pyJsonIndent } from '../output/pyjson.js';
import { decryptValue, VaultSecrets } from '../vault/secrets.js';
import { collect, exitCodeFor, parseExtraVars } from './common.js';

/** Variables Ansible sets itself; never shown as inventory variables. */
const INTERNAL_VARS = new Set([
  'ansible_diff_mode',
  'ansible_config_file',
  'ansible_facts',
  'ansible_forks',
  'ansible_inventory_sources',
  'ansible_limit',
  'ansible_playbook_python',
  'ansible_run_tags',
  'ansible_skip_tags',
  'ansible_verbosity',
  'ansible_version',
  'inventory_dir',
  'inventory_file',
  'inventory_hostname',
  'inventory_hostname_short',
  'groups',
  'group_names',
  'omit',
  'playbook_dir',
]);

const ALIASES: Record<string, string> = {
  '--inventory-file': '--inventory',
  '--vault-pass-file': '--vault-password-file',
  '--ask-vault-pass': '--ask-vault-password',
  '-o': '--output',
};

class OptionsError extends Error {}

interface Options {
  inventory: string[];
  list?: boolean;
  host?: string;
  graph?: boolean;
  yaml?: boolean;
  toml?: boolean;
  vars?: boolean;
  export?: boolean;
  output?: string;
  playbookDir?: string;
  extraVars: string[];
  vaultId: string[];
  vaultPasswordFile: string[];
  askVaultPassword?: boolean;
}

function setVar(vars: Vars, key: string, value: unknown): void {
  Object.defineProperty(vars, key, { value, enumerable: true, writable: true, configurable: true });
}

function merge(into: Vars, from: Vars): Vars {
  for (const [k, v] of Object.entries(from)) setVar(into, k, v);
  return into;
}

function withoutInternal(vars: Vars): Vars {
  const out: Vars = {};
  for (const [k, v] of Object.entries(vars)) if (!INTERNAL_VARS.has(k)) setVar(out, k, v);
  return out;
}

/** Values as JSON shows them: a `!vault` value as {"__ansible_vault": ciphertext}, `!unsafe` as its text. */
function forJson(v: unknown): unknown {
  if (v instanceof VaultText) return { __ansible_vault: v.ciphertext };
  if (v instanceof UnsafeText) return v.text;
  if (Array.isArray(v)) return v.map(forJson);
  if (v !== null && typeof v === 'object') {
    const out: Vars = {};
    for (const [k, x] of Object.entries(v)) setVar(out, k, forJson(x));
    return out;
  }
  return v;
}

const VAULT_MARK = '\u0000tsible-vault\u0000';

/** YAML like ansible-inventory's: sorted keys, lists not indented, shared values as anchors, `!vault |-`. */
function toYaml(value: unknown): string {
  const vaults: string[] = [];
  const scalar = (v: unknown): unknown => {
    if (v instanceof VaultText) return VAULT_MARK + String(vaults.push(v.ciphertext) - 1);
    if (v instanceof UnsafeText) return v.text;
    return v;
  };
  // Each object is copied once, so values shared between hosts stay shared and become anchors, as in PyYAML.
  const seen = new Map<object, unknown>();
  const markShared = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object' || v instanceof VaultText || v instanceof UnsafeText)
      return scalar(v);
    const done = seen.get(v);
    if (done !== undefined) return done;
    let out: unknown;
    if (Array.isArray(v)) {
      const arr: unknown[] = [];
      seen.set(v, arr);
      for (const x of v) arr.push(markShared(x));
      out = arr;
    } else {
      const obj: Vars = {};
      seen.set(v, obj);
      for (const [k, x] of Object.entries(v)) setVar(obj, k, markShared(x));
      out = obj;
    }
    return out;
  };
  const doc = new Document(markShared(value), {
    version: '1.1',
    customTags: (tags) => [...tags.filter((t) => (t as { tag?: string }).tag !== BOOL), pyTrue, pyFalse],
    sortMapEntries: true,
    aliasDuplicateObjects: true,
    anchorPrefix: 'id00',
  });
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && node.value.startsWith(VAULT_MARK)) {
        node.value = vaults[Number(node.value.slice(VAULT_MARK.length))] ?? '';
        node.tag = '!vault';
        node.type = 'BLOCK_LITERAL';
      } else if (typeof node.value === 'string' && node.value.includes('\n')) {
        // PyYAML writes multi-line strings single-quoted, with blank lines for the line breaks.
        node.type = 'QUOTE_SINGLE';
      }
    },
  });
  return dedentAnchoredLists(doc.toString({ indentSeq: false, lineWidth: 0, singleQuote: true }));
}

// PyYAML's booleans (unlike YAML 1.1, y and n are strings), so `y:` is not quoted.
const BOOL = 'tag:yaml.org,2002:bool';
const pyTrue: ScalarTag = {
  tag: BOOL,
  default: true,
  test: /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/,
  resolve: () => true,
  identify: (v: unknown) => v === true,
};
const pyFalse: ScalarTag = {
  tag: BOOL,
  default: true,
  test: /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/,
  resolve: () => false,
  identify: (v: unknown) => v === false,
};

/** `key: &id001` followed by a list: PyYAML does not indent the list items, the yaml library does. */
function dedentAnchoredLists(text: string): string {
  const lines = text.split('\n');
  const indentOf = (l: string): number => l.length - l.trimStart().length;
  for (let i = 0; i < lines.length - 1; i++) {
    const line = lines[i]!;
    if (!/: &id\d+$/.test(line)) continue;
    const base = indentOf(line);
    const next = lines[i + 1]!;
    if (indentOf(next) !== base + 2 || !next.trimStart().startsWith('- ')) continue;
    for (let j = i + 1; j < lines.length && (lines[j] === '' || indentOf(lines[j]!) > base); j++) {
      if (lines[j] !== '') lines[j] = lines[j]!.slice(2);
    }
  }
  return lines.join('\n');
}

/** Python's str() of a value, as the --graph --vars leaves show it (vault values decrypted). */
function pyStr(v: unknown, decrypt: (v: VaultText) => string, top = true): string {
  if (v instanceof VaultText) return top ? decrypt(v) : quote(decrypt(v));
  if (v instanceof UnsafeText) return top ? v.text : quote(v.text);
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return top ? v : quote(v);
  if (Array.isArray(v)) return `[${v.map((x) => pyStr(x, decrypt, false)).join(', ')}]`;
  if (typeof v === 'object') {
    const items = Object.entries(v).map(([k, x]) => `${quote(k)}: ${pyStr(x, decrypt, false)}`);
    return `{${items.join(', ')}}`;
  }
  return String(v);
}

/** Python's repr() of a string. */
function quote(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  const body = s
    .replace(/\\/g, '\\\\')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    .replace(new RegExp(q, 'g'), `\\${q}`);
  return q + body + q;
}

/** The directories whose group_vars/ and host_vars/ belong to the inventory: a source dir, or a file's dir. */
function inventoryDirs(sources: string[]): string[] {
  const dirs: string[] = [];
  for (const source of sources) {
    if (!source) continue;
    const full = resolve(expandUser(source));
    if (!existsSync(full)) continue;
    dirs.push(statSync(full).isDirectory() ? full : dirname(full));
  }
  return dirs;
}

class InventoryView {
  private readonly varsFiles: VarsFiles;
  private readonly dirs: string[];

  constructor(
    readonly inv: Inventory,
    sources: string[],
    private readonly o: Options,
    private readonly extraVars: Vars,
    private readonly secrets: VaultSecrets,
    decrypt: VaultDecrypt,
  ) {
    this.varsFiles = new VarsFiles({
      display: (p) => displayPath(p, process.cwd()),
      decrypt,
      warn: (m) => inv.warnings.push(m),
    });
    this.dirs = inventoryDirs(sources);
    if (o.playbookDir) this.dirs.push(resolve(o.playbookDir));
  }

  private get playbookDirs(): string[] {
    return this.o.playbookDir ? [this.o.playbookDir] : [];
  }

  /** A host's variables: everything merged (or, with --export, only what is set on the host itself). */
  hostVars(host: string): Vars {
    const out: Vars = {};
    for (const layer of this.inv.varLayers(host, this.playbookDirs)) {
      if (!this.o.export || layer.level >= 8) merge(out, layer.vars);
    }
    if (!this.o.export) merge(out, this.extraVars);
    return withoutInternal(out);
  }

  /** A group's own variables: the inventory file's, then group_vars/<group> beside the inventory. */
  groupVars(name: string): Vars {
    const g = this.inv.group(name);
    if (!g) return {};
    const out = merge({}, g.vars);
    for (const dir of this.dirs) {
      for (const f of this.varsFiles.forEntity(dir, 'group_vars', name)) merge(out, f.vars);
    }
    if (g.priority !== 1) setVar(out, 'ansible_group_priority', g.priority);
    return withoutInternal(out);
  }

  listJson(): Vars {
    const results: Vars = {};
    const seen = new Set<string>();
    const format = (name: string): void => {
      const g = this.inv.group(name);
      if (!g) return;
      const entry: Vars = {};
      if (name !== 'all') entry.hosts = [...g.hosts];
      const children: string[] = [];
      for (const child of g.children) {
        children.push(child);
        if (!seen.has(child)) {
          format(child);
          seen.add(child);
        }
      }
      entry.children = children;
      if (this.o.export) entry.vars = this.groupVars(name);
      removeEmpty(entry);
      if (Object.keys(entry).length > 0) setVar(results, name, entry);
    };
    format('all');
    const hostvars: Vars = {};
    for (const h of this.inv.hosts()) {
      const vars = this.hostVars(h.name);
      if (Object.keys(vars).length > 0) setVar(hostvars, h.name, vars);
    }
    results._meta = { hostvars };
    return results;
  }

  listYaml(): Vars {
    const seen = new Set<string>();
    const format = (name: string): Vars => {
      const g = this.inv.group(name);
      const entry: Vars = {};
      const children: Vars = {};
      for (const child of g?.children ?? []) if (child !== 'all') merge(children, format(child));
      entry.children = children;
      const hosts: Vars = {};
      if (name !== 'all') {
        for (const h of g?.hosts ?? []) {
          let vars: Vars = {};
          if (!seen.has(h)) {
            seen.add(h);
            vars = this.hostVars(h);
          }
          setVar(hosts, h, vars);
        }
      }
      entry.hosts = hosts;
      if (this.o.export) {
        const gv = this.groupVars(name);
        if (Object.keys(gv).length > 0) entry.vars = gv;
      }
      removeEmpty(entry);
      const out: Vars = {};
      setVar(out, name, entry);
      return out;
    };
    return format('all');
  }

  graph(start: string): string[] {
    const decrypt = (v: VaultText): string => decryptValue(v, this.secrets);
    const leaf = (text: string, depth: number): string => (depth ? `${'  |'.repeat(depth)}--${text}` : text);
    const showVars = (vars: Vars, depth: number): string[] =>
      Object.keys(vars)
        .sort()
        .map((k) => leaf(`{${k} = ${pyStr(vars[k], decrypt)}}`, depth));
    const walk = (name: string, depth: number): string[] => {
      const g = this.inv.group(name);
      const lines = [leaf(`@${name}:`, depth)];
      for (const child of g?.children ?? []) lines.push(...walk(child, depth + 1));
      if (name !== 'all') {
        for (const h of g?.hosts ?? []) {
          lines.push(leaf(h, depth + 1));
          if (this.o.vars) lines.push(...showVars(this.hostVars(h), depth + 2));
        }
      }
      if (this.o.vars) lines.push(...showVars(this.groupVars(name), depth + 1));
      return lines;
    };
    return walk(start, 0);
  }
}

function removeEmpty(entry: Vars): void {
  for (const k of ['hosts', 'vars', 'children']) {
    const v = entry[k];
    if (v === undefined) continue;
    const empty = Array.isArray(v) ? v.length === 0 : Object.keys(v as object).length === 0;
    if (empty) delete entry[k];
  }
}

function buildProgram(): Command {
  return new Command('tsible-inventory')
    .description(
      'Show the inventory as tsible reads it: every host and group, and each host\u2019s variables ' +
        '(like ansible-inventory).',
    )
    .usage('[options] --list | --host HOST | --graph [GROUP]')
    .version(`tsible-inventory ${packageVersion()}`, '--version')
    .argument('[host|group]', 'the group to start --graph at (default: all)')
    .option(
      '-i, --inventory <source>',
      'inventory file, directory, script or comma-separated host list (repeatable)',
      collect,
      [],
    )
    .option('--list', 'print every group and host with its variables (JSON, or YAML with --yaml)')
    .option('--host <host>', "print one host's variables")
    .option('--graph', 'print the groups and hosts as a tree')
    .option('-y, --yaml', 'YAML instead of JSON (not for --graph)')
    .addOption(new Option('--toml', 'TOML output (not supported by tsible)').hideHelp())
    .option('--vars', 'with --graph: show the variables of each host and group')
    .option('--export', "with --list: each group's and host's own variables, not every host's merged view")
    .option('--output <file>', 'write --list or --host output to this file instead of stdout (also -o)')
    .option('--playbook-dir <dir>', 'also read group_vars/ and host_vars/ from this playbook directory')
    .option(
      '-e, --extra-vars <vars>',
      'extra variables: key=value, JSON/YAML, or @file (repeatable)',
      collect,
      [],
    )
    .option('-v, --verbose', 'more output (repeatable)')
    .option('--vault-id <id>', 'vault identity [label@]source (repeatable)', collect, [])
    .option(
      '--vault-password-file <file>',
      'vault password file or script (repeatable; also --vault-pass-file)',
      collect,
      [],
    )
    .option('-J, --ask-vault-password', 'ask for the vault password (also --ask-vault-pass)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
}

function checkActions(o: Options): void {
  const used = [o.list, o.host !== undefined, o.graph].filter(Boolean).length;
  if (used === 0) {
    throw new OptionsError(
      'No action selected, at least one of --host, --graph or --list needs to be specified.',
    );
  }
  if (used > 1) {
    throw new OptionsError(
      'Conflicting options used, only one of --host, --graph or --list can be used at the same time.',
    );
  }
  if (o.toml)
    throw new OptionsError('tsible-inventory does not write TOML; use JSON (the default) or --yaml');
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  let verbosity = 0;
  program.on('option:verbose', () => verbosity++);
  const warned = new Set<string>();
  const warn = (m: string): void => {
    if (warned.has(m)) return;
    warned.add(m);
    process.stderr.write(`[WARNING]: ${m}\n`);
  };
  try {
    program.parse(
      argv.map((a) => {
        const [flag, ...rest] = a.split('=');
        const canon = ALIASES[flag!];
        return canon ? [canon, ...rest].join('=') : a;
      }),
    );
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.options;
    throw e;
  }
  const o = program.opts<Options>();
  try {
    checkActions(o);
    const file = loadConfig();
    for (const w of knownKeyWarnings(file)) warn(w);
    if (verbosity >= 1) {
      process.stderr.write(
        file.path ? `Using ${file.path} as config file\n` : 'No config file found; using defaults\n',
      );
    }
    const sources = o.inventory.length
      ? o.inventory
      : (setting(file, 'defaults', 'inventory') ?? '/etc/ansible/hosts').split(',').map((s) => s.trim());

    const secrets = await VaultSecrets.fromOptions({
      vaultIds: o.vaultId,
      passwordFiles: o.vaultPasswordFile,
      askVaultPass: o.askVaultPassword === true,
      configPasswordFile: setting(file, 'defaults', 'vault_password_file'),
      configIdentityList: setting(file, 'defaults', 'vault_identity_list')?.split(','),
      warn,
    });
    // Like ansible-inventory, a vars file that cannot be decrypted is a parse error (exit 4).
    const decrypt: VaultDecrypt = (text, f) => {
      try {
        if (!secrets.hasAny()) {
          throw new TsibleError('vault', 'Attempting to decrypt but no vault secrets found', {
            pos: { file: f },
            hint: 'give a vault password with --ask-vault-pass, --vault-password-file or --vault-id',
          });
        }
        return secrets.decrypt(text, f).toString('utf8');
      } catch (e) {
        if (!(e instanceof TsibleError)) throw e;
        throw new TsibleError(e.kind, e.message, {
          pos: e.pos,
          hint: e.hint,
          exitCode: EXIT.parse,
          cause: e,
        });
      }
    };
    setDecryptHook(secrets.hasAny() ? (data, f) => secrets.decrypt(data.toString('utf8'), f) : undefined);

    const inv = await Inventory.load(sources, { vaultDecrypt: decrypt });
    const view = new InventoryView(inv, sources, o, parseExtraVars(o.extraVars), secrets, decrypt);
    const flush = (): void => {
      for (const w of inv.warnings) warn(w);
    };
    flush();

    let result: string;
    if (o.host !== undefined) {
      const hosts = inv.resolve(o.host);
      flush();
      if (hosts.length !== 1) throw new OptionsError('You must pass a single valid host to --host parameter');
      const vars = view.hostVars(hosts[0]!);
      result = o.yaml ? toYaml(vars) : pyJsonIndent(forJson(vars));
    } else if (o.graph) {
      const start = program.args[0] ?? 'all';
      if (!inv.group(start)) throw new OptionsError('Pattern must be valid group name when using --graph');
      result = view.graph(start).join('\n');
    } else {
      result = o.yaml ? toYaml(view.listYaml()) : pyJsonIndent(forJson(view.listJson()));
    }
    flush();

    if (o.output !== undefined) {
      try {
        writeFileSync(o.output, result);
      } catch (e) {
        throw new TsibleError(
          'command',
          `Unable to write to destination file (${o.output}): ${(e as Error).message}`,
        );
      }
    } else {
      process.stdout.write(result.endsWith('\n') ? result : result + '\n');
    }
    return EXIT.ok;
  } catch (e) {
    if (e instanceof OptionsError) {
      process.stderr.write(`ERROR! ${e.message}\n`);
      return EXIT.options;
    }
    process.stderr.write(formatError(e, verbosity) + '\n');
    return exitCodeFor(e);
  }
}
