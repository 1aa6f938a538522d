// group: create, change the gid of, or remove a local group (groupadd/groupmod/groupdel).
import { defineModule, type ModuleResult, type Plan, type RunStep } from '../src/core/module.js';
import { sh } from '../src/core/sh.js';
import { accounts, parseGroupLine } from '../src/facts/accounts.js';
import { failPlan } from './_shared/fail.js';

const params = {
  name: { type: 'str', required: true, description: 'Group name.' },
  gid: { type: 'int', description: 'The group id.' },
  state: {
    type: 'str',
    default: 'present',
    choices: ['absent', 'present'],
    description: 'Whether it exists.',
  },
  force: {
    type: 'bool',
    default: false,
    description: "With state=absent, remove it even if it is some user's primary group (groupdel -f).",
  },
  system: { type: 'bool', default: false, description: 'Create a system group (a gid in the system range).' },
  local: { type: 'bool', default: false, description: 'Use lgroupadd (libuser); not supported by tsible.' },
  non_unique: {
    type: 'bool',
    default: false,
    description: 'Allow a gid that another group has (needs gid).',
  },
} as const;

export const group = defineModule({
  name: 'group',
  doc: {
    short: 'Add or remove groups',
    description:
      'Reads the group through getent; changed when the group is created, removed or gets a new gid.',
    examples: [
      '- group: name=deploy gid=1500',
      '- group: name=builders system=yes',
      '- group: name=old state=absent',
    ].join('\n'),
    returns: {
      name: 'Group name.',
      gid: 'Group id.',
      state: 'present or absent.',
      system: 'A system group.',
    },
  },
  params,
  check: 'full',
  diff: false,
  runsOn: 'host',
  facts() {
    return { db: accounts() };
  },
  plan(p, f): Plan {
    if (p.local) return failPlan('local=yes needs lgroupadd (libuser), which tsible does not support');
    if (p.non_unique && p.gid === undefined) return failPlan('non_unique=yes requires gid');
    const cur = f.db.groups.find((g) => g.name === p.name);
    const result: ModuleResult = { name: p.name, state: p.state };
    if (p.state === 'absent') {
      if (!cur) return { changed: false, steps: [], result };
      return {
        changed: true,
        steps: [{ kind: 'run', cmd: sh`groupdel ${p.force ? ['-f'] : []} -- ${p.name}` }],
        result,
      };
    }
    result.system = p.system;
    const steps: RunStep[] = [];
    if (!cur) {
      const opts = [
        ...(p.gid !== undefined ? ['-g', String(p.gid)] : []),
        ...(p.non_unique ? ['-o'] : []),
        ...(p.system ? ['-r'] : []),
      ];
      steps.push({ kind: 'run', cmd: sh`groupadd ${opts} -- ${p.name}` });
    } else if (p.gid !== undefined && p.gid !== cur.gid) {
      steps.push({
        kind: 'run',
        cmd: sh`groupmod -g ${String(p.gid)} ${p.non_unique ? ['-o'] : []} -- ${p.name}`,
      });
    } else {
      return { changed: false, steps: [], result: { ...result, gid: cur.gid } };
    }
    // The gid a new group got is known only afterwards.
    steps.push({ kind: 'run', cmd: sh`getent group -- ${p.name}` });
    return {
      changed: true,
      steps,
      result: { ...result, ...(p.gid !== undefined ? { gid: p.gid } : {}) },
      finish: (outs) => {
        const g = parseGroupLine((outs.at(-1)?.stdout ?? '').trim());
        return g ? { gid: g.gid } : {};
      },
    };
  },
});
