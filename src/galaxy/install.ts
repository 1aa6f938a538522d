// `install`: fetch each role's version with git, export it, record it, swap it into place; then its dependencies.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { loadYaml } from '../core/yaml.js';
import {
  describeDiff,
  diffManifests,
  digestTree,
  GALAXY_INSTALL_INFO,
  INSTALL_RECORD,
} from './content-hash.js';
import type { Display } from './display.js';
import { exportTree, fetchVersion, GitFetchError, initBare } from './git.js';
import {
  galaxyInstallInfoText,
  isRoleDir,
  readGalaxyInfo,
  readInstallRecord,
  type InstallRecord,
} from './installed.js';
import { readLock, writeLock, type LockEntry } from './lock.js';
import {
  galaxyError,
  parseMetaDependencies,
  sameSource,
  where,
  type RoleRequirement,
} from './requirements.js';

export interface InstallOptions {
  /** Where roles go (created if missing). */
  rolesDir: string;
  /** Reinstall roles that are already installed. */
  force?: boolean;
  /** --force for dependencies too. */
  forceWithDeps?: boolean;
  /** Do not install meta/main.yml dependencies. */
  noDeps?: boolean;
  /** Carry on after a role fails (and exit 0, as ansible-galaxy does). */
  ignoreErrors?: boolean;
  /** Re-resolve versions instead of using the commits in the lock file. */
  upgrade?: boolean;
  /** The lock to pin to and update (installs from a requirements file). */
  lockPath?: string;
  /** With a requirements file: only these role names (the others keep their lock entries). */
  only?: string[];
  /** For tests. */
  now?: () => Date;
}

export interface InstallResult {
  installed: string[];
  skipped: string[];
  failed: { name: string; reason: string }[];
  lockChanged: boolean;
}

const IGNORE_HINT = 'use --ignore-errors to skip failed roles and finish processing the list';

/** A role could not be installed: why, and perhaps what to do. */
class RoleFailure extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

function label(r: { name: string; version: string }): string {
  return r.version ? `${r.name} (${r.version})` : r.name;
}

function short(commit: string | undefined): string {
  return commit ? commit.slice(0, 12) : 'unknown';
}

function describe(r: RoleRequirement): string {
  return r.version ? `${r.src} ${r.version}` : r.src;
}

/**
 * Requirements that would install to the same directory: an error naming both lines, unless they are the same
 * source and version (then the second is a harmless duplicate and is dropped).
 */
export function checkCollisions(reqs: RoleRequirement[]): RoleRequirement[] {
  const byName = new Map<string, RoleRequirement>();
  const out: RoleRequirement[] = [];
  for (const r of reqs) {
    const prev = byName.get(r.name);
    if (!prev) {
      byName.set(r.name, r);
      out.push(r);
    } else if (!sameSource(prev, r)) {
      throw galaxyError(
        `two requirements install to the same role name '${r.name}': ${where(prev.pos) || 'one'} (${describe(prev)}) ` +
          `and ${where(r.pos) || 'another'} (${describe(r)})`,
        r.pos,
        'give one of them a different `name:`',
      );
    }
  }
  return out;
}

interface Item {
  req: RoleRequirement;
  isDep: boolean;
  /** Say nothing when it is already installed (a dependency of a role that was itself skipped). */
  quiet: boolean;
  force: boolean;
  state: 'pending' | 'done' | 'failed';
}

type Outcome =
  | { kind: 'installed'; entry: LockEntry }
  | { kind: 'skipped'; entry?: LockEntry }
  /** Left as it was (another version is installed): the lock keeps its old entry. */
  | { kind: 'kept' };

function readMeta(dir: string): { meta: unknown; file: string } | undefined {
  for (const f of ['meta/main.yml', 'meta/main.yaml', 'meta/main']) {
    const file = join(dir, f);
    if (existsSync(file))
      return { meta: loadYaml(readFileSync(file, 'utf8'), file, { kind: 'command' }), file };
  }
  return undefined;
}

function entryFrom(req: RoleRequirement, commit: string, contentHash: string): LockEntry {
  const e: LockEntry = { name: req.name, src: req.src, version: req.version, commit, contentHash };
  if (req.dependencyOf !== undefined) e.dependencyOf = req.dependencyOf;
  return e;
}

/** Replace `dest` with `staged` by renames; if the second rename fails, the previous role is put back. */
function swapIntoPlace(staged: string, dest: string, scratch: string): void {
  if (!existsSync(dest)) {
    renameSync(staged, dest);
    return;
  }
  const previous = join(scratch, 'previous');
  renameSync(dest, previous);
  try {
    renameSync(staged, dest);
  } catch (e) {
    renameSync(previous, dest);
    throw e;
  }
}

export class Installer {
  private readonly rolesDir: string;
  private readonly lock: Map<string, LockEntry>;
  private readonly items: Item[] = [];
  private readonly produced = new Map<string, LockEntry>();
  private readonly kept = new Set<string>();
  private readonly depsWalked = new Set<string>();
  private readonly result: InstallResult = { installed: [], skipped: [], failed: [], lockChanged: false };

  constructor(
    private readonly opts: InstallOptions,
    private readonly out: Display,
  ) {
    this.rolesDir = resolve(opts.rolesDir);
    this.lock = new Map((opts.lockPath ? (readLock(opts.lockPath) ?? []) : []).map((e) => [e.name, e]));
  }

  /** Install the requirements (already checked for collisions), then write the lock. */
  async run(reqs: RoleRequirement[]): Promise<InstallResult> {
    for (const req of reqs) {
      if (this.opts.only?.length && !this.opts.only.includes(req.name)) continue;
      this.items.push({ req, isDep: false, quiet: false, force: !!this.opts.force, state: 'pending' });
    }
    try {
      // Dependencies are appended while walking, so this is a queue.
      for (let i = 0; i < this.items.length; i++) await this.process(this.items[i]!);
    } finally {
      if (this.opts.lockPath) this.saveLock(reqs);
    }
    return this.result;
  }

  private async process(item: Item): Promise<void> {
    const { req } = item;
    let outcome: Outcome;
    try {
      outcome = await this.installOne(item);
    } catch (e) {
      item.state = 'failed';
      const reason = e instanceof Error ? e.message : String(e);
      const hint = e instanceof RoleFailure ? e.hint : undefined;
      this.result.failed.push({ name: req.name, reason });
      const at = where(req.pos);
      if (this.opts.ignoreErrors) {
        this.out.warning(`- ${req.name} was NOT installed successfully: ${reason}${at ? ` (${at})` : ''}`);
        return;
      }
      throw galaxyError(
        `- ${req.name} was NOT installed successfully: ${reason}`,
        req.pos,
        hint ?? IGNORE_HINT,
      );
    }
    item.state = 'done';
    if (outcome.kind === 'kept') {
      this.kept.add(req.name);
      return;
    }
    if (outcome.entry) this.produced.set(req.name, outcome.entry);
    if (outcome.kind === 'installed') this.result.installed.push(req.name);
    else this.result.skipped.push(req.name);
    if (!this.opts.noDeps) this.walkDependencies(req, outcome.kind !== 'installed');
  }

  private async installOne(item: Item): Promise<Outcome> {
    const { req } = item;
    const dest = join(this.rolesDir, req.name);
    const locked = this.lock.get(req.name);
    const pinned = !this.opts.upgrade && locked && sameSource(locked, req) ? locked : undefined;
    const info = readGalaxyInfo(dest);
    const record = readInstallRecord(dest);

    if (info && !item.force) {
      if (info.version !== req.version) {
        if (item.isDep) {
          this.out.warning(
            `- dependency ${label(req)} from role ${req.dependencyOf ?? '?'} differs from already installed version ` +
              `(${info.version || 'unspecified'}), skipping`,
          );
        } else {
          this.out.warning(
            `- ${req.name} (${info.version}) is already installed - use --force to change version to ` +
              `${req.version || 'unspecified'}`,
          );
        }
        return { kind: 'kept' };
      }
      if (!pinned && !this.opts.upgrade) {
        if (!item.quiet) this.out.display(`- ${label(req)} is already installed, skipping.`);
        this.warnIfModified(req, dest, record);
        if (record && sameSource(record, req)) {
          return { kind: 'skipped', entry: entryFrom(req, record.commit, record.contentHash) };
        }
        if (this.opts.lockPath) {
          this.out.warning(
            `- ${req.name} was not installed by tsible-galaxy from ${req.src}, so it cannot be locked - ` +
              'use --force to reinstall it',
          );
        }
        return { kind: 'skipped' };
      }
      if (pinned && record?.commit === pinned.commit) {
        if (!item.quiet) this.out.display(`- ${label(req)} is already installed, skipping.`);
        this.warnIfModified(req, dest, record);
        return { kind: 'skipped', entry: { ...pinned, dependencyOf: req.dependencyOf } };
      }
      // Otherwise: the lock pins another commit, or --upgrade asks for the newest one.
    } else if (existsSync(dest) && !item.force) {
      throw new RoleFailure(
        `the specified role ${req.name} appears to already exist at ${dest}. Use --force to replace it.`,
        'it was not installed by tsible-galaxy or ansible-galaxy (no meta/.galaxy_install_info)',
      );
    } else if (existsSync(dest) && !info && !record && !isRoleDir(dest)) {
      throw new RoleFailure(
        `${dest} doesn't appear to contain a role. Please remove this directory manually if you really want to put ` +
          'the role here.',
      );
    }

    mkdirSync(this.rolesDir, { recursive: true });
    // Beside the destination, so that the final step is a rename on the same filesystem.
    const scratch = mkdtempSync(join(this.rolesDir, `.${req.name}.tsible-`));
    try {
      const repo = join(scratch, 'repo.git');
      await initBare(repo);
      let commit: string;
      try {
        commit = await fetchVersion(repo, req.url, pinned?.commit ?? req.version, req.src);
      } catch (e) {
        if (e instanceof GitFetchError && e.failure === 'not-found' && pinned) {
          throw new RoleFailure(
            `commit ${pinned.commit} (locked in ${basename(this.opts.lockPath ?? 'requirements.lock')} for ` +
              `version '${req.version || 'HEAD'}') is no longer in ${req.src}`,
            "run 'tsible-galaxy install --upgrade' to resolve the version again",
          );
        }
        if (e instanceof GitFetchError) throw new RoleFailure(e.message);
        throw e;
      }
      if (info && !item.force && record?.commit === commit) {
        if (!item.quiet)
          this.out.display(`- ${label(req)} is already up to date (${short(commit)}), skipping.`);
        this.warnIfModified(req, dest, record);
        return { kind: 'skipped', entry: entryFrom(req, commit, record.contentHash) };
      }
      if (info && item.force) {
        this.out.display(
          `- changing role ${req.name} from ${info.version} to ${req.version || 'unspecified'}`,
        );
      } else if (info) {
        const why = pinned ? ` (${basename(this.opts.lockPath ?? 'requirements.lock')})` : '';
        this.out.display(
          `- changing role ${label(req)} from commit ${short(record?.commit)} to ${short(commit)}${why}`,
        );
      }
      this.out.display(`- extracting ${req.name} to ${dest}`);
      const tree = join(scratch, 'tree');
      mkdirSync(tree);
      await exportTree(repo, commit, tree, scratch);
      if (!isRoleDir(tree)) {
        throw new RoleFailure(
          `${req.src} at ${req.version || 'HEAD'} (${short(commit)}) does not look like a role: ` +
            'it has no tasks/ directory and no meta/main.yml',
        );
      }
      const digest = digestTree(tree);
      if (pinned && pinned.contentHash && pinned.contentHash !== digest.contentHash) {
        this.out.warning(
          `- ${req.name}: commit ${short(commit)} gave content ${digest.contentHash}, but the lock recorded ` +
            `${pinned.contentHash}; the lock is updated`,
        );
      }
      const now = this.opts.now?.() ?? new Date();
      mkdirSync(join(tree, 'meta'), { recursive: true });
      writeFileSync(join(tree, GALAXY_INSTALL_INFO), galaxyInstallInfoText(req.version, now));
      const rec: InstallRecord = {
        src: req.src,
        version: req.version,
        commit,
        contentHash: digest.contentHash,
        installedAt: now.toISOString(),
        ...(req.dependencyOf !== undefined ? { dependencyOf: req.dependencyOf } : {}),
        files: digest.files,
      };
      writeFileSync(join(tree, INSTALL_RECORD), `${JSON.stringify(rec, null, 2)}\n`);
      swapIntoPlace(tree, dest, scratch);
      this.out.display(`- ${label(req)} was installed successfully`);
      return { kind: 'installed', entry: entryFrom(req, commit, digest.contentHash) };
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }

  private warnIfModified(req: RoleRequirement, dest: string, record: InstallRecord | undefined): void {
    if (!record?.contentHash) return;
    const now = digestTree(dest);
    if (now.contentHash === record.contentHash) return;
    const diff = record.files ? describeDiff(diffManifests(record.files, now.files)) : '';
    this.out.warning(
      `- ${req.name} has been changed since it was installed${diff ? ` (${diff})` : ''} - use --force to reinstall it`,
    );
  }

  /** Queue the git dependencies in an installed role's meta/main.yml, the way ansible-galaxy reports them. */
  private walkDependencies(parent: RoleRequirement, quiet: boolean): void {
    const dir = join(this.rolesDir, parent.name);
    let found: { meta: unknown; file: string } | undefined;
    try {
      found = readMeta(dir);
    } catch (e) {
      this.out.warning(
        `- ${parent.name}: cannot read meta/main.yml, skipping dependencies: ${(e as Error).message}`,
      );
      return;
    }
    this.depsWalked.add(parent.name);
    if (!found) return;
    const { deps, warnings } = parseMetaDependencies(found.meta, found.file, parent.name);
    for (const w of warnings) this.out.warning(w);
    const forceDeps = !!this.opts.forceWithDeps;
    for (const dep of deps) {
      const existing = this.items.find((i) => i.req.name === dep.name);
      if (existing) {
        if (!sameSource(existing.req, dep)) {
          this.out.warning(
            `- dependency ${label(dep)} from role ${parent.name} differs from ${label(existing.req)} ` +
              `(${existing.req.src}) already requested, skipping`,
          );
        } else if (existing.state === 'pending' && !quiet) {
          this.out.display(`- dependency ${dep.name} already pending installation.`);
        }
        continue;
      }
      const info = readGalaxyInfo(join(this.rolesDir, dep.name));
      if (!info) {
        this.out.display(`- adding dependency: ${label(dep)}`);
        this.items.push({ req: dep, isDep: true, quiet: false, force: forceDeps, state: 'pending' });
      } else if (info.version !== dep.version && !forceDeps) {
        this.out.warning(
          `- dependency ${label(dep)} from role ${parent.name} differs from already installed version ` +
            `(${info.version || 'unspecified'}), skipping`,
        );
        this.kept.add(dep.name);
      } else {
        if (!quiet && !forceDeps)
          this.out.display(`- dependency ${dep.name} is already installed, skipping.`);
        this.items.push({ req: dep, isDep: true, quiet: true, force: forceDeps, state: 'pending' });
      }
    }
  }

  /** New lock: this run's entries, plus old ones for roles this run did not (successfully) look at. */
  private saveLock(reqs: RoleRequirement[]): void {
    const lockPath = this.opts.lockPath!;
    const top = new Set(reqs.map((r) => r.name));
    const done = new Set(this.items.filter((i) => i.state === 'done').map((i) => i.req.name));
    const out = new Map(this.produced);
    for (const old of this.lock.values()) {
      if (out.has(old.name)) continue;
      const untouched = !done.has(old.name) || this.kept.has(old.name);
      const parentNotWalked =
        old.dependencyOf !== undefined &&
        !this.depsWalked.has(old.dependencyOf) &&
        (top.has(old.dependencyOf) || out.has(old.dependencyOf));
      if ((top.has(old.name) && untouched) || parentNotWalked || this.kept.has(old.name))
        out.set(old.name, old);
    }
    // No lock is created for a run that installed nothing (every role failed, say).
    if (out.size === 0 && !existsSync(lockPath)) return;
    this.result.lockChanged = writeLock(lockPath, [...out.values()]);
    if (this.result.lockChanged) this.out.display(`- updated ${lockPath}`);
  }
}

/** Install roles (see Installer); throws a TsibleError for the first failure unless ignoreErrors. */
export async function installRoles(
  reqs: RoleRequirement[],
  opts: InstallOptions,
  display: Display,
): Promise<InstallResult> {
  const unique = checkCollisions(reqs);
  return new Installer(opts, display).run(unique);
}
