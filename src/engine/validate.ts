// Checks a whole playbook before any host is contacted: modules, parameters, handler names.
import { closest, TsibleError } from '../core/errors.js';
import type { ModuleDef } from '../core/module.js';
import { checkParams, parseFreeForm } from '../core/params.js';
import { lookupModule } from '../../modules/index.js';
import { argPos } from '../playbook/load.js';
import type { Playbook, Task, TaskNode } from '../playbook/model.js';

/** Actions the engine implements itself rather than as modules. */
export const ENGINE_ACTIONS = new Set([
  'meta',
  'include_tasks',
  'import_tasks',
  'include_role',
  'import_role',
]);

export function isEngineAction(name: string): boolean {
  return ENGINE_ACTIONS.has(name.replace(/^ansible\.builtin\./, ''));
}

export function isKnownAction(name: string): boolean {
  return isEngineAction(name) || lookupModule(name) !== undefined;
}

function hasTemplate(v: unknown): boolean {
  return JSON.stringify(v ?? null).match(/\{\{|\{%/) !== null;
}

function paramNames(def: ModuleDef): string[] {
  const names: string[] = [];
  for (const [k, spec] of Object.entries(def.params)) names.push(k, ...(spec.aliases ?? []));
  return names;
}

function checkTask(task: Task): void {
  if (isEngineAction(task.action)) return;
  const def = lookupModule(task.action) as ModuleDef | undefined;
  if (!def)
    throw new TsibleError('playbook', `couldn't resolve module/action '${task.action}'`, { pos: task.pos });
  if (def.freeKeys) return;
  const known = paramNames(def);
  for (const key of Object.keys(task.args)) {
    if (key === '_raw_params') continue;
    if (known.includes(key)) continue;
    const near = closest(key, known);
    throw new TsibleError(
      'parameter',
      `Unsupported parameter for (${def.name}) module: ${key}. Supported parameters include: ${Object.keys(def.params).sort().join(', ')}.`,
      {
        pos: argPos(task.args, key) ?? task.pos,
        hint: near ? `did you mean '${near}'?` : undefined,
        task: task.name,
      },
    );
  }
  if (hasTemplate(task.args)) return;
  let args = task.args;
  if (typeof args._raw_params === 'string') {
    const { _raw_params: text, ...rest } = args;
    args = {
      ...parseFreeForm(def, String(text), { module: task.action, task: task.name, pos: task.pos }),
      ...rest,
    };
  }
  checkParams(def, args, { module: task.action, task: task.name, pos: task.pos });
}

function walk(nodes: TaskNode[], fn: (t: Task) => void): void {
  for (const n of nodes) {
    if (n.kind === 'task') fn(n);
    else walk([...n.block, ...n.rescue, ...n.always], fn);
  }
}

export function validatePlaybook(pb: Playbook): void {
  for (const play of pb.plays) {
    const handlerNames = new Set<string>();
    for (const h of play.handlers) {
      if (h.name) handlerNames.add(h.name);
      if (h.name && h.role) handlerNames.add(`${h.role.name} : ${h.name}`);
      for (const l of h.listen) handlerNames.add(l);
    }
    const checkNotify = (t: Task): void => {
      for (const n of t.notify) {
        if (n.includes('{{')) continue;
        if (!handlerNames.has(n)) {
          const near = closest(n, handlerNames);
          throw new TsibleError(
            'playbook',
            `The requested handler '${n}' was not found in either the main handlers list nor in the listening handlers list`,
            { pos: t.pos, hint: near ? `did you mean '${near}'?` : undefined, exitCode: 1 },
          );
        }
      }
    };
    const all = [...play.preTasks, ...play.tasks, ...play.postTasks];
    walk(all, checkTask);
    walk(play.handlers, checkTask);
    walk(all, checkNotify);
    walk(play.handlers, checkNotify);
  }
}
