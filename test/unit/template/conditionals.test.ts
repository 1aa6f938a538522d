// Ansible conditionals (when/changed_when/failed_when): bools, expressions, lists, {{ }} warnings, errors.
import { describe, expect, it } from 'vitest';
import { TsibleError } from '../../../src/core/errors.js';
import { Templar } from '../../../src/template/index.js';
import { errorOf } from './helpers.js';

// Outcomes below were checked with ansible-playbook 2.14.18 (`when:` on debug tasks).
const vars = { fs: 'false', fb: false, el: [], expr: '1 == 1', tb: true, r: { rc: 1, stdout: 'ok' } };

describe('isTrue', () => {
  it.each([
    [true, true],
    [false, false],
    [null, true],
    ['', true],
    ['fs', true],
    ['el', false],
    ['{{ fb }}', false],
    ['{{ expr }}', true],
    ["''", false],
    [[true, '1 == 2'], false],
    [['tb', 'r.rc in [0, 1]'], true],
    ['r.rc not in [0, 1]', false],
    ["r.stdout is search('o')", true],
    ['undefined_thing is not defined', true],
    ['fb | bool', false],
    ["'yes' | bool", true],
    [0, false],
  ])('%j -> %s', (cond, expected) => {
    expect(new Templar().isTrue(cond, vars)).toBe(expected);
  });

  it('warns when the condition contains {{ }}, but still evaluates it', () => {
    const t = new Templar();
    const seen: string[] = [];
    const t2 = new Templar({ onWarning: (m) => seen.push(m) });
    expect(t.isTrue('{{ tb }}', vars)).toBe(true);
    expect(t.warnings).toEqual([
      'conditional statements should not include jinja2 templating delimiters such as {{ }} or {% %}. Found: {{ tb }}',
    ]);
    expect(t2.isTrue('{% if tb %}1{% endif %} == 1', vars)).toBe(true);
    expect(seen).toEqual([
      'conditional statements should not include jinja2 templating delimiters such as {{ }} or {% %}. Found: {% if tb %}1{% endif %} == 1',
    ]);
    expect(t.isTrue('tb', vars)).toBe(true);
    expect(t.warnings).toHaveLength(1);
  });

  it('fails like Ansible on an undefined variable, naming the condition', () => {
    const e = errorOf(() =>
      new Templar().isTrue('undefined_y', vars, { task: 'check', pos: { file: 'p.yml', line: 3 } }),
    );
    expect(e).toBeInstanceOf(TsibleError);
    expect(e.message).toBe(
      "The conditional check 'undefined_y' failed. The error was: error while evaluating conditional (undefined_y): 'undefined_y' is undefined",
    );
    expect((e as TsibleError).task).toBe('check');
    expect((e as TsibleError).where()).toBe('p.yml:3');
  });

  it('reports invalid expressions and other errors without the undefined wording', () => {
    expect(errorOf(() => new Templar().isTrue('1 +', vars)).message).toBe(
      "The conditional check '1 +' failed. The error was: invalid expression: unexpected end of expression",
    );
    expect(errorOf(() => new Templar().isTrue("r.rc > 'a'", vars)).message).toBe(
      "The conditional check 'r.rc > 'a'' failed. The error was: '>' not supported between instances of 'int' and 'str'",
    );
  });

  it('applies Python escapes in conditions (they are not task strings)', () => {
    expect(new Templar().isTrue("'a\\nb' == x", { x: 'a\nb' })).toBe(true);
  });
});

describe('evaluate', () => {
  it('returns plain values (no views, no integral-float wrappers)', () => {
    const t = new Templar();
    const v = t.evaluate('{"a": d, "f": 4 / 2, "l": l[1:]}', { d: { x: '{{ 1 + 1 }}' }, l: [1, 2, 3] });
    expect(v).toEqual({ a: { x: '2' }, f: 2, l: [2, 3] });
    expect(t.evaluate('r.rc == 0 and r.stdout != ""', { r: { rc: 0, stdout: 'x' } })).toBe(true);
  });
});
