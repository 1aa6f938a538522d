// The linear strategy: each task runs on every active host (up to forks at once) before the next task;
// blocks, rescue/always, includes, handlers and rolling batches.
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { TsibleError } from '../core/errors.js';
import type { Vars } from '../core/types.js';
import { readYamlFile, parseTaskList, type Scope } from '../playbook/load.js';
import type { Block, Task, TaskNode } from '../playbook/model.js';
import { expandRole, newRoleContext } from '../playbook/roles.js';
import { truthy } from './connect.js';
import type { PlayContext } from './context.js';
import { executeTask, taskTitle, type Outcome } from './executor.js';
import { GATHER_SCRIPT, filterSubset, parseFacts } from '../facts/gather.js';
import { pool } from './pool.js';
import { tagsAllow } from './tags.js';
import { UnreachableError } from '../transport/types.js';
import { openConnection } from './connect.js';

export interface NodeRunOptions {
  rescuable: boolean;
  handler?: boolean;
  /** Vars of an include that apply to these nodes (include params). */
  extraVars?: Vars;
  isAction: (name: string) => boolean;
}

function isAction(t: Task, name: string): boolean {
  return t.action === name || t.action === `ansible.builtin.${name}`;
}

/** Ask one question on the terminal and return the answer line. */
async function askLine(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

export class PlayRunner {
  private started: boolean;
  private stepContinue = false;

  constructor(private readonly ctx: PlayContext) {
    this.started = !ctx.cfg.startAtTask;
  }

  private active(hosts: string[]): string[] {
    return hosts.filter((h) => this.ctx.hosts.get(h)!.active);
  }

  /** Gather facts on every host of the batch in one round trip each. */
  async gatherFacts(hosts: string[]): Promise<void> {
    const ctx = this.ctx;
    ctx.cb.taskStart('Gathering Facts', { action: 'gather_facts', hosts, at: Date.now() });
    const subsetRaw = ctx.play.gatherSubset;
    const subset = (Array.isArray(subsetRaw) ? subsetRaw : subsetRaw ? String(subsetRaw).split(',') : []).map(
      String,
    );
    await pool(hosts, ctx.cfg.forks, async (h) => {
      const hs = ctx.hosts.get(h)!;
      const startedAt = Date.now();
      ctx.cb.hostStart?.(h, startedAt);
      try {
        const vars = ctx.templar.lazyVars(ctx.rawVars(h));
        if (!hs.conn) {
          hs.conn = openConnection(h, vars, ctx.cfg.connect);
          hs.conn.catch(() => undefined);
        }
        const conn = await hs.conn;
        const out = await conn.run(GATHER_SCRIPT);
        hs.facts = { ...hs.facts, ...filterSubset(parseFacts(out.stdout), subset) };
        hs.counts.ok++;
        ctx.cb.hostResult({
          host: h,
          status: 'ok',
          result: { changed: false },
          action: 'gather_facts',
          startedAt,
          endedAt: Date.now(),
        });
      } catch (e) {
        const msg =
          e instanceof UnreachableError ? e.message : `fact gathering failed: ${(e as Error).message}`;
        hs.unreachable = true;
        hs.counts.unreachable++;
        ctx.cb.hostResult({
          host: h,
          status: 'unreachable',
          result: { changed: false, msg, unreachable: true },
        });
      }
    });
  }

  /** Run a list of nodes on hosts; returns the hosts that failed (and were not rescued) in it. */
  async runNodes(nodes: TaskNode[], hosts: string[], opts: NodeRunOptions): Promise<Set<string>> {
    const failed = new Set<string>();
    for (const node of nodes) {
      if (this.ctx.aborted) break;
      const live = this.active(hosts).filter((h) => !failed.has(h));
      if (live.length === 0) break;
      const f =
        node.kind === 'block' ? await this.runBlock(node, live, opts) : await this.runTask(node, live, opts);
      for (const h of f) failed.add(h);
    }
    return failed;
  }

  private async runBlock(block: Block, hosts: string[], opts: NodeRunOptions): Promise<Set<string>> {
    const ctx = this.ctx;
    // A tsible extension: a block with a loop runs once per item, with the loop variable set.
    if (block.loop) return this.runLoopedBlock(block, hosts, opts);
    const bodyFailed = await this.runNodes(block.block, hosts, {
      ...opts,
      rescuable: block.rescue.length > 0 || opts.rescuable,
    });
    let stillFailed: Set<string>;
    if (bodyFailed.size > 0 && block.rescue.length > 0) {
      const toRescue = [...bodyFailed];
      for (const h of toRescue) {
        const hs = ctx.hosts.get(h)!;
        hs.failed = false;
        hs.counts.rescued++;
        hs.setFacts.ansible_failed_task = hs.lastFailure?.task ?? {};
        hs.setFacts.ansible_failed_result = hs.lastFailure?.result ?? {};
      }
      stillFailed = await this.runNodes(block.rescue, toRescue, { ...opts, rescuable: opts.rescuable });
      for (const h of toRescue) {
        // A failure in rescue undoes the rescue in the recap.
        if (stillFailed.has(h)) ctx.hosts.get(h)!.counts.rescued--;
      }
    } else {
      stillFailed = bodyFailed;
    }
    if (block.always.length > 0) {
      // always runs on every host that entered the block, failed or not (but not unreachable ones).
      const alwaysHosts = hosts.filter((h) => {
        const hs = ctx.hosts.get(h)!;
        return !hs.unreachable && !hs.ended;
      });
      const saved = new Map<string, boolean>();
      for (const h of alwaysHosts) {
        const hs = ctx.hosts.get(h)!;
        saved.set(h, hs.failed);
        hs.failed = false;
      }
      const alwaysFailed = await this.runNodes(block.always, alwaysHosts, opts);
      for (const [h, wasFailed] of saved) {
        const hs = ctx.hosts.get(h)!;
        if (wasFailed) hs.failed = true;
      }
      for (const h of alwaysFailed) stillFailed.add(h);
    }
    if (!opts.rescuable) {
      for (const h of stillFailed) {
        const hs = ctx.hosts.get(h)!;
        if (!hs.failed && !hs.unreachable) {
          hs.failed = true;
        }
      }
    }
    return stillFailed;
  }

  private async runLoopedBlock(block: Block, hosts: string[], opts: NodeRunOptions): Promise<Set<string>> {
    const ctx = this.ctx;
    const loop = block.loop!;
    const loopVar = loop.control.loop_var ? String(loop.control.loop_var) : 'item';
    const failed = new Set<string>();
    // Items are evaluated per host; hosts with the same item count run item by item together.
    const perHost = new Map<string, unknown[]>();
    for (const h of hosts) {
      const vars = ctx.templar.lazyVars(ctx.rawVars(h, { ...block.vars, ...opts.extraVars }, block.role));
      const items = ctx.templar.render(loop.items, vars);
      if (!Array.isArray(items)) {
        throw new TsibleError('template', `Invalid data passed to 'loop' of a block, it requires a list`, {
          pos: block.pos,
        });
      }
      perHost.set(h, items);
    }
    const max = Math.max(0, ...[...perHost.values()].map((l) => l.length));
    for (let i = 0; i < max; i++) {
      for (const h of hosts) {
        const items = perHost.get(h)!;
        if (i >= items.length || failed.has(h)) continue;
        const one = { ...block, loop: undefined, vars: { ...block.vars, [loopVar]: items[i] } };
        if (loop.control.index_var) one.vars[String(loop.control.index_var)] = i;
        const f = await this.runBlock(one, [h], { ...opts, extraVars: { ...opts.extraVars, ...one.vars } });
        for (const x of f) failed.add(x);
      }
    }
    return failed;
  }

  private notify(task: Task, host: string): void {
    const hs = this.ctx.hosts.get(host)!;
    for (const name of task.notify) {
      for (const i of this.handlerIndexes(name, task)) hs.notified.add(i);
    }
  }

  /** Handlers a notification names: by name, by `role : name`, or by listen topic. */
  handlerIndexes(name: string, from?: Task): number[] {
    const out: number[] = [];
    this.ctx.handlers.forEach((h, i) => {
      const full = h.role ? `${h.role.name} : ${h.name}` : h.name;
      if (h.name === name || full === name || h.listen.includes(name)) out.push(i);
    });
    if (out.length === 0) {
      throw new TsibleError(
        'playbook',
        `The requested handler '${name}' was not found in either the main handlers list nor in the listening handlers list`,
        { pos: from?.pos, exitCode: 1 },
      );
    }
    return out;
  }

  private async runTask(task: Task, hosts: string[], opts: NodeRunOptions): Promise<Set<string>> {
    const ctx = this.ctx;
    const failed = new Set<string>();
    if (!opts.handler && !tagsAllow(task.tags, ctx.cfg.tags, ctx.cfg.skipTags)) return failed;
    if (!this.started) {
      const title = taskTitle(task, ctx);
      const want = ctx.cfg.startAtTask!;
      if (title === want || task.name === want || globMatch(want, title) || globMatch(want, task.name ?? ''))
        this.started = true;
      else return failed;
    }
    if (ctx.cfg.step && !opts.handler && !this.stepContinue) {
      const answer = (await askLine(`Perform task: TASK: ${taskTitle(task, ctx)} (N)o/(y)es/(c)ontinue: `))
        .trim()
        .toLowerCase();
      if (answer === 'c' || answer === 'continue') this.stepContinue = true;
      else if (answer !== 'y' && answer !== 'yes') return failed;
    }
    if (isAction(task, 'meta')) return this.runMeta(task, hosts, opts);
    if (isAction(task, 'include_tasks')) return this.runInclude(task, hosts, opts);
    if (isAction(task, 'include_role')) return this.runIncludeRole(task, hosts, opts);
    let targets = hosts;
    const runOnce = task.kw.run_once !== undefined && truthy(task.kw.run_once);
    if (runOnce) targets = hosts.slice(0, 1);
    ctx.cb.taskStart(taskTitle(task, ctx), {
      handler: opts.handler,
      action: task.action,
      path: `${task.pos.file}:${task.pos.line ?? 0}`,
      hosts: targets,
      at: Date.now(),
    });
    const outcomes = await pool(targets, ctx.cfg.forks, async (h) => {
      const o = await executeTask(task, h, ctx, { rescuable: opts.rescuable, extraVars: opts.extraVars });
      return [h, o] as [string, Outcome];
    });
    if (runOnce && outcomes[0]) {
      // run_once: every host of the batch gets the result of the first.
      const [, o] = outcomes[0];
      for (const h of hosts.slice(1)) {
        if (task.register) ctx.hosts.get(h)!.setFacts[task.register] = o.result;
        outcomes.push([h, o]);
      }
    }
    for (const [h, o] of outcomes) {
      const hs = ctx.hosts.get(h)!;
      if (o.unreachable) {
        hs.unreachable = true;
        failed.add(h);
        continue;
      }
      if (o.status === 'failed' && !o.ignored) {
        hs.lastFailure = { task: { name: task.name ?? task.action, action: task.action }, result: o.result };
        failed.add(h);
        if (!opts.rescuable) hs.failed = true;
        continue;
      }
      if (o.status === 'changed' || (o.result.changed === true && o.status !== 'skipped'))
        this.notify(task, h);
    }
    ctx.cb.taskEnd?.(Date.now());
    this.checkFatal(task, failed, hosts);
    return failed;
  }

  private checkFatal(task: Task, failed: Set<string>, hosts: string[]): void {
    const ctx = this.ctx;
    const anyFatal = task.kw.any_errors_fatal !== undefined && truthy(task.kw.any_errors_fatal);
    const real = [...failed].filter((h) => ctx.hosts.get(h)!.failed);
    if (anyFatal && real.length > 0) {
      ctx.aborted = true;
      return;
    }
    const pct = ctx.play.maxFailPercentage;
    if (pct !== undefined && pct !== null && real.length > 0) {
      const batchFailed = ctx.batch.filter((h) => ctx.hosts.get(h)!.failed).length;
      if ((batchFailed / ctx.batch.length) * 100 > Number(pct)) ctx.aborted = true;
    }
    void hosts;
  }

  private async runMeta(task: Task, hosts: string[], opts: NodeRunOptions): Promise<Set<string>> {
    const ctx = this.ctx;
    const what = String(task.args._raw_params ?? task.args.free_form ?? '').trim();
    switch (what) {
      case 'flush_handlers':
        if (!opts.handler) await this.flushHandlers(hosts);
        break;
      case 'end_play':
        for (const h of ctx.playHosts) ctx.hosts.get(h)!.ended = true;
        break;
      case 'end_host':
      case 'end_batch':
        for (const h of hosts) {
          const vars = ctx.templar.lazyVars(ctx.rawVars(h, task.vars, task.role));
          if (ctx.templar.isTrue(task.when, vars, { task: 'meta', pos: task.pos }))
            ctx.hosts.get(h)!.ended = true;
        }
        break;
      case 'clear_facts':
        for (const h of hosts) ctx.hosts.get(h)!.facts = {};
        break;
      case 'clear_host_errors':
        for (const hs of ctx.hosts.values()) hs.failed = false;
        break;
      case 'noop':
      case 'refresh_inventory':
      case 'reset_connection':
        break;
      default:
        throw new TsibleError('playbook', `invalid meta action requested: ${what}`, { pos: task.pos });
    }
    return new Set();
  }

  private async runInclude(task: Task, hosts: string[], opts: NodeRunOptions): Promise<Set<string>> {
    const ctx = this.ctx;
    // Each host decides whether and what to include; hosts including the same file with the same
    // vars run its tasks together.
    const groups = new Map<string, { file: string; vars: Vars; hosts: string[]; item?: string }>();
    const failed = new Set<string>();
    for (const h of hosts) {
      const raw = ctx.rawVars(h, { ...task.vars, ...opts.extraVars }, task.role);
      const vars = ctx.templar.lazyVars(raw);
      const items: (unknown | undefined)[] = task.loop
        ? (ctx.templar.render(task.loop.items, vars) as unknown[])
        : [undefined];
      const loopVar = task.loop?.control.loop_var ? String(task.loop.control.loop_var) : 'item';
      for (const item of items) {
        const iv = task.loop ? ctx.templar.lazyVars({ ...raw, [loopVar]: item }) : vars;
        if (!ctx.templar.isTrue(task.when, iv, { task: taskTitle(task, ctx), pos: task.pos, what: 'when' }))
          continue;
        const args = ctx.templar.render(task.args, iv) as Record<string, unknown>;
        const rel = String(args.file ?? args._raw_params ?? '');
        const file = resolve(task.dir, rel);
        const { file: _f, _raw_params: _r, apply: _a, ...params } = args;
        const incVars: Vars = { ...params };
        if (task.loop) incVars[loopVar] = item;
        const key = JSON.stringify([file, incVars]);
        const g = groups.get(key) ?? {
          file,
          vars: incVars,
          hosts: [],
          item: task.loop ? String(item) : undefined,
        };
        g.hosts.push(h);
        groups.set(key, g);
      }
    }
    if (groups.size === 0) return failed;
    ctx.cb.taskStart(taskTitle(task, ctx), {});
    for (const g of groups.values()) ctx.cb.included(g.file, g.hosts, g.item);
    for (const g of groups.values()) {
      for (const h of g.hosts) ctx.hosts.get(h)!.counts.ok++;
      const scope: Scope = {
        file: g.file,
        dir: dirname(g.file),
        kw: task.kw,
        when: [],
        tags: [],
        vars: {},
        notify: [],
        isAction: opts.isAction,
        importing: [g.file],
      };
      const nodes = parseTaskList(readYamlFile(g.file), scope, 'include_tasks');
      if (task.role) for (const n of nodes) setRole(n, task.role);
      const f = await this.runNodes(nodes, g.hosts, { ...opts, extraVars: { ...opts.extraVars, ...g.vars } });
      for (const h of f) failed.add(h);
    }
    return failed;
  }

  private async runIncludeRole(task: Task, hosts: string[], opts: NodeRunOptions): Promise<Set<string>> {
    const ctx = this.ctx;
    const groups = new Map<string, { args: Record<string, unknown>; hosts: string[]; vars: Vars }>();
    for (const h of hosts) {
      const raw = ctx.rawVars(h, { ...task.vars, ...opts.extraVars }, task.role);
      const vars = ctx.templar.lazyVars(raw);
      const items: unknown[] = task.loop
        ? (ctx.templar.render(task.loop.items, vars) as unknown[])
        : [undefined];
      const loopVar = task.loop?.control.loop_var ? String(task.loop.control.loop_var) : 'item';
      for (const item of items) {
        const iv = task.loop ? ctx.templar.lazyVars({ ...raw, [loopVar]: item }) : vars;
        if (!ctx.templar.isTrue(task.when, iv, { task: taskTitle(task, ctx), pos: task.pos, what: 'when' }))
          continue;
        const args = ctx.templar.render(task.args, iv) as Record<string, unknown>;
        const incVars: Vars = task.loop ? { [loopVar]: item } : {};
        const key = JSON.stringify([args, incVars]);
        const g = groups.get(key) ?? { args, hosts: [], vars: incVars };
        g.hosts.push(h);
        groups.set(key, g);
      }
    }
    const failed = new Set<string>();
    if (groups.size === 0) return failed;
    for (const g of groups.values()) {
      const {
        name,
        tasks_from,
        vars_from,
        defaults_from,
        handlers_from,
        apply,
        public: _p,
        allow_duplicates: _a,
        rolespec_validate: _r,
        ...params
      } = g.args;
      const applyKw = (apply && typeof apply === 'object' ? apply : {}) as Record<string, unknown>;
      const scope: Scope = {
        file: task.pos.file,
        dir: task.dir,
        kw: { ...task.kw, ...applyKw },
        when: [],
        tags: Array.isArray(applyKw.tags) ? applyKw.tags.map(String) : [],
        vars: {},
        notify: [],
        isAction: opts.isAction,
        importing: [],
      };
      const roleCtx = newRoleContext(ctx.play.dir, ctx.cfg.rolesPath, []);
      const nodes = expandRole({ role: String(name), ...params }, scope, roleCtx, task.pos, {
        tasksFrom: tasks_from as string | undefined,
        varsFrom: vars_from as string | undefined,
        defaultsFrom: defaults_from as string | undefined,
        handlersFrom: handlers_from as string | undefined,
        allowDuplicates: true,
      });
      const f = await this.runNodes(nodes, g.hosts, { ...opts, extraVars: { ...opts.extraVars, ...g.vars } });
      for (const h of f) failed.add(h);
    }
    return failed;
  }

  /** Run notified handlers in definition order until none is pending (handlers may notify handlers). */
  async flushHandlers(hosts: string[]): Promise<void> {
    const ctx = this.ctx;
    for (;;) {
      let ran = false;
      for (let i = 0; i < ctx.handlers.length; i++) {
        const handler = ctx.handlers[i]!;
        const targets = hosts.filter((h) => {
          const hs = ctx.hosts.get(h)!;
          const eligible =
            !hs.unreachable && !hs.ended && (!hs.failed || ctx.cfg.forceHandlers || ctx.play.forceHandlers);
          return eligible && hs.notified.has(i);
        });
        if (targets.length === 0) continue;
        for (const h of targets) ctx.hosts.get(h)!.notified.delete(i);
        ran = true;
        await this.runTask(handler, targets, { rescuable: false, handler: true, isAction: () => true });
      }
      if (!ran) return;
    }
  }
}

function setRole(n: TaskNode, role: Task['role']): void {
  n.role = role;
  if (n.kind === 'block') for (const c of [...n.block, ...n.rescue, ...n.always]) setRole(c, role);
}

function globMatch(pattern: string, s: string): boolean {
  if (!/[*?[]/.test(pattern)) return false;
  const re = new RegExp(
    '^' +
      pattern
        .replace(/[.+^${}()|\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.') +
      '$',
  );
  return re.test(s);
}
