// Service planning shared by service and systemd: systemctl, or Debian init scripts and update-rc.d.
import type { Plan, PlanContext, RunStep } from '../../src/core/module.js';
import { sh } from '../../src/core/sh.js';
import type { ServiceStatus } from '../../src/facts/service-status.js';
import { shlexSplit } from './shlex.js';

export type ServiceState = 'started' | 'stopped' | 'restarted' | 'reloaded';

export interface ServiceWant {
  name: string;
  state?: ServiceState;
  enabled?: boolean;
  /** systemd only. */
  masked?: boolean;
  daemonReload?: boolean;
  daemonReexec?: boolean;
  noBlock?: boolean;
  /** Seconds between stop and start of a restart (init scripts). */
  sleep?: number;
  /** Extra words for the init script (service's `arguments`). */
  arguments?: string;
}

/**
 * Run an init script with its output in a temp file instead of our stdout: a daemon it starts inherits
 * those descriptors, and if they were the SSH channel's pipes the channel would stay open (and the task
 * hang) until the daemon exits. The file is printed and removed afterwards.
 */
function initScript(name: string, action: string, args: string[]): string {
  return [
    'o=$(mktemp) || exit 1',
    `${sh`/etc/init.d/${name} ${action} ${args}`} >"$o" 2>&1 </dev/null`,
    'rc=$?; cat "$o"; rm -f "$o"; exit $rc',
  ].join('\n');
}

function systemctl(action: string, name: string, noBlock: boolean): string {
  return noBlock ? sh`systemctl --no-block ${action} -- ${name}` : sh`systemctl ${action} -- ${name}`;
}

function failed(msg: string): Plan {
  return { changed: false, steps: [], failed: true, result: { msg } };
}

/** Plan the transitions from the service's state to the wanted one. */
export function planService(w: ServiceWant, st: ServiceStatus, ctx: PlanContext): Plan {
  const result: Record<string, unknown> = { name: w.name };
  if (w.state !== undefined) result.state = w.state === 'stopped' ? 'stopped' : 'started';
  if (w.enabled !== undefined) result.enabled = w.enabled;
  const steps: RunStep[] = [];
  let changed = false;
  const sysd = st.manager === 'systemd';

  // daemon-reload/reexec run first so the rest sees new unit files; they never count as a change.
  if (sysd && w.daemonReexec) steps.push({ kind: 'run', cmd: 'systemctl daemon-reexec' });
  if (sysd && w.daemonReload) steps.push({ kind: 'run', cmd: 'systemctl daemon-reload' });
  const acting = w.state !== undefined || w.enabled !== undefined || w.masked !== undefined;

  if (!st.exists && acting) {
    // A package installed by an earlier task of this check run would bring the service: say what would
    // happen instead of failing (Ansible fails here; tsible deliberately doesn't).
    if (ctx.check && ctx.pending.packages.length > 0) {
      return {
        changed: true,
        steps: [],
        result: {
          ...result,
          msg: `Service ${w.name} not found yet; an earlier task in this check run installs packages`,
        },
        effects: { services: [w.name] },
      };
    }
    return failed(`Could not find the requested service ${w.name}: host`);
  }
  let args: string[];
  try {
    args = w.arguments ? shlexSplit(w.arguments) : [];
  } catch (e) {
    return failed(`arguments: ${(e as Error).message}`);
  }

  if (w.masked !== undefined && sysd && w.masked !== st.masked) {
    steps.push({ kind: 'run', cmd: systemctl(w.masked ? 'mask' : 'unmask', w.name, false) });
    changed = true;
  }
  if (w.enabled !== undefined && w.enabled !== st.enabled) {
    changed = true;
    if (sysd) steps.push({ kind: 'run', cmd: systemctl(w.enabled ? 'enable' : 'disable', w.name, false) });
    else if (w.enabled) {
      // `enable` only flips existing K links to S; a script never registered needs `defaults` to get links.
      steps.push({ kind: 'run', cmd: sh`update-rc.d ${w.name} ${st.hasLinks ? 'enable' : 'defaults'}` });
    } else {
      steps.push({ kind: 'run', cmd: sh`update-rc.d ${w.name} disable` });
    }
  }

  // Unknown status (an init script without a usable `status`) counts as not running.
  const running = st.running === true;
  let action: string | undefined;
  if (w.state === 'started' && !running) action = 'start';
  else if (w.state === 'stopped' && running) action = 'stop';
  // restarted/reloaded always change; on a stopped service both just start it.
  else if (w.state === 'restarted') action = running ? 'restart' : 'start';
  else if (w.state === 'reloaded') action = running ? 'reload' : 'start';
  if (action !== undefined) {
    changed = true;
    if (sysd) steps.push({ kind: 'run', cmd: systemctl(action, w.name, w.noBlock ?? false) });
    else if (action === 'restart' && w.sleep !== undefined && w.sleep > 0) {
      steps.push({ kind: 'run', cmd: initScript(w.name, 'stop', args), okRc: 'any' });
      steps.push({ kind: 'run', cmd: `sleep ${Math.floor(w.sleep)}` });
      steps.push({ kind: 'run', cmd: initScript(w.name, 'start', args) });
    } else {
      steps.push({ kind: 'run', cmd: initScript(w.name, action, args) });
    }
  }
  if (sysd) result.status = { ...st.props };
  const plan: Plan = { changed, steps, result };
  if (w.state !== undefined && w.state !== 'stopped') plan.effects = { services: [w.name] };
  return plan;
}
