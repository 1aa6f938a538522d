// systemd (systemd_service): manage units with systemctl: state, enabled, masked, daemon-reload.
import { defineModule, type StepOutput } from '../src/core/module.js';
import { serviceStatus } from '../src/facts/service-status.js';
import { planService, type ServiceState } from './_shared/service.js';

const params = {
  name: { type: 'str', aliases: ['service', 'unit'], description: 'Unit name (.service is implied).' },
  state: {
    type: 'str',
    choices: ['reloaded', 'restarted', 'started', 'stopped'],
    description: 'started/stopped change only on a transition; restarted/reloaded always change.',
  },
  enabled: { type: 'bool', description: 'Start at boot.' },
  masked: { type: 'bool', description: 'Mask the unit so it cannot start.' },
  daemon_reload: {
    type: 'bool',
    default: false,
    aliases: ['daemon-reload'],
    description: 'Run systemctl daemon-reload first (not itself a change).',
  },
  daemon_reexec: {
    type: 'bool',
    default: false,
    aliases: ['daemon-reexec'],
    description: 'Run systemctl daemon-reexec first.',
  },
  scope: {
    type: 'str',
    default: 'system',
    choices: ['system', 'user', 'global'],
    description: 'Only system is supported.',
  },
  no_block: { type: 'bool', default: false, description: 'Do not wait for the job to finish.' },
  force: { type: 'bool', description: 'Accepted for compatibility.' },
} as const;

export const systemd = defineModule({
  name: 'systemd',
  doc: {
    short: 'Manage systemd units',
    description: 'Like service, through systemctl only; fails on hosts where systemd is not running.',
    examples: [
      '- systemd: name=nginx state=restarted daemon_reload=yes',
      '- systemd: name=apt-daily.timer masked=yes',
    ].join('\n'),
    returns: {
      name: 'Unit name.',
      state: 'started or stopped.',
      enabled: 'Start at boot.',
      status: 'Unit properties.',
    },
  },
  params,
  requiredOneOf: [['name', 'daemon_reload', 'daemon_reexec']],
  check: 'full',
  diff: false,
  runsOn: 'host',
  facts(p) {
    return {
      running: { cmd: 'test -d /run/systemd/system', parse: (out: StepOutput) => out.rc === 0 },
      status: serviceStatus(p.name ?? '', { use: 'systemd' }),
    };
  },
  plan(p, f, ctx) {
    if (p.scope !== 'system')
      return {
        changed: false,
        steps: [],
        failed: true,
        result: { msg: `scope ${p.scope} is not supported by tsible` },
      };
    if (!f.running) {
      return {
        changed: false,
        steps: [],
        failed: true,
        result: { msg: "System has not been booted with systemd as init system (PID 1). Can't operate." },
      };
    }
    if (p.name === undefined) {
      const steps = [
        ...(p.daemon_reexec ? [{ kind: 'run' as const, cmd: 'systemctl daemon-reexec' }] : []),
        ...(p.daemon_reload ? [{ kind: 'run' as const, cmd: 'systemctl daemon-reload' }] : []),
      ];
      return { changed: false, steps, result: {} };
    }
    return planService(
      {
        name: p.name,
        state: p.state as ServiceState | undefined,
        enabled: p.enabled,
        masked: p.masked,
        daemonReload: p.daemon_reload,
        daemonReexec: p.daemon_reexec,
        noBlock: p.no_block,
      },
      f.status,
      ctx,
    );
  },
});
