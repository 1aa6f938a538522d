// sysctl (ansible.posix.sysctl): kernel parameters in a sysctl.conf file and, optionally, the live value.
import {
  defineModule,
  type ModuleResult,
  type Plan,
  type Step,
  type StepOutput,
} from '../src/core/module.js';
import { sh } from '../src/core/sh.js';
import { textFile } from '../src/facts/text-file.js';
import { unused } from './_shared/facts.js';
import { failPlan } from './_shared/fail.js';
import { editSysctl, readSysctl, sameValue, sysctlValue } from './_shared/sysctl-conf.js';
import { planTextWrite } from './_shared/text-write.js';

const params = {
  name: {
    type: 'str',
    required: true,
    aliases: ['key'],
    description: 'The parameter (net.ipv4.ip_forward).',
  },
  value: { type: 'str', aliases: ['val'], description: 'Its value (yes/no become 1/0).' },
  state: {
    type: 'str',
    default: 'present',
    choices: ['absent', 'present'],
    description: 'Whether it is in the file.',
  },
  ignoreerrors: {
    type: 'bool',
    default: false,
    description: 'Ignore unknown keys when reloading (sysctl -e).',
  },
  reload: {
    type: 'bool',
    default: true,
    description: 'After changing the file, load it (sysctl -p FILE): every key in it is applied.',
  },
  sysctl_file: { type: 'path', default: '/etc/sysctl.conf', description: 'The file to edit.' },
  sysctl_set: {
    type: 'bool',
    default: false,
    description: 'Also compare the live value (/proc/sys) and set it with sysctl -w when it differs.',
  },
} as const;

export const sysctl = defineModule({
  name: 'sysctl',
  doc: {
    short: 'Manage entries in sysctl.conf',
    description:
      'Changed when the file changes, or with sysctl_set when the live value differs. A changed line is ' +
      'written as key=value in place; a new one is appended.',
    examples: [
      '- sysctl: name=net.ipv4.ip_forward value=1 sysctl_set=yes',
      '- sysctl: name=vm.swappiness value=10 sysctl_file=/etc/sysctl.d/60-swap.conf reload=no',
      '- sysctl: name=kernel.panic state=absent',
    ].join('\n'),
    returns: {},
  },
  params,
  requiredIf: [['state', 'present', ['value']]],
  check: 'full',
  diff: false,
  runsOn: 'host',
  facts(p) {
    const key = p.name.trim();
    return {
      file: textFile(p.sysctl_file),
      // sysctl -n prints nothing and fails for an unknown key; -e keeps it quiet.
      live: p.sysctl_set
        ? {
            cmd: sh`sysctl -e -n -- ${key}`,
            parse: (o: StepOutput) =>
              o.rc === 0 && o.stdout !== '' ? o.stdout.replace(/\n$/, '') : undefined,
          }
        : unused<string>(),
    };
  },
  plan(p, f): Plan {
    const key = p.name.trim();
    if (f.file.tooLarge) return failPlan(`${p.sysctl_file} is too large to edit`);
    const value = sysctlValue(p.value);
    if (p.state === 'present' && value === '') return failPlan(`value cannot be empty for ${key}`);
    const current = readSysctl(f.file.text).get(key);
    const result: ModuleResult = {};
    const steps: Step[] = [];
    let changed = false;

    const want = p.state === 'present' ? value : undefined;
    const fileChanged =
      want === undefined ? current !== undefined : current === undefined || !sameValue(current, want);
    if (fileChanged) {
      const w = planTextWrite({ now: f.file, after: editSysctl(f.file.text, key, want), diff: false });
      steps.push(...w.steps);
      changed = true;
    }
    if (p.sysctl_set && p.state === 'present') {
      const live = f.live as string | undefined;
      if (live === undefined || !sameValue(live, value)) {
        steps.push({
          kind: 'run',
          cmd: sh`sysctl -w -- ${`${key}=${value}`}`,
          label: `sysctl -w ${key}=${value}`,
        });
        changed = true;
      }
    }
    if (fileChanged && p.reload) {
      steps.push({
        kind: 'run',
        cmd: sh`sysctl ${p.ignoreerrors ? ['-e'] : []} -p ${p.sysctl_file}`,
        label: `sysctl -p ${p.sysctl_file}`,
      });
    }
    return { changed, steps, result };
  },
});
