// Reading controller files that may be vault-encrypted: one hook, set by the CLI, used by every loader.
import { readFileSync } from 'node:fs';
import { TsibleError } from './errors.js';

type Decrypt = (data: Buffer, file: string) => Buffer;

let decrypt: Decrypt | undefined;
let secretReads = 0;

/**
 * How many vault decryptions have happened so far. A task whose planning decrypted something (an encrypted
 * copy source, a !vault variable in a template) must not show file contents in --diff.
 */
export function secretReadCount(): number {
  return secretReads;
}

/** Count a decryption made elsewhere (inline !vault values decrypted by the templating). */
export function noteSecretRead(): void {
  secretReads++;
}

/** Install the run's vault decryption (or remove it with undefined). */
export function setDecryptHook(fn: Decrypt | undefined): void {
  decrypt = fn;
}

const HEADER = Buffer.from('$ANSIBLE_VAULT');

/** Whether a file's bytes are a whole-file vault. */
export function isVaultData(data: Buffer): boolean {
  return data.subarray(0, HEADER.length).equals(HEADER);
}

/** Read a controller file, decrypting it when it is a whole-file vault. */
export function readLocalFile(path: string): Buffer {
  const data = readFileSync(path);
  if (!isVaultData(data)) return data;
  if (!decrypt) {
    throw new TsibleError('vault', 'Attempting to decrypt but no vault secrets found', {
      pos: { file: path },
    });
  }
  secretReads++;
  return decrypt(data, path);
}

export function readLocalText(path: string): string {
  return readLocalFile(path).toString('utf8');
}

/** Decrypt whole-file vault text read by another loader (inventory group_vars). */
export function decryptText(text: string, file: string): string {
  if (!decrypt)
    throw new TsibleError('vault', 'Attempting to decrypt but no vault secrets found', { pos: { file } });
  secretReads++;
  return decrypt(Buffer.from(text, 'utf8'), file).toString('utf8');
}
