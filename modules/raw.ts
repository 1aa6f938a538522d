// raw: send a command line to the host's shell as it is, with no wrapper at all.
import { defineModule, type Plan } from '../src/core/module.js';
import { sh } from '../src/core/sh.js';
import { splitLines } from './_shared/command.js';

const params = {
  free_form: { type: 'str', required: true, description: 'The command line.' },
  executable: { type: 'path', description: 'Run the text with this shell (`<executable> -c <text>`).' },
} as const;

export const raw = defineModule({
  name: 'raw',
  doc: {
    short: 'Run a command line as it is',
    description:
      'The text goes to /bin/sh -c unchanged (or to `executable -c`). Always changed. Skipped in check mode: ' +
      'tsible never runs a plan in check mode (Ansible would run raw anyway).',
    examples: '- raw: apt-get install -y python3',
    returns: {
      rc: 'Exit code.',
      stdout: 'Standard output (not stripped).',
      stderr: 'Standard error.',
      stdout_lines: 'stdout split into lines.',
      stderr_lines: 'stderr split into lines.',
    },
  },
  params,
  freeForm: 'free_form',
  freeFormKeys: ['executable'],
  check: 'none',
  diff: false,
  runsOn: 'host',
  plan(p, _f, ctx): Plan {
    if (ctx.check) {
      return {
        changed: false,
        steps: [],
        skipped: true,
        result: { msg: 'Command would have run if not in check mode', rc: 0, stdout: '', stderr: '' },
      };
    }
    const cmd = p.executable === undefined ? p.free_form : sh`exec ${p.executable} -c ${p.free_form}`;
    return {
      changed: true,
      steps: [{ kind: 'run', cmd, okRc: 'any', label: p.free_form }],
      result: {},
      finish: (outs) => {
        const out = outs[0] ?? { rc: -1, stdout: '', stderr: '' };
        return {
          changed: true,
          rc: out.rc,
          stdout: out.stdout,
          stderr: out.stderr,
          stdout_lines: splitLines(out.stdout),
          stderr_lines: splitLines(out.stderr),
          ...(out.rc !== 0 ? { failed: true, msg: 'non-zero return code' } : {}),
        };
      },
    };
  },
});
