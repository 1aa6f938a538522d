// OpenSSH client configuration: ssh_config files (Host/Match/Include, first value wins) and ssh command-line
// words (-o, -J, -F, -p, -l, -i), resolved for one host the way `ssh` itself would resolve them.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir, hostname as localHostname, userInfo } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';

/** One `-o Key=Value` style setting: key lowercased, value words as ssh splits them. */
export interface SshSetting {
  key: string;
  args: string[];
}

/** What the ssh command-line words of ansible_ssh_common_args (and friends) say. */
export interface SshArgs {
  /** Settings in command-line order (earlier wins, as in ssh). */
  settings: SshSetting[];
  /** `-F file`: use only this config file. */
  configFile?: string;
}

/** Options of ssh(1) that take a value (so the next word is not a host or another option). */
const VALUE_OPTS = new Set('BbcDEeFIiJLlmOoPpQRSWw'.split(''));

/** Split a config value the way OpenSSH's argv_split does: whitespace, "double" and 'single' quotes. */
export function splitConfigArgs(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let started = false;
  let q: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (q) {
      if (ch === q) q = undefined;
      else if (ch === '\\' && q === '"' && (text[i + 1] === '"' || text[i + 1] === '\\')) cur += text[++i];
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      q = ch;
      started = true;
    } else if (ch === ' ' || ch === '\t') {
      if (started) out.push(cur);
      cur = '';
      started = false;
    } else if (ch === '#' && !started) {
      // A word starting with # begins a trailing comment.
      break;
    } else {
      cur += ch;
      started = true;
    }
  }
  if (started) out.push(cur);
  return out;
}

/** Parse one `-o` option text: `Key=Value`, `Key Value` or `Key = Value`. */
function parseOption(text: string): SshSetting | undefined {
  const m = /^\s*([A-Za-z][A-Za-z0-9]*)\s*(?:=\s*|\s+)(.*)$/.exec(text);
  if (!m) return undefined;
  return { key: m[1]!.toLowerCase(), args: splitConfigArgs(m[2]!.trim()) };
}

/** Read the ssh(1) words of ansible_ssh_args / ansible_ssh_common_args / ansible_ssh_extra_args. */
export function parseSshArgs(words: string[]): SshArgs {
  const out: SshArgs = { settings: [] };
  const add = (key: string, value: string): void => {
    out.settings.push({ key, args: key === 'userknownhostsfile' ? splitConfigArgs(value) : [value] });
  };
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (!w.startsWith('-') || w.length < 2) continue;
    // Flags can be bundled (-qC); the first one that takes a value ends the bundle.
    for (let j = 1; j < w.length; j++) {
      const f = w[j]!;
      if (!VALUE_OPTS.has(f)) continue;
      const value = j + 1 < w.length ? w.slice(j + 1) : words[++i];
      if (value === undefined) break;
      if (f === 'o') {
        const s = parseOption(value);
        if (s) out.settings.push(s);
      } else if (f === 'F') out.configFile ??= value;
      else if (f === 'J') add('proxyjump', value);
      else if (f === 'p') add('port', value);
      else if (f === 'l') add('user', value);
      else if (f === 'i') add('identityfile', value);
      break;
    }
  }
  return out;
}

/** OpenSSH's match_pattern: `*` and `?` wildcards, the whole string. */
export function globMatch(pattern: string, text: string): boolean {
  let re = '^';
  for (const c of pattern) re += c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$+.()|{}[\]]/g, '\\$&');
  return new RegExp(re + '$', 's').test(text);
}

/** A comma-separated pattern list with `!` negation (match_pattern_list): a negated hit wins. */
export function matchPatternList(text: string, list: string, lower: boolean): boolean {
  const t = lower ? text.toLowerCase() : text;
  let got = false;
  for (const raw of list.split(',')) {
    const p = lower ? raw.toLowerCase() : raw;
    if (p.startsWith('!')) {
      if (globMatch(p.slice(1), t)) return false;
    } else if (globMatch(p, t)) got = true;
  }
  return got;
}

/** A `Host` line: any positive pattern matches and no negated one does. */
export function hostLineMatches(patterns: string[], host: string): boolean {
  const h = host.toLowerCase();
  let got = false;
  for (const raw of patterns) {
    const p = raw.toLowerCase();
    if (p.startsWith('!')) {
      if (globMatch(p.slice(1), h)) return false;
    } else if (globMatch(p, h)) got = true;
  }
  return got;
}

/** Keywords whose every occurrence adds a value instead of the first one winning. */
const ACCUMULATE = new Set([
  'identityfile',
  'certificatefile',
  'localforward',
  'remoteforward',
  'sendenv',
  'setenv',
]);

export interface ResolveQuery {
  /** The host name given to ssh (ansible_host, else the inventory name). */
  host: string;
  /** Command-line settings (Ansible's own -o options, then ssh_common_args, ssh_extra_args): they come first. */
  settings?: SshSetting[];
  /** Config files in order; default ~/.ssh/config then /etc/ssh/ssh_config. */
  files?: string[];
  home?: string;
  localUser?: string;
}

export interface SshHostConfig {
  /** The host as given (%n). */
  originalHost: string;
  /** Where to connect: HostName with %h expanded, else the host as given. */
  hostName: string;
  user?: string;
  port?: number;
  /** IdentityFile entries in order, ~ and %-tokens expanded. */
  identityFiles: string[];
  identitiesOnly: boolean;
  /** ProxyJump hops as written (comma-separated); undefined for none. */
  proxyJump?: string;
  /** ProxyCommand with %h/%p/%r/%n expanded; undefined for none. */
  proxyCommand?: string;
  connectTimeoutSec?: number;
  serverAliveIntervalSec?: number;
  serverAliveCountMax?: number;
  strictHostKeyChecking?: string;
  userKnownHostsFiles?: string[];
  globalKnownHostsFiles?: string[];
  hostKeyAlias?: string;
  /** IdentityAgent: a socket path, or "none"; "SSH_AUTH_SOCK" means the environment's. */
  identityAgent?: string;
  batchMode?: boolean;
  passwordAuthentication?: boolean;
  pubkeyAuthentication?: boolean;
  kbdInteractiveAuthentication?: boolean;
  /** Everything else, first value wins (key lowercased). */
  raw: Map<string, string[]>;
  /** Things that were skipped (unsupported Match criteria, unreadable includes…). */
  warnings: string[];
}

interface ParseState {
  values: Map<string, string[]>;
  warnings: string[];
  host: string;
  localUser: string;
  home: string;
}

const cache = new Map<string, { mtimeMs: number; lines: string[] }>();

function readLines(file: string): string[] | undefined {
  let st;
  try {
    st = statSync(file);
  } catch {
    return undefined;
  }
  const hit = cache.get(file);
  if (hit && hit.mtimeMs === st.mtimeMs) return hit.lines;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split(/\r?\n/);
  cache.set(file, { mtimeMs: st.mtimeMs, lines });
  return lines;
}

function expandHome(p: string, home: string): string {
  if (p === '~') return home;
  if (p.startsWith('~/')) return join(home, p.slice(2));
  return p;
}

/** Include paths: ~ expanded; relative ones are relative to ~/.ssh (user config) or /etc/ssh (system). */
function includePaths(pattern: string, from: string, st: ParseState): string[] {
  let p = expandHome(pattern, st.home);
  if (!isAbsolute(p)) {
    const base = from.startsWith('/etc/ssh/') ? '/etc/ssh' : join(st.home, '.ssh');
    p = join(base, p);
  }
  if (!/[*?[]/.test(p)) return [p];
  // A glob: OpenSSH expands it in sorted order; only the last component may hold wildcards here.
  const dir = dirname(p);
  const leaf = p.slice(dir.length + 1);
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return [];
  }
  return names.filter((n) => !n.startsWith('.') && globMatch(leaf, n)).map((n) => join(dir, n));
}

/** Evaluate a `Match` line; undefined means a criterion we cannot evaluate (the block is skipped). */
function matchLine(args: string[], st: ParseState, where: string): boolean | undefined {
  const currentHost = st.values.get('hostname')?.[0]?.replace(/%h/g, st.host) ?? st.host;
  const remoteUser = st.values.get('user')?.[0] ?? st.localUser;
  let result = true;
  for (let i = 0; i < args.length; i++) {
    let crit = args[i]!.toLowerCase();
    const negate = crit.startsWith('!');
    if (negate) crit = crit.slice(1);
    let ok: boolean;
    if (crit === 'all') ok = true;
    else if (crit === 'canonical')
      ok = false; // tsible does no hostname canonicalisation
    else if (crit === 'final')
      ok = true; // one pass only: treat it as the final pass
    else if (['host', 'originalhost', 'user', 'localuser'].includes(crit)) {
      const list = args[++i];
      if (list === undefined) {
        st.warnings.push(`${where}: Match ${crit} needs an argument; block skipped`);
        return undefined;
      }
      if (crit === 'host') ok = matchPatternList(currentHost, list, true);
      else if (crit === 'originalhost') ok = matchPatternList(st.host, list, true);
      else if (crit === 'user') ok = matchPatternList(remoteUser, list, false);
      else ok = matchPatternList(st.localUser, list, false);
    } else {
      st.warnings.push(`${where}: Match ${crit} is not supported by tsible; block skipped`);
      return undefined;
    }
    if (negate) ok = !ok;
    if (!ok) result = false;
  }
  return result;
}

function parseFile(file: string, st: ParseState, active: boolean, depth: number): void {
  if (depth > 16) {
    st.warnings.push(`${file}: Include nested too deeply`);
    return;
  }
  const lines = readLines(file);
  if (!lines) {
    if (depth > 0) st.warnings.push(`${file}: cannot read included file`);
    return;
  }
  // Until the first Host/Match line, settings apply to every host (when the file itself is active).
  let on = active;
  lines.forEach((rawLine, idx) => {
    const line = rawLine.trim();
    if (!line || line.startsWith('#')) return;
    const m =
      /^([A-Za-z][A-Za-z0-9]*)(?:\s*=\s*|\s+)(.*)$/.exec(line) ?? /^([A-Za-z][A-Za-z0-9]*)()$/.exec(line);
    if (!m) {
      st.warnings.push(`${file}:${idx + 1}: cannot parse "${line}"`);
      return;
    }
    const key = m[1]!.toLowerCase();
    const args = splitConfigArgs(m[2]!);
    const where = `${file}:${idx + 1}`;
    if (key === 'host') {
      on = active && hostLineMatches(args, st.host);
      return;
    }
    if (key === 'match') {
      on = active && matchLine(args, st, where) === true;
      return;
    }
    if (key === 'include') {
      // An Include inside an inactive block still reads nothing into the result (NEVERMATCH).
      for (const pat of args) for (const f of includePaths(pat, file, st)) parseFile(f, st, on, depth + 1);
      return;
    }
    if (!on || args.length === 0) return;
    if (ACCUMULATE.has(key)) {
      const have = st.values.get(key) ?? [];
      have.push(...args);
      st.values.set(key, have);
      return;
    }
    // ProxyJump and ProxyCommand exclude each other: whichever is set first wins.
    if (
      (key === 'proxyjump' && st.values.has('proxycommand')) ||
      (key === 'proxycommand' && st.values.has('proxyjump'))
    )
      return;
    if (key === 'proxycommand') {
      // The command is the rest of the line, unsplit.
      if (!st.values.has(key)) st.values.set(key, [m[2]!.trim()]);
      return;
    }
    if (!st.values.has(key)) st.values.set(key, args);
  });
}

function yesNo(v: string[] | undefined): boolean | undefined {
  const s = v?.[0]?.toLowerCase();
  if (s === undefined) return undefined;
  return s === 'yes' || s === 'true';
}

function num(v: string[] | undefined): number | undefined {
  const s = v?.[0];
  if (s === undefined || !/^\d+$/.test(s)) return undefined;
  return Number(s);
}

export interface TokenValues {
  home: string;
  localUser: string;
  host: string;
  originalHost: string;
  user: string;
  port: number;
  hostKeyAlias?: string;
}

/** Expand OpenSSH %-tokens and ${ENV} in a path-like value (IdentityFile, UserKnownHostsFile, …). */
export function expandTokens(text: string, t: TokenValues): string {
  const long = localHostname();
  const hash = createHash('sha1').update(`${long}${t.host}${t.port}${t.user}`).digest('hex');
  let out = expandHome(text, t.home).replace(/%(.)/g, (all, c: string) => {
    switch (c) {
      case '%':
        return '%';
      case 'd':
        return t.home;
      case 'u':
        return t.localUser;
      case 'h':
        return t.host;
      case 'n':
        return t.originalHost;
      case 'r':
        return t.user;
      case 'p':
        return String(t.port);
      case 'l':
        return long;
      case 'L':
        return long.split('.')[0] ?? long;
      case 'i':
        return String(userInfo().uid);
      case 'C':
        return hash;
      case 'k':
        return t.hostKeyAlias ?? t.host;
      default:
        return all;
    }
  });
  out = out.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_a, name: string) => process.env[name] ?? '');
  return out;
}

/** The config files ssh reads by default: the user's, then the system's. */
export function defaultConfigFiles(home = homedir()): string[] {
  return [join(home, '.ssh', 'config'), '/etc/ssh/ssh_config'];
}

/** Resolve the settings for `host`: command-line settings first, then the config files; first value wins. */
export function resolveSshConfig(q: ResolveQuery): SshHostConfig {
  const home = q.home ?? homedir();
  const localUser = q.localUser ?? userInfo().username;
  const st: ParseState = { values: new Map(), warnings: [], host: q.host, localUser, home };
  for (const s of q.settings ?? []) {
    if (s.args.length === 0) continue;
    if (ACCUMULATE.has(s.key)) st.values.set(s.key, [...(st.values.get(s.key) ?? []), ...s.args]);
    else if (
      !st.values.has(s.key) &&
      !(s.key === 'proxyjump' && st.values.has('proxycommand')) &&
      !(s.key === 'proxycommand' && st.values.has('proxyjump'))
    )
      st.values.set(s.key, s.key === 'proxycommand' ? [s.args.join(' ')] : s.args);
  }
  for (const f of q.files ?? defaultConfigFiles(home)) parseFile(expandHome(f, home), st, true, 0);
  const v = st.values;
  const hostName = (v.get('hostname')?.[0] ?? q.host).replace(/%%|%h/g, (t) => (t === '%%' ? '%' : q.host));
  const port = num(v.get('port'));
  const user = v.get('user')?.[0];
  const hostKeyAlias = v.get('hostkeyalias')?.[0];
  const tokens: TokenValues = {
    home,
    localUser,
    host: hostName,
    originalHost: q.host,
    user: user ?? localUser,
    port: port ?? 22,
    hostKeyAlias,
  };
  const paths = (key: string): string[] | undefined => {
    const list = v.get(key);
    if (!list) return undefined;
    if (list.length === 1 && list[0]!.toLowerCase() === 'none') return [];
    return list.map((p) => expandTokens(p, tokens));
  };
  const jump = v.get('proxyjump')?.[0];
  const command = v.get('proxycommand')?.[0];
  return {
    originalHost: q.host,
    hostName,
    user,
    port,
    identityFiles: (v.get('identityfile') ?? [])
      .filter((f) => f.toLowerCase() !== 'none')
      .map((f) => expandTokens(f, tokens)),
    identitiesOnly: yesNo(v.get('identitiesonly')) ?? false,
    proxyJump: jump && jump.toLowerCase() !== 'none' ? jump : undefined,
    proxyCommand:
      command && command.toLowerCase() !== 'none'
        ? command.replace(/%(.)/g, (all, c: string) =>
            c === '%'
              ? '%'
              : c === 'h'
                ? hostName
                : c === 'p'
                  ? String(tokens.port)
                  : c === 'r'
                    ? tokens.user
                    : c === 'n'
                      ? q.host
                      : all,
          )
        : undefined,
    connectTimeoutSec: num(v.get('connecttimeout')),
    serverAliveIntervalSec: num(v.get('serveraliveinterval')),
    serverAliveCountMax: num(v.get('serveralivecountmax')),
    strictHostKeyChecking: v.get('stricthostkeychecking')?.[0]?.toLowerCase(),
    userKnownHostsFiles: paths('userknownhostsfile'),
    globalKnownHostsFiles: paths('globalknownhostsfile'),
    hostKeyAlias,
    identityAgent: v.get('identityagent')?.[0],
    batchMode: yesNo(v.get('batchmode')),
    passwordAuthentication: yesNo(v.get('passwordauthentication')),
    pubkeyAuthentication: yesNo(v.get('pubkeyauthentication')),
    kbdInteractiveAuthentication: yesNo(v.get('kbdinteractiveauthentication')),
    raw: v,
    warnings: st.warnings,
  };
}

/** One ProxyJump hop: `[user@]host[:port]` or `ssh://[user@]host[:port]`. */
export interface JumpSpec {
  host: string;
  user?: string;
  port?: number;
}

export function parseJumpList(text: string): JumpSpec[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((raw) => {
      let s = raw.replace(/^ssh:\/\//, '');
      let user: string | undefined;
      const at = s.lastIndexOf('@');
      if (at >= 0) {
        user = s.slice(0, at);
        s = s.slice(at + 1);
      }
      let port: number | undefined;
      const br = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
      if (br) {
        s = br[1]!;
        if (br[2]) port = Number(br[2]);
      } else {
        const m = /^([^:]+):(\d+)$/.exec(s);
        if (m) {
          s = m[1]!;
          port = Number(m[2]);
        }
      }
      return { host: s, user, port };
    });
}

/** Default identity files, in the order OpenSSH tries them. */
export function defaultKeyFiles(home = homedir()): string[] {
  return ['id_rsa', 'id_ecdsa', 'id_ecdsa_sk', 'id_ed25519', 'id_ed25519_sk', 'id_xmss', 'id_dsa'].map(
    (f) => `${home}/.ssh/${f}`,
  );
}
