// Conformance behaviours checked directly (order of output, exit codes, exact error messages, files and
// facts on the fleet hosts). Each expectation is what ansible-core 2.14 does with the same playbook, noted
// as "ansible-core 2.14: ..." (local-connection runs; see record.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRecap, taskLines } from '../fleet/cli.js';
import { fleetAvailable, hostExec } from '../fleet/fleet.js';
import { setUp, tearDown, type Conformance } from './fleet-setup.js';

/** Banners and host result lines, in the order printed. */
function events(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((l) =>
      /^(PLAY \[|TASK|RUNNING HANDLER|NO MORE HOSTS LEFT)|^(ok|changed|fatal|skipping|failed): /.test(l),
    )
    .map((l) => l.replace(/ \*+$/, '').replace(/ => .*$/, ''));
}

describe.skipIf(!fleetAvailable)('conformance behaviours (ansible-core 2.14)', () => {
  let conf: Conformance;
  beforeAll(() => {
    conf = setUp();
  });
  afterAll(() => tearDown());

  it('serial: 1 runs host by host, reprinting the PLAY banner per batch', async () => {
    const r = await conf.run('serial.yml');
    expect(r.code).toBe(0);
    // ansible-core 2.14: PLAY [rolling] three times, each batch's tasks before the next banner.
    const first = events(r.stdout).slice(0, 15);
    expect(first).toEqual([
      'PLAY [rolling]',
      'TASK [one]',
      'ok: [cf1]',
      'TASK [two]',
      'changed: [cf1]',
      'PLAY [rolling]',
      'TASK [one]',
      'ok: [cf2]',
      'TASK [two]',
      'changed: [cf2]',
      'PLAY [rolling]',
      'TASK [one]',
      'ok: [cf3]',
      'TASK [two]',
      'changed: [cf3]',
    ]);
    // ansible-core 2.14: order: reverse_inventory with serial 1 goes cf3, cf2, cf1.
    const order = r.stdout.slice(r.stdout.indexOf('PLAY [order]'));
    expect([...order.matchAll(/^ok: \[(cf\d)\]/gm)].map((m) => m[1])).toEqual(['cf3', 'cf2', 'cf1']);
  });

  it('max_fail_percentage: 0 stops the play at the first failed batch, and the run (exit 2)', async () => {
    const r = await conf.run('maxfail.yml');
    // ansible-core 2.14: the failing first batch ends everything; NO MORE HOSTS LEFT is printed twice.
    expect(r.code).toBe(2);
    expect(events(r.stdout)).toEqual([
      'PLAY [max fail]',
      'TASK [fail first]',
      'fatal: [cf1]: FAILED!',
      'NO MORE HOSTS LEFT',
      'NO MORE HOSTS LEFT',
    ]);
    expect([...parseRecap(r.stdout).keys()]).toEqual(['cf1']);
  });

  it('any_errors_fatal: NO MORE HOSTS LEFT, later plays skipped, exit 2', async () => {
    const r = await conf.run('fatal.yml');
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('NO MORE HOSTS LEFT');
    expect(r.stdout).not.toContain('PLAY [later play]');
  });

  it('names the undefined variable, the task and file:line', async () => {
    const r = await conf.run('err-undef.yml');
    expect(r.code).toBe(2);
    expect(taskLines(r.stdout, 'undefined variable')).toEqual([
      `fatal: [cf1]: FAILED! => {"msg": "The task includes an option with an undefined variable. The error was: 'nope' is undefined. String: value is {{ nope }} (task 'undefined variable', ${conf.dir}/err-undef.yml:5:7)"}`,
    ]);
  });

  it('names the unknown filter, the task and file:line', async () => {
    const r = await conf.run('err-filter.yml');
    expect(r.code).toBe(2);
    expect(taskLines(r.stdout, 'wrong filter')).toEqual([
      `fatal: [cf1]: FAILED! => {"msg": "no filter named 'no_such_filter'. String: {{ 'x' | no_such_filter }} (task 'wrong filter', ${conf.dir}/err-filter.yml:5:7)"}`,
    ]);
  });

  it('reports a broken template with the task and file:line', async () => {
    const r = await conf.run('err-syntax.yml');
    expect(r.code).toBe(2);
    expect(taskLines(r.stdout, 'broken template')).toEqual([
      `fatal: [cf1]: FAILED! => {"msg": "template error while templating string: unexpected token: }}. String: {{ 'x' + }} (task 'broken template', ${conf.dir}/err-syntax.yml:5:7)"}`,
    ]);
  });

  it('strategy: free lets fast hosts run ahead of a slow one', async () => {
    const r = await conf.run('free.yml');
    expect(r.code).toBe(0);
    const ev = events(r.stdout);
    // cf2 and cf3 finish both tasks while cf1 still sleeps in the first.
    const slow = ev.indexOf('changed: [cf1]');
    expect(ev.indexOf('ok: [cf2]')).toBeLessThan(slow);
    expect(ev.indexOf('ok: [cf3]')).toBeLessThan(slow);
    expect(ev.filter((l) => l === 'TASK [second]')).toHaveLength(1);
  });

  it('facts: the common set, ansible_local, setup with filter and gather_subset', async () => {
    const r = await conf.run('facts.yml');
    expect(r.stderr).not.toContain('ERROR');
    expect(r.code).toBe(0);
    for (const [, n] of parseRecap(r.stdout)) expect(n.failed).toBe(0);
  });

  it('delegate_to, delegate_facts, run_once and a looped block', async () => {
    const r = await conf.run('delegate.yml');
    expect(r.code).toBe(0);
    // ansible-core 2.14: "[h -> delegate]", without the arrow when delegating to the host itself.
    expect(taskLines(r.stdout, 'write on cf2 for every host').sort()).toEqual([
      'changed: [cf1 -> cf2]',
      'changed: [cf2]',
      'changed: [cf3 -> cf2]',
    ]);
    expect(taskLines(r.stdout, 'facts of cf3, stored on cf3')).toEqual(['ok: [cf1 -> cf3]']);
    const lines = hostExec('cf2', 'sort /tmp/conf-delegated').stdout.trim().split('\n');
    expect(lines).toEqual(['cf1', 'cf2', 'cf3']);
    expect(hostExec('cf1', 'test -e /tmp/conf-delegated').rc).not.toBe(0);
  });

  it('a notify naming no handler is an error before any host is contacted (exit 1)', async () => {
    const r = await conf.run('notify-missing.yml');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "ERROR! The requested handler 'no such handler' was not found in either the main handlers list nor in the listening handlers list",
    );
    expect(r.stdout).not.toContain('PLAY [');
  });

  it('an unknown task keyword is a parse error (exit 4)', async () => {
    const r = await conf.run('bad-keyword.yml');
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('ERROR! conflicting action statements: debug, bogus_kw');
  });

  it('--syntax-check, --list-hosts, --list-tasks and --list-tags exit 0 without touching a host', async () => {
    const syntax = await conf.run('tags.yml', ['--syntax-check']);
    expect(syntax.code).toBe(0);
    expect(syntax.stdout).toContain('playbook: tags.yml');
    const hosts = await conf.run('tags.yml', ['--list-hosts']);
    expect(hosts.code).toBe(0);
    expect(hosts.stdout).toContain(
      "  play #1 (cf1): tags\tTAGS: []\n    pattern: ['cf1']\n    hosts (1):\n      cf1\n",
    );
    const tasks = await conf.run('tags.yml', ['--list-tasks', '--tags', 'install']);
    expect(tasks.code).toBe(0);
    // ansible-core 2.14 lists the includes as tasks, and always-tagged tasks with --tags.
    expect(tasks.stdout).toContain(
      '    tasks:\n      install\tTAGS: [install]\n      always\tTAGS: [always]\n      include tagged\tTAGS: [install]\n',
    );
    const tags = await conf.run('tags.yml', ['--list-tags']);
    expect(tags.code).toBe(0);
    expect(tags.stdout).toMatch(/TASK TAGS: \[always, conf, .*install.*\]/);
  });

  it('files the control playbook leaves on each host', async () => {
    const r = await conf.run('control.yml');
    expect(r.code).toBe(0);
    for (const h of ['cf1', 'cf2', 'cf3']) {
      // until/retries appended one line per attempt: it succeeded on the second.
      expect(hostExec(h, `cat /tmp/conf-until-${h}`).stdout).toBe('x\nx\n');
    }
  });
});
