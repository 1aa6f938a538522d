// The configuration keys tsible knows, by section, so an unknown key gets a warning instead of silence.
import type { ConfigFile } from './config.js';

/** Keys tsible reads, plus common Ansible keys it accepts and ignores on purpose (they are harmless). */
export const KNOWN_KEYS: Record<string, { used: string[]; ignored: string[] }> = {
  defaults: {
    used: [
      'inventory',
      'forks',
      'remote_user',
      'private_key_file',
      'host_key_checking',
      'roles_path',
      'timeout',
      'gathering',
      'stdout_callback',
      'log_path',
      'vault_password_file',
      'vault_identity_list',
      'nocolor',
      'force_color',
      'retry_files_enabled',
      'retry_files_save_path',
      'force_handlers',
      'fact_caching',
      'fact_caching_connection',
      'fact_caching_timeout',
    ],
    ignored: [
      'interpreter_python',
      'callbacks_enabled',
      'callback_whitelist',
      'collections_path',
      'collections_paths',
      'library',
      'module_utils',
      'filter_plugins',
      'lookup_plugins',
      'deprecation_warnings',
      'command_warnings',
      'localhost_warning',
      'ansible_managed',
      'hash_behaviour',
      'any_errors_fatal',
      'local_tmp',
      'remote_tmp',
      'display_skipped_hosts',
      'display_ok_hosts',
      'error_on_undefined_vars',
      'jinja2_native',
      'private_role_vars',
      'strategy',
      'transport',
      'poll_interval',
      'internal_poll_interval',
      'bin_ansible_callbacks',
      'host_key_auto_add',
      'system_warnings',
    ],
  },
  privilege_escalation: {
    used: ['become', 'become_method', 'become_user', 'become_ask_pass'],
    ignored: ['become_exe', 'become_flags'],
  },
  ssh_connection: {
    used: [
      'ssh_args',
      'ssh_common_args',
      'ssh_extra_args',
      'pipelining',
      'retries',
      'control_path',
      'control_path_dir',
    ],
    ignored: ['scp_if_ssh', 'transfer_method', 'sftp_batch_mode', 'usetty'],
  },
  connection: { used: ['pipelining'], ignored: [] },
  diff: { used: ['always', 'context'], ignored: [] },
  inventory: {
    used: [],
    ignored: ['enable_plugins', 'ignore_extensions', 'ignore_patterns', 'unparsed_is_failed'],
  },
  galaxy: { used: [], ignored: ['server_list', 'role_skeleton', 'ignore_certs'] },
  persistent_connection: { used: [], ignored: ['connect_timeout', 'command_timeout'] },
  colors: { used: [], ignored: [] },
  callback_profile_tasks: { used: [], ignored: ['task_output_limit', 'sort_order'] },
};

/** Warnings for sections and keys of the config file that tsible does not know. */
export function knownKeyWarnings(cfg: ConfigFile): string[] {
  if (!cfg.path) return [];
  const out: string[] = [];
  for (const [section, keys] of Object.entries(cfg.data)) {
    const known = KNOWN_KEYS[section];
    if (!known) {
      out.push(`${cfg.path}: unknown section [${section}] is ignored`);
      continue;
    }
    if (typeof keys !== 'object' || keys === null) continue;
    for (const key of Object.keys(keys)) {
      if (!known.used.includes(key) && !known.ignored.includes(key)) {
        out.push(`${cfg.path}: unknown key '${key}' in [${section}] is ignored`);
      }
    }
  }
  return out;
}
