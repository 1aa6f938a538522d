// Fact: every regular file matching some globs, with its content (apt sources, keyrings, cron.d).
import type { Fact } from '../core/module.js';
import { quote } from '../core/sh.js';

export interface GlobFile {
  path: string;
  content: Buffer;
}

/**
 * Each pattern sits in a variable expanded unquoted with IFS empty: pathname expansion happens, field
 * splitting and re-parsing do not (see globExists). One line per file: base64 path, space, base64 content,
 * so names and bytes of any kind survive. Files are listed in the order of the patterns, each sorted.
 */
export function globFiles(patterns: readonly string[], maxBytes = 4 * 1024 * 1024): Fact<GlobFile[]> {
  const max = Math.max(0, Math.floor(maxBytes));
  const cmd = [
    '(',
    "IFS=''",
    ...patterns.map(
      (p) =>
        `g=${quote(p)}; for f in $g; do [ -f "$f" ] && [ -r "$f" ] || continue; ` +
        `printf '%s ' "$(printf '%s' "$f" | base64 -w0)"; head -c ${max} -- "$f" | base64 -w0; echo; done`,
    ),
    ')',
  ].join('\n');
  return { cmd, parse: (out) => parseGlobFiles(out.stdout) };
}

export function parseGlobFiles(stdout: string): GlobFile[] {
  const files: GlobFile[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^([A-Za-z0-9+/=]+) ([A-Za-z0-9+/=]*)$/.exec(line);
    if (!m) continue;
    files.push({
      path: Buffer.from(m[1]!, 'base64').toString('utf8'),
      content: Buffer.from(m[2]!, 'base64'),
    });
  }
  return files;
}
