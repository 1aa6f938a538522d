// Opens a host's one connection from its connection variables, and wraps commands for become.
import { existsSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { quote } from '../core/sh.js';
import type { BecomeSpec, Vars } from '../core/types.js';
import type { KeyCheck } from '../transport/known-hosts.js';
import { LocalConnection } from '../transport/local.js';
import { defaultKeyFiles, parseSshArgs, SshConnection } from '../transport/ssh.js';
import type { Connection } from '../transport/types.js';

export interface ConnectDefaults {
  remoteUser?: string;
  privateKey?: string;
  hostKeyChecking: boolean;
  timeoutSec: number;
  password?: string;
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

/** The user and kind a host's connection will have (needed for become decisions). */
export function connectionInfo(vars: Vars, d: ConnectDefaults): ConnectionInfo {
  const kind = str(vars.ansible_connection) === 'local' ? 'local' : 'ssh';
  const user =
    kind === 'local'
      ? userInfo().username
      : (str(vars.ansible_user) ?? str(vars.ansible_ssh_user) ?? d.remoteUser ?? userInfo().username);
  return { kind, user };
}

export async function openConnection(name: string, vars: Vars, d: ConnectDefaults): Promise<Connection> {
  const info = connectionInfo(vars, d);
  if (info.kind === 'local') return new LocalConnection(name);
  const args = parseSshArgs([
    ...shellWords(str(vars.ansible_ssh_common_args) ?? ''),
    ...shellWords(str(vars.ansible_ssh_extra_args) ?? ''),
  ]);
  let check: KeyCheck = d.hostKeyChecking ? 'yes' : 'no';
  if (vars.ansible_host_key_checking !== undefined)
    check = truthy(vars.ansible_host_key_checking) ? 'yes' : 'no';
  const strict = args.stricthostkeychecking?.toLowerCase();
  if (strict === 'no' || strict === 'off') check = 'no';
  else if (strict === 'accept-new') check = 'accept-new';
  else if (strict === 'yes' || strict === 'ask') check = 'yes';
  const home = homedir();
  const known = args.userknownhostsfile
    ? shellWords(args.userknownhostsfile).map((f) => f.replace(/^~/, home))
    : [`${home}/.ssh/known_hosts`, `${home}/.ssh/known_hosts2`, '/etc/ssh/ssh_known_hosts'];
  const key = str(vars.ansible_ssh_private_key_file) ?? str(vars.ansible_private_key_file) ?? d.privateKey;
  const keyFiles = key ? [key.replace(/^~/, home)] : defaultKeyFiles().filter((f) => existsSync(f));
  const timeout = Number(args.connecttimeout ?? vars.ansible_timeout ?? d.timeoutSec) || 10;
  return SshConnection.open({
    name,
    address: str(vars.ansible_host) ?? str(vars.ansible_ssh_host) ?? name,
    port: Number(vars.ansible_port ?? vars.ansible_ssh_port ?? args.port ?? 22),
    user: info.user,
    keyFiles,
    password: str(vars.ansible_password) ?? str(vars.ansible_ssh_pass) ?? d.password,
    hostKeyCheck: check,
    knownHostsFiles: known,
    connectTimeoutMs: timeout * 1000,
  });
}

/** Wrap a command so it runs as the become user (nothing to do when that is the connection user). */
export function becomeWrapper(become: BecomeSpec | undefined, connUser: string): (cmd: string) => string {
  if (!become || become.user === connUser) return (cmd) => cmd;
  if (become.method === 'su') {
    return (cmd) => `su ${quote(become.user)} -s /bin/sh -c ${quote(cmd)}`;
  }
  const exe = become.exe ?? 'sudo';
  const flags = become.flags ?? '-H -S -n';
  return (cmd) => `${exe} ${flags} -u ${quote(become.user)} /bin/sh -c ${quote(cmd)}`;
}
