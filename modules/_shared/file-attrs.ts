// Comparing a path's mode/owner/group with the wanted ones, and the chown/chmod steps that fix them.
import type { RunStep } from '../../src/core/module.js';
import { sh } from '../../src/core/sh.js';
import type { FileType } from '../../src/facts/file-stat.js';
import { resolveMode, type ModeSpec } from './mode.js';

/** What is at a path now, as far as writing files cares (a StatInfo or a dirTree entry fits). */
export interface FileNow {
  exists: boolean;
  type?: FileType;
  mode?: string;
  owner?: string;
  group?: string;
  uid?: number;
  gid?: number;
  sha1?: string;
  size?: number;
}

export interface AttrWant {
  mode?: ModeSpec;
  owner?: string;
  group?: string;
  /** The source's mode, for mode: preserve. */
  preserveFrom?: number;
}

export interface AttrChanges {
  mode?: string;
  owner?: string;
  group?: string;
}

/** A name matches by name, a number by id (Ansible accepts both for owner and group). */
function sameId(want: string, name: string | undefined, id: number | undefined): boolean {
  return /^\d+$/.test(want) ? Number(want) === id : want === name;
}

/** The attributes that differ (all the given ones for a path that does not exist yet). */
export function attrChanges(now: FileNow, want: AttrWant, isDir: boolean): AttrChanges {
  const out: AttrChanges = {};
  const mode =
    want.mode && resolveMode(want.mode, now.exists ? now.mode : undefined, isDir, want.preserveFrom);
  if (mode !== undefined && (!now.exists || mode !== now.mode)) out.mode = mode;
  if (want.owner !== undefined && (!now.exists || !sameId(want.owner, now.owner, now.uid)))
    out.owner = want.owner;
  if (want.group !== undefined && (!now.exists || !sameId(want.group, now.group, now.gid)))
    out.group = want.group;
  return out;
}

export function hasChanges(c: AttrChanges): boolean {
  return c.mode !== undefined || c.owner !== undefined || c.group !== undefined;
}

/** chown/chgrp before chmod: changing the owner clears setuid/setgid bits, so the mode goes last. */
export function attrSteps(paths: string | string[], c: AttrChanges): RunStep[] {
  const list = Array.isArray(paths) ? paths : [paths];
  if (list.length === 0) return [];
  const steps: RunStep[] = [];
  if (c.owner !== undefined) {
    const who = c.group !== undefined ? `${c.owner}:${c.group}` : c.owner;
    steps.push({ kind: 'run', cmd: sh`chown -- ${who} ${list}` });
  } else if (c.group !== undefined) {
    steps.push({ kind: 'run', cmd: sh`chgrp -- ${c.group} ${list}` });
  }
  if (c.mode !== undefined) steps.push({ kind: 'run', cmd: sh`chmod -- ${c.mode} ${list}` });
  return steps;
}
