// The loaded, validated playbook: plays of task trees, each node remembering where it was written.
import type { SourcePos } from '../core/errors.js';
import type { Vars } from '../core/types.js';

/** Keywords that may be set on a play, block, role or task and are inherited downwards. */
export interface Inheritable {
  become?: unknown;
  become_user?: unknown;
  become_method?: unknown;
  become_flags?: unknown;
  remote_user?: unknown;
  connection?: unknown;
  port?: unknown;
  environment?: unknown;
  no_log?: unknown;
  ignore_errors?: unknown;
  ignore_unreachable?: unknown;
  check_mode?: unknown;
  diff?: unknown;
  any_errors_fatal?: unknown;
  run_once?: unknown;
  delegate_to?: unknown;
  throttle?: unknown;
  timeout?: unknown;
  module_defaults?: unknown;
}

export interface LoopSpec {
  /** The loop value as written (a list, or a template string). */
  items: unknown;
  /** with_<lookup> name, or undefined for `loop:`. */
  lookup?: string;
  control: {
    loop_var?: string;
    index_var?: string;
    label?: unknown;
    pause?: unknown;
    extended?: unknown;
    extended_allitems?: unknown;
  };
}

export interface RoleInfo {
  name: string;
  path: string;
  /** defaults/main.yml (precedence level 2). */
  defaults: Vars;
  /** vars/main.yml and `vars:` of the role entry (level 15). */
  vars: Vars;
  /** Role parameters from the entry (level 20). */
  params: Vars;
}

interface NodeBase {
  name?: string;
  pos: SourcePos;
  /** Inherited and own keywords, merged from the play down (task wins). */
  kw: Inheritable;
  /** Raw `when` conditions from the enclosing blocks/roles and the node itself (ANDed). */
  when: unknown[];
  tags: string[];
  vars: Vars;
  notify: string[];
  loop?: LoopSpec;
  role?: RoleInfo;
}

export interface Task extends NodeBase {
  kind: 'task';
  /** Module or action name as written (e.g. 'apt', 'ansible.builtin.copy', 'include_tasks'). */
  action: string;
  /** Raw, untemplated module arguments. */
  args: Record<string, unknown>;
  register?: string;
  changedWhen?: unknown;
  failedWhen?: unknown;
  until?: unknown;
  retries?: unknown;
  delay?: unknown;
  delegateFacts?: boolean;
  listen: string[];
  /** The file a task list was read from, for relative include paths. */
  dir: string;
}

export interface Block extends NodeBase {
  kind: 'block';
  block: TaskNode[];
  rescue: TaskNode[];
  always: TaskNode[];
}

export type TaskNode = Task | Block;

export interface Play {
  name: string;
  hosts: string[];
  pos: SourcePos;
  file: string;
  dir: string;
  kw: Inheritable;
  vars: Vars;
  varsFiles: unknown[];
  gatherFacts: unknown;
  gatherSubset?: unknown;
  serial?: unknown;
  maxFailPercentage?: unknown;
  strategy?: string;
  order?: string;
  forceHandlers?: boolean;
  tags: string[];
  preTasks: TaskNode[];
  tasks: TaskNode[];
  postTasks: TaskNode[];
  handlers: Task[];
  /** Roles' tasks already expanded into `tasks`; their handlers into `handlers`. */
  roleNames: string[];
  /** Every role's defaults, merged in play order (visible play-wide, level 2). */
  roleDefaults: Vars;
  /** Every role's vars, merged in play order (visible play-wide unless private, level 15). */
  roleVars: Vars;
}

export interface Playbook {
  file: string;
  plays: Play[];
}
