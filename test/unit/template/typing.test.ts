// Ansible's result typing for task strings (§4.2), printing, and Python expression semantics,
// table-checked against ansible-core 2.14.18.
import { describe, expect, it } from 'vitest';
import { fixtureVars, renderer } from './helpers.js';
import { Templar } from '../../../src/template/index.js';
import { UnsafeText } from '../../../src/core/yaml.js';

const ANSIBLE: [string, unknown][] = [
  ['{{ 1 + 1 }}', '2'],
  ['{{ none }}', ''],
  ['{{ [1,2] }}', [1, 2]],
  ['[1, {{ 2 }}]', [1, 2]],
  ["{{ 'True' }}", true],
  [' {{ true }}', ' True'],
  ['{{ 4/2 }}', '2.0'],
  ['{{ 2.5|round }}', '2.0'],
  ['{{ 3|round }}', '3'],
  ['{{ 3.7|round }}', '4.0'],
  ['{{ 7 // 2 }}', '3'],
  ['{{ 10 % 3 }}', '1'],
  ["{{ '%s-%d' % ('a', 3) }}", 'a-3'],
  ["{{ 'x' * 3 }}", 'xxx'],
  ['{{ [1] + [2] }}', [1, 2]],
  ["{{ {'a': none, 'b': true} }}", { a: null, b: true }],
  ["{{ 'a' ~ 1 }}", 'a1'],
  ["x {{ [1,'a', none, true, 1.5, 2.0] }}", "x [1, 'a', None, True, 1.5, 2.0]"],
  ["x {{ {'a': 'b'} }}", "x {'a': 'b'}"],
  ['x {{ true }}', 'x True'],
  ['x {{ none }}', 'x '],
  ['x {{ 1.0 }}', 'x 1.0'],
  ['x {{ "it\'s" }}', "x it's"],
  ["x {{ [\"it's\", 'a\"b', 'a\\nb', 'é'] }}", "x [\"it's\", 'a\"b', 'a\\\\nb', 'é']"],
  ['{{ str_list }}', [1, 2]],
  ['{{ a_ref }}', '6'],
  ['{{ 1 == 1.0 }}', true],
  ["{{ '1' == 1 }}", false],
  ['{{ d }}', { a: 1, b: 2 }],
  [
    '{{ d.items() | list }}',
    [
      ['b', 2],
      ['a', 1],
    ],
  ],
  ['{{ d.keys() }}', ['b', 'a']],
  ['x {{ d.items() }}', "x [('b', 2), ('a', 1)]"],
  ['{{ (1, 2) }}', '(1, 2)'],
  ['x {{ (1, 2) }}', 'x (1, 2)'],
  ["{{ 'abc'[1:] }}", 'bc'],
  ['{{ lst[::-1] }}', [2, 1, 3]],
  ['{{ -7 // 2 }}', '-4'],
  ['{{ -7 % 3 }}', '2'],
  ['{{ 2 ** 10 }}', '1024'],
  ['{{ 2 ** -1 }}', '0.5'],
  ['{{ 1e3 }}', '1000.0'],
  ['{{ 0.1 + 0.2 }}', '0.30000000000000004'],
  ['x {{ 1/3 }}', 'x 0.3333333333333333'],
  ['x {{ 1e20 }}', 'x 1e+20'],
  ['x {{ 10.0**16 }}', 'x 1e+16'],
  ['x {{ 123456789.0 * 1000 }}', 'x 123456789000.0'],
  ['{{ True }}', true],
  ['{{ False }}', false],
  ['{{ None }}', ''],
  ["{{ 'yes' | bool }}", true],
  ['{{ nope is defined }}', false],
  ['{{ web.nope is defined }}', false],
  ['{{ nope.x is defined }}', false],
  ["{{ nope | default('d') }}", 'd'],
  ["{{ nope.x | default('d') }}", 'd'],
  ["{{ web.nope.deeper | default('d') }}", 'd'],
  ["{{ '' | default('e', true) }}", 'e'],
  ['{{ 3 in lst }}', true],
  ["{{ 'ell' in s }}", true],
  ["{{ 'a' in d }}", true],
  ['{{ 1 < n < 10 }}', true],
  ["{{ 'b' if n > 3 else 'c' }}", 'b'],
  ["{{ 'b' if n > 30 }}", ''],
  ["x{{ 'b' if n > 30 }}y", 'xy'],
  ['{{ [] }}', []],
  ['{{ {} }}', {}],
  ["{{ '' }}", ''],
  ["{{ 'False' }}", false],
  ["{{ 'false' }}", 'false'],
  ["{{ ' [1]' }}", ' [1]'],
  ["{{ '[1' }}", '[1'],
  ["{{ '{{ n }}' }}", '{{ n }}'],
  ['{{ n }}', 5],
  ['{{ n | string }}', '5'],
  ['{{ lst | length }}', '3'],
  ['{{ s.split() }}', ['hello', 'world']],
  ["{{ s.split('o') }}", ['hell', ' w', 'rld']],
  ['{{ s.upper() }}', 'HELLO WORLD'],
  ["{{ '{}-{}'.format(1, 'a') }}", '1-a'],
  ["{{ ','.join(['a','b']) }}", 'a,b'],
  ["{{ s.startswith('he') }}", true],
  ["{{ '  x '.strip() }}", 'x'],
  ["{{ s.replace('l', 'L') }}", 'heLLo worLd'],
  ["{{ s.find('w') }}", '6'],
  ["{{ 'a\\nb'.splitlines() }}", ['a\\nb']],
  ['{{ s.capitalize() }}', 'Hello world'],
  ["{{ d.get('a') }}", '1'],
  ["{{ d.get('z', 9) }}", '9'],
  ["{{ d.get('z') }}", ''],
  ['{{ lst.index(1) }}', '1'],
  ['{{ lst.count(1) }}', '1'],
  ['{{ s.title() }}', 'Hello World'],
  ['{{ lst[1] }}', '1'],
  ["{{ d['a'] }}", '1'],
];

describe('render() matches ansible-core on expressions and typing', () => {
  const render = renderer();
  it.each(ANSIBLE)('%s', (tmpl, expected) => {
    expect(render(tmpl)).toEqual(expected);
  });
});

describe('typing rule', () => {
  const t = new Templar();
  const vars = { n: 5, b: true, nothing: null, s: 'x', l: [1, 2], json: '{"a": 1}' };

  it('keeps a single {{ var }} of a number, bool or null native, but arithmetic gives a string', () => {
    expect(t.render('{{ n }}', vars)).toBe(5);
    expect(t.render('{{ b }}', vars)).toBe(true);
    expect(t.render('{{ nothing }}', vars)).toBeNull();
    expect(t.render('{{ n + 1 }}', vars)).toBe('6');
    expect(t.render('{{ n }}\n', vars)).toBe(5);
  });

  it('turns list/dict/bool-looking text back into data, but not other text', () => {
    expect(t.render('{{ l }}', vars)).toEqual([1, 2]);
    expect(t.render('[{{ n }}, 2]', vars)).toEqual([5, 2]);
    expect(t.render('{{ json }}', vars)).toEqual({ a: 1 });
    expect(t.render("{{ 'False' }}", vars)).toBe(false);
    expect(t.render("{{ 'false' }}", vars)).toBe('false');
    expect(t.render(' {{ l }}', vars)).toBe(' [1, 2]');
  });

  it('never converts the output of to_json, to_yaml or string', () => {
    expect(t.render('{{ l | to_json }}', vars)).toBe('[1, 2]');
    expect(t.render('{{ l | string }}', vars)).toBe('[1, 2]');
    expect(t.render('{{ {"a": 1} | to_yaml }}', vars)).toBe('{a: 1}\n');
  });

  it('keeps to_json text a string when read back through another variable', () => {
    const raw = { data: { a: 1 }, payload: '{{ data | to_json }}' };
    expect(t.render('{{ payload }}', raw)).toBe('{"a": 1}');
  });

  it('restores trailing newlines of the source', () => {
    expect(t.render('{{ s }}\n\n', vars)).toBe('x\n\n');
    expect(t.render('{% if b %}y{% endif %}\n', vars)).toBe('y\n');
  });

  it('returns strings without template markers untouched (fast path), and UnsafeText unrendered', () => {
    const weird = '[1, 2] } %} #}';
    expect(t.render(weird, vars)).toBe(weird);
    expect(t.render(new UnsafeText('{{ n }}'), vars)).toBe('{{ n }}');
  });

  it('renders dicts and lists deeply, leaving keys and non-strings alone', () => {
    expect(t.render({ a: ['{{ n }}', 3, '{{ s }}-'], '{{ k }}': { b: '{{ l }}' } }, vars)).toEqual({
      a: [5, 3, 'x-'],
      '{{ k }}': { b: [1, 2] },
    });
  });
});

describe('printing like Python', () => {
  const t = new Templar();
  const p = (tmpl: string, vars: Record<string, unknown> = {}) => t.renderText(tmpl, vars);

  it('prints booleans as True/False and None as empty (Ansible finalize), but None inside data as None', () => {
    expect(p('{{ true }} {{ false }} {{ True }} [{{ none }}] [{{ None }}]')).toBe('True False True [] []');
    expect(p('{{ [none, true, 1.5, 2.0] }}')).toBe('[None, True, 1.5, 2.0]');
  });

  it('prints dicts and strings with Python repr quoting', () => {
    expect(p(`{{ {'a': "it's", 'b': 'say "hi"', 'c': 'a\\nb'} }}`)).toBe(
      `{'a': "it's", 'b': 'say "hi"', 'c': 'a\\nb'}`,
    );
    expect(p('{{ (1, 2) }} {{ (1,) }} {{ () }}')).toBe('(1, 2) (1,) ()');
  });

  it('prints floats like Python repr', () => {
    expect(p('{{ 4 / 2 }} {{ 1e20 }} {{ 1 / 3 }} {{ 0.1 + 0.2 }} {{ 1e-5 }} {{ 2 ** -1 }}')).toBe(
      '2.0 1e+20 0.3333333333333333 0.30000000000000004 1e-05 0.5',
    );
  });

  it('uses Python operators: list +, string *, %, //, chained comparisons, ~, in', () => {
    expect(
      p(
        "{{ [1] + [2] }} {{ 'ab' * 2 }} {{ -7 // 2 }} {{ -7 % 3 }} {{ 1 < 2 < 3 }} {{ 1 ~ none }} {{ 'b' in 'abc' }}",
      ),
    ).toBe('[1, 2] abab -4 2 True 1None True');
    expect(p("{{ '%s=%03d' % ('x', 7) }} {{ '%(a)s' % {'a': 1} }} {{ '{}-{:>4}'.format('a', 'b') }}")).toBe(
      'x=007 1 a-   b',
    );
  });

  it('treats empty lists and dicts as false (Python truthiness)', () => {
    expect(
      p('{% if [] %}T{% else %}F{% endif %}{% if {} %}T{% else %}F{% endif %}{% if [0] %}T{% endif %}'),
    ).toBe('FFT');
  });

  it('supports slices, negative indexes and dotted integer access', () => {
    const vars = { l: [1, 2, 3, 4], g: { all: ['h1', 'h2'] } };
    expect(p("{{ l[1:] }} {{ l[::-1] }} {{ l[-1] }} {{ 'hello'[1:3] }} {{ g.all.0 }}", vars)).toBe(
      '[2, 3, 4] [4, 3, 2, 1] 4 el h1',
    );
  });

  it('fixture variables look the way YAML 1.1 loads them', () => {
    expect(fixtureVars().d).toEqual({ b: 2, a: 1 });
  });
});
