// Find controller-side files the way Ansible's lookups do: role/playbook dirs, with a 'files' or 'templates' subdir.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

export interface SearchBase {
  baseDir: string;
  searchPaths: readonly string[];
  templateDir?: string;
}

export function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? join(homedir(), p.slice(1)) : p;
}

/** Candidate locations for `name`, in search order. */
export function candidates(base: SearchBase, subdir: string, name: string): string[] {
  const p = expandHome(name);
  if (isAbsolute(p)) return [p];
  const roots = [...(base.templateDir ? [base.templateDir] : []), ...base.searchPaths, base.baseDir];
  const out: string[] = [];
  for (const r of roots) out.push(resolve(r, subdir, p), resolve(r, p));
  return [...new Set(out)];
}

/** The first existing candidate, or undefined. */
export function findFile(base: SearchBase, subdir: string, name: string): string | undefined {
  return candidates(base, subdir, name).find((c) => existsSync(c));
}
