// Picks the stdout callback by name (stdout_callback) and adds the log, JUnit and HTML report outputs.
import { closest, TsibleError } from '../core/errors.js';
import { DefaultCallback } from './default-callback.js';
import type { Callback } from './events.js';
import { HtmlReportCallback } from './html-report.js';
import { JsonCallback } from './json-callback.js';
import { JsonlCallback } from './jsonl-callback.js';
import { JunitCallback } from './junit.js';
import { LogCallback } from './log-callback.js';
import { MinimalCallback } from './minimal-callback.js';
import { MultiCallback } from './multi-callback.js';
import { ProgressCallback, type ProgressOptions } from './progress.js';
import type { Clock } from './result-view.js';
import { YamlCallback } from './yaml-callback.js';

export const STDOUT_CALLBACKS = ['default', 'json', 'jsonl', 'minimal', 'yaml'] as const;
export type StdoutCallbackName = (typeof STDOUT_CALLBACKS)[number];

/** The names Ansible users write in ansible.cfg, mapped to ours. */
const ALIASES: Readonly<Record<string, StdoutCallbackName>> = {
  'ansible.builtin.default': 'default',
  'ansible.builtin.minimal': 'minimal',
  'community.general.yaml': 'yaml',
  'ansible.posix.json': 'json',
  'ansible.posix.jsonl': 'jsonl',
};

export interface StdoutCallbackOptions {
  color: boolean;
  verbosity: number;
  diff: boolean;
  write?: (s: string) => void;
  writeErr?: (s: string) => void;
  /** Terminal width when stdout is a terminal. */
  columns?: number;
  now?: Clock;
}

/** Resolve a stdout_callback value (short or fully qualified), or throw an options error listing valid names. */
export function stdoutCallbackName(name: string): StdoutCallbackName {
  const n = name.trim();
  if ((STDOUT_CALLBACKS as readonly string[]).includes(n)) return n as StdoutCallbackName;
  const alias = ALIASES[n];
  if (alias) return alias;
  const guess = closest(n, [...STDOUT_CALLBACKS, ...Object.keys(ALIASES)]);
  throw new TsibleError('options', `Invalid callback for stdout specified: ${n}`, {
    hint: `valid names: ${STDOUT_CALLBACKS.join(', ')}${guess ? `; did you mean '${guess}'?` : ''}`,
  });
}

export function createStdoutCallback(name: string, opts: StdoutCallbackOptions): Callback {
  const base = { write: opts.write, writeErr: opts.writeErr };
  switch (stdoutCallbackName(name)) {
    case 'default':
      return new DefaultCallback(opts);
    case 'yaml':
      return new YamlCallback(opts);
    case 'minimal':
      return new MinimalCallback(opts);
    case 'json':
      return new JsonCallback({ ...base, now: opts.now });
    case 'jsonl':
      return new JsonlCallback({ ...base, now: opts.now });
  }
}

export interface OutputSetup extends StdoutCallbackOptions {
  /** stdout_callback (default `default`). */
  stdoutCallback?: string;
  /** log_path: append a plain log of the default output. */
  logPath?: string;
  /** --junit FILE */
  junit?: string;
  /** --report FILE */
  report?: string;
  /**
   * The live progress line for the human formats; it draws only when the stream is a terminal.
   * `false` turns it off. Default: on, on process.stdout.
   */
  progress?: false | ProgressOptions;
}

/** Every output of a run behind one Callback, stdout first. */
export function createCallbacks(setup: OutputSetup): Callback {
  const name = stdoutCallbackName(setup.stdoutCallback ?? 'default');
  let stdout = createStdoutCallback(name, setup);
  if (setup.progress !== false && name !== 'json' && name !== 'jsonl') {
    stdout = new ProgressCallback(stdout, { now: setup.now, ...(setup.progress ?? {}) });
  }
  const all: Callback[] = [stdout];
  if (setup.logPath)
    all.push(
      new LogCallback({ path: setup.logPath, verbosity: setup.verbosity, diff: setup.diff, now: setup.now }),
    );
  if (setup.junit) all.push(new JunitCallback({ path: setup.junit, now: setup.now }));
  if (setup.report) all.push(new HtmlReportCallback({ path: setup.report, now: setup.now }));
  return all.length === 1 ? stdout : new MultiCallback(all);
}
