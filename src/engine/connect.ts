// Opens a host's one connection from its connection variables (combined with ~/.ssh/config the way
// Ansible's ssh command line and OpenSSH combine them), and wraps commands for become.
import { readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import type { BecomeSpec, Vars } from '../core/types.js';
import type { Wrapped } from '../transport/become.js';
import type { KeyCheck } from '../transport/known-hosts.js';
import { LocalConnection } from '../transport/local.js';
import type { Secrets } from '../transport/secrets.js';
import {
  defaultConfigFiles,
  defaultKeyFiles,
  expandTokens,
  parseJumpList,
  parseSshArgs,
  resolveSshConfig,
  type SshHostConfig,
  type SshSetting,
} from '../transport/ssh-config.js';
import type { SshHop, SshOptions } from '../transport/ssh.js';
import type { Connection, DebugLog } from '../transport/types.js';

export interface ConnectDefaults {
  /** -u / [defaults] remote_user. */
  remoteUser?: string;
  /** --private-key / [defaults] private_key_file. */
  privateKey?: string;
  /** [defaults] host_key_checking. */
  hostKeyChecking: boolean;
  /** -T / [defaults] timeout (ssh ConnectTimeout), seconds. */
  timeoutSec: number;
  /** SSH password (--connection-password-file, or already asked for -k). */
  password?: string;
  /** -k / --ask-pass: ask for the SSH password once, the first time a server wants one. */
  askPass?: boolean;
  /** A file whose first line is the passphrase of encrypted private keys. */
  keyPassphraseFile?: string;
  /** [ssh_connection] ssh_args, ssh_common_args, ssh_extra_args (or --ssh-common-args …). */
  sshArgs?: string;
  sshCommonArgs?: string;
  sshExtraArgs?: string;
  /** ssh_config files to read instead of ~/.ssh/config and /etc/ssh/ssh_config (tests). */
  sshConfigFiles?: string[];
  /** Where passphrases and the -k password are asked and cached (default: the run's terminal). */
  secrets?: Secrets;
  /** -vvv connection debugging: receives connection steps and wrapped commands, never a password. */
  debug?: DebugLog;
}

function str(v: unknown): string | undefined {
  return v === undefined || v === null || v === '' ? undefined : String(v);
}

export function truthy(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return ['yes', 'on', '1', 'true', 'y', 't'].includes(v.trim().toLowerCase());
  return false;
}

/** Split ssh argument text like a shell would (quotes respected). */
export function shellWords(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q: string | undefined;
  let any = false;
  for (const ch of text) {
    if (q) {
      if (ch === q) q = undefined;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      q = ch;
      any = true;
    } else if (/\s/.test(ch)) {
      if (cur || any) out.push(cur);
      cur = '';
      any = false;
    } else cur += ch;
  }
  if (cur || any) out.push(cur);
  return out;
}

export interface ConnectionInfo {
  kind: 'ssh' | 'local';
  user: string;
}

function isLocal(vars: Vars): boolean {
  return str(vars.ansible_connection) === 'local';
}

/** Host key checking from host_key_checking / ansible_host_key_checking (false wins over ssh_config). */
function hostKeyCheckingOff(vars: Vars, d: ConnectDefaults): boolean {
  if (vars.ansible_host_key_checking !== undefined) return !truthy(vars.ansible_host_key_checking);
  return !d.hostKeyChecking;
}

interface Layered {
  settings: SshSetting[];
  files: string[];
}

/**
 * The ssh "command line" Ansible would build, in its order: ssh_args, its own -o options (StrictHostKeyChecking
 * when checking is off, Port, IdentityFile, User, ConnectTimeout), then ssh_common_args and ssh_extra_args.
 * ssh keeps the first value of each option, so inventory variables beat -o options, which beat ssh_config.
 */
function layers(vars: Vars, d: ConnectDefaults): Layered {
  const words = (v: unknown, dflt: string | undefined): ReturnType<typeof parseSshArgs> =>
    parseSshArgs(shellWords(str(v) ?? dflt ?? ''));
  const sshArgs = words(vars.ansible_ssh_args, d.sshArgs);
  const common = words(vars.ansible_ssh_common_args, d.sshCommonArgs);
  const extra = words(vars.ansible_ssh_extra_args, d.sshExtraArgs);
  const own: SshSetting[] = [];
  if (hostKeyCheckingOff(vars, d)) own.push({ key: 'stricthostkeychecking', args: ['no'] });
  const port = str(vars.ansible_port) ?? str(vars.ansible_ssh_port);
  if (port) own.push({ key: 'port', args: [port] });
  const key = str(vars.ansible_ssh_private_key_file) ?? str(vars.ansible_private_key_file) ?? d.privateKey;
  if (key) own.push({ key: 'identityfile', args: [key] });
  const user = str(vars.ansible_user) ?? str(vars.ansible_ssh_user) ?? d.remoteUser;
  if (user) own.push({ key: 'user', args: [user] });
  // Ansible always passes its timeout; here only an explicit ansible_timeout beats ssh_config's
  // ConnectTimeout, and the configured default applies when neither says anything.
  const timeout = str(vars.ansible_timeout);
  if (timeout) own.push({ key: 'connecttimeout', args: [timeout] });
  const configFile = sshArgs.configFile ?? common.configFile ?? extra.configFile;
  return {
    settings: [...sshArgs.settings, ...own, ...common.settings, ...extra.settings],
    files: configFile ? [configFile] : (d.sshConfigFiles ?? defaultConfigFiles()),
  };
}

function agentFor(cfg: SshHostConfig): string | undefined {
  const a = cfg.identityAgent;
  if (a === undefined || a === 'SSH_AUTH_SOCK') return process.env.SSH_AUTH_SOCK || undefined;
  if (a.toLowerCase() === 'none') return undefined;
  if (a.startsWith('$')) return process.env[a.slice(1).replace(/^\{|\}$/g, '')] || undefined;
  return expandTokens(a, {
    home: homedir(),
    localUser: userInfo().username,
    host: cfg.hostName,
    originalHost: cfg.originalHost,
    user: cfg.user ?? userInfo().username,
    port: cfg.port ?? 22,
  });
}

function keyCheck(cfg: SshHostConfig, off: boolean): KeyCheck {
  if (off) return 'no';
  const s = cfg.strictHostKeyChecking;
  if (s === 'no' || s === 'off') return 'no';
  if (s === 'accept-new') return 'accept-new';
  // "ask" cannot ask in the middle of a run: like BatchMode, an unknown host is refused.
  return 'yes';
}

/** One hop's connection settings from its resolved ssh_config. */
function hopFrom(name: string, cfg: SshHostConfig, d: ConnectDefaults, off: boolean): SshHop {
  const home = homedir();
  return {
    name,
    address: cfg.hostName,
    port: cfg.port ?? 22,
    user: cfg.user ?? userInfo().username,
    keyFiles: cfg.identityFiles.length > 0 ? cfg.identityFiles : defaultKeyFiles(home),
    identitiesOnly: cfg.identitiesOnly,
    agent: agentFor(cfg),
    hostKeyCheck: keyCheck(cfg, off),
    knownHostsFiles: [
      ...(cfg.userKnownHostsFiles ?? [`${home}/.ssh/known_hosts`, `${home}/.ssh/known_hosts2`]),
      ...(cfg.globalKnownHostsFiles ?? ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2']),
    ],
    hostKeyAlias: cfg.hostKeyAlias,
    connectTimeoutMs: ((cfg.connectTimeoutSec || d.timeoutSec || 10) as number) * 1000,
    keepaliveMs: cfg.serverAliveIntervalSec !== undefined ? cfg.serverAliveIntervalSec * 1000 : 15_000,
    keepaliveCountMax: cfg.serverAliveCountMax ?? 3,
    batchMode: cfg.batchMode,
    pubkey: cfg.pubkeyAuthentication,
    passwordAuth: cfg.passwordAuthentication,
    kbdInteractive: cfg.kbdInteractiveAuthentication,
  };
}

/**
 * The ProxyJump chain for a host. Each hop is looked up in the same ssh_config files (but, as with
 * OpenSSH's `-J`, without the target's command-line options); the first hop's own ProxyJump or
 * ProxyCommand, if any, comes before it.
 */
function jumpChain(
  spec: string,
  files: string[],
  d: ConnectDefaults,
  off: boolean,
  seen: Set<string>,
  warn: (w: string) => void,
): { hops: SshHop[]; proxyCommand?: string } {
  const hops: SshHop[] = [];
  let proxyCommand: string | undefined;
  parseJumpList(spec).forEach((j, i) => {
    const settings: SshSetting[] = [];
    if (j.user) settings.push({ key: 'user', args: [j.user] });
    if (j.port) settings.push({ key: 'port', args: [String(j.port)] });
    const cfg = resolveSshConfig({ host: j.host, settings, files });
    cfg.warnings.forEach(warn);
    const key = `${cfg.user ?? ''}@${cfg.hostName}:${cfg.port ?? 22}`;
    if (seen.has(key) || seen.size > 8) throw new Error(`ProxyJump loop or chain too long at ${j.host}`);
    seen.add(key);
    if (i === 0) {
      if (cfg.proxyJump) {
        const before = jumpChain(cfg.proxyJump, files, d, off, seen, warn);
        hops.push(...before.hops);
        proxyCommand = before.proxyCommand;
      } else proxyCommand = cfg.proxyCommand;
    }
    hops.push(hopFrom(j.host, cfg, d, off));
  });
  return { hops, proxyCommand };
}

function keyPassphrase(d: ConnectDefaults): string | undefined {
  const fromEnv = process.env.TSIBLE_SSH_KEY_PASSPHRASE;
  if (fromEnv !== undefined) return fromEnv;
  const file = d.keyPassphraseFile ?? process.env.TSIBLE_SSH_KEY_PASSPHRASE_FILE;
  if (!file) return undefined;
  return readFileSync(file.replace(/^~(?=\/)/, homedir()), 'utf8').split(/\r?\n/)[0] ?? '';
}

/** The full SSH settings for a host: inventory variables, ssh arguments, then ssh_config. */
export function sshOptionsFor(name: string, vars: Vars, d: ConnectDefaults): SshOptions {
  const host = str(vars.ansible_host) ?? str(vars.ansible_ssh_host) ?? name;
  const { settings, files } = layers(vars, d);
  const cfg = resolveSshConfig({ host, settings, files });
  const warn = (w: string): void => d.debug?.(`<${host}> ssh_config: ${w}`);
  cfg.warnings.forEach(warn);
  const off = hostKeyCheckingOff(vars, d);
  const target = hopFrom(name, cfg, d, off);
  const opts: SshOptions = {
    ...target,
    password: str(vars.ansible_password) ?? str(vars.ansible_ssh_pass) ?? d.password,
    askPassword: d.askPass,
    keyPassphrase: keyPassphrase(d),
    secrets: d.secrets,
    debug: d.debug,
  };
  if (cfg.proxyJump) {
    const chain = jumpChain(cfg.proxyJump, files, d, off, new Set(), warn);
    opts.jumps = chain.hops;
    opts.proxyCommand = chain.proxyCommand;
  } else opts.proxyCommand = cfg.proxyCommand;
  return opts;
}

/**
 * connectionInfo results per run (per defaults object): the executor asks for every task, and reading the
 * ssh_config files each time was the largest controller cost of a converged task.
 */
const infoCache = new WeakMap<ConnectDefaults, Map<string, ConnectionInfo>>();

/** The user and kind a host's connection will have (needed for become decisions). */
export function connectionInfo(vars: Vars, d: ConnectDefaults, name?: string): ConnectionInfo {
  if (isLocal(vars)) return { kind: 'local', user: userInfo().username };
  const host =
    str(vars.ansible_host) ?? str(vars.ansible_ssh_host) ?? name ?? str(vars.inventory_hostname) ?? '';
  const { settings, files } = layers(vars, d);
  let cache = infoCache.get(d);
  if (!cache) infoCache.set(d, (cache = new Map()));
  const key = JSON.stringify([host, settings, files]);
  const known = cache.get(key);
  if (known) return known;
  const cfg = resolveSshConfig({ host, settings, files });
  const info: ConnectionInfo = { kind: 'ssh', user: cfg.user ?? userInfo().username };
  cache.set(key, info);
  return info;
}

export async function openConnection(name: string, vars: Vars, d: ConnectDefaults): Promise<Connection> {
  if (isLocal(vars)) return new LocalConnection(name, d.debug);
  const opts = sshOptionsFor(name, vars, d);
  // ssh2 (and its crypto) is loaded the first time a host is contacted, not by --version or --syntax-check.
  const { SshConnection } = await import('../transport/ssh.js');
  return SshConnection.open(opts);
}

/** Turns a command and its stdin into what Connection.run takes: the command line and its options. */
export type CommandWrapper = (cmd: string, stdin?: string | Buffer) => Wrapped;

/**
 * Make commands run as the become user (nothing to do when that is the connection user). Use it as
 * `const w = wrap(cmd, stdin); conn.run(w.cmd, w.opts)`: the options name the become user, and the connection
 * applies it: over SSH through one long-lived shell per become user (sudo/su and its password once), locally
 * by wrapping each command. Either way a wrong or missing password fails fast with a clear message.
 */
export function becomeWrapper(become: BecomeSpec | undefined, connUser: string): CommandWrapper {
  if (!become || become.user === connUser) return (cmd, stdin) => ({ cmd, opts: { stdin } });
  return (cmd, stdin) => ({ cmd, opts: { stdin, becomeAs: become } });
}
