// The one primitive every connection offers: run a shell command, with optional stdin, and collect its output.
import type { StepOutput } from '../core/module.js';
import type { BecomeSpec } from '../core/types.js';
import type { BecomeHandshake } from './become.js';

export interface RunOptions {
  stdin?: string | Buffer;
  /** Kill the command and fail after this many milliseconds. */
  timeoutMs?: number;
  /**
   * The command was wrapped for privilege escalation (see become.ts): the connection answers the password
   * prompt, holds stdin back until the escalation succeeded, and strips the escalation's output.
   */
  become?: BecomeHandshake;
  /** The command carries no_log data: -vvv shows that a command ran, not its text. */
  noLog?: boolean;
  /**
   * Run the command as this become user. The connection applies it: over SSH through one long-lived shell
   * per become user (the password is given once, when that shell starts), otherwise by wrapping the command
   * (become.ts wrapBecome). Unlike `become`, the command is not wrapped yet.
   */
  becomeAs?: BecomeSpec;
}

export interface Connection {
  readonly host: string;
  /**
   * Run `cmd` with /bin/sh on the host. Rejects with UnreachableError when the connection itself fails,
   * and with BecomeError when privilege escalation fails (wrong or missing password…).
   */
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

/** Privilege escalation failed ("Incorrect sudo password"): the task fails, the host stays reachable. */
export class BecomeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BecomeError';
  }
}

/** A debug line sink (-vvv). Only ever given wrapped commands and connection facts, never secrets. */
export type DebugLog = (line: string) => void;
