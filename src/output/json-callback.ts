// stdout_callback=json: one document at the end, shaped like Ansible's json callback (ansible.posix.json).
import type { ModuleResult } from '../core/module.js';
import type { RecapCounts } from './events.js';
import {
  type HostTaskRecord,
  type PlayRecord,
  RunRecorder,
  type RecorderOptions,
  type TaskRecord,
} from './run-model.js';
import { isoTime, stripTsible, visibleResult } from './result-view.js';

export interface AnsibleJsonFormat {
  /** Spaces per level; undefined for one line. */
  indent?: number;
  /** `,` and `:` without spaces (the jsonl callback's separators). */
  compact?: boolean;
}

function asciiString(s: string): string {
  // Python's json.dumps (ensure_ascii=True) escapes everything outside ' '..'~' as \uXXXX, in lowercase.
  return JSON.stringify(s).replace(
    /[\u007f-\uffff]/g,
    (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'),
  );
}

/** JSON the way Python's json.dumps(sort_keys=True) writes it, for byte-compatible machine output. */
export function ansibleJson(v: unknown, fmt: AnsibleJsonFormat = {}, level = 0): string {
  const item = fmt.compact ? ',' : fmt.indent === undefined ? ', ' : ',';
  const kv = fmt.compact ? ':' : ': ';
  const nl = (l: number): string => (fmt.indent === undefined ? '' : '\n' + ' '.repeat(fmt.indent * l));
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'string') return asciiString(v);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'function' || typeof v === 'symbol') return 'null';
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return '[' + v.map((x) => nl(level + 1) + ansibleJson(x, fmt, level + 1)).join(item) + nl(level) + ']';
  }
  const withJson = v as { toJSON?: () => unknown };
  if (typeof withJson.toJSON === 'function') return ansibleJson(withJson.toJSON(), fmt, level);
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort();
  if (keys.length === 0) return '{}';
  return (
    '{' +
    keys.map((k) => nl(level + 1) + asciiString(k) + kv + ansibleJson(o[k], fmt, level + 1)).join(item) +
    nl(level) +
    '}'
  );
}

/** Ansible's per-host stats object (note `failures`, not `failed`). */
export function ansibleStats(counts: Map<string, RecapCounts> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [h, c] of counts ?? []) {
    out[h] = {
      ok: c.ok,
      changed: c.changed,
      unreachable: c.unreachable,
      failures: c.failed,
      skipped: c.skipped,
      rescued: c.rescued,
      ignored: c.ignored,
    };
  }
  return out;
}

/** One host's entry under a task: the (censored) result plus `action`, and failed/skipped as Ansible adds them. */
export function hostEntry(rec: HostTaskRecord, task: TaskRecord): ModuleResult {
  const action = rec.event.action ?? task.action;
  if (rec.included !== undefined) {
    return { action: action ?? 'include_tasks', changed: false, include: rec.included, include_args: {} };
  }
  const out = stripTsible(visibleResult(rec.event)) as ModuleResult;
  if (rec.status === 'failed') out.failed = true;
  if (rec.status === 'skipped') out.skipped = true;
  if (action !== undefined) out.action = action;
  return out;
}

export function taskHeader(task: TaskRecord): Record<string, unknown> {
  return {
    name: task.title,
    id: task.id,
    path: task.path,
    duration: {
      start: isoTime(task.startedAt),
      end: task.endedAt === undefined ? undefined : isoTime(task.endedAt),
    },
  };
}

export function playHeader(play: PlayRecord): Record<string, unknown> {
  return {
    name: play.name,
    id: play.id,
    path: play.path,
    duration: {
      start: isoTime(play.startedAt),
      end: play.endedAt === undefined ? undefined : isoTime(play.endedAt),
    },
  };
}

export interface JsonCallbackOptions extends RecorderOptions {
  write?: (s: string) => void;
  writeErr?: (s: string) => void;
  /** Default 4, like Ansible's json_indent; 0 prints one line. */
  indent?: number;
}

export class JsonCallback extends RunRecorder {
  private readonly out: (s: string) => void;
  private readonly err: (s: string) => void;
  private written = false;

  constructor(private readonly opts: JsonCallbackOptions = {}) {
    super(opts);
    this.out = opts.write ?? ((s) => process.stdout.write(s));
    this.err = opts.writeErr ?? ((s) => process.stderr.write(s));
  }

  /** The document, as Ansible's json callback builds it at the end of the run. */
  document(): Record<string, unknown> {
    return {
      custom_stats: {},
      global_custom_stats: {},
      plays: this.run.plays.map((p) => ({
        play: playHeader(p),
        tasks: p.tasks.map((t) => ({
          task: taskHeader(t),
          hosts: Object.fromEntries(t.order.map((h) => [h, hostEntry(t.hosts.get(h)!, t)])),
        })),
      })),
      stats: ansibleStats(this.run.recap),
    };
  }

  override warning(msg: string): void {
    super.warning(msg);
    this.err(`[WARNING]: ${msg}\n`);
  }

  private flush(): void {
    if (this.written) return;
    this.written = true;
    const indent = this.opts.indent ?? 4;
    this.out(ansibleJson(this.document(), { indent: indent > 0 ? indent : undefined }) + '\n');
  }

  override recap(counts: Map<string, RecapCounts>): void {
    super.recap(counts);
    this.flush();
  }

  override close(): void {
    super.close();
    // A run that ended without a recap still leaves a parseable document.
    this.flush();
  }
}
