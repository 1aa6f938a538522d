// Formats a TsibleError for the terminal: what went wrong, where, the offending line with a caret, a hint.
import { readFileSync } from 'node:fs';
import { TsibleError } from '../core/errors.js';

export function formatError(e: unknown, verbosity = 0): string {
  if (!(e instanceof TsibleError)) {
    const err = e as Error;
    return `ERROR! Unexpected Exception, this is probably a bug: ${err?.message ?? String(e)}${verbosity >= 3 && err?.stack ? '\n' + err.stack : ''}`;
  }
  const lines = [`ERROR! ${e.message}`];
  if (e.task) lines.push(`Task: ${e.task}`);
  if (e.host) lines.push(`Host: ${e.host}`);
  const pos = e.pos;
  if (pos?.line !== undefined) {
    lines.push('', `The error appears to be in '${pos.file}': line ${pos.line}, column ${pos.col ?? 1}.`);
    try {
      const src = readFileSync(pos.file, 'utf8').split('\n');
      const at = src[pos.line - 1];
      if (at !== undefined) {
        lines.push('', 'The offending line appears to be:', '');
        const prev = src[pos.line - 2];
        if (prev !== undefined && prev.trim() !== '')
          lines.push(`${String(pos.line - 1).padStart(5)} | ${prev}`);
        lines.push(`${String(pos.line).padStart(5)} | ${at}`);
        lines.push(`${' '.repeat(5)} | ${' '.repeat(Math.max(0, (pos.col ?? 1) - 1))}^ here`);
      }
    } catch {
      // The file may not be readable any more; the position alone still helps.
    }
  } else if (pos) {
    lines.push('', `The error appears to be in '${pos.file}'.`);
  }
  if (e.hint) lines.push('', `Hint: ${e.hint}`);
  return lines.join('\n');
}
