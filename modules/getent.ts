// getent: read a name service database (passwd, group, hosts, services, ...) into getent_<database> facts.
import { defineModule, type ModuleResult, type Plan, type StepOutput } from '../src/core/module.js';
import { sh } from '../src/core/sh.js';
import { failPlan } from './_shared/fail.js';

const params = {
  database: {
    type: 'str',
    required: true,
    description: 'The database: passwd, group, shadow, hosts, services, ...',
  },
  key: { type: 'str', description: 'Look up only this entry (default: the whole database).' },
  split: {
    type: 'str',
    description: "Field separator (default ':' for passwd, shadow, group and gshadow, else whitespace).",
  },
  fail_key: { type: 'bool', default: true, description: 'Fail when the key is not found.' },
  service: { type: 'str', description: 'Use this NSS service (getent -s).' },
} as const;

const COLON_DBS = new Set(['passwd', 'shadow', 'group', 'gshadow']);

export const getent = defineModule({
  name: 'getent',
  doc: {
    short: 'A wrapper to the unix getent utility',
    description:
      'Each line becomes `key: [other fields]` under ansible_facts.getent_<database>; a key seen on several ' +
      'lines gets a list of those lists. Never changed; runs in check mode too.',
    examples: [
      '- getent: database=passwd key=www-data',
      '- debug: var=getent_passwd["www-data"][1]',
      '- getent: database=hosts',
    ].join('\n'),
    returns: { ansible_facts: 'getent_<database>: the entries by key.' },
  },
  params,
  check: 'full',
  diff: false,
  runsOn: 'host',
  facts(p) {
    const cmd = sh`getent ${p.service !== undefined ? ['-s', p.service] : []} -- ${p.database} ${p.key !== undefined ? [p.key] : []}`;
    return { out: { cmd: `${cmd} 2>&1`, parse: (o: StepOutput) => o } };
  },
  plan(p, f): Plan {
    const out = f.out;
    const db = `getent_${p.database}`;
    const entries: Record<string, unknown> = {};
    if (out.rc === 0) {
      const seen = new Map<string, number>();
      for (const line of out.stdout.split('\n')) {
        if (line === '') continue;
        const rec = splitRecord(line, p.split ?? (COLON_DBS.has(p.database) ? ':' : undefined));
        const k = rec[0] ?? '';
        const n = seen.get(k) ?? 0;
        if (n === 0) entries[k] = rec.slice(1);
        else if (n === 1) entries[k] = [entries[k], rec.slice(1)];
        else (entries[k] as unknown[]).push(rec.slice(1));
        seen.set(k, n + 1);
      }
      return { changed: false, steps: [], result: { ansible_facts: { [db]: entries } } };
    }
    const msg =
      out.rc === 1
        ? 'Missing arguments, or database unknown.'
        : out.rc === 2
          ? 'One or more supplied key could not be found in the database.'
          : out.rc === 3
            ? 'Enumeration not supported on this database.'
            : out.rc === 127
              ? 'getent not found on the host'
              : `getent failed (rc=${out.rc}): ${out.stdout.trim()}`;
    if (out.rc === 2 && !p.fail_key) {
      const result: ModuleResult = { ansible_facts: { [db]: { [p.key ?? '']: null } }, msg };
      return { changed: false, steps: [], result };
    }
    return failPlan(msg);
  },
});

/** Python's str.split: on the separator, or on runs of whitespace when there is none. */
function splitRecord(line: string, sep: string | undefined): string[] {
  return sep === undefined ? line.trim().split(/\s+/) : line.split(sep);
}
