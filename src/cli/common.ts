// What tsible-playbook and tsible (ad-hoc) share: connection/become/vault flags, config resolution,
// the output callbacks, and vault setup.
import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { boolSetting, loadConfig, setting, type ConfigFile } from '../config/config.js';
import { knownKeyWarnings } from '../config/keys.js';
import { EXIT, TsibleError } from '../core/errors.js';
import { setDecryptHook } from '../core/read.js';
import type { Vars } from '../core/types.js';
import { loadYaml, type VaultText } from '../core/yaml.js';
import type { RunConfig } from '../engine/context.js';
import { createCallbacks } from '../output/callbacks.js';
import type { Callback } from '../output/events.js';
import { askOnTerminal } from '../transport/secrets.js';
import { decryptValue, VaultSecrets } from '../vault/secrets.js';

export function collect(v: string, prev: string[]): string[] {
  return [...prev, v];
}

/** -e: key=value pairs (strings), JSON/YAML text, or @file. */
export function parseExtraVars(list: string[]): Vars {
  const out: Vars = {};
  for (const e of list) {
    const text = e.trim();
    if (text.startsWith('@')) {
      const file = text.slice(1);
      const data = loadYaml(readFileSync(file, 'utf8'), file);
      if (data && typeof data === 'object') Object.assign(out, data);
      continue;
    }
    if (text.startsWith('{') || text.startsWith('[')) {
      const data = loadYaml(text, '<extra vars>');
      if (data && typeof data === 'object' && !Array.isArray(data)) Object.assign(out, data);
      continue;
    }
    // k=v pairs, split like a shell; values stay strings, as in Ansible.
    const re = /([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text))) {
      let v = m[2]!;
      if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'")))
        v = v.slice(1, -1);
      out[m[1]!] = v;
    }
  }
  return out;
}

const ALIASES: Record<string, string> = {
  '--key-file': '--private-key',
  '--vault-pass-file': '--vault-password-file',
  '--ask-vault-pass': '--ask-vault-password',
  '--ask-become-password': '--ask-become-pass',
};

/** Ansible's alternative spellings of flags, rewritten to the ones commander knows. */
export function normalizeArgv(argv: string[]): string[] {
  return argv.map((a) => {
    const [flag, ...rest] = a.split('=');
    const canon = ALIASES[flag!];
    return canon ? [canon, ...rest].join('=') : a;
  });
}

/** Flags shared by tsible-playbook and tsible. */
export function addCommonOptions(cmd: Command, onVerbose: () => void): Command {
  return cmd
    .option(
      '-i, --inventory <source>',
      'inventory file, directory, script or host list (repeatable)',
      collect,
      [],
    )
    .option('-l, --limit <pattern>', 'further limit selected hosts to a pattern')
    .option(
      '-e, --extra-vars <vars>',
      'extra variables: key=value, JSON/YAML, or @file (repeatable)',
      collect,
      [],
    )
    .option('-C, --check', "don't make any changes; predict what would change")
    .option('-D, --diff', 'show the differences in changed files')
    .option('-f, --forks <n>', 'how many hosts to work on at once (default 50)')
    .option('-v, --verbose', 'more output (-vvv for connection details)', onVerbose)
    .option('-u, --user <user>', 'connect as this user')
    .option('--private-key <file>', 'private key file for SSH (alias --key-file)')
    .option('-T, --timeout <seconds>', 'connection timeout in seconds')
    .option('-c, --connection <type>', 'connection type (ssh, local)')
    .option(
      '--ssh-common-args <args>',
      'extra arguments for ssh, like ansible_ssh_common_args (-o Key=Value, -J host)',
    )
    .option('--ssh-extra-args <args>', 'extra arguments for ssh only')
    .option(
      '--private-key-passphrase-file <file>',
      'file whose first line is the passphrase of encrypted private keys',
    )
    .option('-k, --ask-pass', 'ask for the SSH password')
    .option('--connection-password-file <file>', 'read the SSH password from a file')
    .option('-b, --become', 'run operations with become')
    .option('--become-user <user>', 'become this user (default root)')
    .option('--become-method <method>', 'privilege escalation method (sudo, su)')
    .option('-K, --ask-become-pass', 'ask for the become password')
    .option('--become-password-file <file>', 'read the become password from a file')
    .option('--vault-id <id>', 'vault identity [label@]source (repeatable)', collect, [])
    .option(
      '--vault-password-file <file>',
      'vault password file (repeatable; alias --vault-pass-file)',
      collect,
      [],
    )
    .option('-J, --ask-vault-password', 'ask for the vault password (alias --ask-vault-pass)')
    .option('--junit <file>', 'write a JUnit XML report of the run')
    .option('--report <file>', 'write a self-contained HTML report of the run')
    .addOption(new Option('--color', 'force colour').hideHelp());
}

export interface Resolved {
  file: ConfigFile;
  cfg: RunConfig;
  inventory: string[];
  cb: Callback;
  verbosity: number;
  warnings: string[];
}

function readSecretFile(path: string): string {
  return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
}

/** Config file + env + flags → the run's settings, the output, and the vault hooks. */
export async function resolveRun(
  o: Record<string, unknown>,
  verbosity: number,
  writeOut?: (s: string) => void,
): Promise<Resolved> {
  const file = loadConfig();
  const get = (section: string, key: string): string | undefined => setting(file, section, key);
  const split = (l: unknown): string[] =>
    ((l as string[] | undefined) ?? [])
      .flatMap((t) => t.split(','))
      .map((t) => t.trim())
      .filter(Boolean);
  const warnings = knownKeyWarnings(file);
  const noColor = process.env.NO_COLOR !== undefined || boolSetting(get('defaults', 'nocolor'), false);
  const forceColor = boolSetting(
    process.env.TSIBLE_FORCE_COLOR ?? process.env.ANSIBLE_FORCE_COLOR ?? get('defaults', 'force_color'),
    false,
  );
  const color = !noColor && (o.color === true || forceColor || process.stdout.isTTY === true);
  const diff = o.diff === true || boolSetting(get('diff', 'always'), false);
  const forksRaw = o.forks ?? get('defaults', 'forks') ?? 50;
  const forks = Number(forksRaw);
  if (!Number.isInteger(forks) || forks < 1) {
    throw new TsibleError(
      'options',
      `The value of --forks must be a positive whole number, got ${String(forksRaw)}`,
    );
  }
  const timeout = Number(o.timeout ?? get('defaults', 'timeout') ?? 10);
  if (!Number.isFinite(timeout) || timeout <= 0) {
    throw new TsibleError(
      'options',
      `The value of --timeout must be a positive number, got ${String(o.timeout)}`,
    );
  }
  const becomeMethod = (o.becomeMethod as string | undefined) ?? get('privilege_escalation', 'become_method');
  if (becomeMethod !== undefined && !['sudo', 'su'].includes(becomeMethod)) {
    throw new TsibleError('options', `Invalid become method '${becomeMethod}': tsible supports sudo and su`);
  }
  const inventory = (o.inventory as string[] | undefined)?.length
    ? (o.inventory as string[])
    : (get('defaults', 'inventory') ?? '/etc/ansible/hosts').split(',');

  let becomePassword: string | undefined;
  if (o.becomePasswordFile) becomePassword = readSecretFile(String(o.becomePasswordFile));
  else if (o.askBecomePass || boolSetting(get('privilege_escalation', 'become_ask_pass'), false)) {
    becomePassword = await askOnTerminal('BECOME password: ');
  }
  const password = o.connectionPasswordFile ? readSecretFile(String(o.connectionPasswordFile)) : undefined;

  const secrets = await VaultSecrets.fromOptions({
    vaultIds: o.vaultId as string[] | undefined,
    passwordFiles: o.vaultPasswordFile as string[] | undefined,
    askVaultPass: o.askVaultPassword === true,
    configPasswordFile: get('defaults', 'vault_password_file'),
    configIdentityList: get('defaults', 'vault_identity_list')?.split(','),
  });
  setDecryptHook(secrets.hasAny() ? (data, f) => secrets.decrypt(data.toString('utf8'), f) : undefined);

  const cb = createCallbacks({
    stdoutCallback: get('defaults', 'stdout_callback'),
    logPath: get('defaults', 'log_path'),
    junit: o.junit as string | undefined,
    report: o.report as string | undefined,
    color,
    verbosity,
    diff,
    write: writeOut,
    columns: process.stdout.isTTY ? process.stdout.columns : undefined,
  });
  const cfg: RunConfig = {
    check: o.check === true,
    diff,
    forks,
    verbosity,
    extraVars: parseExtraVars((o.extraVars as string[] | undefined) ?? []),
    limit: o.limit as string | undefined,
    tags: split(o.tags),
    skipTags: split(o.skipTags),
    become: o.become === true ? true : boolSetting(get('privilege_escalation', 'become'), false) || undefined,
    becomeUser: (o.becomeUser as string | undefined) ?? get('privilege_escalation', 'become_user'),
    becomeMethod,
    becomePassword,
    forceHandlers: o.forceHandlers === true || boolSetting(get('defaults', 'force_handlers'), false),
    startAtTask: o.startAtTask as string | undefined,
    rolesPath: (
      get('defaults', 'roles_path') ?? '~/.ansible/roles:/usr/share/ansible/roles:/etc/ansible/roles'
    )
      .split(':')
      .filter(Boolean)
      .map((p) => p.replace(/^~/, homedir())),
    connection: o.connection as string | undefined,
    vaultDecrypt: secrets.hasAny()
      ? (v: VaultText, src?: string) => decryptValue(v, secrets, src)
      : undefined,
    connect: {
      remoteUser: (o.user as string | undefined) ?? get('defaults', 'remote_user'),
      privateKey: (o.privateKey as string | undefined) ?? get('defaults', 'private_key_file'),
      hostKeyChecking: boolSetting(get('defaults', 'host_key_checking'), true),
      timeoutSec: timeout,
      password,
      askPass: o.askPass === true,
      keyPassphraseFile: o.privateKeyPassphraseFile as string | undefined,
      sshArgs: get('ssh_connection', 'ssh_args'),
      sshCommonArgs: (o.sshCommonArgs as string | undefined) ?? get('ssh_connection', 'ssh_common_args'),
      sshExtraArgs: (o.sshExtraArgs as string | undefined) ?? get('ssh_connection', 'ssh_extra_args'),
      debug: verbosity >= 3 ? (line: string) => process.stdout.write(line + '\n') : undefined,
    },
  };
  return { file, cfg, inventory, cb, verbosity, warnings };
}

/** Map an error to its message on stderr and Ansible's exit code. */
export function exitCodeFor(e: unknown): number {
  if (e instanceof TsibleError) return e.exitCode;
  return EXIT.internal;
}
