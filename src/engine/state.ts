// What the engine remembers about each host during a run.
import type { CheckEffects, ModuleResult } from '../core/module.js';
import type { Vars } from '../core/types.js';
import { emptyCounts, type RecapCounts } from '../output/events.js';
import type { Runner } from './remote.js';
import type { Connection } from '../transport/types.js';

export class HostState {
  /** Gathered facts (ansible_facts, without prefix). */
  facts: Vars = {};
  /** Fact names a module returned without the ansible_ prefix (shown under that name at the top level). */
  plainFacts = new Set<string>();
  /** set_fact and register results (precedence level 19). */
  setFacts: Vars = {};
  /** include_vars results (level 18). */
  includeVars: Vars = {};
  failed = false;
  unreachable = false;
  /** meta: end_host, or end_play for this host. */
  ended = false;
  /** Handlers notified and not yet run, by handler index in the play. */
  notified = new Set<number>();
  pending: Required<CheckEffects> = { packages: [], files: [], services: [] };
  counts: RecapCounts = emptyCounts();
  conn?: Promise<Connection>;
  /** Runners keyed by become user ('' = connection user). */
  runners = new Map<string, Runner>();
  /** The result of the last failed task, for rescue. */
  lastFailure?: { task: Record<string, unknown>; result: ModuleResult };

  constructor(readonly name: string) {}

  /** Still taking part in the play. */
  get active(): boolean {
    return !this.failed && !this.unreachable && !this.ended;
  }
}
