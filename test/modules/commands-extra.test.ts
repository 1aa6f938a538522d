// include_vars, script, wait_for, wait_for_connection and reboot: run for real on this machine where
// harmless (temp files, a local TCP port), planners otherwise.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { include_vars } from '../../modules/include_vars.js';
import { reboot } from '../../modules/reboot.js';
import { script } from '../../modules/script.js';
import { wait_for, procHex } from '../../modules/wait_for.js';
import { wait_for_connection } from '../../modules/wait_for_connection.js';
import { compilePy, pySearch } from '../../modules/_shared/files-pyre.js';
import { makeCtx, planWith, runModule, tempDir } from './_harness.js';

describe('include_vars', () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'vars', 'sub', 'deeper'), { recursive: true });
  writeFileSync(join(dir, 'vars', 'a.yml'), 'port: 80\nopts: {x: 1}\nflag: yes\n');
  writeFileSync(join(dir, 'vars', 'b.json'), '{"port": 8080}');
  writeFileSync(join(dir, 'vars', 'notes.txt'), 'x');
  writeFileSync(join(dir, 'vars', 'sub', 'c.yaml'), 'c: 3\n');
  writeFileSync(join(dir, 'vars', 'sub', 'deeper', 'd.yml'), 'd: 4\n');
  writeFileSync(join(dir, 'vars', 'list.yml'), '- 1\n');
  const ctx = makeCtx({
    findFile: (_k, src) => (src.startsWith('/') ? src : join(dir, 'vars', src)),
    vars: { opts: { y: 2 } },
  });

  it('loads a file (free form), with YAML 1.1 booleans', async () => {
    const p = await planWith(include_vars, { free_form: 'a.yml' }, {}, ctx);
    expect(p.result).toEqual({
      ansible_facts: { port: 80, opts: { x: 1 }, flag: true },
      ansible_included_var_files: [join(dir, 'vars', 'a.yml')],
    });
    const named = await planWith(include_vars, { file: 'a.yml', name: 'cfg' }, {}, ctx);
    expect(named.result?.ansible_facts).toEqual({ cfg: { port: 80, opts: { x: 1 }, flag: true } });
  });

  it('loads a directory sorted and recursively, with depth, files_matching, ignore_files', async () => {
    const all = await planWith(
      include_vars,
      { dir: join(dir, 'vars'), ignore_unknown_extensions: true, ignore_files: ['list.yml'] },
      {},
      ctx,
    );
    expect(all.result?.ansible_facts).toEqual({ port: 8080, opts: { x: 1 }, flag: true, c: 3, d: 4 });
    const shallow = await planWith(
      include_vars,
      { dir: join(dir, 'vars'), depth: 1, files_matching: '^[ab]\\.' },
      {},
      ctx,
    );
    expect(shallow.result?.ansible_included_var_files).toEqual([
      join(dir, 'vars', 'a.yml'),
      join(dir, 'vars', 'b.json'),
    ]);
    const bad = await planWith(include_vars, { dir: join(dir, 'vars') }, {}, ctx);
    expect(String(bad.result?.msg)).toMatch(/notes.txt does not have a valid extension/);
  });

  it('merges dictionaries with hash_behaviour=merge; rejects non-mappings and missing files', async () => {
    const m = await planWith(include_vars, { file: 'a.yml', hash_behaviour: 'merge' }, {}, ctx);
    expect((m.result?.ansible_facts as Record<string, unknown>).opts).toEqual({ y: 2, x: 1 });
    expect((await planWith(include_vars, { file: 'list.yml' }, {}, ctx)).result?.msg).toMatch(
      /must be stored as a dictionary/,
    );
    const missing = makeCtx({
      findFile: () => {
        throw new Error("Could not find or access 'x.yml'");
      },
    });
    expect((await planWith(include_vars, { file: 'x.yml' }, {}, missing)).result?.msg).toMatch(
      /Could not find/,
    );
    await expect(planWith(include_vars, { file: 'a.yml', dir: 'x' }, {}, ctx)).rejects.toThrow(
      /mutually exclusive/,
    );
  });
});

describe('script', () => {
  const dir = tempDir();
  const src = join(dir, 'hello.sh');
  writeFileSync(
    src,
    '#!/bin/sh\necho "args: $#"; for a in "$@"; do printf "[%s]\\n" "$a"; done\necho err >&2\npwd\n',
  );
  const ctx = makeCtx({ findFile: (_k, s) => (s.startsWith('/') ? s : join(dir, s)) });

  it('copies the script, runs it with literal arguments, removes it', async () => {
    const before = readdirSync(tmpdir()).filter((f) => f.startsWith('tsible-script.')).length;
    const canary = join(dir, 'pwned');
    const r = await runModule(
      script,
      { free_form: `hello.sh 'a b' '$(touch ${canary})' ;x`, chdir: dir },
      ctx,
    );
    expect(r.result).toMatchObject({ changed: true, rc: 0 });
    expect(r.result.stdout).toBe(`args: 3\n[a b]\n[$(touch ${canary})]\n[;x]\n${dir}\n`);
    expect(r.result.stderr).toBe('err\n');
    expect(existsSync(canary)).toBe(false);
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith('tsible-script.')).length).toBe(before);
  });

  it('honours creates/removes, executable, a failing script, and check mode', async () => {
    const done = join(dir, 'done');
    writeFileSync(done, '');
    expect((await runModule(script, { free_form: 'hello.sh', creates: done }, ctx)).result).toMatchObject({
      changed: false,
    });
    expect(
      (await runModule(script, { cmd: 'hello.sh x', executable: '/bin/sh' }, ctx)).result.stdout,
    ).toMatch(/^args: 1\n\[x\]/);
    writeFileSync(join(dir, 'bad.sh'), 'exit 3\n');
    const bad = await runModule(script, { free_form: 'bad.sh' }, ctx);
    expect(bad.result).toMatchObject({ rc: 3, failed: true, msg: 'non-zero return code' });
    const chk = await runModule(script, { free_form: 'hello.sh' }, makeCtx({ ...ctx, check: true }));
    expect(chk.result).toMatchObject({ skipped: true });
    const missing = await runModule(script, { free_form: 'nope.sh' }, makeCtx());
    expect(missing.result.failed).toBe(true);
  });
});

describe('wait_for', () => {
  // The harness runs the host side with spawnSync, which blocks this process: the server (and the writer
  // below) must live in other processes to answer meanwhile.
  let server: ChildProcess;
  let port = 0;
  beforeAll(async () => {
    const code =
      "const s=require('net').createServer(c=>{c.on('error',()=>{});c.end('SSH-2.0-fake ready\\n')});" +
      "s.listen(0,'127.0.0.1',()=>console.log(s.address().port))";
    server = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    port = await new Promise<number>((res) =>
      server.stdout!.once('data', (d: Buffer) => res(Number(d.toString().trim()))),
    );
  });
  afterAll(() => server.kill());

  it('sees an open port, text from it, and times out on a closed one', async () => {
    expect((await runModule(wait_for, { port, timeout: 5 })).result).toMatchObject({
      changed: false,
      port,
      elapsed: 0,
    });
    expect(
      (await runModule(wait_for, { port, search_regex: 'SSH-\\d', timeout: 5 })).result.failed,
    ).toBeUndefined();
    const closed = await runModule(wait_for, { port: 1, timeout: 1, sleep: 1 });
    expect(closed.result).toMatchObject({ failed: true, msg: 'Timeout when waiting for 127.0.0.1:1' });
    expect(
      (await runModule(wait_for, { port: 1, state: 'stopped', timeout: 2 })).result.failed,
    ).toBeUndefined();
  });

  it('waits for a file and text in it, returning the groups; absent paths; custom msg', async () => {
    const dir = tempDir();
    const log = join(dir, 'app.log');
    spawn('sh', ['-c', 'sleep 0.5; printf "booting\\nlistening on port 8080\\n" > "$0"', log], {
      stdio: 'ignore',
    });
    const r = await runModule(wait_for, { path: log, search_regex: 'port (?P<port>\\d+)', timeout: 10 });
    expect(r.result).toMatchObject({ match_groups: ['8080'], match_groupdict: { port: '8080' } });
    expect(
      (await runModule(wait_for, { path: join(dir, 'none'), state: 'absent', timeout: 2 })).result.failed,
    ).toBeUndefined();
    const t = await runModule(wait_for, { path: join(dir, 'none'), timeout: 1, msg: 'no file' });
    expect(t.result).toMatchObject({ failed: true, msg: 'no file' });
    const s = await runModule(wait_for, { path: log, search_regex: 'never', timeout: 1 });
    expect(s.result.msg).toBe(`Timeout when waiting for search string never in ${log}`);
  });

  it('drained counts connections from /proc/net/tcp; helpers', async () => {
    expect(
      (await runModule(wait_for, { port: 1, state: 'drained', timeout: 2 })).result.failed,
    ).toBeUndefined();
    expect(procHex('127.0.0.1')).toBe('0100007F');
    expect(pySearch(compilePy('(?P<a>x)(?P=a)\\Z'), 'xx')?.groups).toEqual({ a: 'x' });
    await expect(planWith(wait_for, { port: 1, path: '/x' }, {})).rejects.toThrow(/mutually exclusive/);
  });
});

describe('wait_for_connection and reboot', () => {
  it('probes until the host answers, or times out', async () => {
    let n = 0;
    const ctx = makeCtx({ probeConnection: async () => ++n >= 2 });
    const p = await planWith(wait_for_connection, { sleep: 0, timeout: 5 }, {}, ctx);
    expect(p).toMatchObject({ changed: false, result: { elapsed: 0 } });
    expect(n).toBe(2);
    const never = await planWith(
      wait_for_connection,
      { sleep: 1, timeout: 1, connect_timeout: 1 },
      {},
      makeCtx({ probeConnection: async () => false }),
    );
    expect(never.failed).toBe(true);
    const noEngine = await planWith(wait_for_connection, {}, {}, makeCtx());
    expect(noEngine.result?.msg).toMatch(/engine/);
  });

  it('reboot validates its parameters and refuses clearly', async () => {
    const p = await planWith(reboot, { reboot_timeout: 60 }, {});
    expect(p).toMatchObject({ failed: true, result: { rebooted: false } });
    await expect(planWith(reboot, { reboot_timout: 60 }, {})).rejects.toThrow(/reboot_timeout/);
  });
});
