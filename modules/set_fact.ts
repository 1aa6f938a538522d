// set_fact: set host variables from the task's own arguments (any names; controller side).
import { defineModule } from '../src/core/module.js';

const params = {
  cacheable: { type: 'bool', default: false, description: 'Also store the facts in the fact cache.' },
} as const;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const BOOL_WORDS: Record<string, boolean> = { true: true, yes: true, false: false, no: false };

export const set_fact = defineModule({
  name: 'set_fact',
  doc: {
    short: 'Set host facts from a task',
    description:
      'Every argument except cacheable becomes a host variable (precedence: set_facts). As in Ansible, a ' +
      "string value 'true', 'false', 'yes' or 'no' (any case) becomes a boolean.",
    examples: [
      '- set_fact: app_port=8080 app_debug=no',
      '- set_fact:',
      '    backends: "{{ groups.web | sort }}"',
    ].join('\n'),
    returns: { ansible_facts: 'The variables set.' },
  },
  params,
  // The variable names are the parameters: checkParams passes unknown keys through.
  freeKeys: true,
  check: 'full',
  diff: false,
  runsOn: 'controller',
  plan(p) {
    const facts: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(p as Record<string, unknown>)) {
      if (k === 'cacheable') continue;
      if (!IDENTIFIER.test(k)) {
        return {
          changed: false,
          steps: [],
          failed: true,
          result: {
            msg:
              `The variable name '${k}' is not valid. Variables must start with a letter or underscore ` +
              'character, and contain only letters, numbers and underscores.',
          },
        };
      }
      facts[k] = typeof v === 'string' && v.toLowerCase() in BOOL_WORDS ? BOOL_WORDS[v.toLowerCase()] : v;
    }
    if (Object.keys(facts).length === 0) {
      return {
        changed: false,
        steps: [],
        failed: true,
        result: { msg: 'No key/value pairs provided, at least one is required for this action to succeed' },
      };
    }
    return {
      changed: false,
      steps: [],
      result: { ansible_facts: facts, _ansible_facts_cacheable: p.cacheable },
    };
  },
});
