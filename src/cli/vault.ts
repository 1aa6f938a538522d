// tsible-vault: ansible-vault's command line (create, encrypt, decrypt, view, edit, rekey, encrypt_string).
import { Command, CommanderError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT, TsibleError } from '../core/errors.js';
import { runVaultCommand, type VaultAction, type VaultCommandOptions } from '../vault/commands.js';
import { processIo, type VaultIo } from '../vault/io.js';

const FILES = ['file_name', 'Filename'] as const;
const STRINGS = ['string_to_encrypt', 'String to encrypt'] as const;
const SUBCOMMANDS: ReadonlyArray<[VaultAction, string, readonly [string, string]]> = [
  ['create', 'Create new vault encrypted file', FILES],
  ['decrypt', 'Decrypt vault encrypted file', FILES],
  ['edit', 'Edit vault encrypted file', FILES],
  ['view', 'View vault encrypted file', FILES],
  ['encrypt', 'Encrypt YAML file', FILES],
  ['encrypt_string', 'Encrypt a string', STRINGS],
  ['rekey', 'Re-key a vault encrypted file', FILES],
];
const WITH_OUTPUT: readonly VaultAction[] = ['decrypt', 'encrypt', 'encrypt_string'];
const WITH_ENCRYPT_ID: readonly VaultAction[] = ['create', 'edit', 'encrypt', 'encrypt_string', 'rekey'];

// No default value ([] would be printed in --help): an option never given stays undefined.
function collect(v: string, prev: string[] | undefined): string[] {
  return [...(prev ?? []), v];
}

/** The version from the package.json above this file, wherever it runs from (src/ under tsx, or dist/). */
function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++, dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'tsible' && pkg.version) return pkg.version;
    } catch {
      // Not here: look one level up.
    }
  }
  return 'unknown';
}

function addOptions(cmd: Command, action: VaultAction): void {
  cmd
    .option('--vault-id <vault_id>', 'the vault identity to use, [label@]source (repeatable)', collect)
    .addOption(
      new Option('--ask-vault-password, --ask-vault-pass', 'ask for vault password').conflicts(
        'vaultPassFile',
      ),
    )
    .option('--vault-password-file, --vault-pass-file <file>', 'vault password file (repeatable)', collect)
    .option('-v, --verbose', 'more output (accepted for compatibility; repeatable)');
  if (WITH_OUTPUT.includes(action)) {
    cmd.option('--output <output_file>', 'output file name for encrypt or decrypt; use - for stdout');
  }
  if (WITH_ENCRYPT_ID.includes(action)) {
    cmd.option(
      '--encrypt-vault-id <encrypt_vault_id>',
      'the vault id used to encrypt (required if more than one vault-id is provided)',
    );
  }
  if (action === 'encrypt_string') {
    cmd
      .option('-p, --prompt', 'prompt for the string to encrypt')
      .option('--show-input', 'do not hide input when prompted for the string to encrypt')
      .option('-n, --name <name>', 'specify the variable name (repeatable)', collect)
      .option('--stdin-name <name>', 'specify the variable name for stdin');
  }
  if (action === 'rekey') {
    cmd
      .addOption(
        new Option('--new-vault-password-file <file>', 'new vault password file for rekey').conflicts(
          'newVaultId',
        ),
      )
      .option('--new-vault-id <vault_id>', 'the new vault identity to use for rekey');
  }
}

function toCommandOptions(o: Record<string, unknown>): VaultCommandOptions {
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const opts: VaultCommandOptions = {
    vaultIds: (o.vaultId as string[] | undefined) ?? [],
    passwordFiles: (o.vaultPassFile as string[] | undefined) ?? [],
    askVaultPass: o.askVaultPass === true,
    prompt: o.prompt === true,
    showInput: o.showInput === true,
    names: (o.name as string[] | undefined) ?? [],
  };
  const optional = {
    encryptVaultId: str(o.encryptVaultId),
    output: str(o.output),
    newVaultPasswordFile: str(o.newVaultPasswordFile),
    newVaultId: str(o.newVaultId),
    stdinName: str(o.stdinName),
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) Object.assign(opts, { [k]: v });
  return opts;
}

/** Run tsible-vault with the user's arguments (no node/script prefix) against `io`; resolves the exit code. */
export async function runVaultCli(args: string[], io: VaultIo): Promise<number> {
  let chosen: { action: VaultAction; args: string[]; opts: VaultCommandOptions } | undefined;
  const program = new Command('tsible-vault')
    .description('encryption/decryption utility for Ansible data files')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .version(`tsible-vault ${packageVersion()}`, '--version')
    .addHelpText(
      'after',
      "\nSee 'tsible-vault <command> --help' for more information on a specific command.",
    );
  for (const [action, summary, [operand, operandHelp]] of SUBCOMMANDS) {
    const cmd = program.command(action).description(summary).argument(`[${operand}...]`, operandHelp);
    addOptions(cmd, action);
    cmd.action((operands: string[], opts: Record<string, unknown>) => {
      chosen = { action, args: operands, opts: toCommandOptions(opts) };
    });
  }
  try {
    program.parse(args, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.options;
    throw e;
  }
  if (!chosen) return EXIT.options;
  try {
    await runVaultCommand(chosen.action, chosen.args, chosen.opts, io);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof TsibleError) {
      io.stderr.write(`ERROR! ${e.message}\n`);
      return e.exitCode;
    }
    io.stderr.write(
      `ERROR! Unexpected Exception, this is probably a bug: ${(e as Error)?.message ?? String(e)}\n`,
    );
    return EXIT.internal;
  }
}

/** Entry point for bin/tsible-vault.js, which passes process.argv. */
export async function main(argv: string[]): Promise<number> {
  // `tsible-vault view f | head` closes the pipe early: that is the reader's choice, not an error to report.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
  const code = await runVaultCli(argv.slice(2), processIo());
  // Let piped output drain before the launcher calls process.exit.
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  return code;
}
