// Records a run as plays → tasks → per-host results with timings, for the callbacks that write at the end.
import type { FileDiff, ModuleResult } from '../core/module.js';
import type { Callback, HostResult, PlayStartInfo, RecapCounts, Status, TaskStartInfo } from './events.js';
import { type Clock, idGenerator, systemClock } from './result-view.js';

export interface ItemRecord {
  label?: string;
  status: Status;
  /** Already censored when the task was no_log. */
  result: ModuleResult;
  startedAt: number;
  endedAt: number;
  /** Visible diffs (empty for no_log). */
  diffs: FileDiff[];
}

export interface HostTaskRecord {
  host: string;
  delegatedTo?: string;
  status: Status;
  ignored: boolean;
  noLog: boolean;
  /** The raw event (keep it private: callbacks must show `visibleResult` of it). */
  event: HostResult;
  startedAt: number;
  endedAt: number;
  items: ItemRecord[];
  /** Visible diffs (empty for no_log). */
  diffs: FileDiff[];
  /** The host only included a file in this task (no result of its own). */
  included?: string;
}

export interface TaskRecord {
  title: string;
  id: string;
  handler: boolean;
  action?: string;
  path?: string;
  startedAt: number;
  /** When the last result of the task arrived. */
  endedAt?: number;
  hosts: Map<string, HostTaskRecord>;
  /** Hosts in order of their results. */
  order: string[];
}

export interface PlayRecord {
  name: string;
  id: string;
  path?: string;
  hosts?: string[];
  startedAt: number;
  /** When the last result of the play arrived. */
  endedAt?: number;
  tasks: TaskRecord[];
}

export interface RunRecord {
  startedAt: number;
  endedAt?: number;
  playbooks: string[];
  plays: PlayRecord[];
  warnings: string[];
  recap?: Map<string, RecapCounts>;
}

export interface RecorderOptions {
  now?: Clock;
  /** Prefix of generated ids (random per run by default). */
  idPrefix?: string;
}

/**
 * A Callback that only remembers. Callbacks that write one document at the end extend it and render
 * `this.run` in `recap()`/`close()`. It tolerates missing optional events and timestamps.
 */
export class RunRecorder implements Callback {
  readonly run: RunRecord;
  protected readonly now: Clock;
  private readonly nextId: () => string;
  /** When each host started the current task (from hostStart). */
  private hostStarts = new Map<string, number>();
  private itemBuf = new Map<string, ItemRecord[]>();

  constructor(opts: RecorderOptions = {}) {
    this.now = opts.now ?? systemClock;
    this.nextId = idGenerator(opts.idPrefix);
    this.run = { startedAt: this.now(), playbooks: [], plays: [], warnings: [] };
  }

  get currentPlay(): PlayRecord | undefined {
    return this.run.plays[this.run.plays.length - 1];
  }

  get currentTask(): TaskRecord | undefined {
    const p = this.currentPlay;
    return p?.tasks[p.tasks.length - 1];
  }

  playbookStart(file: string): void {
    this.run.playbooks.push(file);
  }

  playStart(name: string, info: PlayStartInfo = {}): void {
    this.run.plays.push({
      name,
      id: info.id ?? this.nextId(),
      path: info.path,
      hosts: info.hosts,
      startedAt: info.at ?? this.now(),
      tasks: [],
    });
  }

  noHostsMatched(): void {}

  private ensurePlay(): PlayRecord {
    if (!this.currentPlay) this.playStart('');
    return this.currentPlay!;
  }

  taskStart(title: string, opts: TaskStartInfo): void {
    const play = this.ensurePlay();
    this.hostStarts = new Map();
    this.itemBuf = new Map();
    play.tasks.push({
      title,
      id: opts.id ?? this.nextId(),
      handler: opts.handler === true,
      action: opts.action,
      path: opts.path,
      startedAt: opts.at ?? this.now(),
      hosts: new Map(),
      order: [],
    });
  }

  private ensureTask(): TaskRecord {
    if (!this.currentTask) this.taskStart('', {});
    return this.currentTask!;
  }

  hostStart(host: string, at?: number): void {
    this.ensureTask();
    this.hostStarts.set(host, at ?? this.now());
  }

  taskEnd(): void {}

  private stamp(task: TaskRecord, at: number): void {
    task.endedAt = Math.max(task.endedAt ?? at, at);
    const play = this.currentPlay!;
    play.endedAt = Math.max(play.endedAt ?? at, at);
  }

  itemResult(r: HostResult): void {
    const task = this.ensureTask();
    const endedAt = r.endedAt ?? this.now();
    const list = this.itemBuf.get(r.host) ?? [];
    const prev = list[list.length - 1];
    list.push({
      label: r.noLog ? undefined : r.item?.label,
      status: r.status,
      result: r.noLog ? {} : r.result,
      startedAt: r.startedAt ?? prev?.endedAt ?? this.hostStarts.get(r.host) ?? task.startedAt,
      endedAt,
      diffs: r.noLog ? [] : (r.diff ?? []),
    });
    this.itemBuf.set(r.host, list);
  }

  hostResult(r: HostResult): void {
    const task = this.ensureTask();
    const endedAt = r.endedAt ?? this.now();
    const items = this.itemBuf.get(r.host) ?? [];
    this.itemBuf.delete(r.host);
    const startedAt = r.startedAt ?? items[0]?.startedAt ?? this.hostStarts.get(r.host) ?? task.startedAt;
    const rec: HostTaskRecord = {
      host: r.host,
      delegatedTo: r.delegatedTo,
      status: r.status,
      ignored: r.ignored === true,
      noLog: r.noLog === true,
      event: r,
      startedAt: Math.min(startedAt, endedAt),
      endedAt,
      items,
      diffs: r.noLog ? [] : [...items.flatMap((i) => i.diffs), ...(r.diff ?? [])],
    };
    if (!task.hosts.has(r.host)) task.order.push(r.host);
    task.hosts.set(r.host, rec);
    if (task.action === undefined && r.action !== undefined) task.action = r.action;
    this.stamp(task, endedAt);
  }

  included(file: string, hosts: string[]): void {
    const task = this.ensureTask();
    const at = this.now();
    for (const h of hosts) {
      if (task.hosts.has(h)) continue;
      task.order.push(h);
      task.hosts.set(h, {
        host: h,
        status: 'ok',
        ignored: false,
        noLog: false,
        event: { host: h, status: 'ok', result: { changed: false }, action: 'include_tasks' },
        startedAt: task.startedAt,
        endedAt: at,
        items: [],
        diffs: [],
        included: file,
      });
    }
    this.stamp(task, at);
  }

  retrying(): void {}

  noMoreHosts(): void {}

  warning(msg: string): void {
    this.run.warnings.push(msg);
  }

  recap(counts: Map<string, RecapCounts>): void {
    this.run.recap = counts;
    this.run.endedAt = this.now();
  }

  close(): void {
    this.run.endedAt ??= this.now();
  }
}
