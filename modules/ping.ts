// ping: check that the host is reachable and can run a command (no ICMP, no Python).
import { defineModule, type StepOutput } from '../src/core/module.js';

export const ping = defineModule({
  name: 'ping',
  doc: {
    short: 'Try to connect to the host and run a command',
    description: 'Runs `true` on the host; returns ping=data. data=crash fails on purpose, like Ansible.',
    examples: '- ping:\n- ping: data=hello',
    returns: { ping: "The data parameter ('pong')." },
  },
  params: { data: { type: 'str', default: 'pong', description: 'What to return.' } },
  check: 'full',
  diff: false,
  runsOn: 'host',
  facts() {
    return { alive: { cmd: 'true', parse: (out: StepOutput) => out.rc === 0 } };
  },
  plan(p, f) {
    if (p.data === 'crash') {
      return {
        changed: false,
        steps: [],
        failed: true,
        result: {
          msg: 'MODULE FAILURE\nSee stdout/stderr for the exact error',
          module_stderr: 'Exception: boom',
          rc: 1,
        },
      };
    }
    if (!f.alive)
      return { changed: false, steps: [], failed: true, result: { msg: 'the host could not run `true`' } };
    return { changed: false, steps: [], result: { ping: p.data } };
  },
});
