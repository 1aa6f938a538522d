// The minimal stdout callback: `host | STATE => {json}` per result, command output inline, nothing else.
import { describe, expect, it } from 'vitest';
import { MinimalCallback } from '../../../src/output/minimal-callback.js';
import { FakeClock, replay } from './recorded-run.js';

function run(diff = true): { out: string; err: string } {
  const clock = new FakeClock();
  let out = '';
  let err = '';
  replay(
    new MinimalCallback({
      color: false,
      verbosity: 0,
      diff,
      write: (s) => (out += s),
      writeErr: (s) => (err += s),
    }),
    clock,
  );
  return { out, err };
}

// Same layout as Ansible's minimal callback (2.14): no banners, no recap, no per-item lines,
// `| rc=N >>` for command-like actions, SKIPPED without details, no "...ignoring".
const EXPECTED = `dead | UNREACHABLE! => {
    "changed": false,
    "msg": "Failed to connect to the host via ssh: ssh: connect to host 127.0.0.1 port 1: Connection refused",
    "unreachable": true
}
web1 | SUCCESS => {
    "changed": false,
    "ping": "pong"
}
web2 | SUCCESS => {
    "changed": false,
    "ping": "pong"
}
--- before: /etc/app.conf
+++ after: /etc/app.conf
@@ -1,2 +1,2 @@
-listen 80
+listen 8080
 workers 2

web1 | CHANGED => {
    "changed": true,
    "dest": "/etc/app.conf",
    "mode": "0644"
}
web2 | SUCCESS => {
    "changed": false,
    "dest": "/etc/app.conf",
    "mode": "0644"
}
web1 | CHANGED | rc=0 >>
migrated
2 tables
web2 | FAILED | rc=1 >>
error: <locked> & "busy"non-zero return code
web1 | CHANGED => {
    "changed": true,
    "msg": "All items completed",
    "results": [
        {
            "ansible_loop_var": "item",
            "changed": true,
            "failed": false,
            "item": "nginx"
        },
        {
            "ansible_loop_var": "item",
            "changed": false,
            "failed": false,
            "item": "curl"
        }
    ]
}
web2 | SUCCESS => {
    "changed": false,
    "msg": "All items completed",
    "results": [
        {
            "ansible_loop_var": "item",
            "changed": false,
            "failed": false,
            "item": "nginx"
        },
        {
            "ansible_loop_var": "item",
            "changed": false,
            "item": "curl",
            "skip_reason": "Conditional result was False",
            "skipped": true
        }
    ]
}
web1 | CHANGED => {
    "censored": "the output has been hidden due to the fact that 'no_log: true' was specified for this result",
    "changed": true
}
web2 | FAILED! => {
    "censored": "the output has been hidden due to the fact that 'no_log: true' was specified for this result",
    "changed": false
}
web1 | SKIPPED
db1 | SUCCESS => {
    "msg": "hello\\nworld"
}
db1 | CHANGED => {
    "changed": true,
    "name": "app",
    "state": "started"
}
`;

describe('MinimalCallback', () => {
  it('prints the recorded run exactly', () => {
    const { out, err } = run();
    expect(out).toBe(EXPECTED);
    expect(err).toBe('[WARNING]: Found both group and host with same name: dead\n');
  });

  it('prints no diff without --diff', () => {
    expect(run(false).out).not.toContain('@@');
  });

  it('recognises a command result by its shape when the action is unknown', () => {
    let out = '';
    const cb = new MinimalCallback({ color: false, verbosity: 0, diff: false, write: (s) => (out += s) });
    cb.taskStart('t', {});
    cb.hostResult({
      host: 'h',
      status: 'changed',
      result: { changed: true, cmd: 'echo hi', rc: 0, stdout: 'hi', stderr: '' },
    });
    cb.hostResult({ host: 'h', status: 'ok', result: { changed: false, ping: 'pong' } });
    expect(out).toBe(
      'h | CHANGED | rc=0 >>\nhi\nh | SUCCESS => {\n    "changed": false,\n    "ping": "pong"\n}\n',
    );
  });
});
