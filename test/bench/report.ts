// Turns results.json into results.md (tables, target checks) and the SVG charts next to it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Phase, ResultRow, ResultsFile } from './results.js';
import { linePlot, type Series } from './svg.js';
import { TOOL_IDS, TOOL_LABELS, type ToolId } from './tools.js';
import { WORKLOADS, type WorkloadId } from './workloads.js';

const COLORS: Record<ToolId, string> = {
  tsible: '#d62728',
  'ansible-default': '#1f77b4',
  'ansible-tuned': '#2ca02c',
  mitogen: '#9467bd',
  floor: '#555555',
};

const s = (ms: number): string =>
  ms >= 100_000 ? (ms / 1000).toFixed(0) : (ms / 1000).toFixed(ms >= 10_000 ? 1 : 2);
const mb = (kb: number): string => (kb / 1024).toFixed(kb >= 100 * 1024 ? 0 : 1);
const ratio = (a: number, b: number): string => {
  const r = a / b;
  return r >= 10 ? `${r.toFixed(0)}×` : r >= 1 ? `${r.toFixed(1)}×` : `${r.toFixed(2)}×`;
};

/** CPU per host·task, in ms. */
export function cpuPerHostTask(r: ResultRow): number {
  return r.cpuMs / (r.hosts * r.tasks);
}

function statusText(r: ResultRow): string {
  if (r.status === 'timeout') return `timeout (> ${s(r.wallMs)} s)`;
  if (r.status === 'skipped') return `skipped${r.error ? `: ${r.error}` : ''}`;
  if (r.status === 'failed') return `FAILED${r.error ? `: ${r.error.split('\n')[0]?.slice(0, 80)}` : ''}`;
  return 'ok';
}

function find(
  rows: ResultRow[],
  w: string,
  hosts: number,
  phase: Phase,
  tool: ToolId,
): ResultRow | undefined {
  return rows.find((r) => r.workload === w && r.hosts === hosts && r.phase === phase && r.tool === tool);
}

function okRow(
  rows: ResultRow[],
  w: string,
  hosts: number,
  phase: Phase,
  tool: ToolId,
): ResultRow | undefined {
  const r = find(rows, w, hosts, phase, tool);
  return r && r.status === 'ok' ? r : undefined;
}

function workloadTable(rows: ResultRow[], w: string, phase: Phase): string[] {
  const mine = rows.filter((r) => r.workload === w && r.phase === phase);
  const hostCounts = [...new Set(mine.map((r) => r.hosts))].sort((a, b) => a - b);
  const tools = TOOL_IDS.filter((t) => mine.some((r) => r.tool === t));
  const okTools = tools.filter((t) => mine.some((r) => r.tool === t && r.status === 'ok'));
  const out = [
    `| hosts | row | wall s | CPU s | CPU ms/host·task | peak RSS MB | peak PSS MB | ${okTools.map((t) => `÷ ${TOOL_LABELS[t]}`).join(' | ')} | changed | load | state |`,
    `|---:|---|---:|---:|---:|---:|---:|${okTools.map(() => '---:|').join('')}---:|---:|---|`,
  ];
  for (const n of hostCounts) {
    for (const t of tools) {
      const r = find(rows, w, n, phase, t);
      if (!r) continue;
      if (r.status !== 'ok') {
        const wall = r.status === 'timeout' ? `> ${s(r.wallMs)}` : '';
        out.push(
          `| ${n} | ${TOOL_LABELS[t]} | ${wall} | | | | | ${okTools.map(() => '').join(' | ')} | | | ${statusText(r)} |`,
        );
        continue;
      }
      const ratios = okTools.map((o) => {
        const other = okRow(rows, w, n, phase, o);
        return other ? ratio(r.wallMs, other.wallMs) : '';
      });
      const changed = r.recap ? String(r.recap.changed) : '';
      const state =
        r.state === 'differs'
          ? `**DIFFERS from ${r.stateRef ? TOOL_LABELS[r.stateRef] : '?'}**`
          : r.state === 'same'
            ? `same as ${r.stateRef ? TOOL_LABELS[r.stateRef] : '?'}`
            : (r.state ?? '');
      const load = Math.max(...r.runs.map((x) => x.load1 ?? 0)).toFixed(1);
      out.push(
        `| ${n} | ${TOOL_LABELS[t]} | ${s(r.wallMs)} | ${s(r.cpuMs)} | ${cpuPerHostTask(r).toFixed(1)} | ${mb(r.peakRssKb)} | ${mb(r.peakPssKb)} | ${ratios.join(' | ')} | ${changed} | ${load} | ${state} |`,
      );
    }
  }
  return out;
}

function wallChart(rows: ResultRow[], w: string, title: string, phase: Phase): string {
  const series: Series[] = TOOL_IDS.map((t) => ({
    name: TOOL_LABELS[t],
    color: COLORS[t],
    dashed: t === 'floor',
    points: rows
      .filter((r) => r.workload === w && r.phase === phase && r.tool === t && r.status === 'ok')
      .map((r): [number, number] => [r.hosts, r.wallMs / 1000]),
  })).filter((x) => x.points.length > 0);
  return linePlot({
    title: `Workload ${w} (${title}), ${phase}: wall time`,
    xLabel: 'hosts',
    yLabel: 'wall time, s (log)',
    series,
    logX: true,
    logY: true,
  });
}

interface Target {
  what: string;
  measured: string;
  pass: boolean | null;
}

function targets(rows: ResultRow[]): Target[] {
  const out: Target[] = [];
  const speed = (n: number, other: ToolId, min: number): void => {
    const t = okRow(rows, 'a', n, 'converged', 'tsible');
    const o = okRow(rows, 'a', n, 'converged', other);
    out.push({
      what: `workload a, converged, ${n} hosts: tsible ≥ ${min}× faster than ${TOOL_LABELS[other]}`,
      measured:
        t && o ? `${ratio(o.wallMs, t.wallMs)} (${s(o.wallMs)} s vs ${s(t.wallMs)} s)` : 'not measured',
      pass: t && o ? o.wallMs / t.wallMs >= min : null,
    });
  };
  speed(10, 'ansible-default', 20);
  speed(10, 'ansible-tuned', 10);
  speed(10, 'mitogen', 5);
  speed(100, 'ansible-tuned', 20);
  const t100 = okRow(rows, 'a', 100, 'converged', 'tsible');
  const f100 = okRow(rows, 'a', 100, 'converged', 'floor');
  out.push({
    what: 'workload a, converged, 100 hosts: tsible within 1.5× of the floor',
    measured:
      t100 && f100
        ? `${ratio(t100.wallMs, f100.wallMs)} (${s(t100.wallMs)} s vs ${s(f100.wallMs)} s)`
        : 'not measured',
    pass: t100 && f100 ? t100.wallMs / f100.wallMs <= 1.5 : null,
  });
  // CPU per host·task: judged at each workload's largest measured size (start-up, ~0.5 s of node, is
  // amortized there as it would be on a real fleet); the incremental figure between the two largest
  // sizes leaves start-up out entirely.
  const conv = rows.filter((r) => r.tool === 'tsible' && r.phase === 'converged' && r.status === 'ok');
  const largest: ResultRow[] = [];
  const notes: string[] = [];
  for (const w of [...new Set(conv.map((r) => r.workload))]) {
    const pts = conv.filter((r) => r.workload === w).sort((a, b) => a.hosts - b.hosts);
    const top = pts[pts.length - 1] as ResultRow;
    largest.push(top);
    const prev = pts[pts.length - 2];
    const inc = prev ? (top.cpuMs - prev.cpuMs) / ((top.hosts - prev.hosts) * top.tasks) : null;
    notes.push(
      `${w} @${top.hosts}: ${cpuPerHostTask(top).toFixed(2)} ms` +
        (inc !== null && prev ? ` (incremental ${prev.hosts}→${top.hosts}: ${inc.toFixed(2)} ms)` : ''),
    );
  }
  if (largest.length) {
    const worst = largest.reduce((a, b) => (cpuPerHostTask(b) > cpuPerHostTask(a) ? b : a));
    out.push({
      what: 'tsible controller CPU ≤ 2 ms per host·task, converged (each workload at its largest measured size)',
      measured: notes.join('; '),
      pass: cpuPerHostTask(worst) <= 2,
    });
  } else {
    out.push({
      what: 'tsible controller CPU ≤ 2 ms per host·task, converged',
      measured: 'not measured',
      pass: null,
    });
  }
  const at100 = rows.filter(
    (r) => r.tool === 'tsible' && r.hosts === 100 && r.status === 'ok' && !r.workload.startsWith('scale'),
  );
  const peak = at100.length ? Math.max(...at100.map((r) => r.peakRssKb)) : 0;
  out.push({
    what: 'tsible controller memory ≤ 150 MB at 100 hosts',
    measured: at100.length ? `${mb(peak)} MB peak RSS` : 'not measured',
    pass: at100.length ? peak <= 150 * 1024 : null,
  });
  return out;
}

interface Linearity {
  workload: string;
  phase: Phase;
  text: string;
  pass: boolean | null;
}

/** Memory should grow at most linearly with endpoints; CPU per host·task should stay flat. */
export function scaleLinearity(rows: ResultRow[]): Linearity[] {
  const out: Linearity[] = [];
  for (const w of ['scale-a', 'scale-c']) {
    for (const phase of ['fresh', 'converged'] as Phase[]) {
      const pts = rows
        .filter((r) => r.workload === w && r.phase === phase && r.tool === 'tsible' && r.status === 'ok')
        .sort((a, b) => a.hosts - b.hosts);
      if (pts.length < 2) continue;
      const first = pts[0] as ResultRow;
      const last = pts[pts.length - 1] as ResultRow;
      const incs = pts.slice(1).map((p, i) => {
        const prev = pts[i] as ResultRow;
        return (p.peakRssKb - prev.peakRssKb) / (p.hosts - prev.hosts);
      });
      const firstInc = incs[0] as number;
      const lastInc = incs[incs.length - 1] as number;
      // Linear (or better): the last per-endpoint increment is not much above the first. Peaks are sampled,
      // so allow 20 MB of noise spread over the last interval.
      const lastSpan = last.hosts - (pts[pts.length - 2] as ResultRow).hosts;
      const memOk = lastInc <= Math.max(firstInc, 0) * 1.25 + 20480 / lastSpan;
      const cpuGrowth = cpuPerHostTask(last) / cpuPerHostTask(first);
      const cpuOk = cpuGrowth <= 1.25;
      out.push({
        workload: w,
        phase,
        text:
          `memory per added endpoint ${incs.map((x) => `${x.toFixed(0)} KB`).join(' → ')}; ` +
          `CPU per host·task ${pts.map((p) => `${cpuPerHostTask(p).toFixed(2)} ms`).join(' → ')} (×${cpuGrowth.toFixed(2)})`,
        pass: memOk && cpuOk,
      });
    }
  }
  return out;
}

function scaleSection(rows: ResultRow[], dir: string): string[] {
  const scale = rows.filter((r) => r.workload.startsWith('scale')).sort((a, b) => a.hosts - b.hosts);
  if (!scale.length) return [];
  const out = [
    '## Controller-only scale test (fake fleet)',
    '',
    'Endpoints are ssh2 servers in a separate process (test/bench/fake-fleet.ts) on 127.0.0.1, one port each,',
    'running commands with /bin/sh in their own directory. tsible runs the workload on all of them at once.',
    '"tsible CPU" is tsible’s process tree; "fake fleet CPU" is the server process and the shells it starts,',
    'in parentheses the ssh2 server process alone. The fake fleet shares the CPUs with tsible, so wall time',
    'here is not the controller’s alone.',
    '',
    '| endpoints | workload | phase | row | wall s | tsible CPU s | CPU ms/host·task | peak RSS MB | RSS KB/endpoint | fake fleet CPU s (ssh2 server) | status |',
    '|---:|---|---|---|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of scale) {
    if (r.status !== 'ok') {
      out.push(
        `| ${r.hosts} | ${r.workload} | ${r.phase} | ${TOOL_LABELS[r.tool]} | | | | | | | ${statusText(r)} |`,
      );
      continue;
    }
    out.push(
      `| ${r.hosts} | ${r.workload} | ${r.phase} | ${TOOL_LABELS[r.tool]} | ${s(r.wallMs)} | ${s(r.cpuMs)} | ${cpuPerHostTask(r).toFixed(2)} | ${mb(r.peakRssKb)} | ${(r.peakRssKb / r.hosts).toFixed(0)} | ${r.serverCpuMs === undefined ? '' : `${s(r.serverCpuMs)} (${s(r.serverOwnCpuMs ?? 0)})`} | ok${r.recap ? `, changed=${r.recap.changed}` : ''} |`,
    );
  }
  out.push('');
  const lin = scaleLinearity(scale);
  if (lin.length) {
    out.push('Growth (tsible):', '');
    for (const l of lin)
      out.push(`- ${l.workload} ${l.phase}: ${l.text}: **${l.pass ? 'linear' : 'NOT linear'}**`);
    out.push('');
  }
  const series = (f: (r: ResultRow) => number): Series[] => {
    const names = [
      ...new Set(scale.filter((r) => r.tool === 'tsible').map((r) => `${r.workload} ${r.phase}`)),
    ];
    const palette = ['#d62728', '#ff7f0e', '#1f77b4', '#2ca02c'];
    return names.map((name, i) => ({
      name,
      color: palette[i % palette.length] as string,
      points: scale
        .filter((r) => r.tool === 'tsible' && `${r.workload} ${r.phase}` === name && r.status === 'ok')
        .map((r): [number, number] => [r.hosts, f(r)]),
    }));
  };
  writeFileSync(
    join(dir, 'scale-cpu.svg'),
    linePlot({
      title: 'tsible controller CPU per host·task',
      xLabel: 'endpoints',
      yLabel: 'ms',
      series: series(cpuPerHostTask),
    }),
  );
  writeFileSync(
    join(dir, 'scale-memory.svg'),
    linePlot({
      title: 'tsible controller peak RSS',
      xLabel: 'endpoints',
      yLabel: 'MB',
      series: series((r) => r.peakRssKb / 1024),
    }),
  );
  out.push('![CPU per host·task](scale-cpu.svg) ![peak RSS](scale-memory.svg)', '');
  return out;
}

export function writeReport(dir: string, results: ResultsFile): string {
  const { meta, rows } = results;
  const md: string[] = [
    `# tsible benchmark, ${meta.updated.slice(0, 10)}`,
    '',
    `- Machine: ${meta.machine.cpus} CPUs (${meta.machine.cpuModel}), ${meta.machine.memGb} GB, Linux ${meta.machine.kernel}. ` +
      'The fleet hosts run on the same machine, so their sshd and module processes share these CPUs.',
    `- node ${meta.node}; ${meta.ansible}; Mitogen: ${meta.mitogen ?? 'not available'}; tsible at ${meta.tsibleCommit}`,
    `- ${meta.measurement}`,
    '- Ratio columns: this row’s wall time ÷ that row’s (in the Ansible rows, “÷ tsible” is how many times slower than tsible they are).',
    '- load: the 1-minute load average when the run started (highest over repetitions); above the CPU count, other work on the machine competed with the run.',
    '- See docs/benchmark.md for what each row is and how CPU and memory are measured.',
    '',
  ];
  const differing = rows.filter((r) => r.state === 'differs');
  if (differing.length) {
    md.push('## ⚠ STATE MISMATCH: some tools did not leave the hosts in the same state', '');
    for (const r of differing) {
      md.push(
        `- workload ${r.workload}, ${r.hosts} hosts, ${TOOL_LABELS[r.tool]} vs ${r.stateRef ? TOOL_LABELS[r.stateRef] : '?'}:`,
      );
      md.push('  ```', ...(r.stateDiff ?? []).slice(0, 30).map((l) => `  ${l}`), '  ```');
    }
    md.push('');
  }
  const notIdempotent = rows.filter(
    (r) => r.phase === 'converged' && r.status === 'ok' && r.recap && r.recap.changed > 0,
  );
  if (notIdempotent.length) {
    md.push(
      `**Converged runs that still changed something:** ${notIdempotent.map((r) => `${TOOL_LABELS[r.tool]} on ${r.workload}/${r.hosts} (${r.recap?.changed})`).join(', ')}`,
      '',
    );
  }
  md.push('## Targets (issue 7)', '', '| target | measured | verdict |', '|---|---|---|');
  for (const t of targets(rows)) {
    md.push(`| ${t.what} | ${t.measured} | ${t.pass === null ? '–' : t.pass ? 'pass' : '**FAIL**'} |`);
  }
  md.push('');
  for (const w of Object.keys(WORKLOADS) as WorkloadId[]) {
    if (!rows.some((r) => r.workload === w)) continue;
    const wl = WORKLOADS[w];
    md.push(`## Workload ${w}: ${wl.title} (${wl.tasks} tasks)`, '');
    for (const phase of ['converged', 'fresh'] as Phase[]) {
      if (!rows.some((r) => r.workload === w && r.phase === phase)) continue;
      const svg = `wall-${w}-${phase}.svg`;
      writeFileSync(join(dir, svg), wallChart(rows, w, wl.title, phase));
      md.push(
        `### ${phase === 'converged' ? 'Converged hosts (nothing to change)' : 'Fresh hosts'}`,
        '',
        `![wall time, workload ${w}, ${phase}](${svg})`,
        '',
        ...workloadTable(rows, w, phase),
        '',
      );
    }
  }
  md.push(...scaleSection(rows, dir));
  const text = md.join('\n');
  writeFileSync(join(dir, 'results.md'), text);
  return text;
}
