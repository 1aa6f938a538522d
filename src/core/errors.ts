// One error family for everything tsible reports to a user, with where it came from and an exit code.

/** A place in a source file (1-based line and column). */
export interface SourcePos {
  file: string;
  line?: number;
  col?: number;
}

export type ErrorKind =
  | 'inventory'
  | 'playbook'
  | 'template'
  | 'parameter'
  | 'command'
  | 'unreachable'
  | 'options'
  | 'vault'
  | 'internal';

/** Exit codes as ansible-playbook uses them. */
export const EXIT = {
  ok: 0,
  error: 1,
  failedHosts: 2,
  unreachable: 4,
  parse: 4,
  options: 5,
  interrupted: 99,
  internal: 250,
} as const;

const DEFAULT_EXIT: Record<ErrorKind, number> = {
  inventory: EXIT.parse,
  playbook: EXIT.parse,
  template: EXIT.error,
  parameter: EXIT.parse,
  command: EXIT.error,
  unreachable: EXIT.unreachable,
  options: EXIT.options,
  vault: EXIT.error,
  internal: EXIT.internal,
};

export interface TsibleErrorOptions {
  pos?: SourcePos;
  hint?: string;
  task?: string;
  host?: string;
  exitCode?: number;
  cause?: unknown;
}

export class TsibleError extends Error {
  readonly kind: ErrorKind;
  readonly pos?: SourcePos;
  readonly hint?: string;
  readonly task?: string;
  readonly host?: string;
  readonly exitCode: number;

  constructor(kind: ErrorKind, message: string, opts: TsibleErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'TsibleError';
    this.kind = kind;
    this.pos = opts.pos;
    this.hint = opts.hint;
    this.task = opts.task;
    this.host = opts.host;
    this.exitCode = opts.exitCode ?? DEFAULT_EXIT[kind];
  }

  /** "file:line:col" or just the file, or undefined. */
  where(): string | undefined {
    if (!this.pos) return undefined;
    const { file, line, col } = this.pos;
    if (line === undefined) return file;
    return col === undefined ? `${file}:${line}` : `${file}:${line}:${col}`;
  }
}

/** Levenshtein distance, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/** The closest candidate to `word`, if it is close enough to be a plausible typo. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.max(2, Math.floor(word.length / 3));
  return bestD <= limit ? best : undefined;
}
