// authorized_keys lines as Ansible's authorized_key reads them: options, key type, key blob, comment.

const KEY_TYPES = new Set([
  'sk-ecdsa-sha2-nistp256@openssh.com',
  'sk-ecdsa-sha2-nistp256-cert-v01@openssh.com',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp256-cert-v01@openssh.com',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp384-cert-v01@openssh.com',
  'ecdsa-sha2-nistp521',
  'ecdsa-sha2-nistp521-cert-v01@openssh.com',
  'sk-ssh-ed25519@openssh.com',
  'sk-ssh-ed25519-cert-v01@openssh.com',
  'ssh-ed25519',
  'ssh-ed25519-cert-v01@openssh.com',
  'ssh-dss',
  'ssh-rsa',
  'ssh-xmss@openssh.com',
  'ssh-dss-cert-v01@openssh.com',
  'ssh-rsa-cert-v01@openssh.com',
  'rsa-sha2-256',
  'rsa-sha2-512',
]);

export interface SshKey {
  type: string;
  /** The base64 key: what identifies a key in the file. */
  blob: string;
  /** Options in order: name → value (null for a flag like no-pty); values keep their quotes. */
  options: [string, string | null][];
  comment: string;
}

/**
 * Parse one key line; undefined when no known key type is found (a comment, a blank or broken line).
 * Words split on whitespace only, like Ansible's shlex without quotes: the options are the words before
 * the type, the blob follows it, and the rest is the comment.
 */
export function parseKey(line: string): SshKey | undefined {
  const words = line.replace(/\\#/g, '#').trim().split(/\s+/);
  if (words[0] === undefined || words[0].startsWith('#')) return undefined;
  const at = words.findIndex((w) => KEY_TYPES.has(w));
  if (at < 0 || words[at + 1] === undefined) return undefined;
  return {
    type: words[at]!,
    blob: words[at + 1]!,
    options: at > 0 ? parseOptions(words.slice(0, at).join(' ')) : [],
    comment: words.slice(at + 2).join(' '),
  };
}

/** `no-pty,command="a,b",from="x"` → ordered pairs; commas inside double quotes do not split. */
export function parseOptions(text: string): [string, string | null][] {
  const out: [string, string | null][] = [];
  let cur = '';
  let quoted = false;
  const push = () => {
    const s = cur.trim();
    cur = '';
    if (s === '') return;
    const eq = s.indexOf('=');
    out.push(eq < 0 ? [s, null] : [s.slice(0, eq), s.slice(eq + 1)]);
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && quoted && i + 1 < text.length) {
      cur += c + text[++i]!;
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === ',' && !quoted) push();
    else cur += c;
  }
  push();
  return out;
}

export function formatKey(k: SshKey): string {
  const opts = k.options.map(([n, v]) => (v === null ? n : `${n}=${v}`)).join(',');
  return [opts, k.type, k.blob, k.comment].filter((s) => s !== '').join(' ');
}

/** Same key, options (in order) and comment: nothing to rewrite. */
export function sameKey(a: SshKey, b: SshKey): boolean {
  return (
    a.type === b.type &&
    a.blob === b.blob &&
    a.comment === b.comment &&
    JSON.stringify(a.options) === JSON.stringify(b.options)
  );
}

export interface KeyEdit {
  keys: SshKey[];
  state: 'present' | 'absent';
  exclusive: boolean;
}

/**
 * The new file text for the wanted keys: a present key that differs in options or comment is rewritten
 * in place, a new one is appended; absent removes every line with that blob; exclusive keeps only the
 * given keys. Lines not touched keep their exact text. Returns undefined when nothing changes.
 */
export function editKeys(text: string, e: KeyEdit): string | undefined {
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  const entries = lines.map((raw) => ({ raw, key: parseKey(raw) }));
  let changed = false;
  for (const k of e.keys) {
    const idx = entries.findIndex((x) => x.key?.blob === k.blob);
    if (e.state === 'absent') {
      if (idx < 0) continue;
      for (let i = entries.length - 1; i >= 0; i--)
        if (entries[i]!.key?.blob === k.blob) entries.splice(i, 1);
      changed = true;
    } else if (idx < 0) {
      entries.push({ raw: formatKey(k), key: k });
      changed = true;
    } else if (!sameKey(entries[idx]!.key!, k)) {
      entries[idx] = { raw: formatKey(k), key: k };
      changed = true;
    }
  }
  if (e.state === 'present' && e.exclusive) {
    const blobs = new Set(e.keys.map((k) => k.blob));
    const kept = entries.filter((x) => x.key !== undefined && blobs.has(x.key.blob));
    if (kept.length !== entries.length) {
      entries.splice(0, entries.length, ...kept);
      changed = true;
    }
  }
  if (!changed) return undefined;
  return entries.map((x) => `${x.raw}\n`).join('');
}
