// Template errors: TsibleError('template') naming the variable, filter or test, the template, and where it was.
import { describe, expect, it } from 'vitest';
import { TsibleError } from '../../../src/core/errors.js';
import { Templar } from '../../../src/template/index.js';
import { errorOf } from './helpers.js';

const vars = {
  users: [{ name: 'a' }],
  web: { port: 80, tls: { enabled: true } },
  lst: [1, 2, 3],
  s: 'x',
  n: 5,
  a: '{{ nope }}-x',
  b: '{{ a }}',
};

function fails(tmpl: string, where?: Parameters<Templar['render']>[2]): TsibleError {
  const e = errorOf(() => new Templar().render(tmpl, vars, where));
  expect(e).toBeInstanceOf(TsibleError);
  expect((e as TsibleError).kind).toBe('template');
  return e as TsibleError;
}

describe('undefined variables and attributes', () => {
  it.each([
    ['{{ nope }}', "'nope' is undefined. String: {{ nope }}"],
    ['{{ nope.x }}', "'nope' is undefined. String: {{ nope.x }}"],
    ['{{ nope() }}', "'nope' is undefined. String: {{ nope() }}"],
    ['{{ web.port2 }}', "'web' has no attribute 'port2'. String: {{ web.port2 }}"],
    ['{{ web.tls.off }}', "'web.tls' has no attribute 'off'. String: {{ web.tls.off }}"],
    ["{{ web['tls']['x'] }}", "'web['tls']' has no attribute 'x'. String: {{ web['tls']['x'] }}"],
    ['{{ lst[5] }}', "'lst' has no element 5. String: {{ lst[5] }}"],
    ['{{ s.nope() }}', "'s' has no attribute 'nope'. String: {{ s.nope() }}"],
    ["{{ {'a': 1}['b'] }}", "'dict object' has no attribute 'b'. String: {{ {'a': 1}['b'] }}"],
    ['{{ a }}', "'nope' is undefined (in the value of 'a'). String: {{ a }}"],
    ['{{ b }}', "'nope' is undefined (in the value of 'a') (in the value of 'b'). String: {{ b }}"],
    ['x {{ [nope] }}', "'nope' is undefined. String: x {{ [nope] }}"],
  ])('%s', (tmpl, message) => {
    expect(fails(tmpl).message).toBe(message);
  });

  it('hints at near names', () => {
    expect(fails('{{ usres }}').hint).toBe("did you mean 'users'?");
    expect(fails('{{ web.prot }}').hint).toBe("did you mean 'port'?");
    expect(fails('{{ n.x }}').hint).toBe("'n' is of type int");
    expect(fails('{{ lst[9] }}').hint).toBe('it has 3 elements');
    expect(fails('{{ nope }}').hint).toBeUndefined();
  });

  it('still lets default, defined and mandatory see undefined values', () => {
    const t = new Templar();
    expect(t.render("{{ nope | default('d') }} {{ web.x.y | d('e') }} {{ a | default('f') }}", vars)).toBe(
      'd e f',
    );
    expect(t.render('{{ nope is defined }} {{ web.x.y is undefined }} {{ a is defined }}', vars)).toBe(
      'False True False',
    );
    expect(fails('{{ nope | mandatory }}').message).toBe(
      "Mandatory variable 'nope'  not defined. String: {{ nope | mandatory }}",
    );
    expect(fails("{{ nope | mandatory('set nope') }}").message).toBe(
      "set nope. String: {{ nope | mandatory('set nope') }}",
    );
  });
});

describe('unknown filters, tests and lookups', () => {
  it('names the filter and suggests a near one', () => {
    const e = fails('{{ s | lowr }}');
    expect(e.message).toBe("no filter named 'lowr'. String: {{ s | lowr }}");
    expect(e.hint).toBe("did you mean 'lower'?");
  });

  it('names tests and lookups the same way', () => {
    expect(fails('{{ 1 is odd_ }}').message).toBe("no test named 'odd_'. String: {{ 1 is odd_ }}");
    expect(fails('{{ 1 is odd_ }}').hint).toBe("did you mean 'odd'?");
    expect(fails("{{ lookup('fiel', 'x') }}").message).toBe(
      "lookup plugin (fiel) not found. String: {{ lookup('fiel', 'x') }}",
    );
    expect(fails("{{ lookup('file', 'no-such-file') }}").message).toBe(
      "lookup('file') failed: could not locate file in lookup: no-such-file. String: {{ lookup('file', 'no-such-file') }}",
    );
  });
});

describe('syntax and type errors', () => {
  it.each([
    ['{{ a b }}', 'template error while templating string: expected variable end. String: {{ a b }}'],
    [
      '{% if x %}',
      'template error while templating string: expected elif, else, or endif, got end of file. String: {% if x %}',
    ],
    ['{% foo %}', 'template error while templating string: unknown block tag: foo. String: {% foo %}'],
    [
      '{# x',
      'template error while templating string: expected end of comment, got end of file. String: {# x',
    ],
    ["{{ 1 + 'a' }}", "unsupported operand type(s) for +: 'int' and 'str'. String: {{ 1 + 'a' }}"],
    ['{{ 1 / 0 }}', 'division by zero. String: {{ 1 / 0 }}'],
    ['{% for x in n %}{% endfor %}', "'int' object is not iterable. String: {% for x in n %}{% endfor %}"],
    ['{{ s > 1 }}', "'>' not supported between instances of 'str' and 'int'. String: {{ s > 1 }}"],
  ])('%s', (tmpl, message) => {
    expect(fails(tmpl).message).toBe(message);
  });
});

describe('where the error happened', () => {
  it('carries task, position and what was being templated', () => {
    const e = fails('{{ nope }}', {
      task: 'Install',
      pos: { file: 'play.yml', line: 4, col: 7 },
      what: 'args',
    });
    expect(e.message).toBe("args: 'nope' is undefined. String: {{ nope }}");
    expect(e.task).toBe('Install');
    expect(e.where()).toBe('play.yml:4:7');
    expect(e.exitCode).toBe(1);
  });

  it('reports the line inside a template file', () => {
    const e = errorOf(() =>
      new Templar().renderText('a\nb\n{{ nope }}\n', vars, { pos: { file: 'x.j2' }, what: 'template x.j2' }),
    );
    expect(e.message).toBe("template x.j2: 'nope' is undefined (line 3)");
    expect((e as TsibleError).pos).toEqual({ file: 'x.j2', line: 3 });
  });

  it('words expression errors for evaluate()', () => {
    const t = new Templar();
    expect(errorOf(() => t.evaluate('nope == 1', vars, { what: 'until' })).message).toBe(
      "until: 'nope' is undefined. String: nope == 1",
    );
    expect(errorOf(() => t.evaluate('1 +', vars)).message).toBe(
      'invalid expression: unexpected end of expression. String: 1 +',
    );
    expect(errorOf(() => t.evaluate('1 2', vars)).message).toBe(
      'invalid expression: unexpected text after the expression. String: 1 2',
    );
  });

  it('never leaks a raw JS or nunjucks error', () => {
    for (const tmpl of [
      '{{ x',
      '{{ }}',
      '{% endfor %}',
      '{{ [1,2 }}',
      '{% for %}',
      "{{ 'a' ~ }}",
      '{{ x | }}',
    ]) {
      const e = errorOf(() => new Templar().render(tmpl, vars));
      expect(e).toBeInstanceOf(TsibleError);
      expect(e.message).toContain(`String: ${tmpl}`);
    }
  });
});

describe('no way into JavaScript internals', () => {
  it.each([
    "{{ 'x'.constructor }}",
    '{{ [].constructor }}',
    '{{ {}.constructor }}',
    "{{ 'x'.toString() }}",
    "{{ {}['__proto__'] }}",
    '{{ d.hasOwnProperty }}',
  ])('%s is undefined', (tmpl) => {
    expect(fails(tmpl).message).toMatch(/has no attribute|is undefined/);
  });

  it('format mappings and table lookups do not see prototype keys', () => {
    expect(fails("{{ '%(constructor)s' % {} }}").message).toContain("KeyError: 'constructor'");
    expect(fails("{{ 'x' | comment('constructor') }}").message).toContain(
      "unknown comment style 'constructor'",
    );
  });
});
