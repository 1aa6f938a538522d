// Secrets the transport may need during a run (key passphrases, the SSH password of -k): asked once on the
// terminal without echo, one prompt at a time however many hosts connect at once, and cached for the run.
import { openSync } from 'node:fs';
import { ReadStream, WriteStream } from 'node:tty';

export type SecretAsker = (prompt: string) => Promise<string>;

/** Read one line from the controlling terminal without echo (Ctrl-C aborts, Backspace and Ctrl-U edit). */
export function askOnTerminal(prompt: string): Promise<string> {
  let inFd: number;
  let outFd: number;
  try {
    inFd = openSync('/dev/tty', 'r');
    outFd = openSync('/dev/tty', 'w');
  } catch {
    return Promise.reject(new Error('no terminal to ask on'));
  }
  const input = new ReadStream(inFd);
  const output = new WriteStream(outFd);
  input.on('error', () => undefined);
  output.on('error', () => undefined);
  return new Promise<string>((resolve, reject) => {
    let text = '';
    const done = (err?: Error): void => {
      input.off('data', onData);
      input.setRawMode(false);
      input.destroy();
      output.end('\n');
      if (err) reject(err);
      else resolve(text);
    };
    const onData = (chunk: Buffer): void => {
      for (const c of chunk.toString('utf8')) {
        if (c === '\r' || c === '\n') return done();
        if (c === '\u0003') return done(new Error('interrupted'));
        if (c === '\u0004' && text === '') return done(new Error('no input'));
        if (c === '\u007f' || c === '\b') text = [...text].slice(0, -1).join('');
        else if (c === '\u0015') text = '';
        else if (c >= ' ') text += c;
      }
    };
    input.setRawMode(true);
    input.on('data', onData);
    output.write(prompt);
  });
}

/** A run's secrets: each asked at most once (unless the answer is rejected), prompts never overlap. */
export class Secrets {
  private readonly known = new Map<string, Promise<string>>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly ask: SecretAsker = askOnTerminal) {}

  /** The secret named `id`, asking with `prompt` the first time. */
  get(id: string, prompt: string): Promise<string> {
    let p = this.known.get(id);
    if (!p) {
      const next = this.queue.then(() => this.ask(prompt));
      this.queue = next.catch(() => undefined);
      p = next;
      this.known.set(id, p);
      // A failed prompt (no terminal) is remembered too: asking again would fail the same way.
    }
    return p;
  }

  /** Preset a secret (from an environment variable or a file) so it is never asked. */
  set(id: string, value: string): void {
    this.known.set(id, Promise.resolve(value));
  }

  /** Forget a secret that turned out to be wrong, so the next use asks again. */
  forget(id: string): void {
    this.known.delete(id);
  }
}

/** The secrets of this process's run. */
export const runSecrets = new Secrets();
