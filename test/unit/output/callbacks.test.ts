// The stdout_callback factory and the combined outputs of a run.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TsibleError } from '../../../src/core/errors.js';
import {
  createCallbacks,
  createStdoutCallback,
  STDOUT_CALLBACKS,
  stdoutCallbackName,
} from '../../../src/output/callbacks.js';
import { DefaultCallback } from '../../../src/output/default-callback.js';
import { JsonCallback } from '../../../src/output/json-callback.js';
import { JsonlCallback } from '../../../src/output/jsonl-callback.js';
import { MinimalCallback } from '../../../src/output/minimal-callback.js';
import { MultiCallback } from '../../../src/output/multi-callback.js';
import { ProgressCallback } from '../../../src/output/progress.js';
import { YamlCallback } from '../../../src/output/yaml-callback.js';
import { FakeClock, replay } from './recorded-run.js';
import { parseXml } from './xml-check.js';

const opts = { color: false, verbosity: 0, diff: false, write: () => undefined, writeErr: () => undefined };

describe('createStdoutCallback', () => {
  it('builds each stdout callback by short or fully qualified name', () => {
    expect(STDOUT_CALLBACKS).toEqual(['default', 'json', 'jsonl', 'minimal', 'yaml']);
    expect(createStdoutCallback('default', opts)).toBeInstanceOf(DefaultCallback);
    expect(createStdoutCallback('yaml', opts)).toBeInstanceOf(YamlCallback);
    expect(createStdoutCallback('community.general.yaml', opts)).toBeInstanceOf(YamlCallback);
    expect(createStdoutCallback('minimal', opts)).toBeInstanceOf(MinimalCallback);
    expect(createStdoutCallback('ansible.builtin.minimal', opts)).toBeInstanceOf(MinimalCallback);
    expect(createStdoutCallback('json', opts)).toBeInstanceOf(JsonCallback);
    expect(createStdoutCallback('ansible.posix.json', opts)).toBeInstanceOf(JsonCallback);
    expect(createStdoutCallback(' jsonl ', opts)).toBeInstanceOf(JsonlCallback);
  });

  it('rejects an unknown name with an options error listing the valid ones', () => {
    let err: unknown;
    try {
      stdoutCallbackName('yml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TsibleError);
    const e = err as TsibleError;
    expect(e.kind).toBe('options');
    expect(e.exitCode).toBe(5);
    expect(e.message).toBe('Invalid callback for stdout specified: yml');
    expect(e.hint).toBe("valid names: default, json, jsonl, minimal, yaml; did you mean 'yaml'?");
    expect(() => createStdoutCallback('dense', opts)).toThrow(/Invalid callback for stdout specified: dense/);
  });
});

describe('createCallbacks', () => {
  it('returns the stdout callback alone, wrapped for progress when it is a human format', () => {
    expect(createCallbacks({ ...opts, stdoutCallback: 'yaml' })).toBeInstanceOf(ProgressCallback);
    expect(createCallbacks({ ...opts, stdoutCallback: 'json' })).toBeInstanceOf(JsonCallback);
    expect(createCallbacks({ ...opts, progress: false })).toBeInstanceOf(DefaultCallback);
  });

  it('adds the log, JUnit and report outputs and writes them all', () => {
    const dir = mkdtempSync(join(tmpdir(), 'outputs-'));
    const clock = new FakeClock();
    let stdout = '';
    const cb = createCallbacks({
      ...opts,
      write: (s) => (stdout += s),
      now: clock.now,
      stdoutCallback: 'minimal',
      logPath: join(dir, 'run.log'),
      junit: join(dir, 'junit.xml'),
      report: join(dir, 'run.html'),
      progress: { stream: { isTTY: false, write: () => undefined } },
    });
    expect(cb).toBeInstanceOf(MultiCallback);
    replay(cb, clock);
    expect(stdout).toContain('web1 | CHANGED | rc=0 >>');
    expect(readFileSync(join(dir, 'run.log'), 'utf8')).toContain('n=ansible | PLAY RECAP ***');
    expect(parseXml(readFileSync(join(dir, 'junit.xml'), 'utf8')).attrs.tests).toBe('15');
    expect(existsSync(join(dir, 'run.html'))).toBe(true);
    expect(readFileSync(join(dir, 'run.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/);
  });
});
