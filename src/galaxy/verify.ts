// Installed roles against requirements.lock: missing, another commit, or files changed since install.
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describeDiff, diffManifests, digestTree } from './content-hash.js';
import type { Display } from './display.js';
import { readInstallRecord } from './installed.js';
import { lockPathFor, readLock, type LockEntry } from './lock.js';
import { galaxyError, parseRequirementsFile, sameSource, where } from './requirements.js';

export interface LockProblem {
  name: string;
  problem: string;
}

function short(commit: string): string {
  return commit.slice(0, 12);
}

/** The problem with one locked role, or undefined when the installed files are exactly what the lock says. */
export function checkLockEntry(rolesDir: string, entry: LockEntry): string | undefined {
  const dir = join(rolesDir, entry.name);
  if (!existsSync(dir)) return `not installed in ${rolesDir} (locked at ${short(entry.commit)})`;
  const record = readInstallRecord(dir);
  if (record && record.commit !== entry.commit) {
    return `installed from commit ${short(record.commit)}, but the lock pins ${short(entry.commit)}`;
  }
  if (!entry.contentHash) return undefined;
  const now = digestTree(dir);
  if (now.contentHash === entry.contentHash) return undefined;
  if (!record) return 'content differs from the lock (not installed by tsible-galaxy)';
  const diff =
    record.files && record.contentHash === entry.contentHash
      ? describeDiff(diffManifests(record.files, now.files))
      : '';
  return diff ? `files changed since install: ${diff}` : 'content differs from the lock';
}

/**
 * For the playbook runner: every role in the lock at `lockPath` whose copy in `rolesDir` is missing, at another
 * commit, or changed. No lock file → no problems. An unreadable lock is reported as one problem named after it.
 */
export function checkInstalledAgainstLock(
  rolesDir: string,
  lockPath: string,
): { name: string; problem: string }[] {
  let entries: LockEntry[] | undefined;
  try {
    entries = readLock(lockPath);
  } catch (e) {
    return [{ name: lockPath, problem: `cannot read the lock file: ${(e as Error).message}` }];
  }
  const problems: LockProblem[] = [];
  for (const entry of entries ?? []) {
    let problem: string | undefined;
    try {
      problem = checkLockEntry(rolesDir, entry);
    } catch (e) {
      problem = `cannot be checked: ${(e as Error).message}`;
    }
    if (problem) problems.push({ name: entry.name, problem });
  }
  return problems;
}

/**
 * `verify`: one line per locked role (ok, or what is wrong), plus requirements that the lock does not cover.
 * Returns the number of problems.
 */
export function verifyRoles(requirementsFile: string, rolesDir: string, out: Display): number {
  const lockPath = lockPathFor(requirementsFile);
  const entries = readLock(lockPath);
  if (entries === undefined) {
    throw galaxyError(
      `no lock file ${lockPath}`,
      undefined,
      `run 'tsible-galaxy install -r ${requirementsFile}' first: it writes the lock`,
    );
  }
  let problems = 0;
  const byName = new Map(entries.map((e) => [e.name, e]));
  if (existsSync(requirementsFile)) {
    for (const req of parseRequirementsFile(requirementsFile).roles) {
      const e = byName.get(req.name);
      let problem: string | undefined;
      if (!e) problem = `not in ${basename(lockPath)}`;
      else if (!sameSource(e, req)) {
        problem = `${where(req.pos)} asks for ${req.src} ${req.version || 'HEAD'}, the lock has ${e.src} ${e.version || 'HEAD'}`;
      }
      if (problem) {
        problems++;
        out.display(`- ${req.name}: ${problem} (run 'tsible-galaxy install -r ${requirementsFile}')`);
      }
    }
  }
  for (const entry of entries) {
    const title = `${entry.name}, ${entry.version || '(HEAD)'}`;
    let problem: string | undefined;
    try {
      problem = checkLockEntry(rolesDir, entry);
    } catch (e) {
      problem = `cannot be checked: ${(e as Error).message}`;
    }
    if (problem) {
      problems++;
      out.display(`- ${title}: ${problem}`);
    } else out.display(`- ${title} (${short(entry.commit)}): ok`);
  }
  if (problems) out.error(`ERROR! ${problems} problem(s) found checking ${rolesDir} against ${lockPath}`);
  return problems;
}
