// The controller-only scale test: tsible (and the floor) against 100..1000 fake SSH endpoints served by
// fake-fleet.ts in a separate process, whose CPU (server + the shells it starts) is counted apart.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CpuGroup } from './measure.js';
import type { BenchOptions } from './options.js';
import {
  finishRow,
  putRow,
  rowKey,
  saveResults,
  summarize,
  type Phase,
  type ResultRow,
  type ResultsFile,
} from './results.js';
import { runTool } from './runner.js';
import type { ControllerInfo, ToolId } from './tools.js';
import { freshHome, log, nodeEntry, warn } from './util.js';
import { SCALE_WORKLOADS, type Workload } from './workloads.js';

/** utime + stime of one process (the fake fleet's node: the wrapper sh exec'd into it), in ms. */
function procCpuMs(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK;
  } catch {
    return 0;
  }
}

const CLK_TCK = 100;

interface FakeFleet {
  child: ChildProcess;
  group: CpuGroup | null;
  dir: string;
}

/** Starts fake-fleet.ts in its own cgroup, with a raised open-files limit, and waits for "ready". */
async function startFakeFleet(count: number, dir: string): Promise<FakeFleet> {
  const group = CpuGroup.create('fakefleet');
  const nofile = String(count * 8 + 1024);
  const script =
    'if [ -n "$1" ]; then echo $$ > "$1/cgroup.procs"; fi; h=$(ulimit -H -n); n=$2; ' +
    'if [ "$h" != unlimited ] && [ "$h" -lt "$n" ]; then n=$h; fi; ulimit -n "$n"; shift 2; exec "$@"';
  const child = spawn(
    '/bin/sh',
    [
      '-c',
      script,
      'fake-fleet',
      group?.dir ?? '',
      nofile,
      ...nodeEntry('fake-fleet', ['--count', String(count), '--dir', dir, '--exit-on-stdin-eof']),
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error('fake fleet did not become ready in 120 s')), 120_000);
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      if (/^ready /m.test(buf)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`fake fleet exited (${code}) before it was ready`));
    });
  });
  return { child, group, dir };
}

async function stopFakeFleet(f: FakeFleet): Promise<void> {
  f.child.stdin?.end();
  f.child.kill('SIGTERM');
  await new Promise<void>((resolve) => {
    if (f.child.exitCode !== null) resolve();
    else f.child.on('exit', () => resolve());
    setTimeout(resolve, 5000);
  });
  await f.group?.close(true);
}

export async function runScale(
  o: BenchOptions,
  results: ResultsFile,
  info: ControllerInfo,
  workRoot: string,
): Promise<void> {
  const tools: ToolId[] = o.tools.includes('floor') ? ['tsible', 'floor'] : ['tsible'];
  const save = (row: ResultRow): void => {
    putRow(results, row);
    saveResults(o.out, results);
  };
  for (const wid of o.scaleWorkloads) {
    const w: Workload = SCALE_WORKLOADS[wid];
    for (const n of o.endpoints) {
      const base = (tool: ToolId, phase: Phase): ResultRow => ({
        key: rowKey(w.id, n, phase, tool),
        tool,
        workload: w.id,
        hosts: n,
        phase,
        tasks: w.tasks,
        status: 'ok',
        runs: [],
        wallMs: 0,
        cpuMs: 0,
        peakRssKb: 0,
        peakPssKb: 0,
        measuredAt: new Date().toISOString(),
        logs: [],
      });
      if (!info.tsibleBuilt) {
        for (const phase of ['fresh', 'converged'] as Phase[]) {
          const row = base('tsible', phase);
          row.status = 'skipped';
          row.error = 'not built (npm run build)';
          save(row);
        }
        continue;
      }
      const dir = join(workRoot, `fake-${w.id}-${n}`);
      mkdirSync(dir, { recursive: true });
      log(`scale test: workload ${w.id}, ${n} fake endpoints`);
      const fleet = await startFakeFleet(n, dir);
      try {
        const measureRow = async (tool: ToolId, phase: Phase, reps: number): Promise<ResultRow> => {
          const row = base(tool, phase);
          for (let rep = 1; rep <= reps; rep++) {
            const runDir = join(dir, `run-${tool}-${phase}-${rep}`);
            mkdirSync(runDir, { recursive: true });
            const before = fleet.group?.cpu().total ?? 0;
            const ownBefore = procCpuMs(fleet.child.pid);
            const r = await runTool({
              tool,
              ctx: {
                inventory: join(dir, 'inventory.ini'),
                playbook: w.playbook,
                hosts: n,
                runDir,
                home: freshHome(workRoot),
                floorHosts: join(dir, 'floor-hosts.json'),
                floorScript: w.floor,
                floorEnv: w.floorEnv,
              },
              mitogenStrategyDir: null,
              timeoutMs: o.timeoutMs,
              sampleMs: o.sampleMs,
              logDir: join(o.out, 'logs'),
              logName: `${w.id}-${n}e-${tool}-${phase}-${rep}`,
              nofile: n * 4 + 1024,
            });
            const serverCpu = (fleet.group?.cpu().total ?? 0) - before;
            const serverOwn = procCpuMs(fleet.child.pid) - ownBefore;
            row.logs.push(r.log.slice(o.out.length + 1));
            if (r.recap) row.recap = r.recap;
            if (!r.ok) {
              row.status = r.m.timedOut ? 'timeout' : 'failed';
              row.error = r.error;
              row.wallMs = Math.round(r.m.wallMs);
              warn(`scale ${w.id} ${n} endpoints, ${tool} ${phase}: ${r.error} (log: ${r.log})`);
              return row;
            }
            row.runs.push(summarize(r.m, fleet.group ? { total: serverCpu, own: serverOwn } : undefined));
            log(
              `  ${tool} ${phase}#${rep}: ${(r.m.wallMs / 1000).toFixed(2)} s wall, ${(r.m.cpuMs / 1000).toFixed(2)} s CPU ` +
                `(${(r.m.cpuMs / (n * w.tasks)).toFixed(2)} ms/host·task), ${(r.m.peakRssKb / 1024).toFixed(0)} MB; ` +
                `fake fleet ${(serverCpu / 1000).toFixed(2)} s CPU (ssh2 server ${(serverOwn / 1000).toFixed(2)} s)`,
            );
          }
          return finishRow(row);
        };
        for (const tool of tools) {
          if (tool === 'floor') {
            save(await measureRow('floor', 'converged', o.reps));
            continue;
          }
          const fresh = await measureRow(tool, 'fresh', 1);
          save(fresh);
          if (fresh.status === 'ok') save(await measureRow(tool, 'converged', o.reps));
        }
      } finally {
        await stopFakeFleet(fleet);
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
}
