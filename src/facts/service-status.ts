// Fact: how a service is managed (systemd or Debian init scripts), whether it exists, runs and is enabled.
import type { Fact } from '../core/module.js';
import { quote } from '../core/sh.js';

export interface ServiceStatus {
  manager: 'systemd' | 'sysv';
  exists: boolean;
  /** undefined when the init script gives no usable status and no process pattern decided. */
  running?: boolean;
  enabled: boolean;
  /** sysv: any rc?.d link at all (update-rc.d must run `defaults` before `enable` otherwise). */
  hasLinks: boolean;
  /** systemd: the unit is masked. */
  masked: boolean;
  /** systemd: the raw properties read (LoadState, ActiveState, SubState, UnitFileState). */
  props: Record<string, string>;
  /** sysv: the exit code of `/etc/init.d/NAME status`. */
  statusRc?: number;
  /** Processes matching `pattern`, when one was given. */
  pids?: number[];
}

export interface ServiceStatusOptions {
  /** A substring of the process command line that means "running" (service's `pattern`). */
  pattern?: string;
  /** Force a backend instead of detecting it. */
  use?: 'systemd' | 'sysv';
}

/**
 * systemd is the manager when /run/systemd/system exists (the check sd_booted() makes). Otherwise the
 * Debian init script decides: exists = /etc/init.d/NAME, running = its `status` exit code (LSB: 0 runs,
 * 1-3 stopped, 4+ unknown), enabled = an S link in runlevels 2-5.
 */
export function serviceStatus(name: string, opts: ServiceStatusOptions = {}): Fact<ServiceStatus> {
  const n = quote(name);
  const detect =
    opts.use === 'systemd'
      ? 'echo manager=systemd'
      : opts.use === 'sysv'
        ? 'echo manager=sysv'
        : 'if [ -d /run/systemd/system ]; then echo manager=systemd; else echo manager=sysv; fi';
  const cmd = [
    // A subshell, so the variables and `set --` below never leak into the other facts of the round trip.
    '(',
    `m=$(${detect}); echo "$m"`,
    'if [ "$m" = manager=systemd ]; then',
    // `show` prints key=value lines and succeeds even for unknown units (LoadState=not-found).
    `  systemctl show --no-pager -p LoadState -p ActiveState -p SubState -p UnitFileState -- ${n} 2>/dev/null`,
    'else',
    `  if [ -f /etc/init.d/${n} ]; then`,
    '    echo script=yes',
    // stdin from /dev/null: a status action must not swallow the rest of the round trip's input.
    `    /etc/init.d/${n} status >/dev/null 2>&1 </dev/null; echo "status=$?"`,
    '  fi',
    // The quoted name stays literal while the unquoted runlevel/priority parts still glob;
    // an unmatched glob stays as the pattern itself, hence the -e/-L test.
    `  for l in /etc/rc[2345].d/S[0-9][0-9]${n}; do if [ -e "$l" ] || [ -L "$l" ]; then echo enabled=yes; break; fi; done`,
    `  for l in /etc/rc[0-6S].d/[SK][0-9][0-9]${n}; do if [ -e "$l" ] || [ -L "$l" ]; then echo links=yes; break; fi; done`,
    'fi',
    opts.pattern === undefined ? '' : processMatch(opts.pattern),
    ')',
  ]
    .filter((l) => l !== '')
    .join('\n');
  return { cmd, parse: (out) => parseServiceStatus(out.stdout, opts.pattern !== undefined) };
}

// Any process whose command line holds this text is a tsible fact script (or one of its subshells).
const SELF_MARK = 'tsible-own-process-5e2c';

/**
 * Print `pid=N` for each process whose command line contains the pattern, without procps (`ps` and
 * `pgrep` are not on minimal Debian). grep -l over /proc/N/cmdline names the candidates (-a: the
 * NUL-separated argv is text; -F: the pattern is a plain substring). The shells running this very script
 * (sh -c, sudo, the login shell, subshells) carry the pattern in their own command lines, but they also
 * carry SELF_MARK, so they are dropped; the first grep has exited by then, so its /proc entry is gone and
 * the re-check drops it too.
 */
function processMatch(pattern: string): string {
  const pat = quote(pattern);
  return [
    `c=$(grep -a -l -F -e ${pat} /proc/[0-9]*/cmdline 2>/dev/null)`,
    'for f in $c; do',
    `  grep -a -q -F -e ${SELF_MARK} "$f" 2>/dev/null && continue`,
    `  grep -a -q -F -e ${pat} "$f" 2>/dev/null || continue`,
    '  n=${f#/proc/}; echo "pid=${n%/cmdline}"',
    'done',
  ].join('\n');
}

export function parseServiceStatus(stdout: string, withPattern = false): ServiceStatus {
  const kv = new Map<string, string>();
  const pids: number[] = [];
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const k = line.slice(0, eq);
    const v = line.slice(eq + 1);
    if (k === 'pid') pids.push(Number(v));
    else kv.set(k, v);
  }
  const pidInfo = withPattern ? { pids } : {};
  if (kv.get('manager') === 'systemd') {
    const props: Record<string, string> = {};
    for (const k of ['LoadState', 'ActiveState', 'SubState', 'UnitFileState']) props[k] = kv.get(k) ?? '';
    const load = props.LoadState ?? '';
    const file = props.UnitFileState ?? '';
    const active = props.ActiveState ?? '';
    const masked = load === 'masked' || file.startsWith('masked');
    return {
      manager: 'systemd',
      exists: load !== '' && load !== 'not-found',
      running: withPattern
        ? pids.length > 0
        : active === 'active' || active === 'activating' || active === 'reloading',
      // The states `systemctl is-enabled` answers 0 for.
      enabled: ['enabled', 'enabled-runtime', 'static', 'indirect', 'generated', 'alias'].includes(file),
      hasLinks: false,
      masked,
      props,
      ...pidInfo,
    };
  }
  const statusRc = kv.has('status') ? Number(kv.get('status')) : undefined;
  let running: boolean | undefined;
  if (withPattern) running = pids.length > 0;
  else if (statusRc === 0) running = true;
  else if (statusRc !== undefined && statusRc >= 1 && statusRc <= 3) running = false;
  return {
    manager: 'sysv',
    exists: kv.get('script') === 'yes',
    running,
    enabled: kv.get('enabled') === 'yes',
    hasLinks: kv.get('links') === 'yes',
    masked: false,
    props: {},
    statusRc,
    ...pidInfo,
  };
}
