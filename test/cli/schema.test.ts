// The JSON Schemas (docs/schema/) accept the repository's playbooks, role task files and inventories, and
// reject what tsible rejects: unknown modules and parameters, two modules in a task, wrong value types.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { libraryDirs } from '../../modules/library.js';
import { describe, expect, it } from 'vitest';
import { loadYaml, UnsafeText, VaultText } from '../../src/core/yaml.js';
import { inventorySchema, playbookSchema, tasksSchema, type Schema } from '../../src/docs/gen-schema.js';
import { libraryEntries, moduleEntries, withLibrary } from '../../src/docs/module-info.js';
import { validateSchema, type SchemaError } from '../../src/docs/json-schema.js';
import { FIXTURES, ROOT } from './helpers.js';

const playbook = playbookSchema();
const tasks = tasksSchema();
const inventory = inventorySchema();

/** A loaded YAML document as plain JSON (what an editor's YAML server sees). */
function plain(v: unknown): unknown {
  if (v instanceof VaultText) return v.ciphertext;
  if (v instanceof UnsafeText) return v.text;
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  }
  return v;
}

function load(file: string): unknown {
  return plain(loadYaml(readFileSync(file, 'utf8'), file));
}

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return yamlFiles(p);
    return /\.ya?ml$/.test(f) ? [p] : [];
  });
}

/** Playbooks: YAML lists whose items have hosts or import_playbook (examples/, and roles/ is for tasks). */
function isPlaybook(doc: unknown): boolean {
  return (
    Array.isArray(doc) &&
    doc.length > 0 &&
    doc.every((p) => p !== null && typeof p === 'object' && ('hosts' in p || 'import_playbook' in p))
  );
}

const exampleFiles = yamlFiles(join(ROOT, 'examples'));
const playbooks = exampleFiles.filter((f) => isPlaybook(load(f)));
const roleTaskFiles = [...yamlFiles(join(ROOT, 'roles')), ...exampleFiles].filter((f) =>
  /\/roles\/[^/]+\/(tasks|handlers)\/[^/]+\.ya?ml$/.test(f),
);
const inventories = [
  ...yamlFiles(join(ROOT, 'inventories')),
  ...yamlFiles(join(FIXTURES, 'inventory', 'yaml')).filter((f) => f.endsWith('inv.yml')),
];

/** The schema for a project: the built-in modules and the custom modules of its library/ directories. */
async function projectSchema(
  playbookFile: string,
  make: (m: ReturnType<typeof moduleEntries>) => Schema,
): Promise<Schema> {
  const library = await libraryEntries(libraryDirs(dirname(playbookFile)));
  return library.length === 0 ? make(moduleEntries()) : make(withLibrary(moduleEntries(), library));
}

const show = (errors: SchemaError[]): string => errors.map((e) => `${e.path}: ${e.message}`).join('\n');

describe('the repository validates against the schemas', () => {
  it('has example playbooks to check', () => {
    expect(playbooks.length).toBeGreaterThan(0);
  });

  it.each(playbooks.map((f) => [relative(ROOT, f), f]))('playbook %s', async (_rel, file) => {
    const errors = validateSchema(await projectSchema(file, playbookSchema), load(file));
    expect(errors, show(errors)).toEqual([]);
  });

  it.each(roleTaskFiles.map((f) => [relative(ROOT, f), f]))('task file %s', async (_rel, file) => {
    // roles/<role>/tasks/x.yml: the project (with its library/) is two levels above the role.
    const errors = validateSchema(
      await projectSchema(join(dirname(file), '..', '..', '..', 'x'), tasksSchema),
      load(file),
    );
    expect(errors, show(errors)).toEqual([]);
  });

  it.each(inventories.map((f) => [relative(ROOT, f), f]))('inventory %s', (_rel, file) => {
    const errors = validateSchema(inventory, load(file));
    expect(errors, show(errors)).toEqual([]);
  });
});

const taskCases: [string, unknown, string | undefined][] = [
  ['a module with a mapping', { name: 'x', copy: { src: 'a', dest: '/b', mode: '0644' } }, undefined],
  ['k=v arguments', { copy: 'src=a dest=/b' }, undefined],
  ['a free-form command with args', { command: 'ls -l', args: { chdir: '/tmp' }, register: 'r' }, undefined],
  ['a fully qualified name', { 'ansible.builtin.copy': { src: 'a', dest: '/b' } }, undefined],
  ['templated values', { service: { name: '{{ svc }}', enabled: '{{ on }}' } }, undefined],
  ['yes/no booleans', { apt: { name: 'nginx', update_cache: 'yes', state: 'present' } }, undefined],
  ['loops and conditions', { debug: { msg: 'hi' }, loop: [1, 2], when: ['a', 'b'], tags: 'x' }, undefined],
  ['with_* loops', { debug: 'var=item', with_items: [1] }, undefined],
  ['a block', { block: [{ debug: { msg: 'x' } }], rescue: [{ fail: { msg: 'y' } }], when: 'z' }, undefined],
  ['include_tasks', { include_tasks: 'other.yml' }, undefined],
  ['import_role', { import_role: { name: 'web', tasks_from: 'main' } }, undefined],
  ['meta', { meta: 'flush_handlers' }, undefined],
  ['action:', { action: 'copy src=a dest=/b' }, undefined],
  ['set_fact with any key', { set_fact: { anything: 1 } }, undefined],
  ['an unknown parameter', { copy: { srcc: 'a', dest: '/b' } }, "/0/copy/srcc: unknown key 'srcc'"],
  ['a missing required parameter', { copy: { src: 'a' } }, "/0/copy: missing required key 'dest'"],
  ['an unknown module', { name: 'x', nosuchmodule: { a: 1 } }, "/0/nosuchmodule: unknown key 'nosuchmodule'"],
  ['no module', { name: 'x', when: 'y' }, '/0: no module or action'],
  ['two modules', { copy: { src: 'a', dest: '/b' }, debug: { msg: 'x' } }, '/0: more than one module'],
  ['a wrong choice', { apt: { name: 'x', state: 'presnt' } }, '/0/apt/state: must be one of'],
  ['a bad boolean', { service: { name: 'x', enabled: 'maybe' } }, '/0/service/enabled: expected a boolean'],
  ['an unknown keyword', { debug: { msg: 'x' }, whenn: 'y' }, "/0/whenn: unknown key 'whenn'"],
  ['a block with a module', { block: [], copy: { src: 'a', dest: '/b' } }, "/0/copy: unknown key 'copy'"],
];

describe('task rules', () => {
  it.each(taskCases)('%s', (_name, task, error) => {
    const errors = validateSchema(tasks, [task]);
    if (error === undefined) expect(errors, show(errors)).toEqual([]);
    else expect(show(errors)).toContain(error);
  });

  it('names the closest parameter of an unknown one', () => {
    expect(show(validateSchema(tasks, [{ copy: { srcc: 'a', dest: '/b' } }]))).toContain(
      "(did you mean 'src'?)",
    );
  });
});

describe('playbook and inventory rules', () => {
  it('a play needs hosts; import_playbook is a play of its own', () => {
    expect(validateSchema(playbook, [{ hosts: 'all', tasks: [{ ping: null }] }])).toEqual([]);
    expect(validateSchema(playbook, [{ import_playbook: 'other.yml' }])).toEqual([]);
    expect(show(validateSchema(playbook, [{ tasks: [] }]))).toContain("missing required key 'hosts'");
    expect(show(validateSchema(playbook, [{ hosts: 'all', taks: [] }]))).toContain("unknown key 'taks'");
    expect(show(validateSchema(playbook, [{ hosts: 'all', tasks: [{ copy: { srcc: 1 } }] }]))).toContain(
      '/0/tasks/0/copy/srcc',
    );
  });

  it('an inventory group has only hosts, vars and children', () => {
    const ok = {
      all: { hosts: { a: null, b: { ansible_port: 22 } }, children: { web: { hosts: { c: {} } } } },
    };
    expect(validateSchema(inventory, ok)).toEqual([]);
    expect(show(validateSchema(inventory, { all: { host: { a: null } } }))).toContain("unknown key 'host'");
  });
});

describe('the schemas are standard JSON Schema (draft-07)', () => {
  // ajv is in node_modules through eslint; when it is there, it must agree with the small validator.
  const require = createRequire(join(ROOT, 'package.json'));
  let Ajv: (new (o?: object) => { compile(s: object): (v: unknown) => boolean }) | undefined;
  try {
    Ajv = require('ajv') as typeof Ajv;
  } catch {
    Ajv = undefined;
  }

  it.skipIf(!Ajv)('ajv compiles them and agrees on every case', async () => {
    const ajv = new Ajv!();
    const check = ajv.compile(tasks);
    for (const [name, task, error] of taskCases) expect(check([task]), name).toBe(error === undefined);
    for (const f of playbooks)
      expect(ajv.compile(await projectSchema(f, playbookSchema))(load(f)), f).toBe(true);
    expect(ajv.compile(inventory)({ all: { hosts: { a: null } } })).toBe(true);
  });
});
