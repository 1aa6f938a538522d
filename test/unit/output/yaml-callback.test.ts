// The yaml stdout callback: the default lines and banners with results as YAML, block scalars for multi-line.
import { describe, expect, it } from 'vitest';
import { toYaml, YamlCallback, yamlResult } from '../../../src/output/yaml-callback.js';
import { FakeClock, replay } from './recorded-run.js';

function run(verbosity: number, diff = true): { out: string; err: string } {
  const clock = new FakeClock();
  let out = '';
  let err = '';
  const cb = new YamlCallback({
    color: false,
    verbosity,
    diff,
    write: (s) => (out += s),
    writeErr: (s) => (err += s),
  });
  replay(cb, clock);
  return { out, err };
}

// Checked against community.general.yaml on ansible-core 2.14 for the same kinds of results.
const VERBOSE = `
PLAY [Web servers] *************************************************************

TASK [ping hosts] **************************************************************
fatal: [dead]: UNREACHABLE! => changed=false 
  msg: 'Failed to connect to the host via ssh: ssh: connect to host 127.0.0.1 port 1: Connection refused'
  unreachable: true
ok: [web1] => changed=false 
  ping: pong
ok: [web2] => changed=false 
  ping: pong

TASK [web : render config] *****************************************************
--- before: /etc/app.conf
+++ after: /etc/app.conf
@@ -1,2 +1,2 @@
-listen 80
+listen 8080
 workers 2

changed: [web1] => changed=true 
  dest: /etc/app.conf
  mode: '0644'
ok: [web2] => changed=false 
  dest: /etc/app.conf
  mode: '0644'

TASK [run migration] ***********************************************************
changed: [web1] => changed=true 
  cmd:
  - migrate
  - --all
  msg: ''
  rc: 0
  stderr: ''
  stderr_lines: <omitted>
  stdout: |-
    migrated
    2 tables
  stdout_lines: <omitted>
FAILED - RETRYING: [web2]: run migration (1 retries left).
fatal: [web2]: FAILED! => changed=true 
  cmd:
  - migrate
  - --all
  msg: non-zero return code
  rc: 1
  stderr: 'error: <locked> & "busy"'
  stderr_lines: <omitted>
  stdout: ''
  stdout_lines: <omitted>
...ignoring

TASK [install packages] ********************************************************
changed: [web1] => (item=nginx) => changed=true 
  ansible_loop_var: item
  item: nginx
ok: [web1] => (item=curl) => changed=false 
  ansible_loop_var: item
  item: curl
ok: [web2] => (item=nginx) => changed=false 
  ansible_loop_var: item
  item: nginx
skipping: [web2] => (item=curl) 

TASK [write secret] ************************************************************
changed: [web1] => (item=None) => changed=true 
  censored: 'the output has been hidden due to the fact that ''no_log: true'' was specified for this result'
fatal: [web2]: FAILED! => changed=false 
  censored: 'the output has been hidden due to the fact that ''no_log: true'' was specified for this result'

TASK [fail when broken] ********************************************************
skipping: [web1] => changed=false 
  skip_reason: Conditional result was False

PLAY [Databases] ***************************************************************

TASK [include_tasks] ***********************************************************
included: /srv/tasks/extra.yml for db1

TASK [debug] *******************************************************************
ok: [db1] => 
  msg: |-
    hello
    world

RUNNING HANDLER [restart app] **************************************************
changed: [db1] => changed=true 
  name: app
  state: started

PLAY RECAP *********************************************************************
db1                        : ok=3    changed=1    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0   
dead                       : ok=0    changed=0    unreachable=1    failed=0    skipped=0    rescued=0    ignored=0   
web1                       : ok=5    changed=4    unreachable=0    failed=0    skipped=1    rescued=0    ignored=0   
web2                       : ok=4    changed=0    unreachable=0    failed=1    skipped=0    rescued=0    ignored=1   

`;

describe('YamlCallback', () => {
  it('prints the recorded run with -v exactly like community.general.yaml', () => {
    const { out, err } = run(1);
    expect(out).toBe(VERBOSE);
    expect(err).toBe('[WARNING]: Found both group and host with same name: dead\n');
  });

  it('without -v prints dumps only for failures, unreachable hosts and debug', () => {
    const { out } = run(0);
    expect(out).toContain('ok: [web1]\nok: [web2]\n');
    expect(out).toContain(
      "fatal: [dead]: UNREACHABLE! => changed=false \n  msg: 'Failed to connect to the host via ssh: ssh: connect to host 127.0.0.1 port 1: Connection refused'\n  unreachable: true\n",
    );
    expect(out).toContain('changed: [web1] => (item=nginx)\nok: [web1] => (item=curl)\n');
    expect(out).toContain('ok: [db1] => \n  msg: |-\n    hello\n    world\n');
    expect(out).toContain('...ignoring\n');
    expect(out).not.toContain('stdout: |-');
  });

  it('leaves the diff out without --diff', () => {
    expect(run(0, false).out).not.toContain('+listen 8080');
    expect(run(0, true).out).toContain(
      '--- before: /etc/app.conf\n+++ after: /etc/app.conf\n@@ -1,2 +1,2 @@\n-listen 80\n+listen 8080\n workers 2\n\nchanged: [web1]\n',
    );
  });

  it('colours like the default callback when asked', () => {
    let out = '';
    const cb = new YamlCallback({ color: true, verbosity: 0, diff: false, write: (s) => (out += s) });
    cb.hostResult({ host: 'h', status: 'changed', result: { changed: true } });
    expect(out).toBe('\u001b[33mchanged: [h]\u001b[39m\n');
  });
});

describe('toYaml / yamlResult', () => {
  // Expected strings are what PyYAML prints with the yaml callback's dumper (allow_unicode, width=1000).
  it('dumps like PyYAML: sorted keys, indentless lists, quoting', () => {
    expect(
      toYaml({
        delta: '0:00:00.004894',
        mode: '0644',
        cmd: ['/bin/false'],
        n: null,
        yes: 'yes',
        e: [],
        d: {},
        quote: "it's",
        colon: "a: it's",
        q: "'quoted'",
        tab: 'a\tb',
        nested: { a: [{ b: 1, c: 'x' }] },
        lst: [[1, 2], { a: 1 }],
        uni: 'héllo ✓',
      }),
    ).toBe(
      [
        'cmd:',
        '- /bin/false',
        "colon: 'a: it''s'",
        'd: {}',
        "delta: '0:00:00.004894'",
        'e: []',
        'lst:',
        '- - 1',
        '  - 2',
        '- a: 1',
        "mode: '0644'",
        "'n': null",
        'nested:',
        '  a:',
        '  - b: 1',
        '    c: x',
        "q: '''quoted'''",
        "quote: it's",
        'tab: "a\\tb"',
        'uni: héllo ✓',
        "'yes': 'yes'",
        '',
      ].join('\n'),
    );
  });

  it('prints multi-line strings as literal blocks, cleaned for reading', () => {
    expect(toYaml({ s: 'line1\nline2\n' })).toBe('s: |-\n  line1\n  line2\n');
    expect(toYaml({ s: '  lead\nx' })).toBe('s: |2-\n    lead\n  x\n');
    expect(toYaml({ s: 'a  \nb\t c\r\n\n' })).toBe('s: |-\n  a\n  b        c\n');
    expect(toYaml({ l: ['a\nb'] })).toBe('l:\n- |-\n  a\n  b\n');
    expect(toYaml({ s: '\n' })).toBe("s: ''\n");
  });

  it('puts changed and skipped in a header and omits *_lines when the text is there', () => {
    expect(yamlResult({ changed: false })).toBe('changed=false');
    expect(yamlResult({ changed: true, stdout: 'a\nb', stdout_lines: ['a', 'b'], rc: 0 })).toBe(
      'changed=true \n  rc: 0\n  stdout: |-\n    a\n    b\n  stdout_lines: <omitted>',
    );
    expect(yamlResult({ msg: 'hi' })).toBe('\n  msg: hi');
  });
});
