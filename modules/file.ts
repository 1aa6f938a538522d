// file: files, directories, symlinks and hard links with their mode/owner/times, or their removal.
import { posix } from 'node:path';
import {
  defineModule,
  type Fact,
  type ModuleResult,
  type Plan,
  type PlanContext,
  type RunStep,
} from '../src/core/module.js';
import { sh } from '../src/core/sh.js';
import { fileStat, type StatInfo } from '../src/facts/file-stat.js';
import { pathList, type PathEntry } from '../src/facts/path-list.js';
import { unused } from './_shared/facts.js';
import {
  attrChanges,
  attrSteps,
  hasChanges,
  type AttrChanges,
  type AttrWant,
  type FileNow,
} from './_shared/file-attrs.js';
import { fileCommonParams } from './_shared/file-params.js';
import { attrDiffEntries, dictDiff } from './_shared/files-diff.js';
import { parsePathInfo, pathInfoCmd, pathInfoFromStat } from './_shared/files-pathinfo.js';
import { parseMode, type ModeSpec } from './_shared/mode.js';
import { parentOf } from './_shared/single-file.js';
import { chmodArg, failed } from './_shared/files-common.js';

const TIME_FORMAT = '%Y%m%d%H%M.%S';

const params = {
  path: {
    type: 'path',
    required: true,
    aliases: ['dest', 'name'],
    description: 'Path to the file being managed.',
  },
  state: {
    type: 'str',
    choices: ['absent', 'directory', 'file', 'hard', 'link', 'touch'],
    description:
      'file: only attributes of an existing file; directory: create with parents; link/hard: links to src; ' +
      'touch: create or update times; absent: remove (recursively). Default: what exists, else file.',
  },
  src: { type: 'path', description: 'What a link points to (state=link or hard).' },
  recurse: {
    type: 'bool',
    default: false,
    description: 'With state=directory, set owner/group/mode on everything below too.',
  },
  force: {
    type: 'bool',
    default: false,
    description: 'Replace a file or empty directory with a link, or link to a missing src.',
  },
  follow: {
    type: 'bool',
    default: true,
    description: 'Apply attributes to what a symlink points to rather than the link.',
  },
  modification_time: {
    type: 'str',
    description: "'preserve', 'now', or a time in modification_time_format (default: now for touch).",
  },
  modification_time_format: {
    type: 'str',
    default: TIME_FORMAT,
    description: 'strftime format of modification_time.',
  },
  access_time: {
    type: 'str',
    description: "'preserve', 'now', or a time in access_time_format (default: now for touch).",
  },
  access_time_format: { type: 'str', default: TIME_FORMAT, description: 'strftime format of access_time.' },
  ...fileCommonParams,
} as const;

type State = 'absent' | 'directory' | 'file' | 'hard' | 'link' | 'touch';
type PrevState = 'absent' | 'directory' | 'file' | 'hard' | 'link';

/** Ansible's get_state from an lstat (and the followed stat for the hard link count). */
function stateOf(lst: StatInfo | undefined, followed?: StatInfo): PrevState {
  if (!lst?.exists) return 'absent';
  if (lst.type === 'link') return 'link';
  if (lst.type === 'directory') return 'directory';
  return (followed?.nlink ?? lst.nlink ?? 1) > 1 ? 'hard' : 'file';
}

/** Every ancestor of a path, nearest first ('/a/b/c' → '/a/b', '/a'; 'x/y' → 'x'). */
function ancestors(path: string): string[] {
  const out: string[] = [];
  let p = path.length > 1 ? path.replace(/\/+$/, '') : path;
  for (;;) {
    const parent = posix.dirname(p);
    if (parent === p || parent === '.' || parent === '/') break;
    out.push(parent);
    p = parent;
  }
  return out;
}

/**
 * A strftime-formatted time as 'YYYY-MM-DD HH:MM:SS', which the host's `date -d` reads in its own time
 * zone, as Python's time.mktime does.
 */
export function parseTime(value: string, format: string): string {
  const parts: Record<string, number> = { Y: 1900, m: 1, d: 1, H: 0, M: 0, S: 0 };
  const widths: Record<string, number> = { Y: 4, m: 2, d: 2, H: 2, M: 2, S: 2, y: 2 };
  let v = 0;
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c === '%' && i + 1 < format.length) {
      const d = format[++i]!;
      if (d === '%') {
        if (value[v++] !== '%') throw new Error(`time data '${value}' does not match format '${format}'`);
        continue;
      }
      const w = widths[d];
      if (w === undefined) throw new Error(`the time format directive %${d} is not supported by tsible`);
      const m = new RegExp(`^\\d{1,${w}}`).exec(value.slice(v));
      if (!m) throw new Error(`time data '${value}' does not match format '${format}'`);
      v += m[0].length;
      const n = Number(m[0]);
      if (d === 'y') parts.Y = n < 69 ? 2000 + n : 1900 + n;
      else parts[d] = n;
    } else if (value[v++] !== c) {
      throw new Error(`time data '${value}' does not match format '${format}'`);
    }
  }
  if (v !== value.length) throw new Error(`unconverted data remains: ${value.slice(v)}`);
  const p2 = (n: number) => String(n).padStart(2, '0');
  return `${String(parts.Y).padStart(4, '0')}-${p2(parts.m!)}-${p2(parts.d!)} ${p2(parts.H!)}:${p2(parts.M!)}:${p2(parts.S!)}`;
}

/** The host's epoch seconds for local times (one line each; empty when date cannot read it). */
function epochFact(times: string[]): Fact<(number | undefined)[]> {
  if (times.length === 0) return { cmd: ':', parse: () => [] };
  return {
    cmd: times.map((t) => sh`date -d ${t} +%s 2>/dev/null || echo`).join('\n'),
    parse: (out) =>
      out.stdout
        .split('\n')
        .slice(0, times.length)
        .map((l) => (/^-?\d+$/.test(l) ? Number(l) : undefined)),
  };
}

type TimeSpec = 'preserve' | 'now' | { local: string };

function timeSpec(value: string | undefined, format: string, state: State): TimeSpec {
  if (value === undefined) return state === 'touch' ? 'now' : 'preserve';
  if (value === 'preserve' || value === 'now') return value;
  return { local: parseTime(value, format) };
}

interface Resolved {
  path: string;
  state: State;
  mtime: TimeSpec;
  atime: TimeSpec;
}

/** Ansible's additional_parameter_handling: the path inside a directory, the default state, timestamps. */
function resolve(
  p: { path: string; state?: string; src?: string; recurse: boolean } & Record<string, unknown>,
  f: { lst: StatInfo[]; followed: StatInfo[] },
): Resolved | string {
  let path = p.path;
  let lst = f.lst[0];
  if (
    p.state !== 'link' &&
    p.state !== 'absent' &&
    f.followed[0]?.type === 'directory' &&
    p.src !== undefined
  ) {
    path = posix.join(path, posix.basename(p.src));
    lst = f.lst[1];
  }
  const prev = stateOf(lst);
  const state =
    (p.state as State | undefined) ?? (prev !== 'absent' ? prev : p.recurse ? 'directory' : 'file');
  if (p.recurse && state !== 'directory') return "recurse option requires state to be 'directory'";
  if (p.src !== undefined && state !== 'link' && state !== 'hard')
    return "src option requires state to be 'link' or 'hard'";
  try {
    return {
      path,
      state,
      mtime: timeSpec(p.modification_time as string | undefined, p.modification_time_format as string, state),
      atime: timeSpec(p.access_time as string | undefined, p.access_time_format as string, state),
    };
  } catch (e) {
    return (e as Error).message;
  }
}

function explicitTimes(r: Resolved): string[] {
  return [r.mtime, r.atime].flatMap((t) => (typeof t === 'object' ? [t.local] : []));
}

/** Candidate absolute sources of a symlink: relative to the link's directory, or into an existing directory. */
function linkSources(path: string, src: string): string[] {
  if (src.startsWith('/')) return [src];
  return [posix.join(parentOf(path), src), posix.join(path, src)];
}

interface Ctx {
  path: string;
  want: AttrWant;
  steps: RunStep[];
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  changed: boolean;
}

function toNow(s: StatInfo | undefined): FileNow {
  return s?.exists ? { ...s, exists: true } : { exists: false };
}

/** Fix mode/owner of one path (chown -h for a link itself: its mode cannot be set on Linux). */
function applyAttrs(c: Ctx, target: string, now: FileNow, isDir: boolean, isLink = false): void {
  const want = isLink ? { owner: c.want.owner, group: c.want.group } : c.want;
  const changes = attrChanges(now, want, isDir);
  if (!hasChanges(changes)) return;
  c.changed = true;
  if (isLink) {
    const who =
      changes.owner !== undefined
        ? `${changes.owner}${changes.group !== undefined ? `:${changes.group}` : ''}`
        : undefined;
    c.steps.push({
      kind: 'run',
      cmd:
        who !== undefined
          ? sh`chown -h -- ${who} ${target}`
          : sh`chgrp -h -- ${changes.group ?? ''} ${target}`,
    });
  } else {
    c.steps.push(...attrSteps(target, changes));
  }
  const e = attrDiffEntries(now, changes);
  Object.assign(c.before, e.before);
  Object.assign(c.after, e.after);
}

/** update_timestamp_for_file: `touch` to now, or to the host's epoch for an explicit time. */
function applyTimes(
  c: Ctx,
  target: string,
  now: StatInfo | undefined,
  r: Resolved,
  epochs: (number | undefined)[],
): string | undefined {
  if (r.mtime === 'preserve' && r.atime === 'preserve') return undefined;
  let i = 0;
  const epochOf = (t: TimeSpec): number | 'now' | undefined | 'bad' => {
    if (t === 'preserve') return undefined;
    if (t === 'now') return 'now';
    const e = epochs[i++];
    return e === undefined ? 'bad' : e;
  };
  const m = epochOf(r.mtime);
  const a = epochOf(r.atime);
  if (m === 'bad' || a === 'bad')
    return `the host could not read the time ${JSON.stringify(explicitTimes(r))}`;
  const cmds: string[] = [];
  if (m === 'now' && a === 'now') cmds.push(sh`touch -c -- ${target}`);
  else {
    if (m === 'now') cmds.push(sh`touch -c -m -- ${target}`);
    else if (m !== undefined && m !== now?.mtime) {
      cmds.push(sh`touch -c -m -d ${`@${m}`} -- ${target}`);
      c.before.mtime = now?.mtime;
      c.after.mtime = m;
    }
    if (a === 'now') cmds.push(sh`touch -c -a -- ${target}`);
    else if (a !== undefined && a !== now?.atime) {
      cmds.push(sh`touch -c -a -d ${`@${a}`} -- ${target}`);
      c.before.atime = now?.atime;
      c.after.atime = a;
    }
  }
  if (cmds.length === 0) return undefined;
  c.changed = true;
  c.steps.push(...cmds.map((cmd): RunStep => ({ kind: 'run', cmd })));
  return undefined;
}

export interface FileFacts {
  [k: string]: Fact<unknown>;
  lst: Fact<StatInfo[]>;
  followed: Fact<StatInfo[]>;
  ancestors: Fact<StatInfo[]>;
  srcs: Fact<StatInfo[] | undefined>;
  tree: Fact<PathEntry[] | undefined>;
  epochs: Fact<(number | undefined)[]>;
}

export const file = defineModule({
  name: 'file',
  doc: {
    short: 'Manage files and file properties',
    description:
      'Sets mode (octal or symbolic), owner and group; creates directories (with parents), symlinks and ' +
      'hard links; touches files; removes files and trees. state=touch is always changed unless both ' +
      'times are preserve.',
    examples: [
      '- file: path=/srv/app state=directory owner=app mode=0755',
      '- file: path=/srv/app/current src=/srv/app/releases/42 state=link',
      '- file: path=/srv/app/data state=directory recurse=true owner=app group=app mode=u=rwX,g=rX,o=',
      '- file: path=/tmp/old state=absent',
    ].join('\n'),
    returns: {
      path: 'The path (state file, directory, touch, absent).',
      dest: 'The link path (state link, hard).',
      src: 'The link source (state link, hard).',
      state: 'What the path is afterwards: file, directory, link, hard or absent.',
      mode: "Permissions ('0644').",
      owner: 'Owner name.',
      group: 'Group name.',
      uid: 'Owner id.',
      gid: 'Group id.',
      size: 'Size in bytes.',
    },
  },
  params,
  check: 'full',
  diff: true,
  runsOn: 'host',
  facts(p): FileFacts {
    const inDir = p.src !== undefined ? [posix.join(p.path, posix.basename(p.src))] : [];
    const state = p.state ?? 'file';
    let times: string[] = [];
    try {
      times = explicitTimes({
        path: p.path,
        state: state as State,
        mtime: timeSpec(p.modification_time, p.modification_time_format, state as State),
        atime: timeSpec(p.access_time, p.access_time_format, state as State),
      });
    } catch {
      // plan() reports the bad time.
    }
    return {
      lst: fileStat([p.path, ...inDir], { checksum: false }),
      followed: fileStat([p.path, ...inDir], { follow: true, checksum: false }),
      ancestors: fileStat(ancestors(p.path), { follow: true, checksum: false }),
      srcs:
        p.src === undefined
          ? unused<StatInfo[]>()
          : fileStat(p.state === 'hard' ? [p.src] : linkSources(p.path, p.src), {
              follow: true,
              checksum: false,
            }),
      // A trailing slash makes find enter a directory given through a symlink (follow).
      tree: p.recurse ? pathList([`${p.path.replace(/\/+$/, '')}/`]) : unused<PathEntry[]>(),
      epochs: epochFact(times),
    };
  },
  plan(p, f, ctx): Plan {
    let mode: ModeSpec | undefined;
    try {
      mode = parseMode(p.mode);
    } catch (e) {
      return failed((e as Error).message, { path: p.path });
    }
    const r = resolve(p, f);
    if (typeof r === 'string') return failed(r, { path: p.path });
    const usedInDir = r.path !== p.path;
    const lst = usedInDir ? f.lst[1] : f.lst[0];
    const followed = usedInDir ? f.followed[1] : f.followed[0];
    const c: Ctx = {
      path: r.path,
      want: { mode, owner: p.owner, group: p.group },
      steps: [],
      before: { path: r.path },
      after: { path: r.path },
      changed: false,
    };
    switch (r.state) {
      case 'absent':
        return planAbsent(c, stateOf(lst, followed));
      case 'file':
        return planFile(c, r, lst, followed, p.follow, f);
      case 'directory':
        return planDirectory(c, r, lst, followed, p, f);
      case 'touch':
        return planTouch(c, r, lst, followed, p.follow, f);
      case 'link':
        return planLink(c, r, lst, followed, p, f, ctx);
      case 'hard':
        return planHard(c, r, lst, followed, p, f);
    }
  },
});

/** Finish a plan: the state diff, and the path details read after the steps (or from the facts). */
function finishPlan(
  c: Ctx,
  prev: PrevState,
  state: State,
  base: ModuleResult,
  infoPath: string,
  known: ModuleResult,
): Plan {
  if (prev !== state) {
    c.before.state = prev;
    c.after.state = state;
  }
  const steps = [...c.steps];
  const plan: Plan = { changed: c.changed, steps, result: { ...known, ...base } };
  const d = dictDiff(c.before, c.after);
  if (d) plan.diff = [d];
  if (c.changed) {
    const infoAt = steps.length;
    steps.push({ kind: 'run', cmd: pathInfoCmd(sh`${infoPath}`), label: `stat ${infoPath}` });
    plan.finish = (outputs) => ({ ...(parsePathInfo(outputs[infoAt]) ?? {}), ...base });
    if (state !== 'absent') plan.effects = { files: [infoPath] };
  }
  return plan;
}

function planAbsent(c: Ctx, prev: PrevState): Plan {
  if (prev === 'absent') return { changed: false, steps: [], result: { path: c.path, state: 'absent' } };
  c.changed = true;
  c.steps.push({ kind: 'run', cmd: prev === 'directory' ? sh`rm -rf -- ${c.path}` : sh`rm -f -- ${c.path}` });
  const plan: Plan = { changed: true, steps: c.steps, result: { path: c.path, state: 'absent' } };
  const d = dictDiff({ ...c.before, state: prev }, { ...c.after, state: 'absent' });
  if (d) plan.diff = [d];
  return plan;
}

/** With follow, a symlink is looked through: its target becomes the path to work on. */
function followLink(c: Ctx, lst: StatInfo | undefined, followed: StatInfo | undefined, follow: boolean) {
  if (follow && lst?.type === 'link' && lst.realPath !== undefined) {
    c.path = lst.realPath;
    c.before.path = c.path;
    c.after.path = c.path;
    return { lst: followed, followed };
  }
  return { lst, followed };
}

function planFile(
  c: Ctx,
  r: Resolved,
  lst0: StatInfo | undefined,
  fol0: StatInfo | undefined,
  follow: boolean,
  f: { epochs: (number | undefined)[] },
): Plan {
  const { lst, followed } = followLink(c, lst0, fol0, follow);
  const prev = stateOf(lst, followed);
  if (prev !== 'file' && prev !== 'hard') {
    return failed(`file (${c.path}) is ${prev}, cannot continue`, { path: c.path, state: prev });
  }
  applyAttrs(c, c.path, toNow(followed), false);
  const err = applyTimes(c, c.path, followed, r, f.epochs);
  if (err) return failed(err);
  return finishPlan(c, prev, prev, { path: c.path }, c.path, pathInfoFromStat(lst, followed));
}

function planDirectory(
  c: Ctx,
  r: Resolved,
  lst0: StatInfo | undefined,
  fol0: StatInfo | undefined,
  p: { follow: boolean; recurse: boolean },
  f: { ancestors: StatInfo[]; epochs: (number | undefined)[]; tree?: PathEntry[] },
): Plan {
  const { lst, followed } = followLink(c, lst0, fol0, p.follow);
  const prev = stateOf(lst, followed);
  if (prev === 'absent') {
    // mkdir -p, then the mode and owner on every directory this created (as Ansible walks the path).
    // (A followed dangling link creates its target; the ancestors read were those of the link.)
    const created = c.path === r.path ? f.ancestors.filter((a) => !a.exists).map((a) => a.path) : [];
    c.changed = true;
    c.steps.push({ kind: 'run', cmd: sh`mkdir -p -- ${c.path}` });
    for (const dir of [...created.reverse(), c.path]) {
      applyAttrs(c, dir, { exists: true, type: 'directory', mode: '0755' }, true);
    }
    const err = applyTimes(c, c.path, undefined, r, f.epochs);
    if (err) return failed(err);
    return finishPlan(c, prev, 'directory', { path: c.path }, c.path, {});
  }
  if (prev !== 'directory') return failed(`${c.path} already exists as a ${prev}`, { path: c.path });
  applyAttrs(c, c.path, toNow(followed), true);
  const err = applyTimes(c, c.path, followed, r, f.epochs);
  if (err) return failed(err);
  if (p.recurse) planRecurse(c, f.tree ?? []);
  return finishPlan(c, prev, 'directory', { path: c.path }, c.path, pathInfoFromStat(lst, followed));
}

/**
 * recurse: compare every entry below the directory, and when any differs set the whole tree in one
 * pass (chown -R -h changes links themselves; chmod skips links, whose mode Linux cannot set).
 */
function planRecurse(c: Ctx, tree: PathEntry[]): void {
  const below = tree.filter((e) => e.depth > 0);
  const root = below[0]?.root ?? `${c.path}/`;
  let owner = false;
  let mode = false;
  const changes: AttrChanges[] = [];
  for (const e of below) {
    const isLink = e.type === 'link';
    const ch = attrChanges(
      { ...e, exists: true },
      isLink ? { owner: c.want.owner, group: c.want.group } : c.want,
      e.type === 'directory',
    );
    if (ch.owner !== undefined || ch.group !== undefined) owner = true;
    if (ch.mode !== undefined) mode = true;
    changes.push(ch);
  }
  if (owner) {
    const o = c.want.owner;
    const g = c.want.group;
    c.steps.push({
      kind: 'run',
      cmd:
        o !== undefined
          ? sh`chown -R -h -- ${g !== undefined ? `${o}:${g}` : o} ${root}`
          : sh`chgrp -R -h -- ${g ?? ''} ${root}`,
    });
  }
  // A symbolic mode goes to chmod as it is: it computes X and the umask per entry exactly as planned.
  const arg = mode ? chmodArg(c.want.mode) : undefined;
  if (arg !== undefined) {
    c.steps.push({ kind: 'run', cmd: sh`find ${root} -mindepth 1 ! -type l -exec chmod ${arg} {} +` });
  }
  if (owner || mode) c.changed = true;
}

function planTouch(
  c: Ctx,
  r: Resolved,
  lst0: StatInfo | undefined,
  fol0: StatInfo | undefined,
  follow: boolean,
  f: { epochs: (number | undefined)[] },
): Plan {
  const prev = stateOf(lst0, fol0);
  if (prev === 'absent') {
    c.changed = true;
    c.steps.push({ kind: 'run', cmd: sh`touch -- ${c.path}` });
    applyAttrs(c, c.path, { exists: true, type: 'file', mode: '0644' }, false);
    const err = applyTimes(
      c,
      c.path,
      undefined,
      { ...r, mtime: nowIfSet(r.mtime), atime: nowIfSet(r.atime) },
      f.epochs,
    );
    if (err) return failed(err);
    return finishPlan(c, prev, 'touch', { dest: c.path }, c.path, {});
  }
  const { lst, followed } = followLink(c, lst0, fol0, follow);
  applyAttrs(c, c.path, toNow(followed), followed?.type === 'directory', lst?.type === 'link');
  const err = applyTimes(c, c.path, followed, r, f.epochs);
  if (err) return failed(err);
  return finishPlan(c, prev, 'touch', { dest: c.path }, c.path, pathInfoFromStat(lst, followed));
}

/** A new file's times are set by `touch` itself; only explicit times still need their own step. */
function nowIfSet(t: TimeSpec): TimeSpec {
  return t === 'now' ? 'preserve' : t;
}

function planLink(
  c: Ctx,
  r: Resolved,
  lst: StatInfo | undefined,
  followed: StatInfo | undefined,
  p: { src?: string; follow: boolean; force: boolean },
  f: { srcs?: StatInfo[]; epochs: (number | undefined)[] },
  ctx: PlanContext,
): Plan {
  const path = c.path;
  const prev = stateOf(lst, followed);
  let src = p.src;
  if (src === undefined && p.follow && lst?.type === 'link') src = lst.linkTarget;
  const intoDir = lst?.type === 'directory';
  const srcStat =
    p.src === undefined ? undefined : p.src.startsWith('/') ? f.srcs?.[0] : f.srcs?.[intoDir ? 1 : 0];
  const absrc =
    src === undefined
      ? undefined
      : src.startsWith('/')
        ? src
        : posix.join(intoDir ? path : parentOf(path), src);
  if (!p.force && p.src !== undefined && !srcStat?.exists) {
    return failed(
      `src file does not exist, use "force=yes" if you really want to create the link: ${absrc}`,
      { path, src: p.src },
    );
  }
  if (prev === 'directory') {
    if (!p.force) return failed(`refusing to convert from directory to symlink for ${path}`, { path });
  } else if ((prev === 'file' || prev === 'hard') && !p.force) {
    return failed(`refusing to convert from ${prev} to symlink for ${path}`, { path });
  }
  if (prev !== 'link') {
    if (src === undefined) return failed('src is required for creating new symlinks');
    c.changed = true;
  } else if (src !== undefined && lst?.linkTarget !== src) {
    c.before.src = lst?.linkTarget;
    c.after.src = src;
    c.changed = true;
  }
  if (c.changed && src !== undefined) {
    if (prev === 'absent') c.steps.push({ kind: 'run', cmd: sh`ln -s -- ${src} ${path}` });
    else c.steps.push({ kind: 'run', cmd: replaceWith(sh`ln -s -- ${src}`, path, prev === 'directory') });
  }
  // Attributes: on the target with follow (when it exists), else on the link itself.
  if (p.follow) {
    const target = c.changed ? srcStat : followed;
    if (target?.exists && target.type !== undefined) {
      applyAttrs(c, target.realPath ?? absrc ?? path, toNow(target), target.type === 'directory');
    } else if (c.want.mode || c.want.owner || c.want.group) {
      ctx.warn(
        'Cannot set fs attributes on a non-existent symlink target. follow should be set to False to avoid this.',
      );
    }
  } else {
    applyAttrs(c, path, c.changed ? { exists: true, type: 'link' } : toNow(lst), false, true);
  }
  return finishPlan(c, prev, 'link', { dest: path, src }, path, pathInfoFromStat(lst, followed));
}

/**
 * Replace a path atomically with a new link made by `make` (a command to which the temporary name is
 * appended): link beside it, then rename over it. An empty directory is removed first.
 */
function replaceWith(make: string, path: string, isDir: boolean): string {
  const tmp = `${parentOf(path)}/.tsible-link.`;
  return [
    isDir ? sh`rmdir -- ${path} || exit 1` : '',
    // $$ keeps two runs apart; mv -T never moves the link into a directory of that name.
    sh`t=${tmp}$$`,
    `${make} "$t" || exit 1`,
    sh`mv -f -T -- "$t" ${path} || { rm -f -- "$t"; exit 1; }`,
  ]
    .filter((l) => l !== '')
    .join('\n');
}

function planHard(
  c: Ctx,
  r: Resolved,
  lst: StatInfo | undefined,
  followed: StatInfo | undefined,
  p: { src?: string; follow: boolean; force: boolean },
  f: { srcs?: StatInfo[]; epochs: (number | undefined)[] },
): Plan {
  const path = c.path;
  const prev = stateOf(lst, followed);
  const src = p.src;
  if (prev !== 'hard' && src === undefined) return failed('src is required for creating new hardlinks');
  const srcStat = f.srcs?.[0];
  if (src !== undefined && !srcStat?.exists) return failed('src does not exist', { dest: path, src });
  const sameInode =
    followed?.exists && srcStat?.exists && followed.inode === srcStat.inode && followed.dev === srcStat.dev;
  if (prev === 'absent') c.changed = true;
  else if (prev === 'link') {
    if (lst?.linkTarget !== src) {
      c.before.src = lst?.linkTarget;
      c.after.src = src;
      c.changed = true;
    }
  } else if (prev === 'hard') {
    if (src !== undefined && !sameInode) {
      if (!p.force)
        return failed('Cannot link, different hard link exists at destination', { dest: path, src });
      c.changed = true;
    }
  } else if (prev === 'file') {
    if (!p.force) return failed(`Cannot link, ${prev} exists at destination`, { dest: path, src });
    c.changed = true;
  } else {
    if (sameInode) return { changed: false, steps: [], result: { path } };
    if (!p.force)
      return failed('Cannot link: different hard link exists at destination', { dest: path, src });
    c.changed = true;
  }
  const ln = p.follow ? 'ln -L --' : 'ln -P --';
  if (c.changed && src !== undefined) {
    if (prev === 'absent') c.steps.push({ kind: 'run', cmd: `${ln} ${sh`${src} ${path}`}` });
    else c.steps.push({ kind: 'run', cmd: replaceWith(`${ln} ${sh`${src}`}`, path, prev === 'directory') });
  }
  applyAttrs(c, path, toNow(c.changed ? srcStat : followed), false);
  const err = applyTimes(c, path, c.changed ? srcStat : followed, r, f.epochs);
  if (err) return failed(err);
  return finishPlan(c, prev, 'hard', { dest: path, src }, path, pathInfoFromStat(lst, followed));
}
