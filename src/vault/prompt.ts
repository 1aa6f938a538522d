// Asking the user for a vault password (no echo on a terminal) or a line of text, like Python's getpass.
import { readSync } from 'node:fs';
import { TsibleError } from '../core/errors.js';

export interface PromptOptions {
  /** Do not echo what is typed (passwords); the default. */
  hidden?: boolean;
}

/** Ask a question; resolves undefined at end of input (Ctrl-D), which callers turn into Ansible's EOFError. */
export type PromptFn = (message: string, opts?: PromptOptions) => Promise<string | undefined>;

/** The prompt used by the CLIs: the terminal when stdin is one, otherwise a line read from stdin. */
export const promptUser: PromptFn = (message, opts = {}) => {
  process.stderr.write(message);
  if (process.stdin.isTTY) return readTerminal(opts.hidden !== false);
  return Promise.resolve(readStdinLine());
};

function interrupted(): TsibleError {
  return new TsibleError('internal', 'User interrupted execution', { exitCode: 99 });
}

/** Read keys in raw mode so nothing is echoed; Enter ends, Backspace edits, Ctrl-C aborts, Ctrl-D is EOF. */
function readTerminal(hidden: boolean): Promise<string | undefined> {
  const stdin = process.stdin;
  return new Promise((resolve, reject) => {
    let line = '';
    const done = (err: TsibleError | undefined, value?: string): void => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done(undefined, line);
        if (ch === '\u0003') return done(interrupted());
        if (ch === '\u0004') {
          if (line === '') return done(undefined, undefined);
          continue;
        }
        if (ch === '\u007f' || ch === '\b') {
          if (line !== '' && !hidden) process.stderr.write('\b \b');
          line = line.slice(0, -1);
          continue;
        }
        line += ch;
        if (!hidden) process.stderr.write(ch);
      }
    };
    stdin.setEncoding('utf8');
    stdin.setRawMode(true);
    stdin.on('data', onData);
    stdin.resume();
  });
}

/** One read(2) from fd 0, waiting out EAGAIN (a non-blocking stdin with nothing there yet); 0 at EOF. */
function readFd0(buf: Buffer): number {
  for (;;) {
    try {
      return readSync(0, buf, 0, buf.length, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EOF') return 0;
      if (code !== 'EAGAIN') throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
}

/**
 * Read one line from a non-terminal stdin a byte at a time, so that nothing after the newline is consumed
 * (a second prompt, or the data to encrypt, may follow on the same stdin).
 */
function readStdinLine(): string | undefined {
  const bytes: number[] = [];
  const one = Buffer.alloc(1);
  while (readFd0(one) === 1) {
    if (one[0] === 0x0a) return Buffer.from(bytes).toString('utf8');
    bytes.push(one[0]!);
  }
  return bytes.length === 0 ? undefined : Buffer.from(bytes).toString('utf8');
}

/** Everything left on stdin (synchronously, so it composes with the line reads above). */
export function readAllStdin(): Buffer {
  const chunks: Buffer[] = [];
  for (;;) {
    const buf = Buffer.alloc(65536);
    const n = readFd0(buf);
    if (n === 0) return Buffer.concat(chunks);
    chunks.push(buf.subarray(0, n));
  }
}
