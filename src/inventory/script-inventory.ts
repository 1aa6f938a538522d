// Executable inventory scripts: `script --list` prints groups as JSON, `script --host H` a host's vars.
import { execFile } from 'node:child_process';
import { TsibleError } from '../core/errors.js';
import type { InventoryData } from './inventory-data.js';
import { loadDataText } from './load-data.js';
import { isMapping } from './yaml-inventory.js';

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ScriptOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
}

function run(path: string, args: string[], opts: ScriptOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      path,
      args,
      { cwd: opts.cwd, env: opts.env ?? process.env, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') {
          reject(
            new TsibleError('inventory', `problem running ${[path, ...args].join(' ')} (${err.message})`, {
              pos: { file: path },
            }),
          );
          return;
        }
        resolve({ code: typeof err?.code === 'number' ? err.code : 0, stdout, stderr });
      },
    );
  });
}

/** Run an inventory script and add what it reports; `file` names it in errors and variable labels. */
export async function parseScriptInventory(
  data: InventoryData,
  path: string,
  file: string,
  opts: ScriptOptions,
): Promise<void> {
  const fail = (message: string, hint?: string): never => {
    throw new TsibleError('inventory', message, { pos: { file }, hint });
  };
  const res = await run(path, ['--list'], opts);
  const err = res.stderr && !res.stderr.endsWith('\n') ? `${res.stderr}\n` : res.stderr;
  if (res.code !== 0) fail(`Inventory script (${file}) had an execution error: ${err}`.trimEnd());
  let processed: unknown;
  try {
    processed = JSON.parse(res.stdout) as unknown;
  } catch (e) {
    fail(
      `failed to parse executable inventory script results from ${file}: ${(e as Error).message}\n${err}`.trimEnd(),
      'the script must print one JSON object for --list',
    );
  }
  if (!isMapping(processed)) {
    fail(
      `failed to parse executable inventory script results from ${file}: needs to be a json dict\n${err}`.trimEnd(),
    );
  }
  const doc = processed as Record<string, unknown>;

  const hosts = new Set<string>();
  let metaHostvars: unknown;
  for (const [group, gdata] of Object.entries(doc)) {
    if (group === '_meta') {
      if (isMapping(gdata) && 'hostvars' in gdata) metaHostvars = gdata.hostvars;
      continue;
    }
    parseGroup(data, group, gdata, hosts, file, fail);
  }

  for (const host of hosts) {
    let got: unknown;
    let label: string;
    if (metaHostvars === undefined) {
      got = await hostVars(path, host, file, opts);
      label = `${file} --host ${host}`;
    } else {
      if (!isMapping(metaHostvars))
        fail(`Improperly formatted host information for ${host}: _meta.hostvars is not a mapping`);
      got = (metaHostvars as Record<string, unknown>)[host] ?? {};
      label = `${file} --list (_meta.hostvars)`;
    }
    if (!isMapping(got))
      fail(`Invalid data from file, expected dictionary and got:\n\n${JSON.stringify(got)}`);
    for (const [k, v] of Object.entries(got as Record<string, unknown>)) data.setHostVar(host, k, v, label);
  }
}

function parseGroup(
  data: InventoryData,
  group: string,
  gdata: unknown,
  hosts: Set<string>,
  file: string,
  fail: (message: string) => never,
): void {
  data.addGroup(group);
  let body: Record<string, unknown>;
  // A bare list is the group's hosts; a mapping without hosts/vars/children is (legacy) a host's vars.
  if (!isMapping(gdata)) body = { hosts: gdata };
  else if (!['hosts', 'vars', 'children'].some((k) => k in gdata)) body = { hosts: [group], vars: gdata };
  else body = gdata;

  if ('hosts' in body) {
    if (!Array.isArray(body.hosts)) {
      fail(`You defined a group '${group}' with bad data for the host list:\n ${JSON.stringify(gdata)}`);
    }
    for (const h of body.hosts as unknown[]) {
      if (typeof h !== 'string') {
        fail(
          `Invalid host name supplied, expected a string but got ${JSON.stringify(h)} in group '${group}'`,
        );
      }
      hosts.add(h as string);
      data.addHost(h as string, group, undefined, `${file} --list`);
    }
  }
  if ('vars' in body) {
    if (!isMapping(body.vars)) {
      fail(`You defined a group '${group}' with bad data for variables:\n ${JSON.stringify(gdata)}`);
    }
    const label = `${file} --list (${group} vars)`;
    for (const [k, v] of Object.entries(body.vars as Record<string, unknown>))
      data.setGroupVar(group, k, v, label);
  }
  if ('children' in body) {
    const children = body.children;
    const names = Array.isArray(children) ? children : isMapping(children) ? Object.keys(children) : [];
    for (const child of names) {
      const name = String(child);
      data.addGroup(name);
      data.addChild(group, name, { file });
    }
  }
}

async function hostVars(path: string, host: string, file: string, opts: ScriptOptions): Promise<unknown> {
  const res = await run(path, ['--host', host], opts);
  if (res.stdout.trim() === '') return {};
  try {
    return loadDataText(res.stdout, `${file} --host ${host}`);
  } catch {
    throw new TsibleError(
      'inventory',
      `could not parse post variable response: ${[file, '--host', host].join(' ')}, ${res.stdout.trim()}`,
      { pos: { file } },
    );
  }
}
