// package_facts: the installed packages (dpkg) as ansible_facts.packages.
import { defineModule, type Plan, type StepOutput } from '../src/core/module.js';
import { failPlan } from './_shared/fail.js';

const params = {
  manager: {
    type: 'list',
    elements: 'str',
    default: ['auto'],
    description:
      "Package managers to ask: auto or apt (tsible reads dpkg's database; rpm etc. are not supported).",
  },
  strategy: {
    type: 'str',
    default: 'first',
    choices: ['first', 'all'],
    description: 'first: the first manager that works; all: every one.',
  },
} as const;

export interface PackageInfo {
  name: string;
  version: string;
  arch: string;
  category: string;
  source: 'apt';
}

// ${db:Status-Status} is "installed" only for fully installed packages (not config-files or half-done).
const QUERY =
  "dpkg-query -W -f='${db:Status-Status}\\t${Package}\\t${Version}\\t${Architecture}\\t${Section}\\n'";

export function parseDpkgList(stdout: string): Record<string, PackageInfo[]> {
  const out: Record<string, PackageInfo[]> = {};
  for (const line of stdout.split('\n')) {
    const [status, name, version = '', arch = '', section = ''] = line.split('\t');
    if (status !== 'installed' || !name) continue;
    (out[name] ??= []).push({ name, version, arch, category: section, source: 'apt' });
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export const package_facts = defineModule({
  name: 'package_facts',
  doc: {
    short: 'Package information as facts',
    description:
      'Reads the installed packages with dpkg-query; ansible_facts.packages maps each name to a list of ' +
      '{name, version, arch, category, source} (a list, as several architectures can be installed).',
    examples: [
      '- package_facts: manager=auto',
      '- debug: msg="nginx {{ ansible_facts.packages[\'nginx\'][0].version }}"',
      '  when: "\'nginx\' in ansible_facts.packages"',
    ].join('\n'),
    returns: { ansible_facts: 'packages: name → list of installed instances.' },
  },
  params,
  check: 'full',
  diff: false,
  runsOn: 'host',
  facts() {
    return { dpkg: { cmd: QUERY, parse: (o: StepOutput) => o } };
  },
  plan(p, f): Plan {
    const unsupported = p.manager.filter((m) => m !== 'auto' && m !== 'apt');
    if (
      unsupported.length > 0 &&
      (p.strategy === 'all' || !p.manager.some((m) => m === 'auto' || m === 'apt'))
    )
      return failPlan(`Unsupported package manager(s) for tsible: ${unsupported.join(', ')} (only apt)`);
    if (f.dpkg.rc === 127)
      return failPlan('Could not detect a supported package manager from the following list: apt');
    return {
      changed: false,
      steps: [],
      result: { ansible_facts: { packages: parseDpkgList(f.dpkg.stdout) } },
    };
  },
});
