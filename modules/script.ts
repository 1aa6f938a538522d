// script: copy a controller script to a temporary file on the host, run it with arguments, remove it.
import { readFileSync } from 'node:fs';
import { defineModule, type Plan } from '../src/core/module.js';
import { readLocalFile } from '../src/core/read.js';
import { sh } from '../src/core/sh.js';
import { commandResult, guardPlan, timedScript } from './_shared/command.js';
import { commandReturns } from './_shared/command-params.js';
import { failPlan } from './_shared/fail.js';
import { guardFacts } from './_shared/guard-facts.js';
import { shlexSplit } from './_shared/shlex.js';

const params = {
  free_form: { type: 'str', description: 'The script path (searched in files/) followed by its arguments.' },
  cmd: { type: 'str', description: 'The same as an argument instead of free form.' },
  chdir: { type: 'path', description: 'Run the script in this directory on the host.' },
  creates: { type: 'path', description: 'A path or glob on the host; if it exists, the script is not run.' },
  removes: {
    type: 'path',
    description: 'A path or glob on the host; if it does not exist, the script is not run.',
  },
  executable: {
    type: 'str',
    description: 'Run the script with this program (e.g. /bin/bash) instead of its #!.',
  },
  decrypt: {
    type: 'bool',
    default: true,
    description: "Decrypt a vault-encrypted script with the run's vault secrets.",
  },
} as const;

export const script = defineModule({
  name: 'script',
  doc: {
    short: 'Runs a local script on a remote node after transferring it',
    description:
      'The script travels on the connection into a mktemp file (mode 0700), runs with stdin closed, and is ' +
      'removed whatever happens. Arguments are split like a shell would split them and each reaches the ' +
      'script as one word, unexpanded. Always changed unless creates/removes short-circuit it; skipped ' +
      'in check mode unless they are given.',
    examples: [
      '- script: files/setup.sh --port 8080',
      '- script: bootstrap.sh creates=/etc/bootstrapped chdir=/opt',
      '- script:',
      '    cmd: report.py --json',
      '    executable: python3',
    ].join('\n'),
    returns: commandReturns,
  },
  params,
  freeForm: 'free_form',
  freeFormKeys: ['chdir', 'creates', 'removes', 'executable', 'decrypt'],
  mutuallyExclusive: [['free_form', 'cmd']],
  check: 'partial',
  diff: false,
  runsOn: 'host',
  facts(p) {
    return guardFacts(p);
  },
  plan(p, f, ctx): Plan {
    const text = (p.free_form ?? p.cmd ?? '').trim();
    let words: string[];
    try {
      words = shlexSplit(text);
    } catch (e) {
      return failPlan((e as Error).message);
    }
    const [src, ...args] = words;
    if (src === undefined) return failPlan('script: no script given');
    let content: Buffer;
    try {
      const path = ctx.findFile('files', src);
      content = p.decrypt ? readLocalFile(path) : readFileSync(path);
    } catch (e) {
      return failPlan((e as Error).message);
    }
    const guard = guardPlan(text, p, f, ctx);
    if (guard) return guard;
    const run =
      p.executable === undefined ? sh`(exec "$t" ${args})` : sh`(exec ${p.executable} "$t" ${args})`;
    const body = [
      't=$(mktemp "${TMPDIR:-/tmp}/tsible-script.XXXXXXXX") || exit 1',
      'trap \'rm -f "$t"\' EXIT HUP INT TERM',
      'cat >"$t" && chmod 0700 "$t" || exit 1',
      `${run} </dev/null`,
    ].join('\n');
    return {
      changed: true,
      steps: [{ kind: 'run', cmd: timedScript(body, p.chdir), stdin: content, okRc: 'any', label: text }],
      result: {},
      finish: (outs) => {
        const r = commandResult(outs[0] ?? { rc: -1, stdout: '', stderr: '' }, text, {
          stripEmptyEnds: false,
          chdir: p.chdir,
        });
        return { ...r, ...(r.rc !== 0 ? { msg: 'non-zero return code' } : {}) };
      },
    };
  },
});
