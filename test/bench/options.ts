// Command-line and environment options of `npm run bench`.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { TOOL_IDS, type ToolId } from './tools.js';
import { BENCH_SRC } from './util.js';
import { WORKLOAD_IDS, type WorkloadId } from './workloads.js';

export type Mode = 'all' | 'fleet' | 'scale' | 'report';

export interface BenchOptions {
  mode: Mode;
  hosts: number[];
  workloads: WorkloadId[];
  tools: ToolId[];
  /** Repetitions of each converged run (fresh runs need fresh hosts: once per tool). */
  reps: number;
  quick: boolean;
  timeoutMs: number;
  out: string;
  prefix: string;
  keep: boolean;
  sampleMs: number;
  endpoints: number[];
  scaleWorkloads: ('a' | 'c')[];
}

export const USAGE = `usage: npm run bench -- [all|fleet|scale|report] [options]
  (or: npx tsx test/bench/run.ts ...)

  all (default)        the fleet benchmark, then the controller-only scale test
  fleet                real fleet hosts: tsible vs Ansible (defaults, tuned, Mitogen) vs the floor
  scale                controller-only: tsible against 100..1000 fake SSH endpoints (fake-fleet.ts)
  report               rewrite results.md and the charts from results.json

  --hosts 1,10,50,100      host counts (env BENCH_HOSTS)
  --workloads a,b,c        a: 20 common-module tasks, b: nginx example, c: 200 file/lineinfile tasks
                           (env BENCH_WORKLOADS)
  --tools LIST             tsible,ansible-default,ansible-tuned,mitogen,floor (env BENCH_TOOLS)
  --quick                  1 and 10 hosts, one repetition; scale test: scale-c only (env BENCH_QUICK=1)
  --reps N                 repetitions of each converged run, median reported (default 3; env BENCH_REPS)
  --timeout SEC            per run; a slower run is recorded as "> SEC" (default 900; env BENCH_TIMEOUT)
  --endpoints 100,500,1000 scale test endpoint counts (env BENCH_ENDPOINTS)
  --scale-workloads a,c    scale test workloads (scale-a.yml, scale-c.yml)
  --out DIR                results directory (default test/bench/results/<date>; results.json there is
                           merged with, so narrower runs add to one report; env BENCH_OUT)
  --prefix NAME            fleet host name prefix (default bench: bench1..benchN)
  --sample-ms N            memory sampling period (default 100)
  --keep                   leave the last hosts up (debugging)
`;

function list(v: string | undefined): string[] | undefined {
  return v === undefined || v === ''
    ? undefined
    : v
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);
}

function numbers(v: string[] | undefined, what: string): number[] | undefined {
  if (!v) return undefined;
  return v.map((x) => {
    const n = Number(x);
    if (!Number.isInteger(n) || n < 1) throw new Error(`bad ${what}: ${x}`);
    return n;
  });
}

function oneOf<T extends string>(
  v: string[] | undefined,
  allowed: readonly T[],
  what: string,
): T[] | undefined {
  if (!v) return undefined;
  for (const x of v)
    if (!allowed.includes(x as T)) throw new Error(`unknown ${what} '${x}' (one of ${allowed.join(', ')})`);
  return v as T[];
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): BenchOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      hosts: { type: 'string' },
      workloads: { type: 'string' },
      tools: { type: 'string' },
      quick: { type: 'boolean' },
      reps: { type: 'string' },
      timeout: { type: 'string' },
      endpoints: { type: 'string' },
      'scale-workloads': { type: 'string' },
      out: { type: 'string' },
      prefix: { type: 'string' },
      'sample-ms': { type: 'string' },
      keep: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const mode = (positionals[0] ?? 'all') as Mode;
  if (!['all', 'fleet', 'scale', 'report'].includes(mode))
    throw new Error(`unknown command '${mode}'\n${USAGE}`);
  const quick = values.quick ?? ['1', 'true', 'yes'].includes(env['BENCH_QUICK'] ?? '');
  const date = new Date().toISOString().slice(0, 10);
  const prefix = values.prefix ?? 'bench';
  if (!/^[A-Za-z][A-Za-z0-9-]{0,30}$/.test(prefix)) throw new Error(`bad --prefix '${prefix}'`);
  return {
    mode,
    quick,
    hosts:
      numbers(list(values.hosts ?? env['BENCH_HOSTS']), 'host count') ?? (quick ? [1, 10] : [1, 10, 50, 100]),
    workloads: oneOf(list(values.workloads ?? env['BENCH_WORKLOADS']), WORKLOAD_IDS, 'workload') ?? [
      ...WORKLOAD_IDS,
    ],
    tools: oneOf(list(values.tools ?? env['BENCH_TOOLS']), TOOL_IDS, 'tool') ?? [...TOOL_IDS],
    reps: numbers(list(values.reps ?? env['BENCH_REPS']), 'reps')?.[0] ?? (quick ? 1 : 3),
    timeoutMs: (numbers(list(values.timeout ?? env['BENCH_TIMEOUT']), 'timeout')?.[0] ?? 900) * 1000,
    endpoints: numbers(list(values.endpoints ?? env['BENCH_ENDPOINTS']), 'endpoint count') ?? [
      100, 500, 1000,
    ],
    scaleWorkloads: oneOf(list(values['scale-workloads']), ['a', 'c'] as const, 'scale workload') ?? [
      'a',
      'c',
    ],
    out: values.out ?? env['BENCH_OUT'] ?? join(BENCH_SRC, 'results', date),
    prefix,
    keep: values.keep ?? false,
    sampleMs: numbers(list(values['sample-ms']), 'sample period')?.[0] ?? 100,
  };
}
