// Plans of a module that cannot go on: a failure saying why, or a check-mode stand-in.
import type { ModuleResult, Plan } from '../../src/core/module.js';

export function failPlan(msg: string, extra: ModuleResult = {}): Plan {
  return { changed: false, steps: [], failed: true, result: { ...extra, msg } };
}

/**
 * Check mode, where a tool that an earlier package task of the run would install is still missing: report
 * the change that would happen instead of failing (as service does for a service such a task brings).
 */
export function notInstalledYet(tool: string): Plan {
  return {
    changed: true,
    steps: [],
    result: { msg: `${tool} is not installed yet; an earlier task in this check run installs packages` },
  };
}
