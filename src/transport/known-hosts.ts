// Host key checking against OpenSSH known_hosts files (plain and hashed entries, [host]:port form).
import { createHmac } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

export type KeyCheck = 'yes' | 'no' | 'accept-new';

export interface KnownHostEntry {
  marker?: string;
  patterns: string;
  keyType: string;
  key: Buffer;
}

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const out: KnownHostEntry[] = [];
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (!line || line.startsWith('#')) continue;
    const parts = line.split(/\s+/);
    let marker: string | undefined;
    if (parts[0]?.startsWith('@')) marker = parts.shift();
    const [patterns, keyType, b64] = parts;
    if (!patterns || !keyType || !b64) continue;
    out.push({ marker, patterns, keyType, key: Buffer.from(b64, 'base64') });
  }
  return out;
}

/** The name OpenSSH looks up: "host" for port 22, "[host]:port" otherwise. */
export function hostKeyName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function globMatch(pattern: string, name: string): boolean {
  const re = new RegExp(
    '^' +
      pattern
        .split('')
        .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$+.()|{}[\]]/g, '\\$&')))
        .join('') +
      '$',
    'i',
  );
  return re.test(name);
}

/** Whether an entry's host field names `name` (hashed |1|salt|hash, comma lists, globs, ! negation). */
export function entryMatches(patterns: string, name: string): boolean {
  if (patterns.startsWith('|1|')) {
    const [, , salt, hash] = patterns.split('|');
    if (!salt || !hash) return false;
    const h = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return h === hash;
  }
  let matched = false;
  for (const p of patterns.split(',')) {
    if (p.startsWith('!')) {
      if (globMatch(p.slice(1), name)) return false;
    } else if (globMatch(p, name)) matched = true;
  }
  return matched;
}

export type KeyVerdict = 'match' | 'unknown' | 'changed' | 'revoked';

/** Compare a presented key with the known_hosts files. */
export function checkHostKey(files: string[], name: string, key: Buffer): KeyVerdict {
  let sawName = false;
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const e of parseKnownHosts(text)) {
      if (!entryMatches(e.patterns, name)) continue;
      if (e.marker === '@revoked' && e.key.equals(key)) return 'revoked';
      if (e.marker) continue;
      sawName = true;
      if (e.key.equals(key)) return 'match';
    }
  }
  return sawName ? 'changed' : 'unknown';
}

/** Remember a host key (StrictHostKeyChecking=accept-new), as OpenSSH does, in a user known_hosts file. */
export function addHostKey(file: string, name: string, key: Buffer): void {
  // The key blob starts with its type as an SSH string: uint32 length, then the name.
  const len = key.readUInt32BE(0);
  const type = key.subarray(4, 4 + len).toString('latin1');
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  appendFileSync(file, `${name} ${type} ${key.toString('base64')}\n`, { mode: 0o600 });
}
