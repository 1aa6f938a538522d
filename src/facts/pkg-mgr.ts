// Fact: the host's package manager, named as Ansible's pkg_mgr fact names it (apt, dnf, yum, ...).
import type { Fact } from '../core/module.js';

// In Ansible's order of preference; apt-get is what makes a host an `apt` host.
const TOOLS: readonly (readonly [string, string])[] = [
  ['apt-get', 'apt'],
  ['dnf', 'dnf'],
  ['yum', 'yum'],
  ['zypper', 'zypper'],
  ['apk', 'apk'],
  ['pacman', 'pacman'],
  ['pkg', 'pkgng'],
];

export function pkgMgr(): Fact<string> {
  const names = TOOLS.map(([tool]) => tool).join(' ');
  const cmd = `for p in ${names}; do if command -v "$p" >/dev/null 2>&1; then echo "$p"; break; fi; done`;
  return { cmd, parse: (out) => parsePkgMgr(out.stdout) };
}

export function parsePkgMgr(stdout: string): string {
  const tool = stdout.trim().split('\n')[0] ?? '';
  return TOOLS.find(([t]) => t === tool)?.[1] ?? 'unknown';
}
