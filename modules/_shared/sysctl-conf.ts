// sysctl.conf text as Ansible's sysctl module reads and edits it: `key = value` lines, # and ; comments.

const TRUE = new Set(['yes', 'on', '1', 'true', 'y', 't']);
const FALSE = new Set(['no', 'off', '0', 'false', 'n', 'f']);

/** Ansible's value normalisation: boolean words become 1/0, everything else is trimmed. */
export function sysctlValue(v: string | undefined): string {
  if (v === undefined) return '';
  const low = v.trim().toLowerCase();
  if (TRUE.has(low)) return '1';
  if (FALSE.has(low)) return '0';
  return v.trim();
}

/** Values are equal when their whitespace-separated words are (tabs in kernel.printk output, say). */
export function sameValue(a: string, b: string): boolean {
  return a.split(/\s+/).filter(Boolean).join(' ') === b.split(/\s+/).filter(Boolean).join(' ');
}

function keyOf(line: string): string | undefined {
  const t = line.trim();
  if (t === '' || t.startsWith('#') || t.startsWith(';')) return undefined;
  const eq = t.indexOf('=');
  return eq < 0 ? undefined : t.slice(0, eq).trim();
}

/** The file's settings (the last assignment of a key wins, as `sysctl -p` applies them). */
export function readSysctl(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split('\n')) {
    const k = keyOf(line);
    if (k !== undefined) m.set(k, line.slice(line.indexOf('=') + 1).trim());
  }
  return m;
}

/** Set (value given) or remove (undefined) a key: its lines are replaced in place, or one is appended. */
export function editSysctl(text: string, key: string, value: string | undefined): string {
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  const out: string[] = [];
  let done = false;
  for (const line of lines) {
    if (keyOf(line) !== key) out.push(line);
    else if (value !== undefined && !done) {
      out.push(`${key}=${value}`);
      done = true;
    }
  }
  if (value !== undefined && !done) out.push(`${key}=${value}`);
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}
