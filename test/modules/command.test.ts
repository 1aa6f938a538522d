// command/shell/raw: result shape (§2.7), creates/removes, check mode, and quoting proven by running sh.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { command } from '../../modules/command.js';
import type { Plan } from '../../src/core/module.js';
import { raw } from '../../modules/raw.js';
import { shell } from '../../modules/shell.js';
import { formatDelta, splitLines, untime } from '../../modules/_shared/command.js';
import { shlexSplit } from '../../modules/_shared/shlex.js';
import { makeCtx, planWith, runModule, shWords, tempDir } from './_harness.js';

const STAMP = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/;

/** The shell code of a plan's first step. */
function firstCmd(plan: Plan): string {
  const s = plan.steps[0];
  if (s?.kind !== 'run') throw new Error('expected a run step');
  return s.cmd;
}

/** The argv line of a command step, as sh words. */
function execWords(cmd: string): string[] {
  const line = cmd.split('\n').find((l) => l.startsWith('(exec '));
  if (!line) throw new Error(`no exec line in ${cmd}`);
  return shWords(line.slice('(exec '.length, -1));
}

describe('command', () => {
  it('passes shell metacharacters to the program literally', async () => {
    const d = tempDir();
    const text = `printf '%s\\n' "$HOME" ';' '|' '>x' '\`touch pwned\`' "it's" a\\ b`;
    const { result, plan } = await runModule(command, { free_form: text, chdir: d });
    const argv = ['printf', '%s\\n', '$HOME', ';', '|', '>x', '`touch pwned`', "it's", 'a b'];
    expect(result.cmd).toEqual(argv);
    expect(execWords(firstCmd(plan))).toEqual(argv);
    expect(result.stdout).toBe("$HOME\n;\n|\n>x\n`touch pwned`\nit's\na b");
    expect(existsSync(join(d, 'x'))).toBe(false);
    expect(existsSync(join(d, 'pwned'))).toBe(false);
  });

  it('builds the Ansible result shape', async () => {
    const { result } = await runModule(command, { free_form: 'echo hi' });
    expect(result).toMatchObject({
      changed: true,
      cmd: ['echo', 'hi'],
      rc: 0,
      stdout: 'hi',
      stderr: '',
      stdout_lines: ['hi'],
      stderr_lines: [],
      msg: '',
      failed: false,
    });
    expect(result.start).toMatch(STAMP);
    expect(result.end).toMatch(STAMP);
    expect(result.delta).toMatch(/^0:00:0\d(\.\d{6})?$/);
    expect(String(result.end) >= String(result.start)).toBe(true);
  });

  it('runs the real program, not a shell builtin', async () => {
    // dash's builtin echo prints "-e"; /bin/echo (GNU) understands it, as in Ansible.
    const { result } = await runModule(command, { free_form: 'echo -e "a\\tb"' });
    expect(result.stdout).toBe('a\tb');
  });

  it('argv keeps every word as given, newlines included', async () => {
    const { result } = await runModule(command, { argv: ['printf', '[%s]', 'two\nlines', ' spaced '] });
    expect(result.cmd).toEqual(['printf', '[%s]', 'two\nlines', ' spaced ']);
    expect(result.stdout).toBe('[two\nlines][ spaced ]');
  });

  it('fails with non-zero return code and keeps stderr byte for byte', async () => {
    const { result } = await runModule(command, {
      argv: ['sh', '-c', 'printf out; printf "e1\\ne2" >&2; exit 3'],
    });
    expect(result).toMatchObject({
      rc: 3,
      failed: true,
      msg: 'non-zero return code',
      stdout: 'out',
      stderr: 'e1\ne2',
    });
    expect(result.stderr_lines).toEqual(['e1', 'e2']);
  });

  it('reports a missing program like Python does', async () => {
    const { result } = await runModule(command, { free_form: 'no-such-program-tsible --x' });
    expect(result).toMatchObject({
      rc: 2,
      failed: true,
      msg: "[Errno 2] No such file or directory: b'no-such-program-tsible'",
      cmd: ['no-such-program-tsible', '--x'],
    });
  });

  it('runs in chdir (with spaces) and fails on a missing one', async () => {
    const d = join(tempDir(), 'dir with space');
    mkdirSync(d);
    expect((await runModule(command, { free_form: 'pwd', chdir: d })).result.stdout).toBe(d);
    const bad = await runModule(command, { free_form: 'pwd', chdir: join(d, 'nope') });
    expect(bad.result).toMatchObject({
      failed: true,
      msg: `Unable to change directory before execution: [Errno 2] No such file or directory: '${join(d, 'nope')}'`,
    });
  });

  it('feeds stdin, adding a newline unless told not to', async () => {
    expect((await runModule(command, { free_form: 'od -c', stdin: 'ab' })).result.stdout).toContain(
      'a   b  \\n',
    );
    const r = await runModule(command, { free_form: 'wc -c', stdin: 'ab', stdin_add_newline: false });
    expect(String(r.result.stdout).trim()).toBe('2');
  });

  it('strips trailing newlines unless strip_empty_ends is false', async () => {
    expect((await runModule(command, { argv: ['printf', 'a\n\n'] })).result.stdout).toBe('a');
    expect(
      (await runModule(command, { argv: ['printf', 'a\n\n'], strip_empty_ends: false })).result.stdout,
    ).toBe('a\n\n');
  });

  it('creates and removes short-circuit with Ansible messages, in check mode too', async () => {
    const d = tempDir();
    writeFileSync(join(d, 'done.flag'), '');
    for (const check of [false, true]) {
      const ctx = makeCtx({ check });
      const c = await runModule(command, { free_form: 'touch ran', chdir: d, creates: '*.flag' }, ctx);
      expect(c.result).toMatchObject({
        changed: false,
        rc: 0,
        stdout: 'skipped, since *.flag exists',
        msg: "Did not run command since '*.flag' exists",
        start: null,
        delta: null,
      });
      const r = await runModule(command, { free_form: 'touch ran', removes: join(d, 'absent') }, ctx);
      expect(r.result.msg).toBe(`Did not run command since '${join(d, 'absent')}' does not exist`);
      expect(r.result.stdout).toBe(`skipped, since ${join(d, 'absent')} does not exist`);
      expect(c.plan.steps).toEqual([]);
    }
    expect(existsSync(join(d, 'ran'))).toBe(false);
  });

  it('in check mode: skipped, or would-change when creates/removes are given', async () => {
    const ctx = makeCtx({ check: true });
    const s = await runModule(command, { free_form: 'touch /tmp/never' }, ctx);
    expect(s.plan.skipped).toBe(true);
    expect(s.result).toMatchObject({
      changed: false,
      skipped: true,
      msg: 'Command would have run if not in check mode',
      rc: 0,
    });
    const c = await runModule(command, { free_form: 'touch x', creates: '/nonexistent/tsible' }, ctx);
    expect(c.plan.skipped).toBeUndefined();
    expect(c.result).toMatchObject({ changed: true, msg: 'Command would have run if not in check mode' });
  });

  it('rejects argv with a command, an empty command, and an unclosed quote', async () => {
    const f = { creates: undefined, removes: undefined };
    expect((await planWith(command, { free_form: 'ls', argv: ['ls'] }, f)).result?.msg).toBe(
      'only command or argv can be given, not both',
    );
    expect((await planWith(command, { free_form: '  ' }, f)).result).toEqual({
      msg: 'no command given',
      rc: 256,
    });
    expect((await planWith(command, { free_form: 'echo "open' }, f)).result?.msg).toBe(
      'No closing quotation',
    );
  });
});

describe('shell', () => {
  it('runs the text through /bin/sh and returns cmd as a string', async () => {
    const { result, plan } = await runModule(shell, { free_form: "echo $((1+2)) | tr 3 X; echo 'q\"uote'" });
    expect(result).toMatchObject({
      cmd: "echo $((1+2)) | tr 3 X; echo 'q\"uote'",
      stdout: 'X\nq"uote',
      rc: 0,
    });
    // The user's text is a single quoted word inside our wrapper.
    const line =
      firstCmd(plan)
        .split('\n')
        .find((l) => l.startsWith('(exec')) ?? '';
    expect(shWords(line.slice(6, -1))).toEqual(['/bin/sh', '-c', "echo $((1+2)) | tr 3 X; echo 'q\"uote'"]);
  });

  it('uses executable, chdir and stdin', async () => {
    const d = tempDir();
    const { result } = await runModule(shell, {
      cmd: 'read x; echo "$x in $(pwd)"',
      chdir: d,
      stdin: 'v',
      executable: '/bin/sh',
    });
    expect(result.stdout).toBe(`v in ${d}`);
  });

  it('keeps a multi-line script with a heredoc', async () => {
    const { result } = await runModule(shell, { free_form: 'cat <<EOF\nline 1\n  line 2\nEOF\n' });
    expect(result.stdout).toBe('line 1\n  line 2');
  });

  it('fails on non-zero exit', async () => {
    expect((await runModule(shell, { free_form: 'exit 4' })).result).toMatchObject({ rc: 4, failed: true });
  });
});

describe('raw', () => {
  it('runs the text as is and does not strip output', async () => {
    const { result } = await runModule(raw, { free_form: 'echo hi; echo err >&2; exit 3' });
    expect(result).toMatchObject({
      changed: true,
      rc: 3,
      stdout: 'hi\n',
      stderr: 'err\n',
      failed: true,
      stdout_lines: ['hi'],
    });
  });

  it('is skipped in check mode', async () => {
    const { plan } = await runModule(raw, { free_form: 'touch /tmp/x' }, makeCtx({ check: true }));
    expect(plan.skipped).toBe(true);
    expect(plan.steps).toEqual([]);
  });
});

describe('command helpers', () => {
  it('formats deltas like Python timedelta', () => {
    expect(formatDelta(4798)).toBe('0:00:00.004798');
    expect(formatDelta(3_723_000_001)).toBe('1:02:03.000001');
    expect(formatDelta(2_000_000)).toBe('0:00:02');
  });

  it('splits lines like str.splitlines', () => {
    expect(splitLines('a\r\nb\rc\n')).toEqual(['a', 'b', 'c']);
    expect(splitLines('')).toEqual([]);
    expect(splitLines('\n')).toEqual(['']);
  });

  it('takes the timing markers out of stderr exactly', () => {
    const t = untime(
      '@@tsible-start 2024-01-01 00:00:00.000001\nboom\n\n@@tsible-end 2024-01-01 00:00:01.500000\n',
    );
    expect(t).toMatchObject({
      stderr: 'boom\n',
      start: '2024-01-01 00:00:00.000001',
      delta: '0:00:01.499999',
    });
  });

  it('shlexSplit follows POSIX quoting', () => {
    expect(shlexSplit(`a 'b c' "d \\"e\\" \\$f" g\\ h ''`)).toEqual(['a', 'b c', 'd "e" $f', 'g h', '']);
    expect(() => shlexSplit(`'x`)).toThrow('No closing quotation');
  });
});
