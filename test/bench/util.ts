// Small helpers shared by the benchmark: paths, logging, child processes, statistics.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));

/** The repository root, whether this runs from test/bench (tsx) or dist/test/bench (compiled). */
export const ROOT = join(HERE, '..', '..').replace(/\/dist$/, '');
/** test/bench in the source tree (workloads, floor scripts and results live there, not in dist/). */
export const BENCH_SRC = join(ROOT, 'test', 'bench');
/** A sibling module of this file as it runs: `.ts` under tsx, `.js` when compiled. */
export function siblingEntry(name: string): string {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return join(HERE, `${name}${ext}`);
}

/**
 * argv to start a sibling entry point (floor, fake-fleet). Their CPU and memory are measured, so the
 * compiled dist/test/bench/<name>.js is preferred even under tsx, whose loader would add its own cost;
 * without a build, the .ts runs with this process's loader flags.
 */
export function nodeEntry(name: string, args: string[]): string[] {
  const compiled = join(ROOT, 'dist', 'test', 'bench', `${name}.js`);
  if (existsSync(compiled)) return [process.execPath, compiled, ...args];
  return [process.execPath, ...process.execArgv, siblingEntry(name), ...args];
}

export function log(msg: string): void {
  process.stderr.write(`bench: ${msg}\n`);
}

export function warn(msg: string): void {
  process.stderr.write(`bench: WARNING: ${msg}\n`);
}

export interface Exec {
  rc: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion (no shell); never throws on a non-zero exit. */
export function execSync(
  argv: string[],
  opts: { input?: string | Buffer; cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Exec {
  const [cmd, ...args] = argv;
  if (!cmd) throw new Error('execSync: empty argv');
  const r = spawnSync(cmd, args, {
    input: opts.input ?? '',
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error) return { rc: 127, stdout: '', stderr: r.error.message };
  return { rc: r.status ?? 128, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}

/** Async version (stdin may be a Buffer), so several can run at once. */
export function execAsync(
  argv: string[],
  opts: { input?: string | Buffer; cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Exec> {
  return new Promise((resolve) => {
    const [cmd, ...args] = argv;
    if (!cmd) throw new Error('execAsync: empty argv');
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: 'pipe' });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.stdin.on('error', () => undefined);
    child.on('error', (e) => resolve({ rc: 127, stdout: '', stderr: e.message }));
    child.on('close', (code, signal) =>
      resolve({
        rc: code ?? (signal ? 128 + 9 : 128),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
    child.stdin.end(opts.input ?? '');
  });
}

/** Runs fn over items with at most `limit` in flight; results keep the items' order. */
export async function mapLimit<T, R>(
  items: T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** First line of a command's stdout, or '' when it fails. */
export function firstLine(argv: string[]): string {
  const r = execSync(argv);
  return r.rc === 0 ? (r.stdout.split('\n')[0] ?? '').trim() : '';
}

let homes = 0;
/** A fresh, short HOME directory under root (ssh ControlPath sockets must fit in ~108 bytes). */
export function freshHome(root: string): string {
  return join(root, `h${++homes}`);
}

/**
 * Formats the JSON files under dir with the repository's Prettier settings, so that results committed to
 * the tree pass `npm run lint`. Best effort: without Prettier (a production install) files stay as written.
 */
export async function prettifyJson(dir: string): Promise<void> {
  let prettier: typeof import('prettier');
  try {
    prettier = await import('prettier');
  } catch {
    return;
  }
  const walk = (d: string): string[] =>
    readdirSync(d, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith('.json') ? [join(d, e.name)] : [],
    );
  for (const file of walk(dir)) {
    const text = readFileSync(file, 'utf8');
    const options = (await prettier.resolveConfig(file)) ?? {};
    const formatted = await prettier.format(text, { ...options, filepath: file });
    if (formatted !== text) writeFileSync(file, formatted);
  }
}
