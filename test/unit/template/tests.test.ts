// Jinja and Ansible tests (`x is ...`), table-checked against ansible-core 2.14.18.
import { mkdtempSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorOf, renderer } from './helpers.js';
import { Templar } from '../../../src/template/index.js';

const ANSIBLE: [string, unknown][] = [
  ['{{ nope is defined }}', false],
  ['{{ nope is undefined }}', true],
  ['{{ nul is none }}', true],
  ['{{ n is none }}', false],
  ['{{ true is boolean }}', true],
  ['{{ 1 is boolean }}', false],
  ['{{ true is true }}', true],
  ['{{ 1 is true }}', false],
  ['{{ false is false }}', true],
  ["{{ 'x' is string }}", true],
  ['{{ 1 is string }}', false],
  ['{{ 1 is number }}', true],
  ['{{ 1.5 is number }}', true],
  ['{{ true is number }}', true],
  ['{{ 1 is integer }}', true],
  ['{{ 1.0 is integer }}', false],
  ['{{ 1.0 is float }}', true],
  ['{{ d is mapping }}', true],
  ['{{ lst is mapping }}', false],
  ['{{ lst is iterable }}', true],
  ["{{ 's' is iterable }}", true],
  ['{{ d is iterable }}', true],
  ['{{ 1 is iterable }}', false],
  ['{{ lst is sequence }}', true],
  ["{{ 's' is sequence }}", true],
  ['{{ d is sequence }}', true],
  ['{{ range is callable }}', true],
  ['{{ 1 is callable }}', false],
  ['{{ 1 is equalto 1 }}', true],
  ['{{ 1 is eq 1 }}', true],
  ['{{ 1 is ne 2 }}', true],
  ['{{ 1 is lt 2 }}', true],
  ['{{ 3 is gt 2 }}', true],
  ['{{ 2 is le 2 }}', true],
  ['{{ 2 is ge 3 }}', false],
  ['{{ 1 is in lst }}', true],
  ['{{ 9 is in lst }}', false],
  ['{{ lst is contains 1 }}', true],
  ["{{ 'abc' is match('b') }}", false],
  ["{{ 'abc' is match('a') }}", true],
  ["{{ 'abc' is search('b') }}", true],
  ["{{ 'abc' is regex('^b') }}", false],
  ["{{ 'ABC' is match('a', ignorecase=true) }}", true],
  ["{{ 'a\nb' is search('^b', multiline=true) }}", true],
  ["{{ 'abc' is regex('b', match_type='search') }}", true],
  ["{{ ver is version('1.2.9', '>') }}", true],
  ["{{ ver is version('1.2.10', '==') }}", true],
  ["{{ ver is version('1.10', '<') }}", true],
  ["{{ '1.0' is version('1.0.0', 'eq') }}", false],
  ["{{ '1.0' is version('1.0.0', '<') }}", true],
  ["{{ '2.14.18' is version_compare('2.14', '>=') }}", true],
  ["{{ '1.0a' is version('1.0', '>') }}", true],
  ["{{ '1.0rc1' is version('1.0', 'lt') }}", false],
  ["{{ '1.0' is version('1.0b1', '>', strict=true) }}", true],
  ["{{ '1.2' is version('1.3') }}", false],
  ["{{ '1.2.3' is version('1.2.3-rc1', '>', version_type='semver') }}", true],
  ["{{ '2.0' is version('10.0', '<', version_type='loose') }}", true],
  ["{{ '1.0' is version('1.0', '<>') }}", false],
  ["{{ '1.0' is version('1.0', '=') }}", true],
  ['{{ [1,2] is subset([1,2,3]) }}', true],
  ['{{ [1,4] is subset([1,2,3]) }}', false],
  ['{{ [1,2,3] is superset([1,2]) }}', true],
  ['{{ res_chg is changed }}', true],
  ['{{ res_ok is changed }}', false],
  ['{{ res_chg is change }}', true],
  ['{{ res_fail is failed }}', true],
  ['{{ res_ok is failure }}', false],
  ['{{ res_ok is succeeded }}', true],
  ['{{ res_fail is success }}', false],
  ['{{ res_ok is successful }}', true],
  ['{{ res_skip is skipped }}', true],
  ['{{ res_ok is skip }}', false],
  ['{{ res_unr is unreachable }}', true],
  ['{{ res_ok is unreachable }}', false],
  ['{{ res_ok is finished }}', true],
  ['{{ res_ok is started }}', true],
  ['{{ res_unr is failed }}', false],
  ['{{ res_skip is succeeded }}', true],
  ['{{ {} is changed }}', false],
  ["{{ 'etc' is abs }}", false],
  ["{{ 'yes' is truthy }}", true],
  ["{{ 'no' is truthy }}", true],
  ["{{ 'no' is falsy }}", false],
  ["{{ '' is falsy }}", true],
  ["{{ 'foo' is truthy }}", true],
  ['{{ 0 is truthy(convert_bool=true) }}', false],
  ["{{ 'no' is truthy(convert_bool=true) }}", false],
  ["{{ 'off' is falsy(convert_bool=true) }}", true],
  ['{{ 6 is divisibleby 3 }}', true],
  ['{{ 7 is divisibleby(3) }}', false],
  ['{{ 3 is odd }}', true],
  ['{{ 3 is even }}', false],
  ['{{ nul is sameas none }}', true],
  ['{{ true is sameas true }}', true],
  ["{{ 'abc' is lower }}", true],
  ["{{ 'aBc' is lower }}", false],
  ["{{ 'ABC' is upper }}", true],
  ['{{ [true, true] is all }}', true],
  ['{{ [true, false] is all }}', false],
  ['{{ [false, 1] is any }}', true],
  ['{{ [] is any }}', false],
  ['{{ nope is string }}', false],
  ['{{ nope is none }}', false],
  ['{{ nope is number }}', false],
  ["{{ 'abc' is escaped }}", false],
  ['{{ nope.x is undefined }}', true],
  ["{{ 'x' is nan }}", false],
  ['{{ 1 is nan }}', false],
  ['{{ 4 is even and 3 is odd }}', true],
  ["{{ 'a' is not in ['b'] }}", true],
  ['{{ 5 is not divisibleby 2 }}', true],
  ["{{ 'match' is test }}", true],
];

describe('tests match ansible-core', () => {
  const render = renderer();
  it.each(ANSIBLE)('%s', (tmpl, expected) => {
    expect(render(tmpl)).toEqual(expected);
  });
});

describe('tests: errors and controller paths', () => {
  const t = new Templar();
  const r = (tmpl: string, vars: Record<string, unknown> = {}) => t.render(tmpl, vars);

  it('version comparison errors read like Ansible', () => {
    expect(errorOf(() => r("{{ '1.a' is version('1.1', '<') }}")).message).toBe(
      "Version comparison failed: '<' not supported between instances of 'str' and 'int'. String: {{ '1.a' is version('1.1', '<') }}",
    );
    expect(errorOf(() => r("{{ '1' is version('1', 'foo') }}")).message).toMatch(
      /^Invalid operator type \(foo\)\. Must be one of '==', '=', 'eq'/,
    );
  });

  it('semver and strict versions', () => {
    expect(r("{{ '1.0.0-alpha' is version('1.0.0-alpha.1', '<', version_type='semver') }}")).toBe(true);
    expect(r("{{ '1.0.0-rc.1' is version('1.0.0', '<', version_type='semantic') }}")).toBe(true);
    expect(r("{{ '1.2a1' is version('1.2', '<', strict=true) }}")).toBe(true);
  });

  it('result tests want a dict, and changed looks into loop results', () => {
    expect(errorOf(() => r("{{ 'x' is failed }}")).message).toBe(
      "The 'failed' test expects a dictionary. String: {{ 'x' is failed }}",
    );
    expect(r('{{ res is changed }}', { res: { results: [{ changed: false }, { changed: true }] } })).toBe(
      true,
    );
    expect(r('{{ res is changed }}', { res: { results: [{ changed: false }] } })).toBe(false);
  });

  it('finished/started warn on non-async results, like Ansible', () => {
    const w = new Templar();
    expect(w.render('{{ {} is finished }}', {})).toBe(true);
    expect(w.warnings).toEqual([
      "The 'finished' test expects an async task, but a non-async task was tested",
    ]);
  });

  it('file, directory, link, exists, abs and same_file look at the controller', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsible-tests-'));
    writeFileSync(join(dir, 'f'), 'x');
    mkdirSync(join(dir, 'd'));
    symlinkSync(join(dir, 'f'), join(dir, 'l'));
    const vars = { dir };
    expect(
      r("{{ (dir ~ '/f') is file }} {{ (dir ~ '/d') is file }} {{ (dir ~ '/d') is directory }}", vars),
    ).toBe('True False True');
    expect(
      r(
        "{{ (dir ~ '/l') is link }} {{ (dir ~ '/f') is link }} {{ (dir ~ '/nope') is exists }} {{ dir is exists }}",
        vars,
      ),
    ).toBe('True False False True');
    expect(
      r(
        "{{ (dir ~ '/l') is same_file(dir ~ '/f') }} {{ 'a/b' is abs }} {{ dir is abs }} {{ '/' is mount }}",
        vars,
      ),
    ).toBe('True False True True');
  });

  it('tests can be named with their ansible.builtin prefix', () => {
    expect(r("{{ '2.0' is ansible.builtin.version('1.9', '>') }}")).toBe(true);
  });
});
