// setup: gather facts on demand (the same script as the play's implicit "Gathering Facts").
import { defineModule, type StepOutput } from '../src/core/module.js';
import { quote } from '../src/core/sh.js';
import { filterSubset, GATHER_SCRIPT, parseFacts } from '../src/facts/gather.js';
import { fnmatch } from './_shared/fnmatch.js';

const DEFAULT_FACT_PATH = '/etc/ansible/facts.d';

const params = {
  gather_subset: {
    type: 'list',
    elements: 'str',
    default: ['all'],
    description: "Subsets to collect: all, min, hardware, network, ... ('!' excludes: ['!all', 'network']).",
  },
  gather_timeout: {
    type: 'int',
    default: 10,
    description: 'Accepted; the fact script runs in one round trip.',
  },
  filter: {
    type: 'list',
    elements: 'str',
    default: [],
    description: 'Only return facts whose ansible_ name matches one of these shell patterns (ansible_eth*).',
  },
  fact_path: { type: 'path', default: DEFAULT_FACT_PATH, description: 'Directory of local *.fact files.' },
} as const;

export const setup = defineModule({
  name: 'setup',
  doc: {
    short: 'Gather facts about remote hosts',
    description:
      'Returns the facts under their ansible_ names, like Ansible; the engine stores them without the ' +
      'prefix in ansible_facts. Never changed.',
    examples: [
      '- setup:',
      '- setup: gather_subset=!all,!min,network',
      '- setup: filter=ansible_distribution*',
    ].join('\n'),
    returns: { ansible_facts: 'The facts (ansible_hostname, ansible_distribution, ...).' },
  },
  params,
  check: 'full',
  diff: false,
  runsOn: 'host',
  facts(p) {
    const script =
      p.fact_path === DEFAULT_FACT_PATH
        ? GATHER_SCRIPT
        : GATHER_SCRIPT.split(`${DEFAULT_FACT_PATH}/*.fact`).join(`${quote(p.fact_path)}/*.fact`);
    return { out: { cmd: script, parse: (o: StepOutput) => o.stdout } };
  },
  plan(p, f) {
    const subset = p.gather_subset
      .flatMap((s) => s.split(','))
      .map((s) => s.trim())
      .filter(Boolean);
    const facts = filterSubset(parseFacts(f.out), subset);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(facts)) {
      const name = `ansible_${k}`;
      if (p.filter.length === 0 || p.filter.some((pat) => fnmatch(name, pat))) out[name] = v;
    }
    out.gather_subset = subset.length > 0 ? subset : ['all'];
    out.module_setup = true;
    return { changed: false, steps: [], result: { ansible_facts: out } };
  },
});
