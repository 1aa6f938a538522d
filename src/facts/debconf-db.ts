// Fact: debconf questions straight from its database (config.dat, passwords.dat), no debconf-utils needed.
import type { Fact } from '../core/module.js';
import { quote } from '../core/sh.js';

export interface DebconfQuestion {
  name: string;
  value?: string;
  owners: string[];
  flags: string[];
}

const DB = '/var/cache/debconf';

/**
 * The stanzas (blank-line separated `Field: value` records) of one question, or with question
 * undefined every question the package owns. Passwords live in passwords.dat, readable by root only.
 * The names reach awk through the environment, so they are never parsed as awk code or escapes.
 */
export function debconfQuestions(
  pkg: string,
  question?: string,
): Fact<{ readable: boolean; questions: DebconfQuestion[] }> {
  const awk =
    'BEGIN { RS = ""; FS = "\\n" } { n = ""; o = ""; for (i = 1; i <= NF; i++) { ' +
    'if ($i ~ /^Name: /) n = substr($i, 7); if ($i ~ /^Owners: /) o = substr($i, 9) } ' +
    'if ((ENVIRON["Q"] != "" && n == ENVIRON["Q"]) || (ENVIRON["Q"] == "" && index(", " o ", ", ", " ENVIRON["P"] ", "))) ' +
    '{ print $0; print "" } }';
  const cmd = [
    `Q=${quote(question ?? '')} P=${quote(pkg)}; export Q P`,
    `[ -r ${DB}/config.dat ] && echo readable`,
    `awk '${awk}' ${DB}/config.dat 2>/dev/null`,
    `awk '${awk}' ${DB}/passwords.dat 2>/dev/null`,
  ].join('\n');
  return { cmd, parse: (out) => parseDebconf(out.stdout) };
}

export function parseDebconf(stdout: string): { readable: boolean; questions: DebconfQuestion[] } {
  const [first, ...rest] = stdout.split('\n');
  const byName = new Map<string, DebconfQuestion>();
  for (const stanza of rest.join('\n').split(/\n\s*\n/)) {
    const q: DebconfQuestion = { name: '', owners: [], flags: [] };
    for (const line of stanza.split('\n')) {
      const m = /^([A-Za-z-]+): ?(.*)$/.exec(line);
      if (!m) continue;
      if (m[1] === 'Name') q.name = m[2]!;
      else if (m[1] === 'Value') q.value = m[2]!;
      else if (m[1] === 'Owners') q.owners = m[2]!.split(/,\s*/).filter(Boolean);
      else if (m[1] === 'Flags') q.flags = m[2]!.split(/,\s*/).filter(Boolean);
    }
    if (q.name === '') continue;
    // A password's value is in passwords.dat; its config.dat stanza has none.
    const prev = byName.get(q.name);
    byName.set(
      q.name,
      prev
        ? {
            name: q.name,
            value: q.value ?? prev.value,
            owners: q.owners.length > 0 ? q.owners : prev.owners,
            flags: q.flags.length > 0 ? q.flags : prev.flags,
          }
        : q,
    );
  }
  return { readable: first === 'readable', questions: [...byName.values()] };
}
