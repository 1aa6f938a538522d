// One SSH connection per host (ssh2), reused by every command of the run: through ProxyJump bastions or a
// ProxyCommand, host keys checked at every hop like OpenSSH, keepalives to notice a dead peer, and one
// automatic reconnect when the connection was lost between commands.
import { spawn } from 'node:child_process';
import { connect as netConnect } from 'node:net';
import { homedir } from 'node:os';
import { Duplex, type Readable } from 'node:stream';
import ssh2, { type ClientChannel } from 'ssh2';
import type { StepOutput } from '../core/module.js';
import { Authenticator } from './auth.js';
import { BecomeDriver } from './become.js';
import { addHostKey, checkHostKey, hostKeyName, type KeyCheck } from './known-hosts.js';
import { runSecrets, type Secrets } from './secrets.js';
import { UnreachableError, type Connection, type DebugLog, type RunOptions } from './types.js';

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

/** Default identity files, in the order OpenSSH tries them. */
export function defaultKeyFiles(home = homedir()): string[] {
  return ['id_rsa', 'id_ecdsa', 'id_ecdsa_sk', 'id_ed25519', 'id_ed25519_sk', 'id_xmss', 'id_dsa'].map(
    (f) => `${home}/.ssh/${f}`,
  );
}

const PREFIX = 'Failed to connect to the host via ssh:';

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
  private readonly live = new Set<ClientChannel>();
  private readonly secrets: Secrets;

  private constructor(private readonly opts: SshOptions) {
    this.host = opts.name;
    this.secrets = opts.secrets ?? runSecrets;
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
    if (this.live.size > 0) this.dead = reason;
    for (const ch of this.live) ch.destroy();
    for (const c of this.chain) c.end();
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
    for (const c of this.chain) c.end();
  }
}

/** The command's channel could not be opened: nothing ran on the host. */
class NotStarted extends Error {}
