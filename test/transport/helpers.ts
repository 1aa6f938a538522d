// In-process SSH servers for the transport tests: ssh2's Server on 127.0.0.1 with real /bin/sh exec (under a
// pseudo-terminal from util-linux `script` when one is requested), key/password/keyboard-interactive
// authentication, direct-tcpip forwarding for bastions, and a TCP relay that can freeze like a dead peer.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import {
  connect as netConnect,
  createServer,
  type AddressInfo,
  type Server as NetServer,
  type Socket,
} from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2, { type ParsedKey } from 'ssh2';

const { Server, utils } = ssh2;

export interface UserSpec {
  password?: string;
  /** Public keys (OpenSSH one-line format) accepted for this user. */
  keys?: string[];
  /** Accept without credentials (the "none" method). */
  anything?: boolean;
}

export interface ServerOptions {
  users?: Record<string, UserSpec>;
  /** Accept direct-tcpip channels (act as a ProxyJump bastion). */
  forward?: boolean;
  /** Offer keyboard-interactive instead of password for password users. */
  keyboardInteractive?: boolean;
  /** Replace the command an exec request runs (to make a shell refuse to start, say). */
  rewrite?: (command: string) => string;
  /** Refuse session channels beyond this many open at once per connection (sshd's MaxSessions). */
  maxSessions?: number;
}

export interface TestServer {
  port: number;
  publicKey: string;
  /** A known_hosts line for this server as reached at `host:port`. */
  knownHostsLine(host?: string, port?: number): string;
  /** Open sessions, so a test can cut them. */
  clients: Set<{ end(): void }>;
  /** Every direct-tcpip destination asked for, as host:port. */
  forwarded: string[];
  /** Authentication attempts, as "user method ok|no". */
  authLog: string[];
  /** Commands run, in order. */
  commands: string[];
  close(): Promise<void>;
}

function sameKey(allowed: ParsedKey, ctx: { key: { algo: string; data: Buffer } }): boolean {
  return ctx.key.algo === allowed.type && ctx.key.data.equals(allowed.getPublicSSH());
}

export function startServer(opts: ServerOptions = {}): Promise<TestServer> {
  const hostKey = utils.generateKeyPairSync('ed25519');
  const users = opts.users ?? { tester: { anything: true } };
  const clients = new Set<{ end(): void }>();
  const forwarded: string[] = [];
  const authLog: string[] = [];
  const commands: string[] = [];
  const server = new Server({ hostKeys: [hostKey.private] }, (client) => {
    clients.add(client);
    client.on('close', () => clients.delete(client));
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      const u = users[ctx.username];
      const methods: ('publickey' | 'password' | 'keyboard-interactive')[] = ['publickey'];
      if (u?.password !== undefined || !u)
        methods.push(opts.keyboardInteractive ? 'keyboard-interactive' : 'password');
      const log = (ok: boolean): void => {
        authLog.push(`${ctx.username} ${ctx.method} ${ok ? 'ok' : 'no'}`);
      };
      if (!u) {
        log(false);
        return ctx.reject(methods);
      }
      if (u.anything) {
        log(true);
        return ctx.accept();
      }
      if (ctx.method === 'password' && !opts.keyboardInteractive) {
        const ok = ctx.password === u.password;
        log(ok);
        return ok ? ctx.accept() : ctx.reject(methods);
      }
      if (ctx.method === 'keyboard-interactive' && opts.keyboardInteractive) {
        ctx.prompt([{ prompt: 'Password: ', echo: false }], (answers) => {
          const ok = answers[0] === u.password;
          log(ok);
          if (ok) ctx.accept();
          else ctx.reject(methods);
        });
        return;
      }
      if (ctx.method === 'publickey') {
        for (const line of u.keys ?? []) {
          const allowed = utils.parseKey(line) as ParsedKey;
          if (!sameKey(allowed, ctx)) continue;
          // The first request only asks whether the key would do; the second carries the signature.
          if (!ctx.signature) return ctx.accept();
          const ok = allowed.verify(ctx.blob!, ctx.signature, ctx.hashAlgo);
          log(ok);
          return ok ? ctx.accept() : ctx.reject(methods);
        }
        log(false);
        return ctx.reject(methods);
      }
      ctx.reject(methods);
    });
    client.on('ready', () => {
      client.on('tcpip', (accept, reject, info) => {
        if (!opts.forward) return reject();
        forwarded.push(`${info.destIP}:${info.destPort}`);
        const sock = netConnect(info.destPort, info.destIP);
        sock.on('connect', () => {
          const ch = accept();
          ch.pipe(sock).pipe(ch);
          ch.on('close', () => sock.destroy());
          sock.on('close', () => ch.close());
        });
        sock.on('error', () => reject());
      });
      let open = 0;
      client.on('session', (acceptSession, rejectSession) => {
        if (opts.maxSessions !== undefined && open >= opts.maxSessions) return rejectSession();
        open++;
        const session = acceptSession();
        session.once('close', () => open--);
        let pty = false;
        session.on('pty', (accept) => {
          pty = true;
          accept?.();
        });
        session.on('exec', (acceptExec, _reject, info) => {
          const stream = acceptExec();
          commands.push(info.command);
          // A terminal when asked for one, as sshd would give: util-linux script runs the command on a pty.
          const command = opts.rewrite ? opts.rewrite(info.command) : info.command;
          const child = pty
            ? spawn('script', ['-qfec', command, '/dev/null'])
            : spawn('/bin/sh', ['-c', command]);
          stream.pipe(child.stdin);
          child.stdin.on('error', () => undefined);
          child.stdout.pipe(stream, { end: false });
          child.stderr.pipe(stream.stderr, { end: false });
          stream.on('close', () => child.kill('SIGHUP'));
          child.on('close', (code) => {
            stream.exit(code ?? 1);
            stream.end();
          });
        });
      });
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      const [type, b64] = hostKey.public.split(' ');
      resolve({
        port,
        publicKey: hostKey.public,
        knownHostsLine: (host = '127.0.0.1', p = port) =>
          `${p === 22 ? host : `[${host}]:${p}`} ${type} ${b64}`,
        clients,
        forwarded,
        authLog,
        commands,
        close: () =>
          new Promise<void>((r) => {
            for (const c of clients) c.end();
            server.close(() => r());
          }),
      });
    });
  });
}

/** A TCP relay in front of a server; `freeze()` makes it drop nothing but deliver nothing, like a dead peer. */
export interface Relay {
  port: number;
  freeze(): void;
  /** Cut every relayed connection. */
  cut(): void;
  close(): Promise<void>;
}

export function startRelay(targetPort: number): Promise<Relay> {
  const pairs: [Socket, Socket][] = [];
  let frozen = false;
  const server: NetServer = createServer((inbound) => {
    const outbound = netConnect(targetPort, '127.0.0.1');
    pairs.push([inbound, outbound]);
    inbound.on('data', (d) => {
      if (!frozen) outbound.write(d);
    });
    outbound.on('data', (d) => {
      if (!frozen) inbound.write(d);
    });
    const done = (): void => {
      inbound.destroy();
      outbound.destroy();
    };
    inbound.on('close', done);
    outbound.on('close', done);
    inbound.on('error', done);
    outbound.on('error', done);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        port: (server.address() as AddressInfo).port,
        freeze: () => {
          frozen = true;
        },
        cut: () => {
          for (const [a, b] of pairs) {
            a.destroy();
            b.destroy();
          }
        },
        close: () =>
          new Promise<void>((r) => {
            for (const [a, b] of pairs) {
              a.destroy();
              b.destroy();
            }
            server.close(() => r());
          }),
      });
    });
  });
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'tsible-transport-'));
}

/** Write a fresh ed25519 key pair into `dir` (optionally encrypted); returns the private key's path. */
export function writeKeyPair(
  dir: string,
  name: string,
  passphrase?: string,
): { path: string; publicKey: string } {
  const pair = passphrase
    ? utils.generateKeyPairSync('ed25519', { passphrase, cipher: 'aes256-ctr', rounds: 2 })
    : utils.generateKeyPairSync('ed25519');
  const path = join(dir, name);
  writeFileSync(path, pair.private, { mode: 0o600 });
  writeFileSync(`${path}.pub`, `${pair.public}\n`);
  return { path, publicKey: pair.public };
}
