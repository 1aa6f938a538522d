// Fact: does any path match a glob (command's creates/removes), evaluated in chdir like Ansible.
import type { Fact } from '../core/module.js';
import { quote } from '../core/sh.js';

export interface GlobExists {
  /** chdir was given and could not be entered. */
  chdirFailed: boolean;
  exists: boolean;
}

/**
 * The pattern is stored in a variable and expanded unquoted with IFS empty: that way the shell does
 * pathname expansion (the glob) but no field splitting, and the value is never re-parsed as code, so
 * `$(...)`, backticks and `;` in it stay literal. A leading `~/` means the (become) user's home.
 */
export function globExists(pattern: string, chdir?: string): Fact<GlobExists> {
  const cmd = [
    '(',
    chdir === undefined ? '' : `cd -- ${quote(chdir)} 2>/dev/null || { echo chdir-failed; exit 0; }`,
    `g=${quote(pattern)}`,
    'case "$g" in "~") g=$HOME ;; "~/"*) g="$HOME/${g#??}" ;; esac',
    "IFS=''",
    'r=no',
    // An unmatched glob stays as itself, so each word is tested; -L also counts dangling links.
    'for f in $g; do if [ -e "$f" ] || [ -L "$f" ]; then r=yes; break; fi; done',
    'echo "$r"',
    ')',
  ]
    .filter((l) => l !== '')
    .join('\n');
  return { cmd, parse: (out) => parseGlobExists(out.stdout) };
}

export function parseGlobExists(stdout: string): GlobExists {
  const t = stdout.trim();
  return { chdirFailed: t === 'chdir-failed', exists: t === 'yes' };
}
