// The jsonl stdout callback: one complete JSON line per event, written as the event happens.
import { describe, expect, it } from 'vitest';
import { JsonlCallback } from '../../../src/output/jsonl-callback.js';
import { FakeClock, replay } from './recorded-run.js';

function run(): { writes: string[]; err: string } {
  const clock = new FakeClock();
  const writes: string[] = [];
  let err = '';
  replay(
    new JsonlCallback({ now: clock.now, write: (s) => writes.push(s), writeErr: (s) => (err += s) }),
    clock,
  );
  return { writes, err };
}

describe('JsonlCallback', () => {
  it('writes each event as one complete line that parses as JSON, in order', () => {
    const { writes } = run();
    for (const w of writes) {
      expect(w.endsWith('\n')).toBe(true);
      expect(w.slice(0, -1)).not.toContain('\n');
      expect(() => JSON.parse(w)).not.toThrow();
    }
    const events = writes.map((w) => {
      const e = JSON.parse(w);
      const host =
        e.hosts && typeof e.hosts === 'object' && !Array.isArray(e.hosts)
          ? Object.keys(e.hosts)[0]
          : undefined;
      return host ? `${e._event} ${host}` : e._event;
    });
    expect(events).toEqual([
      'v2_playbook_on_start',
      'warning',
      'v2_playbook_on_play_start',
      'v2_playbook_on_task_start',
      'v2_runner_on_unreachable dead',
      'v2_runner_on_ok web1',
      'v2_runner_on_ok web2',
      'v2_playbook_on_task_start',
      'v2_runner_on_ok web1',
      'v2_runner_on_ok web2',
      'v2_playbook_on_task_start',
      'v2_runner_on_ok web1',
      'v2_runner_retry web2',
      'v2_runner_on_failed web2',
      'v2_playbook_on_task_start',
      'v2_runner_item_on_ok web1',
      'v2_runner_item_on_ok web1',
      'v2_runner_on_ok web1',
      'v2_runner_item_on_ok web2',
      'v2_runner_item_on_skipped web2',
      'v2_runner_on_ok web2',
      'v2_playbook_on_task_start',
      'v2_runner_item_on_ok web1',
      'v2_runner_on_ok web1',
      'v2_runner_on_failed web2',
      'v2_playbook_on_task_start',
      'v2_runner_on_skipped web1',
      'v2_playbook_on_play_start',
      'v2_playbook_on_task_start',
      'v2_playbook_on_include',
      'v2_playbook_on_task_start',
      'v2_runner_on_ok db1',
      'v2_playbook_on_handler_task_start',
      'v2_runner_on_ok db1',
      'v2_playbook_on_stats',
    ]);
  });

  it('uses ansible.posix.jsonl separators, sorted keys and payloads', () => {
    const { writes } = run();
    expect(writes[2]).toBe(
      '{"_event":"v2_playbook_on_play_start","_timestamp":"2026-11-22T06:00:00.100000Z","play":{"duration":{"start":"2026-11-22T06:00:00.100000Z"},"id":"play-1","name":"Web servers","path":"/srv/site.yml:1"},"tasks":[]}\n',
    );
    expect(writes[5]).toBe(
      '{"_event":"v2_runner_on_ok","_timestamp":"2026-11-22T06:00:00.900000Z","hosts":{"web1":{"action":"ping","changed":false,"ping":"pong"}},"task":{"duration":{"end":"2026-11-22T06:00:00.900000Z","start":"2026-11-22T06:00:00.200000Z"},"id":"task-1","name":"ping hosts","path":"/srv/site.yml:5"}}\n',
    );
    const stats = JSON.parse(writes[writes.length - 1]!);
    expect(stats.stats.web2).toEqual({
      ok: 4,
      changed: 0,
      unreachable: 0,
      failures: 1,
      skipped: 0,
      rescued: 0,
      ignored: 1,
    });
    expect(stats.custom_stats).toEqual({});
  });

  it('marks a changed result with changed=true, an ignored failure with ignore_errors, items with their label', () => {
    const lines = run().writes.map((w) => JSON.parse(w));
    const changed = lines.find((l) => l._event === 'v2_runner_on_ok' && l.hosts.web1?.action === 'command');
    expect(changed.hosts.web1.changed).toBe(true);
    const ignored = lines.find(
      (l) => l._event === 'v2_runner_on_failed' && l.hosts.web2?.action === 'command',
    );
    expect(ignored.ignore_errors).toBe(true);
    expect(ignored.hosts.web2.failed).toBe(true);
    const hardFail = lines.find((l) => l._event === 'v2_runner_on_failed' && l.hosts.web2?.action === 'copy');
    expect(hardFail.ignore_errors).toBeUndefined();
    const item = lines.find((l) => l._event === 'v2_runner_item_on_skipped');
    expect(item.hosts.web2).toMatchObject({ _ansible_item_label: 'curl', item: 'curl', skipped: true });
    const warning = lines.find((l) => l._event === 'warning');
    expect(warning.msg).toBe('Found both group and host with same name: dead');
    const include = lines.find((l) => l._event === 'v2_playbook_on_include');
    expect(include).toMatchObject({ included_file: '/srv/tasks/extra.yml', hosts: ['db1'] });
  });

  it('also prints warnings on stderr', () => {
    expect(run().err).toBe('[WARNING]: Found both group and host with same name: dead\n');
  });
});
