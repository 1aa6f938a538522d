// --junit: well-formed XML, a testsuite per play, a testcase per task and host, the right verdicts.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JunitCallback, xmlAttr, xmlText } from '../../../src/output/junit.js';
import { FakeClock, replay } from './recorded-run.js';
import { findAll, parseXml } from './xml-check.js';

function render(): string {
  let xml = '';
  const clock = new FakeClock();
  replay(new JunitCallback({ path: '', now: clock.now, write: (s) => (xml += s) }), clock);
  return xml;
}

describe('JunitCallback', () => {
  it('writes well-formed XML with one testsuite per play and one testcase per task and host', () => {
    const root = parseXml(render());
    expect(root.name).toBe('testsuites');
    expect(root.attrs).toMatchObject({
      tests: '15',
      failures: '1',
      errors: '1',
      skipped: '1',
      time: '6.400',
    });
    const suites = root.children;
    expect(suites.map((s) => s.name)).toEqual(['testsuite', 'testsuite']);
    expect(suites.map((s) => s.attrs.name)).toEqual(['Web servers', 'Databases']);
    expect(suites[0]!.attrs).toMatchObject({
      tests: '12',
      failures: '1',
      errors: '1',
      skipped: '1',
      time: '5.000',
    });
    expect(suites[1]!.attrs).toMatchObject({
      tests: '3',
      failures: '0',
      errors: '0',
      skipped: '0',
      time: '1.400',
    });
    const cases = findAll(root, 'testcase');
    expect(cases).toHaveLength(15);
    for (const c of cases) {
      expect(c.attrs.time).toMatch(/^\d+\.\d{3}$/);
      expect(c.attrs.name).toMatch(/^\[[a-z0-9]+\] /);
    }
    expect(cases.slice(0, 4).map((c) => [c.attrs.classname, c.attrs.name, c.attrs.time])).toEqual([
      ['Web servers', '[dead] ping hosts', '0.500'],
      ['Web servers', '[web1] ping hosts', '0.700'],
      ['Web servers', '[web2] ping hosts', '0.800'],
      ['Web servers', '[web1] web : render config', '0.600'],
    ]);
  });

  it('reports failures with message and body, unreachable hosts as errors, skips, and passes ignored failures', () => {
    const root = parseXml(render());
    const byName = new Map(findAll(root, 'testcase').map((c) => [c.attrs.name, c]));
    const unreachable = byName.get('[dead] ping hosts')!.children;
    expect(unreachable.map((e) => [e.name, e.attrs.type, e.attrs.message])).toEqual([
      [
        'error',
        'unreachable',
        'Failed to connect to the host via ssh: ssh: connect to host 127.0.0.1 port 1: Connection refused',
      ],
    ]);
    expect(JSON.parse(unreachable[0]!.text)).toMatchObject({ unreachable: true });
    const failure = byName.get('[web2] write secret')!.children;
    expect(failure.map((e) => [e.name, e.attrs.message])).toEqual([
      ['failure', 'failed (the output is hidden by no_log)'],
    ]);
    expect(byName.get('[web1] fail when broken')!.children.map((e) => [e.name, e.attrs.message])).toEqual([
      ['skipped', 'Conditional result was False'],
    ]);
    const ignored = byName.get('[web2] run migration')!.children;
    expect(ignored.map((e) => e.name)).toEqual(['system-out']);
    expect(ignored[0]!.text).toContain('ignored failure');
    expect(ignored[0]!.text).toContain('error: <locked> & \\"busy\\"');
    expect(byName.get('[db1] include_tasks')!.children[0]!.text).toBe('included: /srv/tasks/extra.yml');
  });

  it('escapes everything, including characters XML cannot carry', () => {
    let xml = '';
    const cb = new JunitCallback({ path: '', now: () => 0, write: (s) => (xml += s) });
    const nasty = `<a href="x">&'\u0001\u0008\uffff\ud800]]>`;
    cb.playStart(nasty);
    cb.taskStart(`t ${nasty}`, {});
    cb.hostResult({ host: 'h"<', status: 'failed', result: { failed: true, msg: `line1\n${nasty}` } });
    cb.close();
    const root = parseXml(xml);
    const c = findAll(root, 'testcase')[0]!;
    expect(c.attrs.classname).toBe(`<a href="x">&'\ufffd\ufffd\ufffd\ufffd]]>`);
    expect(c.attrs.name).toBe(`[h"<] t <a href="x">&'\ufffd\ufffd\ufffd\ufffd]]>`);
    expect(c.children[0]!.attrs.message).toBe('line1');
    expect(c.children[0]!.text).toContain('<a href=\\"x\\">');
    expect(xmlAttr('a\nb\t"')).toBe('a&#10;b&#9;&quot;');
    expect(xmlText('a]]>b')).toBe('a]]&gt;b');
  });

  it('writes the file at close() only, and a run without plays is still valid', () => {
    const dir = mkdtempSync(join(tmpdir(), 'junit-'));
    const path = join(dir, 'sub', 'report.xml');
    const cb = new JunitCallback({ path });
    cb.recap(new Map());
    expect(() => readFileSync(path)).toThrow();
    cb.close();
    const root = parseXml(readFileSync(path, 'utf8'));
    expect(root.attrs).toMatchObject({ tests: '0', failures: '0' });
    expect(root.children).toEqual([]);
  });
});
