// Lookups on the controller; expected values were checked with ansible-core 2.14.18.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Templar } from '../../../src/template/index.js';
import { errorOf } from './helpers.js';

function playbookDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsible-lookup-'));
  mkdirSync(join(dir, 'files'));
  mkdirSync(join(dir, 'templates'));
  mkdirSync(join(dir, 'role', 'files'), { recursive: true });
  writeFileSync(join(dir, 'files', 'motd.txt'), 'hello\n\n');
  writeFileSync(join(dir, 'plain.txt'), 'plain');
  writeFileSync(join(dir, 'role', 'files', 'motd.txt'), 'from role\n');
  writeFileSync(
    join(dir, 'templates', 't.j2'),
    '{{ greeting }} {{ template_basename }}\n{% if true %}\n[1, 2]\n{% endif %}\n',
  );
  writeFileSync(join(dir, 'templates', 'list.j2'), '[{{ n }}, 2]');
  return dir;
}

describe('lookups', () => {
  const dir = playbookDir();
  const t = new Templar({ baseDir: dir });
  const vars = { greeting: 'hi', n: 1, tb: true, tc: 2, other: 'x' };
  const r = (tmpl: string) => t.render(tmpl, vars);

  it('file: searches files/ then the directory, strips trailing whitespace unless told not to', () => {
    expect(r("{{ lookup('file', 'motd.txt') }}|")).toBe('hello|');
    expect(r("{{ lookup('file', 'motd.txt', rstrip=false) }}|")).toBe('hello\n\n|');
    expect(r("{{ lookup('file', 'plain.txt', 'motd.txt') }}")).toBe('plain,hello');
    expect(r("{{ query('file', 'plain.txt') }}")).toEqual(['plain']);
    expect(
      new Templar({ baseDir: dir, searchPaths: [join(dir, 'role')] }).render(
        "{{ lookup('file', 'motd.txt') }}",
        {},
      ),
    ).toBe('from role');
  });

  it('template: renders with the current variables plus template_* ones, and types the result', () => {
    expect(r("{{ lookup('template', 't.j2') }}")).toBe('hi t.j2\n[1, 2]\n');
    expect(r("{{ lookup('template', 'list.j2') }}")).toEqual([1, 2]);
    expect(r("{{ lookup('template', 't.j2', template_vars={'greeting': 'yo'}) | trim }}")).toBe(
      'yo t.j2\n[1, 2]',
    );
  });

  it('env and pipe', () => {
    process.env.TSIBLE_TEST_VAR = 'v1';
    expect(r("{{ lookup('env', 'TSIBLE_TEST_VAR') }}")).toBe('v1');
    expect(r("{{ lookup('env', 'TSIBLE_NOPE') }}|{{ lookup('env', 'TSIBLE_NOPE', default='d') }}")).toBe(
      '|d',
    );
    expect(r("{{ lookup('pipe', 'echo hi; echo there') }}")).toBe('hi\nthere');
    expect(r("{{ lookup('pipe', 'pwd') }}")).toBe(dir);
    expect(r("{{ lookup('lines', 'printf \"a\\nb\\n\"') }}")).toBe('a,b');
    expect(errorOf(() => r("{{ lookup('pipe', 'exit 3') }}")).message).toContain('returned 3');
  });

  it('fileglob and first_found return controller paths', () => {
    expect(r("{{ lookup('fileglob', '*.txt') }}")).toBe(join(dir, 'files', 'motd.txt'));
    expect(r("{{ query('fileglob', '/nonexistent/*') }}")).toEqual([]);
    expect(r("{{ lookup('first_found', ['nope.txt', 'plain.txt']) }}")).toBe(join(dir, 'plain.txt'));
    expect(r("{{ lookup('first_found', ['nope.txt'], skip=true) }}")).toEqual('');
    expect(r("{{ lookup('first_found', files=['a', 'motd.txt'], paths=['files']) }}")).toBe(
      join(dir, 'files', 'motd.txt'),
    );
    expect(errorOf(() => r("{{ lookup('first_found', ['x', 'y']) }}")).message).toContain(
      'No file was found when using first_found.',
    );
  });

  it('data lookups', () => {
    expect(r("{{ lookup('items', [1, 2]) }}")).toEqual([1, 2]);
    expect(r("{{ lookup('items', [[1, 2], [3]]) }}")).toEqual([[1, 2], [3]]);
    expect(r("{{ lookup('list', [1, 2]) }}")).toEqual([1, 2]);
    expect(r("{{ lookup('indexed_items', ['a', 'b']) }}")).toEqual([
      [0, 'a'],
      [1, 'b'],
    ]);
    expect(r("{{ lookup('dict', {'a': 1}) }}")).toEqual({ key: 'a', value: 1 });
    expect(r("{{ query('dict', {'a': 1, 'b': 2}) }}")).toEqual([
      { key: 'a', value: 1 },
      { key: 'b', value: 2 },
    ]);
    expect(r("{{ lookup('nested', [1, 2], ['a', 'b']) }}")).toEqual([
      [1, 'a'],
      [1, 'b'],
      [2, 'a'],
      [2, 'b'],
    ]);
    expect(r("{{ lookup('together', [1, 2], ['a']) }}")).toEqual([
      [1, 'a'],
      [2, null],
    ]);
    expect(r("{{ lookup('subelements', [{'n': 1, 'g': ['a', 'b']}], 'g') }}")).toEqual([
      [{ n: 1 }, 'a'],
      [{ n: 1 }, 'b'],
    ]);
    expect(r("{{ lookup('vars', 'tb') }} {{ lookup('vars', 'nope', default='d') }}")).toBe('True d');
    expect(r("{{ lookup('varnames', '^t.*') }}")).toBe('tb,tc');
  });

  it('sequence in both syntaxes', () => {
    expect(r("{{ query('sequence', 'start=1 end=5 stride=2') }}")).toEqual(['1', '3', '5']);
    expect(r("{{ lookup('sequence', '1-3') }}")).toBe('1,2,3');
    expect(r("{{ query('sequence', 'count=3 format=host%02d') }}")).toEqual(['host01', 'host02', 'host03']);
    expect(r("{{ lookup('sequence', 'start=0 end=4 stride=2 format=%02x') }}")).toBe('00,02,04');
    expect(r("{{ query('sequence', '10-0/-5') }}")).toEqual(['10', '5', '0']);
    expect(errorOf(() => r("{{ lookup('sequence', 'end=0') }}")).message).toContain(
      'to count backwards make stride negative',
    );
  });

  it('errors= ignore or warn instead of failing', () => {
    const w = new Templar({ baseDir: dir });
    expect(w.render("{{ lookup('file', 'nope', errors='ignore') }}", {})).toBe('');
    expect(w.render("{{ query('file', 'nope', errors='warn') }}", {})).toEqual([]);
    expect(w.warnings[0]).toContain('could not locate file in lookup: nope');
  });

  it('password: creates the file once, then reads it back', () => {
    const tmpl = "{{ lookup('password', 'creds/db length=12 chars=digits') }}";
    const first = r(tmpl) as string;
    expect(first).toMatch(/^\d{12}$/);
    expect(r(tmpl)).toBe(first);
    expect(readFileSync(join(dir, 'creds', 'db'), 'utf8')).toBe(`${first}\n`);
    expect(r("{{ lookup('password', '/dev/null length=8 chars=ascii_lowercase') }}")).toMatch(/^[a-z]{8}$/);
  });

  it('range and now are globals', () => {
    expect(r('{{ range(3) }}')).toEqual([0, 1, 2]);
    expect(r('{{ range(10, 0, -4) | list }}')).toEqual([10, 6, 2]);
    expect(r("{{ now(fmt='%Y') }}")).toBe(String(new Date().getFullYear()));
  });
});
