// Fact: the first bytes of a remote file, base64-encoded so binary content survives the trip.
import type { Fact } from '../core/module.js';
import { quote } from '../core/sh.js';

export interface FileContent {
  exists: boolean;
  /** Full size of the file; content holds at most maxBytes of it. */
  size: number;
  content: Buffer;
  truncated: boolean;
}

/** Read a regular file (following links) up to maxBytes; a missing or unreadable file is `exists: false`. */
export function fileContent(path: string, maxBytes: number): Fact<FileContent> {
  const p = quote(path);
  const max = Math.max(0, Math.floor(maxBytes));
  // Line 1: the size; line 2: the bytes in base64 without line wraps (-w0), so one line holds it all.
  const cmd =
    `if [ -f ${p} ] && [ -r ${p} ]; then stat -L -c %s -- ${p}; ` +
    `head -c ${max} -- ${p} | base64 -w0; echo; fi`;
  return { cmd, parse: (out) => parseFileContent(out.stdout, max) };
}

export function parseFileContent(stdout: string, maxBytes: number): FileContent {
  const [sizeLine, b64 = ''] = stdout.split('\n');
  if (sizeLine === undefined || !/^\d+$/.test(sizeLine)) {
    return { exists: false, size: 0, content: Buffer.alloc(0), truncated: false };
  }
  const size = Number(sizeLine);
  return { exists: true, size, content: Buffer.from(b64, 'base64'), truncated: size > maxBytes };
}
