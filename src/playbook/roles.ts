// Roles: find a role on the search path, read its parts, expand it (dependencies first) into task nodes.
import { readLocalText } from '../core/read.js';
import { existsSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { TsibleError, type SourcePos } from '../core/errors.js';
import type { Vars } from '../core/types.js';
import { itemPos, keyPos, loadYaml, posOf } from '../core/yaml.js';
import { BLOCK_KEYWORDS, TASK_KEYWORDS } from './keywords.js';
import { parseTask, parseTaskList, type Scope } from './load.js';
import type { RoleInfo, Task, TaskNode } from './model.js';

export interface RoleContext {
  playDir: string;
  rolesPath: string[];
  /** The play's handler list; roles add theirs to it. */
  handlers: Task[];
  /** Role runs already expanded (path + entry point + params), for Ansible's dedup. */
  seen: Set<string>;
  /** Handler files already added. */
  handlerFiles: Set<string>;
  names: string[];
  defaults: Vars;
  vars: Vars;
  preloadHandlers(name: string, handlersFrom: string | undefined, scope: Scope, pos: SourcePos): void;
}

export interface RoleOptions {
  tasksFrom?: string;
  varsFrom?: string;
  defaultsFrom?: string;
  handlersFrom?: string;
  /** import_role/include_role default to true; `roles:` to the role's meta. */
  allowDuplicates?: boolean;
}

/** Keywords a role entry in `roles:` may carry; everything else is a role parameter. */
const ENTRY_KEYWORDS = new Set([...BLOCK_KEYWORDS, 'role', 'name', 'vars', 'when', 'tags', 'delegate_to']);

function err(message: string, pos: SourcePos | undefined, hint?: string): TsibleError {
  return new TsibleError('playbook', message, { pos, hint });
}

export function newRoleContext(playDir: string, rolesPath: string[], handlers: Task[]): RoleContext {
  const ctx: RoleContext = {
    playDir,
    rolesPath,
    handlers,
    seen: new Set(),
    handlerFiles: new Set(),
    names: [],
    defaults: {},
    vars: {},
    preloadHandlers(name, handlersFrom, scope, pos) {
      const path = findRole(name, ctx, undefined, pos);
      addHandlers(path, roleDisplayName(name), handlersFrom, ctx, scope);
    },
  };
  return ctx;
}

/** The role search path, as Ansible walks it. */
export function rolePaths(name: string, ctx: RoleContext, parentDir?: string): string[] {
  if (isAbsolute(name)) return [name];
  const c = [join(ctx.playDir, 'roles', name), ...ctx.rolesPath.map((p) => join(p, name))];
  if (parentDir) c.push(join(parentDir, name));
  c.push(join(ctx.playDir, name), resolve(name));
  return c;
}

function findRole(
  name: string,
  ctx: RoleContext,
  parentDir: string | undefined,
  pos: SourcePos | undefined,
): string {
  const candidates = rolePaths(name, ctx, parentDir);
  const found = candidates.find((p) => existsSync(p) && statSync(p).isDirectory());
  if (found) return found;
  const dirs = [join(ctx.playDir, 'roles'), ...ctx.rolesPath, ctx.playDir];
  throw err(`the role '${name}' was not found in ${dirs.join(':')}`, pos);
}

function roleDisplayName(name: string): string {
  return name.includes('/') ? basename(name) : name;
}

/** tasks/main.yml, main.yaml, main, or main.json; or <from>.yml etc. */
function partFile(path: string, part: string, from = 'main'): string | undefined {
  for (const ext of ['.yml', '.yaml', '', '.json']) {
    const f = join(path, part, from + ext);
    if (existsSync(f) && statSync(f).isFile()) return f;
  }
  return undefined;
}

function readYaml(file: string): unknown {
  return loadYaml(readLocalText(file), file);
}

function readVarsPart(path: string, part: string, from?: string): Vars {
  const f = partFile(path, part, from);
  if (!f) {
    if (from) throw err(`Could not find specified file in role: ${part}/${from}`, { file: path });
    return {};
  }
  const data = readYaml(f);
  if (data === null) return {};
  if (typeof data !== 'object' || Array.isArray(data))
    throw err(`${f} must contain a mapping`, posOf(data) ?? { file: f });
  return data as Vars;
}

interface Entry {
  name: string;
  params: Vars;
  vars: Vars;
  raw: Record<string, unknown>;
}

function parseEntry(entry: unknown, pos: SourcePos): Entry {
  if (typeof entry === 'string') return { name: entry, params: {}, vars: {}, raw: {} };
  if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
    throw err(`A role entry must be a name or a mapping, got ${JSON.stringify(entry)}`, pos);
  }
  const raw = entry as Record<string, unknown>;
  const name = raw.role ?? raw.name;
  if (typeof name !== 'string' || !name)
    throw err(`A role entry needs 'role' (or 'name')`, posOf(raw) ?? pos);
  const params: Vars = {};
  for (const [k, v] of Object.entries(raw)) {
    if (k === 'role' || (k === 'name' && raw.role === undefined)) continue;
    if (ENTRY_KEYWORDS.has(k)) continue;
    if (TASK_KEYWORDS.has(k) && !BLOCK_KEYWORDS.has(k)) {
      throw err(`'${k}' is not a valid attribute for a role entry`, keyPos(raw, k));
    }
    params[k] = v;
  }
  const vars = raw.vars;
  if (vars !== undefined && vars !== null && (typeof vars !== 'object' || Array.isArray(vars))) {
    throw err(`'vars' of a role entry must be a mapping`, keyPos(raw, 'vars'));
  }
  return { name, params, vars: (vars ?? {}) as Vars, raw };
}

function entryScope(scope: Scope, e: Entry, pos: SourcePos): Scope {
  const kw = { ...scope.kw };
  for (const k of Object.keys(e.raw)) {
    if (
      BLOCK_KEYWORDS.has(k) &&
      ![
        'block',
        'rescue',
        'always',
        'when',
        'tags',
        'vars',
        'name',
        'notify',
        'loop',
        'loop_control',
      ].includes(k)
    ) {
      (kw as Record<string, unknown>)[k] = e.raw[k];
    }
  }
  const when =
    e.raw.when === undefined || e.raw.when === null
      ? []
      : Array.isArray(e.raw.when)
        ? e.raw.when
        : [e.raw.when];
  const tagsRaw = e.raw.tags;
  const tags =
    tagsRaw === undefined || tagsRaw === null
      ? []
      : typeof tagsRaw === 'string'
        ? tagsRaw.split(',').map((t) => t.trim())
        : (tagsRaw as unknown[]).map(String);
  void pos;
  return { ...scope, kw, when: [...scope.when, ...when], tags: [...scope.tags, ...tags] };
}

function addHandlers(
  path: string,
  name: string,
  from: string | undefined,
  ctx: RoleContext,
  scope: Scope,
  role?: RoleInfo,
): void {
  const hf = partFile(path, 'handlers', from);
  if (!hf || ctx.handlerFiles.has(hf)) return;
  ctx.handlerFiles.add(hf);
  const list = readYaml(hf);
  if (list === null) return;
  if (!Array.isArray(list)) throw err(`${hf} must contain a list of handlers`, { file: hf, line: 1 });
  const info: RoleInfo = role ?? { name, path, defaults: {}, vars: {}, params: {} };
  const hscope: Scope = { ...scope, file: hf, dir: join(path, 'handlers'), role: info, when: [], tags: [] };
  list.forEach((h, i) => {
    const hp = itemPos(list, i) ?? { file: hf };
    if (!h || typeof h !== 'object' || Array.isArray(h)) throw err('A handler must be a mapping', hp);
    ctx.handlers.push(parseTask(h as Record<string, unknown>, hscope, hp, true));
  });
}

function metaOf(path: string): {
  deps: unknown[];
  allowDuplicates: boolean;
  argSpecs?: Record<string, unknown>;
} {
  const f = partFile(path, 'meta');
  const data = f ? readYaml(f) : null;
  const meta = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
  const deps = meta.dependencies;
  if (deps !== undefined && deps !== null && !Array.isArray(deps)) {
    throw err(`'dependencies' in ${f} must be a list`, keyPos(meta, 'dependencies'));
  }
  let argSpecs = meta.argument_specs as Record<string, unknown> | undefined;
  const af = join(path, 'meta', 'argument_specs.yml');
  if (existsSync(af)) {
    const a = readYaml(af) as Record<string, unknown> | null;
    if (a && typeof a === 'object') argSpecs = a.argument_specs as Record<string, unknown>;
  }
  return { deps: (deps ?? []) as unknown[], allowDuplicates: meta.allow_duplicates === true, argSpecs };
}

/** Expand a role entry into task nodes: its dependencies first, then its tasks (deduplicated like Ansible). */
export function expandRole(
  entry: unknown,
  scope: Scope,
  ctx: RoleContext,
  pos: SourcePos,
  opts: RoleOptions,
  parentDir?: string,
): TaskNode[] {
  const e = parseEntry(entry, pos);
  const path = findRole(e.name, ctx, parentDir, posOf(entry) ?? pos);
  const meta = metaOf(path);
  const allowDup = opts.allowDuplicates ?? meta.allowDuplicates;
  const key = JSON.stringify([path, opts.tasksFrom ?? 'main', e.params]);
  const inner = entryScope(scope, e, pos);
  const name = roleDisplayName(e.name);
  if (ctx.seen.has(key) && !allowDup) return [];
  ctx.seen.add(key);
  const defaults = readVarsPart(path, 'defaults', opts.defaultsFrom);
  const vars = { ...readVarsPart(path, 'vars', opts.varsFrom), ...e.vars };
  const role: RoleInfo = { name, path, defaults, vars, params: e.params };
  Object.assign(ctx.defaults, defaults);
  Object.assign(ctx.vars, vars);
  if (!ctx.names.includes(name)) ctx.names.push(name);
  validateArgumentSpecs(meta.argSpecs, opts.tasksFrom ?? 'main', e, name, pos);
  const out: TaskNode[] = [];
  meta.deps.forEach((dep) => {
    // A dependency inherits the keywords (when, tags, become…) of the role that pulled it in.
    out.push(...expandRole(dep, inner, ctx, pos, {}, path));
  });
  const tf = partFile(path, 'tasks', opts.tasksFrom);
  if (opts.tasksFrom && !tf) throw err(`Could not find specified file in role: tasks/${opts.tasksFrom}`, pos);
  if (tf) {
    const list = readYaml(tf);
    const tscope: Scope = {
      ...inner,
      file: tf,
      dir: join(path, 'tasks'),
      role,
      vars: { ...inner.vars },
      importing: [tf],
    };
    out.push(...parseTaskList(list, tscope, `tasks of role ${name}`));
  }
  addHandlers(path, name, opts.handlersFrom, ctx, { ...scope, role }, role);
  return out;
}

const SPEC_TYPES = new Set(['str', 'int', 'float', 'bool', 'list', 'dict', 'path', 'raw']);

/** meta/argument_specs: check literal role parameters before the run, with the spec's messages. */
function validateArgumentSpecs(
  specs: Record<string, unknown> | undefined,
  entryPoint: string,
  e: Entry,
  name: string,
  pos: SourcePos,
): void {
  const spec = specs?.[entryPoint] as Record<string, unknown> | undefined;
  if (!spec) return;
  const options = (spec.options ?? {}) as Record<string, Record<string, unknown>>;
  const problems: string[] = [];
  const given = { ...e.vars, ...e.params };
  for (const [opt, o] of Object.entries(options)) {
    const v = given[opt];
    if (v === undefined) {
      if (o.required === true) problems.push(`missing required arguments: ${opt}`);
      continue;
    }
    if (typeof v === 'string' && v.includes('{{')) continue;
    const type = String(o.type ?? 'str');
    if (!SPEC_TYPES.has(type)) continue;
    const ok =
      type === 'int'
        ? Number.isInteger(v) || /^-?\d+$/.test(String(v))
        : type === 'float'
          ? !Number.isNaN(Number(v))
          : type === 'bool'
            ? typeof v === 'boolean' || /^(yes|no|true|false|on|off|1|0)$/i.test(String(v))
            : type === 'list'
              ? Array.isArray(v)
              : type === 'dict'
                ? typeof v === 'object' && v !== null && !Array.isArray(v)
                : true;
    if (!ok)
      problems.push(`argument '${opt}' is of type ${typeof v} and we were unable to convert to ${type}`);
    if (Array.isArray(o.choices) && !o.choices.includes(v)) {
      problems.push(`value of ${opt} must be one of: ${o.choices.join(', ')}, got: ${String(v)}`);
    }
  }
  if (problems.length > 0) {
    throw err(
      `Validating arguments against arg spec '${entryPoint}' of role '${name}' failed: ${problems.join('; ')}`,
      posOf(e.raw) ?? pos,
      typeof spec.short_description === 'string' ? `${name}: ${spec.short_description}` : undefined,
    );
  }
}
