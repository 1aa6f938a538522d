// uri: make an HTTP request from the host (curl or wget there) and return status, headers and content.
import { readFileSync } from 'node:fs';
import { defineModule, type Fact, type Plan, type StepOutput } from '../src/core/module.js';
import { quote, sh } from '../src/core/sh.js';
import { fileStat, type StatInfo } from '../src/facts/file-stat.js';
import { unused } from './_shared/facts.js';
import { fileCommonParams } from './_shared/file-params.js';
import {
  httpParams,
  httpRequest,
  httpToolFact,
  noToolMessage,
  parseResponse,
  requestScript,
  requestStdin,
  responseMessage,
  type HttpTool,
} from './_shared/files-http.js';
import { parsePathInfo, pathInfoCmd } from './_shared/files-pathinfo.js';
import { parseMode } from './_shared/mode.js';
import { parentOf } from './_shared/single-file.js';
import { attrLines, chmodArg, failed, installLines, skippedInCheck } from './_shared/files-common.js';

/** Content returned to the controller is capped (it travels base64 in one line). */
const MAX_CONTENT = 64 * 1024 * 1024;

const params = {
  url: { type: 'str', required: true, description: 'HTTP or HTTPS URL.' },
  method: { type: 'str', default: 'GET', description: 'HTTP method (any verb).' },
  body: {
    type: 'raw',
    description: 'Request body; a dict or list with body_format json or form-urlencoded.',
  },
  body_format: {
    type: 'str',
    default: 'raw',
    choices: ['form-urlencoded', 'json', 'raw', 'form-multipart'],
    description: 'How body is encoded (and the Content-Type set when none is given).',
  },
  src: { type: 'path', description: 'Send this controller file as the body.' },
  remote_src: {
    type: 'bool',
    default: false,
    description: 'Only false is supported (src is on the controller).',
  },
  headers: { type: 'dict', default: {}, description: 'Request headers.' },
  status_code: {
    type: 'list',
    elements: 'int',
    default: [200],
    description: 'Statuses that count as success.',
  },
  return_content: { type: 'bool', default: false, description: 'Return the body as `content`.' },
  dest: { type: 'path', description: 'Write the body to this file on the host (changed when it differs).' },
  creates: { type: 'path', description: 'Skip the request if this path exists.' },
  removes: { type: 'path', description: 'Skip the request unless this path exists.' },
  timeout: {
    type: 'int',
    default: 30,
    description: 'Seconds to connect, and without progress, before failing.',
  },
  follow_redirects: {
    type: 'str',
    default: 'safe',
    choices: ['all', 'no', 'none', 'safe', 'urllib2', 'yes'],
    description: 'safe: only for GET and HEAD; all/yes: always; none/no: never.',
  },
  url_username: { type: 'str', aliases: ['user'], description: 'User for HTTP basic authentication.' },
  force: { type: 'bool', default: false, description: 'Accepted (no cache is used).' },
  ...httpParams,
  ...fileCommonParams,
} as const;

/** Python's json.dumps defaults: ', ' and ': ' separators, non-ASCII escaped. */
export function pyJsonDumps(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string')
    return JSON.stringify(v).replace(
      /[\u007f-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
  if (typeof v === 'number' || typeof v === 'boolean') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(pyJsonDumps).join(', ')}]`;
  return `{${Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `${pyJsonDumps(k)}: ${pyJsonDumps(x)}`)
    .join(', ')}}`;
}

/** urllib's urlencode(doseq=True) with quote_plus. */
export function formUrlencoded(body: Record<string, unknown> | [unknown, unknown][]): string {
  const q = (s: string) =>
    encodeURIComponent(s)
      .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
      .replace(/%20/g, '+');
  const pairs = Array.isArray(body) ? body : Object.entries(body);
  return pairs
    .flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]]))
    .map(([k, v]) => `${q(String(k))}=${q(String(v))}`)
    .join('&');
}

/** Python's repr of a list of ints, for the status message ('[200, 201]'). */
const pyList = (xs: number[]) => `[${xs.join(', ')}]`;

interface UriFacts {
  [k: string]: Fact<unknown>;
  tool: Fact<HttpTool>;
  guards: Fact<StatInfo[] | undefined>;
}

export const uri = defineModule({
  name: 'uri',
  doc: {
    short: 'Interacts with web services',
    description:
      'Makes the request with curl (or wget) on the host. Never changed, except when dest is written ' +
      '(only if the body differs). Fails when the status is not in status_code. Not run in check mode, ' +
      'like Ansible.',
    examples: [
      '- uri:',
      '    url: http://localhost:8080/api/items',
      '    method: POST',
      '    body_format: json',
      '    body: { name: widget }',
      '    status_code: [200, 201]',
      '    return_content: true',
      '  register: created',
    ].join('\n'),
    returns: {
      status: 'HTTP status (-1 when there was no response).',
      url: 'The final URL (after redirects).',
      redirected: 'Whether redirects were followed.',
      content: 'The body (return_content).',
      json: 'The body parsed, when the response is JSON.',
      msg: "'OK (N bytes)', or the error.",
      elapsed: 'Seconds the request took.',
      cookies: 'Cookies the response set.',
      '<header>': 'Every response header, lowercased with - as _ (content_type, ...).',
    },
  },
  params,
  mutuallyExclusive: [['body', 'src']],
  check: 'none',
  diff: false,
  runsOn: 'host',
  facts(p): UriFacts {
    const paths = [p.creates, p.removes].filter((x): x is string => x !== undefined);
    return {
      tool: httpToolFact(),
      guards: paths.length > 0 ? fileStat(paths, { checksum: false }) : unused<StatInfo[]>(),
    };
  },
  plan(p, f, ctx): Plan {
    // guards holds creates then removes, each only when given.
    const creates = p.creates !== undefined ? f.guards?.[0] : undefined;
    const removes = p.removes !== undefined ? f.guards?.[p.creates !== undefined ? 1 : 0] : undefined;
    if (creates?.exists)
      return { changed: false, steps: [], result: { msg: `skipped, since '${p.creates}' exists` } };
    if (removes && !removes.exists)
      return { changed: false, steps: [], result: { msg: `skipped, since '${p.removes}' does not exist` } };
    if (ctx.check) return skippedInCheck('uri');
    if (p.body_format === 'form-multipart')
      return failed('body_format form-multipart is not supported by tsible');
    if (p.remote_src)
      return failed('remote_src is not supported by tsible for uri (send a controller file with src)');
    if (f.tool === 'none') return failed(noToolMessage('uri'));
    let mode;
    try {
      mode = parseMode(p.mode);
    } catch (e) {
      return failed((e as Error).message);
    }
    const headers: Record<string, string> = Object.fromEntries(
      Object.entries(p.headers).map(([k, v]) => [k, String(v)]),
    );
    const hasType = Object.keys(headers).some((k) => k.toLowerCase() === 'content-type');
    let body: Buffer | undefined;
    if (p.src !== undefined) {
      try {
        body = readFileSync(ctx.findFile('files', p.src));
      } catch {
        return failed(`Could not find or access '${p.src}' on the Ansible Controller.`);
      }
    } else if (p.body !== undefined) {
      let text: string;
      if (p.body_format === 'json') {
        text = typeof p.body === 'string' ? p.body : pyJsonDumps(p.body);
        if (!hasType) headers['Content-Type'] = 'application/json';
      } else if (p.body_format === 'form-urlencoded') {
        text = typeof p.body === 'string' ? p.body : formUrlencoded(p.body as Record<string, unknown>);
        if (!hasType) headers['Content-Type'] = 'application/x-www-form-urlencoded';
      } else {
        text = typeof p.body === 'string' ? p.body : pyJsonDumps(p.body);
      }
      body = Buffer.from(text, 'utf8');
    }
    const method = p.method.toUpperCase();
    const follow =
      ['all', 'yes'].includes(p.follow_redirects) ||
      (['safe', 'urllib2'].includes(p.follow_redirects) && ['GET', 'HEAD'].includes(method));
    const req = httpRequest(p, {
      method,
      headers,
      followRedirects: follow,
      ...(body !== undefined ? { body } : {}),
    });
    let stdin: Buffer;
    try {
      stdin = requestStdin(f.tool, req);
    } catch (e) {
      return failed((e as Error).message);
    }
    const codes = p.status_code;
    const lines = [
      'o=$(mktemp) || exit 1',
      `trap 'rm -f -- "$o" \${t:+"$t"} \${c:+"$c"} \${hd:+"$hd"} \${e:+"$e"} \${b:+"$b"}' EXIT`,
      requestScript(f.tool, req),
      'n=$(stat -c %s -- "$o"); printf "size=%s\\n" "$n"',
    ];
    if (p.dest === undefined || p.return_content) {
      lines.push(`printf "body="; if [ "$n" -le ${MAX_CONTENT} ]; then base64 -w0 < "$o"; fi; echo`);
    }
    if (p.dest !== undefined) {
      const attrs = { owner: p.owner, group: p.group, mode: chmodArg(mode) };
      // Written only for an expected status (not 304), and only when the bytes differ: atomically beside dest.
      lines.push(
        `case ${quote(` ${codes.join(' ')} `)} in *" $st "*) w=yes ;; *) w=no ;; esac`,
        '[ "$st" = 304 ] && w=no',
        sh`d=${p.dest}`,
        'if [ "$w" = yes ]; then',
        '  s=$(sha1sum < "$o"); od=; [ -f "$d" ] && od=$(sha1sum < "$d")',
        '  if [ "${s%% *}" != "${od%% *}" ]; then',
        sh`    t=$(mktemp -- ${`${parentOf(p.dest)}/.tsible-uri.XXXXXX`}) || exit 1`,
        '    cat < "$o" > "$t" || exit 1',
        ...installLines('t', 'd', attrs).map((l) => `    ${l}`),
        '    echo written=yes',
        '  fi',
        // Attributes of an unchanged file are still made right.
        ...attrLines('d', attrs).map((l) => `  ${l}`),
        `  ${pathInfoCmd('"$d"')}`,
        'fi',
      );
    }
    return {
      changed: false,
      steps: [
        { kind: 'run', cmd: lines.filter((l) => l !== '').join('\n'), stdin, label: `${method} ${p.url}` },
      ],
      result: { url: p.url },
      finish: (outputs: StepOutput[]) => uriResult(outputs[0], p, codes),
    };
  },
});

function uriResult(
  out: StepOutput | undefined,
  p: { url: string; dest?: string; return_content: boolean },
  codes: number[],
): Record<string, unknown> {
  const stdout = out?.stdout ?? '';
  const r = parseResponse(stdout, p.url);
  if (!r)
    return { failed: true, changed: false, status: -1, msg: `request failed: ${out?.stderr.trim() ?? ''}` };
  const field = (k: string) => new RegExp(`^${k}=(.*)$`, 'm').exec(stdout)?.[1];
  const bodyB64 = field('body');
  const content = bodyB64 === undefined ? undefined : Buffer.from(bodyB64, 'base64').toString('utf8');
  const res: Record<string, unknown> = {};
  // Every header, as Ansible exposes them: lowercased, '-' turned into '_'.
  for (const [k, v] of Object.entries(r.headers)) res[k.replace(/-/g, '_')] = v;
  if (typeof res.location === 'string') {
    try {
      res.location = new URL(res.location, p.url).toString();
    } catch {
      // Keep an unparsable Location as it came.
    }
  }
  const cookies: Record<string, string> = {};
  for (const c of r.cookies) {
    const m = /^([^=;]+)=([^;]*)/.exec(c);
    if (m) cookies[m[1]!.trim()] = m[2]!;
  }
  Object.assign(res, {
    status: r.status,
    url: r.url,
    redirected: r.redirects > 0,
    msg: responseMessage(r),
    elapsed: r.elapsed,
    cookies,
    cookies_string: Object.entries(cookies)
      .map(([k, v]) => `${k}=${v}`)
      .join('; '),
    changed: false,
  });
  const type = r.headers['content-type'] ?? '';
  if (content !== undefined && /json|javascript/.test(type)) {
    try {
      res.json = JSON.parse(content);
    } catch {
      // Not JSON after all: only content (if asked) is returned.
    }
  }
  if (p.dest !== undefined) {
    res.path = p.dest;
    Object.assign(res, parsePathInfo(out) ?? {});
    if (field('written') === 'yes') res.changed = true;
  }
  if (p.return_content && content !== undefined) res.content = content;
  if (!codes.includes(r.status)) {
    res.failed = true;
    res.msg = `Status code was ${r.status} and not ${pyList(codes)}: ${responseMessage(r)}`;
  }
  return res;
}
