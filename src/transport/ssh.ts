// One SSH connection per host (ssh2), reused by every command of the run; host keys checked like OpenSSH.
import { readFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { homedir } from 'node:os';
import { Client, type ClientChannel } from 'ssh2';
import type { StepOutput } from '../core/module.js';
import { checkHostKey, hostKeyName, type KeyCheck } from './known-hosts.js';
import { UnreachableError, type Connection, type RunOptions } from './types.js';

export interface SshOptions {
  /** Inventory name, for messages. */
  name: string;
  address: string;
  port: number;
  user: string;
  keyFiles: string[];
  password?: string;
  hostKeyCheck: KeyCheck;
  knownHostsFiles: string[];
  connectTimeoutMs: number;
  keepaliveMs?: number;
}

/** Parse `-o Key=Value` / `-oKey=Value` / `-o 'Key Value'` words of ansible_ssh_common_args. */
export function parseSshArgs(words: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    let opt: string | undefined;
    if (w === '-o') opt = words[++i];
    else if (w.startsWith('-o')) opt = w.slice(2);
    if (!opt) continue;
    const m = /^\s*([A-Za-z]+)\s*(?:=|\s)\s*(.*)$/.exec(opt);
    if (m) out[m[1]!.toLowerCase()] = m[2]!.trim();
  }
  return out;
}

/** Default identity files, as OpenSSH tries them. */
export function defaultKeyFiles(): string[] {
  const dir = `${homedir()}/.ssh`;
  return ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((f) => `${dir}/${f}`);
}

export class SshConnection implements Connection {
  readonly host: string;
  private client: Client | undefined;
  private closed = false;
  private lostReason: string | undefined;
  private readonly live = new Set<ClientChannel>();

  private constructor(private readonly opts: SshOptions) {
    this.host = opts.name;
  }

  static async open(opts: SshOptions): Promise<SshConnection> {
    const c = new SshConnection(opts);
    await c.connect();
    return c;
  }

  private privateKey(): Buffer | undefined {
    for (const f of this.opts.keyFiles) {
      try {
        return readFileSync(f);
      } catch {
        // Try the next one, as ssh does.
      }
    }
    return undefined;
  }

  private connect(): Promise<void> {
    const o = this.opts;
    const prefix = 'Failed to connect to the host via ssh:';
    return new Promise((resolve, reject) => {
      let keyProblem: string | undefined;
      const sock = netConnect({ host: o.address, port: o.port });
      // Without TCP_NODELAY every small request/response waits on delayed ACKs (~40 ms each).
      sock.setNoDelay(true);
      const client = new Client();
      let settled = false;
      const fail = (msg: string): void => {
        if (settled) return;
        settled = true;
        client.end();
        sock.destroy();
        reject(new UnreachableError(msg));
      };
      const timer = setTimeout(
        () => fail(`${prefix} ssh: connect to host ${o.address} port ${o.port}: Connection timed out`),
        o.connectTimeoutMs,
      );
      sock.on('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        const why = e.code === 'ECONNREFUSED' ? 'Connection refused' : e.message;
        fail(`${prefix} ssh: connect to host ${o.address} port ${o.port}: ${why}`);
      });
      client.on('ready', () => {
        clearTimeout(timer);
        settled = true;
        this.client = client;
        resolve();
      });
      client.on('error', (e) => {
        clearTimeout(timer);
        if (!settled) fail(keyProblem ?? `${prefix} ${o.user}@${o.address}: ${e.message}`);
        else this.lost(e.message);
      });
      client.on('close', () => this.lost('connection closed'));
      client.connect({
        sock,
        username: o.user,
        privateKey: this.privateKey(),
        password: o.password,
        agent: process.env.SSH_AUTH_SOCK,
        readyTimeout: o.connectTimeoutMs,
        keepaliveInterval: o.keepaliveMs ?? 15_000,
        keepaliveCountMax: 3,
        hostVerifier: (key: Buffer) => {
          if (o.hostKeyCheck === 'no') return true;
          const name = hostKeyName(o.address, o.port);
          const verdict = checkHostKey(o.knownHostsFiles, name, key);
          if (verdict === 'match') return true;
          if (verdict === 'unknown' && o.hostKeyCheck === 'accept-new') return true;
          keyProblem =
            verdict === 'changed'
              ? `${prefix} @@@ WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! @@@ The host key for ${name} does not match known_hosts (${o.knownHostsFiles.join(', ')}). Host key verification failed.`
              : verdict === 'revoked'
                ? `${prefix} the host key for ${name} is marked as revoked. Host key verification failed.`
                : `${prefix} No host key is known for ${name} in ${o.knownHostsFiles.join(', ')} and strict checking is on. Host key verification failed.`;
          return false;
        },
      });
    });
  }

  private lost(reason: string): void {
    if (this.closed) return;
    this.lostReason ??= reason;
    for (const ch of this.live) ch.destroy();
  }

  run(cmd: string, opts: RunOptions = {}): Promise<StepOutput> {
    const client = this.client;
    if (!client || this.lostReason || this.closed) {
      return Promise.reject(
        new UnreachableError(`Failed to connect to the host via ssh: ${this.lostReason ?? 'not connected'}`),
      );
    }
    return new Promise((resolve, reject) => {
      client.exec(cmd, (err, ch) => {
        if (err) {
          reject(new UnreachableError(`Failed to connect to the host via ssh: ${err.message}`));
          return;
        }
        this.live.add(ch);
        const out: Buffer[] = [];
        const errOut: Buffer[] = [];
        let rc: number | undefined;
        let timer: NodeJS.Timeout | undefined;
        if (opts.timeoutMs) {
          timer = setTimeout(() => {
            rc = 124;
            errOut.push(Buffer.from(`\ntsible: command timed out after ${opts.timeoutMs} ms\n`));
            ch.close();
          }, opts.timeoutMs);
        }
        ch.on('data', (d: Buffer) => out.push(d));
        ch.stderr.on('data', (d: Buffer) => errOut.push(d));
        ch.on('exit', (code: number | null, signal?: string) => {
          if (rc === undefined) rc = code ?? (signal ? 128 + 15 : 255);
        });
        ch.on('close', () => {
          if (timer) clearTimeout(timer);
          this.live.delete(ch);
          if (rc === undefined) {
            reject(
              new UnreachableError(
                `Failed to connect to the host via ssh: ${this.lostReason ?? 'connection lost during a command'}`,
              ),
            );
            return;
          }
          resolve({
            rc,
            stdout: Buffer.concat(out).toString('utf8'),
            stderr: Buffer.concat(errOut).toString('utf8'),
          });
        });
        ch.end(opts.stdin ?? '');
      });
    });
  }

  close(): void {
    this.closed = true;
    this.client?.end();
  }
}
