// Typed wrapper around fleet.sh for the fleet tests: start, stop, inspect and break real test hosts.
import { spawnSync } from 'node:child_process';

export interface FleetHost {
  name: string;
  address: string;
}

export interface Fleet {
  hosts: FleetHost[];
  inventoryPath: string;
  knownHostsPath: string;
  keyPath: string;
}

export interface ExecResult {
  rc: number;
  stdout: string;
  stderr: string;
}

const STATE_DIR = '/var/lib/tsible-fleet';
export const keyPath = `${STATE_DIR}/id_ed25519`;
export const knownHostsPath = `${STATE_DIR}/known_hosts`;

// fleet.sh sits beside this file; when compiled to dist/test/fleet/, it is still in the source tree.
function locateScript(): string {
  const fromEnv = process.env['TSIBLE_FLEET_SH'];
  if (fromEnv) return fromEnv;
  const here = decodeURIComponent(new URL('./fleet.sh', import.meta.url).pathname);
  return here.replace(/\/dist\/test\/fleet\/fleet\.sh$/, '/test/fleet/fleet.sh');
}

export const fleetScript = locateScript();

/** True when the fleet can run here: Linux, as root. Fleet tests skip otherwise. */
export const fleetAvailable: boolean =
  process.platform === 'linux' && typeof process.getuid === 'function' && process.getuid() === 0;

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGPIPE: 13, SIGTERM: 15 };

function run(args: string[], input?: string): ExecResult {
  const r = spawnSync('bash', [fleetScript, ...args], {
    encoding: 'utf8',
    input: input ?? '',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw new Error(`fleet.sh ${args.join(' ')}: ${r.error.message}`);
  // Like a shell: death by signal N reads as 128 + N.
  const rc = r.status ?? 128 + (r.signal ? (SIGNALS[r.signal] ?? 0) : 0);
  return { rc, stdout: r.stdout, stderr: r.stderr };
}

function runOrThrow(args: string[]): string {
  const r = run(args);
  if (r.rc !== 0) {
    throw new Error(`fleet.sh ${args.join(' ')} failed (exit ${r.rc}):\n${r.stderr.trim()}`);
  }
  return r.stdout;
}

function parseHosts(stdout: string): FleetHost[] {
  const hosts: FleetHost[] = [];
  for (const line of stdout.split('\n')) {
    const [name, address] = line.trim().split(/\s+/);
    if (name && address) hosts.push({ name, address });
  }
  return hosts;
}

/** Starts fresh hosts (any previous host of the same name is wiped) and writes their inventory. */
export function fleetUp(opts: { names: string[]; group: string; inventory: string }): Fleet {
  if (opts.names.length === 0) throw new Error('fleetUp: no host names');
  const stdout = runOrThrow([
    'up',
    '--names',
    opts.names.join(','),
    '--group',
    opts.group,
    '--inventory',
    opts.inventory,
  ]);
  return { hosts: parseHosts(stdout), inventoryPath: opts.inventory, knownHostsPath, keyPath };
}

/** Stops the named hosts; with no names, every host plus the bridge and the fleet's state. */
export function fleetDown(names: string[] = []): void {
  runOrThrow(['down', ...names]);
}

/** The running hosts. */
export function fleetList(): FleetHost[] {
  return parseHosts(runOrThrow(['list']));
}

/** Runs `sh -c cmd` inside the host without ssh (to assert its state); never throws on a non-zero rc. */
export function hostExec(name: string, cmd: string, opts: { input?: string } = {}): ExecResult {
  return run(['exec', name, '--', 'sh', '-c', cmd], opts.input);
}

/** Kills the host's sshd, open sessions included: the host stays up but is unreachable over ssh. */
export function stopSshd(name: string): void {
  runOrThrow(['stop-sshd', name]);
}

/** Starts the host's sshd again and waits until it answers. */
export function startSshd(name: string): void {
  runOrThrow(['start-sshd', name]);
}
