// Fact: every service the host knows, from systemd or from the Debian init scripts.
import type { Fact } from '../core/module.js';

export interface ServiceInfo {
  name: string;
  state: string;
  status: string;
  source: 'systemd' | 'sysv';
}

// systemd: the loaded units (state) and the unit files (status: enabled/disabled/static/masked).
// sysv: each init script's `status` exit code (LSB: 0 running, 1-3 stopped, else unknown), with a 10 s cap
// so one broken script cannot hang the task, and an S link in runlevels 2-5 meaning enabled.
const CMD = [
  'if [ -d /run/systemd/system ]; then',
  '  echo @@systemd',
  '  systemctl list-units --no-pager --type service --all --plain --no-legend 2>/dev/null',
  '  echo @@files',
  '  systemctl list-unit-files --no-pager --type service --plain --no-legend 2>/dev/null',
  'else',
  '  echo @@sysv',
  '  for f in /etc/init.d/*; do',
  '    n=${f##*/}',
  '    case "$n" in README|rc|rcS|skeleton|functions|*.dpkg-*) continue ;; esac',
  '    [ -f "$f" ] && [ -x "$f" ] || continue',
  '    timeout 10 "$f" status >/dev/null 2>&1 </dev/null; rc=$?',
  '    en=disabled; for l in /etc/rc[2345].d/S[0-9][0-9]"$n"; do if [ -e "$l" ] || [ -L "$l" ]; then en=enabled; break; fi; done',
  '    printf \'%s %s %s\\n\' "$rc" "$en" "$n"',
  '  done',
  'fi',
].join('\n');

export function serviceList(): Fact<Record<string, ServiceInfo>> {
  return { cmd: CMD, parse: (out) => parseServiceList(out.stdout) };
}

const BAD_STATES = new Set(['not-found', 'masked', 'failed']);

export function parseServiceList(stdout: string): Record<string, ServiceInfo> {
  const out: Record<string, ServiceInfo> = {};
  let section = '';
  for (const line of stdout.split('\n')) {
    const h = /^@@(\w+)$/.exec(line);
    if (h) {
      section = h[1]!;
      continue;
    }
    const f = line.trim().split(/\s+/);
    if (f.length < 2 || f[0] === '') continue;
    if (section === 'sysv') {
      const rc = Number(f[0]);
      const name = f.slice(2).join(' ');
      const state = rc === 0 ? 'running' : rc >= 1 && rc <= 3 ? 'stopped' : 'unknown';
      out[name] = { name, state, status: f[1]!, source: 'sysv' };
    } else if (section === 'systemd') {
      // UNIT LOAD ACTIVE SUB DESCRIPTION; a bad load state (not-found, masked) is the status.
      const [unit, load = '', active = '', sub = ''] = f;
      if (!unit!.endsWith('.service')) continue;
      out[unit!] = {
        name: unit!,
        state:
          sub === 'running'
            ? 'running'
            : active === 'inactive' || sub === 'dead' || sub === 'exited'
              ? 'stopped'
              : 'unknown',
        status: BAD_STATES.has(load) ? load : 'unknown',
        source: 'systemd',
      };
    } else if (section === 'files') {
      const [unit, status = 'unknown'] = f;
      if (!unit!.endsWith('.service')) continue;
      const cur = out[unit!];
      if (!cur) out[unit!] = { name: unit!, state: 'stopped', status, source: 'systemd' };
      else if (!BAD_STATES.has(cur.status)) cur.status = status;
    }
  }
  return out;
}
