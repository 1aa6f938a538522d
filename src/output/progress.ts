// Live progress on a terminal: a status line for a task that has been waiting more than a second.
import type { Callback, HostResult, PlayStartInfo, RecapCounts, TaskStartInfo } from './events.js';
import { type Clock, seconds, systemClock } from './result-view.js';

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(s: string): unknown;
}

export interface ProgressTimer {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface ProgressOptions {
  /** Where the line is drawn: the stream the wrapped callback writes to (default process.stdout). */
  stream?: ProgressStream;
  now?: Clock;
  timer?: ProgressTimer;
  /** How long a task runs before the line appears (default 1000 ms). */
  delayMs?: number;
  /** Redraw period (default 250 ms). */
  intervalMs?: number;
}

/** Carriage return, then "erase the whole line" (ECMA-48 EL 2). */
export const ERASE_LINE = '\r\u001b[2K';

const realTimer: ProgressTimer = {
  setInterval(fn, ms) {
    const h = setInterval(fn, ms);
    // The line is cosmetic: it must never keep the process alive.
    h.unref();
    return h;
  },
  clearInterval(h) {
    clearInterval(h as ReturnType<typeof setInterval>);
  },
};

interface TaskState {
  startedAt: number;
  hosts?: string[];
  starts: Map<string, number>;
  done: Set<string>;
}

/**
 * Wraps the stdout callback. Every event first erases the line (so no output ever lands after it), is
 * passed on, and the line comes back on the next redraw. Off a terminal it only passes events on.
 */
export class ProgressCallback implements Callback {
  private readonly stream: ProgressStream;
  private readonly now: Clock;
  private readonly timer: ProgressTimer;
  private readonly delayMs: number;
  private readonly intervalMs: number;
  private readonly enabled: boolean;
  private task?: TaskState;
  private handle?: unknown;
  private shown = false;

  constructor(
    private readonly inner: Callback,
    opts: ProgressOptions = {},
  ) {
    this.stream = opts.stream ?? process.stdout;
    this.now = opts.now ?? systemClock;
    this.timer = opts.timer ?? realTimer;
    this.delayMs = opts.delayMs ?? 1000;
    this.intervalMs = opts.intervalMs ?? 250;
    this.enabled = this.stream.isTTY === true;
  }

  /** The status line for the current task, or undefined when there is nothing to show (exposed for tests). */
  statusLine(): string | undefined {
    const t = this.task;
    if (!t) return undefined;
    const now = this.now();
    if (now - t.startedAt <= this.delayMs) return undefined;
    const known = t.starts.size > 0 ? [...t.starts.keys()] : (t.hosts ?? []);
    const total = t.hosts?.length ?? (t.starts.size > 0 ? t.starts.size : undefined);
    if (total !== undefined && t.done.size >= total) return undefined;
    const running = known
      .filter((h) => !t.done.has(h))
      .map((h) => ({ h, since: t.starts.get(h) ?? t.startedAt }))
      .sort((a, b) => a.since - b.since);
    const head = total === undefined ? `  [${t.done.size} done]` : `  [${t.done.size}/${total} done]`;
    if (running.length === 0) return `${head} waiting (${seconds(now - t.startedAt)})`;
    const width = Math.max(20, (this.stream.columns ?? 80) - 1);
    let line = `${head} running:`;
    for (let i = 0; i < running.length; i++) {
      const r = running[i]!;
      const piece = `${i === 0 ? ' ' : ', '}${r.h} (${seconds(now - r.since)})`;
      const rest = running.length - i - 1;
      const more = rest > 0 ? ` … +${rest}` : '';
      if ((line + piece + more).length > width) {
        line += ` … +${running.length - i}`;
        break;
      }
      line += piece;
    }
    return line.length > width ? line.slice(0, width - 1) + '…' : line;
  }

  /** Redraw (the timer calls this every intervalMs). */
  tick(): void {
    if (!this.enabled) return;
    const line = this.statusLine();
    if (line === undefined) {
      this.clear();
      return;
    }
    this.stream.write(ERASE_LINE + line);
    this.shown = true;
  }

  private clear(): void {
    if (!this.shown) return;
    this.stream.write(ERASE_LINE);
    this.shown = false;
  }

  private stopTask(): void {
    this.task = undefined;
    if (this.handle !== undefined) {
      this.timer.clearInterval(this.handle);
      this.handle = undefined;
    }
  }

  /** Erase, pass the event on, then put the line back if it was there (and still applies). */
  private around(fn: () => void, endsTask = false, after?: () => void): void {
    if (!this.enabled) {
      fn();
      return;
    }
    const wasShown = this.shown;
    this.clear();
    if (endsTask) this.stopTask();
    fn();
    after?.();
    if (wasShown && this.task) this.tick();
  }

  playbookStart(file: string): void {
    this.around(() => this.inner.playbookStart?.(file), true);
  }

  playStart(name: string, info?: PlayStartInfo): void {
    this.around(() => this.inner.playStart(name, info), true);
  }

  noHostsMatched(): void {
    this.around(() => this.inner.noHostsMatched(), true);
  }

  taskStart(title: string, opts: TaskStartInfo): void {
    this.around(() => this.inner.taskStart(title, opts), true);
    if (!this.enabled) return;
    this.task = { startedAt: opts.at ?? this.now(), hosts: opts.hosts, starts: new Map(), done: new Set() };
    this.handle = this.timer.setInterval(() => this.tick(), this.intervalMs);
  }

  hostStart(host: string, at?: number): void {
    this.task?.starts.set(host, at ?? this.now());
    this.inner.hostStart?.(host, at);
  }

  taskEnd(at?: number): void {
    this.around(() => this.inner.taskEnd?.(at), true);
  }

  hostResult(r: HostResult): void {
    this.around(
      () => this.inner.hostResult(r),
      false,
      () => {
        const t = this.task;
        if (!t) return;
        t.done.add(r.host);
        // Every host the task started on has answered: the task is over even without a taskEnd event.
        if (t.hosts !== undefined && t.done.size >= t.hosts.length) this.stopTask();
      },
    );
  }

  itemResult(r: HostResult): void {
    this.around(() => this.inner.itemResult(r));
  }

  included(file: string, hosts: string[], item?: string): void {
    this.around(() => this.inner.included(file, hosts, item));
  }

  retrying(host: string, task: string, left: number): void {
    this.around(() => this.inner.retrying(host, task, left));
  }

  noMoreHosts(): void {
    this.around(() => this.inner.noMoreHosts(), true);
  }

  warning(msg: string): void {
    this.around(() => this.inner.warning(msg));
  }

  recap(counts: Map<string, RecapCounts>): void {
    this.around(() => this.inner.recap(counts), true);
  }

  close(): void {
    this.around(() => this.inner.close(), true);
  }
}
