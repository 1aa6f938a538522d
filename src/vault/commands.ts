// The tsible-vault actions (create, encrypt, decrypt, view, edit, rekey) with ansible-vault's messages.
import { existsSync, mkdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { TsibleError } from '../core/errors.js';
import { encryptString } from './encrypt-string.js';
import { editPlaintext, readSource, writeAtomic } from './files.js';
import { encryptVault } from './format.js';
import type { VaultIo } from './io.js';
import type { VaultSecret } from './secret.js';
import { VaultSecrets } from './secrets.js';

export const VAULT_ACTIONS = [
  'create',
  'decrypt',
  'edit',
  'view',
  'encrypt',
  'encrypt_string',
  'rekey',
] as const;
export type VaultAction = (typeof VAULT_ACTIONS)[number];

export interface VaultCommandOptions {
  vaultIds: string[];
  passwordFiles: string[];
  askVaultPass: boolean;
  encryptVaultId?: string;
  output?: string;
  newVaultPasswordFile?: string;
  newVaultId?: string;
  /** encrypt_string: -p/--prompt, --show-input, -n/--name, --stdin-name. */
  prompt?: boolean;
  showInput?: boolean;
  names?: string[];
  stdinName?: string;
}

const READS: readonly VaultAction[] = ['decrypt', 'view', 'rekey', 'edit'];

export function optionsError(message: string): TsibleError {
  return new TsibleError('options', message);
}

/** Follow symlinks like Ansible, so the link stays and its target is rewritten; "-" is stdin/stdout. */
function realPath(file: string): string {
  if (file === '-') return file;
  try {
    return realpathSync(file);
  } catch {
    return resolve(file);
  }
}

/** ansible-vault appends the file to errors from decrypting it ("... for <file>"). */
function forFile<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof TsibleError)
      throw new TsibleError(e.kind, `${e.message} for ${file}`, { exitCode: e.exitCode });
    throw e;
  }
}

class VaultCommand {
  constructor(
    private readonly o: VaultCommandOptions,
    private readonly io: VaultIo,
  ) {}

  private warn = (m: string): void => {
    this.io.stderr.write(`[WARNING]: ${m}\n`);
  };

  private readData(file: string): Promise<Buffer> {
    return file === '-' ? this.io.readStdin() : Promise.resolve(readSource(file));
  }

  private writeData(file: string, data: Uint8Array): void {
    if (file === '-') this.io.stdout.write(data);
    else writeAtomic(file, data);
  }

  private base(): Parameters<typeof VaultSecrets.fromOptions>[0] {
    return {
      vaultIds: this.o.vaultIds,
      passwordFiles: this.o.passwordFiles,
      askVaultPass: this.o.askVaultPass,
      autoPrompt: true,
      prompt: this.io.prompt,
      warn: this.warn,
      env: this.io.env,
    };
  }

  private encryptVaultId(): string | undefined {
    const env = this.io.env;
    return (
      this.o.encryptVaultId ||
      env.TSIBLE_VAULT_ENCRYPT_IDENTITY ||
      env.ANSIBLE_VAULT_ENCRYPT_IDENTITY ||
      undefined
    );
  }

  async run(action: VaultAction, args: string[]): Promise<void> {
    if (this.o.output && args.length > 1)
      throw optionsError('At most one input file may be used with the --output option');
    if (action === 'create' && args.length !== 1) {
      throw optionsError('ansible-vault create can take only one filename argument');
    }
    if (READS.includes(action)) {
      const secrets = await VaultSecrets.fromOptions(this.base());
      if (!secrets.hasAny()) throw optionsError("A vault password is required to use Ansible's Vault");
      if (action === 'decrypt') return this.decrypt(args, secrets);
      if (action === 'view') return this.view(args, secrets);
      if (action === 'edit') return this.edit(args, secrets);
      return this.rekey(args, secrets, await this.newSecret());
    }
    const secrets = await VaultSecrets.fromOptions({ ...this.base(), newPassword: true });
    const secret = secrets.encryptSecret(this.encryptVaultId());
    if (action === 'encrypt') return this.encrypt(args, secret);
    if (action === 'create') return this.create(args[0]!, secret);
    return encryptString(args, this.o, secret, this.io);
  }

  /** rekey's new secret: only --new-vault-id / --new-vault-password-file, else a "New Vault password" prompt. */
  private async newSecret(): Promise<VaultSecret> {
    const secrets = await VaultSecrets.fromOptions({
      ...this.base(),
      vaultIds: this.o.newVaultId ? [this.o.newVaultId] : [],
      passwordFiles: this.o.newVaultPasswordFile ? [this.o.newVaultPasswordFile] : [],
      askVaultPass: false,
      newPassword: true,
      noDefaults: true,
    });
    if (!secrets.hasAny())
      throw optionsError("A new vault password is required to use Ansible's Vault rekey");
    return secrets.encryptSecret(this.encryptVaultId());
  }

  private async encrypt(args: string[], secret: VaultSecret): Promise<void> {
    if (args.length === 0 && this.io.stdinIsTTY) this.io.stderr.write('Reading plaintext input from stdin\n');
    for (const f of args.length ? args : ['-']) {
      const file = realPath(f);
      const ciphertext = encryptVault(await this.readData(file), secret.bytes(), { label: secret.label });
      this.writeData(this.o.output ?? file, Buffer.from(ciphertext, 'latin1'));
    }
    if (this.io.stdoutIsTTY) this.io.stderr.write('Encryption successful\n');
  }

  private async decrypt(args: string[], secrets: VaultSecrets): Promise<void> {
    if (args.length === 0 && this.io.stdinIsTTY)
      this.io.stderr.write('Reading ciphertext input from stdin\n');
    for (const f of args.length ? args : ['-']) {
      const file = realPath(f);
      const data = await this.readData(file);
      const plaintext = forFile(file, () => secrets.decrypt(data, file));
      this.writeData(this.o.output ?? file, plaintext);
    }
    if (this.io.stdoutIsTTY) this.io.stderr.write('Decryption successful\n');
  }

  private async view(args: string[], secrets: VaultSecrets): Promise<void> {
    for (const f of args) {
      const data = await this.readData(f);
      const plaintext = forFile(f, () => secrets.decrypt(data, f));
      // Printed like any Ansible message: a newline is added unless the text already ends with one.
      const text = plaintext.at(-1) === 0x0a ? plaintext : Buffer.concat([plaintext, Buffer.from('\n')]);
      if (this.io.stdoutIsTTY && this.io.page) this.io.page(text);
      else this.io.stdout.write(text);
    }
  }

  private create(f: string, secret: VaultSecret): void {
    const dir = dirname(f);
    if (dir && !existsSync(dir)) {
      this.warn(`${dir} does not exist, creating...`);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    }
    if (existsSync(f) && statSync(f).isFile())
      throw new TsibleError('vault', `${f} exists, please use 'edit' instead`);
    const plaintext = editPlaintext(Buffer.alloc(0), f, this.io.env);
    // Saved even when left empty, as ansible-vault does: the user asked for the file to exist.
    writeAtomic(f, Buffer.from(encryptVault(plaintext, secret.bytes(), { label: secret.label }), 'latin1'));
  }

  private async edit(args: string[], secrets: VaultSecrets): Promise<void> {
    for (const f of args) {
      const file = realPath(f);
      const data = await this.readData(file);
      const { plaintext, secret, headerLabel } = forFile(file, () => secrets.decryptDetailed(data));
      const edited = editPlaintext(plaintext, file, this.io.env);
      // Unchanged: leave the file alone (same bytes, same mtime, no noise in version control).
      if (edited.equals(plaintext)) continue;
      // The same secret and the same header label as before, so other tools keep finding the right key.
      writeAtomic(file, Buffer.from(encryptVault(edited, secret.bytes(), { label: headerLabel }), 'latin1'));
    }
  }

  private async rekey(args: string[], secrets: VaultSecrets, next: VaultSecret): Promise<void> {
    for (const f of args) {
      const file = realPath(f);
      const data = await this.readData(file);
      const plaintext = forFile(file, () => secrets.decrypt(data));
      writeAtomic(file, Buffer.from(encryptVault(plaintext, next.bytes(), { label: next.label }), 'latin1'));
    }
    this.io.stderr.write('Rekey successful\n');
  }
}

/** Run one tsible-vault action; errors are thrown as TsibleError (kind "options" → exit 5, else 1). */
export function runVaultCommand(
  action: VaultAction,
  args: string[],
  o: VaultCommandOptions,
  io: VaultIo,
): Promise<void> {
  return new VaultCommand(o, io).run(action, args);
}
