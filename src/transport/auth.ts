// SSH user authentication in OpenSSH's order: agent keys, then identity files not in the agent (asking
// for passphrases of encrypted ones), then keyboard-interactive and password when a password is known.
import { existsSync, readFileSync } from 'node:fs';
import ssh2, {
  type AnyAuthMethod,
  type AuthenticationType,
  type AuthHandlerMiddleware,
  type ParsedKey,
} from 'ssh2';
import type { Secrets } from './secrets.js';

const { utils, BaseAgent, createAgent } = ssh2;

export interface AuthOptions {
  user: string;
  /** `user@host`, for messages. */
  label: string;
  /** IdentityFile entries in order (missing files are skipped, as ssh does). */
  keyFiles: string[];
  identitiesOnly?: boolean;
  /** ssh-agent socket; undefined for none. */
  agent?: string;
  password?: string;
  /** Ask for the SSH password (once per run) when the server offers password auth and no key worked. */
  askPassword?: boolean;
  /** Passphrase for encrypted keys (TSIBLE_SSH_KEY_PASSPHRASE or a passphrase file). */
  keyPassphrase?: string;
  /** Never prompt on the terminal (ssh's BatchMode). */
  batchMode?: boolean;
  pubkey?: boolean;
  passwordAuth?: boolean;
  kbdInteractive?: boolean;
  secrets: Secrets;
}

type Key = ParsedKey;

function firstKey(k: ParsedKey | ParsedKey[] | Error): ParsedKey | Error {
  return Array.isArray(k) ? (k[0] ?? new Error('no key in file')) : k;
}

function parse(data: Buffer, passphrase?: string): ParsedKey | Error {
  return firstKey(utils.parseKey(data, passphrase) as ParsedKey | ParsedKey[] | Error);
}

/** The public half of an identity file, from `file.pub` or from the key itself when it is not encrypted. */
function publicBlob(file: string): Buffer | undefined {
  try {
    const pub = firstKey(utils.parseKey(readFileSync(`${file}.pub`)) as ParsedKey | ParsedKey[] | Error);
    if (!(pub instanceof Error)) return pub.getPublicSSH();
  } catch {
    // No .pub file: fall back to the private key.
  }
  try {
    const k = parse(readFileSync(file));
    if (!(k instanceof Error)) return k.getPublicSSH();
  } catch {
    // Unreadable: the attempt will report it.
  }
  return undefined;
}

/** The keys an agent holds (empty when it cannot be reached within a few seconds). */
export function agentKeys(socket: string, timeoutMs = 3000): Promise<{ keys: Key[]; problem?: string }> {
  return new Promise((resolve) => {
    const timer = setTimeout(
      () => resolve({ keys: [], problem: `ssh-agent at ${socket} did not answer` }),
      timeoutMs,
    );
    try {
      createAgent(socket).getIdentities((err, keys) => {
        clearTimeout(timer);
        if (err) resolve({ keys: [], problem: `ssh-agent at ${socket}: ${err.message}` });
        else
          resolve({
            keys: (keys ?? []).filter((k): k is Key => typeof k === 'object' && !Buffer.isBuffer(k)),
          });
      });
    } catch (e) {
      clearTimeout(timer);
      resolve({ keys: [], problem: `ssh-agent at ${socket}: ${(e as Error).message}` });
    }
  });
}

/** An agent that offers only some of the real agent's keys (IdentitiesOnly, or keys tried already). */
class ChosenKeysAgent extends BaseAgent<Key> {
  constructor(
    private readonly inner: ReturnType<typeof createAgent>,
    private readonly keys: Key[],
  ) {
    super();
  }

  getIdentities(cb: (err: Error | undefined, keys?: Key[]) => void): void {
    cb(undefined, this.keys);
  }

  sign(pubKey: Key, data: Buffer, options: unknown, cb?: unknown): void {
    const inner = this.inner as unknown as {
      sign(k: Key, d: Buffer, o: unknown, c: unknown): void;
    };
    if (typeof options === 'function') inner.sign(pubKey, data, {}, options);
    else inner.sign(pubKey, data, options, cb);
  }
}

interface Attempt {
  method: AuthenticationType;
  describe: string;
  make(): Promise<AnyAuthMethod | undefined>;
}

/** Builds the ssh2 authHandler for one connection and explains a failure like OpenSSH does. */
export class Authenticator {
  /** What was tried, for the error message. */
  readonly tried: string[] = [];
  /** Problems met on the way (unreadable key, wrong passphrase…). */
  readonly notes: string[] = [];
  /** The methods the server said can continue. */
  serverMethods: string[] = [];
  private attempts: Attempt[] = [];
  private asking = 0;

  constructor(private readonly o: AuthOptions) {}

  /** Prepare the list of attempts (reads the agent's keys and the identity files' public halves). */
  async prepare(): Promise<void> {
    const o = this.o;
    const files = o.keyFiles.filter((f) => existsSync(f));
    const blobs = new Map(files.map((f) => [f, publicBlob(f)]));
    const attempts: Attempt[] = [
      { method: 'none', describe: '', make: async () => ({ type: 'none', username: o.user }) },
    ];
    const inAgent = new Set<string>();
    if (o.pubkey !== false && o.agent) {
      const { keys, problem } = await agentKeys(o.agent);
      if (problem) this.notes.push(problem);
      const fileBlobs = [...blobs.values()].filter((b): b is Buffer => b !== undefined);
      const chosen = keys.filter(
        (k) => !o.identitiesOnly || fileBlobs.some((b) => b.equals(k.getPublicSSH())),
      );
      for (const k of chosen) {
        for (const [f, b] of blobs) if (b?.equals(k.getPublicSSH())) inAgent.add(f);
      }
      if (chosen.length > 0) {
        const agent = new ChosenKeysAgent(createAgent(o.agent), chosen);
        attempts.push({
          method: 'publickey',
          describe: `ssh-agent (${chosen.length} key${chosen.length === 1 ? '' : 's'})`,
          make: async () => ({ type: 'agent', username: o.user, agent }),
        });
      }
    }
    if (o.pubkey !== false) {
      for (const f of files) {
        if (inAgent.has(f)) continue;
        attempts.push({ method: 'publickey', describe: f, make: () => this.keyAttempt(f) });
      }
    }
    const canPassword = o.password !== undefined || (o.askPassword === true && !o.batchMode);
    if (canPassword && o.kbdInteractive !== false) {
      attempts.push({
        method: 'keyboard-interactive',
        describe: 'keyboard-interactive',
        make: () => this.kbdAttempt(),
      });
    }
    if (canPassword && o.passwordAuth !== false) {
      attempts.push({ method: 'password', describe: 'password', make: () => this.passwordAttempt() });
    }
    this.attempts = attempts;
  }

  /** True while a passphrase or password is being asked (connection timers should wait). */
  get waitingForSecret(): boolean {
    return this.asking > 0;
  }

  private async secret(id: string, prompt: string): Promise<string> {
    this.asking++;
    try {
      return await this.o.secrets.get(id, prompt);
    } finally {
      this.asking--;
    }
  }

  private async sshPassword(): Promise<string | undefined> {
    if (this.o.password !== undefined) return this.o.password;
    try {
      return await this.secret('ssh-password', 'SSH password: ');
    } catch (e) {
      this.notes.push(`could not ask for the SSH password: ${(e as Error).message}`);
      return undefined;
    }
  }

  private async passwordAttempt(): Promise<AnyAuthMethod | undefined> {
    const password = await this.sshPassword();
    if (password === undefined) return undefined;
    return { type: 'password', username: this.o.user, password };
  }

  private async kbdAttempt(): Promise<AnyAuthMethod | undefined> {
    const password = await this.sshPassword();
    if (password === undefined) return undefined;
    return {
      type: 'keyboard-interactive',
      username: this.o.user,
      // Answer password prompts only, as sshpass does; anything else gets an empty answer.
      prompt: (_name, _instr, _lang, prompts, finish) =>
        finish(prompts.map((p) => (/pass(word|code|phrase)?/i.test(p.prompt) ? password : ''))),
    };
  }

  private async keyAttempt(file: string): Promise<AnyAuthMethod | undefined> {
    let data: Buffer;
    try {
      data = readFileSync(file);
    } catch (e) {
      this.notes.push(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      return undefined;
    }
    let key = parse(data);
    if (key instanceof Error && /passphrase/i.test(key.message)) key = await this.decrypt(file, data);
    if (key instanceof Error) {
      this.notes.push(`cannot use ${file}: ${key.message}`);
      return undefined;
    }
    if (!key.isPrivateKey()) {
      this.notes.push(`${file} is not a private key`);
      return undefined;
    }
    return { type: 'publickey', username: this.o.user, key };
  }

  /** An encrypted key: the configured passphrase, else ask on the terminal (3 tries, like ssh). */
  private async decrypt(file: string, data: Buffer): Promise<ParsedKey | Error> {
    const o = this.o;
    if (o.keyPassphrase !== undefined) {
      const k = parse(data, o.keyPassphrase);
      return k instanceof Error ? new Error(`the passphrase given for this key is wrong (${k.message})`) : k;
    }
    if (o.batchMode) return new Error('the key is encrypted and BatchMode forbids asking for its passphrase');
    const id = `key-passphrase:${file}`;
    for (let i = 0; i < 3; i++) {
      let pass: string;
      try {
        pass = await this.secret(id, `Enter passphrase for key '${file}': `);
      } catch (e) {
        return new Error(
          `the key is encrypted and its passphrase could not be asked (${(e as Error).message}); ` +
            'set TSIBLE_SSH_KEY_PASSPHRASE or TSIBLE_SSH_KEY_PASSPHRASE_FILE',
        );
      }
      const k = parse(data, pass);
      if (!(k instanceof Error)) return k;
      o.secrets.forget(id);
    }
    return new Error('wrong passphrase (3 tries)');
  }

  /** The ssh2 authHandler: walks the attempts, skipping methods the server does not offer. */
  handler(): AuthHandlerMiddleware {
    let i = 0;
    return (methodsLeft, _partial, next) => {
      if (methodsLeft) this.serverMethods = methodsLeft.filter((m) => m !== 'none');
      const step = async (): Promise<void> => {
        while (i < this.attempts.length) {
          const a = this.attempts[i++]!;
          // The first call (methodsLeft null) sends "none" to learn what the server offers.
          if (
            a.method === 'none'
              ? methodsLeft !== null
              : methodsLeft !== null && !methodsLeft.includes(a.method)
          )
            continue;
          const m = await a.make();
          if (!m) continue;
          if (a.describe) this.tried.push(a.describe);
          next(m);
          return;
        }
        next(false as unknown as AnyAuthMethod);
      };
      step().catch(() => next(false as unknown as AnyAuthMethod));
    };
  }

  /** `user@host: Permission denied (publickey,password).`, plus what was tried. */
  failureMessage(): string {
    const methods = this.serverMethods.length ? this.serverMethods.join(',') : 'none';
    let msg = `${this.o.label}: Permission denied (${methods}).`;
    if (this.tried.length) msg += ` Tried: ${this.tried.join(', ')}.`;
    else msg += ' No key or password was available to try.';
    if (this.notes.length) msg += ` ${this.notes.join('; ')}.`;
    return msg;
  }
}
