// The setup facts: one POSIX sh script, run in one round trip, printing sections that a pure parser reads.

/** Each section starts with a line "@@name"; everything until the next such line is its text. */
export const GATHER_SCRIPT = String.raw`
s() { printf '@@%s\n' "$1"; }
s hostname; hostname 2>/dev/null || cat /proc/sys/kernel/hostname
s fqdn; hostname -f 2>/dev/null || hostname 2>/dev/null || cat /proc/sys/kernel/hostname
s os_release; cat /etc/os-release 2>/dev/null
s debian_version; cat /etc/debian_version 2>/dev/null
s uname; uname -s; uname -r; uname -v; uname -m
s pkg_mgr; for p in apt-get dnf yum zypper apk pacman; do if command -v "$p" >/dev/null 2>&1; then echo "$p"; break; fi; done
s init; if [ -d /run/systemd/system ]; then echo systemd; else cat /proc/1/comm 2>/dev/null; fi
s cpuinfo; grep -c '^processor' /proc/cpuinfo 2>/dev/null; grep -m1 '^cpu cores' /proc/cpuinfo 2>/dev/null; grep -c '^physical id' /proc/cpuinfo 2>/dev/null; grep -m1 '^model name' /proc/cpuinfo 2>/dev/null
s nproc; nproc 2>/dev/null
s meminfo; grep -E '^(MemTotal|MemFree|MemAvailable|Buffers|Cached|SwapTotal|SwapFree):' /proc/meminfo 2>/dev/null
s user; id -un; id -u; id -g; echo "$HOME"; getent passwd "$(id -un)" | cut -d: -f7
s env; env 2>/dev/null
s date; date '+%Y %m %d %H %M %S %s %Z %z %A %u %V %B %a %b %j %N'; date -u '+%Y-%m-%dT%H:%M:%SZ'
s ipv4; ip -o -4 addr show 2>/dev/null
s links; ip -o link show 2>/dev/null
s route; ip -4 route show default 2>/dev/null
s mounts; cat /proc/mounts 2>/dev/null
s python; for p in python3 python; do if command -v "$p" >/dev/null 2>&1; then "$p" -c 'import sys; print(sys.version.split()[0]); print(sys.executable)' 2>/dev/null; break; fi; done
s local; for f in /etc/ansible/facts.d/*.fact; do [ -f "$f" ] || continue; printf '%s\n' "--file $f"; if [ -x "$f" ]; then "$f" 2>/dev/null; else cat "$f"; fi; echo; done
s end
`;

function sections(out: string): Map<string, string> {
  const m = new Map<string, string>();
  let name: string | undefined;
  let buf: string[] = [];
  for (const line of out.split('\n')) {
    const hdr = /^@@([a-z_0-9]+)$/.exec(line);
    if (hdr) {
      if (name) m.set(name, buf.join('\n').replace(/\n+$/, ''));
      name = hdr[1];
      buf = [];
    } else buf.push(line);
  }
  if (name) m.set(name, buf.join('\n').replace(/\n+$/, ''));
  return m;
}

function kv(text: string): Record<string, string> {
  const o: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m) o[m[1]!] = m[2]!.replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1');
  }
  return o;
}

const FAMILY: Record<string, string> = {
  debian: 'Debian',
  ubuntu: 'Debian',
  linuxmint: 'Debian',
  raspbian: 'Debian',
  rhel: 'RedHat',
  centos: 'RedHat',
  fedora: 'RedHat',
  rocky: 'RedHat',
  almalinux: 'RedHat',
  ol: 'RedHat',
  amzn: 'RedHat',
  sles: 'Suse',
  opensuse: 'Suse',
  'opensuse-leap': 'Suse',
  arch: 'Archlinux',
  alpine: 'Alpine',
};

const PKG: Record<string, string> = {
  'apt-get': 'apt',
  dnf: 'dnf',
  yum: 'yum',
  zypper: 'zypper',
  apk: 'apk',
  pacman: 'pacman',
};

function prefixToNetmask(prefix: number): string {
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [24, 16, 8, 0].map((s) => (mask >>> s) & 255).join('.');
}

function network(addr: string, prefix: number): string {
  const n = addr.split('.').reduce((a, o) => ((a << 8) | Number(o)) >>> 0, 0);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  const net = (n & mask) >>> 0;
  return [24, 16, 8, 0].map((s) => (net >>> s) & 255).join('.');
}

function parseLocal(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const chunks = text.split(/^--file (.+)$/m);
  for (let i = 1; i < chunks.length; i += 2) {
    const file = chunks[i]!;
    const body = (chunks[i + 1] ?? '').trim();
    const name = file.replace(/^.*\//, '').replace(/\.fact$/, '');
    try {
      out[name] = JSON.parse(body);
    } catch {
      // INI form: [section] key=value
      const ini: Record<string, Record<string, string>> = {};
      let sec: Record<string, string> | undefined;
      for (const l of body.split('\n')) {
        const h = /^\[(.+)\]$/.exec(l.trim());
        if (h) {
          sec = ini[h[1]!] = {};
          continue;
        }
        const m = /^([^=]+?)\s*=\s*(.*)$/.exec(l.trim());
        if (m && sec) sec[m[1]!] = m[2]!;
      }
      out[name] = Object.keys(ini).length > 0 ? ini : { error: `could not parse ${file} as JSON or INI` };
    }
  }
  return out;
}

/** Parse the gather script's output into ansible_facts (keys without the ansible_ prefix). */
export function parseFacts(out: string): Record<string, unknown> {
  const s = sections(out);
  const get = (k: string): string => s.get(k) ?? '';
  const f: Record<string, unknown> = {};
  const hostname = get('hostname').split('\n')[0] ?? '';
  f.hostname = hostname.split('.')[0];
  f.nodename = hostname;
  const fqdn = get('fqdn').split('\n')[0] ?? hostname;
  f.fqdn = fqdn;
  f.domain = fqdn.includes('.') ? fqdn.slice(fqdn.indexOf('.') + 1) : '';

  const os = kv(get('os_release'));
  const id = (os.ID ?? '').toLowerCase();
  const distribution =
    id === 'debian' ? 'Debian' : id === 'ubuntu' ? 'Ubuntu' : (os.NAME ?? 'Unknown').split(' ')[0]!;
  f.distribution = distribution;
  f.os_family = FAMILY[id] ?? (os.ID_LIKE && FAMILY[os.ID_LIKE.split(' ')[0]!.toLowerCase()]) ?? distribution;
  let version = os.VERSION_ID ?? '';
  const dv = get('debian_version').trim();
  if (id === 'debian' && /^\d+(\.\d+)*$/.test(dv)) version = dv;
  f.distribution_version = version;
  f.distribution_major_version = version.split('.')[0] ?? '';
  f.distribution_release = os.VERSION_CODENAME ?? '';
  f.distribution_file_variety = f.os_family;
  f.lsb = {
    id: distribution,
    release: version,
    major_release: f.distribution_major_version,
    codename: f.distribution_release,
    description: os.PRETTY_NAME ?? '',
  };

  const [system, kernel, kernelVersion, machine] = get('uname').split('\n');
  f.system = system ?? 'Linux';
  f.kernel = kernel ?? '';
  f.kernel_version = kernelVersion ?? '';
  f.machine = machine ?? '';
  f.architecture = machine ?? '';
  f.userspace_bits = machine && /64/.test(machine) ? '64' : '32';

  f.pkg_mgr = PKG[get('pkg_mgr').trim()] ?? 'unknown';
  const init = get('init').trim();
  f.service_mgr = init === 'systemd' ? 'systemd' : init === 'init' ? 'sysvinit' : init || 'service';

  const cpu = get('cpuinfo').split('\n');
  const vcpus = Number(cpu[0]) || Number(get('nproc')) || 1;
  const cores = Number(/:\s*(\d+)/.exec(cpu.find((l) => l.startsWith('cpu cores')) ?? '')?.[1] ?? vcpus);
  f.processor_vcpus = vcpus;
  f.processor_cores = cores;
  f.processor_count = Math.max(1, Math.round(vcpus / Math.max(1, cores)));
  f.processor_nproc = Number(get('nproc')) || vcpus;
  const model = /:\s*(.*)$/.exec(cpu.find((l) => l.startsWith('model name')) ?? '')?.[1];
  f.processor = model
    ? Array.from({ length: vcpus }, (_, i) => [String(i), 'GenuineIntel', model]).flat()
    : [];

  const mem: Record<string, number> = {};
  for (const l of get('meminfo').split('\n')) {
    const m = /^(\w+):\s+(\d+)/.exec(l);
    if (m) mem[m[1]!] = Math.floor(Number(m[2]) / 1024);
  }
  f.memtotal_mb = mem.MemTotal ?? 0;
  f.memfree_mb = mem.MemFree ?? 0;
  f.swaptotal_mb = mem.SwapTotal ?? 0;
  f.swapfree_mb = mem.SwapFree ?? 0;
  f.memory_mb = {
    real: {
      total: mem.MemTotal ?? 0,
      free: mem.MemFree ?? 0,
      used: (mem.MemTotal ?? 0) - (mem.MemFree ?? 0),
    },
    swap: {
      total: mem.SwapTotal ?? 0,
      free: mem.SwapFree ?? 0,
      used: (mem.SwapTotal ?? 0) - (mem.SwapFree ?? 0),
    },
    nocache: { free: mem.MemAvailable ?? 0, used: (mem.MemTotal ?? 0) - (mem.MemAvailable ?? 0) },
  };

  const [uname, uid, gid, home, shell] = get('user').split('\n');
  f.user_id = uname ?? '';
  f.user_uid = Number(uid);
  f.user_gid = Number(gid);
  f.user_dir = home ?? '';
  f.user_shell = shell ?? '';

  const env: Record<string, string> = {};
  for (const l of get('env').split('\n')) {
    const i = l.indexOf('=');
    if (i > 0 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(l.slice(0, i))) env[l.slice(0, i)] = l.slice(i + 1);
  }
  f.env = env;

  const [d, iso] = get('date').split('\n');
  const p = (d ?? '').split(' ');
  if (p.length >= 16) {
    const [Y, mo, da, H, Mi, S, epoch, tz, off, weekday, wnum, wk, , , , , nanos] = p;
    f.date_time = {
      year: Y,
      month: mo,
      day: da,
      hour: H,
      minute: Mi,
      second: S,
      epoch,
      epoch_int: epoch,
      date: `${Y}-${mo}-${da}`,
      time: `${H}:${Mi}:${S}`,
      iso8601: iso ?? '',
      iso8601_basic: `${Y}${mo}${da}T${H}${Mi}${S}${(nanos ?? '000000').slice(0, 6)}`,
      iso8601_basic_short: `${Y}${mo}${da}T${H}${Mi}${S}`,
      iso8601_micro: (iso ?? '').replace('Z', `.${(nanos ?? '000000').slice(0, 6)}Z`),
      tz,
      tz_dst: tz,
      tz_offset: off,
      weekday,
      weekday_number: wnum === '7' ? '0' : wnum,
      weeknumber: wk,
    };
  }

  const ifaces = new Map<string, Record<string, unknown>>();
  for (const l of get('links').split('\n')) {
    const m = /^\d+:\s+([^:@\s]+)(?:@\S+)?:\s+<([^>]*)>.*?mtu (\d+).*?link\/(\S+)(?: (\S+))?/.exec(l);
    if (!m) continue;
    ifaces.set(m[1]!, {
      device: m[1],
      active: m[2]!.split(',').includes('UP'),
      mtu: Number(m[3]),
      type: m[4] === 'loopback' ? 'loopback' : 'ether',
      macaddress: m[5] ?? '',
    });
  }
  const all4: string[] = [];
  for (const l of get('ipv4').split('\n')) {
    const m = /^\d+:\s+(\S+)\s+inet (\d+\.\d+\.\d+\.\d+)\/(\d+)(?: brd (\S+))?/.exec(l);
    if (!m) continue;
    const [, dev, addr, pfx, brd] = m;
    const prefix = Number(pfx);
    const info = ifaces.get(dev!) ?? { device: dev, active: true };
    if (!info.ipv4)
      info.ipv4 = {
        address: addr,
        netmask: prefixToNetmask(prefix),
        network: network(addr!, prefix),
        prefix: pfx,
        broadcast: brd ?? '',
      };
    ifaces.set(dev!, info);
    if (!addr!.startsWith('127.')) all4.push(addr!);
  }
  f.interfaces = [...ifaces.keys()];
  for (const [name, info] of ifaces) f[name.replace(/[^A-Za-z0-9_]/g, '_')] = info;
  f.all_ipv4_addresses = all4;
  const route = /default via (\S+) dev (\S+)/.exec(get('route'));
  if (route) {
    const dev = route[2]!;
    const info = ifaces.get(dev);
    const v4 = (info?.ipv4 ?? {}) as Record<string, unknown>;
    f.default_ipv4 = {
      ...v4,
      gateway: route[1],
      interface: dev,
      alias: dev,
      macaddress: info?.macaddress ?? '',
      mtu: info?.mtu,
      type: info?.type ?? 'ether',
    };
  } else {
    f.default_ipv4 = {};
  }

  const mounts: Record<string, unknown>[] = [];
  for (const l of get('mounts').split('\n')) {
    const [device, mount, fstype, options] = l.split(' ');
    if (!device || !mount || !fstype) continue;
    if (
      /^(proc|sysfs|devpts|cgroup2?|mqueue|debugfs|tracefs|securityfs|pstore|bpf|autofs|configfs|fusectl|hugetlbfs|binfmt_misc|nsfs)$/.test(
        fstype,
      )
    )
      continue;
    mounts.push({ device, mount: mount.replace(/\\040/g, ' '), fstype, options });
  }
  f.mounts = mounts;

  const py = get('python').split('\n');
  if (py[0]) {
    const [maj, min, mic] = py[0].split('.').map(Number);
    f.python = { version: { major: maj, minor: min, micro: mic }, executable: py[1] ?? '' };
    f.python_version = py[0];
  }
  f.local = parseLocal(get('local'));
  return f;
}

/** gather_subset: which top-level keys to keep ('all' by default; 'min' keeps the cheap identity facts). */
const MIN_KEYS = new Set([
  'hostname',
  'nodename',
  'fqdn',
  'domain',
  'distribution',
  'os_family',
  'distribution_version',
  'distribution_major_version',
  'distribution_release',
  'distribution_file_variety',
  'lsb',
  'system',
  'kernel',
  'kernel_version',
  'machine',
  'architecture',
  'userspace_bits',
  'pkg_mgr',
  'service_mgr',
  'user_id',
  'user_uid',
  'user_gid',
  'user_dir',
  'user_shell',
  'env',
  'date_time',
  'python',
  'python_version',
  'local',
]);

export function filterSubset(facts: Record<string, unknown>, subset: string[]): Record<string, unknown> {
  const want = subset.length ? subset : ['all'];
  const all = want.includes('all') && !want.includes('!all');
  if (all) return facts;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(facts)) {
    const isMin = MIN_KEYS.has(k);
    const isNet =
      !isMin && (['interfaces', 'all_ipv4_addresses', 'default_ipv4'].includes(k) || typeof v === 'object');
    if (isMin && !want.includes('!min')) out[k] = v;
    else if (isNet && want.includes('network')) out[k] = v;
    else if (!isMin && !isNet && want.includes('hardware')) out[k] = v;
  }
  return out;
}
