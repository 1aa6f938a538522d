// group_by: put the current host in a group named from its variables (created in the in-memory inventory).
import { defineModule } from '../src/core/module.js';
import { failPlan } from './_shared/fail.js';

export const group_by = defineModule({
  name: 'group_by',
  doc: {
    short: 'Create groups from host variables',
    description:
      'Runs for every host; the engine adds the host to the group `key` (with `parents` as its parent ' +
      'groups), so later plays can target it.',
    examples: '- group_by:\n    key: os_{{ ansible_facts.distribution }}\n    parents: [linux]',
    returns: { add_group: 'The group name.', parent_groups: 'Its parents.' },
  },
  params: {
    key: {
      type: 'str',
      required: true,
      description: 'The group name (spaces become dashes, as in Ansible).',
    },
    parents: { type: 'list', elements: 'str', default: ['all'], description: 'Parent groups of the group.' },
  },
  freeForm: 'key',
  check: 'full',
  diff: false,
  runsOn: 'controller',
  plan(p) {
    const key = p.key.replace(/ /g, '-');
    if (!key) return failPlan("the 'key' param is required when using group_by");
    return { changed: true, steps: [], result: { add_group: key, parent_groups: p.parents.map(String) } };
  },
});
