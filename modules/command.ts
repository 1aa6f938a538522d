// command: run a program with arguments on the host, with no shell interpreting the text.
import { defineModule, type Plan } from '../src/core/module.js';
import { sh } from '../src/core/sh.js';
import { globExists, type GlobExists } from '../src/facts/glob-exists.js';
import { commandResult, guardPlan, timedScript } from './_shared/command.js';
import { commandCommonParams, commandFreeFormKeys, commandReturns } from './_shared/command-params.js';
import { unused } from './_shared/facts.js';
import { shlexSplit } from './_shared/shlex.js';

const params = {
  ...commandCommonParams,
  argv: {
    type: 'list',
    elements: 'str',
    description: 'The command as a list of words (no splitting at all).',
  },
  executable: {
    type: 'path',
    description: 'Run this program instead of the first word (which stays argv[0]).',
  },
} as const;

export const command = defineModule({
  name: 'command',
  doc: {
    short: 'Run a command without a shell',
    description:
      'The free form is split into words like a POSIX shell would split quotes (shlex), and each word reaches ' +
      'the program literally: $HOME, ;, |, > and backticks are not interpreted. Always changed unless ' +
      'creates/removes short-circuit it; skipped in check mode unless they are given.',
    examples: [
      '- command: /usr/sbin/nginx -t',
      '- command: tar xzf app.tgz chdir=/opt creates=/opt/app',
      '- command:',
      '    argv: [/usr/bin/printf, "%s\\n", "a b"]',
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
    const text = p.free_form ?? p.cmd;
    if (text !== undefined && p.argv !== undefined)
      return failed('only command or argv can be given, not both');
    let argv: string[];
    try {
      argv = p.argv ?? shlexSplit(text ?? '');
    } catch (e) {
      return failed((e as Error).message);
    }
    if (argv.length === 0)
      return { changed: false, steps: [], failed: true, result: { msg: 'no command given', rc: 256 } };
    const guard = guardPlan(argv, p, f, ctx);
    if (guard) return guard;
    // `exec` runs the program found in PATH, never a shell builtin of the same name (echo, test, printf
    // behave like the real programs, as in Ansible); the subshell keeps our wrapper alive to time it.
    const words = p.executable === undefined ? argv : [p.executable, ...argv.slice(1)];
    const cmd = timedScript(sh`(exec ${words})`, p.chdir);
    const stdin = p.stdin === undefined ? undefined : p.stdin + (p.stdin_add_newline ? '\n' : '');
    return {
      changed: true,
      steps: [
        { kind: 'run', cmd, okRc: 'any', label: argv.join(' '), ...(stdin !== undefined ? { stdin } : {}) },
      ],
      result: {},
      finish: (outs) =>
        commandResult(outs[0] ?? { rc: -1, stdout: '', stderr: '' }, argv, {
          stripEmptyEnds: p.strip_empty_ends,
          chdir: p.chdir,
          execErrors: true,
        }),
    };
  },
});

function failed(msg: string): Plan {
  return { changed: false, steps: [], failed: true, result: { msg } };
}
