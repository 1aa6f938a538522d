// Role requirements (requirements.yml, `install` arguments, meta/main.yml dependencies) → git sources to fetch.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { closest, EXIT, TsibleError, type SourcePos } from '../core/errors.js';
import { itemPos, keyPos, loadYaml } from '../core/yaml.js';
import { expandHome } from './installed.js';

export interface RoleRequirement {
  /** Directory name under the roles path. */
  name: string;
  /** The source as written, without an `scm+` prefix: a git URL or a local path. */
  src: string;
  /** What git fetches: `src`, with a local path made absolute. */
  url: string;
  /** Branch, tag or commit; '' means the remote's HEAD. */
  version: string;
  /** Where the requirement was written. */
  pos?: SourcePos;
  /** The role whose meta/main.yml asked for this one. */
  dependencyOf?: string;
}

export interface RequirementsFile {
  file: string;
  roles: RoleRequirement[];
  /** How many collections were listed (not supported yet). */
  collections: number;
  /** Things worth telling the user that do not stop the install (unknown keys…). */
  warnings: string[];
}

const VALID_KEYS = ['name', 'src', 'scm', 'version', 'role', 'include'];
const URL_SCHEMES = new Set(['http', 'https', 'ssh', 'git', 'file']);

/** A requirements error: exit 1, with the requirement's position. */
export function galaxyError(message: string, pos?: SourcePos, hint?: string): TsibleError {
  return new TsibleError('command', message, { pos, hint, exitCode: EXIT.error });
}

/** "file:line" of a position, for one-line messages. */
export function where(pos: SourcePos | undefined): string {
  if (!pos) return '';
  return pos.line === undefined ? pos.file : `${pos.file}:${pos.line}`;
}

/**
 * The role name ansible-galaxy derives from a source: the last path segment without `.git` / `.tar.gz` and
 * without a `,version` tail. Unlike Ansible (which keeps a local path whole) a path gives its basename, and an
 * scp-like `host:repo.git` gives `repo`. No `ansible-role-` prefix is stripped: Ansible does not either.
 */
export function roleNameFromSrc(src: string): string {
  let s = src.replace(/[/\\]+$/, '');
  const slash = s.lastIndexOf('/');
  if (slash >= 0) s = s.slice(slash + 1);
  else if (isScpLike(src)) s = s.slice(s.indexOf(':') + 1);
  if (s.includes(',')) s = s.slice(0, s.indexOf(','));
  if (s.endsWith('.git')) s = s.slice(0, -4);
  if (s.endsWith('.tar.gz')) s = s.slice(0, -7);
  return s;
}

/** git's own rule: `[user@]host:path` with no slash before the first colon. */
function isScpLike(src: string): boolean {
  const colon = src.indexOf(':');
  if (colon <= 0) return false;
  const head = src.slice(0, colon);
  return !head.includes('/') && !src.slice(colon).startsWith('://');
}

function looksLikePath(src: string): boolean {
  return src === '.' || src === '..' || /^(?:\/|\.\.?\/|~(?:\/|$))/.test(src);
}

/** `git+https://…` → ['git', 'https://…']; a '+' elsewhere (in a path) is left alone. */
function splitScm(src: string): { scm?: string; src: string } {
  const m = /^([A-Za-z]+)\+(.+)$/.exec(src);
  return m ? { scm: m[1]!.toLowerCase(), src: m[2]! } : { src };
}

function checkName(name: string, pos: SourcePos | undefined): void {
  if (!name || name === '.' || name === '..' || /[/\\\0]/.test(name) || name.startsWith('.')) {
    throw galaxyError(`invalid role name '${name}': it must be a plain directory name`, pos, 'set `name:`');
  }
}

function checkVersion(version: string, pos: SourcePos | undefined): void {
  // Passed to `git fetch` as a refspec: a ':' would name a destination, a leading '-' an option.
  if (version.startsWith('-') || /[\s:~^?*[\\]/.test(version)) {
    throw galaxyError(`invalid version '${version}': not a branch, tag or commit name`, pos);
  }
}

/**
 * Build a requirement from its parts. `baseDir` is where a relative local path is resolved (the requirements
 * file's directory, or the current directory for command-line arguments).
 */
export function makeRequirement(
  parts: { src: string; scm?: string; version?: string; name?: string },
  baseDir: string,
  pos?: SourcePos,
): RoleRequirement {
  const split = splitScm(parts.src.trim());
  const scm = (parts.scm ?? split.scm)?.toLowerCase();
  const src = split.src;
  if (scm !== undefined && scm !== 'git') {
    throw galaxyError(
      `scm '${scm}' is not supported for ${src}: tsible-galaxy installs roles from git only`,
      pos,
    );
  }
  if (!src)
    throw galaxyError('a role requirement needs a `src:` (a git URL or a path to a git repository)', pos);
  if (src.startsWith('-')) throw galaxyError(`invalid src '${src}'`, pos);
  // `<transport>::<address>` hands the address to a remote helper (ext:: runs a command): never from a file.
  if (/^[A-Za-z][A-Za-z0-9+.-]*::/.test(src)) {
    throw galaxyError(`unsupported source '${src}': git remote helpers are not allowed`, pos);
  }
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(src)?.[1]?.toLowerCase();
  let url = src;
  if (scheme !== undefined) {
    if (!URL_SCHEMES.has(scheme)) {
      throw galaxyError(
        `unsupported URL scheme '${scheme}://' in ${src}`,
        pos,
        'use https://, ssh://, git:// or file://',
      );
    }
    if (scm === undefined && /\.(?:tar\.gz|tgz|tar|zip)$/.test(src)) {
      throw galaxyError(`${src} looks like an archive: only git repositories are supported`, pos);
    }
  } else if (looksLikePath(src)) {
    url = resolve(baseDir, expandHome(src));
  } else if (isScpLike(src)) {
    url = src;
  } else if (existsSync(resolve(baseDir, src)) || scm !== undefined) {
    url = resolve(baseDir, src);
  } else {
    throw galaxyError(
      `'${src}' looks like a Galaxy role name: tsible-galaxy installs roles from git repositories only`,
      pos,
      'use src: https://github.com/<owner>/<repo>.git (with version: and name: as needed)',
    );
  }
  const name = parts.name ?? roleNameFromSrc(src);
  checkName(name, pos);
  const version = parts.version ?? '';
  checkVersion(version, pos);
  return { name, src, url, version, pos };
}

/** The `src[,version[,name]]` form (command line, and strings in a requirements list). */
export function parseRequirementString(spec: string, baseDir: string, pos?: SourcePos): RoleRequirement {
  const parts = spec.trim().split(',');
  if (parts.length > 3) {
    throw galaxyError(`invalid role line (${spec}): the format is 'src[,version[,name]]'`, pos);
  }
  const [src, version, name] = parts;
  return makeRequirement(
    { src: src ?? '', version: version || undefined, name: name || undefined },
    baseDir,
    pos,
  );
}

/** A version as the user wrote it: YAML turns `version: 1.10` into the number 1.1, so re-read the source text. */
function versionText(entry: Record<string, unknown>, text: string | undefined): string | undefined {
  const v = entry.version;
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'number' && text !== undefined) {
    const line = keyPos(entry, 'version')?.line;
    const src = line === undefined ? undefined : text.split('\n')[line - 1];
    const m = src === undefined ? null : /version\s*:\s*([^\s#,}\]]+)/.exec(src);
    if (m) return m[1]!.replace(/^(['"])(.*)\1$/, '$2');
  }
  return String(v);
}

function str(v: unknown, key: string, pos: SourcePos | undefined): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw galaxyError(`'${key}' must be a string, got ${Array.isArray(v) ? 'a list' : 'a mapping'}`, pos);
}

/** One entry of a roles list: a string or a mapping. */
function parseEntry(
  entry: unknown,
  pos: SourcePos | undefined,
  baseDir: string,
  text: string | undefined,
  warnings: string[],
): RoleRequirement {
  if (typeof entry === 'string') return parseRequirementString(entry, baseDir, pos);
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
    throw galaxyError('a role requirement must be a string or a mapping with `src:`', pos);
  }
  const e = entry as Record<string, unknown>;
  for (const key of Object.keys(e)) {
    if (VALID_KEYS.includes(key)) continue;
    const near = closest(key, VALID_KEYS);
    warnings.push(
      `${where(keyPos(e, key) ?? pos)}: unknown key '${key}' in a role requirement, ignored` +
        (near ? ` (did you mean '${near}'?)` : ''),
    );
  }
  // Old style `- role: x` names the role; as in ansible-galaxy it also serves as the source.
  const src = str(e.src, 'src', pos) ?? str(e.role, 'role', pos);
  let name = str(e.name, 'name', keyPos(e, 'name'));
  if (e.role !== undefined && e.src !== undefined && name === undefined) name = str(e.role, 'role', pos);
  if (src === undefined) {
    if (name !== undefined) {
      throw galaxyError(
        `role '${name}' has no src: Galaxy server roles are not supported, only git repositories`,
        pos,
        'add src: https://…/<repo>.git',
      );
    }
    throw galaxyError('a role requirement needs a `src:` (a git URL or a path to a git repository)', pos);
  }
  return makeRequirement(
    { src, scm: str(e.scm, 'scm', keyPos(e, 'scm')), version: versionText(e, text), name },
    baseDir,
    pos,
  );
}

function parseRoleList(
  list: unknown,
  file: string,
  text: string,
  warnings: string[],
  seen: Set<string>,
): RoleRequirement[] {
  if (list === null || list === undefined) return [];
  if (!Array.isArray(list)) throw galaxyError('`roles:` must be a list', { file });
  const out: RoleRequirement[] = [];
  const baseDir = dirname(resolve(file));
  list.forEach((entry, i) => {
    const pos = itemPos(list, i);
    if (entry && typeof entry === 'object' && !Array.isArray(entry) && 'include' in entry) {
      const inc = String((entry as Record<string, unknown>).include);
      const incFile = isAbsolute(inc) ? inc : resolve(baseDir, inc);
      if (!existsSync(incFile))
        throw galaxyError(`the included requirements file '${inc}' does not exist`, pos);
      out.push(...readRoleRequirements(incFile, warnings, seen).roles);
      return;
    }
    out.push(parseEntry(entry, pos, baseDir, text, warnings));
  });
  return out;
}

function readRoleRequirements(file: string, warnings: string[], seen: Set<string>): RequirementsFile {
  const abs = resolve(file);
  if (seen.has(abs)) throw galaxyError(`requirements file '${file}' includes itself`, { file });
  seen.add(abs);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw galaxyError(`The requirements file '${file}' does not exist.`);
  }
  const data = loadYaml(text, file, { kind: 'command' });
  if (data === null || data === undefined)
    throw galaxyError(`No requirements found in file '${file}'`, { file });
  if (Array.isArray(data)) {
    return { file, roles: parseRoleList(data, file, text, warnings, seen), collections: 0, warnings };
  }
  if (typeof data !== 'object') {
    throw galaxyError(
      `Expecting a list of roles, or a mapping with 'roles' and/or 'collections', in '${file}'`,
      {
        file,
      },
    );
  }
  const doc = data as Record<string, unknown>;
  const extra = Object.keys(doc).filter((k) => k !== 'roles' && k !== 'collections');
  if (extra.length) {
    throw galaxyError(
      `Expecting only 'roles' and/or 'collections' as base keys in the requirements file. Found: ${extra.join(', ')}`,
      keyPos(doc, extra[0]!),
    );
  }
  const colls = doc.collections;
  return {
    file,
    roles: parseRoleList(doc.roles, file, text, warnings, seen),
    collections: Array.isArray(colls) ? colls.length : 0,
    warnings,
  };
}

/** Read a requirements file (plain list, or `roles:`/`collections:`), following `include:` entries. */
export function parseRequirementsFile(file: string): RequirementsFile {
  return readRoleRequirements(file, [], new Set());
}

/**
 * The git-sourced dependencies in a role's meta/main.yml: `src:` mappings and `git+…` strings. Plain role names
 * (and `role:` mappings) refer to roles found at play time and are not installed; Galaxy names are reported.
 */
export function parseMetaDependencies(
  meta: unknown,
  metaFile: string,
  parent: string,
): { deps: RoleRequirement[]; warnings: string[] } {
  const deps: RoleRequirement[] = [];
  const warnings: string[] = [];
  if (!meta || typeof meta !== 'object' || Array.isArray(meta)) return { deps, warnings };
  const list = (meta as Record<string, unknown>).dependencies;
  if (!Array.isArray(list)) return { deps, warnings };
  const baseDir = dirname(resolve(metaFile));
  list.forEach((entry, i) => {
    const pos = itemPos(list, i);
    try {
      let dep: RoleRequirement | undefined;
      if (typeof entry === 'string') {
        if (/^[A-Za-z]+\+/.test(entry)) dep = parseRequirementString(entry, baseDir, pos);
      } else if (entry && typeof entry === 'object' && !Array.isArray(entry)) {
        const e = entry as Record<string, unknown>;
        if (typeof e.src === 'string') {
          dep = makeRequirement(
            {
              src: e.src,
              scm: str(e.scm, 'scm', pos),
              version: versionText(e, undefined),
              name: str(e.name, 'name', pos),
            },
            baseDir,
            pos,
          );
        }
      }
      if (dep) deps.push({ ...dep, dependencyOf: parent });
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      warnings.push(`- dependency of ${parent} skipped (${where(pos)}): ${msg}`);
    }
  });
  return { deps, warnings };
}

/** Same source and version: a second requirement for the same role is then a harmless duplicate. */
export function sameSource(
  a: { src: string; version: string },
  b: { src: string; version: string },
): boolean {
  return a.src === b.src && a.version === b.version;
}
