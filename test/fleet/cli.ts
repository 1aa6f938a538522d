// Runs the real tsible CLIs (compiled in dist/) as child processes and reads their recap, for fleet tests.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..').replace(/\/dist$/, '');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run bin/<cli>.js with args; NO_COLOR so output is plain, as when piped. */
export function runCli(
  cli: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', `${cli}.js`), ...args], {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, NO_COLOR: '1', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

export function playbook(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {},
): Promise<CliResult> {
  return runCli('tsible-playbook', args, opts);
}

export interface Recap {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

/** The PLAY RECAP lines of an output, by host. */
export function parseRecap(stdout: string): Map<string, Recap> {
  const out = new Map<string, Recap>();
  const at = stdout.lastIndexOf('PLAY RECAP');
  if (at < 0) return out;
  for (const line of stdout.slice(at).split('\n').slice(1)) {
    const m =
      /^(\S+)\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)\s+rescued=(\d+)\s+ignored=(\d+)/.exec(
        line,
      );
    if (!m) continue;
    const n = m.slice(2).map(Number) as [number, number, number, number, number, number, number];
    out.set(m[1]!, {
      ok: n[0],
      changed: n[1],
      unreachable: n[2],
      failed: n[3],
      skipped: n[4],
      rescued: n[5],
      ignored: n[6],
    });
  }
  return out;
}

/** The status lines ("changed: [web1]") printed under a task banner. */
export function taskLines(stdout: string, title: string): string[] {
  const blocks = stdout.split(/\n(?=(?:TASK|RUNNING HANDLER|PLAY RECAP|PLAY) \[?)/);
  const block = blocks.find(
    (b) => b.startsWith(`TASK [${title}]`) || b.startsWith(`RUNNING HANDLER [${title}]`),
  );
  if (!block) return [];
  return block
    .split('\n')
    .slice(1)
    .filter((l) => /^(ok|changed|fatal|skipping|failed):/.test(l));
}
