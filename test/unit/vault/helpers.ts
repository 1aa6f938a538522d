// Shared by the vault tests: fixture paths, passwords, an in-memory VaultIo, ansible-vault detection.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VaultIo } from '../../../src/vault/io.js';
import type { PromptOptions } from '../../../src/vault/prompt.js';

export const FIXTURES = join(import.meta.dirname, '../../fixtures/vault');
export const MAIN_PW = 'tsible-main-pw';
export const PROD_PW = 'tsible-prod-pw';
export const MAIN_PW_FILE = join(FIXTURES, 'pw-main.txt');
export const PROD_PW_FILE = join(FIXTURES, 'pw-prod.txt');

export function fixture(name: string): Buffer {
  return readFileSync(join(FIXTURES, name));
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'tsible-vault-test-'));
}

/** Whether the real ansible-vault can be run here (the interop sub-tests need it; the vectors do not). */
export const HAVE_ANSIBLE_VAULT = spawnSync('ansible-vault', ['--version'], { stdio: 'ignore' }).status === 0;

export interface MemoryIo extends VaultIo {
  out(): Buffer;
  err(): string;
  /** The prompts shown, in order. */
  prompts: string[];
}

export interface MemoryIoOptions {
  stdin?: string | Buffer;
  /** Answers to prompts, in order; undefined once they run out (end of input). */
  answers?: string[];
  env?: NodeJS.ProcessEnv;
  stdoutIsTTY?: boolean;
  stdinIsTTY?: boolean;
}

/** A VaultIo that records everything, reads stdin from a buffer and answers prompts from a list. */
export function memoryIo(o: MemoryIoOptions = {}): MemoryIo {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const answers = [...(o.answers ?? [])];
  const prompts: string[] = [];
  const buf = (d: string | Uint8Array): Buffer => (typeof d === 'string' ? Buffer.from(d) : Buffer.from(d));
  return {
    stdout: { write: (d) => out.push(buf(d)) },
    stderr: { write: (d) => err.push(buf(d)) },
    stdoutIsTTY: o.stdoutIsTTY ?? false,
    stdinIsTTY: o.stdinIsTTY ?? false,
    readStdin: () => Promise.resolve(buf(o.stdin ?? '')),
    prompt: (message: string, _opts?: PromptOptions) => {
      prompts.push(message);
      return Promise.resolve(answers.shift());
    },
    env: o.env ?? { PATH: process.env.PATH },
    out: () => Buffer.concat(out),
    err: () => Buffer.concat(err).toString('utf8'),
    prompts,
  };
}
