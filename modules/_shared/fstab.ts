// /etc/fstab lines as Ansible's mount module edits them: entries found by mount point, others kept as-is.

/** fstab's octal escapes for the characters that would break a whitespace-separated field. */
export function escapeFstab(v: string): string {
  return v
    .replace(/\\/g, '\\134')
    .replace(/ /g, '\\040')
    .replace(/\t/g, '\\011')
    .replace(/\n/g, '\\012')
    .replace(/&/g, '\\046');
}

export function unescapeFstab(v: string): string {
  return v.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
}

export interface FstabEntry {
  src: string;
  path: string;
  fstype: string;
  opts: string;
  dump: string;
  passno: string;
}

function parseEntry(line: string): FstabEntry | undefined {
  const t = line.trim();
  if (t === '' || t.startsWith('#')) return undefined;
  const f = t.split(/\s+/);
  if (f.length < 4 || f.length > 6) return undefined;
  return { src: f[0]!, path: f[1]!, fstype: f[2]!, opts: f[3]!, dump: f[4] ?? '0', passno: f[5] ?? '0' };
}

const formatEntry = (e: FstabEntry) => `${e.src} ${e.path} ${e.fstype} ${e.opts} ${e.dump} ${e.passno}`;

function lines(text: string): string[] {
  const l = text === '' ? [] : text.split('\n');
  if (l.at(-1) === '') l.pop();
  return l;
}

/** The entry for a mount point (unescaped path), if any. */
export function findEntry(text: string, path: string): FstabEntry | undefined {
  const esc = escapeFstab(path);
  return lines(text)
    .map(parseEntry)
    .find((e) => e?.path === esc);
}

/**
 * Make the entry for want.path exactly `want` (fields given unescaped): matching lines that differ are
 * rewritten, a missing one is appended. undefined when nothing changes.
 */
export function setEntry(text: string, want: FstabEntry): string | undefined {
  const esc: FstabEntry = {
    src: escapeFstab(want.src),
    path: escapeFstab(want.path),
    fstype: escapeFstab(want.fstype),
    opts: escapeFstab(want.opts),
    dump: want.dump,
    passno: want.passno,
  };
  let found = false;
  let changed = false;
  const out = lines(text).map((line) => {
    const e = parseEntry(line);
    if (!e || e.path !== esc.path) return line;
    found = true;
    const same =
      e.src === esc.src &&
      e.fstype === esc.fstype &&
      e.opts === esc.opts &&
      e.dump === esc.dump &&
      e.passno === esc.passno;
    if (same) return line;
    changed = true;
    return formatEntry(esc);
  });
  if (!found) {
    out.push(formatEntry(esc));
    changed = true;
  }
  return changed ? out.map((l) => `${l}\n`).join('') : undefined;
}

/** Remove every entry for the mount point; undefined when there is none. */
export function removeEntry(text: string, path: string): string | undefined {
  const esc = escapeFstab(path);
  const all = lines(text);
  const kept = all.filter((line) => parseEntry(line)?.path !== esc);
  return kept.length === all.length ? undefined : kept.map((l) => `${l}\n`).join('');
}

/** The mounts of /proc/self/mountinfo: mount point → filesystem type and source (unescaped). */
export function parseMountinfo(text: string): Map<string, { fstype: string; src: string }> {
  const m = new Map<string, { fstype: string; src: string }>();
  for (const line of text.split('\n')) {
    const [left, right] = line.split(' - ');
    if (left === undefined || right === undefined) continue;
    const point = left.split(' ')[4];
    const [fstype = '', src = ''] = right.split(' ');
    if (point !== undefined) m.set(unescapeFstab(point), { fstype, src: unescapeFstab(src) });
  }
  return m;
}
