// The vault secrets a run knows (--vault-id, password files, prompts, environment) and decrypting with them.
import { readFileSync } from 'node:fs';
import { TsibleError } from '../core/errors.js';
import type { VaultText } from '../core/yaml.js';
import {
  DEFAULT_LABEL,
  decryptParsed,
  decryptionFailed,
  encryptVault,
  isVaultText,
  parseVault,
  type EncryptOptions,
} from './format.js';
import { loadPasswordSource } from './password-source.js';
import { promptUser, type PromptFn } from './prompt.js';
import { VaultSecret } from './secret.js';

export interface VaultSecretsOptions {
  /** `--vault-id [label@]source`, source being a file, a script or `prompt` (repeatable). */
  vaultIds?: string[];
  /** `--vault-password-file` (repeatable); each gets the label "default". */
  passwordFiles?: string[];
  /** `--ask-vault-pass`. */
  askVaultPass?: boolean;
  /** ansible.cfg `vault_password_file`; TSIBLE_/ANSIBLE_VAULT_PASSWORD_FILE override it. */
  configPasswordFile?: string;
  /** ansible.cfg `vault_identity_list`; TSIBLE_/ANSIBLE_VAULT_IDENTITY_LIST override it. */
  configIdentityList?: string[];
  /** Ignore the environment and config defaults (the new secret of a rekey). */
  noDefaults?: boolean;
  /** Prompt when no source at all is given: the vault CLI does, playbooks do not. */
  autoPrompt?: boolean;
  /** The secret is for encrypting: prompts say "New" and ask twice. */
  newPassword?: boolean;
  prompt?: PromptFn;
  /** Where non-fatal problems go (a missing password file when another secret was found). */
  warn?: (message: string) => void;
  env?: NodeJS.ProcessEnv;
}

/** The result of a decryption: the plaintext and the secret that opened it (edit re-encrypts with it). */
export interface Decrypted {
  plaintext: Buffer;
  secret: VaultSecret;
  /** The label in the 1.2 header, or "default" for a 1.1 header. */
  headerLabel: string;
}

const PROMPT_SOURCES = new Set(['prompt', 'prompt_ask_vault_pass']);

/** `label@source` → [label, source]; without "@" the whole is the source, as Ansible splits it. */
export function splitVaultId(slug: string): [string | undefined, string] {
  const at = slug.indexOf('@');
  return at < 0 ? [undefined, slug] : [slug.slice(0, at), slug.slice(at + 1)];
}

function listFromEnv(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function promptsFor(source: string, label: string, isNew: boolean): string[] {
  // --ask-vault-pass keeps Ansible's older prompt wording, which tools such as AWX match on.
  if (source === 'prompt_ask_vault_pass') {
    return isNew ? ['New Vault password: ', 'Confirm New Vault password: '] : ['Vault password: '];
  }
  return isNew
    ? [`New vault password (${label}): `, `Confirm new vault password (${label}): `]
    : [`Vault password (${label}): `];
}

async function askSecret(
  source: string,
  label: string,
  isNew: boolean,
  prompt: PromptFn,
): Promise<VaultSecret> {
  const answers: Buffer[] = [];
  for (const message of promptsFor(source, label, isNew)) {
    const answer = await prompt(message, { hidden: true });
    if (answer === undefined) throw new TsibleError('vault', `EOFError (ctrl-d) on prompt for (${label})`);
    if (answer === '') throw new TsibleError('vault', 'Invalid vault password was provided');
    answers.push(Buffer.from(answer.trim(), 'utf8'));
  }
  const [first, ...rest] = answers;
  if (!first) throw new TsibleError('internal', 'no password prompt was shown');
  if (rest.some((a) => !a.equals(first))) throw new TsibleError('vault', 'Passwords do not match');
  return new VaultSecret(label, first, 'prompt');
}

export class VaultSecrets {
  constructor(private readonly secrets: readonly VaultSecret[]) {}

  /** Secrets given directly, e.g. by tests or an API caller. */
  static of(list: ReadonlyArray<{ label?: string; password: string | Uint8Array }>): VaultSecrets {
    return new VaultSecrets(
      list.map((s) => new VaultSecret(s.label || DEFAULT_LABEL, s.password, 'argument')),
    );
  }

  /**
   * Gather secrets in Ansible's order: the identity list, `--vault-id`s, password files (the env/config
   * one last), then a prompt if asked for. A source that fails only warns when another one works.
   */
  static async fromOptions(o: VaultSecretsOptions): Promise<VaultSecrets> {
    const env = o.env ?? process.env;
    const prompt = o.prompt ?? promptUser;
    const warn = o.warn ?? ((m: string) => process.stderr.write(`[WARNING]: ${m}\n`));
    const identityList = o.noDefaults
      ? []
      : (listFromEnv(env.TSIBLE_VAULT_IDENTITY_LIST ?? env.ANSIBLE_VAULT_IDENTITY_LIST) ??
        o.configIdentityList ??
        []);
    const slugs = [...identityList, ...(o.vaultIds ?? [])];
    for (const slug of slugs) {
      if (slug.includes(';')) {
        throw new TsibleError(
          'options',
          `'${slug}' is not a valid vault id. The character ';' is not allowed in vault ids`,
        );
      }
    }
    const files = [...(o.passwordFiles ?? [])];
    const envFile = o.noDefaults
      ? undefined
      : env.TSIBLE_VAULT_PASSWORD_FILE || env.ANSIBLE_VAULT_PASSWORD_FILE || o.configPasswordFile;
    if (envFile) files.push(envFile);
    const entries = [
      ...slugs.map(splitVaultId),
      ...files.map((f): [string | undefined, string] => [DEFAULT_LABEL, f]),
    ];
    if (o.askVaultPass || (entries.length === 0 && o.autoPrompt))
      entries.push([DEFAULT_LABEL, 'prompt_ask_vault_pass']);

    const found: VaultSecret[] = [];
    let lastError: unknown;
    for (const [label, source] of entries) {
      if (PROMPT_SOURCES.has(source)) {
        found.push(await askSecret(source, label || DEFAULT_LABEL, o.newPassword === true, prompt));
        continue;
      }
      try {
        found.push(await loadPasswordSource(source, label, found));
      } catch (e) {
        warn(`Error getting vault password file (${label || DEFAULT_LABEL}): ${(e as Error).message}`);
        lastError = e;
      }
    }
    if (lastError !== undefined && found.length === 0) throw lastError;
    return new VaultSecrets(found);
  }

  hasAny(): boolean {
    return this.secrets.length > 0;
  }

  /** The labels of the known secrets, in order (safe to print). */
  labels(): string[] {
    return this.secrets.map((s) => s.label);
  }

  /**
   * The secret to encrypt with: the one labelled `encryptVaultId` when given, else the first. More than
   * one secret and no choice is an error, as in ansible-vault.
   */
  encryptSecret(encryptVaultId?: string): VaultSecret {
    if (this.secrets.length === 0) {
      throw new TsibleError('options', "A vault password is required to use Ansible's Vault");
    }
    if (encryptVaultId) {
      const match = this.secrets.find((s) => s.label === encryptVaultId);
      if (!match) {
        const known = this.labels()
          .map((l) => `'${l}'`)
          .join(', ');
        throw new TsibleError(
          'vault',
          `Did not find a match for --encrypt-vault-id=${encryptVaultId} in the known vault-ids [${known}]`,
        );
      }
      return match;
    }
    if (this.secrets.length > 1) {
      throw new TsibleError(
        'options',
        `The vault-ids ${this.labels().join(',')} are available to encrypt. Specify the vault-id to encrypt with --encrypt-vault-id`,
      );
    }
    return this.secrets[0]!;
  }

  /** Encrypt with `encryptSecret(encryptVaultId)`; its label goes into a 1.2 header unless it is "default". */
  encrypt(plaintext: string | Uint8Array, opts: { encryptVaultId?: string; salt?: Uint8Array } = {}): string {
    const secret = this.encryptSecret(opts.encryptVaultId);
    const enc: EncryptOptions = { label: secret.label, ...(opts.salt ? { salt: opts.salt } : {}) };
    return encryptVault(plaintext, secret.bytes(), enc);
  }

  /**
   * Decrypt, trying first the secrets whose label matches the header (1.1 means "default"), then the
   * others: the label is only a hint, it is not authenticated.
   */
  decryptDetailed(text: string | Uint8Array, source?: string): Decrypted {
    const parsed = parseVault(text, source);
    if (this.secrets.length === 0)
      throw new TsibleError('vault', 'Attempting to decrypt but no vault secrets found');
    const headerLabel = parsed.label || DEFAULT_LABEL;
    const ordered = [
      ...this.secrets.filter((s) => s.label === headerLabel),
      ...this.secrets.filter((s) => s.label !== headerLabel),
    ];
    for (const secret of ordered) {
      const plaintext = decryptParsed(parsed, secret.bytes(), source);
      if (plaintext) return { plaintext, secret, headerLabel };
    }
    throw decryptionFailed(source);
  }

  /** Decrypt vault text; `source` (a file name) only appears in error messages. */
  decrypt(text: string | Uint8Array, source?: string): Buffer {
    return this.decryptDetailed(text, source).plaintext;
  }

  toString(): string {
    return `VaultSecrets(${this.labels().join(', ')})`;
  }
}

/** The plaintext of a `!vault` value (UTF-8), for the engine to use when the variable is read. */
export function decryptValue(v: VaultText, secrets: VaultSecrets | undefined, source?: string): string {
  if (!secrets?.hasAny()) throw new TsibleError('vault', 'Attempting to decrypt but no vault secrets found');
  return secrets.decrypt(v.ciphertext, source).toString('utf8');
}

/**
 * A file's bytes, decrypted if the whole file is vault text (vars files, group_vars, copy src...).
 * Encrypted and no secrets: Ansible's "Attempting to decrypt but no vault secrets found", exit code 1.
 */
export function loadMaybeEncrypted(path: string, secrets: VaultSecrets | undefined): Buffer {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (e) {
    throw new TsibleError('vault', `Unable to read source file (${path}): ${(e as Error).message}`, {
      cause: e,
    });
  }
  if (!isVaultText(data)) return data;
  if (!secrets?.hasAny()) {
    throw new TsibleError('vault', 'Attempting to decrypt but no vault secrets found', {
      pos: { file: path },
      exitCode: 1,
      hint: 'give a vault password with --ask-vault-pass, --vault-password-file or --vault-id',
    });
  }
  return secrets.decrypt(data, path);
}
