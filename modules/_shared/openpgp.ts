// Just enough OpenPGP for apt keyrings: armor/dearmor, split a keyring into keys, fingerprints (RFC 4880).
import { createHash } from 'node:crypto';

const BEGIN = /-----BEGIN PGP PUBLIC KEY BLOCK-----/;

export function isArmored(data: Buffer): boolean {
  return BEGIN.test(data.subarray(0, 4096).toString('latin1'));
}

/** The binary packets of every armored block in the text (headers and the =CRC line dropped). */
export function dearmor(text: string): Buffer {
  const parts: Buffer[] = [];
  const re = /-----BEGIN PGP PUBLIC KEY BLOCK-----\r?\n([\s\S]*?)-----END PGP PUBLIC KEY BLOCK-----/g;
  for (const m of text.matchAll(re)) {
    const lines = m[1]!.split(/\r?\n/);
    // Armor headers ("Version: ...") end at the first empty line, when there are any.
    const blank = lines.findIndex((l) => l.trim() === '');
    const hasHeaders = blank > 0 && lines.slice(0, blank).every((l) => /^[A-Za-z-]+: /.test(l));
    const body = (hasHeaders ? lines.slice(blank + 1) : lines).filter(
      (l) => l.trim() !== '' && !l.startsWith('='),
    );
    parts.push(Buffer.from(body.join(''), 'base64'));
  }
  return Buffer.concat(parts);
}

function crc24(data: Buffer): number {
  let crc = 0xb704ce;
  for (const byte of data) {
    crc ^= byte << 16;
    for (let i = 0; i < 8; i++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
  }
  return crc & 0xffffff;
}

export function armor(data: Buffer): string {
  const b64 = data.toString('base64').replace(/.{1,64}/g, '$&\n');
  const crc = Buffer.from([(crc24(data) >> 16) & 255, (crc24(data) >> 8) & 255, crc24(data) & 255]).toString(
    'base64',
  );
  return `-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n${b64}=${crc}\n-----END PGP PUBLIC KEY BLOCK-----\n`;
}

export interface Packet {
  tag: number;
  /** The whole packet, header included. */
  raw: Buffer;
  body: Buffer;
}

/** Split binary OpenPGP data into packets; throws on truncated or unsupported (partial length) packets. */
export function packets(data: Buffer): Packet[] {
  const out: Packet[] = [];
  let i = 0;
  while (i < data.length) {
    const start = i;
    const h = data[i++]!;
    if ((h & 0x80) === 0) throw new Error('not OpenPGP data');
    let tag: number;
    let len: number;
    if (h & 0x40) {
      tag = h & 0x3f;
      const o1 = data[i++] ?? 0;
      if (o1 < 192) len = o1;
      else if (o1 < 224) len = ((o1 - 192) << 8) + (data[i++] ?? 0) + 192;
      else if (o1 === 255) {
        len = data.readUInt32BE(i);
        i += 4;
      } else throw new Error('partial-length OpenPGP packets are not supported in keyrings');
    } else {
      tag = (h >> 2) & 0x0f;
      const t = h & 3;
      if (t === 0) len = data[i++] ?? 0;
      else if (t === 1) {
        len = data.readUInt16BE(i);
        i += 2;
      } else if (t === 2) {
        len = data.readUInt32BE(i);
        i += 4;
      } else len = data.length - i;
    }
    if (i + len > data.length) throw new Error('truncated OpenPGP data');
    out.push({ tag, raw: data.subarray(start, i + len), body: data.subarray(i, i + len) });
    i += len;
  }
  return out;
}

export interface PgpKey {
  /** Upper-case hex fingerprint of the primary key. */
  fingerprint: string;
  /** The primary key packet and everything up to the next one (user ids, signatures, subkeys). */
  raw: Buffer;
}

function fingerprint(body: Buffer): string {
  const version = body[0];
  if (version === 4) {
    const head = Buffer.from([0x99, (body.length >> 8) & 255, body.length & 255]);
    return createHash('sha1').update(head).update(body).digest('hex').toUpperCase();
  }
  if (version === 5 || version === 6) {
    const head = Buffer.alloc(5);
    head[0] = version === 5 ? 0x9a : 0x9b;
    head.writeUInt32BE(body.length, 1);
    return createHash('sha256').update(head).update(body).digest('hex').toUpperCase();
  }
  throw new Error(`OpenPGP key version ${String(version)} is not supported`);
}

/** The transferable public keys (tag 6 and what follows it) of a keyring or key file, armored or not. */
export function readKeys(data: Buffer): PgpKey[] {
  const bin = isArmored(data) ? dearmor(data.toString('latin1')) : data;
  const keys: { fingerprint: string; parts: Buffer[] }[] = [];
  for (const p of packets(bin)) {
    if (p.tag === 6) keys.push({ fingerprint: fingerprint(p.body), parts: [p.raw] });
    else keys.at(-1)?.parts.push(p.raw);
  }
  return keys.map((k) => ({ fingerprint: k.fingerprint, raw: Buffer.concat(k.parts) }));
}

/** An id as users write it (0x prefix, spaces, 8/16/40 hex digits) matched against a fingerprint. */
export function idMatches(fpr: string, id: string): boolean {
  const want = id.replace(/^0x/i, '').replace(/\s+/g, '').toUpperCase();
  return want.length >= 8 && fpr.endsWith(want);
}

/** GnuPG's keybox format (pubring.kbx, or a trusted.gpg made by a modern gpg): not plain packets. */
export function isKeybox(data: Buffer): boolean {
  return data.length >= 12 && data.subarray(8, 12).toString('latin1') === 'KBXf';
}
