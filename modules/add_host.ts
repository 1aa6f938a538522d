// add_host: add a host (and its groups and variables) to the in-memory inventory for the rest of the run.
import { defineModule } from '../src/core/module.js';
import { failPlan } from './_shared/fail.js';

const params = {
  name: {
    type: 'str',
    required: true,
    aliases: ['host', 'hostname'],
    description: 'The host to add (host:port works too).',
  },
  groups: {
    type: 'list',
    elements: 'str',
    default: [],
    aliases: ['group', 'groupname'],
    description: 'Groups to put the host in (created when missing).',
  },
} as const;

export const add_host = defineModule({
  name: 'add_host',
  doc: {
    short: 'Add a host (and alternatively a group) to the in-memory inventory',
    description:
      'Runs once per play (for the first host, or once per loop item), like Ansible. Every other argument ' +
      'becomes a variable of the new host. The engine applies the result to the inventory, so later plays ' +
      'can target the host or its groups.',
    examples: [
      '- add_host:',
      '    name: "{{ new_ip }}"',
      '    groups: [just_created]',
      '    ansible_user: admin',
    ].join('\n'),
    returns: { add_host: '{host_name, groups, host_vars} as applied to the inventory.' },
  },
  params,
  // Any other key is a host variable.
  freeKeys: true,
  check: 'full',
  diff: false,
  runsOn: 'controller',
  plan(p) {
    const all = p as Record<string, unknown>;
    let name = p.name.trim();
    const vars: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(all)) {
      if (k in params || ['host', 'hostname', 'group', 'groupname'].includes(k)) continue;
      vars[k] = v;
    }
    // host:port sets ansible_port, as in Ansible (not for IPv6 addresses without brackets).
    const m = /^([^:[\]]+|\[[^\]]+\]):(\d+)$/.exec(name);
    if (m) {
      name = m[1]!.replace(/^\[|\]$/g, '');
      vars.ansible_port = Number(m[2]);
    }
    if (!name) return failPlan('add_host needs a host name');
    const groups = p.groups
      .flatMap((g) => String(g).split(','))
      .map((g) => g.trim())
      .filter(Boolean);
    return {
      changed: true,
      steps: [],
      result: { add_host: { host_name: name, groups, host_vars: vars } },
    };
  },
});
