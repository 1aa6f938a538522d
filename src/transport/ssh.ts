// One SSH connection per host (ssh2), reused by every command of the run: through ProxyJump bastions or a
// ProxyCommand, host keys checked at every hop like OpenSSH, keepalives to notice a dead peer, and one
// automatic reconnect when the connection was lost between commands. Commands go through long-lived shells
// on it (session.ts): one per become user, started once, so a command costs one round trip and no login.
import { spawn } from 'node:child_process';
import { connect as netConnect } from 'node:net';
import { Duplex, type Readable } from 'node:stream';
import ssh2, { type ClientChannel } from 'ssh2';
import type { StepOutput } from '../core/module.js';
import { Authenticator } from './auth.js';
import type { BecomeSpec } from '../core/types.js';
import { BecomeDriver, wrapBecome, wrapBecomeShell } from './become.js';
import { addHostKey, checkHostKey, hostKeyName, type KeyCheck } from './known-hosts.js';
import { runSecrets, type Secrets } from './secrets.js';
import { SessionLost, SessionNotStarted, ShellSession } from './session.js';
import { BecomeError, UnreachableError, type Connection, type DebugLog, type RunOptions } from './types.js';

const { Client } = ssh2;
type Client = InstanceType<typeof Client>;

/** Everything needed to open one SSH hop (a bastion or the target). */
export interface SshHop {
  /** The name as written (inventory name, or the ProxyJump entry), for messages. */
  name: string;
  address: string;
  port: number;
  user: string;
  /** IdentityFile entries in order; missing files are skipped. */
  keyFiles: string[];
  identitiesOnly?: boolean;
  /** ssh-agent socket; undefined for none. */
  agent?: string;
  password?: string;
  /** Ask once per run for the SSH password (-k) when the server offers password authentication. */
  askPassword?: boolean;
  hostKeyCheck: KeyCheck;
  knownHostsFiles: string[];
  /** Look the host key up under this name instead of [address]:port. */
  hostKeyAlias?: string;
  connectTimeoutMs: number;
  /** ServerAliveInterval in ms (default 15 s; 0 turns keepalives off). */
  keepaliveMs?: number;
  /** ServerAliveCountMax (default 3). */
  keepaliveCountMax?: number;
  batchMode?: boolean;
  pubkey?: boolean;
  passwordAuth?: boolean;
  kbdInteractive?: boolean;
}

export interface SshOptions extends SshHop {
  /** ProxyJump bastions, first to last; the target is reached through the last one. */
  jumps?: SshHop[];
  /** ProxyCommand (tokens already expanded): its stdin/stdout carry the first hop's connection. */
  proxyCommand?: string;
  /** Passphrase for encrypted keys; otherwise asked on the terminal once per key. */
  keyPassphrase?: string;
  secrets?: Secrets;
  debug?: DebugLog;
}

// Kept here for callers that import it from the connection module; it lives with the ssh_config code.
export { defaultKeyFiles } from './ssh-config.js';

const PREFIX = 'Failed to connect to the host via ssh:';

/**
 * What a session channel runs: the login shell (and its rc files) once, replaced at once by /bin/sh reading
 * requests from the channel. `+i` keeps it non-interactive even on su's terminal (no prompts, no job control).
 */
export const SESSION_SHELL = '/bin/sh +i -s';

/** At most this many shells per become user on one connection (sshd's MaxSessions is 10 by default). */
const MAX_SESSIONS_PER_USER = 4;

/** The shells of one become user (or of the connection user, key ''). */
interface SessionPool {
  idle: ShellSession[];
  /** Shells started or starting, idle or busy. */
  count: number;
  /** At most this many (lowered when the server refuses more channels). */
  limit: number;
  /** Callers waiting for a shell: handed one, or undefined to start their own. */
  waiters: ((s: ShellSession | undefined) => void)[];
}

/** Sessions are per become user, method and credentials: an escalated shell only serves its own kind. */
function sessionKey(spec: BecomeSpec | undefined): string {
  if (!spec) return '';
  return JSON.stringify([spec.method, spec.user, spec.exe ?? '', spec.flags ?? '', spec.password ?? null]);
}

/** Give connection-loss events queued behind a channel's close a chance to arrive first. */
function settle(): Promise<void> {
  return new Promise((r) => setTimeout(r, 20));
}

/** A ProxyCommand's stdio as the socket of an SSH connection. */
function proxyCommandSocket(cmd: string, onStderr: (s: string) => void): Duplex {
  const child = spawn('/bin/sh', ['-c', cmd], { stdio: ['pipe', 'pipe', 'pipe'] });
  child.stderr.on('data', (d: Buffer) => onStderr(d.toString('utf8')));
  const sock = Duplex.from({ readable: child.stdout, writable: child.stdin });
  child.on('error', (e) => sock.destroy(e));
  child.on('exit', () => sock.push(null));
  sock.on('close', () => child.kill());
  child.stdin.on('error', () => undefined);
  return sock;
}

export class SshConnection implements Connection {
  readonly host: string;
  private client: Client | undefined;
  /** Every client of the chain (bastions first, the target last). */
  private chain: Client[] = [];
  private closed = false;
  /** Why the current connection went away (a reconnect may follow). */
  private lostReason: string | undefined;
  /** Set when the connection cannot be used any more: no reconnect. */
  private dead: string | undefined;
  private reconnecting: Promise<void> | undefined;
  private generation = 0;
  /** Channels of commands in flight (one exec channel per command: the fallback and wrapped become). */
  private readonly live = new Set<ClientChannel>();
  /** Channels of the long-lived shells. */
  private readonly shellChannels = new Set<ClientChannel>();
  private pools = new Map<string, SessionPool>();
  private readonly sessions = new Set<ShellSession>();
  /** Settles when a shell's channel has closed. */
  private readonly sessionEnded = new WeakMap<ShellSession, Promise<void>>();
  /** Set when shells cannot be started on this host: every command gets its own exec channel. */
  private noSessions: string | undefined;
  private readonly secrets: Secrets;

  private constructor(private readonly opts: SshOptions) {
    this.host = opts.name;
    this.secrets = opts.secrets ?? runSecrets;
    // An escape hatch (and the "before" of the benchmark): TSIBLE_SSH_SESSIONS=0 gives every command its
    // own exec channel, as before the long-lived shells.
    if (/^(0|no|false|off)$/i.test(process.env.TSIBLE_SSH_SESSIONS ?? ''))
      this.noSessions = 'TSIBLE_SSH_SESSIONS=0';
  }

  static async open(opts: SshOptions): Promise<SshConnection> {
    const c = new SshConnection(opts);
    await c.connect();
    return c;
  }

  private debug(line: string): void {
    this.opts.debug?.(`<${this.opts.address}> ${line}`);
  }

  /** Open the whole chain: the first hop over TCP (or the ProxyCommand), each next one through the previous. */
  private async connect(): Promise<void> {
    const o = this.opts;
    const hops = [...(o.jumps ?? []), o];
    const clients: Client[] = [];
    const gen = ++this.generation;
    try {
      for (let i = 0; i < hops.length; i++) {
        const hop = hops[i]!;
        const isTarget = i === hops.length - 1;
        const via = i > 0 ? hops[i - 1]! : undefined;
        // Read the agent's keys and the identity files first: nothing may wait between creating a socket
        // and listening to its errors.
        const auth = await this.authenticator(hop);
        let sock: Duplex;
        let proxyErr = '';
        if (via) {
          this.debug(`SSH: connecting to ${hop.address}:${hop.port} through jump host ${via.name}`);
          sock = await this.forward(clients[i - 1]!, via, hop);
        } else if (o.proxyCommand) {
          this.debug(`SSH: ProxyCommand ${o.proxyCommand}`);
          sock = proxyCommandSocket(o.proxyCommand, (s) => (proxyErr += s));
        } else {
          const tcp = netConnect({ host: hop.address, port: hop.port });
          // Without TCP_NODELAY every small request/response waits on delayed ACKs (~40 ms each).
          tcp.setNoDelay(true);
          sock = tcp;
        }
        this.debug(
          `ESTABLISH SSH CONNECTION FOR USER: ${hop.user}${isTarget ? '' : ` (jump host ${hop.name})`}`,
        );
        const client = await this.connectHop(
          hop,
          auth,
          sock,
          isTarget,
          !via && !o.proxyCommand,
          () => proxyErr,
        );
        clients.push(client);
        if (!isTarget) {
          client.on('error', (e: Error & { level?: string }) => {
            if (gen === this.generation) this.lost(`jump host ${hop.name}: ${this.describeLoss(e, hop)}`);
          });
          client.on('close', () => {
            if (gen === this.generation) this.lost(`connection to jump host ${hop.name} closed`);
          });
        } else {
          client.on('error', (e: Error & { level?: string }) => {
            if (gen === this.generation) this.lost(this.describeLoss(e, hop));
          });
          client.on('close', () => {
            if (gen === this.generation) this.lost('connection closed');
          });
        }
      }
    } catch (e) {
      for (const c of clients) c.end();
      throw e;
    }
    if (this.closed) {
      for (const c of clients) c.end();
      return;
    }
    this.chain = clients;
    this.client = clients[clients.length - 1];
    this.lostReason = undefined;
  }

  private describeLoss(e: Error & { level?: string }, hop: SshHop): string {
    if (e.level === 'client-timeout' || /keepalive/i.test(e.message)) {
      return `Timeout, server ${hop.address} not responding.`;
    }
    return e.message;
  }

  /** A direct-tcpip channel from a bastion to the next hop (what `ssh -W host:port` does). */
  private forward(via: Client, viaHop: SshHop, hop: SshHop): Promise<Duplex> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new UnreachableError(
              `${PREFIX} ssh: connect to host ${hop.address} port ${hop.port} through jump host ${viaHop.name}: Connection timed out`,
            ),
          ),
        hop.connectTimeoutMs,
      );
      via.forwardOut('127.0.0.1', 0, hop.address, hop.port, (err, ch) => {
        clearTimeout(timer);
        if (err) {
          reject(
            new UnreachableError(
              `${PREFIX} ssh: connect to host ${hop.address} port ${hop.port} through jump host ${viaHop.name}: ${err.message}`,
            ),
          );
        } else resolve(ch);
      });
    });
  }

  private async authenticator(hop: SshHop): Promise<Authenticator> {
    const auth = new Authenticator({
      user: hop.user,
      label: `${hop.user}@${hop.address}`,
      keyFiles: hop.keyFiles,
      identitiesOnly: hop.identitiesOnly,
      agent: hop.agent,
      password: hop.password,
      askPassword: hop.askPassword,
      keyPassphrase: this.opts.keyPassphrase,
      batchMode: hop.batchMode,
      pubkey: hop.pubkey,
      passwordAuth: hop.passwordAuth,
      kbdInteractive: hop.kbdInteractive,
      secrets: this.secrets,
    });
    await auth.prepare();
    return auth;
  }

  private connectHop(
    hop: SshHop,
    auth: Authenticator,
    sock: Duplex,
    isTarget: boolean,
    isTcp: boolean,
    proxyStderr: () => string,
  ): Promise<Client> {
    const label = `${hop.user}@${hop.address}`;
    const where = isTarget ? '' : ` (jump host ${hop.name})`;
    return new Promise<Client>((resolve, reject) => {
      let keyProblem: string | undefined;
      const client = new Client();
      let settled = false;
      const fail = (msg: string): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        client.end();
        sock.destroy();
        reject(new UnreachableError(`${PREFIX} ${msg}${where}`));
      };
      // ConnectTimeout covers the TCP connection and the key exchange. Authentication then gets its own
      // limit, which does not run while a passphrase or password is being typed.
      let timer = setTimeout(
        () => fail(`ssh: connect to host ${hop.address} port ${hop.port}: Connection timed out`),
        hop.connectTimeoutMs,
      );
      const authLimit = Math.max(hop.connectTimeoutMs, 30_000);
      const armAuthTimer = (): void => {
        timer = setTimeout(() => {
          if (auth.waitingForSecret) armAuthTimer();
          else fail(`${label}: Timeout during authentication`);
        }, authLimit);
      };
      client.on('handshake', () => {
        clearTimeout(timer);
        armAuthTimer();
      });
      sock.on('error', (e: NodeJS.ErrnoException) => {
        if (!isTcp) return;
        const why =
          e.code === 'ECONNREFUSED'
            ? 'Connection refused'
            : e.code === 'EHOSTUNREACH'
              ? 'No route to host'
              : e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN'
                ? 'Name or service not known'
                : e.message;
        fail(
          e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN'
            ? `ssh: Could not resolve hostname ${hop.address}: ${why}`
            : `ssh: connect to host ${hop.address} port ${hop.port}: ${why}`,
        );
      });
      client.on('ready', () => {
        clearTimeout(timer);
        settled = true;
        resolve(client);
      });
      client.on('error', (e: Error & { level?: string }) => {
        if (settled) return;
        if (keyProblem) fail(keyProblem);
        else if (e.level === 'client-authentication') fail(auth.failureMessage());
        else if (e.level === 'client-timeout') fail(`Timeout, server ${hop.address} not responding.`);
        else {
          const extra = proxyStderr().trim();
          fail(`${label}: ${e.message}${extra ? ` (ProxyCommand: ${extra})` : ''}`);
        }
      });
      client.on('close', () => {
        if (!settled) {
          const extra = proxyStderr().trim();
          fail(
            keyProblem ??
              `Connection closed by ${hop.address} port ${hop.port}${extra ? ` (ProxyCommand: ${extra})` : ''}`,
          );
        }
      });
      client.connect({
        sock: sock as Readable,
        username: hop.user,
        authHandler: auth.handler(),
        readyTimeout: 0,
        keepaliveInterval: hop.keepaliveMs ?? 15_000,
        keepaliveCountMax: hop.keepaliveCountMax ?? 3,
        hostVerifier: (key: Buffer) => {
          if (hop.hostKeyCheck === 'no') return true;
          const name = hop.hostKeyAlias ?? hostKeyName(hop.address, hop.port);
          const verdict = checkHostKey(hop.knownHostsFiles, name, key);
          if (verdict === 'match') return true;
          if (verdict === 'unknown' && hop.hostKeyCheck === 'accept-new') {
            const file = hop.knownHostsFiles[0];
            try {
              if (file && file !== '/dev/null') addHostKey(file, name, key);
            } catch (e) {
              this.debug(`SSH: could not add the host key to ${file}: ${(e as Error).message}`);
            }
            return true;
          }
          keyProblem =
            verdict === 'changed'
              ? `@@@ WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! @@@ The host key for ${name} does not match known_hosts (${hop.knownHostsFiles.join(', ')}). Host key verification failed.`
              : verdict === 'revoked'
                ? `the host key for ${name} is marked as revoked. Host key verification failed.`
                : `No host key is known for ${name} in ${hop.knownHostsFiles.join(', ')} and strict checking is on. Host key verification failed.`;
          return false;
        },
      });
    });
  }

  /** The connection went away. With commands in flight it is dead; idle, the next command reconnects once. */
  private lost(reason: string): void {
    if (this.closed || this.lostReason) return;
    this.lostReason = reason;
    this.debug(`SSH: connection lost: ${reason}`);
    if (this.live.size > 0 || this.anyRunning()) this.dead = reason;
    this.dropSessions(reason);
    for (const ch of this.live) ch.destroy();
    for (const c of this.chain) c.end();
  }

  /** A command has started in some shell (it may have run, so the host must not be retried). */
  private anyRunning(): boolean {
    for (const s of this.sessions) if (s.running) return true;
    return false;
  }

  /** Forget every shell (the connection they lived on is gone). */
  private dropSessions(reason: string): void {
    for (const s of this.sessions) s.onClose(reason);
    this.sessions.clear();
    for (const ch of this.shellChannels) ch.destroy();
    this.shellChannels.clear();
    const pools = [...this.pools.values()];
    this.pools = new Map();
    for (const p of pools) for (const w of p.waiters) w(undefined);
  }

  /** Make sure there is a usable connection: reconnect once after an idle loss. */
  private async ready(): Promise<Client> {
    if (this.closed) throw new UnreachableError(`${PREFIX} connection closed`);
    if (this.dead) throw new UnreachableError(`${PREFIX} ${this.dead}`);
    if (this.client && !this.lostReason) return this.client;
    if (!this.reconnecting) {
      const reason = this.lostReason ?? 'not connected';
      this.debug(`SSH: reconnecting after: ${reason}`);
      this.reconnecting = this.connect().then(
        () => {
          this.reconnecting = undefined;
        },
        (e: unknown) => {
          this.reconnecting = undefined;
          const why = e instanceof Error ? e.message.replace(`${PREFIX} `, '') : String(e);
          this.dead = `${reason}; reconnecting failed: ${why}`;
          throw new UnreachableError(`${PREFIX} ${this.dead}`);
        },
      );
    }
    await this.reconnecting;
    if (!this.client) throw new UnreachableError(`${PREFIX} not connected`);
    return this.client;
  }

  async run(cmd: string, opts: RunOptions = {}): Promise<StepOutput> {
    // A command already wrapped for become carries its own handshake: it needs its own channel.
    if (opts.become || this.noSessions) return this.runExec(cmd, opts);
    return this.runInSession(cmd, opts);
  }

  /** Run a command in one of the host's long-lived shells (one round trip, no login). */
  private async runInSession(cmd: string, opts: RunOptions): Promise<StepOutput> {
    const spec = opts.becomeAs;
    const key = sessionKey(spec);
    const shown = opts.noLog ? '(command hidden: no_log)' : cmd;
    for (let attempt = 0; ; attempt++) {
      const client = await this.ready();
      let session: ShellSession;
      try {
        session = await this.lease(client, key, spec);
      } catch (e) {
        if (e instanceof BecomeError || e instanceof UnreachableError) throw e;
        if (e instanceof SessionNotStarted || e instanceof NotStarted) {
          await settle();
          if (this.closed) throw new UnreachableError(`${PREFIX} connection closed`);
          if (this.dead) throw new UnreachableError(`${PREFIX} ${this.dead}`);
          // The connection went away under the new shell: reconnect once, as for any command not sent.
          if (this.lostReason && attempt === 0) continue;
          if (e instanceof NotStarted && /^(Not connected|No response from server)$/.test(e.message)) {
            if (attempt === 0) {
              this.lost(e.message);
              continue;
            }
            throw new UnreachableError(`${PREFIX} ${this.dead ?? this.lostReason ?? e.message}`);
          }
          if (e instanceof SessionNotStarted && !this.lostReason) {
            // The shell would not start here (restricted or forced command, a broken /bin/sh...): nothing
            // ran, so every command gets its own channel from now on, as before sessions existed.
            this.noSessions = e.message;
            this.debug(`SSH: no long-lived shell (${e.message}); one channel per command`);
            return this.runExec(cmd, opts);
          }
          throw new UnreachableError(`${PREFIX} ${this.dead ?? this.lostReason ?? e.message}`);
        }
        throw e;
      }
      this.debug(`SSH: EXEC ${spec ? `(as ${spec.user}) ` : ''}${shown}`);
      try {
        return await session.run(cmd, { stdin: opts.stdin, timeoutMs: opts.timeoutMs });
      } catch (e) {
        if (!(e instanceof SessionNotStarted) && !(e instanceof SessionLost)) throw e;
        await settle();
        if (this.closed) throw new UnreachableError(`${PREFIX} connection closed`);
        if (e instanceof SessionNotStarted && attempt === 0 && !this.dead) {
          // The shell never said it started the command: it did not run. Send it again (a new shell, or a
          // new connection when this one was lost).
          continue;
        }
        if (this.lostReason || this.dead) {
          this.dead ??= this.lostReason;
          throw new UnreachableError(`${PREFIX} ${this.dead}`);
        }
        throw new Error(
          `the remote shell ended while the command ran (${e.message}); its outcome is unknown`,
          { cause: e },
        );
      } finally {
        this.release(key, session);
      }
    }
  }

  /** An idle shell for `key`, a new one, or wait for one to be free. */
  private async lease(client: Client, key: string, spec: BecomeSpec | undefined): Promise<ShellSession> {
    for (;;) {
      let pool = this.pools.get(key);
      if (!pool) {
        pool = { idle: [], count: 0, limit: MAX_SESSIONS_PER_USER, waiters: [] };
        this.pools.set(key, pool);
      }
      const idle = pool.idle.pop();
      if (idle) {
        if (idle.usable) return idle;
        pool.count--;
        continue;
      }
      if (pool.count < pool.limit) {
        pool.count++;
        const p = pool;
        try {
          return await this.startSession(client, spec);
        } catch (e) {
          p.count--;
          if (e instanceof NotStarted && this.refused(e)) {
            // sshd will not open another channel (MaxSessions): end idle shells of other users, or wait
            // for one of ours, instead of failing the host.
            if (await this.evictIdle(key)) continue;
            if (p.count > 0) {
              p.limit = p.count;
              continue;
            }
          }
          p.waiters.shift()?.(undefined);
          throw e;
        }
      }
      const handed = await new Promise<ShellSession | undefined>((r) => pool.waiters.push(r));
      if (handed) return handed;
    }
  }

  /** The server refused to open a channel while the connection itself is fine. */
  private refused(e: NotStarted): boolean {
    return !this.lostReason && !this.closed && !/^(Not connected|No response from server)$/.test(e.message);
  }

  /** End the idle shells of other users, waiting until the server has freed their channels. */
  private async evictIdle(keep: string): Promise<boolean> {
    const ending: Promise<void>[] = [];
    for (const [key, pool] of this.pools) {
      if (key === keep) continue;
      for (const s of pool.idle.splice(0)) {
        pool.count--;
        this.sessions.delete(s);
        const ended = this.sessionEnded.get(s);
        s.close();
        if (ended) ending.push(ended);
      }
    }
    if (ending.length === 0) return false;
    this.debug(`SSH: the server refused another channel; ending ${ending.length} idle shell(s)`);
    await Promise.race([Promise.all(ending), new Promise((r) => setTimeout(r, 5000))]);
    return true;
  }

  private release(key: string, session: ShellSession): void {
    const pool = this.pools.get(key);
    if (!pool || !this.sessions.has(session)) return;
    if (!session.usable) {
      pool.count--;
      this.sessions.delete(session);
      session.close();
      pool.waiters.shift()?.(undefined);
      return;
    }
    const w = pool.waiters.shift();
    if (w) w(session);
    else pool.idle.push(session);
  }

  /** Open a channel running the shell (through sudo/su for a become user) and wait until it is ready. */
  private async startSession(client: Client, spec: BecomeSpec | undefined): Promise<ShellSession> {
    const wrapped = spec ? wrapBecomeShell(spec, SESSION_SHELL) : undefined;
    const bootstrap = wrapped ? wrapped.cmd : `exec ${SESSION_SHELL}`;
    const pty = wrapped?.handshake.pty === true;
    this.debug(`SSH: EXEC ${bootstrap}`);
    const ch = await new Promise<ClientChannel>((resolve, reject) => {
      const execOpts = pty ? { pty: { term: 'dumb', rows: 24, cols: 200, modes: { ECHO: 0 as const } } } : {};
      try {
        client.exec(bootstrap, execOpts, (err, channel) =>
          err ? reject(new NotStarted(err.message)) : resolve(channel),
        );
      } catch (e) {
        reject(new NotStarted((e as Error).message));
      }
    });
    this.shellChannels.add(ch);
    const ended = new Promise<void>((r) => ch.once('close', () => r()));
    const session = new ShellSession(
      { write: (d) => ch.write(d), end: () => ch.end(), destroy: () => ch.destroy() },
      { pty, readyTimeoutMs: Math.max(this.opts.connectTimeoutMs, 30_000) },
    );
    let rc: number | undefined;
    ch.on('exit', (code: number | null) => {
      rc = code ?? undefined;
    });
    if (wrapped) {
      const hs = wrapped.handshake;
      await new Promise<void>((resolve, reject) => {
        const driver = new BecomeDriver(
          hs,
          // The shell's stdin stays open after the escalation: it carries the requests.
          { write: (d) => ch.write(d), end: () => undefined, abort: () => ch.close() },
          undefined,
        );
        const onData = (d: Buffer): void => {
          if (driver.succeeded) return session.onStdout(d);
          const pass = driver.onStdout(d);
          if (driver.succeeded) {
            session.addLeadingStderr(driver.leadingStderr());
            resolve();
            if (pass) session.onStdout(pass);
          }
        };
        const onErr = (d: Buffer): void => {
          if (driver.succeeded) return session.onStderr(d);
          driver.onStderr(d);
        };
        ch.on('data', onData);
        ch.stderr.on('data', onErr);
        ch.on('close', () => {
          this.shellChannels.delete(ch);
          session.onClose(this.lostReason ?? 'the remote shell exited');
          if (driver.succeeded) return;
          if (this.lostReason && !driver.error) reject(new UnreachableError(`${PREFIX} ${this.lostReason}`));
          else reject(driver.finish(rc) ?? new SessionNotStarted('the remote shell exited'));
        });
        driver.start();
      });
    } else {
      ch.on('data', (d: Buffer) => session.onStdout(d));
      ch.stderr.on('data', (d: Buffer) => session.onStderr(d));
      ch.on('close', () => {
        this.shellChannels.delete(ch);
        session.onClose(this.lostReason ?? 'the remote shell exited');
      });
    }
    this.sessions.add(session);
    this.sessionEnded.set(session, ended);
    try {
      await session.start();
    } catch (e) {
      this.sessions.delete(session);
      ch.close();
      throw e;
    }
    if (spec) this.debug(`SSH: shell as ${spec.user} (${spec.method}) ready`);
    return session;
  }

  /** Run a command on its own exec channel (become applied per command when asked for). */
  private async runExec(cmd: string, opts: RunOptions): Promise<StepOutput> {
    if (opts.becomeAs) {
      const { becomeAs, ...rest } = opts;
      const w = wrapBecome(becomeAs, cmd, opts.stdin);
      return this.runExec(w.cmd, { ...rest, ...w.opts });
    }
    const client = await this.ready();
    this.debug(`SSH: EXEC ${opts.noLog ? '(command hidden: no_log)' : cmd}`);
    try {
      return await this.exec(client, cmd, opts);
    } catch (e) {
      // The channel could not even be opened because the connection was closing: nothing ran, so it is
      // safe to reconnect and try once more.
      if (!(e instanceof NotStarted)) throw e;
      // ssh2 says "Not connected" when the socket was already gone, and "No response from server" when the
      // connection closed before the session channel was even open: the command was never sent.
      const neverSent = /^(Not connected|No response from server)$/.test(e.message);
      if (neverSent && !this.closed && !this.dead) {
        this.lost(e.message);
        return this.exec(await this.ready(), cmd, opts);
      }
      // The exec request may have reached the host: no retry.
      if (this.lostReason) this.dead ??= this.lostReason;
      throw new UnreachableError(`${PREFIX} ${this.dead ?? e.message}`);
    }
  }

  private exec(client: Client, cmd: string, opts: RunOptions): Promise<StepOutput> {
    const become = opts.become;
    const execOpts = become?.pty
      ? { pty: { term: 'dumb', rows: 24, cols: 200, modes: { ECHO: 0 as const } } }
      : {};
    return new Promise((resolve, reject) => {
      const onChannel = (err: Error | undefined, ch: ClientChannel): void => {
        if (err) {
          reject(new NotStarted(err.message));
          return;
        }
        this.live.add(ch);
        const out: Buffer[] = [];
        const errOut: Buffer[] = [];
        let rc: number | undefined;
        let timedOut = false;
        let timer: NodeJS.Timeout | undefined;
        const driver = become
          ? new BecomeDriver(
              become,
              { write: (d) => ch.write(d), end: () => ch.end(), abort: () => ch.close() },
              opts.stdin,
            )
          : undefined;
        if (opts.timeoutMs) {
          timer = setTimeout(() => {
            timedOut = true;
            rc = 124;
            errOut.push(Buffer.from(`\ntsible: command timed out after ${opts.timeoutMs} ms\n`));
            ch.close();
          }, opts.timeoutMs);
        }
        ch.on('data', (d: Buffer) => {
          const pass = driver ? driver.onStdout(d) : d;
          if (pass) out.push(pass);
        });
        ch.stderr.on('data', (d: Buffer) => {
          const pass = driver ? driver.onStderr(d) : d;
          if (pass) errOut.push(pass);
        });
        ch.on('exit', (code: number | null, signal?: string) => {
          if (rc === undefined) rc = code ?? (signal ? 128 + 15 : 255);
        });
        ch.on('close', () => {
          if (timer) clearTimeout(timer);
          this.live.delete(ch);
          if (driver && !driver.succeeded && !timedOut) {
            if (this.lostReason && !driver.error) {
              reject(new UnreachableError(`${PREFIX} ${this.lostReason}`));
            } else reject(driver.finish(rc));
            return;
          }
          if (rc === undefined) {
            reject(
              new UnreachableError(`${PREFIX} ${this.lostReason ?? 'connection lost during a command'}`),
            );
            return;
          }
          const stderr = driver ? Buffer.concat([driver.leadingStderr(), ...errOut]) : Buffer.concat(errOut);
          resolve({ rc, stdout: Buffer.concat(out).toString('utf8'), stderr: stderr.toString('utf8') });
        });
        if (driver) driver.start();
        else ch.end(opts.stdin ?? '');
      };
      try {
        client.exec(cmd, execOpts, onChannel);
      } catch (e) {
        reject(new NotStarted((e as Error).message));
      }
    });
  }

  close(): void {
    this.closed = true;
    // End-of-file lets each shell exit by itself; ending the connection takes care of the rest.
    for (const ch of this.shellChannels) ch.end();
    this.dropSessions('connection closed');
    for (const c of this.chain) c.end();
  }
}

/** The command's channel could not be opened: nothing ran on the host. */
class NotStarted extends Error {}
