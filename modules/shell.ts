// shell: run a command line through /bin/sh (or another shell) on the host.
import { defineModule, type Plan } from '../src/core/module.js';
import { sh } from '../src/core/sh.js';
import { globExists, type GlobExists } from '../src/facts/glob-exists.js';
import { commandResult, guardPlan, timedScript } from './_shared/command.js';
import { commandCommonParams, commandFreeFormKeys, commandReturns } from './_shared/command-params.js';
import { unused } from './_shared/facts.js';

const params = {
  ...commandCommonParams,
  executable: { type: 'path', default: '/bin/sh', description: 'The shell that runs the text.' },
} as const;

export const shell = defineModule({
  name: 'shell',
  doc: {
    short: 'Run a command line through a shell',
    description:
      'Runs the text with `/bin/sh -c` (dash on Debian: no bash syntax unless executable=/bin/bash). ' +
      'Always changed unless creates/removes short-circuit it; skipped in check mode unless they are given.',
    examples: [
      '- shell: ls /etc | wc -l',
      '- shell: ./configure && make chdir=/usr/src/app creates=/usr/src/app/app',
      '- shell:',
      '    cmd: set -o pipefail; curl -s "$URL" | sh',
      '    executable: /bin/bash',
    ].join('\n'),
    returns: commandReturns,
  },
  params,
  freeForm: 'free_form',
  freeFormKeys: commandFreeFormKeys,
  check: 'partial',
  diff: false,
  runsOn: 'host',
  facts(p) {
    return {
      creates: p.creates === undefined ? unused<GlobExists>() : globExists(p.creates, p.chdir),
      removes: p.removes === undefined ? unused<GlobExists>() : globExists(p.removes, p.chdir),
    };
  },
  plan(p, f, ctx): Plan {
    const text = p.free_form ?? p.cmd ?? '';
    if (text.trim() === '')
      return { changed: false, steps: [], failed: true, result: { msg: 'no command given', rc: 256 } };
    const guard = guardPlan(text, p, f, ctx);
    if (guard) return guard;
    // The user's text is one quoted argument of the shell: our wrapper never parses it.
    const cmd = timedScript(sh`(exec ${p.executable} -c ${text})`, p.chdir);
    const stdin = p.stdin === undefined ? undefined : p.stdin + (p.stdin_add_newline ? '\n' : '');
    return {
      changed: true,
      steps: [{ kind: 'run', cmd, okRc: 'any', label: text, ...(stdin !== undefined ? { stdin } : {}) }],
      result: {},
      finish: (outs) =>
        commandResult(outs[0] ?? { rc: -1, stdout: '', stderr: '' }, text, {
          stripEmptyEnds: p.strip_empty_ends,
          chdir: p.chdir,
        }),
    };
  },
});
