// Test harness: a fake PlanContext and a tiny local engine that runs facts and steps with /bin/sh.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  chownSync,
  existsSync,
  mkdtempSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type {
  Fact,
  FactRequests,
  ModuleResult,
  Plan,
  PlanContext,
  Step,
  StepOutput,
} from '../../src/core/module.js';
import { checkParams } from '../../src/core/params.js';
import type { AnyModule } from '../../modules/index.js';

export function makeCtx(over: Partial<PlanContext> = {}): PlanContext {
  return {
    host: 'h1',
    check: false,
    diff: false,
    hostFacts: {},
    pending: { packages: [], files: [], services: [] },
    findFile: (_kind, src) => src,
    renderTemplate: (text) => text,
    evaluate: () => {
      throw new Error('no evaluate in this test');
    },
    vars: {},
    warn: () => {},
    ...over,
  };
}

/** Run shell code like the engine does: /bin/sh -c, LC_ALL=C. */
export function runSh(cmd: string, stdin?: string | Buffer): StepOutput {
  const r = spawnSync('/bin/sh', ['-c', cmd], {
    input: Buffer.from(stdin ?? ''),
    env: { ...process.env, LC_ALL: 'C' },
    encoding: 'buffer',
  });
  return { rc: r.status ?? -1, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}

export function runFact<T>(f: Fact<T>): T {
  return f.parse(runSh(f.cmd));
}

export function runFacts(req: FactRequests): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, f] of Object.entries(req)) out[k] = runFact(f);
  return out;
}

/** Apply a put step locally with the contract's semantics (temp beside dest, validate, keep mode/owner). */
function applyPut(step: Extract<Step, { kind: 'put' }>): StepOutput {
  const tmp = join(dirname(step.dest), `.tsible-test-${process.pid}-${Math.random().toString(36).slice(2)}`);
  writeFileSync(tmp, step.content);
  if (step.validate) {
    const v = runSh(step.validate.split('%s').join(`'${tmp}'`));
    if (v.rc !== 0) {
      rmSync(tmp);
      return v;
    }
  }
  const old = existsSync(step.dest) ? statSync(step.dest) : undefined;
  if (step.mode !== undefined) chmodSync(tmp, parseInt(step.mode, 8));
  else if (old) chmodSync(tmp, old.mode & 0o7777);
  if (old) chownSync(tmp, old.uid, old.gid);
  if (step.owner !== undefined || step.group !== undefined) {
    const who = `${step.owner ?? ''}${step.group !== undefined ? `:${step.group}` : ''}`;
    const r = runSh(`chown -- '${who}' '${tmp}'`);
    if (r.rc !== 0) return r;
  }
  let stdout = '';
  if (step.backup && old) {
    // As the engine's put does: keep the old file and announce it on stdout.
    const stamp = new Date().toISOString().slice(0, 19).replace('T', '@');
    const b = `${step.dest}.${process.pid}.${stamp}~`;
    copyFileSync(step.dest, b);
    stdout = `backup_file=${b}\n`;
  }
  renameSync(tmp, step.dest);
  return { rc: 0, stdout, stderr: '' };
}

export interface Applied {
  plan: Plan;
  result: ModuleResult;
  outputs: StepOutput[];
}

/** checkParams, facts on this machine, plan, and (outside check mode) apply the steps. */
export async function runModule(
  def: AnyModule,
  args: Record<string, unknown>,
  ctx = makeCtx(),
): Promise<Applied> {
  const p = checkParams(def, args, { module: def.name });
  const req = def.facts ? await def.facts(p, ctx) : {};
  const facts = runFacts(req);
  const plan = await def.plan(p, facts, ctx);
  const outputs: StepOutput[] = [];
  if (!ctx.check && !plan.failed && !plan.skipped) {
    for (const step of plan.steps) {
      if (step.kind === 'local_put') throw new Error('local_put steps are not simulated by this harness');
      const out = step.kind === 'put' ? applyPut(step) : runSh(step.cmd, step.stdin);
      outputs.push(out);
      const ok =
        step.kind === 'put' ? out.rc === 0 : step.okRc === 'any' || (step.okRc ?? [0]).includes(out.rc);
      if (!ok)
        throw new Error(
          `step failed (rc ${out.rc}): ${step.kind === 'run' ? step.cmd : step.dest}\n${out.stderr}`,
        );
    }
  }
  const fin = !ctx.check && plan.finish ? plan.finish(outputs) : {};
  const result: ModuleResult = { changed: plan.changed, ...plan.result, ...fin };
  // The engine reports a backup made by any step (put, or a module's own script).
  for (const o of outputs) {
    const m = /^backup_file=(.*)$/m.exec(o.stdout);
    if (m) result.backup_file = m[1];
  }
  if (plan.failed) result.failed = true;
  if (plan.skipped) result.skipped = true;
  return { plan, result, outputs };
}

/** Plan only, with given fact values (pure planner tests). */
export async function planWith(
  def: AnyModule,
  args: Record<string, unknown>,
  facts: Record<string, unknown>,
  ctx = makeCtx(),
): Promise<Plan> {
  const p = checkParams(def, args, { module: def.name });
  return def.plan(p, facts, ctx);
}

export function tempDir(prefix = 'tsible-mod-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * A minimal POSIX sh word splitter for assertions: returns the words of a simple command, and throws on
 * anything that is not plain words and quotes (so an unquoted $, `, ;, |, > or newline fails the test).
 */
export function shWords(cmd: string): string[] {
  const words: string[] = [];
  let w = '';
  let inWord = false;
  for (let i = 0; i < cmd.length; i++) {
    const c = cmd[i]!;
    if (c === ' ' || c === '\t') {
      if (inWord) words.push(w);
      w = '';
      inWord = false;
      continue;
    }
    inWord = true;
    if (c === "'") {
      const end = cmd.indexOf("'", i + 1);
      if (end < 0) throw new Error('unterminated quote');
      w += cmd.slice(i + 1, end);
      i = end;
    } else if (c === '\\') {
      w += cmd[++i] ?? '';
    } else if ('$`;|&<>()\n"*?[]~#{}'.includes(c)) {
      throw new Error(`unquoted shell metacharacter ${JSON.stringify(c)} in: ${cmd}`);
    } else {
      w += c;
    }
  }
  if (inWord) words.push(w);
  return words;
}
