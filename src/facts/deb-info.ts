// Fact: the package inside a local .deb file and the version of it already installed.
import type { Fact } from '../core/module.js';
import { quote } from '../core/sh.js';

export interface DebInfo {
  /** The .deb file exists and dpkg-deb could read it. */
  readable: boolean;
  name: string;
  version: string;
  /** Installed version of that package ('' when not installed). */
  installedVersion: string;
}

export function debInfo(path: string): Fact<DebInfo> {
  const d = quote(path);
  const cmd = [
    '(',
    // dpkg-deb -f prints the control fields one per line, in the order asked.
    `f=$(dpkg-deb -f ${d} Package Version 2>/dev/null) || { echo unreadable; exit 0; }`,
    'printf "%s\\n" "$f"',
    'n=$(printf "%s\\n" "$f" | sed -n "s/^Package: //p")',
    // Status and version of the installed package; unknown packages print nothing (stderr dropped).
    'dpkg-query -W -f=\'${Status}\\t${Version}\\n\' -- "$n" 2>/dev/null | sed -n "s/^install ok installed\\t/Installed: /p"',
    ')',
  ].join('\n');
  return { cmd, parse: (out) => parseDebInfo(out.stdout) };
}

export function parseDebInfo(stdout: string): DebInfo {
  const field = (k: string) => new RegExp(`^${k}: (.*)$`, 'm').exec(stdout)?.[1]?.trim() ?? '';
  const name = field('Package');
  return { readable: name !== '', name, version: field('Version'), installedVersion: field('Installed') };
}
