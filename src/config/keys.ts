// Every configuration setting tsible knows: where it is read from (ini section/key, environment), its type
// and default, and whether tsible acts on it. Unknown keys get a warning instead of silence, and
// tsible-config (dump/list/init) and docs/configuration.md are produced from this one table.
import { homedir } from 'node:os';
import { boolSetting, type ConfigFile } from './config.js';

/** How a setting's text is read (Ansible's config types, the ones tsible needs). */
export type SettingType = 'bool' | 'int' | 'float' | 'str' | 'path' | 'pathlist' | 'pathspec' | 'list';

export interface SettingDef {
  /** The name ansible-config uses (`DEFAULT_FORKS`). */
  readonly name: string;
  /** Where it can be written in tsible.cfg / ansible.cfg; the first is the usual one. */
  readonly ini: readonly { readonly section: string; readonly key: string }[];
  /** Ansible's environment variables for it; each `ANSIBLE_X` is also read as `TSIBLE_X`. */
  readonly env: readonly string[];
  readonly type: SettingType;
  /** tsible's default, typed (null: unset). */
  readonly default: unknown;
  /** Ansible's default when it differs from tsible's. */
  readonly ansibleDefault?: unknown;
  readonly description: string;
  /** 'used': tsible acts on it. 'ignored': accepted without effect, on purpose (it has no meaning here). */
  readonly status: 'used' | 'ignored';
  readonly choices?: readonly string[];
}

const ini = (section: string, ...keys: string[]): { section: string; key: string }[] =>
  keys.map((key) => ({ section, key }));

const ROLES_PATH = ['~/.ansible/roles', '/usr/share/ansible/roles', '/etc/ansible/roles'];

/** The settings, in no particular order (tsible-config sorts them by name). */
export const SETTINGS: readonly SettingDef[] = [
  // [defaults], read by tsible
  {
    name: 'DEFAULT_HOST_LIST',
    ini: ini('defaults', 'inventory'),
    env: ['ANSIBLE_INVENTORY'],
    type: 'pathlist',
    default: ['/etc/ansible/hosts'],
    description: 'Inventory sources (comma-separated) used when no -i is given.',
    status: 'used',
  },
  {
    name: 'DEFAULT_FORKS',
    ini: ini('defaults', 'forks'),
    env: ['ANSIBLE_FORKS'],
    type: 'int',
    default: 50,
    ansibleDefault: 5,
    description:
      'How many hosts a task runs on at the same time. tsible keeps one SSH connection per host, so its ' +
      'default is higher than Ansible\u2019s.',
    status: 'used',
  },
  {
    name: 'DEFAULT_REMOTE_USER',
    ini: ini('defaults', 'remote_user'),
    env: ['ANSIBLE_REMOTE_USER'],
    type: 'str',
    default: null,
    description: 'User to log in as when neither -u, remote_user: nor ansible_user says otherwise.',
    status: 'used',
  },
  {
    name: 'DEFAULT_PRIVATE_KEY_FILE',
    ini: ini('defaults', 'private_key_file'),
    env: ['ANSIBLE_PRIVATE_KEY_FILE'],
    type: 'path',
    default: null,
    description: 'SSH private key used when --private-key and ansible_ssh_private_key_file are not given.',
    status: 'used',
  },
  {
    name: 'HOST_KEY_CHECKING',
    ini: ini('defaults', 'host_key_checking'),
    env: ['ANSIBLE_HOST_KEY_CHECKING'],
    type: 'bool',
    default: true,
    description: 'Check host keys against known_hosts; false accepts any key (as for throwaway test hosts).',
    status: 'used',
  },
  {
    name: 'DEFAULT_ROLES_PATH',
    ini: ini('defaults', 'roles_path'),
    env: ['ANSIBLE_ROLES_PATH'],
    type: 'pathspec',
    default: ROLES_PATH,
    description:
      'Colon-separated directories searched for roles, after the roles/ directory beside the playbook.',
    status: 'used',
  },
  {
    name: 'DEFAULT_TIMEOUT',
    ini: ini('defaults', 'timeout'),
    env: ['ANSIBLE_TIMEOUT'],
    type: 'int',
    default: 10,
    description: 'Seconds to wait for an SSH connection to be established.',
    status: 'used',
  },
  {
    name: 'DEFAULT_GATHERING',
    ini: ini('defaults', 'gathering'),
    env: ['ANSIBLE_GATHERING'],
    type: 'str',
    default: 'implicit',
    choices: ['implicit', 'explicit', 'smart'],
    description:
      'implicit: gather facts unless a play says gather_facts: false; explicit: only when a play asks; ' +
      'smart: only for hosts without facts yet.',
    status: 'used',
  },
  {
    name: 'DEFAULT_STDOUT_CALLBACK',
    ini: ini('defaults', 'stdout_callback'),
    env: ['ANSIBLE_STDOUT_CALLBACK'],
    type: 'str',
    default: 'default',
    choices: ['default', 'yaml', 'minimal', 'json', 'jsonl'],
    description:
      'Output format: default (like ansible-playbook), yaml, minimal, json (one document at the end) or ' +
      'jsonl (one event per line as it happens).',
    status: 'used',
  },
  {
    name: 'DEFAULT_LOG_PATH',
    ini: ini('defaults', 'log_path'),
    env: ['ANSIBLE_LOG_PATH'],
    type: 'path',
    default: null,
    description: 'Also write a plain-text log of every run to this file.',
    status: 'used',
  },
  {
    name: 'DEFAULT_VAULT_PASSWORD_FILE',
    ini: ini('defaults', 'vault_password_file'),
    env: ['ANSIBLE_VAULT_PASSWORD_FILE'],
    type: 'path',
    default: null,
    description: 'Vault password file (or executable script printing the password) used by default.',
    status: 'used',
  },
  {
    name: 'DEFAULT_VAULT_IDENTITY_LIST',
    ini: ini('defaults', 'vault_identity_list'),
    env: ['ANSIBLE_VAULT_IDENTITY_LIST'],
    type: 'list',
    default: [],
    description:
      'Vault identities (label@source, comma-separated) always loaded, as if given with --vault-id.',
    status: 'used',
  },
  {
    name: 'ANSIBLE_NOCOLOR',
    ini: ini('defaults', 'nocolor'),
    env: ['ANSIBLE_NOCOLOR', 'NO_COLOR'],
    type: 'bool',
    default: false,
    description: 'Never colour the output.',
    status: 'used',
  },
  {
    name: 'ANSIBLE_FORCE_COLOR',
    ini: ini('defaults', 'force_color'),
    env: ['ANSIBLE_FORCE_COLOR'],
    type: 'bool',
    default: false,
    description: 'Colour the output even when it is not a terminal (nocolor still wins).',
    status: 'used',
  },
  {
    name: 'RETRY_FILES_ENABLED',
    ini: ini('defaults', 'retry_files_enabled'),
    env: ['ANSIBLE_RETRY_FILES_ENABLED'],
    type: 'bool',
    default: false,
    description: 'After a failed run, write the failed hosts to <playbook>.retry (for --limit @file).',
    status: 'used',
  },
  {
    name: 'RETRY_FILES_SAVE_PATH',
    ini: ini('defaults', 'retry_files_save_path'),
    env: ['ANSIBLE_RETRY_FILES_SAVE_PATH'],
    type: 'path',
    default: null,
    description: 'Directory for .retry files (default: beside the playbook).',
    status: 'used',
  },
  {
    name: 'DEFAULT_FORCE_HANDLERS',
    ini: ini('defaults', 'force_handlers'),
    env: ['ANSIBLE_FORCE_HANDLERS'],
    type: 'bool',
    default: false,
    description: 'Run notified handlers even on hosts where a later task failed (like --force-handlers).',
    status: 'used',
  },
  {
    name: 'CACHE_PLUGIN',
    ini: ini('defaults', 'fact_caching'),
    env: ['ANSIBLE_CACHE_PLUGIN'],
    type: 'str',
    default: 'memory',
    description: 'Where gathered facts are kept between runs (memory: not kept).',
    status: 'used',
  },
  {
    name: 'CACHE_PLUGIN_CONNECTION',
    ini: ini('defaults', 'fact_caching_connection'),
    env: ['ANSIBLE_CACHE_PLUGIN_CONNECTION'],
    type: 'str',
    default: null,
    description: 'Location of the fact cache (a directory for the jsonfile cache).',
    status: 'used',
  },
  {
    name: 'CACHE_PLUGIN_TIMEOUT',
    ini: ini('defaults', 'fact_caching_timeout'),
    env: ['ANSIBLE_CACHE_PLUGIN_TIMEOUT'],
    type: 'int',
    default: 86400,
    description: 'Seconds a cached fact stays valid.',
    status: 'used',
  },
  // [privilege_escalation]
  {
    name: 'DEFAULT_BECOME',
    ini: ini('privilege_escalation', 'become'),
    env: ['ANSIBLE_BECOME'],
    type: 'bool',
    default: false,
    description: 'Run every task with privilege escalation (like -b).',
    status: 'used',
  },
  {
    name: 'DEFAULT_BECOME_METHOD',
    ini: ini('privilege_escalation', 'become_method'),
    env: ['ANSIBLE_BECOME_METHOD'],
    type: 'str',
    default: 'sudo',
    choices: ['sudo', 'su'],
    description: 'How to become another user.',
    status: 'used',
  },
  {
    name: 'DEFAULT_BECOME_USER',
    ini: ini('privilege_escalation', 'become_user'),
    env: ['ANSIBLE_BECOME_USER'],
    type: 'str',
    default: 'root',
    description: 'The user to become.',
    status: 'used',
  },
  {
    name: 'DEFAULT_BECOME_ASK_PASS',
    ini: ini('privilege_escalation', 'become_ask_pass'),
    env: ['ANSIBLE_BECOME_ASK_PASS'],
    type: 'bool',
    default: false,
    description: 'Ask for the become password once at the start (like -K).',
    status: 'used',
  },
  // [ssh_connection]
  {
    name: 'SSH_ARGS',
    ini: ini('ssh_connection', 'ssh_args'),
    env: ['ANSIBLE_SSH_ARGS'],
    type: 'str',
    default: null,
    ansibleDefault: '-C -o ControlMaster=auto -o ControlPersist=60s',
    description:
      'ssh options; tsible applies the -o options that mean something to its own SSH client ' +
      '(StrictHostKeyChecking, UserKnownHostsFile, Port, User, IdentityFile, ProxyJump, ...).',
    status: 'used',
  },
  {
    name: 'SSH_COMMON_ARGS',
    ini: ini('ssh_connection', 'ssh_common_args'),
    env: ['ANSIBLE_SSH_COMMON_ARGS'],
    type: 'str',
    default: null,
    description: 'More ssh options, read like ssh_args.',
    status: 'used',
  },
  {
    name: 'SSH_EXTRA_ARGS',
    ini: ini('ssh_connection', 'ssh_extra_args'),
    env: ['ANSIBLE_SSH_EXTRA_ARGS'],
    type: 'str',
    default: null,
    description: 'More ssh options, read like ssh_args.',
    status: 'used',
  },
  {
    name: 'SSH_RETRIES',
    ini: ini('ssh_connection', 'retries'),
    env: ['ANSIBLE_SSH_RETRIES'],
    type: 'int',
    default: 0,
    description: 'How many more times to try a connection that failed.',
    status: 'used',
  },
  {
    name: 'ANSIBLE_PIPELINING',
    ini: [...ini('ssh_connection', 'pipelining'), ...ini('connection', 'pipelining')],
    env: ['ANSIBLE_PIPELINING', 'ANSIBLE_SSH_PIPELINING'],
    type: 'bool',
    default: true,
    ansibleDefault: false,
    description:
      'Accepted and ignored: tsible never copies module files to the host, commands always go over the ' +
      'open connection (what pipelining approximates).',
    status: 'ignored',
  },
  {
    name: 'SSH_CONTROL_PATH',
    ini: ini('ssh_connection', 'control_path'),
    env: ['ANSIBLE_SSH_CONTROL_PATH'],
    type: 'str',
    default: null,
    description: 'Accepted and ignored: tsible keeps its own connection per host, without ControlMaster.',
    status: 'ignored',
  },
  {
    name: 'SSH_CONTROL_PATH_DIR',
    ini: ini('ssh_connection', 'control_path_dir'),
    env: ['ANSIBLE_SSH_CONTROL_PATH_DIR'],
    type: 'path',
    default: null,
    ansibleDefault: '~/.ansible/cp',
    description: 'Accepted and ignored: tsible keeps its own connection per host, without ControlMaster.',
    status: 'ignored',
  },
  // [diff]
  {
    name: 'DIFF_ALWAYS',
    ini: ini('diff', 'always'),
    env: ['ANSIBLE_DIFF_ALWAYS'],
    type: 'bool',
    default: false,
    description: 'Show diffs as if --diff were given.',
    status: 'used',
  },
  {
    name: 'DIFF_CONTEXT',
    ini: ini('diff', 'context'),
    env: ['ANSIBLE_DIFF_CONTEXT'],
    type: 'int',
    default: 3,
    description: 'Lines of context around each change in a diff.',
    status: 'used',
  },
  // Accepted and ignored: Ansible settings with no meaning for tsible.
  ...ignored('defaults', 'interpreter_python', 'INTERPRETER_PYTHON', ['ANSIBLE_PYTHON_INTERPRETER'], 'auto', {
    why: 'tsible needs no Python on the hosts',
  }),
  {
    name: 'CALLBACKS_ENABLED',
    ini: ini('defaults', 'callbacks_enabled', 'callback_whitelist'),
    env: ['ANSIBLE_CALLBACKS_ENABLED', 'ANSIBLE_CALLBACK_WHITELIST'],
    type: 'list',
    default: [],
    description:
      'Accepted and ignored: tsible has no callback plugins (use --junit, --report, log_path, jsonl).',
    status: 'ignored',
  },
  {
    name: 'COLLECTIONS_PATHS',
    ini: ini('defaults', 'collections_path', 'collections_paths'),
    env: ['ANSIBLE_COLLECTIONS_PATH', 'ANSIBLE_COLLECTIONS_PATHS'],
    type: 'pathspec',
    default: ['~/.ansible/collections', '/usr/share/ansible/collections'],
    description: 'Accepted and ignored: collection names resolve to tsible\u2019s built-in modules.',
    status: 'ignored',
  },
  ...ignored('defaults', 'library', 'DEFAULT_MODULE_PATH', ['ANSIBLE_LIBRARY'], null, {
    why: 'modules are built in; Python modules cannot run',
    type: 'pathspec',
  }),
  ...ignored('defaults', 'module_utils', 'DEFAULT_MODULE_UTILS_PATH', ['ANSIBLE_MODULE_UTILS'], null, {
    why: 'there are no Python module utilities',
    type: 'pathspec',
  }),
  ...ignored('defaults', 'filter_plugins', 'DEFAULT_FILTER_PLUGIN_PATH', ['ANSIBLE_FILTER_PLUGINS'], null, {
    why: 'filters are built in',
    type: 'pathspec',
  }),
  ...ignored('defaults', 'lookup_plugins', 'DEFAULT_LOOKUP_PLUGIN_PATH', ['ANSIBLE_LOOKUP_PLUGINS'], null, {
    why: 'lookups are built in',
    type: 'pathspec',
  }),
  ...ignored(
    'defaults',
    'deprecation_warnings',
    'DEPRECATION_WARNINGS',
    ['ANSIBLE_DEPRECATION_WARNINGS'],
    true,
    {
      why: 'tsible prints no deprecation warnings',
      type: 'bool',
    },
  ),
  ...ignored('defaults', 'command_warnings', 'COMMAND_WARNINGS', ['ANSIBLE_COMMAND_WARNINGS'], false, {
    why: 'removed from Ansible too',
    type: 'bool',
  }),
  ...ignored('defaults', 'localhost_warning', 'LOCALHOST_WARNING', ['ANSIBLE_LOCALHOST_WARNING'], true, {
    type: 'bool',
  }),
  ...ignored('defaults', 'ansible_managed', 'DEFAULT_MANAGED_STR', [], 'Ansible managed', {
    why: 'the ansible_managed variable is not set from it',
  }),
  ...ignored('defaults', 'hash_behaviour', 'DEFAULT_HASH_BEHAVIOUR', ['ANSIBLE_HASH_BEHAVIOUR'], 'replace', {
    why: 'variables are always replaced, never merged (use the combine filter)',
  }),
  ...ignored('defaults', 'any_errors_fatal', 'ANY_ERRORS_FATAL', ['ANSIBLE_ANY_ERRORS_FATAL'], false, {
    why: 'use the any_errors_fatal play keyword',
    type: 'bool',
  }),
  ...ignored('defaults', 'local_tmp', 'DEFAULT_LOCAL_TMP', ['ANSIBLE_LOCAL_TEMP'], '~/.ansible/tmp', {
    why: 'tsible writes no controller temporary files there',
    type: 'path',
  }),
  ...ignored('defaults', 'remote_tmp', 'DEFAULT_REMOTE_TMP', ['ANSIBLE_REMOTE_TEMP'], '~/.ansible/tmp', {
    why: 'nothing is staged on the host: files are written with mktemp beside their destination',
    type: 'path',
  }),
  ...ignored(
    'defaults',
    'display_skipped_hosts',
    'DISPLAY_SKIPPED_HOSTS',
    ['ANSIBLE_DISPLAY_SKIPPED_HOSTS'],
    true,
    {
      type: 'bool',
    },
  ),
  ...ignored('defaults', 'display_ok_hosts', 'DISPLAY_OK_HOSTS', ['ANSIBLE_DISPLAY_OK_HOSTS'], true, {
    type: 'bool',
  }),
  ...ignored(
    'defaults',
    'error_on_undefined_vars',
    'DEFAULT_UNDEFINED_VAR_BEHAVIOR',
    ['ANSIBLE_ERROR_ON_UNDEFINED_VARS'],
    true,
    { why: 'an undefined variable is always an error', type: 'bool' },
  ),
  ...ignored('defaults', 'jinja2_native', 'DEFAULT_JINJA2_NATIVE', ['ANSIBLE_JINJA2_NATIVE'], false, {
    type: 'bool',
  }),
  ...ignored(
    'defaults',
    'private_role_vars',
    'DEFAULT_PRIVATE_ROLE_VARS',
    ['ANSIBLE_PRIVATE_ROLE_VARS'],
    false,
    {
      type: 'bool',
    },
  ),
  ...ignored('defaults', 'strategy', 'DEFAULT_STRATEGY', ['ANSIBLE_STRATEGY'], 'linear', {
    why: 'set strategy: on the play (linear, free and host_pinned are supported)',
  }),
  ...ignored('defaults', 'transport', 'DEFAULT_TRANSPORT', ['ANSIBLE_TRANSPORT'], 'ssh', {
    why: 'use -c or ansible_connection',
  }),
  ...ignored('defaults', 'poll_interval', 'DEFAULT_POLL_INTERVAL', ['ANSIBLE_POLL_INTERVAL'], 15, {
    type: 'int',
  }),
  ...ignored('defaults', 'internal_poll_interval', 'DEFAULT_INTERNAL_POLL_INTERVAL', [], 0.001, {
    type: 'float',
  }),
  ...ignored(
    'defaults',
    'bin_ansible_callbacks',
    'DEFAULT_LOAD_CALLBACK_PLUGINS',
    ['ANSIBLE_LOAD_CALLBACK_PLUGINS'],
    false,
    { type: 'bool' },
  ),
  ...ignored('defaults', 'host_key_auto_add', 'HOST_KEY_AUTO_ADD', ['ANSIBLE_HOST_KEY_AUTO_ADD'], false, {
    type: 'bool',
  }),
  ...ignored('defaults', 'system_warnings', 'SYSTEM_WARNINGS', ['ANSIBLE_SYSTEM_WARNINGS'], true, {
    type: 'bool',
  }),
  ...ignored('privilege_escalation', 'become_exe', 'DEFAULT_BECOME_EXE', ['ANSIBLE_BECOME_EXE'], null),
  ...ignored('privilege_escalation', 'become_flags', 'DEFAULT_BECOME_FLAGS', ['ANSIBLE_BECOME_FLAGS'], null),
  ...ignored('ssh_connection', 'scp_if_ssh', 'SSH_SCP_IF_SSH', ['ANSIBLE_SCP_IF_SSH'], 'smart', {
    why: 'files travel over the open SSH connection',
  }),
  ...ignored(
    'ssh_connection',
    'transfer_method',
    'SSH_TRANSFER_METHOD',
    ['ANSIBLE_SSH_TRANSFER_METHOD'],
    'smart',
    {
      why: 'files travel over the open SSH connection',
    },
  ),
  ...ignored('ssh_connection', 'sftp_batch_mode', 'SSH_SFTP_BATCH_MODE', ['ANSIBLE_SFTP_BATCH_MODE'], true, {
    type: 'bool',
  }),
  ...ignored('ssh_connection', 'usetty', 'SSH_USETTY', ['ANSIBLE_SSH_USETTY'], true, { type: 'bool' }),
  ...ignored(
    'inventory',
    'enable_plugins',
    'INVENTORY_ENABLED',
    ['ANSIBLE_INVENTORY_ENABLED'],
    ['host_list', 'script', 'auto', 'yaml', 'ini', 'toml'],
    { why: 'the INI, YAML, JSON, script, directory and host list formats are always enabled', type: 'list' },
  ),
  ...ignored('inventory', 'ignore_extensions', 'INVENTORY_IGNORE_EXTS', ['ANSIBLE_INVENTORY_IGNORE'], null, {
    type: 'list',
  }),
  ...ignored(
    'inventory',
    'ignore_patterns',
    'INVENTORY_IGNORE_PATTERNS',
    ['ANSIBLE_INVENTORY_IGNORE_REGEX'],
    [],
    {
      type: 'list',
    },
  ),
  ...ignored(
    'inventory',
    'unparsed_is_failed',
    'INVENTORY_UNPARSED_IS_FAILED',
    ['ANSIBLE_INVENTORY_UNPARSED_FAILED'],
    false,
    { type: 'bool' },
  ),
  ...ignored('galaxy', 'server_list', 'GALAXY_SERVER_LIST', ['ANSIBLE_GALAXY_SERVER_LIST'], null, {
    why: 'tsible-galaxy installs roles from git',
    type: 'list',
  }),
  ...ignored('galaxy', 'role_skeleton', 'GALAXY_ROLE_SKELETON', ['ANSIBLE_GALAXY_ROLE_SKELETON'], null, {
    type: 'path',
  }),
  ...ignored('galaxy', 'ignore_certs', 'GALAXY_IGNORE_CERTS', ['ANSIBLE_GALAXY_IGNORE'], null, {
    type: 'bool',
  }),
  ...ignored(
    'persistent_connection',
    'connect_timeout',
    'PERSISTENT_CONNECT_TIMEOUT',
    ['ANSIBLE_PERSISTENT_CONNECT_TIMEOUT'],
    30,
    { why: 'for network devices', type: 'int' },
  ),
  ...ignored(
    'persistent_connection',
    'command_timeout',
    'PERSISTENT_COMMAND_TIMEOUT',
    ['ANSIBLE_PERSISTENT_COMMAND_TIMEOUT'],
    30,
    { why: 'for network devices', type: 'int' },
  ),
  ...ignored(
    'callback_profile_tasks',
    'task_output_limit',
    'PROFILE_TASKS_TASK_OUTPUT_LIMIT',
    ['PROFILE_TASKS_TASK_OUTPUT_LIMIT'],
    20,
    { why: 'see --report for task timings', type: 'int' },
  ),
  ...ignored(
    'callback_profile_tasks',
    'sort_order',
    'PROFILE_TASKS_SORT_ORDER',
    ['PROFILE_TASKS_SORT_ORDER'],
    'descending',
    {
      why: 'see --report for task timings',
    },
  ),
  ...colors({
    changed: 'yellow',
    console_prompt: 'white',
    debug: 'dark gray',
    deprecate: 'purple',
    diff_add: 'green',
    diff_lines: 'cyan',
    diff_remove: 'red',
    error: 'red',
    highlight: 'white',
    ok: 'green',
    skip: 'cyan',
    unreachable: 'bright red',
    verbose: 'blue',
    warn: 'bright purple',
  }),
];

function ignored(
  section: string,
  key: string,
  name: string,
  env: string[],
  dflt: unknown,
  o: { why?: string; type?: SettingType } = {},
): SettingDef[] {
  return [
    {
      name,
      ini: ini(section, key),
      env,
      type: o.type ?? 'str',
      default: dflt,
      description: `Accepted and ignored${o.why ? `: ${o.why}` : ''}.`,
      status: 'ignored',
    },
  ];
}

function colors(defaults: Record<string, string>): SettingDef[] {
  return Object.entries(defaults).map(([key, dflt]) => ({
    name: `COLOR_${key.toUpperCase()}`,
    ini: ini('colors', key),
    env: [`ANSIBLE_COLOR_${key.toUpperCase()}`],
    type: 'str',
    default: dflt,
    description: 'Accepted and ignored: tsible uses Ansible\u2019s standard colours.',
    status: 'ignored',
  }));
}

/** Sections and keys of the config file, split by whether tsible acts on them (derived from SETTINGS). */
export const KNOWN_KEYS: Record<string, { used: string[]; ignored: string[] }> = (() => {
  const out: Record<string, { used: string[]; ignored: string[] }> = {};
  for (const s of SETTINGS) {
    for (const { section, key } of s.ini) {
      const entry = (out[section] ??= { used: [], ignored: [] });
      const list = s.status === 'used' ? entry.used : entry.ignored;
      if (!list.includes(key)) list.push(key);
    }
  }
  return out;
})();

/** The setting read from `[section] key`, if tsible knows it. */
export function findSetting(section: string, key: string): SettingDef | undefined {
  return SETTINGS.find((s) => s.ini.some((i) => i.section === section && i.key === key));
}

/** A setting by its ansible-config name (`DEFAULT_FORKS`). */
export function settingByName(name: string): SettingDef | undefined {
  return SETTINGS.find((s) => s.name === name);
}

/**
 * The environment variables read for a setting, highest priority first: TSIBLE_ twins of Ansible's names,
 * then Ansible's names, then the names derived from each ini key (TSIBLE_<KEY>, ANSIBLE_<KEY>), which
 * is what config.ts `setting()` reads.
 */
export function envNames(def: SettingDef): string[] {
  const tsible: string[] = [];
  const others: string[] = [];
  const add = (list: string[], n: string): void => {
    if (!tsible.includes(n) && !others.includes(n)) list.push(n);
  };
  for (const n of def.env) {
    if (n.startsWith('ANSIBLE_')) add(tsible, `TSIBLE_${n.slice('ANSIBLE_'.length)}`);
  }
  for (const n of def.env) add(others, n);
  for (const { key } of def.ini) {
    add(tsible, `TSIBLE_${key.toUpperCase()}`);
    add(others, `ANSIBLE_${key.toUpperCase()}`);
  }
  return [...tsible, ...others];
}

export type SettingOrigin =
  { kind: 'default' } | { kind: 'file'; path: string } | { kind: 'env'; name: string };

export interface ResolvedSetting {
  def: SettingDef;
  value: unknown;
  origin: SettingOrigin;
}

/** A setting's value and where it came from: the environment, then the config file, then the default. */
export function resolveSetting(
  cfg: ConfigFile,
  def: SettingDef,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedSetting {
  for (const name of envNames(def)) {
    const v = env[name];
    if (v === undefined) continue;
    // NO_COLOR means "no colour" whatever its value (https://no-color.org).
    if (name === 'NO_COLOR') return { def, value: true, origin: { kind: 'env', name } };
    return { def, value: parseSetting(def, v), origin: { kind: 'env', name } };
  }
  for (const { section, key } of def.ini) {
    const v = cfg.data[section]?.[key];
    if (v === undefined || !cfg.path) continue;
    return { def, value: parseSetting(def, String(v).trim()), origin: { kind: 'file', path: cfg.path } };
  }
  return { def, value: defaultValue(def), origin: { kind: 'default' } };
}

const expandHome = (p: string): string => p.replace(/^~(?=$|\/)/, homedir());

/** A setting's text as tsible reads it (numbers that do not parse stay text, to be reported by the user). */
export function parseSetting(def: SettingDef, text: string): unknown {
  switch (def.type) {
    case 'bool':
      return boolSetting(text, Boolean(def.default));
    case 'int': {
      const n = Number(text);
      return text.trim() !== '' && Number.isInteger(n) ? n : text;
    }
    case 'float': {
      const n = Number(text);
      return text.trim() !== '' && Number.isFinite(n) ? n : text;
    }
    case 'list':
      return text
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean);
    case 'pathlist':
      return text
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean);
    case 'pathspec':
      return text.split(':').filter(Boolean).map(expandHome);
    case 'path':
    case 'str':
      return text;
  }
}

/** A default as tsible uses it (~ expanded in path lists). */
export function defaultValue(def: SettingDef): unknown {
  return def.type === 'pathspec' && Array.isArray(def.default)
    ? (def.default as string[]).map(expandHome)
    : def.default;
}

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
