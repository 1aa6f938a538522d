// Pure parts of the benchmark: options, recap parsing, snapshot diffs, the SVG plot, the report's checks.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffSnapshots } from './hosts.js';
import { parseOptions } from './options.js';
import { scaleLinearity } from './report.js';
import { finishRow, parseRecap, type ResultRow } from './results.js';
import { linePlot } from './svg.js';
import { ansibleConfig } from './tools.js';
import { BENCH_SRC } from './util.js';
import { workloadC } from './workloads/gen-c.js';

describe('bench options', () => {
  it('defaults to the full matrix and narrows with flags and env', () => {
    const o = parseOptions([], {});
    expect(o.mode).toBe('all');
    expect(o.hosts).toEqual([1, 10, 50, 100]);
    expect(o.workloads).toEqual(['a', 'b', 'c']);
    expect(o.reps).toBe(3);
    const q = parseOptions(['fleet', '--quick', '--tools', 'tsible,floor'], {});
    expect(q).toMatchObject({ mode: 'fleet', hosts: [1, 10], reps: 1, tools: ['tsible', 'floor'] });
    expect(parseOptions(['--quick', '--hosts', '1'], {}).hosts).toEqual([1]);
    expect(parseOptions([], { BENCH_HOSTS: '50', BENCH_WORKLOADS: 'c' })).toMatchObject({
      hosts: [50],
      workloads: ['c'],
    });
  });

  it('rejects unknown tools, workloads and bad numbers', () => {
    expect(() => parseOptions(['--tools', 'chef'], {})).toThrow(/unknown tool/);
    expect(() => parseOptions(['--workloads', 'z'], {})).toThrow(/unknown workload/);
    expect(() => parseOptions(['--hosts', '0'], {})).toThrow(/bad host count/);
  });
});

describe('PLAY RECAP parsing', () => {
  it('sums the hosts of the last recap', () => {
    const out = [
      'PLAY RECAP *********************************************************************',
      'bench1                     : ok=21   changed=14   unreachable=0    failed=0    skipped=0    rescued=0    ignored=0',
      'bench2                     : ok=21   changed=0    unreachable=1    failed=2    skipped=3    rescued=0    ignored=0',
      '',
    ].join('\n');
    expect(parseRecap(out)).toEqual({ hosts: 2, ok: 42, changed: 14, unreachable: 1, failed: 2, skipped: 3 });
    expect(parseRecap('no recap here')).toBeUndefined();
  });
});

describe('state snapshots', () => {
  it('reports the lines only one side has, per host', () => {
    const ref = new Map([['h1', ['f /srv/a 644 root root 3', 'dir /srv 755 root root']]]);
    const same = new Map([['h1', ['dir /srv 755 root root', 'f /srv/a 644 root root 3']]]);
    const other = new Map([['h1', ['f /srv/a 600 root root 3', 'dir /srv 755 root root']]]);
    expect(diffSnapshots(ref, same)).toEqual([]);
    expect(diffSnapshots(ref, other)).toEqual([
      'h1: - f /srv/a 644 root root 3',
      'h1: + f /srv/a 600 root root 3',
    ]);
    expect(diffSnapshots(ref, new Map())).toHaveLength(2);
  });
});

describe('ansible.cfg of the rows', () => {
  it('keeps defaults empty and tunes the others', () => {
    expect(ansibleConfig('ansible-default', 10, null)).not.toMatch(/forks|pipelining/);
    const tuned = ansibleConfig('ansible-tuned', 10, null);
    expect(tuned).toMatch(/^forks = 10$/m);
    expect(tuned).toMatch(/^pipelining = True$/m);
    expect(tuned).toMatch(/ControlPersist=600s/);
    expect(ansibleConfig('mitogen', 10, '/x/strategy')).toMatch(/^strategy = mitogen_linear$/m);
  });
});

describe('workloads', () => {
  it('c.yml and scale-c.yml are what gen-c.ts writes', () => {
    expect(readFileSync(join(BENCH_SRC, 'workloads', 'c.yml'), 'utf8')).toBe(workloadC(50));
    expect(readFileSync(join(BENCH_SRC, 'workloads', 'scale-c.yml'), 'utf8')).toBe(workloadC(5));
    expect(workloadC(50).match(/^ {4}- name:/gm)).toHaveLength(200);
  });
});

describe('SVG line plot', () => {
  it('draws one path per series with points, on log axes', () => {
    const svg = linePlot({
      title: 'wall <time>',
      xLabel: 'hosts',
      yLabel: 's',
      logX: true,
      logY: true,
      series: [
        {
          name: 'a',
          color: '#f00',
          points: [
            [1, 0.5],
            [10, 2],
            [100, 30],
          ],
        },
        {
          name: 'b',
          color: '#00f',
          points: [
            [1, 20],
            [10, 0],
          ],
          dashed: true,
        },
      ],
    });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('wall &lt;time&gt;');
    expect(svg.match(/<path /g)).toHaveLength(2);
    // y = 0 cannot be drawn on a log axis: 3 + 1 points.
    expect(svg.match(/<circle /g)).toHaveLength(4);
    expect(svg).not.toContain('NaN');
  });
});

describe('scale linearity', () => {
  const row = (hosts: number, cpuMs: number, peakRssKb: number): ResultRow =>
    finishRow({
      key: `scale-c|${hosts}|converged|tsible`,
      tool: 'tsible',
      workload: 'scale-c',
      hosts,
      phase: 'converged',
      tasks: 20,
      status: 'ok',
      runs: [
        {
          wallMs: 1,
          cpuMs,
          waitedCpuMs: null,
          peakRssKb,
          peakPssKb: 0,
          maxProcs: 1,
          samples: 1,
          load1: 0,
          samplerCpuMs: 0,
        },
      ],
      wallMs: 0,
      cpuMs: 0,
      peakRssKb: 0,
      peakPssKb: 0,
      measuredAt: '',
      logs: [],
    });

  it('accepts linear memory and flat CPU, rejects quadratic memory', () => {
    const linear = scaleLinearity([
      row(100, 2000, 100_000),
      row(500, 10_000, 300_000),
      row(1000, 20_000, 550_000),
    ]);
    expect(linear).toHaveLength(1);
    expect(linear[0]?.pass).toBe(true);
    const quadratic = scaleLinearity([
      row(100, 2000, 100_000),
      row(500, 10_000, 300_000),
      row(1000, 20_000, 900_000),
    ]);
    expect(quadratic[0]?.pass).toBe(false);
    const cpuGrows = scaleLinearity([row(100, 2000, 100_000), row(1000, 40_000, 500_000)]);
    expect(cpuGrows[0]?.pass).toBe(false);
  });
});
