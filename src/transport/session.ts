// One long-lived /bin/sh per host (and per become user) on the host's connection: a command costs one round
// trip and one fork on the target, instead of a new SSH session, a login shell and its rc files.
//
// The protocol. The shell is `/bin/sh +i -s` reading its script from the channel. First we send a prelude
// that defines `__ts_r` and prints a ready line. Each request is then one statement:
//
//   __ts_r BOUNDARY TIMEOUT MODE 'COMMAND' [ARG]
//
// Everything in it is quoted by us, so no command text can break the statement's syntax, and a syntax
// error inside the command only fails the subshell that evals it. The shell parses the statement from its
// own input buffer and runs it: no process reads the request but the shell itself.
// - MODE n: no stdin (</dev/null).
// - MODE i: stdin inline: ARG is a printf format that reproduces the bytes exactly (octal escapes for
//   anything but plain printable ASCII, so NUL and 0x80-0xff pass too). Nothing is left on the channel for
//   a command that does not read its stdin, and a command that reads it sees end-of-file after the data.
// - MODE s: stdin streamed (large payloads): the shell says it has started, and only then are the raw bytes
//   sent. dash reads its script in 8 KiB blocks, so they must not arrive before it is done parsing;
//   `head -c N` reads exactly N bytes (GNU head never reads past what it was asked for) and `cat` drains
//   what the command did not read, so the next request always starts at a statement boundary.
// Responses are framed by the request's random boundary: `B:S` when the command starts, then its raw
// output, then `B:E RC` on stdout and `B:E` on stderr, so binary output passes untouched. Output before
// `B:S` belongs to no request (a background process of an earlier command) and is dropped. On su's
// terminal there is one stream: stderr goes to a private temporary file and follows `B:E RC`, up to `B:F`.
// `B:S` also tells the transport the command has started: a request lost with its connection before that
// never ran, and can be sent again.
// The command runs as `( eval "$cmd" )`: a fork of the shell, no exec. With a timeout it runs under
// `timeout -k 2 T /bin/sh -c` (coreutils), which kills the command's whole process group and nothing else.
import { randomBytes } from 'node:crypto';
import type { StepOutput } from '../core/module.js';
import { quote } from '../core/sh.js';

/** The transport-side ends of a session's channel. */
export interface SessionIO {
  write(data: Buffer | string): void;
  /** Send end-of-file: the shell exits. */
  end(): void;
  /** Tear the channel down now. */
  destroy(): void;
}

export interface SessionOptions {
  /** The shell runs on a pseudo-terminal: stdout and stderr arrive merged, there is no stderr framing. */
  pty?: boolean;
  /** Give up when the shell has not said it is ready within this time. */
  readyTimeoutMs?: number;
  /** stderr the escalation printed before the shell started (sudo warnings): given to the first command. */
  leadingStderr?: Buffer;
}

export interface SessionRunOptions {
  stdin?: string | Buffer;
  timeoutMs?: number;
}

/** Stdin up to this size travels inside the request statement; larger stdin is streamed after it. */
export const INLINE_STDIN_MAX = 64 * 1024;

const NEWLINE = Buffer.from('\n');

/** Extra time the host gets after a timeout to report the killed command before the session is dropped. */
const KILL_GRACE_MS = 5_000;

let tokenPrefix: string | undefined;
let tokenCount = 0;

/**
 * A token no command output can predict: a random prefix drawn once per process, then a counter (a fresh
 * random draw per request cost more controller CPU than the rest of the framing).
 */
export function uniqueToken(): string {
  tokenPrefix ??= randomBytes(12).toString('hex');
  return `${tokenPrefix}${(tokenCount++).toString(36)}`;
}

/** The request never reached the shell (or the shell never started it): safe to send it again elsewhere. */
export class SessionNotStarted extends Error {}

/** The shell went away while a command ran: it may or may not have run to the end. */
export class SessionLost extends Error {}

/** The prelude: defines the request function and says it is ready. */
export function prelude(readyToken: string, pty: boolean): string {
  // __ts_c runs the command (in $__ts_x) with the request's stdin. `eval` in a subshell costs a fork and no
  // exec; the loop's own variables are unset first so the command sees a clean shell. With a timeout, GNU
  // timeout puts the command in its own process group and kills all of it (TERM, then KILL 2 s later).
  const run =
    `__ts_c() { if [ "$__ts_t" != 0 ] && command -v timeout >/dev/null 2>&1; ` +
    `then timeout -k 2 "$__ts_t" /bin/sh -c "$__ts_x"; ` +
    `else ( eval "unset __ts_b __ts_t __ts_m __ts_a __ts_x __ts_s __ts_ef; $__ts_x" ); fi; }`;
  // On su's terminal stdout and stderr are one stream: the command's stderr goes to a private temporary
  // file instead, sent after the end marker (cat runs only when there is something to send). The traps
  // remove the file however the shell ends; without a file, stderr stays merged into stdout, as with a
  // wrapped su command. Without a terminal, stderr has its own markers.
  const err = pty ? ' 2>"$__ts_ef"' : '';
  const setup = pty
    ? `if __ts_ef=$(mktemp 2>/dev/null); then trap 'rm -f "$__ts_ef"' EXIT; trap 'exit 129' HUP; ` +
      `trap 'exit 143' TERM; else __ts_ef=/dev/stderr; fi`
    : ':';
  const started = pty
    ? `printf '%s:S\\n' "$__ts_b"`
    : `printf '%s:S\\n' "$__ts_b"; printf '%s:S\\n' "$__ts_b" >&2`;
  const ended = pty
    ? `printf '%s:E %d\\n' "$__ts_b" "$__ts_s"; [ -s "$__ts_ef" ] && cat "$__ts_ef"; printf '%s:F\\n' "$__ts_b"`
    : `printf '%s:E %d\\n' "$__ts_b" "$__ts_s"; printf '%s:E\\n' "$__ts_b" >&2`;
  // __ts_r frames one request; `shift $#` so the command does not see the request's arguments as $1...
  const request =
    `__ts_r() { __ts_b=$1 __ts_t=$2 __ts_m=$3 __ts_x=$4 __ts_a=\${5-}; shift $#; ${started}; ` +
    `case $__ts_m in n) __ts_c </dev/null${err} ;; i) printf "$__ts_a" | __ts_c${err} ;; ` +
    `*) head -c "$__ts_a" | { __ts_c${err}; __ts_s=$?; cat >/dev/null; exit $__ts_s; } ;; esac; ` +
    `__ts_s=$?; ${ended}; }`;
  return [setup, run, request, `printf '%s\\n' ${readyToken}`, ''].join('\n');
}

/** A printf format that prints exactly `data` (single-quoted for the shell). */
export function printfFormat(data: Buffer): string {
  let out = '';
  for (const c of data) {
    if (c === 0x25) out += '%%';
    else if (c === 0x5c) out += '\\\\';
    // A single quote cannot appear inside single quotes; an octal escape is simplest.
    else if (c === 0x27) out += '\\047';
    else if ((c >= 0x20 && c < 0x7f) || c === 0x0a) out += String.fromCharCode(c);
    else out += `\\${c.toString(8).padStart(3, '0')}`;
  }
  return `'${out}'`;
}

/** Timeout in seconds as GNU timeout reads it ("0" = none). */
function seconds(ms: number | undefined): string {
  if (!ms || ms <= 0) return '0';
  return String(Math.max(ms, 1) / 1000);
}

/** Accumulates one output stream and finds a marker in it, even when split across chunks. */
class Stream {
  private chunks: Buffer[] = [];
  private length = 0;

  push(d: Buffer): void {
    this.chunks.push(d);
    this.length += d.length;
  }

  /** The whole stream so far as one buffer (compacted). */
  all(): Buffer {
    if (this.chunks.length !== 1) this.chunks = [Buffer.concat(this.chunks, this.length)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  /**
   * Position of `marker` at or after `from`, or -1. Only the chunks from `from` on are joined, so scanning a
   * large output as it arrives stays linear.
   */
  find(marker: Buffer, from: number): number {
    if (this.length - from < marker.length) return -1;
    let pos = 0;
    let i = 0;
    while (i < this.chunks.length && pos + this.chunks[i]!.length <= from) pos += this.chunks[i++]!.length;
    const rest = this.chunks.slice(i);
    const window = rest.length === 1 ? rest[0]! : Buffer.concat(rest);
    const at = window.indexOf(marker, from - pos);
    return at < 0 ? -1 : pos + at;
  }

  /** Drop the first n bytes. */
  drop(n: number): void {
    const rest = this.all().subarray(n);
    this.chunks = rest.length ? [rest] : [];
    this.length = rest.length;
  }

  get size(): number {
    return this.length;
  }
}

interface Pending {
  boundary: string;
  start: Buffer;
  end: Buffer;
  started: boolean;
  stderrStarted: boolean;
  /** Where the command's own output begins, once started. */
  outFrom: number;
  errFrom: number;
  rc?: number;
  stdoutDone: boolean;
  stderrDone: boolean;
  stdout?: Buffer;
  stderr?: Buffer;
  /** Raw stdin still to send once the shell has started the command (MODE s). */
  stream?: Buffer;
  timedOut: boolean;
  timeoutMs?: number;
  sentAt: number;
  timers: NodeJS.Timeout[];
  resolve: (o: StepOutput) => void;
  reject: (e: Error) => void;
}

/**
 * The controller side of one shell session. Requests run one at a time (the caller keeps a pool when it
 * wants several at once); `busy` says whether one is in flight.
 */
export class ShellSession {
  private readonly out = new Stream();
  private readonly err = new Stream();
  private readonly pty: boolean;
  private readonly readyToken = `TSIBLE-READY-${randomBytes(9).toString('hex')}`;
  private ready = false;
  private readyWait: { resolve: () => void; reject: (e: Error) => void; timer: NodeJS.Timeout } | undefined;
  private pending: Pending | undefined;
  private leadingStderr: Buffer | undefined;
  /** Set when the session cannot take requests any more, with the reason. */
  ended: string | undefined;
  /** Requests this session has answered. */
  served = 0;

  constructor(
    private readonly io: SessionIO,
    private readonly opts: SessionOptions = {},
  ) {
    this.pty = opts.pty === true;
    this.leadingStderr = opts.leadingStderr?.length ? opts.leadingStderr : undefined;
  }

  get busy(): boolean {
    return this.pending !== undefined;
  }

  /** A command has been started by the shell and has not finished. */
  get running(): boolean {
    return this.pending?.started === true;
  }

  /** stderr printed before the shell started (sudo's warnings): shown with the first command's stderr. */
  addLeadingStderr(b: Buffer): void {
    if (b.length) this.leadingStderr = this.leadingStderr ? Buffer.concat([this.leadingStderr, b]) : b;
  }

  get usable(): boolean {
    return this.ready && !this.ended;
  }

  /** Send the prelude and wait for the shell to say it is ready. */
  start(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.readyWait = undefined;
        this.fail('the remote shell did not start');
        reject(new SessionNotStarted('the remote shell did not start'));
      }, this.opts.readyTimeoutMs ?? 30_000);
      this.readyWait = { resolve, reject, timer };
      this.io.write(prelude(this.readyToken, this.pty));
      this.checkReady();
    });
  }

  /** Feed the channel's stdout. */
  onStdout(d: Buffer): void {
    this.out.push(d);
    if (!this.ready) this.checkReady();
    else this.advance();
  }

  /** Feed the channel's stderr. */
  onStderr(d: Buffer): void {
    this.err.push(d);
    if (this.ready) this.advance();
    else if (this.err.size > 1 << 20) this.err.drop(this.err.size);
  }

  /** The channel closed. */
  onClose(reason = 'the remote shell exited'): void {
    this.fail(reason);
  }

  private checkReady(): void {
    const marker = Buffer.from(`${this.readyToken}\n`);
    const at = this.out.find(marker, 0);
    if (at < 0) {
      // Anything an rc file printed before the shell started is not ours; keep only what may be the marker.
      if (this.out.size > 1 << 20) this.out.drop(this.out.size - marker.length);
      return;
    }
    this.out.drop(at + marker.length);
    // stderr so far is the login's (rc files, motd): nobody's output.
    this.err.drop(this.err.size);
    this.ready = true;
    const w = this.readyWait;
    this.readyWait = undefined;
    if (w) {
      clearTimeout(w.timer);
      w.resolve();
    }
  }

  run(cmd: string, opts: SessionRunOptions = {}): Promise<StepOutput> {
    if (this.ended) return Promise.reject(new SessionNotStarted(this.ended));
    if (!this.ready || this.pending) return Promise.reject(new Error('session busy'));
    const boundary = `__ts${uniqueToken()}`;
    const stdin =
      opts.stdin === undefined
        ? undefined
        : Buffer.isBuffer(opts.stdin)
          ? opts.stdin
          : Buffer.from(opts.stdin);
    let mode = 'n';
    let arg = '';
    let stream: Buffer | undefined;
    if (stdin && stdin.length > 0) {
      if (stdin.length <= INLINE_STDIN_MAX) {
        mode = 'i';
        arg = ` ${printfFormat(stdin)}`;
      } else {
        mode = 's';
        arg = ` ${stdin.length}`;
        stream = stdin;
      }
    }
    return new Promise<StepOutput>((resolve, reject) => {
      const p: Pending = {
        boundary,
        start: Buffer.from(`${boundary}:S\n`),
        end: Buffer.from(`${boundary}:E`),
        started: false,
        stderrStarted: this.pty,
        outFrom: 0,
        errFrom: 0,
        stdoutDone: false,
        stderrDone: false,
        stream,
        timedOut: false,
        timeoutMs: opts.timeoutMs,
        sentAt: Date.now(),
        timers: [],
        resolve,
        reject,
      };
      this.pending = p;
      if (opts.timeoutMs) {
        p.timers.push(
          setTimeout(() => {
            p.timedOut = true;
            // The host kills the command (GNU timeout); if it cannot, drop the whole session.
            p.timers.push(
              setTimeout(() => {
                if (this.pending !== p) return;
                this.pending = undefined;
                this.clear(p);
                this.fail('a command timed out and could not be killed');
                this.io.destroy();
                resolve({ rc: 124, stdout: '', stderr: this.timeoutNote(p) });
              }, KILL_GRACE_MS),
            );
          }, opts.timeoutMs),
        );
      }
      this.io.write(`__ts_r ${boundary} ${seconds(opts.timeoutMs)} ${mode} ${quote(cmd)}${arg}\n`);
      this.advance();
    });
  }

  private timeoutNote(p: Pending): string {
    return `\ntsible: command timed out after ${p.timeoutMs} ms\n`;
  }

  private clear(p: Pending): void {
    for (const t of p.timers) clearTimeout(t);
  }

  /** Parse what arrived for the request in flight. */
  private advance(): void {
    const p = this.pending;
    if (!p) {
      // Output of nobody (a background process of an earlier command): keep the buffers small.
      if (this.out.size > 1 << 16) this.out.drop(this.out.size - 1024);
      if (this.err.size > 1 << 16) this.err.drop(this.err.size - 1024);
      return;
    }
    if (!p.started) {
      const at = this.out.find(p.start, 0);
      if (at < 0) return;
      this.out.drop(at + p.start.length);
      p.started = true;
      if (p.stream) {
        this.io.write(p.stream);
        p.stream = undefined;
      }
    }
    if (!p.stdoutDone) {
      const at = this.out.find(p.end, p.outFrom);
      const nl = at < 0 ? -1 : this.out.find(NEWLINE, at + p.end.length);
      if (nl >= 0) {
        const buf = this.out.all();
        p.rc = Number(
          buf
            .subarray(at + p.end.length, nl)
            .toString('latin1')
            .trim(),
        );
        p.stdout = Buffer.from(buf.subarray(0, at));
        this.out.drop(nl + 1);
        p.stdoutDone = true;
      } else p.outFrom = at >= 0 ? at : Math.max(0, this.out.size - p.end.length);
    }
    if (this.pty && p.stdoutDone && !p.stderrDone) {
      const marker = Buffer.from(`${p.boundary}:F\n`);
      const at = this.out.find(marker, p.errFrom);
      if (at >= 0) {
        p.stderr = Buffer.from(this.out.all().subarray(0, at));
        this.out.drop(at + marker.length);
        p.stderrDone = true;
      } else p.errFrom = Math.max(0, this.out.size - marker.length);
    }
    if (!this.pty && !p.stderrStarted) {
      const at = this.err.find(p.start, 0);
      if (at >= 0) {
        this.err.drop(at + p.start.length);
        p.stderrStarted = true;
      }
    }
    if (!this.pty && p.stderrStarted && !p.stderrDone) {
      const marker = Buffer.from(`${p.boundary}:E\n`);
      const at = this.err.find(marker, p.errFrom);
      if (at >= 0) {
        p.stderr = Buffer.from(this.err.all().subarray(0, at));
        this.err.drop(at + marker.length);
        p.stderrDone = true;
      } else p.errFrom = Math.max(0, this.err.size - marker.length);
    }
    if (p.stdoutDone && p.stderrDone) {
      this.pending = undefined;
      this.clear(p);
      this.served++;
      let stderr = p.stderr ?? Buffer.alloc(0);
      if (this.leadingStderr) {
        stderr = Buffer.concat([this.leadingStderr, stderr]);
        this.leadingStderr = undefined;
      }
      // The host's timer may fire a little before ours: GNU timeout's 124 (or 137 after KILL) then counts.
      if (p.timeoutMs && (p.rc === 124 || p.rc === 137) && Date.now() - p.sentAt >= p.timeoutMs - 100)
        p.timedOut = true;
      let text = stderr.toString('utf8');
      if (p.timedOut) text += this.timeoutNote(p);
      p.resolve({
        rc: p.timedOut ? 124 : (p.rc ?? 255),
        stdout: (p.stdout ?? Buffer.alloc(0)).toString('utf8'),
        stderr: text,
      });
    }
  }

  /** The session is over: reject whoever waits. */
  private fail(reason: string): void {
    if (this.ended) return;
    this.ended = reason;
    const w = this.readyWait;
    if (w) {
      this.readyWait = undefined;
      clearTimeout(w.timer);
      w.reject(new SessionNotStarted(reason));
    }
    const p = this.pending;
    if (p) {
      this.pending = undefined;
      this.clear(p);
      p.reject(p.started ? new SessionLost(reason) : new SessionNotStarted(reason));
    }
  }

  /** End the session: the shell sees end-of-file and exits. */
  close(): void {
    this.fail('session closed');
    this.io.end();
  }
}
