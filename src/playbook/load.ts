// Reads a playbook file into plays of task trees, expanding static imports, with positions for every node.
import { readLocalText } from '../core/read.js';
import { dirname, resolve } from 'node:path';
import { closest, TsibleError, type SourcePos } from '../core/errors.js';
import { parseFreeForm } from '../core/params.js';
import { itemPos, keyPos, loadYaml, posOf } from '../core/yaml.js';
import type { Vars } from '../core/types.js';
import { BLOCK_KEYWORDS, isWithLoop, PLAY_KEYWORDS, TASK_KEYWORDS } from './keywords.js';
import type { Block, Inheritable, LoopSpec, Play, Playbook, RoleInfo, Task, TaskNode } from './model.js';
import { expandRole, newRoleContext, type RoleContext } from './roles.js';

const INHERITABLE: (keyof Inheritable)[] = [
  'become',
  'become_user',
  'become_method',
  'become_flags',
  'remote_user',
  'connection',
  'port',
  'environment',
  'no_log',
  'ignore_errors',
  'ignore_unreachable',
  'check_mode',
  'diff',
  'any_errors_fatal',
  'run_once',
  'delegate_to',
  'throttle',
  'timeout',
  'module_defaults',
];

/** Everything a task list inherits from the play, blocks and imports around it. */
export interface Scope {
  file: string;
  dir: string;
  kw: Inheritable;
  when: unknown[];
  tags: string[];
  vars: Vars;
  notify: string[];
  /** Names the loader treats as actions (modules and special actions). */
  isAction: (name: string) => boolean;
  /** Files being imported, to catch import cycles. */
  importing: string[];
  /** The role these tasks belong to. */
  role?: RoleInfo;
  /** Role loading state of the play (roles, import_role). */
  roles?: RoleContext;
}

function err(message: string, pos: SourcePos | undefined, hint?: string): TsibleError {
  return new TsibleError('playbook', message, { pos, hint });
}

function isDict(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function readYamlFile(file: string): unknown {
  let text: string;
  try {
    text = readLocalText(file);
  } catch (e) {
    if (e instanceof TsibleError) throw e;
    throw err(`Could not read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { file });
  }
  return loadYaml(text, file);
}

function asList(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

function asStringList(v: unknown, what: string, pos: SourcePos | undefined): string[] {
  return asList(v).map((x) => {
    if (typeof x === 'string' || typeof x === 'number') return String(x);
    throw err(`${what} must be a string or a list of strings, got ${JSON.stringify(x)}`, pos);
  });
}

/** Tags may be a list or a comma-separated string. */
function tagList(v: unknown, pos: SourcePos | undefined): string[] {
  if (typeof v === 'string')
    return v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  return asStringList(v, 'tags', pos);
}

function ownKw(raw: Record<string, unknown>): Inheritable {
  const kw: Inheritable = {};
  for (const k of INHERITABLE) if (k in raw) kw[k] = raw[k];
  return kw;
}

function varsOf(raw: Record<string, unknown>, pos: SourcePos | undefined): Vars {
  const v = raw.vars;
  if (v === undefined || v === null) return {};
  if (!isDict(v)) throw err(`'vars' must be a mapping, got ${JSON.stringify(v)}`, keyPos(raw, 'vars') ?? pos);
  return v;
}

function checkKeys(
  raw: Record<string, unknown>,
  allowed: Set<string>,
  what: string,
  pos: SourcePos | undefined,
  extra: (k: string) => boolean = () => false,
): void {
  for (const k of Object.keys(raw)) {
    if (allowed.has(k) || extra(k)) continue;
    const near = closest(k, allowed);
    throw err(
      `'${k}' is not a valid attribute for a ${what}`,
      keyPos(raw, k) ?? pos,
      near ? `did you mean '${near}'?` : undefined,
    );
  }
}

function loopOf(raw: Record<string, unknown>, pos: SourcePos | undefined): LoopSpec | undefined {
  const withKeys = Object.keys(raw).filter(isWithLoop);
  const hasLoop = 'loop' in raw;
  if (withKeys.length + (hasLoop ? 1 : 0) > 1) {
    throw err(
      `only one loop keyword may be used, found: ${[...(hasLoop ? ['loop'] : []), ...withKeys].join(', ')}`,
      pos,
    );
  }
  const lc = raw.loop_control;
  if (lc !== undefined && !isDict(lc))
    throw err(`'loop_control' must be a mapping`, keyPos(raw, 'loop_control'));
  const control = (lc ?? {}) as LoopSpec['control'];
  if (lc)
    checkKeys(
      lc,
      new Set(['loop_var', 'index_var', 'label', 'pause', 'extended', 'extended_allitems']),
      'loop_control',
      keyPos(raw, 'loop_control'),
    );
  if (hasLoop) {
    const items = raw.loop;
    if (!(Array.isArray(items) || typeof items === 'string')) {
      throw err(
        `Invalid data passed to 'loop', it requires a list, got this instead: ${JSON.stringify(items)}. Hint: If you passed a list/dict of just one element, try adding wantlist=True to your lookup invocation or use q/query instead of lookup.`,
        keyPos(raw, 'loop'),
      );
    }
    return { items, control };
  }
  const wk = withKeys[0];
  if (wk) return { items: raw[wk], lookup: wk.slice('with_'.length), control };
  if (lc) throw err(`'loop_control' is set but the task has no loop`, keyPos(raw, 'loop_control'));
  return undefined;
}

function baseNode(raw: Record<string, unknown>, scope: Scope, pos: SourcePos) {
  const name = raw.name === undefined || raw.name === null ? undefined : String(raw.name);
  return {
    name,
    pos,
    kw: { ...scope.kw, ...ownKw(raw) },
    when: 'when' in raw && raw.when !== null ? [...scope.when, ...asList(raw.when)] : [...scope.when],
    tags: [...scope.tags, ...('tags' in raw ? tagList(raw.tags, keyPos(raw, 'tags')) : [])],
    vars: { ...scope.vars, ...varsOf(raw, pos) },
    notify: [
      ...scope.notify,
      ...('notify' in raw ? asStringList(raw.notify, 'notify', keyPos(raw, 'notify')) : []),
    ],
    role: scope.role,
  };
}

export function parseTaskList(list: unknown, scope: Scope, what = 'tasks'): TaskNode[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) {
    throw err(
      `A list of tasks was expected for '${what}', got ${JSON.stringify(list)}`,
      posOf(list) ?? { file: scope.file },
    );
  }
  const out: TaskNode[] = [];
  list.forEach((raw, i) => {
    const pos = itemPos(list, i) ?? { file: scope.file };
    if (!isDict(raw)) throw err(`A task must be a mapping, got ${JSON.stringify(raw)}`, pos);
    for (const node of parseTaskOrBlock(raw, scope, pos)) out.push(node);
  });
  return out;
}

function parseTaskOrBlock(raw: Record<string, unknown>, scope: Scope, pos: SourcePos): TaskNode[] {
  if ('block' in raw) return [parseBlock(raw, scope, pos)];
  const task = parseTask(raw, scope, pos);
  const bare = task.action.replace(/^ansible\.builtin\./, '');
  if (bare === 'import_tasks') return expandImport(task, raw, scope, pos);
  if ((bare === 'import_role' || bare === 'include_role') && typeof task.args._raw_params === 'string') {
    // `import_role: name=web tasks_from=x` is the k=v form of the same arguments.
    const { _raw_params: text, ...rest } = task.args;
    task.args = {
      ...parseFreeForm({ name: bare, params: {} }, String(text), { module: bare, pos }),
      ...rest,
    };
  }
  if (bare === 'import_role') {
    if (!scope.roles) throw err('import_role is not allowed here', pos);
    if (task.loop)
      throw err(
        `You cannot use loops on 'import_role' statements. You should use 'include_role' instead.`,
        pos,
      );
    const {
      name,
      tasks_from,
      vars_from,
      defaults_from,
      handlers_from,
      allow_duplicates,
      rolespec_validate: _v,
      ...rest
    } = task.args;
    if (typeof name !== 'string') throw err('import_role needs a role name', pos);
    const inner: Scope = { ...scope, kw: task.kw, when: task.when, tags: task.tags, vars: task.vars };
    return expandRole({ role: name, ...rest }, inner, scope.roles, pos, {
      tasksFrom: tasks_from as string | undefined,
      varsFrom: vars_from as string | undefined,
      defaultsFrom: defaults_from as string | undefined,
      handlersFrom: handlers_from as string | undefined,
      allowDuplicates: allow_duplicates === undefined ? true : Boolean(allow_duplicates),
    });
  }
  if (
    bare === 'include_role' &&
    scope.roles &&
    typeof task.args.name === 'string' &&
    !task.args.name.includes('{{')
  ) {
    // Handlers of a dynamically included role must be known before the run, to validate notify names.
    scope.roles.preloadHandlers(task.args.name, task.args.handlers_from as string | undefined, scope, pos);
  }
  return [task];
}

function parseBlock(raw: Record<string, unknown>, scope: Scope, pos: SourcePos): Block {
  checkKeys(raw, BLOCK_KEYWORDS, 'Block', pos);
  const base = baseNode(raw, scope, pos);
  const loop = loopOf(raw, pos);
  // A block's keywords reach its tasks through the scope; the block keeps them for its own loop/when.
  const inner: Scope = {
    ...scope,
    kw: base.kw,
    when: loop ? [...scope.when] : base.when,
    tags: base.tags,
    vars: base.vars,
    notify: base.notify,
  };
  return {
    kind: 'block',
    ...base,
    loop,
    block: parseTaskList(raw.block, inner, 'block'),
    rescue: parseTaskList(raw.rescue, inner, 'rescue'),
    always: parseTaskList(raw.always, inner, 'always'),
  };
}

/** Find the action of a task: the one key that is not a task keyword. */
function findAction(
  raw: Record<string, unknown>,
  scope: Scope,
  pos: SourcePos,
): { action: string; args: unknown } {
  if ('action' in raw || 'local_action' in raw) {
    const key = 'action' in raw ? 'action' : 'local_action';
    const v = raw[key];
    if (typeof v === 'string') {
      const [mod, ...rest] = v.trim().split(/\s+/);
      return { action: mod ?? '', args: rest.join(' ') };
    }
    if (isDict(v) && typeof v.module === 'string') {
      const { module, ...args } = v;
      return { action: module as string, args };
    }
    throw err(`'${key}' must be a string or a mapping with 'module'`, keyPos(raw, key));
  }
  const candidates = Object.keys(raw).filter((k) => !TASK_KEYWORDS.has(k) && !isWithLoop(k));
  const actions = candidates.filter((k) => scope.isAction(k));
  const unknown = candidates.filter((k) => !scope.isAction(k));
  if (actions.length > 1) {
    throw err(`conflicting action statements: ${actions.join(', ')}`, keyPos(raw, actions[1]!));
  }
  if (unknown.length > 0) {
    const k = unknown[0]!;
    if (actions.length === 1) {
      const near = closest(k, TASK_KEYWORDS);
      throw err(
        `conflicting action statements: ${actions[0]}, ${k}`,
        keyPos(raw, k),
        near
          ? `'${k}' is not a task keyword; did you mean '${near}'?`
          : `'${k}' is neither a task keyword nor a module`,
      );
    }
    throw err(`couldn't resolve module/action '${k}'`, keyPos(raw, k), actionHint(k, scope));
  }
  if (actions.length === 0) throw err('no module/action detected in task', pos);
  const action = actions[0]!;
  return { action, args: raw[action] };
}

function actionHint(k: string, _scope: Scope): string | undefined {
  const nearKw = closest(k, TASK_KEYWORDS);
  if (nearKw) return `did you mean the task keyword '${nearKw}'?`;
  return 'this module is not known to tsible (not built in, and not in a library/ directory)';
}

export function parseTask(raw: Record<string, unknown>, scope: Scope, pos: SourcePos, handler = false): Task {
  const { action, args: rawArgs } = findAction(raw, scope, pos);
  let args: Record<string, unknown>;
  if (rawArgs === null || rawArgs === undefined) args = {};
  else if (typeof rawArgs === 'string' || typeof rawArgs === 'number' || typeof rawArgs === 'boolean') {
    args = { _raw_params: String(rawArgs) };
  } else if (isDict(rawArgs)) args = { ...rawArgs };
  else
    throw err(
      `The arguments of '${action}' must be a mapping or a string, got ${JSON.stringify(rawArgs)}`,
      keyPos(raw, action),
    );
  if ('args' in raw) {
    if (!isDict(raw.args)) throw err(`'args' must be a mapping`, keyPos(raw, 'args'));
    args = { ...raw.args, ...args };
  }
  // Remember where each argument was written, for parameter errors.
  argPositions.set(args, { dict: isDict(rawArgs) ? rawArgs : undefined, task: raw });
  const base = baseNode(raw, scope, pos);
  if ('local_action' in raw) base.kw = { ...base.kw, delegate_to: 'localhost' };
  return {
    kind: 'task',
    ...base,
    action,
    args,
    loop: loopOf(raw, pos),
    register: raw.register === undefined ? undefined : String(raw.register),
    changedWhen: raw.changed_when,
    failedWhen: raw.failed_when,
    until: raw.until,
    retries: raw.retries,
    delay: raw.delay,
    delegateFacts: raw.delegate_facts === true,
    listen: handler && 'listen' in raw ? asStringList(raw.listen, 'listen', keyPos(raw, 'listen')) : [],
    dir: scope.dir,
  };
}

const argPositions = new WeakMap<object, { dict?: Record<string, unknown>; task: Record<string, unknown> }>();

/** Where argument `key` of a task was written. */
export function argPos(args: object, key: string): SourcePos | undefined {
  const p = argPositions.get(args);
  if (!p) return undefined;
  return (p.dict && keyPos(p.dict, key)) ?? keyPos(p.task, key) ?? posOf(p.task);
}

function importPath(task: Task): string {
  const a = task.args;
  const f = a.file ?? a._raw_params;
  if (typeof f !== 'string') throw err(`import_tasks needs a file name`, task.pos);
  return f;
}

function expandImport(task: Task, raw: Record<string, unknown>, scope: Scope, pos: SourcePos): TaskNode[] {
  if (task.loop)
    throw err(
      `You cannot use loops on 'import_tasks' statements. You should use 'include_tasks' instead.`,
      pos,
    );
  const rel = importPath(task);
  if (rel.includes('{{')) {
    throw err(
      `import_tasks file names are resolved before the run and cannot use variables: ${rel}`,
      pos,
      'use include_tasks for a dynamic file name',
    );
  }
  const file = resolve(scope.dir, rel);
  if (scope.importing.includes(file))
    throw err(`import cycle: ${[...scope.importing, file].join(' -> ')}`, pos);
  const list = readYamlFile(file);
  const { _raw_params: _r, file: _f, ...vars } = task.args;
  const inner: Scope = {
    ...scope,
    file,
    dir: dirname(file),
    kw: task.kw,
    when: task.when,
    tags: task.tags,
    vars: { ...task.vars, ...vars },
    notify: scope.notify,
    importing: [...scope.importing, file],
  };
  void raw;
  return parseTaskList(list, inner, 'import_tasks');
}

/** Tags of an import_playbook reach every task of the imported plays. */
function addTags(nodes: TaskNode[], tags: string[]): void {
  for (const n of nodes) {
    n.tags = [...tags, ...n.tags];
    if (n.kind === 'block') addTags([...n.block, ...n.rescue, ...n.always], tags);
  }
}

/** `when` of an import_playbook is a condition on every task of the imported plays. */
function addWhen(nodes: TaskNode[], when: unknown[]): void {
  for (const n of nodes) {
    n.when = [...when, ...n.when];
    if (n.kind === 'block') addWhen([...n.block, ...n.rescue, ...n.always], when);
  }
}

export interface LoadOptions {
  isAction: (name: string) => boolean;
  /** roles_path entries (config and TSIBLE_ROLES_PATH/ANSIBLE_ROLES_PATH). */
  rolesPath?: string[];
}

/** Load a playbook file (and its import_playbook files) into plays. */
export function loadPlaybook(path: string, opts: LoadOptions, importing: string[] = []): Playbook {
  const file = resolve(path);
  const data = readYamlFile(file);
  if (!Array.isArray(data)) {
    throw err(
      'A playbook must be a list of plays, got ' + (data === null ? 'an empty file' : typeof data),
      posOf(data) ?? { file, line: 1 },
    );
  }
  const plays: Play[] = [];
  data.forEach((raw, i) => {
    const pos = itemPos(data, i) ?? { file };
    if (!isDict(raw)) throw err(`A play must be a mapping, got ${JSON.stringify(raw)}`, pos);
    const imp = raw.import_playbook ?? raw['ansible.builtin.import_playbook'];
    if (imp !== undefined) {
      if (typeof imp !== 'string') throw err('import_playbook needs a file name', pos);
      const sub = resolve(dirname(file), imp);
      if (importing.includes(sub))
        throw err(`import_playbook cycle: ${[...importing, sub].join(' -> ')}`, pos);
      const extra = raw.vars;
      if (extra !== undefined && extra !== null && !isDict(extra))
        throw err(`'vars' of import_playbook must be a mapping`, keyPos(raw, 'vars') ?? pos);
      const when = raw.when;
      const tags = 'tags' in raw ? tagList(raw.tags, keyPos(raw, 'tags')) : [];
      for (const play of loadPlaybook(sub, opts, [...importing, file]).plays) {
        // Vars given to import_playbook beat the imported plays' own vars (ansible-core 2.14).
        if (extra) play.vars = { ...play.vars, ...extra };
        if (tags.length > 0) {
          play.tags = [...tags, ...play.tags];
          addTags([...play.preTasks, ...play.tasks, ...play.postTasks], tags);
        }
        if (when !== undefined && when !== null)
          addWhen([...play.preTasks, ...play.tasks, ...play.postTasks], asList(when));
        plays.push(play);
      }
      return;
    }
    plays.push(parsePlay(raw, file, pos, opts));
  });
  return { file, plays };
}

function parsePlay(raw: Record<string, unknown>, file: string, pos: SourcePos, opts: LoadOptions): Play {
  checkKeys(raw, PLAY_KEYWORDS, 'Play', pos);
  if (raw.hosts === undefined || raw.hosts === null || raw.hosts === '') {
    throw err(`the field 'hosts' is required but was not set`, pos);
  }
  const hosts = Array.isArray(raw.hosts)
    ? raw.hosts.map(String)
    : String(raw.hosts)
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
  const dir = dirname(file);
  const vars = varsOf(raw, pos);
  const tags = 'tags' in raw ? tagList(raw.tags, keyPos(raw, 'tags')) : [];
  const handlers: Task[] = [];
  const roles = newRoleContext(dir, opts.rolesPath ?? [], handlers);
  const scope: Scope = {
    file,
    dir,
    kw: ownKw(raw),
    when: [],
    tags,
    vars: {},
    notify: [],
    isAction: opts.isAction,
    importing: [file],
    roles,
  };
  const handlerList = raw.handlers;
  const ownHandlers: Task[] = [];
  if (handlerList !== undefined && handlerList !== null) {
    if (!Array.isArray(handlerList)) throw err(`'handlers' must be a list`, keyPos(raw, 'handlers'));
    handlerList.forEach((h, i) => {
      const hp = itemPos(handlerList, i) ?? { file };
      if (!isDict(h)) throw err(`A handler must be a mapping`, hp);
      ownHandlers.push(parseTask(h, scope, hp, true));
    });
  }
  const preTasks = parseTaskList(raw.pre_tasks, scope, 'pre_tasks');
  const roleNodes: TaskNode[] = [];
  if (raw.roles !== undefined && raw.roles !== null) {
    if (!Array.isArray(raw.roles)) throw err(`'roles' must be a list`, keyPos(raw, 'roles'));
    const list = raw.roles;
    list.forEach((entry, i) =>
      roleNodes.push(...expandRole(entry, scope, roles, itemPos(list, i) ?? pos, {})),
    );
  }
  const tasks = [...roleNodes, ...parseTaskList(raw.tasks, scope, 'tasks')];
  const postTasks = parseTaskList(raw.post_tasks, scope, 'post_tasks');
  // Roles' handlers come before the play's own, as in Ansible.
  handlers.push(...ownHandlers);
  return {
    name: raw.name === undefined || raw.name === null ? hosts.join(',') : String(raw.name),
    hosts,
    pos,
    file,
    dir,
    kw: ownKw(raw),
    vars,
    varsFiles: asList(raw.vars_files),
    gatherFacts: raw.gather_facts,
    gatherSubset: raw.gather_subset,
    serial: raw.serial,
    maxFailPercentage: raw.max_fail_percentage,
    strategy: raw.strategy === undefined ? undefined : String(raw.strategy),
    order: raw.order === undefined ? undefined : String(raw.order),
    forceHandlers: raw.force_handlers === true,
    tags,
    preTasks,
    tasks,
    postTasks,
    handlers,
    roleNames: roles.names,
    roleDefaults: roles.defaults,
    roleVars: roles.vars,
  };
}
