// Runs one command and measures it: wall time, CPU of its whole process tree, and peak memory of the tree.
//
// CPU: the command runs in its own cgroup (the cgroup v2 hierarchy, /sys/fs/cgroup/unified on hybrid
// systems). cpu.stat counts every process that was ever in the group, including ssh ControlPersist masters
// that daemonize (they are reparented to init, so wait4/GNU time never see them). At the end, whatever is
// left in the group (those masters) is killed and the group's total is read. Without a writable cgroup
// hierarchy the fallback is GNU time's user+sys, which covers the descendants that were waited for only.
//
// Memory: every `sampleMs` the group's processes (or, as a fallback, the /proc descendants of the child)
// are listed and their VmRSS summed (and, at most once a second, their PSS, which counts the pages that
// forked workers share only once); the peak of those sums is reported. GNU time's %M (largest single process) corrects the peak of a
// one-process tool whose short spikes fall between samples.
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep } from './util.js';

export interface Measurement {
  wallMs: number;
  /** CPU of the whole tree (user + system), in ms. */
  cpuMs: number;
  cpuUserMs: number;
  cpuSysMs: number;
  /** GNU time's user+sys: descendants that were waited for only (no daemonized ssh masters). */
  waitedCpuMs: number | null;
  /** Peak memory: max(sampled peak of Σ RSS, largest single process's max RSS), in KiB. */
  peakRssKb: number;
  sampledPeakRssKb: number;
  /** Sampled peak of Σ PSS (shared pages divided among the processes sharing them), in KiB. */
  peakPssKb: number;
  /** GNU time %M: the max RSS of the largest single process of the waited tree, in KiB. */
  maxProcRssKb: number | null;
  samples: number;
  maxProcs: number;
  procsSeen: number;
  method: 'cgroup' | 'time';
  /** 1-minute load average when the run started: the machine may be shared (noise indicator). */
  loadBefore: number;
  /** CPU the benchmark process itself used meanwhile (mostly this sampler), in ms: not in cpuMs. */
  samplerCpuMs: number;
  rc: number;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

export interface MeasureOptions {
  env: NodeJS.ProcessEnv;
  cwd: string;
  timeoutMs: number;
  sampleMs?: number;
  /** Raise the open-files limit of the command (ulimit -n) to this, or to the hard limit if lower. */
  nofile?: number;
}

const TIME_BIN = '/usr/bin/time';
const PAGE_KB = 4; // x86-64 / arm64 Linux default; statm is in pages.

let cgroupBase: string | null | undefined;
let runCounter = 0;
let outputCounter = 0;

/** The directory our per-run cgroups go under, or null when no writable cgroup v2 hierarchy exists. */
export function cgroupRoot(): string | null {
  if (cgroupBase !== undefined) return cgroupBase;
  cgroupBase = null;
  for (const root of ['/sys/fs/cgroup/unified', '/sys/fs/cgroup']) {
    if (!existsSync(join(root, 'cgroup.procs')) || !existsSync(join(root, 'cgroup.max.depth'))) continue;
    const dir = join(root, `tsible-bench-${process.pid}`);
    try {
      mkdirSync(dir, { recursive: true });
      if (!existsSync(join(dir, 'cpu.stat'))) {
        rmdirSync(dir);
        continue;
      }
      cgroupBase = dir;
      break;
    } catch {
      // Not writable here: try the next one.
    }
  }
  return cgroupBase;
}

/** Removes our cgroup directory (call at exit; groups of finished runs are already gone). */
export function cgroupCleanup(): void {
  if (!cgroupBase) return;
  try {
    for (const d of readdirSync(cgroupBase, { withFileTypes: true })) {
      if (d.isDirectory()) killGroup(join(cgroupBase, d.name), true);
    }
    rmdirSync(cgroupBase);
  } catch {
    // Best effort.
  }
}

export class CpuGroup {
  constructor(readonly dir: string) {}

  static create(name: string): CpuGroup | null {
    const root = cgroupRoot();
    if (!root) return null;
    const dir = join(root, `${name}-${++runCounter}`);
    mkdirSync(dir);
    return new CpuGroup(dir);
  }

  procs(): number[] {
    return groupProcs(this.dir);
  }

  /** Cumulative CPU of every process that was ever in the group, in ms. */
  cpu(): { total: number; user: number; sys: number } {
    const stat = readFileSync(join(this.dir, 'cpu.stat'), 'utf8');
    const field = (k: string): number => Number(new RegExp(`^${k} (\\d+)$`, 'm').exec(stat)?.[1] ?? 0) / 1000;
    return { total: field('usage_usec'), user: field('user_usec'), sys: field('system_usec') };
  }

  /** Kills everything left in the group, waits for it to empty, then (if asked) removes it. */
  async close(remove = true): Promise<void> {
    killGroup(this.dir, false);
    for (let i = 0; i < 500 && this.procs().length > 0; i++) await sleep(10);
    if (remove) {
      try {
        rmdirSync(this.dir);
      } catch {
        // Still busy (a process that ignored SIGKILL?): leave it for cgroupCleanup.
      }
    }
  }
}

function groupProcs(dir: string): number[] {
  try {
    return readFileSync(join(dir, 'cgroup.procs'), 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map(Number);
  } catch {
    return [];
  }
}

function killGroup(dir: string, remove: boolean): void {
  if (existsSync(join(dir, 'cgroup.kill'))) {
    try {
      writeFileSync(join(dir, 'cgroup.kill'), '1');
    } catch {
      // Fall through to per-process kills.
    }
  }
  for (const pid of groupProcs(dir)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  if (remove) {
    try {
      rmdirSync(dir);
    } catch {
      // Busy: a later cleanup removes it.
    }
  }
}

/** The /proc descendants of pid (the fallback when there is no cgroup). */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const ent of readdirSync('/proc')) {
    if (!/^\d+$/.test(ent)) continue;
    try {
      const stat = readFileSync(`/proc/${ent}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(ent));
      children.set(ppid, list);
    } catch {
      // Exited meanwhile.
    }
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length) {
    const p = stack.pop() as number;
    out.push(p);
    for (const c of children.get(p) ?? []) stack.push(c);
  }
  return out;
}

function rssKb(pid: number): number {
  try {
    const statm = readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ');
    return Number(statm[1] ?? 0) * PAGE_KB;
  } catch {
    return 0;
  }
}

function pssKb(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return Number(m?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Runs argv and measures it as described at the top of this file. */
export async function measure(argv: string[], opts: MeasureOptions): Promise<Measurement> {
  const loadBefore = Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  const group = CpuGroup.create('run');
  const stem = join(tmpdir(), `tsible-bench-${process.pid}-${++outputCounter}`);
  const timeFile = `${stem}.time`;
  // Output goes to files, not pipes: a node tool that calls process.exit() with output still queued for
  // a pipe loses it when the reader is slow (a loaded machine), and files cost the reader nothing.
  const outFd = openSync(`${stem}.out`, 'w');
  const errFd = openSync(`${stem}.err`, 'w');
  const haveTime = existsSync(TIME_BIN);
  // The wrapper shell joins the cgroup before it execs the command, so every descendant is in it.
  const script = [
    'if [ -n "$1" ]; then echo $$ > "$1/cgroup.procs" || exit 125; fi',
    'if [ -n "$3" ]; then h=$(ulimit -H -n); n=$3; if [ "$h" != unlimited ] && [ "$h" -lt "$n" ]; then n=$h; fi; ulimit -n "$n"; fi',
    'f=$2; shift 3',
    haveTime ? 'exec /usr/bin/time -f "%e %U %S %M" -o "$f" "$@"' : 'exec "$@"',
  ].join('\n');
  const child = spawn(
    '/bin/sh',
    [
      '-c',
      script,
      'bench-measure',
      group?.dir ?? '',
      timeFile,
      opts.nofile ? String(opts.nofile) : '',
      ...argv,
    ],
    { cwd: opts.cwd, env: opts.env, stdio: ['ignore', outFd, errFd], detached: true },
  );
  closeSync(outFd);
  closeSync(errFd);
  const t0 = process.hrtime.bigint();

  let samples = 0;
  let peakRss = 0;
  let peakPss = 0;
  let maxProcs = 0;
  const seen = new Set<number>();
  // smaps_rollup costs milliseconds per process (statm: ~0.1 ms), so PSS is read at most once a second,
  // and sooner only when Σ RSS reaches a new peak (where the PSS peak most likely is).
  let lastPss = 0;
  const sampler0 = process.cpuUsage();
  const sample = (): void => {
    const pids = group ? group.procs() : child.pid ? descendants(child.pid) : [];
    let rss = 0;
    for (const pid of pids) {
      seen.add(pid);
      rss += rssKb(pid);
    }
    const now = Date.now();
    if (now - lastPss >= 1000 || (rss > peakRss && now - lastPss >= 250)) {
      lastPss = now;
      let pss = 0;
      for (const pid of pids) pss += pssKb(pid);
      peakPss = Math.max(peakPss, pss);
    }
    samples++;
    maxProcs = Math.max(maxProcs, pids.length);
    peakRss = Math.max(peakRss, rss);
  };
  const timer = setInterval(sample, opts.sampleMs ?? 100);
  // An early first sample, so that even sub-100 ms runs have one.
  const early = setTimeout(sample, 20);

  let timedOut = false;
  const killer = setTimeout(() => {
    timedOut = true;
    if (group) killGroup(group.dir, false);
    else if (child.pid) process.kill(-child.pid, 'SIGKILL');
  }, opts.timeoutMs);

  const rc = await new Promise<number>((resolve) => {
    child.on('error', () => resolve(127));
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 + 9 : 128)));
  });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  clearTimeout(killer);
  clearTimeout(early);
  clearInterval(timer);
  const samplerUsage = process.cpuUsage(sampler0);

  let cpu = { total: 0, user: 0, sys: 0 };
  if (group) {
    // Kill what is left (ssh ControlPersist masters), so their CPU is final and the next run starts cold.
    await group.close(false);
    cpu = group.cpu();
    await group.close(true);
  }
  let waitedCpuMs: number | null = null;
  let maxProcRssKb: number | null = null;
  try {
    const fields = readFileSync(timeFile, 'utf8').trim().split('\n').pop()?.split(' ') ?? [];
    if (fields.length >= 4) {
      waitedCpuMs = (Number(fields[1]) + Number(fields[2])) * 1000;
      maxProcRssKb = Number(fields[3]);
    }
  } catch {
    // No time output (killed, or no /usr/bin/time).
  }
  const readOut = (f: string): string => {
    try {
      return readFileSync(f, 'utf8');
    } catch {
      return '';
    }
  };
  const stdout = readOut(`${stem}.out`);
  const stderr = readOut(`${stem}.err`);
  for (const f of [timeFile, `${stem}.out`, `${stem}.err`]) rmSync(f, { force: true });
  if (!group) cpu = { total: waitedCpuMs ?? 0, user: 0, sys: 0 };

  return {
    wallMs,
    cpuMs: cpu.total,
    cpuUserMs: cpu.user,
    cpuSysMs: cpu.sys,
    waitedCpuMs,
    peakRssKb: Math.max(peakRss, maxProcRssKb ?? 0),
    sampledPeakRssKb: peakRss,
    peakPssKb: peakPss,
    maxProcRssKb,
    samples,
    maxProcs,
    procsSeen: seen.size,
    method: group ? 'cgroup' : 'time',
    loadBefore,
    samplerCpuMs: (samplerUsage.user + samplerUsage.system) / 1000,
    rc: timedOut ? 124 : rc,
    timedOut,
    stdout,
    stderr,
  };
}
