// stdout_callback=jsonl: one JSON object per event, written as it happens (ansible.posix.jsonl's shape).
import type { ModuleResult } from '../core/module.js';
import type { Callback, HostResult, PlayStartInfo, RecapCounts, TaskStartInfo } from './events.js';
import { ansibleJson, ansibleStats } from './json-callback.js';
import { type Clock, idGenerator, isoTime, stripTsible, systemClock, visibleResult } from './result-view.js';

export interface JsonlCallbackOptions {
  /** Receives one complete line (with its newline) per event. */
  write?: (s: string) => void;
  writeErr?: (s: string) => void;
  now?: Clock;
  idPrefix?: string;
}

interface TaskState {
  name: string;
  id: string;
  path?: string;
  action?: string;
  start: number;
  end?: number;
}

/**
 * Event names are Ansible's callback method names, so tools written for ansible.posix.jsonl read this
 * too: a changed result is `v2_runner_on_ok` with `"changed": true`, as in Ansible. Beyond what that
 * plugin emits, this adds the per-item events (`v2_runner_item_on_*`), includes, retries, "no hosts"
 * events, `v2_playbook_on_start`, and `warning`; an ignored failure carries `"ignore_errors": true`.
 */
export class JsonlCallback implements Callback {
  private readonly out: (s: string) => void;
  private readonly err: (s: string) => void;
  private readonly now: Clock;
  private readonly nextId: () => string;
  private play?: { name: string; id: string; path?: string; start: number };
  private task?: TaskState;

  constructor(opts: JsonlCallbackOptions = {}) {
    this.out = opts.write ?? ((s) => process.stdout.write(s));
    this.err = opts.writeErr ?? ((s) => process.stderr.write(s));
    this.now = opts.now ?? systemClock;
    this.nextId = idGenerator(opts.idPrefix);
  }

  /** `_timestamp` is when the line is written, as in ansible.posix.jsonl. */
  private emit(event: string, payload: Record<string, unknown>): void {
    this.out(
      ansibleJson({ ...payload, _event: event, _timestamp: isoTime(this.now()) }, { compact: true }) + '\n',
    );
  }

  private taskObj(): Record<string, unknown> {
    const t = this.task ?? { name: '', id: '', start: this.now() };
    return {
      name: t.name,
      id: t.id,
      path: t.path,
      duration: { start: isoTime(t.start), end: t.end === undefined ? undefined : isoTime(t.end) },
    };
  }

  playbookStart(file: string): void {
    this.emit('v2_playbook_on_start', { playbook: file });
  }

  playStart(name: string, info: PlayStartInfo = {}): void {
    const start = info.at ?? this.now();
    this.play = { name, id: info.id ?? this.nextId(), path: info.path, start };
    this.task = undefined;
    this.emit('v2_playbook_on_play_start', {
      play: { name, id: this.play.id, path: info.path, duration: { start: isoTime(start) } },
      tasks: [],
    });
  }

  noHostsMatched(): void {
    this.emit('v2_playbook_on_no_hosts_matched', {});
  }

  taskStart(title: string, opts: TaskStartInfo): void {
    const start = opts.at ?? this.now();
    this.task = { name: title, id: opts.id ?? this.nextId(), path: opts.path, action: opts.action, start };
    this.emit(opts.handler ? 'v2_playbook_on_handler_task_start' : 'v2_playbook_on_task_start', {
      hosts: {},
      task: this.taskObj(),
    });
  }

  private entry(r: HostResult, isItem: boolean): ModuleResult {
    const out = stripTsible(visibleResult(r)) as ModuleResult;
    if (r.status === 'failed') out.failed = true;
    if (r.status === 'skipped') out.skipped = true;
    const action = r.action ?? this.task?.action;
    if (action !== undefined) out.action = action;
    if (isItem && !r.noLog && r.item) out._ansible_item_label = r.item.label;
    return out;
  }

  private result(event: string, r: HostResult, isItem: boolean): void {
    const at = r.endedAt ?? this.now();
    if (this.task) this.task.end = Math.max(this.task.end ?? at, at);
    const payload: Record<string, unknown> = {
      hosts: { [r.host]: this.entry(r, isItem) },
      task: this.taskObj(),
    };
    if (r.ignored) payload.ignore_errors = true;
    this.emit(event, payload);
  }

  hostResult(r: HostResult): void {
    const kind = r.status === 'changed' ? 'ok' : r.status;
    this.result(`v2_runner_on_${kind}`, r, false);
  }

  itemResult(r: HostResult): void {
    const kind = r.status === 'changed' ? 'ok' : r.status === 'unreachable' ? 'failed' : r.status;
    this.result(`v2_runner_item_on_${kind}`, r, true);
  }

  included(file: string, hosts: string[], item?: string): void {
    this.emit('v2_playbook_on_include', { included_file: file, hosts, item, task: this.taskObj() });
  }

  retrying(host: string, _task: string, left: number): void {
    this.emit('v2_runner_retry', { hosts: { [host]: { retries_left: left } }, task: this.taskObj() });
  }

  noMoreHosts(): void {
    this.emit('v2_playbook_on_no_hosts_remaining', {});
  }

  warning(msg: string): void {
    this.emit('warning', { msg });
    this.err(`[WARNING]: ${msg}\n`);
  }

  recap(counts: Map<string, RecapCounts>): void {
    this.emit('v2_playbook_on_stats', {
      custom_stats: {},
      global_custom_stats: {},
      stats: ansibleStats(counts),
    });
  }

  close(): void {}
}
