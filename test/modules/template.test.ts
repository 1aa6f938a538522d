// template: renders through ctx.renderTemplate, then writes like copy (real local runs, idempotent re-runs).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareTemplate, template } from '../../modules/template.js';
import { makeCtx, runModule, tempDir } from './_harness.js';

/** A stand-in renderer: replaces {{ name }} from vars + extra. */
function ctxFor(dir: string, vars: Record<string, unknown>, seen: Record<string, unknown>[] = []) {
  return makeCtx({
    findFile: (kind, src) => join(dir, kind, src),
    renderTemplate: (text, _path, extra) => {
      seen.push(extra ?? {});
      const all = { ...vars, ...extra };
      return text.replace(/\{\{ (\w+) \}\}/g, (_m, k: string) => String(all[k]));
    },
  });
}

function setup(text: string): string {
  const dir = tempDir('tsible-tpl-');
  mkdirSync(join(dir, 'templates'));
  writeFileSync(join(dir, 'templates', 'app.conf.j2'), text);
  return dir;
}

describe('template', () => {
  it('renders with task vars and template_* vars, then is idempotent', async () => {
    const dir = setup('port={{ port }}\n# {{ ansible_managed }} from {{ template_path }}\n');
    const seen: Record<string, unknown>[] = [];
    const ctx = ctxFor(dir, { port: 8080 }, seen);
    const d = tempDir();
    const dest = join(d, 'app.conf');
    const first = await runModule(template, { src: 'app.conf.j2', dest, mode: '0600' }, ctx);
    expect(first.result).toMatchObject({
      changed: true,
      dest,
      mode: '0600',
      src: join(dir, 'templates', 'app.conf.j2'),
    });
    expect(readFileSync(dest, 'utf8')).toBe(
      `port=8080\n# Ansible managed from ${join(dir, 'templates', 'app.conf.j2')}\n`,
    );
    expect(seen[0]).toMatchObject({ template_destpath: dest, ansible_managed: 'Ansible managed' });
    expect(seen[0]!.template_host).toBeTypeOf('string');
    const second = await runModule(template, { src: 'app.conf.j2', dest, mode: '0600' }, ctx);
    expect(second.plan.steps).toEqual([]);
    expect(second.result.changed).toBe(false);
  });

  it('shows a diff with the template as the after header, and converts newlines', async () => {
    const dir = setup('a={{ a }}\nb\n');
    const d = tempDir();
    const dest = join(d, 'x');
    writeFileSync(dest, 'a=0\nb\n');
    const ctx = { ...ctxFor(dir, { a: 1 }), diff: true };
    const r = await runModule(template, { src: 'app.conf.j2', dest, newline_sequence: '\r\n' }, ctx);
    expect(r.plan.diff).toEqual([
      {
        before: 'a=0\nb\n',
        after: 'a=1\r\nb\r\n',
        beforeHeader: dest,
        afterHeader: join(dir, 'templates', 'app.conf.j2'),
      },
    ]);
    expect(readFileSync(dest, 'utf8')).toBe('a=1\r\nb\r\n');
  });

  it('fails for a missing template and unsupported delimiters', async () => {
    const dir = setup('x');
    const d = tempDir();
    const ctx = ctxFor(dir, {});
    const r = await runModule(template, { src: 'nope.j2', dest: join(d, 'x') }, ctx);
    expect(r.result).toMatchObject({ failed: true, msg: "Could not find or access 'nope.j2'" });
    const r2 = await runModule(
      template,
      { src: 'app.conf.j2', dest: join(d, 'x'), variable_start_string: '[[' },
      ctx,
    );
    expect(r2.result.msg).toBe("variable_start_string other than '{{' is not supported by tsible");
  });

  it('prepareTemplate emulates lstrip_blocks and trim_blocks=false on the text', () => {
    const t = '  {% if x %}\n  a\n  {%+ endif %}\n{%- if y -%}\nb\n';
    expect(prepareTemplate(t, { trim_blocks: true, lstrip_blocks: true })).toBe(
      '{% if x %}\n  a\n  {%+ endif %}\n{%- if y -%}\nb\n',
    );
    expect(
      prepareTemplate('{% if x %}\na\n{% endif -%}\n', { trim_blocks: false, lstrip_blocks: false }),
    ).toBe('{% if x %}\n\na\n{% endif -%}\n');
  });
});
