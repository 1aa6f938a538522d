// tsible-vault encrypt_string: strings from the prompt, stdin and arguments, as `!vault |` YAML blocks.
import { TsibleError } from '../core/errors.js';
import { writeAtomic } from './files.js';
import { encryptVault } from './format.js';
import type { VaultIo } from './io.js';
import type { VaultSecret } from './secret.js';

interface Plain {
  text: Buffer;
  from: string;
  name?: string;
}

export interface EncryptStringOptions {
  prompt?: boolean;
  showInput?: boolean;
  names?: string[];
  stdinName?: string;
  output?: string;
}

const FROM_STDIN = 'stdin';
const FROM_ARGS = 'the command line args';
const FROM_PROMPT = 'the interactive prompt';
const INDENT = ' '.repeat(10);

function optionsError(message: string): TsibleError {
  return new TsibleError('options', message);
}

/** `name: !vault |` (or a bare `!vault |`) followed by the vault text indented by ten spaces, no final newline. */
export function formatVaultYaml(vaultText: string, name?: string): string {
  const lines = [`${name ? `${name}: ` : ''}!vault |`];
  for (const line of vaultText.split('\n')) if (line !== '') lines.push(INDENT + line);
  return lines.join('\n');
}

/** Stdin is read when "-" is an argument, when there are no arguments, or with --stdin-name. */
export function readsStdin(args: string[], o: EncryptStringOptions): boolean {
  return args.includes('-') || args.length === 0 || o.stdinName !== undefined;
}

async function collect(args: string[], o: EncryptStringOptions, io: VaultIo): Promise<Plain[]> {
  const plains: Plain[] = [];
  if (o.prompt) {
    const name = await io.prompt('Variable name (enter for no name): ', { hidden: false });
    const hidden = o.showInput !== true;
    const text = await io.prompt(hidden ? 'String to encrypt (hidden): ' : 'String to encrypt:', { hidden });
    if (!text) throw optionsError('The plaintext provided from the prompt was empty, not encrypting');
    plains.push({ text: Buffer.from(text, 'utf8'), from: FROM_PROMPT, ...(name ? { name } : {}) });
  }
  if (readsStdin(args, o)) {
    if (io.stdoutIsTTY) {
      io.stderr.write(
        'Reading plaintext input from stdin. (ctrl-d to end input, twice if your content does not already have a newline)\n',
      );
    }
    const text = await io.readStdin();
    if (text.length === 0) throw optionsError('stdin was empty, not encrypting');
    if (io.stdoutIsTTY && text.at(-1) !== 0x0a) io.stdout.write('\n');
    plains.push({ text, from: FROM_STDIN, ...(o.stdinName ? { name: o.stdinName } : {}) });
  }
  const strings = args.filter((a) => a !== '-');
  const names = o.names ?? [];
  if (names.length > 0 && strings.length > names.length) {
    // Deliberately vague, so that no plaintext ever appears in the message.
    io.stderr.write('The number of --name options do not match the number of args.\n');
    io.stderr.write(`The last named variable will be "${names.at(-1)!}". The rest will not have names.\n`);
  }
  strings.forEach((s, i) => {
    if (s === '')
      throw optionsError('The plaintext provided from the command line args was empty, not encrypting');
    const name = names[i];
    plains.push({ text: Buffer.from(s, 'utf8'), from: FROM_ARGS, ...(name ? { name } : {}) });
  });
  return plains;
}

/** Encrypt each string with `secret`; with several, stderr tells which block is which. */
export async function encryptString(
  args: string[],
  o: EncryptStringOptions,
  secret: VaultSecret,
  io: VaultIo,
): Promise<void> {
  if (o.prompt && readsStdin(args, o)) {
    throw optionsError('The --prompt option is not supported if also reading input from stdin');
  }
  const plains = await collect(args, o, io);
  const outs: string[] = [];
  plains.forEach((p, i) => {
    const vault = encryptVault(p.text, secret.bytes(), { label: secret.label });
    outs.push(formatVaultYaml(vault, p.name));
    if (plains.length > 1) {
      // Wording (and the stray ")" of the unnamed case) as ansible-vault prints it.
      io.stderr.write(
        p.name
          ? `# The encrypted version of variable ("${p.name}", the string #${i + 1} from ${p.from}).\n`
          : `# The encrypted version of the string #${i + 1} from ${p.from}.)\n`,
      );
    }
  });
  const out = Buffer.from(outs.join('\n'), 'utf8');
  if (o.output && o.output !== '-') writeAtomic(o.output, out);
  else io.stdout.write(out);
  if (io.stdoutIsTTY) io.stderr.write('Encryption successful\n');
}
