// The keywords Ansible accepts on plays, blocks, tasks and handlers (ansible-core 2.14).

const SHARED = [
  'name',
  'vars',
  'tags',
  'environment',
  'no_log',
  'run_once',
  'ignore_errors',
  'ignore_unreachable',
  'any_errors_fatal',
  'throttle',
  'timeout',
  'check_mode',
  'diff',
  'debugger',
  'collections',
  'module_defaults',
  'connection',
  'port',
  'remote_user',
  'become',
  'become_user',
  'become_method',
  'become_flags',
  'become_exe',
] as const;

export const PLAY_KEYWORDS = new Set<string>([
  ...SHARED,
  'hosts',
  'gather_facts',
  'gather_subset',
  'gather_timeout',
  'fact_path',
  'pre_tasks',
  'roles',
  'tasks',
  'post_tasks',
  'handlers',
  'vars_files',
  'vars_prompt',
  'serial',
  'max_fail_percentage',
  'strategy',
  'order',
  'force_handlers',
  'import_playbook',
]);

export const BLOCK_KEYWORDS = new Set<string>([
  ...SHARED,
  'block',
  'rescue',
  'always',
  'when',
  'notify',
  'delegate_to',
  'delegate_facts',
  // tsible extension: Ansible cannot loop a block (ansible/ansible#13262); tsible can.
  'loop',
  'loop_control',
  'with_items',
  'with_list',
  'with_dict',
]);

export const TASK_KEYWORDS = new Set<string>([
  ...SHARED,
  'action',
  'local_action',
  'args',
  'register',
  'when',
  'changed_when',
  'failed_when',
  'notify',
  'loop',
  'loop_control',
  'until',
  'retries',
  'delay',
  'async',
  'poll',
  'delegate_to',
  'delegate_facts',
  'listen',
]);

/** `with_<lookup>` loops. */
export function isWithLoop(key: string): boolean {
  return /^with_[a-z_]+$/.test(key);
}
