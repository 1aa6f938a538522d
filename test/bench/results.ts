// The benchmark's result records, kept in results.json of the output directory. Runs of the benchmark with
// narrower options (--hosts 50, --workloads c...) merge into the same file, replacing rows they re-measure.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Measurement } from './measure.js';
import type { ToolId } from './tools.js';
import { median } from './util.js';

export type Phase = 'fresh' | 'converged';

export interface Recap {
  hosts: number;
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
}

export interface RunSummary {
  wallMs: number;
  cpuMs: number;
  waitedCpuMs: number | null;
  peakRssKb: number;
  peakPssKb: number;
  maxProcs: number;
  samples: number;
  /** 1-minute load average before the run (others' work on a shared machine makes it noisy). */
  load1: number;
  /** CPU of the benchmark process during the run (memory sampling), not part of cpuMs. */
  samplerCpuMs: number;
  /** Scale test: CPU the fake fleet process tree used during this run (server + the shells it ran). */
  serverCpuMs?: number;
  /** Scale test: CPU of the fake fleet's own node process (ssh2 server) during this run. */
  serverOwnCpuMs?: number;
}

export interface ResultRow {
  key: string;
  tool: ToolId;
  workload: string;
  hosts: number;
  phase: Phase;
  tasks: number;
  status: 'ok' | 'failed' | 'timeout' | 'skipped';
  error?: string;
  runs: RunSummary[];
  /** Medians over runs. */
  wallMs: number;
  cpuMs: number;
  peakRssKb: number;
  peakPssKb: number;
  serverCpuMs?: number;
  serverOwnCpuMs?: number;
  recap?: Recap;
  state?: 'reference' | 'same' | 'differs' | 'n/a';
  stateRef?: ToolId;
  stateDiff?: string[];
  measuredAt: string;
  logs: string[];
}

export interface Meta {
  updated: string;
  machine: { cpus: number; cpuModel: string; memGb: number; kernel: string };
  node: string;
  ansible: string;
  mitogen: string | null;
  tsibleCommit: string;
  measurement: string;
  invocations: { at: string; argv: string[] }[];
}

export interface ResultsFile {
  meta: Meta;
  rows: ResultRow[];
}

export function rowKey(workload: string, hosts: number, phase: Phase, tool: ToolId): string {
  return `${workload}|${hosts}|${phase}|${tool}`;
}

export function summarize(m: Measurement, server?: { total: number; own: number }): RunSummary {
  return {
    wallMs: Math.round(m.wallMs),
    cpuMs: Math.round(m.cpuMs),
    waitedCpuMs: m.waitedCpuMs === null ? null : Math.round(m.waitedCpuMs),
    peakRssKb: m.peakRssKb,
    peakPssKb: m.peakPssKb,
    maxProcs: m.maxProcs,
    samples: m.samples,
    load1: m.loadBefore,
    samplerCpuMs: Math.round(m.samplerCpuMs),
    ...(server === undefined
      ? {}
      : { serverCpuMs: Math.round(server.total), serverOwnCpuMs: Math.round(server.own) }),
  };
}

/** Fills the median fields of a row from its runs. */
export function finishRow(row: ResultRow): ResultRow {
  const pick = (f: (r: RunSummary) => number): number => Math.round(median(row.runs.map(f)));
  if (row.runs.length) {
    row.wallMs = pick((r) => r.wallMs);
    row.cpuMs = pick((r) => r.cpuMs);
    row.peakRssKb = pick((r) => r.peakRssKb);
    row.peakPssKb = pick((r) => r.peakPssKb);
    if (row.runs.some((r) => r.serverCpuMs !== undefined)) {
      row.serverCpuMs = pick((r) => r.serverCpuMs ?? 0);
      row.serverOwnCpuMs = pick((r) => r.serverOwnCpuMs ?? 0);
    }
  }
  return row;
}

/** Sums the PLAY RECAP lines of ansible-playbook / tsible-playbook output. */
export function parseRecap(stdout: string): Recap | undefined {
  const at = stdout.lastIndexOf('PLAY RECAP');
  if (at < 0) return undefined;
  const recap: Recap = { hosts: 0, ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0 };
  const re =
    /^(\S+)\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)(?:\s+skipped=(\d+))?/gm;
  for (const m of stdout.slice(at).matchAll(re)) {
    recap.hosts++;
    recap.ok += Number(m[2]);
    recap.changed += Number(m[3]);
    recap.unreachable += Number(m[4]);
    recap.failed += Number(m[5]);
    recap.skipped += Number(m[6] ?? 0);
  }
  return recap;
}

/** Loads results.json of dir (or starts one); with keepMeta (the report command), its meta is kept as is. */
export function loadResults(dir: string, meta: Meta, keepMeta = false): ResultsFile {
  const file = join(dir, 'results.json');
  if (existsSync(file)) {
    const old = JSON.parse(readFileSync(file, 'utf8')) as ResultsFile;
    if (keepMeta && old.meta) return { meta: old.meta, rows: old.rows ?? [] };
    return {
      meta: { ...meta, invocations: [...(old.meta?.invocations ?? []), ...meta.invocations] },
      rows: old.rows ?? [],
    };
  }
  return { meta, rows: [] };
}

export function putRow(results: ResultsFile, row: ResultRow): void {
  const i = results.rows.findIndex((r) => r.key === row.key);
  if (i >= 0) results.rows[i] = row;
  else results.rows.push(row);
}

export function saveResults(dir: string, results: ResultsFile): void {
  mkdirSync(dir, { recursive: true });
  results.meta.updated = new Date().toISOString();
  writeFileSync(join(dir, 'results.json'), JSON.stringify(results, null, 2) + '\n');
}
