// The benchmark's fleet hosts: start/stop them (only our own names), give them Python (Ansible needs it on
// targets; fleet hosts have none), write the inventory, and snapshot their state to compare tools.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { quote } from '../../src/core/sh.js';
import { fleetDown, fleetScript, fleetUp, keyPath, knownHostsPath, type FleetHost } from '../fleet/fleet.js';
import type { StateSpec } from './workloads.js';
import { execAsync, execSync, log, mapLimit } from './util.js';

export const CACHE_DIR = process.env['BENCH_CACHE'] ?? '/var/cache/tsible-bench';
const FLEET_BASE = '/var/cache/tsible-fleet/base';
/** Python and python3-apt (Ansible's apt module needs it), without Recommends. */
const PYTHON_PKGS = ['python3', 'python3-apt'];

export function hostNames(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
}

/**
 * Forgets the controller's ARP entries for these hosts' (sticky) addresses. A re-started host has a new
 * MAC; while the old entry is still REACHABLE/PROBE the controller keeps sending to the old MAC, and
 * fleet.sh's wait for sshd can time out after 30 s.
 */
function flushNeighbours(names: string[]): void {
  let table: string;
  try {
    table = readFileSync('/var/lib/tsible-fleet/addresses', 'utf8');
  } catch {
    return;
  }
  for (const line of table.split('\n')) {
    const [name, index] = line.trim().split(/\s+/);
    if (!name || !index || !names.includes(name)) continue;
    const i = Number(index);
    execSync(['ip', 'neigh', 'flush', 'to', `10.77.${Math.floor(i / 256)}.${i % 256}`, 'dev', 'tsbr0']);
  }
}

/** Starts fresh hosts with these names (any earlier host of the same name is wiped). */
export function upHosts(names: string[], workDir: string): FleetHost[] {
  flushNeighbours(names);
  const opts = { names, group: 'benchfleet', inventory: join(workDir, 'fleet.ini') };
  try {
    return fleetUp(opts).hosts;
  } catch (e) {
    log(
      `fleet up failed, retrying once: ${e instanceof Error ? (e.message.split('\n')[1] ?? e.message) : String(e)}`,
    );
    fleetDown(names);
    flushNeighbours(names);
    return fleetUp(opts).hosts;
  }
}

/** Stops exactly these hosts (never every host: other people's tests share the fleet). */
export function downHosts(names: string[]): void {
  if (names.length === 0) return;
  fleetDown(names);
  flushNeighbours(names);
}

/** The inventory both tools read: the fleet's connection settings plus bench_root. */
export function writeInventory(file: string, hosts: FleetHost[], benchRoot: string): void {
  const lines = ['[webservers]'];
  for (const h of hosts) lines.push(`${h.name} ansible_host=${h.address}`);
  lines.push(
    '',
    '[webservers:vars]',
    'ansible_user=root',
    `ansible_ssh_private_key_file=${keyPath}`,
    `ansible_ssh_common_args='-o UserKnownHostsFile=${knownHostsPath}'`,
    `bench_root=${benchRoot}`,
    '',
  );
  writeFileSync(file, lines.join('\n'));
}

/** Runs sh -c cmd inside a host (no ssh) with a Buffer or file as stdin. */
function hostExecRaw(
  name: string,
  cmd: string,
  stdinFile?: string,
): Promise<{ rc: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', [fleetScript, 'exec', name, '--', 'sh', '-c', cmd], { stdio: 'pipe' });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.stdin.on('error', () => undefined);
    child.on('close', (code) =>
      resolve({
        rc: code ?? 128,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
    if (stdinFile) createReadStream(stdinFile).pipe(child.stdin);
    else child.stdin.end();
  });
}

function fleetBuildId(): string {
  const f = join(FLEET_BASE, 'etc', 'tsible-fleet-build');
  if (!existsSync(f)) {
    log('building the fleet base (fleet.sh build)');
    const r = execSync(['bash', fleetScript, 'build']);
    if (r.rc !== 0) throw new Error(`fleet.sh build failed:\n${r.stderr}`);
  }
  return readFileSync(f, 'utf8').split('\n')[0] ?? '';
}

/** Package=version list that installing PYTHON_PKGS on the fleet base would add (from the controller's apt). */
function pythonClosure(): string[] {
  const aptCache = join(CACHE_DIR, 'apt-cache');
  mkdirSync(aptCache, { recursive: true });
  const simulate = (): string[] => {
    const r = execSync([
      'apt-get',
      '-s',
      '--no-install-recommends',
      '-o',
      `Dir::State::status=${FLEET_BASE}/var/lib/dpkg/status`,
      '-o',
      `Dir::Cache=${aptCache}`,
      '-o',
      'Debug::NoLocking=1',
      'install',
      ...PYTHON_PKGS,
    ]);
    return r.stdout
      .split('\n')
      .map((l) => /^Inst (\S+) \((\S+)/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => `${m[1]}=${m[2]}`);
  };
  let pkgs = simulate();
  if (!pkgs.some((p) => p.startsWith('python3='))) {
    log('apt-get update (the controller has no package lists for python3)');
    execSync(['apt-get', 'update', '-q']);
    pkgs = simulate();
  }
  if (!pkgs.some((p) => p.startsWith('python3=')))
    throw new Error('apt cannot resolve python3 for the fleet base');
  return pkgs;
}

/**
 * A tar of what installing python3 + python3-apt (Debian's packages) changes on a fresh fleet host, made
 * once on a throw-away host with `apt-get install ./*.deb` and cached: extracting it on each host is
 * ~0.3 s, against ~6 s for dpkg. Hosts stay offline; the .debs come from the controller's apt.
 */
export async function pythonLayer(prefix: string): Promise<string> {
  const build = fleetBuildId();
  const pkgs = pythonClosure();
  const key = createHash('sha256')
    .update(`${build}\n${pkgs.join('\n')}`)
    .digest('hex')
    .slice(0, 16);
  const layer = join(CACHE_DIR, `python-layer-${key}.tar`);
  if (existsSync(layer) && statSync(layer).size > 1e6) return layer;

  const debs = join(CACHE_DIR, `debs-${key}`);
  rmSync(debs, { recursive: true, force: true });
  mkdirSync(debs, { recursive: true });
  log(`downloading ${pkgs.length} Debian packages for python3 on the hosts into ${debs}`);
  const dl = execSync(['apt-get', '-q', '-o', 'APT::Sandbox::User=root', 'download', ...pkgs], { cwd: debs });
  if (dl.rc !== 0) throw new Error(`apt-get download failed:\n${dl.stderr}`);
  const debTar = join(CACHE_DIR, `debs-${key}.tar`);
  const t = execSync(['sh', '-c', `cd ${quote(debs)} && tar -cf ${quote(debTar)} *.deb`]);
  if (t.rc !== 0) throw new Error(`tar of the .debs failed: ${t.stderr}`);

  const name = `${prefix}py`;
  log(`installing them on a throw-away host ${name} to make the python layer`);
  upHosts([name], CACHE_DIR);
  try {
    const install = await hostExecRaw(
      name,
      [
        'set -e',
        'mkdir -p /tmp/bench-debs && tar -xf - -C /tmp/bench-debs',
        'touch /tmp/bench-stamp && sleep 0.2',
        'DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends /tmp/bench-debs/*.deb >/tmp/bench-apt.log 2>&1 || { cat /tmp/bench-apt.log >&2; exit 1; }',
        'python3 -c "import apt"',
      ].join('\n'),
      debTar,
    );
    if (install.rc !== 0) throw new Error(`installing python3 on ${name} failed:\n${install.stderr}`);
    const tmp = `${layer}.tmp`;
    const tarred = await execAsync([
      'bash',
      '-c',
      `bash ${quote(fleetScript)} exec ${quote(name)} -- sh -c ${quote(
        "cd / && find . -xdev -mindepth 1 -cnewer /tmp/bench-stamp ! -path './var/cache/apt/*' ! -path './var/log/*' ! -path './var/lib/apt/*' ! -path './root/*' -print0 | tar --null --no-recursion --numeric-owner -T - -cf -",
      )} > ${quote(tmp)}`,
    ]);
    if (tarred.rc !== 0) throw new Error(`making the python layer failed:\n${tarred.stderr}`);
    renameSync(tmp, layer);
  } finally {
    downHosts([name]);
  }
  log(`python layer: ${layer} (${(statSync(layer).size / 1e6).toFixed(1)} MB)`);
  return layer;
}

/** Extracts the python layer on every host (hosts are fresh, so they all get exactly the same files). */
export async function installPython(names: string[], layer: string): Promise<void> {
  const results = await mapLimit(names, 4, (n) => hostExecRaw(n, 'tar -xpf - -C / --numeric-owner', layer));
  results.forEach((r, i) => {
    if (r.rc !== 0) throw new Error(`extracting python on ${names[i]} failed: ${r.stderr}`);
  });
  const check = await hostExecRaw(
    names[0] as string,
    'python3 -c "import apt, sys; print(sys.version_info[:2])"',
  );
  if (check.rc !== 0) throw new Error(`python3 does not work on ${names[0]}: ${check.stderr}`);
}

function snapshotScript(spec: StateSpec): string {
  const q = (xs: string[]): string => xs.map((x) => quote(x)).join(' ');
  const lines: string[] = [];
  if (spec.paths.length) {
    lines.push(
      `for p in ${q(spec.paths)}; do`,
      '  if [ -e "$p" ] || [ -L "$p" ]; then',
      `    find "$p" -type d -printf 'dir %p %m %u %g\\n'`,
      `    find "$p" ! -type d -printf '%y %p %m %u %g %s %l\\n'`,
      '    find "$p" -type f -exec sha1sum {} +',
      '  else echo "absent $p"; fi',
      'done | LC_ALL=C sort',
    );
  }
  if (spec.packages.length) {
    lines.push(
      `dpkg-query -W -f '\${Package} \${Version} \${db:Status-Abbrev}\\n' ${q(spec.packages)} 2>&1 | LC_ALL=C sort`,
    );
  }
  for (const u of spec.users)
    lines.push(`getent passwd ${quote(u)} || echo 'no user ${u}'`, `id ${quote(u)} 2>&1`);
  for (const g of spec.groups) lines.push(`getent group ${quote(g)} || echo 'no group ${g}'`);
  lines.push(...spec.extra);
  return lines.join('\n');
}

/** Each host's state (by name) as sorted text lines. */
export async function snapshot(names: string[], spec: StateSpec): Promise<Map<string, string[]>> {
  const script = snapshotScript(spec);
  const out = await mapLimit(names, 6, (n) => hostExecRaw(n, script));
  const snap = new Map<string, string[]>();
  names.forEach((n, i) =>
    snap.set(
      n,
      (out[i]?.stdout ?? '').split('\n').filter((l) => l !== ''),
    ),
  );
  return snap;
}

/** Lines that differ between two snapshots, per host ('-' only in the reference, '+' only in the other). */
export function diffSnapshots(ref: Map<string, string[]>, other: Map<string, string[]>): string[] {
  const diffs: string[] = [];
  for (const [host, refLines] of ref) {
    const otherLines = other.get(host) ?? [];
    const a = new Set(refLines);
    const b = new Set(otherLines);
    for (const l of refLines) if (!b.has(l)) diffs.push(`${host}: - ${l}`);
    for (const l of otherLines) if (!a.has(l)) diffs.push(`${host}: + ${l}`);
  }
  return diffs;
}
