// crypt(3) password hashes: SHA-512 ($6$), SHA-256 ($5$) and MD5 ($1$), compatible with /etc/shadow,
// `openssl passwd` and Python's crypt module.
import { createHash, randomInt } from 'node:crypto';

const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export const SALT_CHARS = ITOA64;

function b64From24(b2: number, b1: number, b0: number, n: number): string {
  let w = (b2 << 16) | (b1 << 8) | b0;
  let out = '';
  for (let i = 0; i < n; i++) {
    out += ITOA64[w & 0x3f];
    w >>>= 6;
  }
  return out;
}

function repeatTo(src: Buffer, len: number): Buffer {
  const out = Buffer.alloc(len);
  for (let i = 0; i < len; i++) out[i] = src[i % src.length]!;
  return out;
}

const SHA512_ORDER = [
  [0, 21, 42],
  [22, 43, 1],
  [44, 2, 23],
  [3, 24, 45],
  [25, 46, 4],
  [47, 5, 26],
  [6, 27, 48],
  [28, 49, 7],
  [50, 8, 29],
  [9, 30, 51],
  [31, 52, 10],
  [53, 11, 32],
  [12, 33, 54],
  [34, 55, 13],
  [56, 14, 35],
  [15, 36, 57],
  [37, 58, 16],
  [59, 17, 38],
  [18, 39, 60],
  [40, 61, 19],
  [62, 20, 41],
];
const SHA256_ORDER = [
  [0, 10, 20],
  [21, 1, 11],
  [12, 22, 2],
  [3, 13, 23],
  [24, 4, 14],
  [15, 25, 5],
  [6, 16, 26],
  [27, 7, 17],
  [18, 28, 8],
  [9, 19, 29],
];

/** Ulrich Drepper's SHA-crypt. `rounds` undefined means the implicit 5000 (not written into the hash). */
export function shaCrypt(alg: 'sha256' | 'sha512', password: string, salt: string, rounds?: number): string {
  const H = () => createHash(alg);
  const key = Buffer.from(password, 'utf8');
  const s = Buffer.from(salt.slice(0, 16), 'utf8');
  const r = rounds === undefined ? 5000 : Math.min(999_999_999, Math.max(1000, rounds));
  const hashLen = alg === 'sha512' ? 64 : 32;

  const b = H().update(key).update(s).update(key).digest();
  const a = H().update(key).update(s);
  let i: number;
  for (i = key.length; i > hashLen; i -= hashLen) a.update(b);
  a.update(b.subarray(0, i));
  for (i = key.length; i > 0; i >>= 1) a.update(i & 1 ? b : key);
  let c = a.digest();

  const dp = H();
  for (i = 0; i < key.length; i++) dp.update(key);
  const p = repeatTo(dp.digest(), key.length);
  const ds = H();
  for (i = 0; i < 16 + c[0]!; i++) ds.update(s);
  const sBytes = repeatTo(ds.digest(), s.length);

  for (i = 0; i < r; i++) {
    const h = H();
    h.update(i & 1 ? p : c);
    if (i % 3) h.update(sBytes);
    if (i % 7) h.update(p);
    h.update(i & 1 ? c : p);
    c = h.digest();
  }

  let out = '';
  const order = alg === 'sha512' ? SHA512_ORDER : SHA256_ORDER;
  for (const [x, y, z] of order) out += b64From24(c[x!]!, c[y!]!, c[z!]!, 4);
  out += alg === 'sha512' ? b64From24(0, 0, c[63]!, 2) : b64From24(0, c[31]!, c[30]!, 3);
  const prefix = alg === 'sha512' ? '$6$' : '$5$';
  return `${prefix}${rounds === undefined ? '' : `rounds=${r}$`}${s.toString('utf8')}$${out}`;
}

/** Poul-Henning Kamp's MD5-crypt ($1$). */
export function md5Crypt(password: string, salt: string): string {
  const pw = Buffer.from(password, 'utf8');
  const s = Buffer.from(salt.slice(0, 8), 'utf8');
  const magic = Buffer.from('$1$');
  const ctx = createHash('md5').update(pw).update(magic).update(s);
  let fin = createHash('md5').update(pw).update(s).update(pw).digest();
  for (let pl = pw.length; pl > 0; pl -= 16) ctx.update(fin.subarray(0, Math.min(pl, 16)));
  for (let i = pw.length; i; i >>= 1) ctx.update(i & 1 ? Buffer.from([0]) : pw.subarray(0, 1));
  fin = ctx.digest();
  for (let i = 0; i < 1000; i++) {
    const c1 = createHash('md5');
    c1.update(i & 1 ? pw : fin);
    if (i % 3) c1.update(s);
    if (i % 7) c1.update(pw);
    c1.update(i & 1 ? fin : pw);
    fin = c1.digest();
  }
  let out = '';
  for (const [x, y, z] of [
    [0, 6, 12],
    [1, 7, 13],
    [2, 8, 14],
    [3, 9, 15],
    [4, 10, 5],
  ])
    out += b64From24(fin[x!]!, fin[y!]!, fin[z!]!, 4);
  out += b64From24(0, 0, fin[11]!, 2);
  return `$1$${s.toString('utf8')}$${out}`;
}

/** A random crypt salt of `len` characters. */
export function randomSalt(len: number): string {
  let out = '';
  for (let i = 0; i < len; i++) out += ITOA64[randomInt(ITOA64.length)];
  return out;
}
