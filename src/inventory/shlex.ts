// Splitting an INI host line into words like Python's shlex.split(line, comments=True) (POSIX mode).

/** A line shlex cannot split (unbalanced quote, trailing backslash); the message is Python's. */
export class ShlexError extends Error {}

const WHITESPACE = ' \t\r\n';

/**
 * Split on unquoted whitespace, removing quotes and backslash escapes. A `#` where a word could start or
 * continue begins a comment (so `a#b` gives `a`), but not inside quotes. In double quotes a backslash only
 * escapes `\` and `"`; in single quotes nothing is special.
 */
export function shlexSplit(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false; // a word has started (possibly empty, e.g. '')
  let quote: '' | "'" | '"' = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote === "'") {
      if (c === "'") quote = '';
      else word += c;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = '';
      else if (c === '\\') {
        const n = line[i + 1];
        if (n === undefined) throw new ShlexError('No escaped character');
        word += n === '\\' || n === '"' ? n : c + n;
        i++;
      } else word += c;
      continue;
    }
    if (WHITESPACE.includes(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else if (c === '#') {
      break;
    } else if (c === '\\') {
      const n = line[i + 1];
      if (n === undefined) throw new ShlexError('No escaped character');
      word += n;
      inWord = true;
      i++;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) throw new ShlexError('No closing quotation');
  if (inWord) words.push(word);
  return words;
}
