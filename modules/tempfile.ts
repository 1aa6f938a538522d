// tempfile: create a unique temporary file or directory on the host (always changed, like mkstemp).
import { defineModule, type Plan } from '../src/core/module.js';
import { sh } from '../src/core/sh.js';
import { skippedInCheck } from './_shared/files-common.js';
import { parsePathInfo, pathInfoCmd } from './_shared/files-pathinfo.js';

const params = {
  state: {
    type: 'str',
    default: 'file',
    choices: ['directory', 'file'],
    description: 'Create a file or a directory.',
  },
  path: { type: 'path', description: 'Where to create it (default: $TMPDIR or /tmp).' },
  prefix: { type: 'str', default: 'ansible.', description: 'Start of the name.' },
  suffix: { type: 'str', default: '', description: 'End of the name.' },
} as const;

export const tempfile = defineModule({
  name: 'tempfile',
  doc: {
    short: 'Create temporary files and directories',
    description:
      'A new name every run (prefix + 8 random characters + suffix), mode 0600 for files and 0700 for ' +
      'directories. Not run in check mode, like Ansible.',
    examples: ['- tempfile: state=directory suffix=build', '  register: build_dir'].join('\n'),
    returns: {
      path: 'The path created.',
      mode: 'Its mode.',
      owner: 'Owner name.',
      state: 'file or directory.',
    },
  },
  params,
  check: 'none',
  diff: false,
  runsOn: 'host',
  plan(p, _f, ctx): Plan {
    if (ctx.check) return skippedInCheck('tempfile');
    // mktemp needs the X run at the end of the template; --suffix puts the suffix after it.
    const dir = p.path === undefined ? '"${TMPDIR:-/tmp}"' : sh`${p.path}`;
    const mk = p.state === 'directory' ? 'mktemp -d -p' : 'mktemp -p';
    const cmd = [
      `t=$(${mk} ${dir} ${sh`--suffix=${p.suffix} -- ${`${p.prefix}XXXXXXXX`}`}) || exit 1`,
      'printf "path=%s\\n" "$t"',
      pathInfoCmd('"$t"'),
    ].join('\n');
    return {
      changed: true,
      steps: [{ kind: 'run', cmd }],
      result: {},
      finish: (outputs) => {
        const out = outputs[0];
        const path = /^path=(.*)$/m.exec(out?.stdout ?? '')?.[1];
        return { path, ...(parsePathInfo(out) ?? {}) };
      },
    };
  },
});
