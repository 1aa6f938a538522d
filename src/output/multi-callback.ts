// Fans every event out to several callbacks (stdout, log file, JUnit, HTML report) in order.
import type { Callback, HostResult, PlayStartInfo, RecapCounts, TaskStartInfo } from './events.js';

export class MultiCallback implements Callback {
  readonly callbacks: Callback[];

  constructor(callbacks: Callback[]) {
    this.callbacks = [...callbacks];
  }

  /**
   * Every callback sees every event even if an earlier one throws (a full disk must not hide the
   * terminal output); the first error is rethrown once all have been called.
   */
  private each(fn: (cb: Callback) => void): void {
    let first: { e: unknown } | undefined;
    for (const cb of this.callbacks) {
      try {
        fn(cb);
      } catch (e) {
        first ??= { e };
      }
    }
    if (first) throw first.e;
  }

  playbookStart(file: string): void {
    this.each((cb) => cb.playbookStart?.(file));
  }

  playStart(name: string, info?: PlayStartInfo): void {
    this.each((cb) => cb.playStart(name, info));
  }

  noHostsMatched(): void {
    this.each((cb) => cb.noHostsMatched());
  }

  taskStart(title: string, opts: TaskStartInfo): void {
    this.each((cb) => cb.taskStart(title, opts));
  }

  hostStart(host: string, at?: number): void {
    this.each((cb) => cb.hostStart?.(host, at));
  }

  taskEnd(at?: number): void {
    this.each((cb) => cb.taskEnd?.(at));
  }

  hostResult(r: HostResult): void {
    this.each((cb) => cb.hostResult(r));
  }

  itemResult(r: HostResult): void {
    this.each((cb) => cb.itemResult(r));
  }

  included(file: string, hosts: string[], item?: string): void {
    this.each((cb) => cb.included(file, hosts, item));
  }

  retrying(host: string, task: string, left: number): void {
    this.each((cb) => cb.retrying(host, task, left));
  }

  noMoreHosts(): void {
    this.each((cb) => cb.noMoreHosts());
  }

  warning(msg: string): void {
    this.each((cb) => cb.warning(msg));
  }

  recap(counts: Map<string, RecapCounts>): void {
    this.each((cb) => cb.recap(counts));
  }

  close(): void {
    this.each((cb) => cb.close());
  }
}
