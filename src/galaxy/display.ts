// Where tsible-galaxy's messages go: plain lines on stdout, "[WARNING]: …" on stderr, as ansible-galaxy does.
export interface Display {
  /** A normal progress line (stdout). */
  display(line: string): void;
  /** `[WARNING]: <msg>` (stderr). */
  warning(msg: string): void;
  /** An already formatted error text (stderr). */
  error(text: string): void;
}

export function makeDisplay(out: (s: string) => void, err: (s: string) => void): Display {
  return {
    display: (line) => out(`${line}\n`),
    warning: (msg) => err(`[WARNING]: ${msg}\n`),
    error: (text) => err(`${text}\n`),
  };
}
