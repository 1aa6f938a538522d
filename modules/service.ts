// service: start, stop, restart, reload and enable services (systemd or Debian init scripts).
import { defineModule } from '../src/core/module.js';
import { serviceStatus } from '../src/facts/service-status.js';
import { planService, type ServiceState } from './_shared/service.js';

const params = {
  name: { type: 'str', required: true, description: 'Service name.' },
  state: {
    type: 'str',
    choices: ['started', 'stopped', 'restarted', 'reloaded'],
    description: 'started/stopped change only on a transition; restarted/reloaded always change.',
  },
  enabled: { type: 'bool', description: 'Start at boot.' },
  pattern: { type: 'str', description: 'A command-line substring that tells the service is running.' },
  sleep: { type: 'int', description: 'Seconds between stop and start when restarting (init scripts).' },
  arguments: {
    type: 'str',
    default: '',
    aliases: ['args'],
    description: 'Extra arguments for the init script.',
  },
  runlevel: { type: 'str', default: 'default', description: 'Accepted for compatibility.' },
  use: {
    type: 'str',
    default: 'auto',
    description: 'Backend: auto (systemd when it runs, else init scripts), systemd, or sysvinit/service.',
  },
} as const;

export const service = defineModule({
  name: 'service',
  doc: {
    short: 'Manage services',
    description:
      'Uses systemctl when systemd runs (/run/systemd/system exists), otherwise /etc/init.d/NAME and ' +
      'update-rc.d. In check mode, a service that does not exist yet but would be installed by an earlier ' +
      'package task of the run is reported as would-change instead of failing.',
    examples: [
      '- service: name=nginx state=started enabled=yes',
      '- service: name=cron state=restarted',
    ].join('\n'),
    returns: {
      name: 'Service name.',
      state: 'started or stopped.',
      enabled: 'Start at boot.',
      status: 'systemd unit properties.',
    },
  },
  params,
  requiredOneOf: [['state', 'enabled']],
  check: 'full',
  diff: false,
  runsOn: 'host',
  facts(p) {
    const use =
      p.use === 'systemd' ? 'systemd' : p.use === 'sysvinit' || p.use === 'service' ? 'sysv' : undefined;
    return { status: serviceStatus(p.name, { pattern: p.pattern, use }) };
  },
  plan(p, f, ctx) {
    return planService(
      {
        name: p.name,
        state: p.state as ServiceState | undefined,
        enabled: p.enabled,
        sleep: p.sleep,
        arguments: p.arguments,
      },
      f.status,
      ctx,
    );
  },
});
