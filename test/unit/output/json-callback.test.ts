// The json stdout callback: one document at the end, in the shape and formatting of Ansible's json callback.
import { describe, expect, it } from 'vitest';
import { ansibleJson, JsonCallback } from '../../../src/output/json-callback.js';
import { CENSORED } from '../../../src/output/result-view.js';
import { FakeClock, recap, replay } from './recorded-run.js';

function run(): { out: string; err: string; writes: number } {
  const clock = new FakeClock();
  let out = '';
  let err = '';
  let writes = 0;
  const cb = new JsonCallback({
    now: clock.now,
    write: (s) => {
      out += s;
      writes++;
    },
    writeErr: (s) => (err += s),
  });
  replay(cb, clock);
  return { out, err, writes };
}

const time = (s: string): string => `2026-11-22T06:00:0${s}000Z`;
const dur = (start: string, end?: string): Record<string, string> =>
  end === undefined ? { start: time(start) } : { start: time(start), end: time(end) };
const loopItem = (item: string, changed: boolean): Record<string, unknown> => ({
  ansible_loop_var: 'item',
  changed,
  failed: false,
  item,
});

const EXPECTED = {
  custom_stats: {},
  global_custom_stats: {},
  plays: [
    {
      play: { name: 'Web servers', id: 'play-1', path: '/srv/site.yml:1', duration: dur('0.100', '5.100') },
      tasks: [
        {
          task: {
            name: 'ping hosts',
            id: 'task-1',
            path: '/srv/site.yml:5',
            duration: dur('0.200', '1.000'),
          },
          hosts: {
            dead: {
              action: 'ping',
              changed: false,
              msg: 'Failed to connect to the host via ssh: ssh: connect to host 127.0.0.1 port 1: Connection refused',
              unreachable: true,
            },
            web1: { action: 'ping', changed: false, ping: 'pong' },
            web2: { action: 'ping', changed: false, ping: 'pong' },
          },
        },
        {
          task: { name: 'web : render config', id: 'task-2', duration: dur('1.000', '1.600') },
          hosts: {
            web1: { action: 'template', changed: true, dest: '/etc/app.conf', mode: '0644' },
            web2: { action: 'template', changed: false, dest: '/etc/app.conf', mode: '0644' },
          },
        },
        {
          task: { name: 'run migration', id: 'task-3', duration: dur('1.700', '3.700') },
          hosts: {
            web1: {
              action: 'command',
              changed: true,
              cmd: ['migrate', '--all'],
              rc: 0,
              stdout: 'migrated\n2 tables',
              stdout_lines: ['migrated', '2 tables'],
              stderr: '',
              stderr_lines: [],
              msg: '',
            },
            web2: {
              action: 'command',
              changed: true,
              cmd: ['migrate', '--all'],
              rc: 1,
              stdout: '',
              stdout_lines: [],
              stderr: 'error: <locked> & "busy"',
              stderr_lines: ['error: <locked> & "busy"'],
              msg: 'non-zero return code',
              failed: true,
            },
          },
        },
        {
          task: { name: 'install packages', id: 'task-4', duration: dur('3.700', '4.400') },
          hosts: {
            web1: {
              action: 'apt',
              changed: true,
              failed: false,
              msg: 'All items completed',
              results: [loopItem('nginx', true), loopItem('curl', false)],
            },
            web2: {
              action: 'apt',
              changed: false,
              failed: false,
              msg: 'All items completed',
              results: [
                loopItem('nginx', false),
                {
                  ansible_loop_var: 'item',
                  changed: false,
                  item: 'curl',
                  skip_reason: 'Conditional result was False',
                  skipped: true,
                },
              ],
            },
          },
        },
        {
          task: { name: 'write secret', id: 'task-5', duration: dur('4.500', '4.900') },
          hosts: {
            web1: { action: 'copy', censored: CENSORED, changed: true },
            web2: { action: 'copy', censored: CENSORED, changed: false, failed: true },
          },
        },
        {
          task: { name: 'fail when broken', id: 'task-6', duration: dur('5.000', '5.100') },
          hosts: {
            web1: {
              action: 'fail',
              changed: false,
              skip_reason: 'Conditional result was False',
              skipped: true,
            },
          },
        },
      ],
    },
    {
      play: { name: 'Databases', id: 'play-2', duration: dur('6.000', '7.400') },
      tasks: [
        {
          task: { name: 'include_tasks', id: 'task-7', duration: dur('6.100', '6.100') },
          hosts: {
            db1: {
              action: 'include_tasks',
              changed: false,
              include: '/srv/tasks/extra.yml',
              include_args: {},
            },
          },
        },
        {
          task: { name: 'debug', id: 'task-8', duration: dur('6.200', '6.300') },
          hosts: { db1: { action: 'debug', changed: false, failed: false, msg: 'hello\nworld' } },
        },
        {
          task: { name: 'restart app', id: 'task-9', duration: dur('6.400', '7.400') },
          hosts: { db1: { action: 'service', changed: true, name: 'app', state: 'started' } },
        },
      ],
    },
  ],
  stats: {
    db1: { ok: 3, changed: 1, unreachable: 0, failures: 0, skipped: 0, rescued: 0, ignored: 0 },
    dead: { ok: 0, changed: 0, unreachable: 1, failures: 0, skipped: 0, rescued: 0, ignored: 0 },
    web1: { ok: 5, changed: 4, unreachable: 0, failures: 0, skipped: 1, rescued: 0, ignored: 0 },
    web2: { ok: 4, changed: 0, unreachable: 0, failures: 1, skipped: 0, rescued: 0, ignored: 1 },
  },
};

describe('JsonCallback', () => {
  it('writes one document, at the recap, in the shape of Ansible json callback', () => {
    const { out, writes } = run();
    expect(writes).toBe(1);
    expect(JSON.parse(out)).toEqual(EXPECTED);
  });

  it('formats like json.dumps(indent=4, sort_keys=True) and ends with one newline', () => {
    const { out } = run();
    expect(out).toBe(ansibleJson(EXPECTED, { indent: 4 }) + '\n');
    expect(
      out.startsWith('{\n    "custom_stats": {},\n    "global_custom_stats": {},\n    "plays": [\n'),
    ).toBe(true);
    expect(out).toContain(
      '                "duration": {\n                    "end": "2026-11-22T06:00:05.100000Z",\n                    "start": "2026-11-22T06:00:00.100000Z"\n                },\n                "id": "play-1",',
    );
    expect(out).toContain(
      '    "stats": {\n        "db1": {\n            "changed": 1,\n            "failures": 0,\n            "ignored": 0,\n            "ok": 3,',
    );
    expect(out.endsWith('\n    }\n}\n')).toBe(true);
  });

  it('prints warnings on stderr, as Ansible does with any stdout callback', () => {
    expect(run().err).toBe('[WARNING]: Found both group and host with same name: dead\n');
  });

  it('still writes a parseable document when the run ends without a recap', () => {
    let out = '';
    const cb = new JsonCallback({ write: (s) => (out += s), now: () => 0 });
    cb.taskStart('orphan', {});
    cb.hostResult({ host: 'h', status: 'ok', result: { changed: false } });
    cb.close();
    cb.close();
    const doc = JSON.parse(out);
    expect(doc.stats).toEqual({});
    expect(doc.plays[0].play.name).toBe('');
    expect(doc.plays[0].tasks[0].hosts).toEqual({ h: { changed: false } });
  });

  it('prints a one-line document with indent 0', () => {
    let out = '';
    const clock = new FakeClock();
    const cb = new JsonCallback({ write: (s) => (out += s), now: clock.now, indent: 0 });
    cb.recap(recap());
    expect(out.split('\n')).toHaveLength(2);
    expect(
      out.startsWith('{"custom_stats": {}, "global_custom_stats": {}, "plays": [], "stats": {"db1": {'),
    ).toBe(true);
  });
});

describe('ansibleJson', () => {
  it('matches Python json.dumps byte for byte (ensure_ascii, sorted keys, separators)', () => {
    const v = { b: [1, 'é😀\u007f\u0001'], a: { z: null, y: true }, c: [], d: {}, u: undefined };
    // json.dumps(v, sort_keys=True)
    expect(ansibleJson(v)).toBe(
      '{"a": {"y": true, "z": null}, "b": [1, "\\u00e9\\ud83d\\ude00\\u007f\\u0001"], "c": [], "d": {}}',
    );
    // json.dumps(v, sort_keys=True, separators=(',', ':'))
    expect(ansibleJson(v, { compact: true })).toBe(
      '{"a":{"y":true,"z":null},"b":[1,"\\u00e9\\ud83d\\ude00\\u007f\\u0001"],"c":[],"d":{}}',
    );
    // json.dumps(v, sort_keys=True, indent=4)
    expect(ansibleJson({ a: [1, { b: 'x' }], c: [] }, { indent: 4 })).toBe(
      '{\n    "a": [\n        1,\n        {\n            "b": "x"\n        }\n    ],\n    "c": []\n}',
    );
  });
});
