// Lazy variable views: values are templated on use, follow later changes, and self-references are caught.
import { describe, expect, it } from 'vitest';
import { TsibleError } from '../../../src/core/errors.js';
import { UnsafeText, VaultText } from '../../../src/core/yaml.js';
import { markUnsafe, OMIT, Templar } from '../../../src/template/index.js';
import { errorOf } from './helpers.js';

describe('lazyVars', () => {
  it('templates a variable that refers to another, each time it is read', () => {
    const t = new Templar();
    const raw: Record<string, unknown> = { b: 'first', a: '{{ b }}-x' };
    const view = t.lazyVars(raw);
    expect(view.a).toBe('first-x');
    raw.b = 'changed';
    expect(view.a).toBe('changed-x');
    expect(t.render('{{ a | upper }}', raw)).toBe('CHANGED-X');
  });

  it('types values like task strings and templates nested dicts and lists on access', () => {
    const t = new Templar();
    const view = t.lazyVars({
      n: 2,
      list: '{{ [n, n + 1] }}',
      web: { url: 'http://{{ host }}:{{ port }}', ports: ['{{ port }}'] },
      host: 'h',
      port: 80,
    });
    expect(view.list).toEqual([2, 3]);
    expect((view.web as Record<string, unknown>).url).toBe('http://h:80');
    expect(((view.web as Record<string, unknown>).ports as unknown[])[0]).toBe(80);
    expect(t.render('{{ web.ports | first + 1 }}', view)).toBe('81');
  });

  it('catches self-reference', () => {
    const t = new Templar();
    const raw = { x: '{{ x + [1] }}', y: '{{ z }}', z: '{{ y }}' };
    const e = errorOf(() => t.render('{{ x }}', raw));
    expect(e).toBeInstanceOf(TsibleError);
    expect(e.message).toBe('recursive loop detected in template string: x. String: {{ x }}');
    expect(errorOf(() => t.render('{{ y }}', raw)).message).toBe(
      'recursive loop detected in template string: y. String: {{ y }}',
    );
    expect(errorOf(() => t.lazyVars(raw).x).message).toBe('recursive loop detected in template string: x');
  });

  it('reports which nested key loops', () => {
    const e = errorOf(() => new Templar().render('{{ cfg.a }}', { cfg: { a: '{{ cfg.a }}' } }));
    expect(e.message).toBe('recursive loop detected in template string: cfg.a. String: {{ cfg.a }}');
  });

  it('makes a variable with an undefined reference undefined itself', () => {
    const t = new Templar();
    const raw = { a: '{{ missing }}', ok: 1 };
    expect(t.render('{{ a is defined }} {{ a | default("fallback") }} {{ ok }}', raw)).toBe(
      'False fallback 1',
    );
    const view = t.lazyVars(raw);
    expect(() => String(view.a)).toThrow("'missing' is undefined (in the value of 'a')");
  });

  it('returns unsafe values raw: registered results are never templated again', () => {
    const t = new Templar();
    const result = markUnsafe({ stdout: '{{ secret }}', rc: 0 });
    const raw = { result, text: markUnsafe('{{ secret }}'), secret: 's3cret' };
    expect(raw.text).toBeInstanceOf(UnsafeText);
    expect(t.lazyVars(raw).result).toBe(result);
    expect(t.render('{{ result.stdout }}|{{ text }}', raw)).toBe('{{ secret }}|{{ secret }}');
    expect(t.render(result, raw)).toBe(result);
  });

  it('keeps what was rendered from unsafe data unsafe, like set_fact of a registered result (checked with Ansible)', () => {
    const t = new Templar({ baseDir: '/tmp' });
    const raw: Record<string, unknown> = {
      secret: 'S',
      result: markUnsafe({ stdout: 'run {{ secret }}', stdout_lines: ['a {{ secret }}'] }),
      normal: 'normal {{ secret }}',
    };
    raw.copied = t.render('{{ result.stdout }}', raw);
    raw.lines = t.render('{{ result.stdout_lines }}', raw);
    raw.piped = t.render("{{ lookup('pipe', 'echo \\{\\{ secret }}') }}", raw);
    expect(raw.piped).toBe('{{ secret }}');
    expect(t.render('{{ copied }} | {{ lines }} | {{ piped }} | {{ normal }}', raw)).toBe(
      "run {{ secret }} | ['a {{ secret }}'] | {{ secret }} | normal S",
    );
  });

  it('`vars` hands out variables raw, as ansible-core 2.14 does', () => {
    const t = new Templar();
    const raw = { n: 5, a_ref: '{{ n + 1 }}' };
    expect(
      t.render("{{ vars['a_ref'] }} {{ vars.n }} {{ 'n' in vars }} {{ vars['x'] | default('d') }}", raw),
    ).toBe('{{ n + 1 }} 5 True d');
    expect(t.render('{{ vars }}', { vars: 'mine' })).toBe('mine');
  });

  it('decrypts vaulted values on use, then templates them', () => {
    const t = new Templar({ vaultDecrypt: (v) => v.ciphertext.replace('ENC:', '') });
    const raw = { user: 'bob', pw: new VaultText('ENC:{{ user }}-pw') };
    expect(t.render('{{ pw }}', raw)).toBe('bob-pw');
    expect(errorOf(() => new Templar().render('{{ pw }}', raw)).message).toContain(
      "cannot decrypt vaulted variable 'pw'",
    );
  });

  it('is read-only, and template code cannot mutate variables through methods', () => {
    const t = new Templar();
    const raw = { l: [1] };
    const view = t.lazyVars(raw);
    expect(() => {
      (view as Record<string, unknown>).l = [];
    }).toThrow('read-only');
    expect(errorOf(() => t.render('{{ l.append(2) }}', raw)).message).toContain(
      'cannot call append() on a variable',
    );
    expect(raw.l).toEqual([1]);
    // append() returns None, which prints as nothing; the rest reads as a list again.
    expect(t.render('{% set x = [1] %}{{ x.append(2) }}{{ x }}', raw)).toEqual([1, 2]);
  });

  it('overlay() adds variables without templating the rest', () => {
    const t = new Templar();
    const view = t.lazyVars({ broken: '{{ undefined_thing }}', a: '{{ item }}!' });
    const withItem = t.overlay(view, { item: 'x' });
    expect(withItem.a).toBe('x!');
    expect(t.render('{{ broken | default("ok") }}', withItem)).toBe('ok');
  });

  it('reuses the same view for the same raw object, and views of views are the view', () => {
    const t = new Templar();
    const raw = { a: 1 };
    const view = t.lazyVars(raw);
    expect(t.lazyVars(raw)).toBe(view);
    expect(t.lazyVars(view)).toBe(view);
  });
});

describe('omit', () => {
  it('drops dict keys whose value renders to omit, recursively, and leaves lists alone', () => {
    const t = new Templar();
    const out = t.render(
      {
        mode: '{{ m | default(omit) }}',
        owner: 'root',
        nested: { x: '{{ omit }}', y: 1 },
        list: ['{{ omit }}'],
      },
      {},
    );
    expect(out).toEqual({ owner: 'root', nested: { y: 1 }, list: [OMIT] });
    expect(OMIT).toMatch(/^__omit_place_holder__[0-9a-f]{40}$/);
    expect(t.render('x{{ omit }}', {})).toBe(`x${OMIT}`);
  });
});
