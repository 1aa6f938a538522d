// `npm run bench`: tsible against ansible-playbook (defaults, tuned, Mitogen) and the SSH floor on real fleet
// hosts, then the controller-only scale test on fake SSH endpoints. See docs/benchmark.md.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import {
  diffSnapshots,
  downHosts,
  hostNames,
  installPython,
  pythonLayer,
  snapshot,
  upHosts,
  writeInventory,
} from './hosts.js';
import { keyPath, knownHostsPath } from '../fleet/fleet.js';
import type { FloorHost } from './floor.js';
import { cgroupCleanup, cgroupRoot } from './measure.js';
import { parseOptions, type BenchOptions } from './options.js';
import { writeReport } from './report.js';
import {
  finishRow,
  loadResults,
  putRow,
  rowKey,
  saveResults,
  summarize,
  type Meta,
  type Phase,
  type ResultRow,
  type ResultsFile,
} from './results.js';
import { runTool } from './runner.js';
import { runScale } from './scale.js';
import { prepareController, TOOL_LABELS, type ControllerInfo, type ToolId } from './tools.js';
import { firstLine, freshHome, log, prettifyJson, ROOT, warn } from './util.js';
import { FLEET_BENCH_ROOT, WORKLOADS, type Workload } from './workloads.js';

/** Hosts we started and have not stopped yet: stopped on exit, even on Ctrl-C. */
const upNames = new Set<string>();
let workRoot = '';

function cleanupAndExit(code: number): never {
  if (upNames.size) {
    log(`stopping our hosts: ${[...upNames].join(' ')}`);
    try {
      downHosts([...upNames]);
    } catch (e) {
      warn(String(e));
    }
  }
  cgroupCleanup();
  if (workRoot) rmSync(workRoot, { recursive: true, force: true });
  process.exit(code);
}

function makeMeta(info: ControllerInfo | null, argv: string[]): Meta {
  const dirty = firstLine(['git', '-C', ROOT, 'status', '--porcelain']) ? '+uncommitted changes' : '';
  return {
    updated: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model.trim() ?? '?',
      memGb: Math.round(totalmem() / 2 ** 30),
      kernel: release(),
    },
    node: process.version,
    ansible: info ? `ansible-core ${info.ansibleVersion}` : 'ansible-core ?',
    mitogen: info?.mitogenVersion ?? null,
    tsibleCommit: `${firstLine(['git', '-C', ROOT, 'rev-parse', '--short', 'HEAD']) || '?'}${dirty}`,
    measurement:
      cgroupRoot() !== null
        ? 'CPU: cgroup v2 cpu.stat of the run’s whole process tree (ssh ControlPersist masters included). Memory: peak of the sampled sum of VmRSS / PSS over the tree.'
        : 'CPU: GNU time user+sys (waited-for descendants only; no writable cgroup v2). Memory: peak of the sampled sum of VmRSS / PSS over the /proc tree.',
    invocations: [{ at: new Date().toISOString(), argv }],
  };
}

function baseRow(tool: ToolId, w: Workload, hosts: number, phase: Phase): ResultRow {
  return {
    key: rowKey(w.id, hosts, phase, tool),
    tool,
    workload: w.id,
    hosts,
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
  };
}

interface FleetCtx {
  o: BenchOptions;
  info: ControllerInfo;
  results: ResultsFile;
  layer: string;
}

/** One tool's cycle on fresh hosts: fresh run, converged runs, (floor rows on the first cycle), state. */
async function toolCycle(
  fc: FleetCtx,
  w: Workload,
  n: number,
  tool: ToolId,
  withFloor: boolean,
): Promise<Map<string, string[]> | null> {
  const { o, info, results } = fc;
  const names = hostNames(o.prefix, n);
  const dir = join(workRoot, `${w.id}-${n}-${tool}`);
  mkdirSync(dir, { recursive: true });
  log(`workload ${w.id}, ${n} host(s), ${TOOL_LABELS[tool]}: starting fresh hosts`);
  names.forEach((x) => upNames.add(x));
  const hosts = upHosts(names, dir);
  await installPython(names, fc.layer);
  const inventory = join(dir, 'bench.ini');
  writeInventory(inventory, hosts, FLEET_BENCH_ROOT);
  const floorHosts = join(dir, 'floor-hosts.json');
  const fh: FloorHost[] = hosts.map((h) => ({
    name: h.name,
    host: h.address,
    port: 22,
    user: 'root',
    key: keyPath,
    knownHosts: knownHostsPath,
    env: { BENCH_ROOT: FLEET_BENCH_ROOT },
  }));
  writeFileSync(floorHosts, JSON.stringify(fh, null, 2));
  const logDir = join(o.out, 'logs');

  const measureRow = async (t: ToolId, phase: Phase, reps: number): Promise<ResultRow> => {
    const row = baseRow(t, w, n, phase);
    for (let rep = 1; rep <= reps; rep++) {
      const runDir = join(dir, `${t}-${phase}-${rep}`);
      mkdirSync(runDir, { recursive: true });
      const r = await runTool({
        tool: t,
        ctx: {
          inventory,
          playbook: w.playbook,
          hosts: n,
          runDir,
          home: freshHome(workRoot),
          floorHosts,
          floorScript: w.floor,
        },
        mitogenStrategyDir: info.mitogenStrategyDir,
        timeoutMs: o.timeoutMs,
        sampleMs: o.sampleMs,
        logDir,
        logName: `${w.id}-${n}h-${t}-${phase}-${rep}`,
      });
      row.logs.push(r.log.slice(o.out.length + 1));
      if (r.recap) row.recap = r.recap;
      if (!r.ok) {
        row.status = r.m.timedOut ? 'timeout' : 'failed';
        row.error = r.error;
        row.wallMs = Math.round(r.m.wallMs);
        warn(`${TOOL_LABELS[t]} on workload ${w.id}, ${n} hosts, ${phase}: ${r.error} (log: ${r.log})`);
        return row;
      }
      row.runs.push(summarize(r.m));
      log(
        `  ${TOOL_LABELS[t]} ${phase}#${rep}: ${(r.m.wallMs / 1000).toFixed(2)} s wall, ${(r.m.cpuMs / 1000).toFixed(2)} s CPU, ` +
          `${(r.m.peakRssKb / 1024).toFixed(0)} MB${r.recap ? `, changed=${r.recap.changed}` : ''}`,
      );
    }
    return finishRow(row);
  };
  const save = (row: ResultRow): void => {
    putRow(results, row);
    saveResults(o.out, results);
  };

  if (withFloor) save(await measureRow('floor', 'fresh', o.reps));
  const fresh = await measureRow(tool, 'fresh', 1);
  save(fresh);
  if (fresh.status !== 'ok') {
    const skipped = baseRow(tool, w, n, 'converged');
    skipped.status = 'skipped';
    skipped.error = 'the fresh run did not succeed';
    save(skipped);
    return null;
  }
  const conv = await measureRow(tool, 'converged', o.reps);
  save(conv);
  if (withFloor) save(await measureRow('floor', 'converged', o.reps));
  return snapshot(names, w.state);
}

function snapshotFile(o: BenchOptions, w: Workload, n: number, tool: ToolId): string {
  return join(o.out, 'snapshots', `${w.id}-${n}h-${tool}.json`);
}

/**
 * Compares every tool's end state with the reference tool's (Ansible at its defaults when measured).
 * Snapshots are kept in the output directory, so rows measured by separate invocations are compared too.
 */
function compareStates(fc: FleetCtx, w: Workload, n: number): void {
  const snaps = new Map<ToolId, Map<string, string[]>>();
  for (const tool of ['ansible-default', 'ansible-tuned', 'mitogen', 'tsible'] as ToolId[]) {
    const f = snapshotFile(fc.o, w, n, tool);
    if (existsSync(f))
      snaps.set(tool, new Map(Object.entries(JSON.parse(readFileSync(f, 'utf8')) as object)));
  }
  const ref = [...snaps.keys()][0];
  if (!ref) return;
  const refSnap = snaps.get(ref) as Map<string, string[]>;
  for (const [tool, snap] of snaps) {
    const diff = tool === ref ? [] : diffSnapshots(refSnap, snap);
    for (const phase of ['fresh', 'converged'] as Phase[]) {
      const row = fc.results.rows.find((r) => r.key === rowKey(w.id, n, phase, tool));
      if (!row || row.status !== 'ok') continue;
      if (tool === ref) {
        row.state = 'reference';
        delete row.stateRef;
        delete row.stateDiff;
        continue;
      }
      row.state = diff.length ? 'differs' : 'same';
      row.stateRef = ref;
      if (diff.length) row.stateDiff = diff.slice(0, 200);
      else delete row.stateDiff;
    }
    if (diff.length) {
      warn(
        `STATE MISMATCH: workload ${w.id}, ${n} hosts: ${TOOL_LABELS[tool]} left a different state than ${TOOL_LABELS[ref]}:\n  ` +
          diff.slice(0, 20).join('\n  '),
      );
    }
  }
  saveResults(fc.o.out, fc.results);
}

async function runFleet(o: BenchOptions, results: ResultsFile, info: ControllerInfo): Promise<void> {
  const layer = await pythonLayer(o.prefix);
  const fc: FleetCtx = { o, info, results, layer };
  const playbookTools = o.tools.filter((t) => t !== 'floor');
  const skip = (t: ToolId, why: string): void => {
    for (const w of o.workloads) {
      for (const n of o.hosts) {
        for (const phase of ['fresh', 'converged'] as Phase[]) {
          const row = baseRow(t, WORKLOADS[w], n, phase);
          row.status = 'skipped';
          row.error = why;
          putRow(results, row);
        }
      }
    }
  };
  const runnable = playbookTools.filter((t) => {
    if (t === 'mitogen' && !info.mitogenStrategyDir) {
      skip(t, 'Mitogen not available');
      return false;
    }
    if (t === 'tsible' && !info.tsibleBuilt) {
      skip(t, 'not built (npm run build)');
      return false;
    }
    return true;
  });
  for (const n of o.hosts) {
    const names = hostNames(o.prefix, n);
    try {
      for (const wid of o.workloads) {
        const w = WORKLOADS[wid];
        let floorPending = o.tools.includes('floor');
        for (const tool of runnable) {
          const file = snapshotFile(o, w, n, tool);
          rmSync(file, { force: true });
          const snap = await toolCycle(fc, w, n, tool, floorPending);
          floorPending = false;
          if (snap) {
            mkdirSync(dirname(file), { recursive: true });
            writeFileSync(file, JSON.stringify(Object.fromEntries(snap), null, 1));
          }
        }
        if (floorPending) {
          warn('the floor alone: measured on fresh hosts only (no playbook row converges them)');
          // toolCycle needs a playbook tool for the converged phase; measure the floor's fresh run only.
          await toolCycleFloorOnly(fc, w, n);
        }
        compareStates(fc, w, n);
      }
    } finally {
      if (!o.keep) {
        log(`stopping ${names.length} host(s)`);
        downHosts(names);
        names.forEach((x) => upNames.delete(x));
      }
    }
  }
}

async function toolCycleFloorOnly(fc: FleetCtx, w: Workload, n: number): Promise<void> {
  const names = hostNames(fc.o.prefix, n);
  const dir = join(workRoot, `${w.id}-${n}-floor`);
  mkdirSync(dir, { recursive: true });
  names.forEach((x) => upNames.add(x));
  const hosts = upHosts(names, dir);
  await installPython(names, fc.layer);
  const floorHosts = join(dir, 'floor-hosts.json');
  writeFileSync(
    floorHosts,
    JSON.stringify(
      hosts.map((h) => ({
        name: h.name,
        host: h.address,
        port: 22,
        user: 'root',
        key: keyPath,
        knownHosts: knownHostsPath,
        env: { BENCH_ROOT: FLEET_BENCH_ROOT },
      })),
    ),
  );
  const row = baseRow('floor', w, n, 'fresh');
  for (let rep = 1; rep <= fc.o.reps; rep++) {
    const runDir = join(dir, `floor-${rep}`);
    mkdirSync(runDir, { recursive: true });
    const r = await runTool({
      tool: 'floor',
      ctx: {
        inventory: '',
        playbook: w.playbook,
        hosts: n,
        runDir,
        home: freshHome(workRoot),
        floorHosts,
        floorScript: w.floor,
      },
      mitogenStrategyDir: null,
      timeoutMs: fc.o.timeoutMs,
      sampleMs: fc.o.sampleMs,
      logDir: join(fc.o.out, 'logs'),
      logName: `${w.id}-${n}h-floor-fresh-${rep}`,
    });
    if (!r.ok) {
      row.status = 'failed';
      row.error = r.error;
      break;
    }
    row.runs.push(summarize(r.m));
  }
  putRow(fc.results, finishRow(row));
  saveResults(fc.o.out, fc.results);
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const o = parseOptions(argv);
  if (o.mode === 'report') {
    const results = loadResults(o.out, makeMeta(null, argv), true);
    writeReport(o.out, results);
    await prettifyJson(o.out);
    log(`wrote ${join(o.out, 'results.md')}`);
    return 0;
  }
  if (process.platform !== 'linux' || process.getuid?.() !== 0) {
    process.stderr.write('bench: must run as root on Linux (the test fleet and cgroups need it)\n');
    return 2;
  }
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => cleanupAndExit(130));
  workRoot = mkdtempSync('/tmp/tsb-');
  const info = prepareController(o.mode === 'scale' ? ['tsible', 'floor'] : o.tools);
  const results = loadResults(o.out, makeMeta(info, argv));
  log(`results: ${o.out}`);
  try {
    if (o.mode === 'all' || o.mode === 'fleet') await runFleet(o, results, info);
    if (o.mode === 'all' || o.mode === 'scale') await runScale(o, results, info, workRoot);
  } finally {
    saveResults(o.out, results);
    writeReport(o.out, results);
    await prettifyJson(o.out);
    log(`wrote ${join(o.out, 'results.md')} and results.json`);
  }
  const bad = results.rows.filter((r) => r.state === 'differs');
  if (bad.length) {
    warn(`STATE MISMATCH in ${bad.length} row(s): see results.md`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => cleanupAndExit(code),
  (e: unknown) => {
    process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    cleanupAndExit(1);
  },
);
