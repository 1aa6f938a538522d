// Template files (template module semantics): trim_blocks, whitespace control, raw, loops, macros, include/import/extends.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureVars } from './helpers.js';
import { Templar } from '../../../src/template/index.js';

// Template sources and the files ansible-core 2.14.18's template module wrote from them (with the fixture vars).
const FILES: Record<string, string> = {
  'm.j2':
    "{% macro field(name, value='dflt', sep=': ') -%}\n{{ name }}{{ sep }}{{ value }}\n{%- endmacro %}\n{% set top = 'T' %}\n{% for u in users %}\n{%   set top = u.name %}\n{{ loop.index }}/{{ loop.length }} {{ field(u.name, u.uid) }} first={{ loop.first }} last={{ loop.last }} {{ loop.cycle('odd', 'even') }}\n{% else %}\nnone\n{% endfor %}\nafter loop top={{ top }}\n{% for x in [] %}x{% else %}empty-else{% endfor %}\n\n{% for k, v in d | dictsort %}{{ k }}={{ v }};{% endfor %}\n\n{% for u in users if u.uid > 1001 %}{{ u.name }}{{ ',' if not loop.last }}{% endfor %}\n\n{% set ns = namespace(count=0) %}{% for u in users %}{% set ns.count = ns.count + u.groups | length %}{% endfor %}count={{ ns.count }}\n{%- if n > 3 %} big{% elif n > 1 %} mid{% else %} small{% endif %}\n\n{% raw %}{{ not rendered }}{% endraw %}\n{% filter upper %}shout {{ s }}{% endfilter %}\n\n{% macro wrap(tag) %}<{{ tag }}>{{ caller() }}</{{ tag }}>{% endmacro %}{% call wrap('b') %}inner {{ s }}{% endcall %}\n\n{{ '%-5s|' | format('ab') }}{{ \"%05.2f\" % 3.14159 }} {{ '{:>6}'.format('r') }} {{ \"{0}-{name}\".format(1, name='n') }}\n{{ 'a\\tb' }}|{{ '\\d' }}|{{ \"q\\\"q\" }}\n{#- comment -#}\n   {{- '  trimmed  ' -}}   \nend {{ 10 / 4 }} {{ 10 // 4 }} {{ 2 ** 3 }} {{ -7 % 3 }} {{ 1.0 }} {{ 3 * 1.0 }} {{ none }} {{ [none] }} {{ true }}\n{{ users | map(attribute='name') | join(', ') }} {{ d.items() | list }} {{ lst | sort | first }}\n{% include 'inc.j2' %}\n{% import 'lib.j2' as lib %}{{ lib.hello('x') }} {% from 'lib.j2' import hello as hi %}{{ hi('y') }}\n",
  'child.j2': '{% extends "base.j2" %}{% block body %}child {{ s }}{% endblock %}\n',
  'base.j2': 'header\n{% block body %}base body{% endblock %}\nfooter {% block foot %}F{% endblock %}\n',
  'inc.j2': 'included {{ s }} {{ top }}\n',
  'lib.j2': '{% macro hello(who) %}hello {{ who }}{% endmacro %}\n',
  'ws.j2':
    '{% for i in [1, 2] %}\n  item {{ i }}\n{% endfor %}\n    {% if true %}\nindented-if\n    {% endif %}\nA {{- " B " -}} C\n{%- if true %} D {%+ if true %}E{% endif %}{% endif %}\nnone:{{ none }}:{{ [none] }}\n{{ "\\t|\\d|\\x41|\\u00e9" }}\n{# comment line #}\nlast\n\n',
};

const ANSIBLE_OUTPUT: Record<string, string> = {
  'm.j2':
    "1/3 alice: 1001 first=True last=False odd\n2/3 bob: 1002 first=False last=False even\n3/3 carol: 1003 first=False last=True odd\nafter loop top=T\nempty-else\na=1;b=2;\nbob,carol\ncount=3 big\n{{ not rendered }}SHOUT HELLO WORLD\n<b>inner hello world</b>\nab   |03.14      r 1-n\na\tb|\\d|q\"q  trimmed  end 2.5 2 8 2 1.0 3.0  [None] True\nalice, bob, carol [('b', 2), ('a', 1)] 1\nincluded hello world Thello x hello y\n",
  'child.j2': 'header\nchild hello worldfooter F\n',
  'ws.j2': '  item 1\n  item 2\n    indented-if\n    A B C D Enone::[None]\n\t|\\d|A|é\nlast\n\n',
};

function templatesDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsible-tpl-'));
  for (const [name, text] of Object.entries(FILES)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('renderText matches the template module', () => {
  const dir = templatesDir();
  const t = new Templar({ baseDir: dir });
  it.each(Object.keys(ANSIBLE_OUTPUT))('%s', (name) => {
    const path = join(dir, name);
    expect(t.renderText(readFileSync(path, 'utf8'), fixtureVars(), { pos: { file: path } })).toBe(
      ANSIBLE_OUTPUT[name],
    );
  });
});

describe('renderText details', () => {
  const t = new Templar();
  const r = (text: string, vars: Record<string, unknown> = {}) => t.renderText(text, vars);

  it('trim_blocks eats the newline after a block tag and a comment; lstrip_blocks stays off', () => {
    expect(r('{% if true %}\nA\n{% endif %}\nB\n')).toBe('A\nB\n');
    expect(r('  {% if true %}x{% endif %}\n')).toBe('  x\n');
    expect(r('{# note #}\nC')).toBe('C');
    expect(r('{% if true +%}\nkeep\n{% endif %}')).toBe('\nkeep\n');
  });

  it('keeps trailing newlines of the source, even after a block tag', () => {
    expect(r('{% if true %}y{% endif %}\n')).toBe('y\n');
    expect(r('x\n\n\n')).toBe('x\n\n\n');
    expect(r('x')).toBe('x');
  });

  it('always returns text: no typing of list-looking output', () => {
    expect(r('{{ [1, 2] }}')).toBe('[1, 2]');
    expect(r('{{ "True" }}')).toBe('True');
  });

  it('whitespace control with - strips newlines on that side', () => {
    expect(r('a\n  {{- "b" -}}  \nc')).toBe('abc');
    expect(r('{%- for i in [1, 2] -%}\n {{ i }}\n{%- endfor %}')).toBe('12');
  });

  it('raw blocks are not templated', () => {
    expect(r('{% raw %}\n{{ x }}{% if %}\n{% endraw %}\nafter')).toBe('{{ x }}{% if %}\nafter');
  });

  it('set inside a loop does not leak; namespace does', () => {
    expect(r('{% set x = 1 %}{% for i in [2] %}{% set x = i %}{% endfor %}{{ x }}')).toBe('1');
    expect(r('{% set ns = namespace(x=1) %}{% for i in [2] %}{% set ns.x = i %}{% endfor %}{{ ns.x }}')).toBe(
      '2',
    );
    expect(r('{% set block %}a{{ 1 + 1 }}{% endset %}{{ block }}')).toBe('a2');
  });

  it('loop variables, loop filters, else, unpacking and cycle', () => {
    expect(
      r(
        '{% for k, v in {"a": 1, "b": 2}.items() %}{{ loop.index0 }}{{ k }}{{ v }}{{ loop.revindex }} {% endfor %}',
      ),
    ).toBe('0a12 1b21 ');
    expect(r('{% for i in range(6) if i is even %}{{ i }}{{ "," if not loop.last }}{% endfor %}')).toBe(
      '0,2,4',
    );
    expect(r('{% for i in [] %}x{% else %}empty{% endfor %}')).toBe('empty');
    expect(r('{% for i in "ab" %}{{ loop.cycle("x", "y") }}{{ i }}{% endfor %}')).toBe('xayb');
  });

  it('ansible_managed and other vars given by the caller print like any variable', () => {
    expect(r('# {{ ansible_managed }}\n', { ansible_managed: 'Ansible managed' })).toBe(
      '# Ansible managed\n',
    );
  });

  it('applies Python string escapes in template files', () => {
    expect(r('{{ "a\\tb" }}|{{ "\\d" }}|{{ "\\u00e9" }}')).toBe('a\tb|\\d|é');
  });
});

describe('render() of task strings keeps backslashes inside {{ }} (Ansible doubles them)', () => {
  it('treats \\d and \\n literally inside {{ }}, but not inside {% %}', () => {
    const t = new Templar();
    expect(t.render("{{ 'a1' | regex_replace('\\d', 'N') }}", {})).toBe('aN');
    expect(t.render("{{ 'x\\ny' }}", {})).toBe('x\\ny');
    expect(t.render("{% set v = 'x\\ny' %}{{ v }}", {})).toBe('x\ny');
  });
});
