// cron: manage crontab entries (under `#Ansible: <name>` markers) and variables, per user or in /etc/cron.d.
import { posix } from 'node:path';
import {
  defineModule,
  type ModuleResult,
  type Plan,
  type Step,
  type StepOutput,
} from '../src/core/module.js';
import { sh } from '../src/core/sh.js';
import { crontab, type Crontab } from '../src/facts/crontab.js';
import { textFile, type TextFile } from '../src/facts/text-file.js';
import {
  cronLines,
  envNames,
  jobLine,
  jobNames,
  removeEnv,
  removeJob,
  renderCron,
  setEnv,
  setJob,
  type EditResult,
} from './_shared/crontab-edit.js';
import { unused } from './_shared/facts.js';
import { failPlan, notInstalledYet } from './_shared/fail.js';
import { planTextWrite } from './_shared/text-write.js';

const TIME = (what: string) =>
  ({ type: 'str', default: '*', description: `${what} ('*', '*/5', '1,15', ...).` }) as const;

const params = {
  name: {
    type: 'str',
    required: true,
    description: "The job's name (its `#Ansible: <name>` marker), or with env=yes the variable name.",
  },
  job: { type: 'str', aliases: ['value'], description: 'The command (or with env=yes the value).' },
  user: { type: 'str', description: "Whose crontab (default: the task's user); required with cron_file." },
  cron_file: {
    type: 'path',
    description:
      'A file in /etc/cron.d (or an absolute path) instead of a user crontab; its lines name the user.',
  },
  state: {
    type: 'str',
    default: 'present',
    choices: ['absent', 'present'],
    description: 'Whether the entry exists.',
  },
  backup: { type: 'bool', default: false, description: 'Keep a copy of the crontab before changing it.' },
  minute: TIME('Minute'),
  hour: TIME('Hour'),
  day: { ...TIME('Day of the month'), aliases: ['dom'] },
  month: TIME('Month'),
  weekday: { ...TIME('Day of the week'), aliases: ['dow'] },
  special_time: {
    type: 'str',
    choices: ['annually', 'daily', 'hourly', 'monthly', 'reboot', 'weekly', 'yearly'],
    description: 'Use @daily etc. instead of the time fields.',
  },
  disabled: { type: 'bool', default: false, description: 'Keep the job, commented out.' },
  env: { type: 'bool', default: false, description: 'Manage a NAME="value" variable line instead of a job.' },
  insertafter: { type: 'str', description: 'With env=yes: put a new variable after this one.' },
  insertbefore: { type: 'str', description: 'With env=yes: put a new variable before this one.' },
} as const;

export const cron = defineModule({
  name: 'cron',
  doc: {
    short: 'Manage cron jobs and variables',
    description:
      'Edits the user crontab through `crontab -l` / `crontab -` (the cron package must be installed), or a ' +
      'file in /etc/cron.d. Entries are found by their `#Ansible: <name>` marker; an identical unmarked job ' +
      'line is adopted. With cron_file, state=absent removes the file once nothing is left in it.',
    examples: [
      '- cron: name="nightly backup" minute=0 hour=3 job="/usr/local/bin/backup >/dev/null 2>&1"',
      '- cron: name=cleanup special_time=hourly user=www-data cron_file=app-cleanup job="/srv/app/cleanup"',
      '- cron: name=PATH env=yes job=/usr/local/bin:/usr/bin:/bin',
      '- cron: name="nightly backup" state=absent',
    ].join('\n'),
    returns: {
      jobs: 'Names of the jobs in the crontab afterwards.',
      envs: 'Names of the variables afterwards.',
      cron_file: 'The cron file (with cron_file).',
      backup_file: 'The copy made with backup=yes.',
    },
  },
  params,
  mutuallyExclusive: [['insertafter', 'insertbefore']],
  check: 'full',
  diff: true,
  runsOn: 'host',
  facts(p) {
    const file = p.cron_file === undefined ? undefined : cronPath(p.cron_file);
    return {
      file: file === undefined ? unused<TextFile>() : textFile(file),
      dir:
        file === undefined
          ? unused<boolean>()
          : { cmd: sh`test -d ${posix.dirname(file)}`, parse: (o: StepOutput) => o.rc === 0 },
      tab: file === undefined ? crontab(p.user) : unused<Crontab>(),
    };
  },
  plan(p, f, ctx): Plan {
    const install = p.state === 'present';
    const file = p.cron_file === undefined ? undefined : cronPath(p.cron_file);
    if (file !== undefined && install && p.user === undefined)
      return failPlan(`To use cron_file=... parameter you must specify user=... as well`);
    if (p.job === undefined && install)
      return failPlan("You must specify 'job' to install a new cron job or variable");
    if ((p.insertafter !== undefined || p.insertbefore !== undefined) && !p.env && install)
      return failPlan('Insertafter and insertbefore parameters are valid only with env=yes');
    if (p.special_time !== undefined && [p.minute, p.hour, p.day, p.month, p.weekday].some((x) => x !== '*'))
      return failPlan('You must specify time and date fields or special time.');
    if (p.env && p.name.includes(' ')) return failPlan('Invalid name for environment variable');
    if (p.job !== undefined && /[\r\n]/.test(p.job.replace(/^[\r\n]+|[\r\n]+$/g, '')))
      ctx.warn('Job should not contain line breaks');

    let before: string;
    if (file !== undefined) {
      const tf = f.file as TextFile;
      if (tf.tooLarge) return failPlan(`${file} is too large to edit`);
      if (!tf.exists && !(f.dir as boolean) && install)
        return failPlan(`Directory ${posix.dirname(file)} does not exist`);
      before = tf.text;
    } else {
      const tab = f.tab as Crontab;
      if (!tab.available) {
        if (ctx.check && ctx.pending.packages.length > 0) return notInstalledYet('crontab');
        return failPlan('crontab not found on the host: install the cron package to manage user crontabs');
      }
      if (tab.error !== undefined) return failPlan(tab.error);
      before = tab.text;
    }

    const lines = cronLines(before, file === undefined);
    let edit: EditResult & { error?: string };
    if (p.env) {
      edit = install
        ? setEnv(lines, p.name, p.job ?? '', { insertafter: p.insertafter, insertbefore: p.insertbefore })
        : removeEnv(lines, p.name);
      if (edit.error !== undefined) return failPlan(edit.error);
    } else if (install) {
      const line = jobLine({
        minute: p.minute,
        hour: p.hour,
        day: p.day,
        month: p.month,
        weekday: p.weekday,
        job: p.job ?? '',
        special: p.special_time,
        disabled: p.disabled,
        user: file !== undefined ? p.user : undefined,
      });
      edit = setJob(lines, p.name, line);
    } else {
      edit = removeJob(lines, p.name);
    }

    const result: ModuleResult = { jobs: jobNames(edit.lines), envs: envNames(edit.lines) };
    if (file !== undefined) Object.assign(result, { cron_file: file, state: p.state });
    if (!edit.changed) return { changed: false, steps: [], result };
    const after = renderCron(edit.lines);
    const header = file ?? (p.user !== undefined ? `crontab for user "${p.user}"` : 'crontab');

    if (file !== undefined) {
      // A cron.d file left with nothing in it goes away, as with Ansible.
      const remove = !install && after.trim() === '';
      const w = planTextWrite({
        now: f.file as TextFile,
        after: remove ? undefined : after,
        // cron ignores group- or world-writable files in /etc/cron.d, so a new one gets 0644.
        attrs: (f.file as TextFile).exists ? {} : { mode: { kind: 'octal', bits: 0o644 } },
        diff: ctx.diff,
        backup: p.backup,
        header,
      });
      return { changed: w.changed, steps: w.steps, result, ...(w.diff ? { diff: w.diff } : {}) };
    }

    const tabCmd = p.user === undefined ? 'crontab' : sh`crontab -u ${p.user}`;
    const steps: Step[] = [];
    if (p.backup) {
      steps.push({
        kind: 'run',
        cmd: `b=$(mktemp /tmp/crontab.XXXXXXXX) && ${tabCmd} -l >"$b" 2>/dev/null; echo "backup_file=$b"`,
        okRc: 'any',
      });
    }
    steps.push({ kind: 'run', cmd: `${tabCmd} -`, stdin: after });
    const plan: Plan = { changed: true, steps, result };
    if (ctx.diff) plan.diff = [{ before, after, beforeHeader: header, afterHeader: header }];
    return plan;
  },
});

/** A relative cron_file is a name in /etc/cron.d. */
function cronPath(f: string): string {
  return posix.isAbsolute(f) ? f : posix.join('/etc/cron.d', f);
}
