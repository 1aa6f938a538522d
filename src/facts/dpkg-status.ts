// Fact: installed version and dpkg state of packages, tolerant of names dpkg has never heard of.
import type { Fact } from '../core/module.js';
import { quote } from '../core/sh.js';

export interface PackageStatus {
  name: string;
  /** Fully installed ("install ok installed"). */
  installed: boolean;
  /** Removed but its configuration files remain (what purge would clean). */
  configFiles: boolean;
  /** Installed version ('' when none). */
  version: string;
  /** The raw dpkg Status field, e.g. "install ok half-configured". */
  status: string;
}

export interface DpkgStatus {
  /** dpkg-query is missing: not a Debian-like host. */
  missing: boolean;
  packages: Record<string, PackageStatus>;
}

/**
 * `dpkg-query -W` for the given names. Unknown names make dpkg-query complain on stderr and exit 1,
 * but the others are still listed, so the exit code is ignored and only stdout is parsed.
 */
export function dpkgStatus(names: readonly string[]): Fact<DpkgStatus> {
  const list = names.map((n) => quote(n)).join(' ');
  // Both ${binary:Package} (name:arch for multi-arch packages) and ${Package} so either spelling matches.
  const cmd =
    names.length === 0
      ? // Only "is dpkg there?": a missing command gives rc 127 from the shell itself.
        'dpkg-query --version >/dev/null'
      : `dpkg-query -W -f='\${binary:Package}\\t\${Package}\\t\${Version}\\t\${Status}\\n' -- ${list}`;
  return { cmd, parse: (out) => parseDpkgStatus(names, out.stdout, out.rc) };
}

export function parseDpkgStatus(names: readonly string[], stdout: string, rc: number): DpkgStatus {
  const byName = new Map<string, PackageStatus>();
  for (const line of stdout.split('\n')) {
    const [binary, pkg, version = '', status = ''] = line.split('\t');
    if (!binary || !pkg) continue;
    const state = status.split(' ')[2] ?? '';
    const info: PackageStatus = {
      name: pkg,
      installed: state === 'installed',
      configFiles: state === 'config-files',
      version: state === 'installed' ? version : '',
      status,
    };
    for (const key of [binary, pkg]) {
      const prev = byName.get(key);
      // Several architectures of one name: an installed one is the one that matters.
      if (!prev || (!prev.installed && info.installed)) byName.set(key, info);
    }
  }
  const packages: Record<string, PackageStatus> = {};
  for (const n of names) {
    packages[n] = byName.get(n) ?? {
      name: n,
      installed: false,
      configFiles: false,
      version: '',
      status: 'not-installed',
    };
  }
  return { missing: rc === 127, packages };
}
