// Runs one row (tool) once on a set of hosts, measured, and judges whether the run succeeded.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { measure, type Measurement } from './measure.js';
import { parseRecap, type Recap } from './results.js';
import { toolCommand, type RunContext, type ToolId } from './tools.js';

export interface ToolRun {
  m: Measurement;
  recap?: Recap;
  ok: boolean;
  error?: string;
  log: string;
}

export interface RunToolOptions {
  tool: ToolId;
  ctx: RunContext;
  mitogenStrategyDir: string | null;
  timeoutMs: number;
  sampleMs: number;
  logDir: string;
  logName: string;
  nofile?: number;
}

/** The first line that explains a failure: Ansible's/tsible's fatal or ERROR lines, else the tail. */
function failureText(stdout: string, stderr: string): string {
  const all = `${stdout}\n${stderr}`.split('\n');
  const hit = all.find((l) =>
    /^(fatal:|ERROR!|failed:|\S+ \| (FAILED|UNREACHABLE))|FAILED!|UNREACHABLE!/.test(l),
  );
  if (hit) return hit.trim().slice(0, 400);
  return all
    .filter((l) => l.trim() !== '')
    .slice(-3)
    .join(' / ')
    .slice(0, 400);
}

export async function runTool(o: RunToolOptions): Promise<ToolRun> {
  const cmd = toolCommand(o.tool, o.ctx, o.mitogenStrategyDir);
  const m = await measure(cmd.argv, {
    env: cmd.env,
    cwd: o.ctx.runDir,
    timeoutMs: o.timeoutMs,
    sampleMs: o.sampleMs,
    nofile: o.nofile,
  });
  mkdirSync(o.logDir, { recursive: true });
  const log = join(o.logDir, `${o.logName}.log`);
  writeFileSync(
    log,
    `$ ${cmd.argv.join(' ')}\n# rc=${m.rc} wall=${m.wallMs.toFixed(0)}ms cpu=${m.cpuMs.toFixed(0)}ms peakRss=${m.peakRssKb}KB\n` +
      `--- stdout\n${m.stdout}\n--- stderr\n${m.stderr}\n`,
  );
  if (m.timedOut) return { m, ok: false, error: `timed out after ${o.timeoutMs / 1000} s`, log };
  if (o.tool === 'floor') {
    return m.rc === 0 ? { m, ok: true, log } : { m, ok: false, error: failureText(m.stdout, m.stderr), log };
  }
  const recap = parseRecap(m.stdout);
  const hosts = o.ctx.hosts;
  let error: string | undefined;
  if (m.rc !== 0) error = `exit ${m.rc}: ${failureText(m.stdout, m.stderr)}`;
  else if (!recap) error = 'no PLAY RECAP in the output';
  else if (recap.hosts !== hosts) error = `PLAY RECAP lists ${recap.hosts} hosts, expected ${hosts}`;
  else if (recap.failed || recap.unreachable)
    error = `failed=${recap.failed} unreachable=${recap.unreachable}`;
  return { m, recap, ok: error === undefined, error, log };
}
