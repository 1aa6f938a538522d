// `list` and `remove`: the roles in a roles path, as ansible-galaxy shows and deletes them.
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, TsibleError } from '../core/errors.js';
import type { Display } from './display.js';
import { isRoleDir, readGalaxyInfo } from './installed.js';

function line(dir: string, name: string): string {
  return `- ${name}, ${readGalaxyInfo(dir)?.version || '(unknown version)'}`;
}

function isDir(p: string): boolean {
  return existsSync(p) && statSync(p).isDirectory();
}

/**
 * `list [NAME]`: "# <path>" then "- name, version" for each role in each path (sorted, hidden entries skipped).
 * Throws an options error when none of the paths exists.
 */
export function listRoles(paths: string[], name: string | undefined, out: Display): void {
  const warnings: string[] = [];
  let usable = false;
  let found = false;
  for (const path of paths) {
    if (!existsSync(path)) {
      warnings.push(`- the configured path ${path} does not exist.`);
      continue;
    }
    if (!isDir(path)) {
      warnings.push(`- the configured path ${path}, exists, but it is not a directory.`);
      continue;
    }
    usable = true;
    if (name !== undefined) {
      const dir = join(path, name);
      if (isDir(dir)) {
        found = true;
        out.display(`# ${path}`);
        out.display(line(dir, name));
        break;
      }
      warnings.push(`- the role ${name} was not found`);
      continue;
    }
    out.display(`# ${path}`);
    for (const entry of readdirSync(path).sort()) {
      const dir = join(path, entry);
      if (entry.startsWith('.') || !isDir(dir) || !isRoleDir(dir)) continue;
      out.display(line(dir, entry));
    }
  }
  if (!found || name === undefined) for (const w of warnings) out.warning(w);
  if (!usable) {
    throw new TsibleError(
      'options',
      '- None of the provided paths were usable. Please specify a valid path with --roles-path',
      { exitCode: EXIT.options },
    );
  }
}

/** `remove NAME...`: delete installed roles (only directories that look like roles, as ansible-galaxy checks). */
export function removeRoles(names: string[], rolesDir: string, out: Display): void {
  for (const name of names) {
    const dir = join(rolesDir, name);
    if (!name || name.includes('/') || name.startsWith('.') || !isDir(dir) || !isRoleDir(dir)) {
      out.display(`- ${name} is not installed, skipping.`);
      continue;
    }
    // Renamed aside first, so that a half-deleted role is never left under its own name.
    const trash = join(rolesDir, `.${name}.tsible-removed-${process.pid}`);
    try {
      renameSync(dir, trash);
      rmSync(trash, { recursive: true, force: true });
    } catch (e) {
      throw new TsibleError('command', `Failed to remove role ${name}: ${(e as Error).message}`, {
        exitCode: EXIT.error,
      });
    }
    out.display(`- successfully removed ${name}`);
  }
}
