// Runs the compiled CLIs (bin/*.js → dist/) as child processes, with an environment free of the caller's
// Ansible/tsible settings and a home directory of its own, so no config file is found by accident.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURES = join(ROOT, 'test', 'cli', 'fixtures');
export const VAULT_PW = join(ROOT, 'test', 'fixtures', 'vault', 'pw-main.txt');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A clean environment: no ANSIBLE_ or TSIBLE_ variables, no NO_COLOR, HOME in a fresh directory. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(ANSIBLE|TSIBLE)_/.test(k) || k === 'NO_COLOR') continue;
    env[k] = v;
  }
  env.HOME = mkdtempSync(join(tmpdir(), 'tsible-home-'));
  return { ...env, ...extra };
}

export function distBuilt(): boolean {
  return existsSync(join(ROOT, 'dist', 'src', 'cli', 'inventory.js'));
}

/** Run bin/<cli>.js with args. */
export function run(
  cli: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {},
): CliResult {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', `${cli}.js`), ...args], {
    cwd: opts.cwd ?? mkdtempSync(join(tmpdir(), 'tsible-cwd-')),
    env: opts.env ?? cleanEnv(),
    input: opts.input ?? '',
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
