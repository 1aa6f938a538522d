// stdout_callback=minimal: `host | CHANGED => {...}` per result, no banners and no recap (Ansible's minimal).
import { Chalk, type ChalkInstance } from 'chalk';
import type { ModuleResult } from '../core/module.js';
import type { Callback, HostResult, TaskStartInfo } from './events.js';
import { pyJsonIndent } from './pyjson.js';
import {
  displayResult,
  isCommandAction,
  isDebugAction,
  unifiedDiffLines,
  visibleResult,
} from './result-view.js';

export interface MinimalCallbackOptions {
  color: boolean;
  verbosity: number;
  diff: boolean;
  write?: (s: string) => void;
  writeErr?: (s: string) => void;
}

/** Without the action, a command-like result is recognised by its shape. */
function looksLikeCommand(res: ModuleResult): boolean {
  return 'rc' in res && 'stdout' in res && 'cmd' in res && !('results' in res);
}

export class MinimalCallback implements Callback {
  private readonly c: ChalkInstance;
  private readonly out: (s: string) => void;
  private readonly err: (s: string) => void;
  private action?: string;

  constructor(private readonly opts: MinimalCallbackOptions) {
    this.c = new Chalk({ level: opts.color ? 1 : 0 });
    this.out = opts.write ?? ((s) => process.stdout.write(s));
    this.err = opts.writeErr ?? ((s) => process.stderr.write(s));
  }

  private display(s: string, paint: (s: string) => string): void {
    this.out(paint(s) + (s.endsWith('\n') ? '' : '\n'));
  }

  playStart(): void {}

  noHostsMatched(): void {}

  taskStart(_title: string, opts: TaskStartInfo): void {
    this.action = opts.action;
  }

  private dump(r: HostResult): string {
    const action = r.action ?? this.action;
    const debug = isDebugAction(action) || (action === undefined && r.verboseAlways === true);
    return pyJsonIndent(displayResult(visibleResult(r), { verbosity: this.opts.verbosity, debug }));
  }

  private commandLike(r: HostResult): boolean {
    if (r.noLog) return false;
    const action = r.action ?? this.action;
    return action !== undefined ? isCommandAction(action) : looksLikeCommand(r.result);
  }

  /** `host | CAPTION | rc=N >>` then stdout, stderr and msg, as Ansible prints command results. */
  private commandMessage(r: HostResult, caption: string): string {
    const res = r.result;
    const text = (k: string): string => (typeof res[k] === 'string' ? (res[k] as string) : '');
    return `${r.host} | ${caption} | rc=${String(res.rc ?? -1)} >>\n${text('stdout')}${text('stderr')}${text('msg')}\n`;
  }

  private showDiff(r: HostResult): void {
    if (!this.opts.diff || r.noLog || !r.diff) return;
    const lines = r.diff.flatMap((d) => {
      const l = unifiedDiffLines(d);
      return l.length === 0 ? [] : [...l, ''];
    });
    if (lines.length > 0) this.out(lines.join('\n') + '\n');
  }

  hostResult(r: HostResult): void {
    this.showDiff(r);
    switch (r.status) {
      case 'ok':
      case 'changed': {
        const state = r.status === 'changed' || r.result.changed === true ? 'CHANGED' : 'SUCCESS';
        const paint = state === 'CHANGED' ? this.c.yellow : this.c.green;
        if (this.commandLike(r)) this.display(this.commandMessage(r, state), paint);
        else this.display(`${r.host} | ${state} => ${this.dump(r)}`, paint);
        break;
      }
      case 'skipped':
        this.display(`${r.host} | SKIPPED`, this.c.cyan);
        break;
      case 'failed':
        if (this.commandLike(r) && !('module_stderr' in r.result))
          this.display(this.commandMessage(r, 'FAILED'), this.c.red);
        else this.display(`${r.host} | FAILED! => ${this.dump(r)}`, this.c.red);
        break;
      case 'unreachable':
        this.display(`${r.host} | UNREACHABLE! => ${this.dump(r)}`, this.c.redBright);
        break;
    }
  }

  /** Ansible's minimal callback prints loops once, with the task's final result. */
  itemResult(): void {}

  included(): void {}

  retrying(): void {}

  noMoreHosts(): void {}

  warning(msg: string): void {
    this.err(this.c.magentaBright(`[WARNING]: ${msg}`) + '\n');
  }

  recap(): void {}

  close(): void {}
}
