// --junit FILE: a JUnit XML report, one testsuite per play and one testcase per task and host.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { pyJsonIndent } from './pyjson.js';
import { displayResult, isoTime, visibleResult } from './result-view.js';
import {
  type HostTaskRecord,
  type PlayRecord,
  RunRecorder,
  type RecorderOptions,
  type RunRecord,
} from './run-model.js';

/** Characters XML 1.0 cannot carry at all (even escaped) become U+FFFD. */
function xmlSafe(s: string): string {
  // With the u flag a lone surrogate is its own code point, outside the allowed ranges.
  return s.replace(/[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, '\ufffd');
}

/** Escape text content. */
export function xmlText(s: string): string {
  return xmlSafe(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escape an attribute value (double-quoted); newlines and tabs as character references so they survive. */
export function xmlAttr(s: string): string {
  return xmlText(s)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}

function secs(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

interface CaseXml {
  xml: string;
  failure: boolean;
  error: boolean;
  skipped: boolean;
  ms: number;
}

function dumpOf(rec: HostTaskRecord): string {
  return pyJsonIndent(displayResult(visibleResult(rec.event), { verbosity: 0, debug: false }));
}

function firstLine(s: string, max = 200): string {
  const l = s.split('\n').find((x) => x.trim() !== '') ?? '';
  return l.length > max ? l.slice(0, max - 1) + '…' : l;
}

function testcase(play: PlayRecord, title: string, rec: HostTaskRecord): CaseXml {
  const ms = rec.endedAt - rec.startedAt;
  const open = `    <testcase classname="${xmlAttr(play.name)}" name="${xmlAttr(`[${rec.host}] ${title}`)}" time="${secs(ms)}"`;
  const res = visibleResult(rec.event);
  const body = (inner: string): string => `${open}>\n${inner}\n    </testcase>`;
  const base = { failure: false, error: false, skipped: false, ms };
  if (rec.included !== undefined) {
    return { ...base, xml: body(`      <system-out>${xmlText(`included: ${rec.included}`)}</system-out>`) };
  }
  const failedHard = rec.status === 'failed' && !rec.ignored;
  const unreachable = rec.status === 'unreachable' && !rec.ignored;
  if (failedHard) {
    const exception = typeof res.exception === 'string' ? res.exception : undefined;
    if (exception !== undefined) {
      const msg = firstLine(exception.trim().split('\n').pop() ?? exception);
      return {
        ...base,
        error: true,
        xml: body(`      <error message="${xmlAttr(msg)}" type="exception">${xmlText(exception)}</error>`),
      };
    }
    const failedItems = rec.items.filter((i) => i.status === 'failed' && typeof i.result.msg === 'string');
    let msg = rec.noLog
      ? 'failed (the output is hidden by no_log)'
      : typeof res.msg === 'string'
        ? res.msg
        : `rc=${String(res.rc ?? 0)}`;
    if (!rec.noLog && failedItems.length > 0) {
      msg += ': ' + failedItems.map((i) => `(item=${i.label ?? ''}) ${String(i.result.msg)}`).join('; ');
    }
    return {
      ...base,
      failure: true,
      xml: body(
        `      <failure message="${xmlAttr(firstLine(msg, 500))}" type="failed">${xmlText(dumpOf(rec))}</failure>`,
      ),
    };
  }
  if (unreachable) {
    const msg = typeof res.msg === 'string' ? res.msg : 'unreachable';
    return {
      ...base,
      error: true,
      xml: body(
        `      <error message="${xmlAttr(firstLine(msg, 500))}" type="unreachable">${xmlText(dumpOf(rec))}</error>`,
      ),
    };
  }
  if (rec.status === 'skipped') {
    const reason = typeof res.skip_reason === 'string' ? res.skip_reason : 'skipped';
    return {
      ...base,
      skipped: true,
      xml: `${open}>\n      <skipped message="${xmlAttr(reason)}"/>\n    </testcase>`,
    };
  }
  const note = rec.ignored ? `ignored ${rec.status === 'failed' ? 'failure' : 'unreachable host'}\n` : '';
  return { ...base, xml: body(`      <system-out>${xmlText(note + dumpOf(rec))}</system-out>`) };
}

/** The whole report as a string (valid XML 1.0). */
export function renderJunit(run: RunRecord, name = 'tsible'): string {
  const suites: string[] = [];
  const total = { tests: 0, failures: 0, errors: 0, skipped: 0, ms: 0 };
  run.plays.forEach((play, i) => {
    const cases: CaseXml[] = [];
    for (const task of play.tasks) {
      for (const h of task.order) cases.push(testcase(play, task.title, task.hosts.get(h)!));
    }
    const n = {
      tests: cases.length,
      failures: cases.filter((c) => c.failure).length,
      errors: cases.filter((c) => c.error).length,
      skipped: cases.filter((c) => c.skipped).length,
      ms: (play.endedAt ?? play.startedAt) - play.startedAt,
    };
    total.tests += n.tests;
    total.failures += n.failures;
    total.errors += n.errors;
    total.skipped += n.skipped;
    total.ms += n.ms;
    const attrs = `name="${xmlAttr(play.name)}" id="${i}" tests="${n.tests}" failures="${n.failures}" errors="${n.errors}" skipped="${n.skipped}" time="${secs(n.ms)}" timestamp="${isoTime(play.startedAt).slice(0, 19)}"`;
    suites.push(
      cases.length === 0
        ? `  <testsuite ${attrs}/>`
        : `  <testsuite ${attrs}>\n${cases.map((c) => c.xml).join('\n')}\n  </testsuite>`,
    );
  });
  const head = `<testsuites name="${xmlAttr(name)}" tests="${total.tests}" failures="${total.failures}" errors="${total.errors}" skipped="${total.skipped}" time="${secs(total.ms)}"`;
  const root = suites.length === 0 ? `${head}/>` : `${head}>\n${suites.join('\n')}\n</testsuites>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${root}\n`;
}

export interface JunitCallbackOptions extends RecorderOptions {
  /** The XML file, written (replaced) at close(). */
  path: string;
  /** Name of the root <testsuites>. */
  name?: string;
  /** Receives the XML instead of the file (tests). */
  write?: (xml: string) => void;
}

/**
 * Failed tasks are <failure>s, unreachable hosts <error>s, skipped ones <skipped>; an ignored failure
 * passes with its result in <system-out>, as with Ansible's junit callback. A loop is one testcase.
 */
export class JunitCallback extends RunRecorder {
  private done = false;

  constructor(private readonly opts: JunitCallbackOptions) {
    super(opts);
  }

  render(): string {
    return renderJunit(this.run, this.opts.name);
  }

  override close(): void {
    super.close();
    if (this.done) return;
    this.done = true;
    const xml = this.render();
    if (this.opts.write) this.opts.write(xml);
    else {
      mkdirSync(dirname(this.opts.path), { recursive: true });
      writeFileSync(this.opts.path, xml);
    }
  }
}
