// Reading a data file the way Ansible's loader does: whole-file vault decrypted, then JSON first, then YAML 1.1.
import { readFileSync } from 'node:fs';
import { TsibleError } from '../core/errors.js';
import { loadYaml } from '../core/yaml.js';

/** Decrypts a whole-file vault text (`$ANSIBLE_VAULT;1.1;AES256...`) to plain text. */
export type VaultDecrypt = (text: string, file: string) => string;

/** A file's text, decrypted when it is a vault file. `file` is how the file is named in errors. */
export function readDataFile(path: string, file: string, decrypt?: VaultDecrypt): string {
  const text = readFileSync(path, 'utf8');
  if (!text.startsWith('$ANSIBLE_VAULT;')) return text;
  if (!decrypt) {
    throw new TsibleError('inventory', `Attempting to decrypt but no vault secrets found: ${file}`, {
      pos: { file },
      hint: 'give a vault password (--ask-vault-pass or --vault-password-file) to read encrypted files',
    });
  }
  return decrypt(text, file);
}

/** Parse JSON or YAML text (an empty text gives null). */
export function loadDataText(text: string, file: string): unknown {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[') || trimmed.startsWith('"')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // Not JSON after all: the YAML parser below gives the better error message.
    }
  }
  return loadYaml(text, file, { kind: 'inventory' });
}
