// lineinfile: Ansible's present/absent algorithm as tables, Python regex semantics, and real local runs.
import { chmodSync, existsSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lineinfile } from '../../modules/lineinfile.js';
import { compilePy, pyExpand, pySearch, pySubn } from '../../modules/_shared/files-pyre.js';
import { makeCtx, planWith, runModule, tempDir } from './_harness.js';

const modeOf = (p: string) => (statSync(p).mode & 0o7777).toString(8).padStart(4, '0');

/** Facts for a file with this content (undefined: missing) in an existing directory. */
function facts(content: string | undefined, over: Record<string, unknown> = {}) {
  const exists = content !== undefined;
  return {
    stat: [
      exists
        ? {
            path: '/etc/f',
            exists: true,
            type: 'file',
            mode: '0644',
            owner: 'root',
            group: 'root',
            uid: 0,
            gid: 0,
            ...over,
          }
        : { path: '/etc/f', exists: false },
      { path: '/etc', exists: true, type: 'directory' },
    ],
    content: exists
      ? { exists: true, size: content.length, content: Buffer.from(content), truncated: false }
      : { exists: false, size: 0, content: Buffer.alloc(0), truncated: false },
  };
}

async function edit(content: string | undefined, args: Record<string, unknown>, ctx = makeCtx()) {
  const plan = await planWith(lineinfile, { path: '/etc/f', ...args }, facts(content), ctx);
  const put = plan.steps.find((s) => s.kind === 'put');
  const after = put && put.kind === 'put' ? put.content.toString('utf8') : content;
  return { plan, after, msg: plan.result?.msg };
}

describe('lineinfile present (Ansible algorithm)', () => {
  it.each([
    // name, content, args, new content, msg
    ['append at EOF', 'a\nb\n', { line: 'c' }, 'a\nb\nc\n', 'line added'],
    ['append adds the missing final newline first', 'a\nb', { line: 'c' }, 'a\nb\nc\n', 'line added'],
    ['exact line present: ok', 'a\nc\nb\n', { line: 'c' }, 'a\nc\nb\n', ''],
    [
      'regexp replaces the last match',
      'x=1\ny\nx=2\n',
      { regexp: '^x=', line: 'x=3' },
      'x=1\ny\nx=3\n',
      'line replaced',
    ],
    [
      'firstmatch replaces the first',
      'x=1\ny\nx=2\n',
      { regexp: '^x=', line: 'x=3', firstmatch: true },
      'x=3\ny\nx=2\n',
      'line replaced',
    ],
    ['regexp already right: ok', 'x=3\n', { regexp: '^x=', line: 'x=3' }, 'x=3\n', ''],
    ['regexp no match: EOF insert', 'a\n', { regexp: '^x=', line: 'x=3' }, 'a\nx=3\n', 'line added'],
    ['search_string', 'foo bar\nbaz\n', { search_string: 'o b', line: 'qux' }, 'qux\nbaz\n', 'line replaced'],
    [
      'insertafter last match',
      'a\n[s]\nb\n[s]\nc\n',
      { insertafter: '^\\[s\\]', line: 'k=v' },
      'a\n[s]\nb\n[s]\nk=v\nc\n',
      'line added',
    ],
    [
      'insertafter firstmatch',
      'a\n[s]\nb\n[s]\n',
      { insertafter: '^\\[s\\]', line: 'k=v', firstmatch: true },
      'a\n[s]\nk=v\nb\n[s]\n',
      'line added',
    ],
    [
      'insertafter at end of file',
      'a\n[s]',
      { insertafter: '^\\[s\\]', line: 'k=v' },
      'a\n[s]\nk=v\n',
      'line added',
    ],
    ['insertafter no match: EOF', 'a\n', { insertafter: '^nope', line: 'k' }, 'a\nk\n', 'line added'],
    ['insertbefore', 'a\nb\nc\n', { insertbefore: '^b', line: 'k' }, 'a\nk\nb\nc\n', 'line added'],
    ['insertbefore BOF', 'a\n', { insertbefore: 'BOF', line: 'k' }, 'k\na\n', 'line added'],
    ['insertafter BOF', 'a\n', { insertafter: 'BOF', line: 'k' }, 'k\na\n', 'line added'],
    [
      'regexp wins over insertafter',
      'x=1\n[s]\n',
      { regexp: '^x', insertafter: '^\\[s\\]', line: 'x=2' },
      'x=2\n[s]\n',
      'line replaced',
    ],
    [
      'backrefs expand \\1 and \\g<name>',
      'port 80 tcp\n',
      { regexp: '^port (\\d+) (?P<p>\\w+)$', line: 'port \\1/\\g<p>', backrefs: true },
      'port 80/tcp\n',
      'line replaced',
    ],
    [
      'backrefs without a match does nothing',
      'a\n',
      { regexp: '^x(.)', line: '\\1', backrefs: true },
      'a\n',
      '',
    ],
    [
      'Python $ matches before the final newline',
      'key = 1\n',
      { regexp: '^key = 1$', line: 'key = 2' },
      'key = 2\n',
      'line replaced',
    ],
    [
      '\\Z is the absolute end (a line with \\n is not matched)',
      'ab\n',
      { regexp: 'b\\Z', line: 'X' },
      'ab\nX\n',
      'line added',
    ],
    [
      'CRLF line counts as the exact line and is replaced',
      'a\r\nb\r\n',
      { line: 'a' },
      'a\nb\r\n',
      'line replaced',
    ],
    [
      'unicode line and regexp on bytes',
      'grüße=1\n',
      { regexp: '^grüße=', line: 'grüße=2 ✓' },
      'grüße=2 ✓\n',
      'line replaced',
    ],
  ])('%s', async (_n, content, args, expected, msg) => {
    const r = await edit(content, args);
    expect(r.after).toBe(expected);
    expect(r.msg).toBe(msg);
    expect(r.plan.changed).toBe(msg !== '');
    // Idempotency: planning again on the result changes nothing.
    const again = await edit(expected, args);
    expect(again.plan.steps).toEqual([]);
  });

  it('errors like Ansible', async () => {
    expect((await edit(undefined, { line: 'x' })).plan.result).toMatchObject({
      msg: 'Path /etc/f does not exist !',
      rc: 257,
    });
    expect((await edit('a\n', { regexp: 'x', backrefs: true })).msg).toBe(
      'line is required with state=present',
    );
    expect((await edit('a\n', { line: 'x', backrefs: true })).msg).toBe(
      'regexp is required with backrefs=true',
    );
    expect((await edit('a\n', { state: 'absent' })).msg).toBe(
      'one of line, search_string, or regexp is required with state=absent',
    );
    expect((await edit('a\n', { regexp: '(?i:x)', line: 'x' })).msg).toMatch(/not supported/);
    const dir = await planWith(lineinfile, { path: '/etc/f', line: 'x' }, facts('', { type: 'directory' }));
    expect(dir.result).toMatchObject({ msg: 'Path /etc/f is a directory !', rc: 256 });
    await expect(
      planWith(lineinfile, { path: '/etc/f', line: 'x', insertafter: 'a', insertbefore: 'b' }, facts('')),
    ).rejects.toThrow('parameters are mutually exclusive: insertbefore|insertafter');
    await expect(planWith(lineinfile, { path: '/etc/f', lin: 'x' }, facts(''))).rejects.toThrow(/lin/);
  });

  it('warns about an empty regexp', async () => {
    const warnings: string[] = [];
    await edit('a\n', { regexp: '', line: 'x' }, makeCtx({ warn: (m) => warnings.push(m) }));
    expect(warnings[0]).toMatch(/use '\^' to match every line/);
  });

  it('creates a missing file (and its directory) only with create', async () => {
    const plan = await planWith(
      lineinfile,
      { path: '/etc/new/f', line: 'x', create: true, mode: '0600' },
      {
        stat: [
          { path: '/etc/new/f', exists: false },
          { path: '/etc/new', exists: false },
        ],
        content: { exists: false, size: 0, content: Buffer.alloc(0), truncated: false },
      },
    );
    expect(plan.steps).toMatchObject([
      { kind: 'run', cmd: 'mkdir -p -- /etc/new' },
      { kind: 'put', dest: '/etc/new/f', mode: '0600' },
    ]);
    expect(plan.result?.msg).toBe('line added and ownership, perms or SE linux context changed');
  });

  it('diff has Ansible headers, and attribute-only changes chmod without a put', async () => {
    const r = await edit('a\n', { line: 'b' }, makeCtx({ diff: true }));
    expect(r.plan.diff).toEqual([
      { before: 'a\n', after: 'a\nb\n', beforeHeader: '/etc/f (content)', afterHeader: '/etc/f (content)' },
    ]);
    const attrs = await edit('b\n', { line: 'b', mode: '0600' }, makeCtx({ diff: true }));
    expect(attrs.plan.steps).toEqual([{ kind: 'run', cmd: 'chmod -- 0600 /etc/f' }]);
    expect(attrs.msg).toBe('ownership, perms or SE linux context changed');
    expect(attrs.plan.diff?.[0]).toMatchObject({
      beforeHeader: '/etc/f (file attributes)',
      before: '{\n    "mode": "0644"\n}\n',
      after: '{\n    "mode": "0600"\n}\n',
    });
  });
});

describe('lineinfile absent', () => {
  it.each([
    ['by line', 'a\nb\na\n', { line: 'a' }, 'b\n', '2 line(s) removed'],
    ['by regexp', 'x=1\ny\nx=2\n', { regexp: '^x' }, 'y\n', '2 line(s) removed'],
    ['by search_string', 'foo\nbar\n', { search_string: 'oo' }, 'bar\n', '1 line(s) removed'],
    ['nothing to remove', 'a\n', { line: 'z' }, 'a\n', ''],
  ])('%s', async (_n, content, args, expected, msg) => {
    const r = await edit(content, { state: 'absent', ...args });
    expect(r.after).toBe(expected);
    expect(r.msg).toBe(msg);
    expect(r.plan.result?.found).toBe(content.split('\n').length - expected.split('\n').length);
  });

  it('a missing file is ok', async () => {
    expect((await edit(undefined, { state: 'absent', line: 'a' })).plan).toMatchObject({
      changed: false,
      result: { msg: 'file not present' },
    });
  });
});

describe('lineinfile on this machine', () => {
  it('edits through a symlink atomically with backup and validate, then is idempotent', async () => {
    const d = tempDir();
    const real = join(d, "real 'conf' $x");
    writeFileSync(real, 'PermitRootLogin yes\nPort 22\n');
    chmodSync(real, 0o640);
    symlinkSync(real, join(d, 'link'));
    const args = {
      path: join(d, 'link'),
      regexp: '^#?PermitRootLogin',
      line: 'PermitRootLogin no',
      backup: true,
      validate: 'grep -q Port %s',
    };
    const first = await runModule(lineinfile, args);
    expect(first.result).toMatchObject({ changed: true, msg: 'line replaced' });
    expect(readFileSync(real, 'utf8')).toBe('PermitRootLogin no\nPort 22\n');
    expect(modeOf(real)).toBe('0640');
    expect(String(first.result.backup)).toContain("real 'conf' $x.");
    expect(readFileSync(String(first.result.backup), 'utf8')).toBe('PermitRootLogin yes\nPort 22\n');
    const second = await runModule(lineinfile, args);
    expect(second.plan.steps).toEqual([]);
    expect(second.result).toMatchObject({ changed: false, msg: '', backup: '' });
  });

  it('a failing validate leaves the file alone', async () => {
    const d = tempDir();
    writeFileSync(join(d, 'f'), 'a\n');
    await expect(
      runModule(lineinfile, { path: join(d, 'f'), line: 'b', validate: 'false %s' }),
    ).rejects.toThrow();
    expect(readFileSync(join(d, 'f'), 'utf8')).toBe('a\n');
  });

  it('creates with mode, check mode writes nothing', async () => {
    const d = tempDir();
    const path = join(d, 'sub', 'new');
    const chk = await runModule(lineinfile, { path, line: 'x', create: true }, makeCtx({ check: true }));
    expect(chk.result.changed).toBe(true);
    expect(existsSync(join(d, 'sub'))).toBe(false);
    await runModule(lineinfile, { path, line: 'x', create: true, mode: 'u=rw,g=,o=' });
    expect(readFileSync(path, 'utf8')).toBe('x\n');
    expect(modeOf(path)).toBe('0600');
    const again = await runModule(lineinfile, { path, line: 'x', create: true, mode: 'u=rw,g=,o=' });
    expect(again.plan.steps).toEqual([]);
  });
});

describe('Python regex translation', () => {
  it.each([
    ['(?P<k>\\w+)=(?P=k)', 'a=a', true],
    ['^a.c$', 'a\rc', true],
    ['^a.c$', 'a\nc', false],
    ['(?s)^a.c$', 'a\nc', true],
    ['(?i)HELLO', 'hello', true],
    ['[]a]', ']', true],
    ['[^]a]', 'b', true],
    ['\\Aab\\Z', 'ab', true],
    ['(?x) a  b  # comment', 'ab', true],
    ['a(?#note)b', 'ab', true],
  ])('%s on %j → %s', (re, text, ok) => {
    expect(pySearch(compilePy(re), text) !== null).toBe(ok);
  });

  it('MULTILINE sub and templates like re.sub', () => {
    const r = compilePy('^(\\w+) = (.*)$', { multiline: true });
    expect(pySubn(r, '\\2 = \\g<1>', 'a = 1\nb = 2\n')).toEqual({ text: '1 = a\n2 = b\n', count: 2 });
    expect(pySubn(compilePy('x*'), '-', 'abxd')).toEqual({ text: '-a-b--d-', count: 5 });
    // A $ in a MULTILINE pattern does not stop at \r (only \n ends a line in Python).
    expect(pySubn(compilePy('a$', { multiline: true }), 'b', 'a\r\na\n').text).toBe('a\r\nb\n');
    const m = pySearch(compilePy('(a)(b)?'), 'a')!;
    expect(pyExpand('[\\1][\\2]\\n\\\\\\$', m)).toBe('[a][]\n\\\\$');
    expect(() => pyExpand('\\q', m)).toThrow('bad escape \\q');
    expect(() => compilePy('a++')).toThrow(/possessive/);
  });
});
