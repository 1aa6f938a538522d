// Building apt-get command lines and reading what apt-get says it did (or would do, with -s).
import { sh, raw, type Raw } from '../../src/core/sh.js';

export interface AptOptions {
  dpkgOptions: string;
  installRecommends?: boolean;
  defaultRelease?: string;
  force: boolean;
  allowUnauthenticated: boolean;
  allowDowngrade: boolean;
  allowChangeHeld: boolean;
  lockTimeout: number;
}

// No debconf questions, no apt-listchanges/apt-listbugs pagers: nothing may wait for a terminal.
const ENV =
  'DEBIAN_FRONTEND=noninteractive DEBIAN_PRIORITY=critical APT_LISTCHANGES_FRONTEND=none APT_LISTBUGS_FRONTEND=none';

/** The common `apt-get -y -q -o ...` prefix (as shell words). */
export function aptGet(o: AptOptions, simulate = false): Raw {
  const words: string[] = [];
  // force-confdef/force-confold: keep locally changed config files instead of asking.
  for (const opt of o.dpkgOptions
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    words.push(sh`-o ${`Dpkg::Options::=--${opt}`}`);
  }
  // Wait for another apt/dpkg (unattended-upgrades) to release its lock instead of failing at once.
  words.push(sh`-o ${`DPkg::Lock::Timeout=${o.lockTimeout}`}`);
  if (o.installRecommends !== undefined) {
    words.push(sh`-o ${`APT::Install-Recommends=${o.installRecommends ? 'yes' : 'no'}`}`);
  }
  if (o.defaultRelease !== undefined) words.push(sh`-t ${o.defaultRelease}`);
  if (o.force || o.allowUnauthenticated) words.push('--allow-unauthenticated');
  if (o.force || o.allowDowngrade) words.push('--allow-downgrades');
  if (o.force || o.allowChangeHeld) words.push('--allow-change-held-packages');
  if (o.force) words.push('--allow-remove-essential');
  return raw(`${ENV} apt-get -y -q${simulate ? ' -s' : ''} ${words.join(' ')}`);
}

export interface AptSummary {
  upgraded: number;
  installed: number;
  removed: number;
  notUpgraded: number;
}

/** "N upgraded, N newly installed, N to remove and N not upgraded." (undefined if absent). */
export function parseSummary(stdout: string): AptSummary | undefined {
  const m = /(\d+) upgraded, (\d+) newly installed, (\d+) to remove and (\d+) not upgraded/.exec(stdout);
  if (!m) return undefined;
  return {
    upgraded: Number(m[1]),
    installed: Number(m[2]),
    removed: Number(m[3]),
    notUpgraded: Number(m[4]),
  };
}

/** Whether apt-get's output says it changed (or, with -s, would change) any package. */
export function aptChanged(stdout: string): boolean {
  const s = parseSummary(stdout);
  if (s && s.upgraded + s.installed + s.removed > 0) return true;
  // -s lists the actions as Inst/Remv/Purg/Conf lines; "not fully installed" packages get configured.
  return /^(Inst|Remv|Purg|Conf) /m.test(stdout) || /[1-9]\d* not fully installed or removed/.test(stdout);
}

/** The package apt could not find, from "E: Unable to locate package X". */
export function missingPackage(text: string): string | undefined {
  return (
    /E: Unable to locate package (\S+)/.exec(text)?.[1] ??
    /E: Package '([^']+)' has no installation candidate/.exec(text)?.[1]
  );
}

export interface PackageSpec {
  /** As written: `nginx`, `nginx=1.2-3`, `libc6:i386`. */
  spec: string;
  /** The name dpkg knows (with :arch if given). */
  name: string;
  /** A version pin (may hold fnmatch wildcards). */
  version?: string;
}

export function parsePackageSpec(spec: string): PackageSpec {
  const eq = spec.indexOf('=');
  if (eq < 0) return { spec, name: spec };
  return { spec, name: spec.slice(0, eq), version: spec.slice(eq + 1) };
}

/** fnmatch for version pins ('1.2*'); without wildcards it is plain equality. */
export function versionMatches(installed: string, pin: string): boolean {
  if (!/[*?[]/.test(pin)) return installed === pin;
  const re = pin
    .replace(/[.+^${}()|\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(installed);
}

// Fingerprint of the list files (name, size, mtime): different after an update only if a list changed.
// The lock file is opened on every run, so it is left out.
const FINGERPRINT =
  "find /var/lib/apt/lists -maxdepth 1 -type f ! -name lock -printf '%f %s %T@\\n' 2>/dev/null | sort | cksum";

/**
 * `apt-get update` whose own output goes to stderr, so stdout carries only `updated=yes|no` and
 * `time=<epoch>`. The lists directory is touched afterwards: Debian has no update-success-stamp hook, and
 * without it cache_valid_time would see an old mtime whenever no list changed.
 */
export function updateScript(o: AptOptions): string {
  return [
    `b=$(${FINGERPRINT})`,
    `${sh`${aptGet(o)} update`} >&2 || exit $?`,
    'touch /var/lib/apt/lists',
    `a=$(${FINGERPRINT})`,
    'if [ "$a" = "$b" ]; then echo updated=no; else echo updated=yes; fi',
    "stat -c 'time=%Y' /var/lib/apt/lists",
  ].join('\n');
}

export function parseUpdate(stdout: string): { updated: boolean; time?: number } {
  const t = /^time=(\d+)$/m.exec(stdout);
  return { updated: /^updated=yes$/m.test(stdout), ...(t ? { time: Number(t[1]) } : {}) };
}
