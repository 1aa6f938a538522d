// Runs one task on one host: conditions, loops, module planning and applying, retries, register, notify.
import { setTimeout as sleep } from 'node:timers/promises';
import { checkParams, parseFreeForm } from '../core/params.js';
import { TsibleError } from '../core/errors.js';
import type { LocalPutStep, ModuleDef, ModuleResult, Plan, PlanContext, StepOutput } from '../core/module.js';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { secretReadCount } from '../core/read.js';
import { dirname } from 'node:path';
import type { BecomeSpec, Vars } from '../core/types.js';
import { lookupModule } from '../../modules/index.js';
import type { HostResult, Status } from '../output/events.js';
import type { Task } from '../playbook/model.js';
import { TemplateFault } from '../template/fault.js';
import { OMIT } from '../template/templar.js';
import { UnreachableError } from '../transport/types.js';
import { becomeWrapper, connectionInfo, openConnection, truthy } from './connect.js';
import type { PlayContext } from './context.js';
import { findFile } from './files.js';
import { flattenOnce, itemResultKeys, itemVars as loopItemVars, lookupCall } from './loop.js';
import { putScript, readFacts, type Runner } from './remote.js';
import type { HostState } from './state.js';
import { pyRepr } from '../output/pyrepr.js';

export interface Outcome {
  status: Status;
  result: ModuleResult;
  ignored: boolean;
  /** The host became unreachable. */
  unreachable: boolean;
}

/** A task title as the banner shows it. */
export function taskTitle(task: Task, ctx: PlayContext): string {
  const action = task.action.replace(/^ansible\.(builtin|posix)\./, '');
  let name = task.name ?? action;
  // An unnamed include_role is shown with the role it includes, as Ansible does.
  if (task.name === undefined && action === 'include_role' && typeof task.args.name === 'string') {
    return `include_role : ${task.args.name}`;
  }
  if (name.includes('{{')) {
    try {
      name = String(
        ctx.templar.render(name, ctx.templar.lazyVars({ ...ctx.play.vars, ...ctx.cfg.extraVars })),
      );
    } catch {
      // Ansible keeps the raw name when it cannot be templated with play vars.
    }
  }
  return task.role ? `${task.role.name} : ${name}` : name;
}

function stripOmit(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((x) => x !== OMIT).map(stripOmit);
  if (v && typeof v === 'object' && v.constructor === Object) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== OMIT) out[k] = stripOmit(x);
    return out;
  }
  return v;
}

/**
 * A task error as the result's msg: what went wrong (Ansible's wording for an undefined variable), then the
 * task and the file:line:col it was written at.
 */
export function errMsg(e: unknown): string {
  if (e instanceof TsibleError) {
    let msg = e.message;
    if (e.cause instanceof TemplateFault && e.cause.undefinedVariable && !msg.startsWith('The conditional'))
      msg = `The task includes an option with an undefined variable. The error was: ${msg}`;
    const where = [e.task === undefined ? undefined : `task '${e.task}'`, e.where()].filter(Boolean);
    return where.length > 0 ? `${msg} (${where.join(', ')})` : msg;
  }
  return e instanceof Error ? e.message : String(e);
}

/** Resolve the become settings of a task: variables beat keywords beat command-line flags. */
function becomeOf(task: Task, vars: Vars, ctx: PlayContext): BecomeSpec | undefined {
  const r = (v: unknown): unknown => ctx.templar.render(v, vars);
  const become = vars.ansible_become ?? task.kw.become ?? ctx.cfg.become;
  if (!truthy(r(become))) return undefined;
  const user = r(vars.ansible_become_user ?? task.kw.become_user ?? ctx.cfg.becomeUser ?? 'root');
  const method = r(vars.ansible_become_method ?? task.kw.become_method ?? ctx.cfg.becomeMethod ?? 'sudo');
  const password = vars.ansible_become_password ?? vars.ansible_become_pass ?? ctx.cfg.becomePassword;
  return {
    method: method === 'su' ? 'su' : 'sudo',
    user: String(user),
    password: password === undefined ? undefined : String(r(password)),
    flags: vars.ansible_become_flags === undefined ? undefined : String(r(vars.ansible_become_flags)),
  };
}

/** The host a task's commands run on: itself, or its delegate_to target. */
export function delegateOf(task: Task, vars: Vars, ctx: PlayContext): string | undefined {
  if (task.kw.delegate_to === undefined || task.kw.delegate_to === null) return undefined;
  const d = String(ctx.templar.render(task.kw.delegate_to, vars)).trim();
  return d === '' ? undefined : d;
}

/** Connection variables of a delegate: its own inventory vars, or an implicit local localhost. */
function delegateVars(name: string, ctx: PlayContext): Vars {
  if (ctx.inventory.host(name)) return ctx.templar.lazyVars(ctx.rawVars(name));
  if (name === 'localhost' || name === '127.0.0.1') return { ansible_connection: 'local' };
  return { ansible_host: name };
}

async function runnerFor(hs: HostState, task: Task, vars: Vars, ctx: PlayContext): Promise<Runner> {
  const delegate = delegateOf(task, vars, ctx);
  let connVars = vars;
  let conn;
  if (delegate && delegate !== hs.name) {
    connVars = delegateVars(delegate, ctx);
    let p = ctx.delegateConns.get(delegate);
    if (!p) {
      p = openConnection(delegate, connVars, ctx.cfg.connect);
      p.catch(() => undefined);
      ctx.delegateConns.set(delegate, p);
    }
    conn = await p;
  } else {
    if (!hs.conn) {
      hs.conn = openConnection(hs.name, vars, ctx.cfg.connect);
      hs.conn.catch(() => undefined);
    }
    conn = await hs.conn;
  }
  const become = becomeOf(task, vars, ctx);
  const info = connectionInfo(connVars, ctx.cfg.connect, delegate ?? hs.name);
  const envVars = task.kw.environment ? ctx.templar.render(task.kw.environment, vars) : undefined;
  const wrap = becomeWrapper(become, info.user);
  let env = 'LC_ALL=C; export LC_ALL; ';
  if (envVars && typeof envVars === 'object') {
    for (const [k, v] of Object.entries(envVars as Record<string, unknown>)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) continue;
      env += `${k}='${String(v).replace(/'/g, `'\\''`)}'; export ${k}; `;
    }
  }
  const noLog = task.kw.no_log !== undefined && truthy(ctx.templar.render(task.kw.no_log, vars));
  return (cmd, stdin) => {
    const w = wrap(env + cmd, stdin);
    return conn.run(w.cmd, noLog ? { ...w.opts, noLog } : w.opts);
  };
}

function planContext(
  hs: HostState,
  task: Task,
  vars: Vars,
  ctx: PlayContext,
  check: boolean,
  diff: boolean,
): PlanContext {
  const where = { task: taskTitle(task, ctx), pos: task.pos };
  return {
    host: hs.name,
    check,
    diff,
    hostFacts: hs.facts,
    pending: hs.pending,
    verbosity: ctx.cfg.verbosity,
    vars,
    findFile: (kind, src) => findFile(kind, src, task, ctx.play.dir),
    renderTemplate: (text, path, extra) =>
      ctx.templar.renderText(text, extra ? ctx.templar.overlay(vars, extra) : vars, {
        ...where,
        what: `template ${path}`,
        pos: { file: path },
      }),
    evaluate: (expr) => ctx.templar.evaluate(expr, vars, where),
    warn: (m) => ctx.warn(m),
    // wait_for_connection: try the host's connection, reopening it once with the given timeout.
    probeConnection: async (timeoutSec) => {
      for (const fresh of [false, true]) {
        try {
          if (fresh || !hs.conn) {
            const old = hs.conn;
            hs.conn = openConnection(hs.name, vars, { ...ctx.cfg.connect, timeoutSec });
            hs.conn.catch(() => undefined);
            old?.then(
              (c) => c.close(),
              () => undefined,
            );
          }
          const conn = await hs.conn;
          if ((await conn.run('true', { timeoutMs: timeoutSec * 1000 })).rc === 0) return true;
        } catch {
          hs.conn = undefined;
        }
      }
      return false;
    },
  };
}

/** Write a controller file atomically: temp file beside it, then rename. */
function localPut(step: LocalPutStep): StepOutput {
  try {
    mkdirSync(dirname(step.dest), { recursive: true });
    const tmp = `${step.dest}.tsible-tmp-${process.pid}`;
    writeFileSync(tmp, step.content, { mode: step.mode ?? 0o644 });
    renameSync(tmp, step.dest);
    return { rc: 0, stdout: '', stderr: '' };
  } catch (e) {
    return { rc: 1, stdout: '', stderr: (e as Error).message };
  }
}

async function applyPlan(plan: Plan, run: Runner): Promise<ModuleResult> {
  const outputs: StepOutput[] = [];
  for (const step of plan.steps) {
    const out =
      step.kind === 'run'
        ? await run(step.cmd, step.stdin)
        : step.kind === 'put'
          ? await run(putScript(step), step.content)
          : localPut(step);
    outputs.push(out);
    const ok = step.kind === 'run' ? (step.okRc ?? [0]) : [0];
    if (ok !== 'any' && !ok.includes(out.rc)) {
      const what = step.kind === 'run' ? (step.label ?? step.cmd.split('\n')[0]) : `writing ${step.dest}`;
      const base = {
        ...plan.result,
        changed: false,
        failed: true,
        rc: out.rc,
        stdout: out.stdout,
        stderr: out.stderr,
      };
      const finished = plan.finish ? { ...base, ...plan.finish(outputs), failed: true } : base;
      return {
        ...finished,
        msg:
          (finished.msg as string | undefined) ||
          `${what} failed (rc=${out.rc}): ${out.stderr.trim() || out.stdout.trim()}`,
      };
    }
  }
  const result: ModuleResult = { ...plan.result, changed: plan.changed };
  if (plan.finish) Object.assign(result, plan.finish(outputs));
  for (const o of outputs) {
    const m = /^backup_file=(.*)$/m.exec(o.stdout);
    if (m) result.backup_file = m[1];
  }
  return result;
}

/** Run the module of a task once (one loop item, or the task itself). */
async function runModule(
  hs: HostState,
  task: Task,
  vars: Vars,
  ctx: PlayContext,
): Promise<{ result: ModuleResult; diff?: Plan['diff'] }> {
  const def = lookupModule(task.action) as ModuleDef | undefined;
  if (!def)
    throw new TsibleError('playbook', `couldn't resolve module/action '${task.action}'`, { pos: task.pos });
  const title = taskTitle(task, ctx);
  // Like Ansible, k=v words are split before templating, so `msg="{{ n }}"` keeps n's type.
  let rawArgs = task.args;
  if (typeof rawArgs._raw_params === 'string') {
    const { _raw_params: text, ...rest } = rawArgs;
    rawArgs = { ...parseFreeForm(def, text, { module: task.action, task: title, pos: task.pos }), ...rest };
  }
  const args = stripOmit(ctx.templar.render(rawArgs, vars, { task: title, pos: task.pos })) as Record<
    string,
    unknown
  >;
  const p = checkParams(def, args, { module: task.action, task: title, pos: task.pos });
  const check =
    task.kw.check_mode !== undefined ? truthy(ctx.templar.render(task.kw.check_mode, vars)) : ctx.cfg.check;
  const diff = task.kw.diff !== undefined ? truthy(ctx.templar.render(task.kw.diff, vars)) : ctx.cfg.diff;
  const pctx = planContext(hs, task, vars, ctx, check, diff);
  let run: Runner | undefined;
  if (def.runsOn === 'host') run = await runnerFor(hs, task, vars, ctx);
  const factReqs = def.facts ? await def.facts(p as never, pctx) : {};
  const facts = run && Object.keys(factReqs).length > 0 ? await readFacts(run, factReqs) : {};
  const secretsBefore = secretReadCount();
  const plan = await def.plan(p as never, facts as never, pctx);
  // Content that came from vault-encrypted data is never shown in a diff.
  if (plan.diff && secretReadCount() !== secretsBefore) {
    plan.diff = plan.diff.map(() => ({
      before: '',
      after: '',
      skipReason: 'diff skipped: the content comes from vault-encrypted data',
    }));
  }
  if (plan.failed) return { result: { changed: false, ...plan.result, failed: true } };
  if (plan.skipped) return { result: { changed: false, ...plan.result, skipped: true } };
  if (plan.result?.add_host !== undefined || plan.result?.add_group !== undefined)
    return { result: applyInventoryChange(task, hs.name, { ...plan.result, changed: plan.changed }, ctx) };
  if (check || plan.steps.length === 0) {
    if (check && plan.effects) {
      for (const k of ['packages', 'files', 'services'] as const)
        hs.pending[k].push(...(plan.effects[k] ?? []));
    }
    return { result: { ...plan.result, changed: plan.changed }, diff: plan.diff };
  }
  if (!run) throw new Error(`controller module ${def.name} planned host steps`);
  return { result: await applyPlan(plan, run), diff: plan.diff };
}

function condition(task: Task, cond: unknown, vars: Vars, ctx: PlayContext, what: string): boolean {
  try {
    return ctx.templar.isTrue(cond, vars, { task: taskTitle(task, ctx), pos: task.pos, what });
  } catch (e) {
    const text = Array.isArray(cond) ? cond.join(' and ') : String(cond);
    throw new TsibleError('template', `The conditional check '${text}' failed. The error was: ${errMsg(e)}`, {
      pos: task.pos,
      task: taskTitle(task, ctx),
    });
  }
}

/** One execution with until/retries, changed_when and failed_when applied. */
async function runWithControls(
  hs: HostState,
  task: Task,
  vars: Vars,
  ctx: PlayContext,
  onRetry: (left: number) => void,
): Promise<{ result: ModuleResult; diff?: Plan['diff'] }> {
  const hasUntil = task.until !== undefined && task.until !== null;
  const retries = hasUntil ? Number(ctx.templar.render(task.retries ?? 3, vars)) : 0;
  const delay = Number(ctx.templar.render(task.delay ?? 5, vars));
  for (let attempt = 1; ; attempt++) {
    const out = await runModule(hs, task, vars, ctx);
    const r = out.result;
    const withReg = task.register ? ctx.templar.overlay(vars, { [task.register]: r }) : vars;
    if (task.changedWhen !== undefined && task.changedWhen !== null && !r.skipped) {
      r.changed = condition(task, task.changedWhen, withReg, ctx, 'changed_when');
    }
    if (task.failedWhen !== undefined && task.failedWhen !== null && !r.skipped) {
      const f = condition(task, task.failedWhen, withReg, ctx, 'failed_when');
      r.failed = f;
      r.failed_when_result = f;
    }
    if (!hasUntil) return out;
    if (condition(task, task.until, withReg, ctx, 'until')) {
      r.attempts = attempt;
      return out;
    }
    if (attempt > retries) {
      r.failed = true;
      r.attempts = attempt - 1;
      if (!r.msg) r.msg = 'Retries exhausted';
      return out;
    }
    onRetry(retries - attempt + 1);
    await sleep(delay * 1000);
  }
}

/**
 * Facts a module returns: `ansible_x` is stored as `x` (ansible_facts.x, and ansible_x at the top level);
 * a name without the prefix (package_facts' `packages`) keeps its name at the top level too.
 */
function mergeFacts(hs: HostState, facts: Vars): void {
  for (const [k, v] of Object.entries(facts)) {
    if (k.startsWith('ansible_') && k !== 'ansible_facts') hs.facts[k.slice('ansible_'.length)] = v;
    else {
      hs.facts[k] = v;
      hs.plainFacts.add(k);
    }
  }
}

/** add_host / group_by: the strategy, not the module, changes the inventory (as in Ansible). */
function applyInventoryChange(task: Task, host: string, r: ModuleResult, ctx: PlayContext): ModuleResult {
  if (isAction(task, 'add_host') && r.add_host && typeof r.add_host === 'object') {
    const a = r.add_host as { host_name: string; groups: string[]; host_vars: Vars };
    r.changed = ctx.inventory.addHost(a.host_name, a.groups, a.host_vars);
    ctx.inventoryChanged?.();
  } else if (isAction(task, 'group_by') && typeof r.add_group === 'string') {
    ctx.inventory.addGroup(r.add_group, { parents: r.parent_groups as string[], host });
    ctx.inventoryChanged?.();
  }
  return r;
}

/** An action by its short or ansible.builtin name. */
export function isAction(task: Task, name: string): boolean {
  return (
    task.action === name ||
    task.action === `ansible.builtin.${name}` ||
    task.action === `ansible.legacy.${name}`
  );
}

/** The value `register` stores: the result without the engine's private keys. */
function registered(r: ModuleResult): ModuleResult {
  const out: ModuleResult = {};
  for (const [k, v] of Object.entries(r)) {
    if (k.startsWith('_ansible_') || k.startsWith('_tsible_')) continue;
    out[k] = k === 'results' && Array.isArray(v) ? v.map((x) => registered(x as ModuleResult)) : v;
  }
  return out;
}

function statusOf(r: ModuleResult): Status {
  if (r.unreachable) return 'unreachable';
  if (r.failed) return 'failed';
  if (r.skipped) return 'skipped';
  return r.changed ? 'changed' : 'ok';
}

/** Items of a loop, as a list. */
export function loopItems(task: Task, vars: Vars, ctx: PlayContext): unknown[] {
  const loop = task.loop!;
  const where = { task: taskTitle(task, ctx), pos: task.pos, what: 'loop' };
  let items: unknown;
  if (loop.lookup === undefined || loop.lookup === 'list')
    items = ctx.templar.render(loop.items, vars, where);
  else if (loop.lookup === 'items') items = flattenOnce(ctx.templar.render(loop.items, vars, where));
  else {
    const call = lookupCall(loop.lookup, ctx.templar.render(loop.items, vars, where));
    items = ctx.templar.evaluate(call.expr, ctx.templar.overlay(vars, call.args), where);
  }
  if (!Array.isArray(items)) {
    throw new TsibleError(
      'template',
      `Invalid data passed to 'loop', it requires a list, got this instead: ${pyRepr(items)}. Hint: If you passed a list/dict of just one element, try adding wantlist=True to your lookup invocation or use q/query instead of lookup.`,
      { pos: task.pos, task: taskTitle(task, ctx) },
    );
  }
  return items;
}

/** Run a task on one host and report it. Returns the outcome for the strategy to act on. */
export async function executeTask(
  task: Task,
  hostName: string,
  ctx: PlayContext,
  opts: { rescuable: boolean; extraVars?: Vars },
): Promise<Outcome> {
  const hs = ctx.hosts.get(hostName)!;
  const startedAt = Date.now();
  ctx.cb.hostStart?.(hostName, startedAt);
  const raw = ctx.rawVars(hostName, { ...task.vars, ...opts.extraVars }, task.role);
  const vars = ctx.templar.lazyVars(raw);
  const noLog = task.kw.no_log !== undefined && truthy(ctx.templar.render(task.kw.no_log, vars));
  const ignoreErrors =
    task.kw.ignore_errors !== undefined && truthy(ctx.templar.render(task.kw.ignore_errors, vars));
  const title = taskTitle(task, ctx);
  let result: ModuleResult;
  let diff: Plan['diff'];
  const itemResults: HostResult[] = [];
  try {
    if (task.loop) {
      const items = loopItems(task, vars, ctx);
      const loop = task.loop;
      const control = loop.control;
      const results: ModuleResult[] = [];
      let anyChanged = false;
      let anyFailed = false;
      let allSkipped = items.length > 0;
      for (let i = 0; i < items.length; i++) {
        const item = items[i];
        const ivars = loopItemVars(loop, items, i);
        const itemVars = ctx.templar.overlay(vars, ivars);
        // loop_control.pause waits between items, not before the first.
        if (control.pause && i > 0) await sleep(Number(ctx.templar.render(control.pause, itemVars)) * 1000);
        const label =
          control.label !== undefined ? String(ctx.templar.render(control.label, itemVars)) : pyRepr(item);
        let r: ModuleResult;
        let d: Plan['diff'];
        if (!condition(task, task.when, itemVars, ctx, 'when')) {
          r = { changed: false, skipped: true, skip_reason: 'Conditional result was False' };
        } else {
          try {
            const out = await runWithControls(hs, task, itemVars, ctx, (left) =>
              ctx.cb.retrying(hostName, title, left),
            );
            r = out.result;
            d = out.diff;
          } catch (e) {
            if (e instanceof UnreachableError) throw e;
            r = { failed: true, msg: errMsg(e) };
          }
        }
        if (!r.skipped && r.failed === undefined) r.failed = false;
        Object.assign(r, itemResultKeys(loop, ivars));
        results.push(r);
        if (r.changed) anyChanged = true;
        if (r.failed) anyFailed = true;
        if (!r.skipped) allSkipped = false;
        const ir: HostResult = {
          host: hostName,
          status: statusOf(r),
          result: r,
          item: { label },
          diff: d,
          noLog,
          action: task.action,
          verboseAlways: r._ansible_verbose_always === true,
        };
        itemResults.push(ir);
        ctx.cb.itemResult(ir);
      }
      result = {
        changed: anyChanged,
        msg: anyFailed
          ? 'One or more items failed'
          : allSkipped
            ? 'All items skipped'
            : 'All items completed',
        results,
        skipped: allSkipped,
      };
      if (anyFailed) result.failed = true;
    } else if (!condition(task, task.when, vars, ctx, 'when')) {
      result = { changed: false, skipped: true, skip_reason: 'Conditional result was False' };
    } else {
      const out = await runWithControls(hs, task, vars, ctx, (left) =>
        ctx.cb.retrying(hostName, title, left),
      );
      result = out.result;
      diff = out.diff;
    }
  } catch (e) {
    if (e instanceof UnreachableError) {
      result = { changed: false, msg: e.message, unreachable: true };
    } else {
      result = { changed: false, failed: true, msg: errMsg(e) };
      if (e instanceof TsibleError && e.kind === 'internal') throw e;
    }
  }
  const status = statusOf(result);
  // Ansible's shapes: a module result says failed=false; a skip and a loop summary only say it when true.
  if (status !== 'unreachable' && status !== 'skipped' && result.failed === undefined && !task.loop)
    result.failed = false;
  const ignoreUnreachable =
    task.kw.ignore_unreachable !== undefined && truthy(ctx.templar.render(task.kw.ignore_unreachable, vars));
  const ignored = (status === 'failed' && ignoreErrors) || (status === 'unreachable' && ignoreUnreachable);
  let delegatedTo: string | undefined;
  try {
    delegatedTo = delegateOf(task, vars, ctx);
  } catch {
    delegatedTo = undefined;
  }
  if (task.register && status !== 'unreachable') {
    // no_log hides output only; the registered value keeps the real data, as in Ansible.
    hs.setFacts[task.register] = registered(result);
  }
  // delegate_facts: facts a delegated task returns belong to the delegate, not to the host.
  const factHost =
    task.delegateFacts && delegatedTo && ctx.hosts.has(delegatedTo) ? ctx.hosts.get(delegatedTo)! : hs;
  const newFacts = result.ansible_facts as Vars | undefined;
  if (newFacts && status !== 'failed' && status !== 'skipped') {
    if (isAction(task, 'set_fact')) Object.assign(factHost.setFacts, newFacts);
    else if (isAction(task, 'include_vars')) Object.assign(factHost.includeVars, newFacts);
    else mergeFacts(factHost, newFacts);
  }
  ctx.cb.hostResult({
    host: hostName,
    // A task delegated to its own host is shown without an arrow, as in Ansible.
    delegatedTo: delegatedTo === hostName ? undefined : delegatedTo,
    action: task.action,
    startedAt,
    endedAt: Date.now(),
    status,
    result,
    ignored,
    diff,
    noLog,
    verboseAlways: result._ansible_verbose_always === true,
  });
  // Recap arithmetic as Ansible counts it: ok includes changed and ignored failures.
  const c = hs.counts;
  if (status === 'ok' || status === 'changed') c.ok++;
  if (status === 'changed') c.changed++;
  if (status === 'skipped') c.skipped++;
  if (status === 'failed') {
    if (ignored) {
      c.ok++;
      c.ignored++;
      if (result.changed === true) c.changed++;
    } else if (!opts.rescuable) c.failed++;
  }
  if (status === 'unreachable') {
    if (ignored) c.ignored++;
    else c.unreachable++;
  }
  return { status, result, ignored, unreachable: status === 'unreachable' && !ignored };
}
