// What the engine tells the output: one event per thing that happened, in the order it happened.
import type { FileDiff, ModuleResult } from '../core/module.js';

export type Status = 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable';

export interface HostResult {
  host: string;
  /** "h1 -> localhost" style label when delegated. */
  delegatedTo?: string;
  status: Status;
  result: ModuleResult;
  ignored?: boolean;
  /** Loop item label, for per-item lines. */
  item?: { label: string };
  diff?: FileDiff[];
  /** Print the result even without -v (debug does). */
  verboseAlways?: boolean;
  noLog?: boolean;
  /** The task's action as written (`command`, `ansible.builtin.copy`), when known. */
  action?: string;
  /** Epoch ms when this host (or item) started running; callbacks fall back to the host or task start. */
  startedAt?: number;
  /** Epoch ms when this result was produced; callbacks fall back to the time the event arrived. */
  endedAt?: number;
}

/** Optional details of a play start; every field may be missing. */
export interface PlayStartInfo {
  /** A stable id (Ansible prints a UUID); callbacks generate one when missing. */
  id?: string;
  /** "file.yml:LINE" of the play. */
  path?: string;
  /** The hosts the play (or this serial batch) runs on. */
  hosts?: string[];
  /** Epoch ms of the start; callbacks fall back to the time the event arrived. */
  at?: number;
}

/** Options of a task start. Only `handler` was there originally; every other field is optional. */
export interface TaskStartInfo {
  handler?: boolean;
  id?: string;
  /** The action (module) name, e.g. `command`. */
  action?: string;
  /** "file.yml:LINE" of the task. */
  path?: string;
  /** The hosts the task is about to run on (for progress and per-host bookkeeping). */
  hosts?: string[];
  /** Epoch ms of the start; callbacks fall back to the time the event arrived. */
  at?: number;
}

export interface RecapCounts {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

export interface Callback {
  playbookStart?(file: string): void;
  playStart(name: string, info?: PlayStartInfo): void;
  noHostsMatched(): void;
  taskStart(title: string, opts: TaskStartInfo): void;
  /** A host started running the current task (hosts may start later than the task when forks are busy). */
  hostStart?(host: string, at?: number): void;
  /** Every host has finished the current task (results, items and retries of it are all reported). */
  taskEnd?(at?: number): void;
  hostResult(r: HostResult): void;
  /** A loop item of a still-running task. */
  itemResult(r: HostResult): void;
  included(file: string, hosts: string[], item?: string): void;
  retrying(host: string, task: string, left: number): void;
  noMoreHosts(): void;
  warning(msg: string): void;
  recap(counts: Map<string, RecapCounts>): void;
  /** Flush anything buffered (files, JSON documents). */
  close(): void;
}

export function emptyCounts(): RecapCounts {
  return { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };
}
