// tsible-doc: every module's page, snippet, JSON and list line come from its definition in the registry.
import { beforeAll, describe, expect, it } from 'vitest';
import { listModules, lookupModule } from '../../modules/index.js';
import type { ParamSpec } from '../../src/core/module.js';
import { moduleEntries } from '../../src/docs/module-info.js';
import { moduleSnippet, moduleText, wrap } from '../../src/docs/module-text.js';
import { join } from 'node:path';
import { distBuilt, ROOT, run } from './helpers.js';

beforeAll(() => {
  if (!distBuilt()) throw new Error('run `npm run build` first: the CLI tests run the compiled commands');
});

describe('tsible-doc (the command)', () => {
  it('-l lists every registered module once, sorted, with its short description', () => {
    const r = run('tsible-doc', ['-l']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual(listModules());
    for (const line of lines) {
      const name = line.split(/\s+/)[0]!;
      expect(line).toContain(lookupModule(name)!.doc.short);
    }
  });

  it('-l NAME filters, -l --json gives name → description', () => {
    const r = run('tsible-doc', ['-l', 'cop']);
    expect(
      r.stdout
        .trimEnd()
        .split('\n')
        .map((l) => l.split(/\s+/)[0]),
    ).toContain('copy');
    expect(r.stdout).not.toContain('\nping ');
    const j = JSON.parse(run('tsible-doc', ['-l', '--json']).stdout) as Record<string, string>;
    expect(Object.keys(j)).toEqual(listModules());
    expect(j.copy).toBe(lookupModule('copy')!.doc.short);
  });

  it('MODULE prints the page built from the definition; a fully qualified name works too', () => {
    const r = run('tsible-doc', ['ansible.builtin.copy']);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('> ANSIBLE.BUILTIN.COPY')).toBe(true);
    expect(r.stdout).toContain('OPTIONS (= is mandatory):');
    expect(r.stdout).toContain('\n= dest\n');
    expect(r.stdout).toContain('\n- src\n');
    expect(r.stdout).toContain('aliases: [thirsty]');
    expect(r.stdout).toContain('EXAMPLES:');
    expect(r.stdout).toContain('RETURN VALUES:');
    expect(r.stdout).toContain('check_mode:\n          support: full');
  });

  it('several modules, -s snippets, and aliases of modules', () => {
    const r = run('tsible-doc', ['-s', 'ping', 'systemd_service']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`- name: ${lookupModule('ping')!.doc.short}\n  ping:\n      data:`);
    expect(r.stdout).toContain('  systemd_service:\n');
    const page = run('tsible-doc', ['systemd_service']);
    expect(page.stdout).toContain('Another name for the systemd module.');
  });

  it('--json has the options of the spec', () => {
    const r = run('tsible-doc', ['--json', 'copy']);
    expect(r.code).toBe(0);
    const doc = (JSON.parse(r.stdout) as Record<string, { doc: { options: Record<string, unknown> } }>).copy!
      .doc;
    const spec = lookupModule('copy')!.params as Record<string, ParamSpec>;
    expect(Object.keys(doc.options).sort()).toEqual(Object.keys(spec).sort());
    expect(doc.options.dest).toMatchObject({
      required: true,
      type: 'path',
      description: [spec.dest!.description],
    });
    expect(doc.options.force).toMatchObject({ default: true, aliases: ['thirsty'], type: 'bool' });
  });

  it('an unknown module is a warning with a suggestion and exit 1; the others still print', () => {
    const r = run('tsible-doc', ['copyy', 'ping']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[WARNING]: copyy was not found (did you mean copy?)');
    expect(r.stdout).toContain('> PING');
  });

  it("--playbook-dir adds the project's custom modules from library/", () => {
    const page = run('tsible-doc', ['--playbook-dir', join(ROOT, 'examples'), 'timezone']);
    expect(page.code, page.stderr).toBe(0);
    expect(page.stdout).toContain('> TIMEZONE    (custom module from library/)');
    expect(page.stdout).toContain('\n= name\n');
    expect(run('tsible-doc', ['--playbook-dir', join(ROOT, 'examples'), '-l']).stdout).toMatch(
      /^timezone\s/m,
    );
    expect(run('tsible-doc', ['timezone']).code).toBe(1);
  });

  it.each([
    ['no module', [], 'Missing name(s)'],
    ['-l with -s', ['-l', '-s'], 'cannot be used together'],
    ['unknown flag', ['--bogus'], "unknown option '--bogus'"],
    ['another plugin type', ['-t', 'lookup', 'file'], "argument 'lookup' is invalid"],
  ])('%s: exit 5', (_name, args, message) => {
    const r = run('tsible-doc', args);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(message);
  });

  it('--version and --help', () => {
    expect(run('tsible-doc', ['--version']).stdout).toMatch(/^tsible-doc \d+\.\d+\.\d+\n$/);
    const h = run('tsible-doc', ['--help']);
    expect(h.code).toBe(0);
    for (const f of ['--list', '--snippet', '--json']) expect(h.stdout).toContain(f);
  });
});

describe('module pages (in process, every module)', () => {
  it.each(moduleEntries().map((e) => [e.name, e] as const))('%s', (_name, entry) => {
    const page = moduleText(entry);
    for (const [name, spec] of Object.entries(entry.def.params as Record<string, ParamSpec>)) {
      expect(page).toContain(`\n${spec.required ? '=' : '-'} ${name}\n`);
      expect(page).toContain(`type: ${spec.type}`);
    }
    for (const k of Object.keys(entry.def.doc.returns ?? {})) expect(page).toContain(`\n- ${k}\n`);
    if (entry.def.doc.examples) expect(page).toContain(entry.def.doc.examples.trimEnd());
    const snippet = moduleSnippet(entry);
    for (const line of snippet.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
  });

  it('wrap keeps words whole and lines short', () => {
    expect(wrap('aaa bbb ccc ddd', 7)).toEqual(['aaa bbb', 'ccc ddd']);
    expect(wrap('averyveryverylongword x', 5)).toEqual(['averyveryverylongword', 'x']);
    expect(wrap('one\ntwo', 80)).toEqual(['one', 'two']);
  });
});
