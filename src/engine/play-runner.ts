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
import { executeTask, loopItems, taskTitle, type Outcome } from './executor.js';
import { itemVars as loopItemVars } from './loop.js';
import { pyRepr } from '../output/pyrepr.js';
import { GATHER_SCRIPT, filterSubset, parseFacts } from '../facts/gather.js';
import { pool } from './pool.js';
import { orderHosts, overFailLimit, serialBatches } from './batches.js';
import { isKnownAction } from './validate.js';
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
  /** meta: end_play ran: no further batches. */
  endPlay = false;
  /** strategy: free (or host_pinned): each host goes through the play on its own. */
  private free = false;
  private readonly bannered = new Set<Task>();
  /** Hosts of the batch that had failed before it started (in earlier plays). */
  private failedBefore = new Set<string>();

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
      // Hosts whose item i is the same run the block together, item by item (lockstep, like tasks).
      const groups = new Map<string, string[]>();
      for (const h of hosts) {
        const items = perHost.get(h)!;
        if (i >= items.length || failed.has(h) || !ctx.hosts.get(h)!.active) continue;
        const key = JSON.stringify(items[i]) ?? 'undefined';
        groups.set(key, [...(groups.get(key) ?? []), h]);
      }
      for (const group of groups.values()) {
        const ivars = loopItemVars(loop, perHost.get(group[0]!)!, i);
        const one = { ...block, loop: undefined, vars: { ...block.vars, ...ivars } };
        const f = await this.runBlock(one, group, { ...opts, extraVars: { ...opts.extraVars, ...ivars } });
        for (const x of f) failed.add(x);
      }
    }
    return failed;
  }

  private notify(task: Task, host: string, opts: NodeRunOptions): void {
    const ctx = this.ctx;
    const hs = ctx.hosts.get(host)!;
    for (const raw of task.notify) {
      // Notification names are templated with the notifying task's variables.
      const name = raw.includes('{{')
        ? String(
            ctx.templar.render(
              raw,
              ctx.templar.lazyVars(ctx.rawVars(host, { ...task.vars, ...opts.extraVars }, task.role)),
              { task: taskTitle(task, ctx), pos: task.pos, what: 'notify' },
            ),
          )
        : raw;
      for (const i of this.handlerIndexes(name, task)) hs.notified.add(i);
    }
  }

  private handlerNames?: string[];

  /** Handler names, templated once with the play's variables (Ansible templates them too). */
  private handlerName(i: number): string | undefined {
    const ctx = this.ctx;
    if (!this.handlerNames) {
      const vars = ctx.templar.lazyVars({ ...ctx.play.vars, ...ctx.cfg.extraVars });
      this.handlerNames = ctx.handlers.map((h) => {
        if (!h.name?.includes('{{')) return h.name ?? '';
        try {
          return String(ctx.templar.render(h.name, vars));
        } catch {
          return h.name;
        }
      });
    }
    return this.handlerNames[i];
  }

  /** Handlers a notification names: by name, by `role : name`, or by listen topic. */
  handlerIndexes(name: string, from?: Task): number[] {
    const out: number[] = [];
    this.ctx.handlers.forEach((h, i) => {
      const own = this.handlerName(i);
      const full = h.role ? `${h.role.name} : ${own}` : own;
      if (own === name || full === name || h.listen.includes(name)) out.push(i);
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
    const runOnce = task.kw.run_once !== undefined && truthy(task.kw.run_once);
    // add_host and pause run once for the batch, as their Ansible action plugins bypass the host loop.
    const bypass = BYPASS_HOST_LOOP.some((a) => isAction(task, a));
    const targets = runOnce || bypass ? hosts.slice(0, 1) : hosts;
    if (this.freeBanner(task)) {
      ctx.cb.taskStart(taskTitle(task, ctx), {
        handler: opts.handler,
        action: task.action,
        path: `${task.pos.file}:${task.pos.line ?? 0}`,
        hosts: targets,
        at: Date.now(),
      });
    }
    const outcomes = await pool(targets, ctx.cfg.forks, async (h) => {
      const o = await executeTask(task, h, ctx, { rescuable: opts.rescuable, extraVars: opts.extraVars });
      return [h, o] as [string, Outcome];
    });
    if (runOnce && outcomes[0]) {
      // run_once: every host of the batch gets the registered result (and the notifications) of the first.
      const [, o] = outcomes[0];
      for (const h of hosts.slice(1)) {
        const hs = ctx.hosts.get(h)!;
        if (hs.unreachable) continue;
        if (task.register) hs.setFacts[task.register] = ctx.hosts.get(hosts[0]!)!.setFacts[task.register];
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
        hs.lastFailure = { task: failedTaskInfo(task), result: o.result };
        failed.add(h);
        if (!opts.rescuable) hs.failed = true;
        continue;
      }
      if (o.status === 'changed' || (o.result.changed === true && o.status !== 'skipped'))
        this.notify(task, h, opts);
    }
    ctx.cb.taskEnd?.(Date.now());
    // A failing run_once (or host-loop bypassing) task is fatal for the play, as with any_errors_fatal.
    const ignoreErrors = task.kw.ignore_errors !== undefined && truthy(task.kw.ignore_errors);
    this.checkFatal(task, failed, (runOnce || bypass) && !ignoreErrors);
    return failed;
  }

  private checkFatal(task: Task, failed: Set<string>, fatalAnyway: boolean): void {
    const ctx = this.ctx;
    if (ctx.aborted) return;
    const anyFatal =
      fatalAnyway || (task.kw.any_errors_fatal !== undefined && truthy(task.kw.any_errors_fatal));
    const real = [...failed].filter((h) => {
      const hs = ctx.hosts.get(h)!;
      return hs.failed || hs.unreachable;
    });
    if (anyFatal && real.length > 0) {
      ctx.aborted = true;
      return;
    }
    const pct = ctx.play.maxFailPercentage;
    if (pct !== undefined && pct !== null && failed.size > 0) {
      // Failures of this batch only, against the whole batch (hosts that failed in earlier plays included).
      const batchFailed = ctx.batch.filter(
        (h) => ctx.hosts.get(h)!.failed && !this.failedBefore.has(h),
      ).length;
      if (overFailLimit(batchFailed, ctx.batch.length, Number(pct))) {
        // ansible-core 2.14 prints the banner here, and again when it finds every host failed.
        ctx.cb.noMoreHosts();
        ctx.aborted = true;
      }
    }
  }

  /** The free strategy prints a task's banner once, when the first host reaches it. */
  private freeBanner(task: Task): boolean {
    if (!this.free) return true;
    if (this.bannered.has(task)) return false;
    this.bannered.add(task);
    return true;
  }

  /**
   * Run the play on its hosts: in `order`, in `serial` batches (the PLAY banner again for each batch after the
   * first), each batch through the linear or free strategy. Returns true when the whole run must stop.
   */
  async runPlay(gather: boolean): Promise<boolean> {
    const ctx = this.ctx;
    const { play, cb } = ctx;
    const playVars = ctx.templar.lazyVars({ ...play.vars, ...ctx.cfg.extraVars });
    const order = play.order === undefined ? undefined : String(ctx.templar.render(play.order, playVars));
    ctx.playHosts = orderHosts(ctx.playHosts, order);
    const serial = play.serial === undefined ? undefined : ctx.templar.render(play.serial, playVars);
    const strategy =
      play.strategy === undefined ? 'linear' : String(ctx.templar.render(play.strategy, playVars));
    if (!['linear', 'free', 'host_pinned'].includes(strategy))
      throw new TsibleError('playbook', `Invalid play strategy specified: ${strategy}`, { pos: play.pos });
    this.free = strategy !== 'linear';
    const stats = batchStatsOf(ctx.hosts);
    for (const [bi, batch] of serialBatches(ctx.playHosts, serial).entries()) {
      if (this.endPlay) break;
      if (bi > 0)
        cb.playStart(play.name, { path: `${play.file}:${play.pos.line ?? 0}`, hosts: batch, at: Date.now() });
      ctx.batch = batch;
      this.bannered.clear();
      this.failedBefore = new Set(batch.filter((h) => ctx.hosts.get(h)!.failed));
      const unreachableBefore = new Set(batch.filter((h) => ctx.hosts.get(h)!.unreachable));
      const live = this.active(batch);
      if (gather && live.length > 0) await this.gatherFacts(live);
      if (this.free) await pool(this.active(batch), ctx.cfg.forks, (h) => this.runSections([h]));
      else await this.runSections(batch);
      for (const h of batch) {
        // end_batch / end_play end hosts for this batch only; the next batch starts afresh.
        const hs = ctx.hosts.get(h)!;
        if (!this.endPlay && hs.ended && !hs.failed) hs.ended = false;
      }
      if (ctx.aborted) {
        cb.noMoreHosts();
        return true;
      }
      // ansible-core stops the playbook when a whole batch failed, counting failures of this batch minus
      // those of the previous batch run (its own quirk; a host that failed in an earlier play is in the batch).
      const failedNow = batch.filter((h) => ctx.hosts.get(h)!.failed && !this.failedBefore.has(h)).length;
      const unreachableNow = batch.filter(
        (h) => ctx.hosts.get(h)!.unreachable && !unreachableBefore.has(h),
      ).length;
      const count = failedNow - stats.lastBatchFailed + unreachableNow;
      stats.lastBatchFailed = failedNow;
      if (batch.length > 0 && count === batch.length) return true;
    }
    return false;
  }

  /** pre_tasks, roles and tasks, post_tasks, with a handler flush after each section. */
  private async runSections(batch: string[]): Promise<void> {
    const ctx = this.ctx;
    const { play } = ctx;
    const force = ctx.cfg.forceHandlers || play.forceHandlers === true;
    for (const section of [play.preTasks, play.tasks, play.postTasks]) {
      if (ctx.aborted) return;
      await this.runNodes(section, this.active(batch), { rescuable: false, isAction: isKnownAction });
      if (ctx.aborted) return;
      const flushable = batch.filter((h) => {
        const hs = ctx.hosts.get(h)!;
        return !hs.unreachable && !hs.ended && (!hs.failed || force);
      });
      await this.flushHandlers(flushable);
      if (this.active(batch).length === 0) return;
    }
  }

  /** Whether a meta task's `when` holds for a host; false prints `skipping: [host]` (not counted). */
  private metaApplies(task: Task, host: string, opts: NodeRunOptions): boolean {
    const ctx = this.ctx;
    if (task.when.length === 0) return true;
    const vars = ctx.templar.lazyVars(ctx.rawVars(host, { ...task.vars, ...opts.extraVars }, task.role));
    if (ctx.templar.isTrue(task.when, vars, { task: taskTitle(task, ctx), pos: task.pos, what: 'when' }))
      return true;
    ctx.cb.hostResult({
      host,
      status: 'skipped',
      action: task.action,
      result: { changed: false, skipped: true, skip_reason: 'Conditional result was False' },
    });
    return false;
  }

  private async runMeta(task: Task, hosts: string[], opts: NodeRunOptions): Promise<Set<string>> {
    const ctx = this.ctx;
    const what = String(task.args._raw_params ?? task.args.free_form ?? '').trim();
    if (!META_ACTIONS.has(what))
      throw new TsibleError('playbook', `invalid meta action requested: ${what}`, { pos: task.pos });
    const title = taskTitle(task, ctx);
    if (PER_HOST_META.has(what)) {
      // ansible-core 2.14 runs these once per host, printing the task banner each time.
      const chosen: string[] = [];
      for (const h of hosts) {
        ctx.cb.taskStart(title, { action: task.action });
        if (this.metaApplies(task, h, opts)) chosen.push(h);
      }
      if (what === 'end_host') for (const h of chosen) ctx.hosts.get(h)!.ended = true;
      if (what === 'flush_handlers' && !opts.handler) await this.flushHandlers(chosen);
      if (what === 'reset_connection') {
        for (const h of chosen) {
          const hs = ctx.hosts.get(h)!;
          const conn = hs.conn;
          hs.conn = undefined;
          if (conn) conn.then((c) => c.close()).catch(() => undefined);
        }
      }
      return new Set();
    }
    // The others run once, for the first host of the batch (its `when` decides), and act on every host.
    ctx.cb.taskStart(title, { action: task.action });
    const first = hosts[0];
    if (first === undefined || !this.metaApplies(task, first, opts)) return new Set();
    switch (what) {
      case 'end_play':
        this.endPlay = true;
        for (const h of ctx.playHosts) ctx.hosts.get(h)!.ended = true;
        break;
      case 'end_batch':
        for (const h of ctx.batch) ctx.hosts.get(h)!.ended = true;
        break;
      case 'clear_facts':
        for (const h of ctx.playHosts) {
          const hs = ctx.hosts.get(h)!;
          hs.facts = {};
          hs.plainFacts.clear();
        }
        break;
      case 'clear_host_errors':
        // Failed hosts are out of this play already; they take part again from the next play on.
        for (const h of ctx.playHosts) {
          const hs = ctx.hosts.get(h)!;
          if (hs.failed) {
            hs.failed = false;
            hs.ended = true;
          }
        }
        break;
      default:
        // refresh_inventory: the inventory is read once per run (add_host/group_by changes stay).
        break;
    }
    return new Set();
  }

  /**
   * Decide, host by host (and item by item), what a dynamic include brings in. Hosts whose `when` is false
   * for every item are reported as skipped under the include's banner, as Ansible does.
   */
  private async resolveInclude(task: Task, hosts: string[], opts: NodeRunOptions): Promise<IncludeGroup[]> {
    const ctx = this.ctx;
    const title = taskTitle(task, ctx);
    const where = { task: title, pos: task.pos, what: 'when' };
    const groups = new Map<string, IncludeGroup>();
    const skipped: string[] = [];
    const failed: [string, string][] = [];
    for (const h of hosts) {
      const vars = ctx.templar.lazyVars(ctx.rawVars(h, { ...task.vars, ...opts.extraVars }, task.role));
      let any = false;
      try {
        const items: unknown[] = task.loop ? loopItems(task, vars, ctx) : [undefined];
        for (let i = 0; i < items.length; i++) {
          const ivars = task.loop ? loopItemVars(task.loop, items, i) : {};
          const iv = task.loop ? ctx.templar.overlay(vars, ivars) : vars;
          if (!ctx.templar.isTrue(task.when, iv, where)) continue;
          any = true;
          const args = ctx.templar.render(task.args, iv, { ...where, what: 'args' }) as Record<
            string,
            unknown
          >;
          const { apply, ...rest } = args;
          const params: Vars = { ...rest, ...ivars };
          const key = JSON.stringify([params, apply ?? null]);
          let g = groups.get(key);
          if (!g) {
            const label = task.loop
              ? task.loop.control.label !== undefined
                ? String(ctx.templar.render(task.loop.control.label, iv))
                : pyRepr(items[i])
              : undefined;
            g = { args: rest, apply: isDict(apply) ? apply : {}, params: ivars, hosts: [], label };
            groups.set(key, g);
          }
          g.hosts.push(h);
        }
      } catch (e) {
        failed.push([h, e instanceof Error ? e.message : String(e)]);
        continue;
      }
      if (!any) skipped.push(h);
    }
    ctx.cb.taskStart(title, { action: task.action, path: `${task.pos.file}:${task.pos.line ?? 0}`, hosts });
    for (const h of skipped) {
      const hs = ctx.hosts.get(h)!;
      hs.counts.skipped++;
      ctx.cb.hostResult({
        host: h,
        status: 'skipped',
        action: task.action,
        result: { changed: false, skipped: true, skip_reason: 'Conditional result was False' },
      });
    }
    for (const [h, msg] of failed) {
      const hs = ctx.hosts.get(h)!;
      hs.counts.failed++;
      hs.failed = !opts.rescuable;
      hs.lastFailure = { task: failedTaskInfo(task), result: { failed: true, msg } };
      ctx.cb.hostResult({ host: h, status: 'failed', action: task.action, result: { changed: false, msg } });
    }
    return [...groups.values()].map((g) => ({ ...g, failedHosts: failed.map(([h]) => h) }));
  }

  private async runInclude(task: Task, hosts: string[], opts: NodeRunOptions): Promise<Set<string>> {
    const ctx = this.ctx;
    const groups = await this.resolveInclude(task, hosts, opts);
    const failed = new Set<string>(groups[0]?.failedHosts ?? []);
    const resolved = groups.map((g) => {
      const rel = String(g.args.file ?? g.args._raw_params ?? '');
      return { ...g, file: resolve(task.dir, rel) };
    });
    for (const g of resolved) {
      ctx.cb.included(g.file, g.hosts, g.label);
      for (const h of g.hosts) ctx.hosts.get(h)!.counts.ok++;
    }
    for (const g of resolved) {
      const { file: _f, _raw_params: _r, ...params } = g.args;
      const applyTags = g.apply.tags === undefined ? [] : asTags(g.apply.tags);
      const { tags: _t, vars: applyVars, when: applyWhen, ...applyKw } = g.apply;
      const scope: Scope = {
        file: g.file,
        dir: dirname(g.file),
        // The include's own keywords (become, environment...) reach its tasks; `apply` adds more.
        kw: { ...task.kw, ...applyKw },
        when: applyWhen === undefined ? [] : Array.isArray(applyWhen) ? applyWhen : [applyWhen],
        tags: applyTags,
        vars: { ...task.vars, ...(isDict(applyVars) ? applyVars : {}) },
        notify: [],
        isAction: opts.isAction,
        importing: [g.file],
        role: task.role,
      };
      const nodes = parseTaskList(readYamlFile(g.file), scope, 'include_tasks');
      if (task.role) for (const n of nodes) setRole(n, task.role);
      const f = await this.runNodes(nodes, g.hosts, {
        ...opts,
        extraVars: { ...opts.extraVars, ...params, ...g.params },
      });
      for (const h of f) failed.add(h);
    }
    return failed;
  }

  private async runIncludeRole(task: Task, hosts: string[], opts: NodeRunOptions): Promise<Set<string>> {
    const ctx = this.ctx;
    const groups = await this.resolveInclude(task, hosts, opts);
    const failed = new Set<string>(groups[0]?.failedHosts ?? []);
    for (const g of groups) {
      const {
        name,
        tasks_from,
        vars_from,
        defaults_from,
        handlers_from,
        public: _p,
        allow_duplicates: _a,
        rolespec_validate: _r,
        ...params
      } = g.args;
      const { tags: applyTags, when: applyWhen, vars: applyVars, ...applyKw } = g.apply;
      const scope: Scope = {
        file: task.pos.file,
        dir: task.dir,
        kw: { ...task.kw, ...applyKw },
        when: applyWhen === undefined ? [] : Array.isArray(applyWhen) ? applyWhen : [applyWhen],
        tags: applyTags === undefined ? [] : asTags(applyTags),
        vars: { ...task.vars, ...(isDict(applyVars) ? applyVars : {}) },
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
      const f = await this.runNodes(nodes, g.hosts, {
        ...opts,
        extraVars: { ...opts.extraVars, ...g.params },
      });
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

const BYPASS_HOST_LOOP = ['add_host', 'pause'];

/** Failures of the last batch run, kept across plays of a run (for ansible-core's batch arithmetic). */
const BATCH_STATS = new WeakMap<object, { lastBatchFailed: number }>();

function batchStatsOf(hosts: object): { lastBatchFailed: number } {
  let s = BATCH_STATS.get(hosts);
  if (!s) BATCH_STATS.set(hosts, (s = { lastBatchFailed: 0 }));
  return s;
}

const META_ACTIONS = new Set([
  'noop',
  'flush_handlers',
  'refresh_inventory',
  'clear_facts',
  'clear_host_errors',
  'end_play',
  'end_host',
  'end_batch',
  'reset_connection',
  'role_complete',
]);
/** Meta actions ansible-core runs host by host; the rest run once for the batch. */
const PER_HOST_META = new Set(['noop', 'reset_connection', 'end_host', 'role_complete', 'flush_handlers']);

interface IncludeGroup {
  /** The include's templated arguments (file / role name and include parameters). */
  args: Record<string, unknown>;
  apply: Record<string, unknown>;
  /** Loop variables of the item that brought these hosts in. */
  params: Vars;
  hosts: string[];
  label?: string;
  failedHosts?: string[];
}

function isDict(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function asTags(v: unknown): string[] {
  if (typeof v === 'string')
    return v
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
  return Array.isArray(v) ? v.map(String) : [];
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

/** What `ansible_failed_task` holds in a rescue: the task as written (an unnamed task's name is ''). */
function failedTaskInfo(task: Task): Record<string, unknown> {
  return { name: task.name ?? '', action: task.action, args: task.args, tags: task.tags, when: task.when };
}
