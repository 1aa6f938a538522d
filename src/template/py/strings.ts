// Python string-literal escapes, shared by the template tokenizer and literal_eval.

const SIMPLE: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  n: '\n',
  t: '\t',
  r: '\r',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '\n': '',
};

/**
 * Decode the escape starting at src[i] (the character after the backslash).
 * Returns the decoded text and how many characters after the backslash were used.
 * Unknown escapes keep their backslash, as Python does.
 */
export function decodeEscape(src: string, i: number): [string, number] {
  const c = src[i] ?? '';
  const simple = SIMPLE[c];
  if (simple !== undefined) return [simple, 1];
  if (c >= '0' && c <= '7') {
    const m = /^[0-7]{1,3}/.exec(src.slice(i))![0];
    return [String.fromCodePoint(parseInt(m, 8)), m.length];
  }
  const hexLen = c === 'x' ? 2 : c === 'u' ? 4 : c === 'U' ? 8 : 0;
  if (hexLen) {
    const hex = src.slice(i + 1, i + 1 + hexLen);
    if (hex.length === hexLen && /^[0-9a-fA-F]+$/.test(hex))
      return [String.fromCodePoint(parseInt(hex, 16)), 1 + hexLen];
  }
  return ['\\' + c, 1];
}

/** Decode all escapes in the body of a (non-raw) Python string literal. */
export function unescapePython(body: string): string {
  if (!body.includes('\\')) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== '\\' || i + 1 >= body.length) {
      out += ch;
      continue;
    }
    const [text, used] = decodeEscape(body, i + 1);
    out += text;
    i += used;
  }
  return out;
}
