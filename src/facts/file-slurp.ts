// Fact: a whole remote file (binary-safe, base64 on the wire) with its sha1, or why it cannot be read.
import type { Fact } from '../core/module.js';
import { quote } from '../core/sh.js';

export interface FileSlurp {
  /** ok: read; missing: nothing there; dir: a directory; unreadable: no permission (or a read error). */
  state: 'ok' | 'missing' | 'dir' | 'unreadable';
  sha1?: string;
  /** The bytes; undefined when unchanged (sha1 equals the one given) or not readable. */
  content?: Buffer;
}

/**
 * Read a file through symlinks. With `unlessSha1`, the bytes are sent only when the file's sha1 differs
 * from it (fetch of a file the controller already has costs one checksum).
 */
export function fileSlurp(path: string, unlessSha1?: string): Fact<FileSlurp> {
  const p = quote(path);
  const send =
    unlessSha1 === undefined
      ? `printf data=; base64 -w0 < "$p"; echo`
      : `if [ "$c" != ${quote(unlessSha1)} ]; then printf data=; base64 -w0 < "$p"; echo; fi`;
  const cmd = [
    `p=${p}`,
    'if [ ! -e "$p" ]; then echo missing',
    'elif [ -d "$p" ]; then echo dir',
    'elif [ ! -r "$p" ]; then echo unreadable',
    // Reading through stdin makes sha1sum print "<hash>  -", never an escaped file name.
    'else c=$(sha1sum < "$p") || { echo unreadable; exit 0; }; c=${c%% *}; echo "sha1=$c"',
    `  ${send}`,
    'fi',
  ].join('\n');
  return { cmd, parse: (out) => parseFileSlurp(out.stdout) };
}

export function parseFileSlurp(stdout: string): FileSlurp {
  const [first = '', b64 = ''] = stdout.split('\n');
  if (first === 'missing' || first === 'dir' || first === 'unreadable') return { state: first };
  const m = /^sha1=([0-9a-f]{40})$/.exec(first);
  if (!m) return { state: 'unreadable' };
  // The bytes come on a `data=` line, absent when the file was unchanged.
  const data = b64.startsWith('data=') ? Buffer.from(b64.slice(5), 'base64') : undefined;
  return { state: 'ok', sha1: m[1]!, ...(data ? { content: data } : {}) };
}
