// HTTP requests made on the host with curl (or wget) for get_url and uri: option files on stdin so secrets
// and headers never reach a command line, and a line protocol that brings status, URL and headers back.
import type { Fact, ParamSpec } from '../../src/core/module.js';
import { quote } from '../../src/core/sh.js';

export type HttpTool = 'curl' | 'wget' | 'none';

/** Parameters get_url and uri share (url_username differs only in its alias). */
export const httpParams = {
  url_password: {
    type: 'str',
    aliases: ['password'],
    noLog: true,
    description: 'Password for HTTP basic authentication.',
  },
  force_basic_auth: { type: 'bool', default: false, description: 'Accepted (credentials are always sent).' },
  validate_certs: { type: 'bool', default: true, description: 'Verify the server certificate.' },
  http_agent: { type: 'str', default: 'ansible-httpget', description: 'User-Agent header.' },
  use_proxy: {
    type: 'bool',
    default: true,
    description: "Use the host's proxy variables (curl and wget do by default).",
  },
} as const satisfies Record<string, ParamSpec>;

/** A request from those parameters. */
export function httpRequest(
  p: {
    url: string;
    url_username?: string;
    url_password?: string;
    timeout: number;
    validate_certs: boolean;
    http_agent: string;
  },
  o: { method: string; headers: Record<string, string>; followRedirects: boolean; body?: Buffer },
): HttpRequest {
  return {
    url: p.url,
    user: p.url_username,
    password: p.url_password,
    timeout: p.timeout,
    validateCerts: p.validate_certs,
    userAgent: p.http_agent,
    ...o,
  };
}

export function httpToolFact(): Fact<HttpTool> {
  return {
    cmd: 'if command -v curl >/dev/null 2>&1; then echo curl; elif command -v wget >/dev/null 2>&1; then echo wget; else echo none; fi',
    parse: (out) => {
      const t = out.stdout.trim();
      return t === 'curl' || t === 'wget' ? t : 'none';
    },
  };
}

export function noToolMessage(module: string): string {
  return `${module} needs curl or wget on the host, and neither is installed (install the curl package, for example)`;
}

export interface HttpRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  user?: string;
  password?: string;
  /** Seconds without progress (and to connect) before giving up. */
  timeout: number;
  validateCerts: boolean;
  followRedirects: boolean;
  userAgent: string;
  /** A body follows the option file on stdin. */
  body?: Buffer;
}

/** A value in curl's option file: double-quoted with backslash escapes. */
function curlValue(v: string): string {
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;
}

function oneLine(what: string, v: string): string {
  if (/[\r\n]/.test(v)) throw new Error(`${what} must not contain a newline with wget`);
  return v;
}

/**
 * The option file (curl -K / wget --config) for a request. It holds the URL (curl), headers and
 * credentials, so none of them appear in the process list.
 */
export function optionFile(tool: 'curl' | 'wget', r: HttpRequest): string {
  const lines: string[] = [];
  if (tool === 'curl') {
    lines.push(`url = ${curlValue(r.url)}`, `user-agent = ${curlValue(r.userAgent)}`);
    // GET is curl's default (and a forced method would also be kept across redirects); HEAD needs -I.
    if (r.method === 'HEAD') lines.push('head');
    else if (r.method !== 'GET') lines.push(`request = ${curlValue(r.method)}`);
    for (const [k, v] of Object.entries(r.headers)) lines.push(`header = ${curlValue(`${k}: ${v}`)}`);
    if (r.user !== undefined) lines.push(`user = ${curlValue(`${r.user}:${r.password ?? ''}`)}`);
  } else {
    lines.push(`user_agent = ${oneLine('http_agent', r.userAgent)}`);
    for (const [k, v] of Object.entries(r.headers))
      lines.push(`header = ${oneLine('a header', `${k}: ${v}`)}`);
    if (r.user !== undefined) {
      lines.push(
        `user = ${oneLine('url_username', r.user)}`,
        `password = ${oneLine('url_password', r.password ?? '')}`,
      );
      lines.push('auth_no_challenge = on');
    }
  }
  return `${lines.join('\n')}\n`;
}

/** stdin for a request step: the option file base64-encoded on one line, then the body as is. */
export function requestStdin(tool: 'curl' | 'wget', r: HttpRequest): Buffer {
  return Buffer.concat([
    Buffer.from(`${Buffer.from(optionFile(tool, r)).toString('base64')}\n`),
    r.body ?? Buffer.alloc(0),
  ]);
}

/**
 * Shell code making the request into the file "$o" (set by the caller). It creates its own scratch files
 * ($c $hd $e $b, removed by the caller's trap), reads the option file and body from stdin, and prints
 * `http=<tool rc> <status> <redirects>`, `url=`, `err=` and `headers=` (base64) lines.
 */
export function requestScript(tool: 'curl' | 'wget', r: HttpRequest): string {
  const lines = [
    'c=$(mktemp) && hd=$(mktemp) && e=$(mktemp) && b=$(mktemp) || exit 1',
    // dash's read takes one byte at a time from a pipe, so the body after the first line stays on stdin.
    'IFS= read -r cfg || cfg=',
    'printf %s "$cfg" | base64 -d > "$c" || exit 1',
    'cat > "$b"',
    's0=$(date +%s)',
  ];
  const t = Math.max(1, Math.floor(r.timeout));
  if (tool === 'curl') {
    const opts = [
      // -q first: no ~/.curlrc. -y/-Y: give up after timeout seconds below 1 byte/s (a read timeout).
      '-q -K "$c" -s -S -o "$o" -D "$hd"',
      `--connect-timeout ${t} -y ${t} -Y 1`,
      r.validateCerts ? '' : '--insecure',
      r.followRedirects ? '-L --max-redirs 50' : '',
      r.body !== undefined ? '--data-binary @"$b"' : '',
      `-w '%{http_code} %{num_redirects} %{url_effective}'`,
    ];
    lines.push(
      `w=$(curl ${opts.filter(Boolean).join(' ')} 2>"$e"); trc=$?`,
      'st=${w%% *}; w=${w#* }; nr=${w%% *}; eu=${w#* }',
    );
  } else {
    const opts = [
      '--config="$c" -S -O "$o" --content-on-error',
      `-T ${t} -t 1`,
      r.validateCerts ? '' : '--no-check-certificate',
      r.followRedirects ? '--max-redirect=50' : '--max-redirect=0',
      `--method=${quote(r.method)}`,
      r.body !== undefined ? '--body-file="$b"' : '',
    ];
    lines.push(
      `wget ${opts.filter(Boolean).join(' ')} -- ${quote(r.url)} 2>"$e"; trc=$?`,
      // wget -S prints each response's status line and headers indented by two spaces on stderr.
      `st=$(sed -n 's/^  HTTP\\/[0-9.]* \\([0-9][0-9][0-9]\\).*/\\1/p' "$e" | tail -n 1)`,
      `nr=$(grep -c '^  HTTP/' "$e"); nr=$((nr > 0 ? nr - 1 : 0))`,
      // The effective URL: the last Location of the chain (wget does not report it), else the request's.
      `eu=$(sed -n 's/^  [Ll]ocation: *//p' "$e" | tail -n 1 | tr -d '\r'); [ -n "$eu" ] || eu=${quote(r.url)}`,
      `sed -n 's/^  //p' "$e" > "$hd"`,
    );
  }
  lines.push(
    'printf "http=%s %s %s %s\\n" "$trc" "${st:-0}" "${nr:-0}" "$(( $(date +%s) - s0 ))"',
    'printf "url=%s\\n" "$eu"',
    'printf "err="; head -c 4000 "$e" | base64 -w0; echo',
    'printf "headers="; base64 -w0 < "$hd"; echo',
  );
  return lines.join('\n');
}

export interface HttpResponse {
  toolRc: number;
  /** HTTP status, or -1 when no response came. */
  status: number;
  reason: string;
  redirects: number;
  url: string;
  elapsed: number;
  /** The final response's headers, names lowercased (repeated ones joined with ', '). */
  headers: Record<string, string>;
  /** The final response's Set-Cookie values. */
  cookies: string[];
  error: string;
}

const REASONS: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  301: 'Moved Permanently',
  302: 'Found',
  303: 'See Other',
  304: 'Not Modified',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Not Allowed',
  409: 'Conflict',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

export function parseResponse(stdout: string, requested: string): HttpResponse | undefined {
  const m = /^http=(\d+) (\d+) (\d+) (\d+)$/m.exec(stdout);
  if (!m) return undefined;
  const field = (k: string) => new RegExp(`^${k}=(.*)$`, 'm').exec(stdout)?.[1] ?? '';
  const raw = Buffer.from(field('headers'), 'base64').toString('utf8');
  // Responses are separated by blank lines (curl -D keeps every response of a redirect chain).
  const blocks = raw
    .split(/\r?\n\r?\n|\n(?=HTTP\/)/)
    .map((b) => b.trim())
    .filter((b) => /^HTTP\//.test(b));
  const parsed = blocks.map((b) => {
    const [statusLine = '', ...rest] = b.split(/\r?\n/);
    const headers: Record<string, string> = {};
    const cookies: string[] = [];
    for (const l of rest) {
      const i = l.indexOf(':');
      if (i <= 0) continue;
      const k = l.slice(0, i).trim().toLowerCase();
      const v = l.slice(i + 1).trim();
      if (k === 'set-cookie') cookies.push(v);
      // Repeated headers are joined like Python's email.message does for items().
      headers[k] = k in headers ? `${headers[k]}, ${v}` : v;
    }
    return { statusLine, headers, cookies };
  });
  const last = parsed[parsed.length - 1];
  let url = field('url') || requested;
  try {
    // A relative Location (wget reports the last one as it came) is relative to the request.
    url = new URL(url, requested).toString();
  } catch {
    // Not a URL we can resolve: keep it as it is.
  }
  const status = Number(m[2]);
  const reason =
    /^HTTP\/[\d.]+ \d+ ?(.*)$/.exec(last?.statusLine ?? '')?.[1]?.trim() || REASONS[status] || '';
  return {
    toolRc: Number(m[1]),
    status: status === 0 ? -1 : status,
    reason,
    redirects: Number(m[3]),
    url,
    elapsed: Number(m[4]),
    headers: last?.headers ?? {},
    cookies: last?.cookies ?? [],
    error: Buffer.from(field('err'), 'base64').toString('utf8').trim(),
  };
}

/** urllib's message for a response: "OK (N bytes)", or the error Ansible would print. */
export function responseMessage(r: HttpResponse): string {
  if (r.status === -1) return `Request failed: ${r.error.split('\n').pop() ?? ''}`.trim();
  if (r.status >= 400) return `HTTP Error ${r.status}: ${r.reason}`;
  return `OK (${r.headers['content-length'] ?? 'unknown'} bytes)`;
}

/** The basename urllib-based modules use for a URL ('index.html' when the path has none). */
export function urlFilename(url: string): string {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    path = url.replace(/[?#].*$/, '');
  }
  return path.split('/').pop() || 'index.html';
}
