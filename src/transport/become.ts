// Privilege escalation (sudo, su) applied to each command by the transport. The command prints a random
// success marker once it runs as the become user; until then, everything on its output is the escalation
// talking (a password prompt, "Sorry, try again."), which is answered or turned into a clear, fast error.
// The password only ever travels on the command's stdin (sudo -S) or its terminal (su), never on a
// command line, and is scrubbed from anything reported.
import { randomBytes } from 'node:crypto';
import { quote } from '../core/sh.js';
import type { BecomeSpec } from '../core/types.js';
import { BecomeError, type RunOptions } from './types.js';

/** What a connection needs to drive one escalated command. */
export interface BecomeHandshake {
  method: 'sudo' | 'su';
  user: string;
  /** Never logged, never on a command line. */
  password?: string;
  /** Printed on stdout, on its own line, by the wrapped command once it runs as the become user. */
  successMarker: string;
  /** The prompt sudo prints on stderr (its -p argument). */
  prompt?: string;
  /** Run on a pseudo-terminal (su reads the password from its terminal). */
  pty: boolean;
  /** Give up when neither success nor a prompt shows up within this time. */
  timeoutMs: number;
}

/** A command ready for Connection.run: the wrapped command line and its run options. */
export interface Wrapped {
  cmd: string;
  opts: RunOptions;
}

/** Ansible's default: 12 s for a prompt that never comes. */
export const BECOME_TIMEOUT_MS = 12_000;

/** Remove -n / --non-interactive from sudo flags (a password will be given). */
function dropNonInteractive(flags: string): string {
  return flags
    .split(/\s+/)
    .filter(Boolean)
    .map((f) =>
      f === '-n' || f === '--non-interactive'
        ? ''
        : /^-[A-Za-z]*n[A-Za-z]*$/.test(f)
          ? f.replace('n', '')
          : f,
    )
    .filter((f) => f !== '' && f !== '-')
    .join(' ');
}

/**
 * Wrap `cmd` (with its stdin) to run as `spec.user`. `id` makes the markers unique; it is random by default.
 * - sudo: `sudo -H -S -n -u USER /bin/sh -c 'echo MARKER; CMD'`; with a password, -n is dropped and
 *   `-p '<random prompt>'` added: the password is written to stdin when that prompt appears.
 * - su: `su -s /bin/sh USER -c '…'` on a pseudo-terminal; the password is typed at su's prompt, then the
 *   terminal is put in raw mode and the command's stdin is sent as exactly N bytes (`head -c N`), since a
 *   terminal has no end-of-file. stdout and stderr arrive merged, as with Ansible's `ssh -tt`.
 */
export function wrapBecome(
  spec: BecomeSpec,
  cmd: string,
  stdin?: string | Buffer,
  id: string = randomBytes(12).toString('hex'),
): Wrapped {
  const successMarker = `BECOME-SUCCESS-${id}`;
  const password = spec.password;
  if (spec.method === 'su') {
    const data = stdin === undefined ? Buffer.alloc(0) : Buffer.isBuffer(stdin) ? stdin : Buffer.from(stdin);
    // raw: bytes pass the terminal unchanged both ways (no CR/LF mapping, no ^C/^D/^S meaning); -echo:
    // our input is not copied back into the output; -iexten: no ^V literal-next processing.
    const body =
      data.length > 0
        ? `head -c ${data.length} | /bin/sh -c ${quote(cmd)}`
        : `/bin/sh -c ${quote(cmd)} </dev/null`;
    const inner = `stty raw -echo -iexten 2>/dev/null; echo ${successMarker}; ${body}`;
    const flags = spec.flags ? `${spec.flags} ` : '';
    return {
      cmd: `LC_ALL=C ${spec.exe ?? 'su'} ${flags}-s /bin/sh ${quote(spec.user)} -c ${quote(inner)}`,
      opts: {
        stdin: data,
        become: {
          method: 'su',
          user: spec.user,
          password,
          successMarker,
          pty: true,
          timeoutMs: BECOME_TIMEOUT_MS,
        },
      },
    };
  }
  let flags = spec.flags ?? '-H -S -n';
  if (password !== undefined) flags = dropNonInteractive(flags);
  let prompt: string | undefined;
  // Unless -n forbids it, sudo may ask: give it a prompt we can recognise, and make it read stdin (without -S
  // it would look for a terminal). Without a password to give, that prompt fails the command at once.
  if (!/(^|\s)(-[A-Za-z]*n[A-Za-z]*|--non-interactive)(\s|$)/.test(flags)) {
    if (!/(^|\s)(-[A-Za-z]*S[A-Za-z]*|--stdin)(\s|$)/.test(flags)) flags = `${flags} -S`.trim();
    prompt = `[sudo via tsible, key=${id}] password:`;
  }
  const promptArg = prompt ? ` -p ${quote(prompt)}` : '';
  const flagText = flags ? ` ${flags}` : '';
  return {
    cmd:
      `LC_ALL=C ${spec.exe ?? 'sudo'}${flagText}${promptArg} -u ${quote(spec.user)} ` +
      `/bin/sh -c ${quote(`echo ${successMarker}; ${cmd}`)}`,
    opts: {
      stdin,
      become: {
        method: 'sudo',
        user: spec.user,
        password,
        successMarker,
        prompt,
        pty: false,
        timeoutMs: BECOME_TIMEOUT_MS,
      },
    },
  };
}

/**
 * The command that starts a become user's long-lived shell (see session.ts): the same sudo/su handshake as
 * wrapBecome, once per session, ending in `exec SHELL` with the channel as its stdin. For su the terminal
 * is switched to raw mode first, so the requests and the output pass it byte for byte.
 */
export function wrapBecomeShell(
  spec: BecomeSpec,
  shell: string,
  id: string = randomBytes(12).toString('hex'),
): { cmd: string; handshake: BecomeHandshake } {
  if (spec.method === 'su') {
    const successMarker = `BECOME-SUCCESS-${id}`;
    const inner = `stty raw -echo -iexten 2>/dev/null; echo ${successMarker}; exec ${shell}`;
    const flags = spec.flags ? `${spec.flags} ` : '';
    return {
      cmd: `LC_ALL=C ${spec.exe ?? 'su'} ${flags}-s /bin/sh ${quote(spec.user)} -c ${quote(inner)}`,
      handshake: {
        method: 'su',
        user: spec.user,
        password: spec.password,
        successMarker,
        pty: true,
        timeoutMs: BECOME_TIMEOUT_MS,
      },
    };
  }
  const w = wrapBecome(spec, `exec ${shell}`, undefined, id);
  return { cmd: w.cmd, handshake: w.opts.become! };
}

/** The process side a driver talks to. */
export interface BecomeIO {
  write(data: Buffer | string): void;
  end(): void;
  /** Stop the command (the escalation failed). */
  abort(): void;
}

// su and PAM prompts in the languages people run servers in; matched at the end of the output so far.
const SU_PROMPT =
  /(?:^|[\r\n])[^\r\n]*(?:password|passwort|mot de passe|contraseña|senha|parola|wachtwoord|hasło|пароль|密码|密碼|パスワード|암호)[^\r\n]*[:：]\s*$/i;
const SUDO_WRONG = /Sorry, try again\.|incorrect password attempt/;
const SUDO_MISSING = /a password is required|no password was provided/;
const SU_WRONG = /Authentication failure|incorrect password|^su: Sorry/im;

/**
 * Watches one escalated command's output until it runs as the become user: answers the password prompt,
 * holds the command's stdin back until success (so it can never be read as a password attempt), and
 * fails fast on a wrong or missing password.
 */
export class BecomeDriver {
  succeeded = false;
  /** Set when the escalation failed; the connection rejects the command with it. */
  error: BecomeError | undefined;
  private out = Buffer.alloc(0);
  private err = Buffer.alloc(0);
  private passwordSent = false;
  private stdinSent = false;
  private promptsAnswered = 0;
  private suPromptEnd = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly hs: BecomeHandshake,
    private readonly io: BecomeIO,
    private readonly stdin: string | Buffer | undefined,
  ) {}

  private get name(): string {
    return this.hs.method;
  }

  /** Call once the command has started. */
  start(): void {
    // sudo -n cannot ask for a password: deliver stdin right away and save a round trip.
    if (this.hs.method === 'sudo' && this.hs.prompt === undefined) this.sendStdin();
    this.timer = setTimeout(() => {
      const seen = this.scrub(Buffer.concat([this.err, this.out]).toString('utf8')).trim();
      this.fail(
        `Timeout (${Math.round(this.hs.timeoutMs / 1000)}s) waiting for privilege escalation prompt` +
          (seen ? `: ${seen.slice(-300)}` : ''),
      );
    }, this.hs.timeoutMs);
  }

  private sendStdin(): void {
    if (this.stdinSent) return;
    this.stdinSent = true;
    const s = this.stdin;
    if (s !== undefined && s.length > 0) this.io.write(s);
    // A terminal has no end-of-file: the wrapped command reads exactly the bytes it expects instead.
    if (!this.hs.pty) this.io.end();
  }

  private fail(message: string): void {
    if (this.succeeded || this.error) return;
    if (this.timer) clearTimeout(this.timer);
    this.error = new BecomeError(message);
    this.io.abort();
  }

  private scrub(text: string): string {
    const p = this.hs.password;
    return p ? text.split(p).join('********') : text;
  }

  private answer(): void {
    if (this.hs.password === undefined) {
      this.fail(`Missing ${this.name} password`);
      return;
    }
    if (this.passwordSent) {
      this.fail(`Incorrect ${this.name} password`);
      return;
    }
    this.passwordSent = true;
    this.io.write(`${this.hs.password}\n`);
  }

  /** Feed stdout; returns what belongs to the command's output. */
  onStdout(chunk: Buffer): Buffer | undefined {
    if (this.succeeded) return chunk;
    if (this.error) return undefined;
    this.out = Buffer.concat([this.out, chunk]);
    const text = this.out.toString('latin1');
    const m = new RegExp(`${this.hs.successMarker}\\r?\\n`).exec(text);
    if (m) {
      this.succeeded = true;
      if (this.timer) clearTimeout(this.timer);
      const rest = this.out.subarray(m.index + m[0].length);
      // Everything before the marker was the escalation's own chatter (prompt, echoed newline).
      this.sendStdin();
      return rest.length ? rest : undefined;
    }
    if (this.hs.pty) {
      const tail = this.out.toString('utf8').slice(this.suPromptEnd);
      if (this.passwordSent && SU_WRONG.test(tail)) {
        this.fail(`Incorrect ${this.name} password`);
      } else if (SU_PROMPT.test(tail)) {
        this.suPromptEnd += tail.length;
        this.answer();
      }
    }
    return undefined;
  }

  /** Feed stderr; returns what belongs to the command's stderr. */
  onStderr(chunk: Buffer): Buffer | undefined {
    if (this.succeeded) return chunk;
    this.err = Buffer.concat([this.err, chunk]);
    if (this.error) return undefined;
    const text = this.err.toString('utf8');
    if (this.hs.method === 'sudo') {
      if (SUDO_WRONG.test(text)) return void this.fail(`Incorrect ${this.name} password`);
      if (SUDO_MISSING.test(text)) return void this.fail(`Missing ${this.name} password`);
      const prompts = this.hs.prompt ? text.split(this.hs.prompt).length - 1 : 0;
      while (this.promptsAnswered < prompts && !this.error) {
        this.promptsAnswered++;
        this.answer();
      }
    }
    return undefined;
  }

  /** stderr the escalation printed before success, without its prompts (kept: sudo warnings, the lecture). */
  leadingStderr(): Buffer {
    if (this.err.length === 0) return this.err;
    let text = this.err.toString('utf8');
    if (this.hs.prompt) text = text.split(this.hs.prompt).join('');
    text = this.scrub(text);
    return text.trim() === '' ? Buffer.alloc(0) : Buffer.from(text.replace(/^\s+/, ''));
  }

  /** The command ended: if the escalation never succeeded, the reason. */
  finish(rc: number | undefined): BecomeError | undefined {
    if (this.timer) clearTimeout(this.timer);
    if (this.succeeded) return undefined;
    if (this.error) return this.error;
    const seen = this.scrub(Buffer.concat([this.err, this.out]).toString('utf8'))
      .split(this.hs.prompt ?? '\u0000')
      .join('')
      .trim();
    if (this.hs.method === 'sudo' && SUDO_MISSING.test(seen))
      return new BecomeError(`Missing ${this.name} password`);
    if (
      (this.hs.method === 'sudo' && SUDO_WRONG.test(seen)) ||
      (this.hs.method === 'su' && SU_WRONG.test(seen))
    )
      return new BecomeError(`Incorrect ${this.name} password`);
    return new BecomeError(
      `Privilege escalation (${this.name} to ${this.hs.user}) failed` +
        (rc !== undefined ? ` (rc=${rc})` : '') +
        `: ${seen.replace(/\s+/g, ' ').slice(-500) || 'no output'}`,
    );
  }
}
