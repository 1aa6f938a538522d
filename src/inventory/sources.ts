// Turning one -i value into inventory: a host list, a directory, a script, a YAML file or an INI file.
import { accessSync, closeSync, constants, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { TsibleError } from '../core/errors.js';
import { parseHostList, isHostList } from './host-list.js';
import { parseIniInventory } from './ini-inventory.js';
import type { InventoryData } from './inventory-data.js';
import { loadDataText, readDataFile, type VaultDecrypt } from './load-data.js';
import { parseScriptInventory } from './script-inventory.js';
import { isMapping, parseYamlInventory, pyType } from './yaml-inventory.js';

export interface SourceOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  decrypt?: VaultDecrypt;
  /** How a path is shown in errors and variable labels. */
  display: (path: string) => string;
}

// Entries of an inventory directory that are never parsed: hidden files, vars dirs, backups and non-inventory
// extensions (Ansible's INVENTORY_IGNORE_EXTS, which includes .ini and .cfg).
const IGNORED =
  /^\.|^host_vars$|^group_vars$|^vars_plugins$|(?:\.pyc|\.pyo|\.swp|\.bak|~|\.rpm|\.md|\.txt|\.rst|\.orig|\.ini|\.cfg|\.retry)$/;
const YAML_EXTS = ['', '.yml', '.yaml', '.json'];

export function expandUser(p: string): string {
  return p === '~' || p.startsWith('~/') ? homedir() + p.slice(1) : p;
}

function statOf(path: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** Parse one -i value into `data`. Returns false (after a warning) when nothing could be read from it. */
export async function parseSource(
  data: InventoryData,
  source: string,
  opts: SourceOptions,
): Promise<boolean> {
  const full = resolve(opts.cwd, expandUser(source));
  if (isHostList(source, statOf(full) !== undefined)) {
    data.currentSource = { file: source, dir: null, label: source };
    parseHostList(data, source);
    data.currentSource = undefined;
    return true;
  }
  const parsed = await parsePath(data, full, opts);
  if (!parsed) data.warn(`Unable to parse ${full} as an inventory source`);
  return parsed;
}

async function parsePath(data: InventoryData, path: string, opts: SourceOptions): Promise<boolean> {
  const st = statOf(path);
  if (!st) return false;
  if (st.isDirectory()) {
    const entries = readdirSync(path)
      .filter((e) => !IGNORED.test(e))
      .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    let parsed = false;
    for (const e of entries) {
      const child = join(path, e);
      const ok = await parsePath(data, child, opts);
      if (!ok) data.warn(`Unable to parse ${child} as an inventory source`);
      parsed = parsed || ok;
    }
    return parsed;
  }
  try {
    accessSync(path, constants.R_OK);
  } catch {
    return false;
  }
  data.currentSource = { file: path, dir: dirname(path), label: opts.display(path) };
  try {
    await parseFile(data, path, opts);
  } finally {
    data.currentSource = undefined;
  }
  return true;
}

async function parseFile(data: InventoryData, path: string, opts: SourceOptions): Promise<void> {
  const file = opts.display(path);
  if (isExecutable(path) && startsWithShebang(path)) {
    await parseScriptInventory(data, path, file, { cwd: opts.cwd, env: opts.env });
    return;
  }
  const text = readDataFile(path, file, opts.decrypt);
  const ext = extname(path);
  let yamlError: TsibleError | undefined;
  if (YAML_EXTS.includes(ext)) {
    const yaml = tryYamlInventory(text, file);
    if (yaml instanceof TsibleError) yamlError = yaml;
    else {
      if ('plugin' in yaml) {
        throw new TsibleError(
          'inventory',
          `Inventory plugin configuration files are not supported: ${file}`,
          {
            pos: { file },
            hint: `this file configures the inventory plugin '${String(yaml.plugin)}'; list the hosts in INI or YAML instead`,
          },
        );
      }
      parseYamlInventory(data, yaml, file);
      return;
    }
  }
  try {
    parseIniInventory(data, text, file);
  } catch (e) {
    // A .yml/.yaml/.json file that is neither YAML inventory nor INI: the YAML problem is the one to report.
    if (yamlError !== undefined && ext !== '') throw yamlError;
    throw e;
  }
}

/** The document when `text` is a non-empty YAML/JSON mapping, else the reason it is not. */
function tryYamlInventory(text: string, file: string): Record<string, unknown> | TsibleError {
  let doc: unknown;
  try {
    doc = loadDataText(text, file);
  } catch (e) {
    if (e instanceof TsibleError) return e;
    throw e;
  }
  if (isMapping(doc) && Object.keys(doc).length > 0) return doc;
  const empty = doc === null || isMapping(doc);
  return new TsibleError(
    'inventory',
    empty
      ? `Parsed empty YAML file: ${file}`
      : `YAML inventory has invalid structure, it should be a dictionary, got: ${pyType(doc)}`,
    { pos: { file } },
  );
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function startsWithShebang(path: string): boolean {
  const buf = Buffer.alloc(2);
  const fd = openSync(path, 'r');
  try {
    return readSync(fd, buf, 0, 2, 0) === 2 && buf.toString('latin1') === '#!';
  } finally {
    closeSync(fd);
  }
}
