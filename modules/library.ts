// Custom modules: load user ModuleDefs from library/ directories (beside the playbook, in roles) at run time.
import { existsSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TsibleError } from '../src/core/errors.js';
import { defineModule, noop, type ModuleDef, type ParamType } from '../src/core/module.js';
import { quote, raw, sh } from '../src/core/sh.js';
import { registerLibraryModule, type AnyModule } from './index.js';

/** What a module file given as a factory (`export default (api) => ({...})`) receives. */
export const libraryApi = { sh, quote, raw, defineModule, noop };
export type LibraryApi = typeof libraryApi;

const EXTENSIONS = ['.js', '.mjs', '.ts', '.mts'];
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TYPES: readonly ParamType[] = ['str', 'int', 'float', 'bool', 'list', 'dict', 'path', 'raw'];

function fail(file: string, msg: string, hint?: string): never {
  throw new TsibleError('playbook', `custom module ${file}: ${msg}`, { pos: { file }, hint });
}

/**
 * The library directories of a run, in Ansible's order: library/ beside the playbook, then each role's
 * library/ under the playbook's roles/ and the roles path. They are found before the playbook is parsed,
 * because the parser must already know every module name to tell a task's action from its keywords.
 */
export function libraryDirs(playbookDir: string, rolesPath: readonly string[] = []): string[] {
  const out: string[] = [join(playbookDir, 'library')];
  for (const rolesDir of [join(playbookDir, 'roles'), ...rolesPath]) {
    if (!isDir(rolesDir)) continue;
    for (const role of readdirSync(rolesDir).sort()) out.push(join(rolesDir, role, 'library'));
  }
  return [...new Set(out.map((d) => resolve(d)))].filter(isDir);
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Load and register every module file of these directories (a missing directory is skipped). */
export async function loadLibraryModules(dirs: readonly string[]): Promise<void> {
  const seen = new Map<string, string>();
  for (const dir of dirs) {
    if (!isDir(dir)) continue;
    const files = readdirSync(dir)
      .filter(
        (f) =>
          EXTENSIONS.includes(extname(f)) &&
          !f.endsWith('.d.ts') &&
          !f.startsWith('.') &&
          !f.includes('.test.'),
      )
      .sort();
    for (const f of files) {
      const file = join(dir, f);
      const name = basename(f, extname(f));
      // The first directory wins, as on Ansible's library path; a .js beside its .ts source is one module.
      if (seen.has(name)) continue;
      seen.set(name, file);
      const def = await loadModuleFile(file);
      if (def.name !== name)
        fail(
          file,
          `exports a module named '${def.name}'`,
          `rename the file to ${def.name}${extname(f)} or the module to '${name}'`,
        );
      registerLibraryModule(def);
    }
  }
}

/** Import one module file and check that it is a usable ModuleDef. */
export async function loadModuleFile(file: string): Promise<AnyModule> {
  const ext = extname(file);
  let mod: Record<string, unknown>;
  try {
    mod =
      ext === '.ts' || ext === '.mts'
        ? await importTypeScript(file)
        : ((await import(pathToFileURL(file).href)) as Record<string, unknown>);
  } catch (e) {
    if (e instanceof TsibleError) throw e;
    return fail(file, `could not be loaded: ${(e as Error).message}`);
  }
  let def = mod.default ?? mod.module;
  if (def === undefined)
    return fail(
      file,
      'exports no module',
      'use `export default { name, doc, params, plan, ... }` or `export const module = ...`',
    );
  if (typeof def === 'function') def = (def as (api: LibraryApi) => unknown)(libraryApi);
  return validateModule(def, file);
}

/**
 * A .ts module is transpiled with the typescript package (found from the project or from tsible) into a
 * hidden .mjs beside it, so its relative imports still resolve, imported, and the .mjs is removed again.
 */
async function importTypeScript(file: string): Promise<Record<string, unknown>> {
  type Ts = {
    transpileModule(s: string, o: object): { outputText: string };
    ModuleKind: { ESNext: number };
    ScriptTarget: { ES2022: number };
  };
  let ts: Ts;
  try {
    const req = createRequire(join(dirname(file), 'noop.js'));
    let path: string;
    try {
      path = req.resolve('typescript');
    } catch {
      path = createRequire(import.meta.url).resolve('typescript');
    }
    const loaded = (await import(pathToFileURL(path).href)) as { default?: Ts } & Ts;
    ts = loaded.default ?? loaded;
  } catch {
    return fail(
      file,
      'is TypeScript, and the typescript package cannot be found',
      'npm install typescript, or compile the module to .js',
    );
  }
  const out = ts.transpileModule(readFileSync(file, 'utf8'), {
    fileName: file,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, sourceMap: false },
  }).outputText;
  const stem = `.${basename(file, extname(file))}.tsible-${process.pid}-${Date.now()}.mjs`;
  let target = join(dirname(file), stem);
  try {
    writeFileSync(target, out);
  } catch {
    // A read-only library directory: relative imports will not resolve from the temp dir, the rest works.
    target = join(tmpdir(), stem);
    writeFileSync(target, out);
  }
  try {
    return (await import(pathToFileURL(target).href)) as Record<string, unknown>;
  } finally {
    if (existsSync(target)) unlinkSync(target);
  }
}

/** The checks that make a bad module fail at load time with a message, not in the middle of a run. */
export function validateModule(def: unknown, file: string): AnyModule {
  if (typeof def !== 'object' || def === null)
    return fail(file, 'the export is not a module definition object');
  const d = def as Partial<ModuleDef> & Record<string, unknown>;
  if (typeof d.name !== 'string' || !NAME.test(d.name))
    return fail(file, `name must be an identifier, got ${JSON.stringify(d.name)}`);
  if (typeof d.doc !== 'object' || d.doc === null || typeof d.doc.short !== 'string' || d.doc.short === '')
    return fail(file, 'doc.short (a one-line description) is required');
  if (typeof d.params !== 'object' || d.params === null)
    return fail(file, 'params (the parameter spec) is required');
  const names = new Set(Object.keys(d.params));
  for (const [k, spec] of Object.entries(d.params)) {
    if (typeof spec !== 'object' || spec === null) fail(file, `params.${k} must be an object`);
    if (!TYPES.includes(spec.type))
      fail(file, `params.${k}.type must be one of ${TYPES.join(', ')}, got ${JSON.stringify(spec.type)}`);
    if (typeof spec.description !== 'string') fail(file, `params.${k}.description is required`);
    if (spec.elements !== undefined && !TYPES.includes(spec.elements))
      fail(file, `params.${k}.elements is not a type`);
    if (spec.choices !== undefined && !Array.isArray(spec.choices))
      fail(file, `params.${k}.choices must be a list`);
    if (spec.choices && spec.default !== undefined && !spec.choices.includes(spec.default as string))
      fail(file, `params.${k}.default is not one of its choices`);
    for (const a of spec.aliases ?? [])
      if (names.has(a)) fail(file, `params.${k}: alias ${a} is also a parameter`);
  }
  for (const rule of [...(d.mutuallyExclusive ?? []), ...(d.requiredOneOf ?? [])])
    for (const n of rule)
      if (!names.has(n)) fail(file, `a parameter rule names '${n}', which is not a parameter`);
  if (d.freeForm !== undefined && !names.has(d.freeForm))
    fail(file, `freeForm names '${d.freeForm}', which is not a parameter`);
  if (typeof d.plan !== 'function') return fail(file, 'plan(params, facts, ctx) is required');
  if (d.facts !== undefined && typeof d.facts !== 'function') fail(file, 'facts must be a function');
  if (!['full', 'partial', 'none'].includes(d.check as string))
    fail(file, "check must be 'full', 'partial' or 'none'");
  if (typeof d.diff !== 'boolean') fail(file, 'diff must be true or false');
  if (d.runsOn !== 'host' && d.runsOn !== 'controller') fail(file, "runsOn must be 'host' or 'controller'");
  return d as AnyModule;
}
