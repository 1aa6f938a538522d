// A small recorded run replayed into callbacks: 2 plays; ok, changed, failed, skipped, unreachable and
// ignored results; loop items; a diff; a no_log loop with secrets; a warning, an include, a retry, a handler.
import { emptyCounts, type Callback, type RecapCounts } from '../../../src/output/events.js';

/** Secrets that must never appear in any output. */
export const SECRETS = ['SECRET-TOKEN-123', 'SECRET-ITEM-456', 's3cr3t-diff-line'];

/** 2026-11-22T06:00:00Z */
export const T0 = Date.UTC(2026, 10, 22, 6, 0, 0);

export class FakeClock {
  t = T0;
  now = (): number => this.t;
  /** Move to T0 + ms. */
  at(ms: number): number {
    this.t = T0 + ms;
    return this.t;
  }
}

export function recap(): Map<string, RecapCounts> {
  const c = (o: Partial<RecapCounts>): RecapCounts => ({ ...emptyCounts(), ...o });
  return new Map([
    ['web1', c({ ok: 5, changed: 4, skipped: 1 })],
    ['web2', c({ ok: 4, failed: 1, ignored: 1 })],
    ['dead', c({ unreachable: 1 })],
    ['db1', c({ ok: 3, changed: 1 })],
  ]);
}

const CONF_BEFORE = 'listen 80\nworkers 2\n';
const CONF_AFTER = 'listen 8080\nworkers 2\n';

/**
 * Replays the run. Some events carry timestamps (at/startedAt/endedAt) and some do not, so callbacks
 * exercise both the given times and the arrival time from the clock.
 */
export function replay(cb: Callback, clock: FakeClock): void {
  clock.at(0);
  cb.playbookStart?.('/srv/site.yml');
  cb.warning('Found both group and host with same name: dead');

  // ---- play 1
  clock.at(100);
  cb.playStart('Web servers', { id: 'play-1', path: '/srv/site.yml:1', hosts: ['web1', 'web2', 'dead'] });

  clock.at(200);
  cb.taskStart('ping hosts', {
    id: 'task-1',
    action: 'ping',
    path: '/srv/site.yml:5',
    hosts: ['web1', 'web2', 'dead'],
  });
  cb.hostStart?.('web1', T0 + 200);
  cb.hostStart?.('web2', T0 + 200);
  cb.hostStart?.('dead', T0 + 200);
  clock.at(700);
  cb.hostResult({
    host: 'dead',
    status: 'unreachable',
    action: 'ping',
    result: {
      changed: false,
      msg: 'Failed to connect to the host via ssh: ssh: connect to host 127.0.0.1 port 1: Connection refused',
      unreachable: true,
    },
  });
  clock.at(900);
  cb.hostResult({ host: 'web1', status: 'ok', action: 'ping', result: { changed: false, ping: 'pong' } });
  clock.at(1000);
  cb.hostResult({ host: 'web2', status: 'ok', action: 'ping', result: { changed: false, ping: 'pong' } });
  cb.taskEnd?.(T0 + 1000);

  clock.at(1000);
  cb.taskStart('web : render config', { id: 'task-2', action: 'template', hosts: ['web1', 'web2'] });
  clock.at(1600);
  cb.hostResult({
    host: 'web1',
    status: 'changed',
    action: 'template',
    startedAt: T0 + 1000,
    endedAt: T0 + 1600,
    result: { changed: true, dest: '/etc/app.conf', mode: '0644' },
    diff: [
      { before: CONF_BEFORE, after: CONF_AFTER, beforeHeader: '/etc/app.conf', afterHeader: '/etc/app.conf' },
    ],
  });
  cb.hostResult({
    host: 'web2',
    status: 'ok',
    action: 'template',
    startedAt: T0 + 1000,
    endedAt: T0 + 1500,
    result: { changed: false, dest: '/etc/app.conf', mode: '0644' },
  });

  clock.at(1700);
  cb.taskStart('run migration', { id: 'task-3', action: 'command', hosts: ['web1', 'web2'] });
  clock.at(2900);
  cb.hostResult({
    host: 'web1',
    status: 'changed',
    action: 'command',
    result: {
      changed: true,
      cmd: ['migrate', '--all'],
      rc: 0,
      stdout: 'migrated\n2 tables',
      stdout_lines: ['migrated', '2 tables'],
      stderr: '',
      stderr_lines: [],
      msg: '',
    },
  });
  cb.retrying('web2', 'run migration', 1);
  clock.at(3700);
  cb.hostResult({
    host: 'web2',
    status: 'failed',
    ignored: true,
    action: 'command',
    result: {
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
  });

  clock.at(3700);
  cb.taskStart('install packages', { id: 'task-4', action: 'apt', hosts: ['web1', 'web2'] });
  clock.at(4000);
  const i1 = { changed: true, item: 'nginx', ansible_loop_var: 'item', failed: false };
  cb.itemResult({ host: 'web1', status: 'changed', action: 'apt', item: { label: 'nginx' }, result: i1 });
  clock.at(4300);
  const i2 = { changed: false, item: 'curl', ansible_loop_var: 'item', failed: false };
  cb.itemResult({ host: 'web1', status: 'ok', action: 'apt', item: { label: 'curl' }, result: i2 });
  const results1 = [i1, i2];
  cb.hostResult({
    host: 'web1',
    status: 'changed',
    action: 'apt',
    result: { changed: true, msg: 'All items completed', results: results1, failed: false },
  });
  clock.at(4400);
  const j1 = { changed: false, item: 'nginx', ansible_loop_var: 'item', failed: false };
  cb.itemResult({ host: 'web2', status: 'ok', action: 'apt', item: { label: 'nginx' }, result: j1 });
  const j2 = {
    changed: false,
    skipped: true,
    skip_reason: 'Conditional result was False',
    item: 'curl',
    ansible_loop_var: 'item',
  };
  cb.itemResult({ host: 'web2', status: 'skipped', action: 'apt', item: { label: 'curl' }, result: j2 });
  cb.hostResult({
    host: 'web2',
    status: 'ok',
    action: 'apt',
    result: { changed: false, msg: 'All items completed', results: [j1, j2], failed: false },
  });

  clock.at(4500);
  cb.taskStart('write secret', { id: 'task-5', action: 'copy', hosts: ['web1', 'web2'] });
  clock.at(4800);
  const secretItem = {
    changed: true,
    item: 'SECRET-ITEM-456',
    content: 'SECRET-TOKEN-123',
    ansible_loop_var: 'item',
  };
  const secretDiff = [
    { before: '', after: 's3cr3t-diff-line\n', beforeHeader: '/etc/token', afterHeader: '/etc/token' },
  ];
  cb.itemResult({
    host: 'web1',
    status: 'changed',
    action: 'copy',
    noLog: true,
    item: { label: 'SECRET-ITEM-456' },
    result: secretItem,
    diff: secretDiff,
  });
  cb.hostResult({
    host: 'web1',
    status: 'changed',
    action: 'copy',
    noLog: true,
    result: { changed: true, msg: 'All items completed', results: [secretItem], token: 'SECRET-TOKEN-123' },
    diff: secretDiff,
  });
  clock.at(4900);
  cb.hostResult({
    host: 'web2',
    status: 'failed',
    ignored: false,
    action: 'copy',
    noLog: true,
    result: { changed: false, failed: true, msg: 'could not write SECRET-TOKEN-123' },
  });

  clock.at(5000);
  cb.taskStart('fail when broken', { id: 'task-6', action: 'fail', hosts: ['web1'] });
  clock.at(5100);
  cb.hostResult({
    host: 'web1',
    status: 'skipped',
    action: 'fail',
    result: { changed: false, skipped: true, skip_reason: 'Conditional result was False' },
  });

  // ---- play 2
  clock.at(6000);
  cb.playStart('Databases', { id: 'play-2', hosts: ['db1'] });
  clock.at(6100);
  cb.taskStart('include_tasks', { id: 'task-7', action: 'include_tasks', hosts: ['db1'] });
  cb.included('/srv/tasks/extra.yml', ['db1']);
  clock.at(6200);
  cb.taskStart('debug', { id: 'task-8', action: 'debug', hosts: ['db1'] });
  clock.at(6300);
  cb.hostResult({
    host: 'db1',
    status: 'ok',
    action: 'debug',
    verboseAlways: true,
    result: { changed: false, msg: 'hello\nworld', failed: false },
  });
  clock.at(6400);
  cb.taskStart('restart app', { id: 'task-9', handler: true, action: 'service', hosts: ['db1'] });
  clock.at(7400);
  cb.hostResult({
    host: 'db1',
    status: 'changed',
    action: 'service',
    result: { changed: true, name: 'app', state: 'started' },
  });

  clock.at(7500);
  cb.recap(recap());
  clock.at(7600);
  cb.close();
}
