// Fact: a user's passwd and shadow entries and the whole group database (user, group, authorized_key).
import type { Fact } from '../core/module.js';
import { quote } from '../core/sh.js';

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  comment: string;
  home: string;
  shell: string;
}

export interface ShadowEntry {
  /** The crypt hash ('!' prefix: locked; '*' or '!': no password). */
  hash: string;
  /** Days since the epoch of the last change ('' fields are undefined). */
  lastChange?: number;
  min?: number;
  max?: number;
  warn?: number;
  inactive?: number;
  /** Account expiry, in days since the epoch. */
  expire?: number;
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

export interface Accounts {
  /** The user's entry, undefined when there is no such user (or no user was asked for). */
  user?: PasswdEntry;
  shadow?: ShadowEntry;
  /** /etc/shadow could be read (root); without it password and expiry are unknown. */
  shadowReadable: boolean;
  groups: GroupEntry[];
}

/**
 * getent reads through NSS like Ansible's pwd/grp lookups. A name that is all digits would be taken as
 * a uid by getent, so the entry is kept only when its name field is exactly the one asked for.
 */
export function accounts(user?: string): Fact<Accounts> {
  const u = user === undefined ? undefined : quote(user);
  const cmd = [
    '(',
    u === undefined ? '' : `echo @@passwd; getent passwd -- ${u}`,
    u === undefined ? '' : `echo @@shadow; [ -r /etc/shadow ] && echo readable && getent shadow -- ${u}`,
    'echo @@group; getent group',
    ')',
  ]
    .filter((l) => l !== '')
    .join('\n');
  return { cmd, parse: (out) => parseAccounts(out.stdout, user) };
}

function sections(stdout: string): Map<string, string[]> {
  const m = new Map<string, string[]>();
  let cur: string[] | undefined;
  for (const line of stdout.split('\n')) {
    const h = /^@@(\w+)$/.exec(line);
    if (h) m.set(h[1]!, (cur = []));
    else if (cur && line !== '') cur.push(line);
  }
  return m;
}

const num = (s: string | undefined): number | undefined =>
  s === undefined || s === '' ? undefined : Number(s);

export function parsePasswd(line: string): PasswdEntry | undefined {
  const f = line.split(':');
  if (f.length < 7) return undefined;
  return {
    name: f[0]!,
    uid: Number(f[2]),
    gid: Number(f[3]),
    comment: f[4]!,
    home: f[5]!,
    shell: f.slice(6).join(':'),
  };
}

export function parseGroupLine(line: string): GroupEntry | undefined {
  const f = line.split(':');
  if (f.length < 4) return undefined;
  return { name: f[0]!, gid: Number(f[2]), members: f[3]! === '' ? [] : f[3]!.split(',') };
}

export function parseAccounts(stdout: string, user?: string): Accounts {
  const s = sections(stdout);
  const user_ = (s.get('passwd') ?? []).map(parsePasswd).find((e) => e !== undefined && e.name === user);
  const shadowLines = s.get('shadow') ?? [];
  const shadowReadable = shadowLines[0] === 'readable';
  let shadow: ShadowEntry | undefined;
  for (const line of shadowLines.slice(1)) {
    const f = line.split(':');
    if (f[0] !== user || f.length < 8) continue;
    shadow = {
      hash: f[1]!,
      lastChange: num(f[2]),
      min: num(f[3]),
      max: num(f[4]),
      warn: num(f[5]),
      inactive: num(f[6]),
      expire: num(f[7]),
    };
  }
  const groups = (s.get('group') ?? []).map(parseGroupLine).filter((g): g is GroupEntry => g !== undefined);
  return { ...(user_ ? { user: user_ } : {}), ...(shadow ? { shadow } : {}), shadowReadable, groups };
}

/** A group by name, or by gid when the text is all digits (Ansible accepts both). */
export function findGroup(groups: readonly GroupEntry[], nameOrGid: string): GroupEntry | undefined {
  if (/^\d+$/.test(nameOrGid)) {
    const gid = Number(nameOrGid);
    return groups.find((g) => g.gid === gid) ?? groups.find((g) => g.name === nameOrGid);
  }
  return groups.find((g) => g.name === nameOrGid);
}
