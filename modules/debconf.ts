// debconf: preseed a package's debconf answers (debconf-set-selections), compared with the debconf database.
import { defineModule, type ModuleResult, type Plan } from '../src/core/module.js';
import { debconfQuestions } from '../src/facts/debconf-db.js';
import { failPlan } from './_shared/fail.js';

const params = {
  name: {
    type: 'str',
    required: true,
    aliases: ['pkg'],
    description: 'The package the question belongs to.',
  },
  question: {
    type: 'str',
    aliases: ['selection', 'setting'],
    description: 'The question (tzdata/Areas); without it, only the current answers are returned.',
  },
  vtype: {
    type: 'str',
    choices: [
      'boolean',
      'error',
      'multiselect',
      'note',
      'password',
      'seen',
      'select',
      'string',
      'text',
      'title',
    ],
    description: 'The type of the answer.',
  },
  value: {
    type: 'raw',
    aliases: ['answer'],
    description: 'The answer (a list for multiselect is joined with ", ").',
  },
  unseen: {
    type: 'bool',
    default: false,
    description: 'Do not mark the question as seen (debconf-set-selections -u).',
  },
} as const;

const MASK = '********';

function normalise(value: unknown, vtype: string): string {
  if (Array.isArray(value)) return value.map(String).join(', ');
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const s = String(value);
  return vtype === 'boolean' ? s.toLowerCase() : s;
}

function sameAnswer(a: string, b: string, vtype: string): boolean {
  if (vtype === 'multiselect') {
    const norm = (s: string) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)
        .sort()
        .join(', ');
    return norm(a) === norm(b);
  }
  return a === b;
}

export const debconf = defineModule({
  name: 'debconf',
  doc: {
    short: 'Configure a .deb package',
    description:
      'Reads the answer from /var/cache/debconf (config.dat, and passwords.dat for passwords: use become) and ' +
      'sets it with debconf-set-selections only when it differs, so it also works before the package is ' +
      'installed. Password answers are masked in the result and the diff.',
    examples: [
      '- debconf: name=tzdata question=tzdata/Areas vtype=select value=Europe',
      '- debconf:',
      '    name: locales',
      '    question: locales/locales_to_be_generated',
      '    vtype: multiselect',
      '    value: [en_US.UTF-8 UTF-8, fr_FR.UTF-8 UTF-8]',
    ].join('\n'),
    returns: {
      current: 'The answers now (the one set, or all of the package).',
      previous: 'The answer before.',
    },
  },
  params,
  check: 'full',
  diff: true,
  runsOn: 'host',
  facts(p) {
    return { db: debconfQuestions(p.name, p.question) };
  },
  plan(p, f, ctx): Plan {
    const db = f.db;
    if (!db.readable) return failPlan('cannot read the debconf database (/var/cache/debconf/config.dat)');
    if (p.question === undefined) {
      const current = Object.fromEntries(db.questions.map((q) => [q.name, q.value ?? '']));
      return { changed: false, steps: [], result: { current } };
    }
    if (p.vtype === undefined || p.value === undefined)
      return failPlan('when supplying a question you must supply a valid vtype and value');
    const value = normalise(p.value, p.vtype);
    const q = db.questions.find((x) => x.name === p.question);
    const secret = p.vtype === 'password';
    const show = (v: string) => (secret ? MASK : v);
    const prev = q?.value;
    if (q !== undefined && prev !== undefined && sameAnswer(prev, value, p.vtype))
      return { changed: false, steps: [], result: { current: { [p.question]: show(prev) } } };
    const line = `${p.name} ${p.question} ${p.vtype} ${value}\n`;
    const result: ModuleResult = {
      current: { [p.question]: show(value) },
      previous: { [p.question]: show(prev ?? '') },
    };
    const plan: Plan = {
      changed: true,
      steps: [
        {
          kind: 'run',
          cmd: p.unseen ? 'debconf-set-selections -u' : 'debconf-set-selections',
          stdin: line,
          label: `debconf-set-selections ${p.name} ${p.question} ${p.vtype} ${show(value)}`,
        },
      ],
      result,
    };
    if (ctx.diff) {
      const fmt = (v: string) => `${JSON.stringify({ [p.question!]: show(v) }, null, 4)}\n`;
      plan.diff = [{ before: fmt(prev ?? ''), after: fmt(value) }];
    }
    return plan;
  },
});
