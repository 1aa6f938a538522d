// JSON Schemas (draft-07) for playbooks, task files and YAML inventories, generated from the keyword lists
// (src/playbook/keywords.ts) and the module definitions, so editors (yaml-language-server) complete keys
// and flag unknown modules, unknown parameters and wrong types while typing.
import { BLOCK_KEYWORDS, PLAY_KEYWORDS, TASK_KEYWORDS } from '../playbook/keywords.js';
import type { ParamSpec, ParamType } from '../core/module.js';
import { ENGINE_ACTIONS } from '../engine/validate.js';
import { acceptedNames, moduleEntries, sortedParams, type ModuleEntry } from './module-info.js';

export type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/definitions/${name}` });
const DRAFT = 'http://json-schema.org/draft-07/schema#';

/** A Jinja expression: any string with {{ }} or {% %} may turn into any type when templated. */
const JINJA: Schema = { type: 'string', pattern: '\\{\\{|\\{%', description: 'A Jinja2 template' };
const BOOL_TEXT =
  '^\\s*(?:[yY](?:[eE][sS])?|[nN][oO]?|[oO](?:[nN]|[fF][fF])|[tT](?:[rR][uU][eE])?|[fF](?:[aA][lL][sS][eE])?|1|0)\\s*$';
const INT_TEXT = '^\\s*[-+]?\\d+\\s*$';
const FLOAT_TEXT = '^\\s*[-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?\\s*$';

/** Shared definitions: value shapes, written to match what tsible's argument checking accepts. */
function baseDefinitions(): Record<string, Schema> {
  return {
    jinja: JINJA,
    bool: {
      title: 'a boolean (true/false; yes/no, on/off and 1/0 are accepted too)',
      anyOf: [{ type: 'boolean' }, { enum: [0, 1] }, { type: 'string', pattern: BOOL_TEXT }, ref('jinja')],
    },
    int: {
      anyOf: [{ type: 'integer' }, { type: 'boolean' }, { type: 'string', pattern: INT_TEXT }, ref('jinja')],
    },
    float: {
      title: 'a number',
      anyOf: [{ type: 'number' }, { type: 'string', pattern: FLOAT_TEXT }, ref('jinja')],
    },
    str: { type: ['string', 'number', 'boolean'] },
    string_list: {
      anyOf: [{ type: 'string' }, { type: 'array', items: { type: ['string', 'number'] } }],
    },
    condition: {
      description: 'A Jinja2 expression without {{ }} (or a list of them, all of which must be true)',
      anyOf: [{ type: ['string', 'boolean'] }, { type: 'array', items: { type: ['string', 'boolean'] } }],
    },
    vars: { anyOf: [{ type: 'object' }, { type: 'null' }, ref('jinja')] },
  };
}

function typeSchema(type: ParamType, elements?: ParamType): Schema {
  switch (type) {
    case 'str':
    case 'path':
      return ref('str');
    case 'bool':
      return ref('bool');
    case 'int':
      return ref('int');
    case 'float':
      return ref('float');
    case 'dict':
      return { type: ['object', 'string'] };
    case 'list':
      return {
        type: ['array', 'string', 'number', 'boolean'],
        ...(elements && elements !== 'raw'
          ? { items: { anyOf: [typeSchema(elements), { type: 'null' }] } }
          : {}),
      };
    case 'raw':
      return {};
  }
}

/** The values a choice accepts: itself, its text, and for 'yes'/'no'-like text the boolean YAML makes of it. */
function choiceValues(choices: readonly (string | number | boolean)[]): unknown[] {
  const out = new Set<unknown>();
  for (const c of choices) {
    out.add(c);
    out.add(String(c));
    if (typeof c === 'string') {
      const s = c.trim().toLowerCase();
      if (['yes', 'on', 'true'].includes(s)) out.add(true);
      if (['no', 'off', 'false'].includes(s)) out.add(false);
    }
  }
  return [...out];
}

function paramSchema(spec: ParamSpec, aliasOf?: string): Schema {
  let value: Schema;
  if (spec.choices) {
    const choice: Schema = { enum: choiceValues(spec.choices) };
    value =
      spec.type === 'list'
        ? { anyOf: [{ type: 'array', items: choice }, choice, ref('jinja')] }
        : { anyOf: [choice, ref('jinja')] };
  } else value = typeSchema(spec.type, spec.elements);
  const description = aliasOf ? `Alias of ${aliasOf}. ${spec.description}` : spec.description;
  const out: Schema = { description };
  if (Object.keys(value).length > 0) out.anyOf = [value, { type: 'null' }, ref('jinja')];
  if (spec.default !== undefined && spec.default !== null) out.default = spec.default;
  return out;
}

/** The value of a module key: a mapping of its parameters, or a `k=v` / free-form string. */
function moduleArgsSchema(e: ModuleEntry): Schema {
  const properties: Record<string, Schema> = {};
  for (const [name, spec] of sortedParams(e.def)) {
    properties[name] = paramSchema(spec);
    for (const a of spec.aliases ?? []) properties[a] = paramSchema(spec, name);
  }
  const required = sortedParams(e.def)
    .filter(([, s]) => s.required)
    .map(([name, s]) => ({ anyOf: [name, ...(s.aliases ?? [])].map((n) => ({ required: [n] })) }));
  const schema: Schema = {
    description: `${e.def.doc.short}${e.def.freeForm ? ` (free form: ${e.def.freeForm})` : ''}`,
    type: ['object', 'string', 'null'],
    properties,
    additionalProperties: e.def.freeKeys === true,
  };
  if (required.length > 0) schema.allOf = required;
  return schema;
}

const TASK_LIST = { anyOf: [{ type: 'array', items: ref('task_or_block') }, { type: 'null' }] };

/** Keyword values (a keyword not listed here accepts anything). */
function keywordSchemas(): Record<string, Schema> {
  const bool = ref('bool');
  const int = ref('int');
  const str = { type: 'string' };
  const strOrJinja = { type: ['string', 'number'] };
  return {
    name: { type: ['string', 'number'], description: 'Name shown in the output' },
    hosts: { description: 'Host pattern(s)', ...ref('string_list') },
    vars: ref('vars'),
    tags: {
      anyOf: [{ type: ['string', 'number'] }, { type: 'array', items: { type: ['string', 'number'] } }],
    },
    environment: { anyOf: [{ type: 'object' }, { type: 'array' }, ref('jinja')] },
    no_log: bool,
    run_once: bool,
    ignore_errors: bool,
    ignore_unreachable: bool,
    any_errors_fatal: bool,
    throttle: int,
    timeout: int,
    check_mode: bool,
    diff: bool,
    debugger: { enum: ['always', 'never', 'on_failed', 'on_unreachable', 'on_skipped'] },
    collections: { type: 'array', items: str },
    module_defaults: { type: 'object' },
    connection: strOrJinja,
    port: int,
    remote_user: strOrJinja,
    become: bool,
    become_user: strOrJinja,
    become_method: strOrJinja,
    become_flags: strOrJinja,
    become_exe: strOrJinja,
    gather_facts: bool,
    gather_subset: ref('string_list'),
    gather_timeout: int,
    fact_path: str,
    pre_tasks: TASK_LIST,
    tasks: TASK_LIST,
    post_tasks: TASK_LIST,
    handlers: TASK_LIST,
    roles: { anyOf: [{ type: 'array', items: ref('role_entry') }, { type: 'null' }] },
    vars_files: { type: 'array', items: { anyOf: [str, { type: 'array', items: str }] } },
    vars_prompt: { type: 'array', items: { type: 'object', required: ['name'] } },
    serial: {
      anyOf: [{ type: ['integer', 'string'] }, { type: 'array', items: { type: ['integer', 'string'] } }],
    },
    max_fail_percentage: { type: ['number', 'string'] },
    strategy: str,
    order: { enum: ['inventory', 'reverse_inventory', 'sorted', 'reverse_sorted', 'shuffle'] },
    force_handlers: bool,
    import_playbook: str,
    block: { type: 'array', items: ref('task_or_block') },
    rescue: TASK_LIST,
    always: TASK_LIST,
    when: ref('condition'),
    changed_when: ref('condition'),
    failed_when: ref('condition'),
    until: ref('condition'),
    notify: ref('string_list'),
    listen: ref('string_list'),
    delegate_to: strOrJinja,
    delegate_facts: bool,
    loop: { anyOf: [{ type: 'array' }, { type: 'string' }] },
    loop_control: {
      type: 'object',
      properties: {
        loop_var: str,
        index_var: str,
        label: {},
        pause: { type: ['number', 'string'] },
        extended: bool,
        extended_allitems: bool,
      },
      additionalProperties: false,
    },
    register: str,
    retries: int,
    delay: int,
    async: int,
    poll: int,
    args: { anyOf: [{ type: 'object' }, ref('jinja')] },
    action: {
      description:
        'The module and its arguments as one string (`copy src=a dest=b`), or a mapping with `module`',
      anyOf: [str, { type: 'object', required: ['module'], properties: { module: str } }],
    },
    local_action: {
      description: 'Like action, run on the controller',
      anyOf: [str, { type: 'object', required: ['module'], properties: { module: str } }],
    },
  };
}

/** Tasks the engine implements itself (includes, imports, meta), with their arguments. */
function engineActionSchemas(): Record<string, Schema> {
  const file = { anyOf: [{ type: 'string' }, { type: 'object', properties: { file: { type: 'string' } } }] };
  const role: Schema = {
    type: 'object',
    required: ['name'],
    properties: {
      name: { type: 'string' },
      tasks_from: { type: 'string' },
      vars_from: { type: 'string' },
      defaults_from: { type: 'string' },
      handlers_from: { type: 'string' },
      apply: { type: 'object' },
      public: ref('bool'),
      allow_duplicates: ref('bool'),
      rolespec_validate: ref('bool'),
    },
    additionalProperties: false,
  };
  const meta = {
    anyOf: [
      {
        enum: [
          'flush_handlers',
          'refresh_inventory',
          'noop',
          'clear_facts',
          'clear_host_errors',
          'end_play',
          'end_host',
          'end_batch',
          'reset_connection',
          'role_complete',
        ],
      },
      ref('jinja'),
    ],
  };
  const byName: Record<string, Schema> = {
    include_tasks: { description: 'Include a task file when the task runs', ...file },
    import_tasks: { description: 'Import a task file when the playbook is read', ...file },
    include_role: { description: 'Include a role when the task runs', ...role },
    import_role: { description: 'Import a role when the playbook is read', ...role },
    meta: { description: 'Act on the run itself', ...meta },
  };
  const out: Record<string, Schema> = {};
  for (const name of ENGINE_ACTIONS) {
    const s = byName[name] ?? {};
    out[name] = s;
    out[`ansible.builtin.${name}`] = s;
  }
  return out;
}

/** Definitions shared by the playbook and task-file schemas. */
function taskDefinitions(modules: ModuleEntry[]): { definitions: Record<string, Schema> } {
  const definitions: Record<string, Schema> = baseDefinitions();
  const keywords = keywordSchemas();
  const pick = (set: Iterable<string>): Record<string, Schema> => {
    const out: Record<string, Schema> = {};
    for (const k of [...set].sort()) out[k] = keywords[k] ?? {};
    return out;
  };

  const actions: Record<string, Schema> = { ...engineActionSchemas() };
  for (const e of modules) {
    const id = `module_${e.name}`;
    definitions[id] = moduleArgsSchema(e);
    for (const n of acceptedNames(e.name, e.library)) actions[n] = ref(id);
  }
  const actionNames = ['action', 'local_action', ...Object.keys(actions)];

  definitions.task = {
    title: 'Task (a keyword or a module name)',
    description: 'Task keywords and exactly one module (or action) with its arguments',
    type: 'object',
    properties: { ...pick(TASK_KEYWORDS), ...actions },
    patternProperties: { '^with_[a-z_]+$': { description: 'A loop over a lookup (prefer loop:)' } },
    additionalProperties: false,
    oneOf: actionNames.map((n) => ({ required: [n] })),
  };
  definitions.block = {
    title: 'Block',
    description: 'A group of tasks with shared keywords, and rescue/always sections',
    type: 'object',
    properties: pick(BLOCK_KEYWORDS),
    patternProperties: { '^with_[a-z_]+$': {} },
    required: ['block'],
    additionalProperties: false,
  };
  definitions.task_or_block = {
    if: { type: 'object', required: ['block'] },
    then: ref('block'),
    else: ref('task'),
  };
  definitions.role_entry = {
    anyOf: [
      { type: 'string' },
      {
        type: 'object',
        properties: {
          role: { type: 'string' },
          name: { type: 'string' },
          vars: ref('vars'),
          tags: keywords.tags!,
          when: ref('condition'),
          become: ref('bool'),
          become_user: { type: 'string' },
        },
        anyOf: [{ required: ['role'] }, { required: ['name'] }],
        description: 'A role, with keywords and role parameters',
      },
    ],
  };
  definitions.play = {
    title: 'Play',
    type: 'object',
    properties: pick([...PLAY_KEYWORDS].filter((k) => k !== 'import_playbook')),
    required: ['hosts'],
    additionalProperties: false,
  };
  definitions.import_playbook = {
    title: 'import_playbook',
    type: 'object',
    properties: {
      import_playbook: { type: 'string' },
      name: keywords.name!,
      vars: ref('vars'),
      tags: keywords.tags!,
      when: ref('condition'),
    },
    required: ['import_playbook'],
    additionalProperties: false,
  };
  definitions.play_or_import = {
    if: { type: 'object', required: ['import_playbook'] },
    then: ref('import_playbook'),
    else: ref('play'),
  };
  return { definitions };
}

/** The playbook schema: a list of plays (or import_playbook entries). */
export function playbookSchema(modules: ModuleEntry[] = moduleEntries()): Schema {
  return {
    $schema: DRAFT,
    title: 'tsible / Ansible playbook',
    description: 'Generated from tsible\u2019s keyword lists and module definitions (npm run docs).',
    type: 'array',
    items: ref('play_or_import'),
    ...taskDefinitions(modules),
  };
}

/** The task file schema: roles' tasks/ and handlers/ files, and files for include_tasks/import_tasks. */
export function tasksSchema(modules: ModuleEntry[] = moduleEntries()): Schema {
  return {
    $schema: DRAFT,
    title: 'tsible / Ansible task file',
    description: 'Generated from tsible\u2019s keyword lists and module definitions (npm run docs).',
    anyOf: [{ type: 'array', items: ref('task_or_block') }, { type: 'null' }],
    ...taskDefinitions(modules),
  };
}

/** Connection variables tsible reads from the inventory (completion hints; any other variable is allowed). */
const HOST_VARS: Record<string, Schema> = {
  ansible_host: { type: 'string', description: 'Address to connect to (default: the inventory name)' },
  ansible_port: { description: 'SSH port', ...ref('int') },
  ansible_user: { type: 'string', description: 'User to log in as' },
  ansible_connection: {
    description: 'How to reach the host',
    anyOf: [{ enum: ['ssh', 'local'] }, ref('jinja')],
  },
  ansible_password: { type: 'string', description: 'SSH password (prefer keys, or vault it)' },
  ansible_ssh_private_key_file: { type: 'string', description: 'Private key file' },
  ansible_ssh_common_args: { type: 'string', description: 'ssh options (-o ..., ProxyJump)' },
  ansible_ssh_extra_args: { type: 'string', description: 'More ssh options' },
  ansible_become: { description: 'Use privilege escalation', ...ref('bool') },
  ansible_become_method: { type: 'string', description: 'sudo or su' },
  ansible_become_user: { type: 'string', description: 'User to become' },
  ansible_become_password: { type: 'string', description: 'Password for become (vault it)' },
  ansible_python_interpreter: { type: 'string', description: 'Accepted; tsible needs no Python on the host' },
};

/** The YAML inventory schema: groups with hosts, vars and children. */
export function inventorySchema(): Schema {
  const varsObject: Schema = { type: 'object', properties: HOST_VARS };
  return {
    $schema: DRAFT,
    title: 'tsible / Ansible YAML inventory',
    description: 'Top-level keys are groups (usually just all). Generated by npm run docs.',
    type: 'object',
    additionalProperties: ref('group'),
    definitions: {
      int: {
        title: 'an integer',
        anyOf: [{ type: 'integer' }, { type: 'string' }],
      },
      bool: { anyOf: [{ type: 'boolean' }, { type: 'string' }, { enum: [0, 1] }] },
      jinja: JINJA,
      host_vars: { anyOf: [varsObject, { type: 'null' }] },
      group: {
        anyOf: [
          {
            type: 'object',
            properties: {
              hosts: {
                anyOf: [{ type: 'object', additionalProperties: ref('host_vars') }, { type: 'null' }],
                description: 'Hosts of the group (ranges like web[01:20] allowed), each with its variables',
              },
              vars: {
                anyOf: [
                  {
                    type: 'object',
                    properties: {
                      ...HOST_VARS,
                      ansible_group_priority: {
                        description: 'Order among groups of the same depth',
                        ...ref('int'),
                      },
                    },
                  },
                  { type: 'null' },
                ],
              },
              children: {
                anyOf: [{ type: 'object', additionalProperties: ref('group') }, { type: 'null' }],
                description: 'Groups inside this group',
              },
            },
            additionalProperties: false,
          },
          { type: 'null' },
        ],
      },
    },
  };
}

/** The schema files under docs/schema/, by file name. */
export function schemaFiles(): Record<string, Schema> {
  const modules = moduleEntries();
  return {
    'playbook.schema.json': playbookSchema(modules),
    'tasks.schema.json': tasksSchema(modules),
    'inventory.schema.json': inventorySchema(),
  };
}
