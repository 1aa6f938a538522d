// The one primitive every connection offers: run a shell command, with optional stdin, and collect its output.
import type { StepOutput } from '../core/module.js';

export interface RunOptions {
  stdin?: string | Buffer;
  /** Kill the command and fail after this many milliseconds. */
  timeoutMs?: number;
}

export interface Connection {
  readonly host: string;
  /** Run `cmd` with /bin/sh on the host. Rejects only when the connection itself fails. */
  run(cmd: string, opts?: RunOptions): Promise<StepOutput>;
  close(): void;
}

/** The connection could not be made or was lost: the host is unreachable. */
export class UnreachableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreachableError';
  }
}
