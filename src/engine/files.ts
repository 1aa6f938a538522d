// Finds the controller file a relative `src` names, in Ansible's search order.
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { TsibleError } from '../core/errors.js';
import type { Task } from '../playbook/model.js';

/** Candidate paths for src: the role's files|templates dir, the role's tasks dir, then the playbook's. */
export function searchPaths(
  kind: 'files' | 'templates' | 'vars',
  src: string,
  task: Task,
  playbookDir: string,
): string[] {
  if (isAbsolute(src)) return [src];
  const c: string[] = [];
  if (task.role) {
    c.push(join(task.role.path, kind, src), join(task.role.path, 'tasks', src), join(task.role.path, src));
  }
  if (task.dir !== playbookDir) c.push(join(task.dir, kind, src), join(task.dir, src));
  c.push(join(playbookDir, kind, src), join(playbookDir, src));
  // join() drops a trailing slash that copy gives meaning to; keep it.
  return src.endsWith('/') ? c.map((p) => (p.endsWith('/') ? p : p + '/')) : c;
}

export function findFile(
  kind: 'files' | 'templates' | 'vars',
  src: string,
  task: Task,
  playbookDir: string,
): string {
  const candidates = searchPaths(kind, src, task, playbookDir);
  const found = candidates.find((p) => existsSync(p));
  if (found) return found;
  throw new TsibleError(
    'parameter',
    `Could not find or access '${src}' on the controller. Searched in:\n\t${candidates.join('\n\t')}`,
    {
      pos: task.pos,
    },
  );
}
