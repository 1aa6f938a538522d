// The ansible-vault text format ($ANSIBLE_VAULT;1.1;AES256, and 1.2 with a label), byte-compatible.
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  pbkdf2Sync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import { TsibleError } from '../core/errors.js';

export const VAULT_HEADER = '$ANSIBLE_VAULT';
/** The label Ansible gives secrets that were not named with `--vault-id label@source`. */
export const DEFAULT_LABEL = 'default';

const CIPHER = 'AES256';
const LINE_WIDTH = 80;
const SALT_BYTES = 32;
const KDF_ITERATIONS = 10000;
const KEY_BYTES = 32;
const IV_BYTES = 16;
const BLOCK = 16;

/** A vault text split into its header fields and its raw key-derivation/MAC/cipher material. */
export interface ParsedVault {
  version: string;
  cipher: string;
  /** The 1.2 header's label, if any. */
  label?: string;
  salt: Buffer;
  hmac: Buffer;
  ciphertext: Buffer;
}

export interface EncryptOptions {
  /** A label other than "default" gives a 1.2 header carrying it, like `--vault-id label@...`. */
  label?: string;
  /** Fixed salt, only for deterministic tests: a reused salt reuses the key stream. */
  salt?: Uint8Array;
}

/**
 * Whether data is vault text: pure ASCII and starting with `$ANSIBLE_VAULT`, the same test Ansible uses
 * (so a binary file that merely starts with the header is still treated as plain data).
 */
export function isVaultText(data: string | Uint8Array): boolean {
  if (typeof data === 'string') return data.startsWith(VAULT_HEADER) && /^[\x00-\x7f]*$/.test(data);
  if (data.length < VAULT_HEADER.length) return false;
  for (let i = 0; i < data.length; i++) if (data[i]! > 0x7f) return false;
  return Buffer.from(data.buffer, data.byteOffset, VAULT_HEADER.length).toString('latin1') === VAULT_HEADER;
}

function formatError(message: string, source?: string): TsibleError {
  return new TsibleError('vault', `Vault format error${source ? ` in ${source}` : ''}: ${message}`);
}

function unhex(text: string, source?: string): Buffer {
  // Buffer.from(..., 'hex') silently stops at the first bad digit; Python's unhexlify refuses, and so do we.
  if (text.length % 2 !== 0) throw formatError('Vault format unhexlify error: Odd-length string', source);
  if (!/^[0-9a-fA-F]*$/.test(text))
    throw formatError('Vault format unhexlify error: Non-hexadecimal digit found', source);
  return Buffer.from(text, 'hex');
}

/** Parse the header and the doubly hex-encoded body; errors name `source` but never the body. */
export function parseVault(text: string | Uint8Array, source?: string): ParsedVault {
  const str = typeof text === 'string' ? text : Buffer.from(text).toString('latin1');
  if (!isVaultText(str)) {
    throw new TsibleError(
      'vault',
      `input is not vault encrypted data. ${source ? `${source} is not a vault encrypted file` : ''}`.trimEnd(),
    );
  }
  const lines = str.split(/\r\n|\r|\n/);
  const head = (lines[0] ?? '').trim().split(';');
  if (head.length < 3)
    throw formatError('Vault envelope format error: the header has no version and cipher', source);
  const version = head[1]!.trim();
  const cipher = head[2]!.trim();
  const label = head.length >= 4 ? head[3]!.trim() : undefined;
  if (cipher !== CIPHER) throw new TsibleError('vault', `${cipher} cipher could not be found`);
  // Lines are stripped (unlike Ansible) so that vault text re-indented by hand still parses.
  const inner = unhex(
    lines
      .slice(1)
      .map((l) => l.trim())
      .join(''),
    source,
  ).toString('latin1');
  const nl1 = inner.indexOf('\n');
  const nl2 = nl1 < 0 ? -1 : inner.indexOf('\n', nl1 + 1);
  if (nl2 < 0)
    throw formatError('Vault vaulttext format error: expected a salt, an HMAC and a ciphertext', source);
  return {
    version,
    cipher,
    ...(label === undefined ? {} : { label }),
    salt: unhex(inner.slice(0, nl1), source),
    hmac: unhex(inner.slice(nl1 + 1, nl2), source),
    ciphertext: unhex(inner.slice(nl2 + 1), source),
  };
}

function deriveKeys(password: Uint8Array, salt: Uint8Array): { key1: Buffer; key2: Buffer; iv: Buffer } {
  const dk = pbkdf2Sync(password, salt, KDF_ITERATIONS, 2 * KEY_BYTES + IV_BYTES, 'sha256');
  return {
    key1: dk.subarray(0, KEY_BYTES),
    key2: dk.subarray(KEY_BYTES, 2 * KEY_BYTES),
    iv: dk.subarray(2 * KEY_BYTES),
  };
}

function pad(data: Uint8Array): Buffer {
  // PKCS7 padding although CTR does not need it: the format has always had it, so it must stay.
  const n = BLOCK - (data.length % BLOCK);
  return Buffer.concat([data, Buffer.alloc(n, n)]);
}

function unpad(data: Buffer, source?: string): Buffer {
  const n = data[data.length - 1];
  const ok =
    data.length % BLOCK === 0 &&
    n !== undefined &&
    n >= 1 &&
    n <= BLOCK &&
    data.subarray(data.length - n).every((b) => b === n);
  if (!ok) throw formatError('invalid padding after decryption', source);
  return data.subarray(0, data.length - n);
}

/**
 * Decrypt parsed vault material with one password: undefined when the HMAC does not match (wrong
 * password or tampered data), the plaintext otherwise.
 */
export function decryptParsed(p: ParsedVault, password: Uint8Array, source?: string): Buffer | undefined {
  const { key1, key2, iv } = deriveKeys(password, p.salt);
  const mac = createHmac('sha256', key2).update(p.ciphertext).digest();
  // Constant-time comparison, so the time taken tells nothing about how much of the MAC matched.
  if (mac.length !== p.hmac.length || !timingSafeEqual(mac, p.hmac)) return undefined;
  const decipher = createDecipheriv('aes-256-ctr', key1, iv);
  return unpad(Buffer.concat([decipher.update(p.ciphertext), decipher.final()]), source);
}

/** Decrypt vault text with the first of `passwords` that fits; errors never include a password. */
export function decryptVault(
  text: string | Uint8Array,
  passwords: Uint8Array | readonly Uint8Array[],
  source?: string,
): Buffer {
  const parsed = parseVault(text, source);
  const list = passwords instanceof Uint8Array ? [passwords] : passwords;
  if (list.length === 0) throw new TsibleError('vault', 'Attempting to decrypt but no vault secrets found');
  for (const pw of list) {
    const plain = decryptParsed(parsed, pw, source);
    if (plain) return plain;
  }
  throw decryptionFailed(source);
}

/** The error for "no secret could decrypt this", worded like Ansible's. */
export function decryptionFailed(source?: string): TsibleError {
  return new TsibleError(
    'vault',
    `Decryption failed (no vault secrets were found that could decrypt)${source ? ` on ${source}` : ''}`,
  );
}

/** The vault header for a label: 1.1 without one (or with "default"), 1.2 carrying it otherwise. */
export function vaultHeader(label?: string): string {
  if (label === undefined || label === '' || label === DEFAULT_LABEL) return `${VAULT_HEADER};1.1;${CIPHER}`;
  if (/[;\r\n]/.test(label)) {
    throw new TsibleError(
      'options',
      `'${label}' is not a valid vault id. The character ';' is not allowed in vault ids`,
    );
  }
  return `${VAULT_HEADER};1.2;${CIPHER};${label}`;
}

/** Encrypt to vault text: header, then the body in 80-character lines, ending with a newline. */
export function encryptVault(
  plaintext: string | Uint8Array,
  password: Uint8Array,
  opts: EncryptOptions = {},
): string {
  const plain = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : Buffer.from(plaintext);
  if (isVaultText(plain)) throw new TsibleError('vault', 'input is already encrypted');
  if (password.length === 0)
    throw new TsibleError('vault', 'A vault password must be specified to encrypt data');
  if (opts.salt !== undefined && opts.salt.length === 0) {
    throw new TsibleError('vault', 'Empty or invalid salt passed to encrypt()');
  }
  const header = vaultHeader(opts.label);
  const salt = opts.salt ? Buffer.from(opts.salt) : randomBytes(SALT_BYTES);
  const { key1, key2, iv } = deriveKeys(password, salt);
  const cipher = createCipheriv('aes-256-ctr', key1, iv);
  const ciphertext = Buffer.concat([cipher.update(pad(plain)), cipher.final()]);
  const mac = createHmac('sha256', key2).update(ciphertext).digest();
  // Hex-encoded twice: the inner hex lines are joined with "\n" and the whole is hex-encoded again.
  const inner = `${salt.toString('hex')}\n${mac.toString('hex')}\n${ciphertext.toString('hex')}`;
  const body = Buffer.from(inner, 'latin1').toString('hex');
  const lines = [header];
  for (let i = 0; i < body.length; i += LINE_WIDTH) lines.push(body.slice(i, i + LINE_WIDTH));
  return lines.join('\n') + '\n';
}
