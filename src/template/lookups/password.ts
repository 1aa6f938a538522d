// The password lookup: read a generated password from a file on the controller, creating it on first use.
import { randomInt } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fail } from '../fault.js';
import type { LookupFn } from '../engine/runtime.js';
import { str } from '../py/coerce.js';
import { randomSalt } from '../py/crypt.js';
import { PyRandom } from '../py/random.js';
import { md5Crypt, shaCrypt } from '../py/crypt.js';
import { expandHome } from '../search-path.js';

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const CHARSETS: Record<string, string> = {
  ascii_letters: LETTERS,
  ascii_lowercase: LETTERS.slice(0, 26),
  ascii_uppercase: LETTERS.slice(26),
  digits: '0123456789',
  hexdigits: '0123456789abcdefABCDEF',
  octdigits: '01234567',
  punctuation: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
};
CHARSETS.printable = `${CHARSETS.digits}${LETTERS}${CHARSETS.punctuation} \t\n\r\x0b\x0c`;

function charset(spec: string | undefined): string {
  if (spec === undefined) return `${LETTERS}0123456789.,:-_`;
  // ',,' stands for a literal comma.
  const parts = spec.replace(/,,/g, '\u0000').split(',');
  return [
    ...new Set(
      parts
        .map(
          (p) =>
            (Object.prototype.hasOwnProperty.call(CHARSETS, p) ? CHARSETS[p] : undefined) ??
            p.replace(/\u0000/g, ','),
        )
        .join(''),
    ),
  ].join('');
}

function parseTerm(term: string): { path: string; params: Record<string, string> } {
  const [path = '', ...rest] = term.trim().split(/\s+(?=\w+=)/);
  const params: Record<string, string> = {};
  for (const p of rest) {
    const eq = p.indexOf('=');
    params[p.slice(0, eq)] = p.slice(eq + 1).trim();
  }
  for (const k of Object.keys(params))
    if (!['length', 'chars', 'encrypt', 'ident', 'seed'].includes(k))
      fail(`Unrecognized parameter(s) given to password lookup: ${k}`);
  return { path, params };
}

function encrypt(pw: string, scheme: string | undefined, salt: string): string {
  if (!scheme) return pw;
  if (scheme === 'sha512_crypt') return shaCrypt('sha512', pw, salt);
  if (scheme === 'sha256_crypt') return shaCrypt('sha256', pw, salt);
  if (scheme === 'md5_crypt') return md5Crypt(pw, salt.slice(0, 8));
  return fail(`password lookup: unsupported encrypt scheme ${scheme}`);
}

export const password: LookupFn = (rt, terms, kw) =>
  terms.map((t) => {
    const { path, params } = parseTerm(str(t));
    for (const [k, v] of Object.entries(kw)) params[k] = str(v);
    const length = Number(params.length ?? 20);
    const chars = charset(params.chars);
    const rng = params.seed === undefined ? undefined : new PyRandom(params.seed);
    const generate = () =>
      Array.from({ length }, () => chars[rng ? rng.randbelow(chars.length) : randomInt(chars.length)]).join(
        '',
      );
    if (path === '/dev/null') return encrypt(generate(), params.encrypt, randomSalt(16));
    const file = resolve(rt.baseDir, expandHome(path));
    let pw: string;
    let salt: string | undefined;
    if (existsSync(file)) {
      const content = readFileSync(file, 'utf8').trimEnd();
      const m = / salt=(\S+)$/.exec(content);
      pw = m ? content.slice(0, m.index) : content;
      salt = m?.[1];
    } else {
      pw = generate();
      if (params.encrypt) salt = randomSalt(16);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, `${pw}${salt ? ` salt=${salt}` : ''}\n`, { mode: 0o600 });
    }
    return encrypt(pw, params.encrypt, salt ?? randomSalt(16));
  });
