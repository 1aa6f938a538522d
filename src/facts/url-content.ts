// Fact: the body of a URL fetched by the host itself (curl, else wget), as Ansible modules fetch on the target.
import type { Fact } from '../core/module.js';
import { quote } from '../core/sh.js';

export interface UrlContent {
  ok: boolean;
  content: Buffer;
  /** Why it failed: the tool's message, or that no tool is installed. */
  error?: string;
}

export interface UrlOptions {
  validateCerts?: boolean;
  timeoutSec?: number;
}

const NO_TOOL = 'neither curl nor wget is installed on the host';

/** Reading a URL changes nothing on the host, so it is a fact: it also runs in check mode. */
export function urlContent(url: string, opts: UrlOptions = {}): Fact<UrlContent> {
  const t = Math.max(1, Math.floor(opts.timeoutSec ?? 30));
  const insecure = opts.validateCerts === false;
  const cmd = [
    '(',
    `u=${quote(url)}`,
    't=$(mktemp) || exit 1',
    'if command -v curl >/dev/null 2>&1; then',
    `  e=$(curl -fsSL${insecure ? ' -k' : ''} --max-time ${t} -o "$t" -- "$u" 2>&1); rc=$?`,
    'elif command -v wget >/dev/null 2>&1; then',
    `  e=$(wget -q${insecure ? ' --no-check-certificate' : ''} -T ${t} -O "$t" -- "$u" 2>&1); rc=$?`,
    'else rm -f "$t"; echo notool; exit 0; fi',
    'echo "rc=$rc"',
    'printf \'%s\' "$e" | base64 -w0; echo',
    'base64 -w0 < "$t"; echo',
    'rm -f "$t"',
    ')',
  ].join('\n');
  return { cmd, parse: (out) => parseUrlContent(out.stdout) };
}

export function parseUrlContent(stdout: string): UrlContent {
  const [first = '', err = '', body = ''] = stdout.split('\n');
  if (first === 'notool') return { ok: false, content: Buffer.alloc(0), error: NO_TOOL };
  const m = /^rc=(\d+)$/.exec(first);
  if (!m) return { ok: false, content: Buffer.alloc(0), error: 'could not run the download on the host' };
  if (m[1] !== '0') {
    const text = Buffer.from(err, 'base64').toString('utf8').trim();
    return { ok: false, content: Buffer.alloc(0), error: text || `download failed (rc=${m[1]})` };
  }
  return { ok: true, content: Buffer.from(body, 'base64') };
}
