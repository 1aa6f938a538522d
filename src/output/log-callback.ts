// log_path: the default output without colour, each entry prefixed like Ansible's log, appended to a file.
import { closeSync, openSync, writeSync } from 'node:fs';
import { userInfo } from 'node:os';
import { DefaultCallback } from './default-callback.js';
import type { Callback, HostResult, PlayStartInfo, RecapCounts, TaskStartInfo } from './events.js';
import { type Clock, logTime, systemClock } from './result-view.js';

export interface LogCallbackOptions {
  /** The log file; created if missing, always appended to. */
  path: string;
  verbosity: number;
  diff: boolean;
  now?: Clock;
  pid?: number;
  user?: string;
  /** The logger name in `n=`; Ansible's is `ansible`, which log parsers expect. */
  name?: string;
  /** Where entries go instead of the file (tests). */
  write?: (s: string) => void;
}

function currentUser(): string {
  const env = process.env.LOGNAME ?? process.env.USER ?? process.env.LNAME ?? process.env.USERNAME;
  if (env) return env;
  try {
    return userInfo().username;
  } catch {
    return String(process.getuid?.() ?? 'unknown');
  }
}

const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

/**
 * Each chunk the default callback writes is one entry, like one Display call in Ansible: leading newlines
 * dropped, the first line prefixed with `DATE TIME,ms p=PID u=USER n=ansible | `, further lines as is.
 */
export class LogCallback implements Callback {
  private readonly inner: DefaultCallback;
  private readonly prefix: string;
  private readonly now: Clock;
  private fd?: number;
  private readonly sink: (s: string) => void;

  constructor(opts: LogCallbackOptions) {
    this.now = opts.now ?? systemClock;
    this.prefix = `p=${opts.pid ?? process.pid} u=${opts.user ?? currentUser()} n=${opts.name ?? 'ansible'} | `;
    if (opts.write) this.sink = opts.write;
    else {
      this.fd = openSync(opts.path, 'a');
      this.sink = (s) => {
        if (this.fd !== undefined) writeSync(this.fd, s);
      };
    }
    const entry = (s: string): void => this.entry(s);
    this.inner = new DefaultCallback({
      color: false,
      verbosity: opts.verbosity,
      diff: opts.diff,
      write: entry,
      writeErr: entry,
    });
  }

  private entry(chunk: string): void {
    const text = chunk.replace(ANSI, '').replace(/^\n+/, '').replace(/\n$/, '');
    if (text.trim() === '') return;
    this.sink(`${logTime(this.now())} ${this.prefix}${text}\n`);
  }

  playbookStart(file: string): void {
    this.inner.playbookStart(file);
  }

  playStart(name: string, _info?: PlayStartInfo): void {
    this.inner.playStart(name);
  }

  noHostsMatched(): void {
    this.inner.noHostsMatched();
  }

  taskStart(title: string, opts: TaskStartInfo): void {
    this.inner.taskStart(title, opts);
  }

  hostResult(r: HostResult): void {
    this.inner.hostResult(r);
  }

  itemResult(r: HostResult): void {
    this.inner.itemResult(r);
  }

  included(file: string, hosts: string[], item?: string): void {
    this.inner.included(file, hosts, item);
  }

  retrying(host: string, task: string, left: number): void {
    this.inner.retrying(host, task, left);
  }

  noMoreHosts(): void {
    this.inner.noMoreHosts();
  }

  warning(msg: string): void {
    this.inner.warning(msg);
  }

  recap(counts: Map<string, RecapCounts>): void {
    this.inner.recap(counts);
  }

  close(): void {
    this.inner.close();
    if (this.fd !== undefined) {
      closeSync(this.fd);
      this.fd = undefined;
    }
  }
}
