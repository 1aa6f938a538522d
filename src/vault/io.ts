// What tsible-vault commands read and write, as an interface so tests can run them in-process.
import { spawnSync } from 'node:child_process';
import { promptUser, readAllStdin, type PromptFn } from './prompt.js';

export interface Writer {
  write(data: string | Uint8Array): unknown;
}

export interface VaultIo {
  stdout: Writer;
  stderr: Writer;
  /** ansible-vault only prints "Encryption successful" and the like when stdout is a terminal. */
  stdoutIsTTY: boolean;
  stdinIsTTY: boolean;
  readStdin(): Promise<Buffer>;
  prompt: PromptFn;
  env: NodeJS.ProcessEnv;
  /** Show text through a pager; only called when stdout is a terminal. */
  page?(text: Buffer): void;
}

/** Pipe text to $PAGER (else less); falls back to plain output when there is no pager. */
function pageText(text: Buffer, env: NodeJS.ProcessEnv): void {
  const pager = env.PAGER || 'less';
  // Same default as Ansible: raw control chars, quit if one screen, keep the screen.
  const res = spawnSync(pager, {
    shell: true,
    input: text,
    stdio: ['pipe', 'inherit', 'inherit'],
    env: { ...env, LESS: env.LESS ?? 'FRSX' },
  });
  if (res.error || res.status === 127) process.stdout.write(text);
}

/** The real process: stdio, the terminal prompt, the environment. */
export function processIo(): VaultIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdoutIsTTY: process.stdout.isTTY === true,
    stdinIsTTY: process.stdin.isTTY === true,
    readStdin: () => Promise.resolve(readAllStdin()),
    prompt: promptUser,
    env: process.env,
    page: (text) => pageText(text, process.env),
  };
}
