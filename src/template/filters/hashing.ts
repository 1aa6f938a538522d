// Hashes and password hashing: hash/checksum/md5/sha1, password_hash.
import { createHash } from 'node:crypto';
import { fail } from '../fault.js';
import { filter, type FilterSpec } from '../engine/runtime.js';
import { optNum, str } from '../py/coerce.js';
import { md5Crypt, randomSalt, SALT_CHARS, shaCrypt } from '../py/crypt.js';

const NODE_NAMES: Record<string, string> = {
  blake2b: 'blake2b512',
  blake2s: 'blake2s256',
  sha3_256: 'sha3-256',
  sha3_512: 'sha3-512',
};

function hexDigest(alg: string, data: string): string {
  try {
    return createHash(NODE_NAMES[alg] ?? alg)
      .update(data, 'utf8')
      .digest('hex');
  } catch {
    return fail(`unsupported hash type ${alg}`);
  }
}

function passwordHash(password: unknown, [hashtype, salt, saltSize, rounds, ident]: unknown[]): string {
  const type = hashtype === undefined || hashtype === null ? 'sha512' : str(hashtype);
  if (ident !== undefined && ident !== null)
    fail('password_hash: ident is only supported for bcrypt, which tsible does not implement');
  const size = optNum(saltSize, type === 'md5' ? 8 : 16);
  const s = salt === undefined || salt === null ? randomSalt(size) : str(salt);
  if ([...s].some((c) => !SALT_CHARS.includes(c)))
    fail(`invalid characters in salt '${s}': use only ./0-9A-Za-z`);
  const r = rounds === undefined || rounds === null ? undefined : optNum(rounds, 5000);
  const pw = str(password);
  if (type === 'sha512' || type === 'sha256') return shaCrypt(type, pw, s, r);
  if (type === 'md5' || type === 'md5_crypt') return md5Crypt(pw, s);
  return fail(`password_hash: unsupported hash type ${type} (supported: sha512, sha256, md5)`);
}

export const HASH_FILTERS: Record<string, FilterSpec> = {
  hash: filter(['hashtype'], (v, [t]) => hexDigest(t === undefined ? 'sha1' : str(t), str(v))),
  checksum: filter([], (v) => hexDigest('sha1', str(v))),
  sha1: filter([], (v) => hexDigest('sha1', str(v))),
  md5: filter([], (v) => hexDigest('md5', str(v))),
  password_hash: filter(['hashtype', 'salt', 'salt_size', 'rounds', 'ident'], passwordHash),
};
