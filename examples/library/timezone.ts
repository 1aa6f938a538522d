// timezone: a custom tsible module (the worked example of docs/custom-modules.md). It sets the host's
// time zone the Debian way: the /etc/localtime symlink and the /etc/timezone file.
import type { LibraryApi } from '../../modules/library.js';
import type { StepOutput } from '../../src/core/module.js';

const ZONEINFO = '/usr/share/zoneinfo';

interface TzState {
  zoneExists: boolean;
  link: string;
  file: string;
}

/** One command reads all three things; `sh` quotes the user's value so it is never run as code. */
export function parseTz(out: StepOutput): TzState {
  const [exists = '', link = '', file = ''] = out.stdout.split('\n');
  return { zoneExists: exists === 'yes', link, file };
}

export default ({ sh, defineModule }: LibraryApi) =>
  defineModule({
    name: 'timezone',
    doc: {
      short: 'Set the time zone (Debian: /etc/localtime and /etc/timezone)',
      examples: '- timezone: name=Europe/Paris',
      returns: { before: 'The zone before.', after: 'The zone after.' },
    },
    params: {
      name: { type: 'str', required: true, description: 'A zone of /usr/share/zoneinfo, like Europe/Paris.' },
    },
    check: 'full',
    diff: true,
    runsOn: 'host',
    facts(p) {
      const zone = `${ZONEINFO}/${p.name}`;
      return {
        tz: {
          cmd: [
            sh`if [ -f ${zone} ]; then echo yes; else echo no; fi`,
            'readlink /etc/localtime || echo',
            'head -n1 /etc/timezone 2>/dev/null || echo',
          ].join('\n'),
          parse: parseTz,
        },
      };
    },
    plan(p, f, ctx) {
      const zone = `${ZONEINFO}/${p.name}`;
      if (!f.tz.zoneExists || p.name.includes('..')) {
        return { changed: false, steps: [], failed: true, result: { msg: `unknown time zone: ${p.name}` } };
      }
      const before = f.tz.file || f.tz.link.replace(`${ZONEINFO}/`, '');
      const steps = [];
      if (f.tz.link !== zone)
        steps.push({ kind: 'run' as const, cmd: sh`ln -sfn -- ${zone} /etc/localtime` });
      if (f.tz.file !== p.name)
        steps.push({ kind: 'put' as const, dest: '/etc/timezone', content: Buffer.from(`${p.name}\n`) });
      const result = { before, after: p.name };
      if (steps.length === 0) return { changed: false, steps, result };
      return {
        changed: true,
        steps,
        result,
        ...(ctx.diff
          ? { diff: [{ before: `timezone = ${before}\n`, after: `timezone = ${p.name}\n` }] }
          : {}),
      };
    },
  });
