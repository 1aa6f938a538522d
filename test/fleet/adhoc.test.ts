// The ad-hoc command `tsible PATTERN -m MODULE -a ARGS` on real hosts: output forms and exit codes.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli.js';
import { fleetAvailable, fleetDown, fleetUp, hostExec, startSshd, stopSshd, type Fleet } from './fleet.js';

const NAMES = ['ad1', 'ad2'];

describe.skipIf(!fleetAvailable)('tsible ad-hoc on the fleet', () => {
  let fleet: Fleet;
  const tsible = (args: string[]) => runCli('tsible', ['-i', fleet.inventoryPath, ...args]);

  beforeAll(() => {
    fleet = fleetUp({
      names: NAMES,
      group: 'adhoc',
      inventory: join(mkdtempSync(join(tmpdir(), 'adhoc-')), 'inv.ini'),
    });
  });
  afterAll(() => fleetDown(NAMES));

  it('runs command by default and prints host | CHANGED | rc=0 >> with the output', async () => {
    const r = await tsible(['adhoc', '-a', 'echo "$((40 + 2))" \'$HOME\'']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    // command does not go through a shell: $((...)) and $HOME stay literal.
    expect(lines.filter((l) => l.startsWith('ad')).sort()).toEqual([
      'ad1 | CHANGED | rc=0 >>',
      'ad2 | CHANGED | rc=0 >>',
    ]);
    expect(lines.filter((l) => l === '$((40 + 2)) $HOME')).toHaveLength(2);
  });

  it('prints other modules as host | SUCCESS => {json}, and -o on one line', async () => {
    const r = await tsible(['ad1', '-m', 'ping']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('ad1 | SUCCESS => {\n    "changed": false,\n    "ping": "pong"\n}\n');
    const o = await tsible(['ad1', '-m', 'shell', '-a', 'echo a; echo b >&2', '-o']);
    expect(o.stdout).toBe('ad1 | CHANGED | rc=0 | (stdout) a (stderr) b\n');
  });

  it('exits 2 when a host fails and shows FAILED with rc and output', async () => {
    const r = await tsible(['ad2', '-m', 'shell', '-a', 'echo out; exit 3']);
    expect(r.code).toBe(2);
    // ansible-core 2.14 prints stdout, stderr and msg back to back: "outnon-zero return code".
    expect(r.stdout).toBe('ad2 | FAILED | rc=3 >>\noutnon-zero return code\n');
  });

  it('changes files with copy, and --check changes nothing', async () => {
    const c = await tsible(['ad1', '-m', 'copy', '-a', 'content=hello dest=/tmp/adhoc.txt', '--check']);
    expect(c.code).toBe(0);
    expect(c.stdout).toContain('ad1 | CHANGED =>');
    expect(hostExec('ad1', 'test -e /tmp/adhoc.txt').rc).not.toBe(0);
    const r = await tsible(['ad1', '-m', 'copy', '-a', 'content=hello dest=/tmp/adhoc.txt']);
    expect(r.code).toBe(0);
    expect(hostExec('ad1', 'cat /tmp/adhoc.txt').stdout).toBe('hello');
    const again = await tsible(['ad1', '-m', 'copy', '-a', 'content=hello dest=/tmp/adhoc.txt']);
    expect(again.stdout).toContain('ad1 | SUCCESS =>');
  });

  it('reports an unreachable host and exits 4', async () => {
    stopSshd('ad2');
    try {
      const r = await tsible(['adhoc', '-m', 'ping']);
      expect(r.code).toBe(4);
      expect(r.stdout).toMatch(/^ad2 \| UNREACHABLE! => \{/m);
      expect(r.stdout).toContain('ad1 | SUCCESS');
    } finally {
      startSshd('ad2');
    }
  });

  it('rejects a bad flag with exit code 5 and an unknown module with exit 4', async () => {
    expect((await tsible(['adhoc', '--no-such-flag'])).code).toBe(5);
    const r = await tsible(['adhoc', '-m', 'pingg']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("couldn't resolve module/action 'pingg'");
  });
});
