// The vault format against vectors made by ansible-vault, and tsible's output against ansible-vault.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TsibleError } from '../../../src/core/errors.js';
import {
  decryptVault,
  encryptVault,
  isVaultText,
  parseVault,
  vaultHeader,
} from '../../../src/vault/format.js';
import {
  FIXTURES,
  HAVE_ANSIBLE_VAULT,
  MAIN_PW,
  MAIN_PW_FILE,
  PROD_PW,
  PROD_PW_FILE,
  fixture,
  tempDir,
} from './helpers.js';

const main = Buffer.from(MAIN_PW);
const prod = Buffer.from(PROD_PW);
const FIXED_SALT = Buffer.from(Array.from({ length: 32 }, (_, i) => i));

/** The vault text of an encrypt_string block, as YAML would hand it over. */
function unindent(block: string): string {
  return block
    .split('\n')
    .slice(1)
    .map((l) => l.trim())
    .join('\n');
}

function thrown(fn: () => unknown): TsibleError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TsibleError);
    return e as TsibleError;
  }
  throw new Error('expected an error');
}

describe('decrypting vectors made by ansible-vault 2.14', () => {
  const vectors: Array<[string, string, Buffer]> = [
    ['v11-simple.yml.vault', 'simple.yml', main],
    ['v12-prod.yml.vault', 'simple.yml', prod],
    ['empty.vault', 'empty.txt', main],
    ['multiline.vault', 'multiline.txt', main],
    ['binary.vault', 'binary.bin', main],
    ['aligned16.vault', 'aligned16.txt', main],
  ];
  it.each(vectors)('%s decrypts to %s', (vault, plain, pw) => {
    expect(decryptVault(fixture(vault).toString('latin1'), pw, vault).equals(fixture(plain))).toBe(true);
  });

  it('reads the header of 1.1 and of 1.2 with its label', () => {
    const v11 = parseVault(fixture('v11-simple.yml.vault'));
    expect([v11.version, v11.cipher, v11.label]).toEqual(['1.1', 'AES256', undefined]);
    const v12 = parseVault(fixture('v12-prod.yml.vault'));
    expect([v12.version, v12.cipher, v12.label]).toEqual(['1.2', 'AES256', 'prod']);
    expect(v12.salt.length).toBe(32);
    expect(v12.hmac.length).toBe(32);
  });

  it('pads a 16-byte plaintext with a whole extra block', () => {
    expect(parseVault(fixture('aligned16.vault')).ciphertext.length).toBe(32);
    expect(parseVault(fixture('empty.vault')).ciphertext.length).toBe(16);
  });

  it('decrypts encrypt_string blocks once YAML has removed the indentation', () => {
    const block = fixture('encrypt-string-named.yml').toString('utf8');
    expect(block.startsWith('db_pass: !vault |\n          $ANSIBLE_VAULT;1.1;AES256\n')).toBe(true);
    expect(decryptVault(unindent(block), main).toString()).toBe('hunter2');
    const prodBlock = fixture('encrypt-string-prod.txt').toString('utf8');
    expect(prodBlock.startsWith('!vault |\n          $ANSIBLE_VAULT;1.2;AES256;prod\n')).toBe(true);
    expect(decryptVault(unindent(prodBlock), prod).toString()).toBe('s3cr3t value');
  });
});

describe('encrypting', () => {
  it('gives byte for byte the fixtures that ansible-vault was checked to read (fixed salt)', () => {
    expect(encryptVault(fixture('simple.yml'), main, { salt: FIXED_SALT })).toBe(
      fixture('tsible-v11-simple.vault').toString('latin1'),
    );
    expect(encryptVault(fixture('simple.yml'), prod, { salt: FIXED_SALT, label: 'prod' })).toBe(
      fixture('tsible-v12-prod.vault').toString('latin1'),
    );
    expect(encryptVault(fixture('binary.bin'), main, { salt: FIXED_SALT })).toBe(
      fixture('tsible-v11-binary.vault').toString('latin1'),
    );
  });

  it('writes 80-character lines with a trailing newline and round-trips', () => {
    for (const plain of ['', 'x', '0123456789abcdef', 'ü'.repeat(500)]) {
      const text = encryptVault(plain, main);
      const lines = text.split('\n');
      expect(lines[0]).toBe('$ANSIBLE_VAULT;1.1;AES256');
      expect(lines.at(-1)).toBe('');
      for (const l of lines.slice(1, -2)) expect(l).toMatch(/^[0-9a-f]{80}$/);
      expect(lines.at(-2)).toMatch(/^[0-9a-f]{1,80}$/);
      expect(decryptVault(text, main).toString()).toBe(plain);
    }
  });

  it('uses a fresh random salt each time', () => {
    expect(encryptVault('same', main)).not.toBe(encryptVault('same', main));
  });

  it('writes a 1.2 header for a label other than "default"', () => {
    expect(vaultHeader()).toBe('$ANSIBLE_VAULT;1.1;AES256');
    expect(vaultHeader('default')).toBe('$ANSIBLE_VAULT;1.1;AES256');
    expect(vaultHeader('prod')).toBe('$ANSIBLE_VAULT;1.2;AES256;prod');
    expect(thrown(() => vaultHeader('a;b')).kind).toBe('options');
  });

  it('refuses input that is already vault text, an empty password or an empty salt', () => {
    expect(thrown(() => encryptVault(fixture('v11-simple.yml.vault'), main)).message).toBe(
      'input is already encrypted',
    );
    expect(thrown(() => encryptVault('x', Buffer.alloc(0))).kind).toBe('vault');
    expect(thrown(() => encryptVault('x', main, { salt: Buffer.alloc(0) })).kind).toBe('vault');
  });
});

describe('errors', () => {
  const good = fixture('v11-simple.yml.vault').toString('latin1');

  it('a wrong password fails like Ansible and the message holds no password', () => {
    const e = thrown(() => decryptVault(good, prod, 'group_vars/all.yml'));
    expect(e.message).toBe(
      'Decryption failed (no vault secrets were found that could decrypt) on group_vars/all.yml',
    );
    expect(e.exitCode).toBe(1);
    expect(e.message).not.toContain(PROD_PW);
    expect(e.message).not.toContain(MAIN_PW);
    expect(e.stack ?? '').not.toContain(PROD_PW);
  });

  it('a tampered ciphertext fails the HMAC check, even with the right password', () => {
    const p = parseVault(good);
    p.ciphertext[0] = p.ciphertext[0]! ^ 1;
    const inner = `${p.salt.toString('hex')}\n${p.hmac.toString('hex')}\n${p.ciphertext.toString('hex')}`;
    const tampered = `$ANSIBLE_VAULT;1.1;AES256\n${Buffer.from(inner, 'latin1').toString('hex')}\n`;
    expect(thrown(() => decryptVault(tampered, main)).message).toMatch(/^Decryption failed/);
    const lines = good.split('\n');
    lines[2] = lines[2]!.slice(0, 10) + (lines[2]![10] === '3' ? '4' : '3') + lines[2]!.slice(11);
    expect(() => decryptVault(lines.join('\n'), main)).toThrow(TsibleError);
  });

  it('corrupt input gives a clear format error naming the source', () => {
    expect(thrown(() => decryptVault(good.slice(0, -2), main, 'f.yml')).message).toBe(
      'Vault format error in f.yml: Vault format unhexlify error: Odd-length string',
    );
    expect(thrown(() => decryptVault(good.replace(/3/, 'z'), main, 'f.yml')).message).toContain(
      'Non-hexadecimal digit found',
    );
    expect(thrown(() => decryptVault('$ANSIBLE_VAULT;1.1;AES256\n6162\n', main)).message).toContain(
      'expected a salt, an HMAC and a ciphertext',
    );
    expect(thrown(() => decryptVault('$ANSIBLE_VAULT;1.1;AES128\n6162\n', main)).message).toBe(
      'AES128 cipher could not be found',
    );
    expect(thrown(() => decryptVault('$ANSIBLE_VAULT\n6162\n', main)).message).toContain(
      'envelope format error',
    );
    expect(thrown(() => decryptVault('plain: yaml\n', main, 'f.yml')).message).toBe(
      'input is not vault encrypted data. f.yml is not a vault encrypted file',
    );
    expect(thrown(() => decryptVault(good, [])).message).toBe(
      'Attempting to decrypt but no vault secrets found',
    );
  });
});

describe('isVaultText', () => {
  it('is true for vault text only: ASCII and starting with the header', () => {
    expect(isVaultText(fixture('v11-simple.yml.vault'))).toBe(true);
    expect(isVaultText(fixture('v11-simple.yml.vault').toString())).toBe(true);
    expect(isVaultText('$ANSIBLE_VAULT;1.2;AES256;prod\n')).toBe(true);
    expect(isVaultText('a: 1\n')).toBe(false);
    expect(isVaultText(' $ANSIBLE_VAULT;1.1;AES256')).toBe(false);
    expect(isVaultText('$ANSIBLE_VAULT;1.1;AES256\nü')).toBe(false);
    expect(isVaultText(fixture('binary.bin'))).toBe(false);
    expect(isVaultText(Buffer.alloc(0))).toBe(false);
  });
});

describe.skipIf(!HAVE_ANSIBLE_VAULT)('interop with the installed ansible-vault', () => {
  it('ansible-vault decrypts fresh tsible output, 1.1 and 1.2', () => {
    const dir = tempDir();
    const plain = Buffer.concat([fixture('multiline.txt'), fixture('binary.bin')]);
    writeFileSync(join(dir, 'a.vault'), encryptVault(plain, main));
    writeFileSync(join(dir, 'b.vault'), encryptVault(plain, prod, { label: 'prod' }));
    for (const [file, args] of [
      ['a.vault', ['--vault-password-file', MAIN_PW_FILE]],
      ['b.vault', ['--vault-id', `prod@${PROD_PW_FILE}`]],
    ] as const) {
      const r = spawnSync('ansible-vault', ['decrypt', ...args, '--output', '-', join(dir, file)], {
        cwd: FIXTURES,
      });
      expect(r.status, r.stderr.toString()).toBe(0);
      expect(r.stdout.equals(plain)).toBe(true);
    }
  });

  it('tsible decrypts fresh ansible-vault output', () => {
    const r = spawnSync(
      'ansible-vault',
      ['encrypt_string', '--vault-password-file', MAIN_PW_FILE, 'fresh ✓'],
      {
        cwd: FIXTURES,
      },
    );
    expect(r.status, r.stderr.toString()).toBe(0);
    expect(decryptVault(unindent(r.stdout.toString()), main).toString()).toBe('fresh ✓');
  });
});
