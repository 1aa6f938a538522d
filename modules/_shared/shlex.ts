// POSIX shlex.split, as Ansible's command module splits its free-form text into argv.

/**
 * Split like Python's shlex.split (posix mode): whitespace separates words; single quotes keep
 * everything literally; in double quotes a backslash escapes only \ " $ ` and newline; outside quotes a
 * backslash escapes any character. Throws on an unclosed quote, as shlex does ("No closing quotation").
 */
export function shlexSplit(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
      continue;
    }
    inWord = true;
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new Error('No closing quotation');
      word += text.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('No closing quotation');
        const d = text[i]!;
        if (d === '"') break;
        if (d === '\\' && i + 1 < text.length && '\\"$`\n'.includes(text[i + 1]!)) {
          word += text[i + 1];
          i += 2;
          continue;
        }
        word += d;
        i++;
      }
      i++;
    } else if (c === '\\') {
      if (i + 1 >= text.length) throw new Error('No escaped character');
      word += text[i + 1];
      i += 2;
    } else {
      word += c;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}
