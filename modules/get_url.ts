// get_url: download a URL to a file on the host (curl or wget there), verified, atomic, skipped when present.
import {
  defineModule,
  type Fact,
  type Plan,
  type RunStep,
  type Step,
  type StepOutput,
} from '../src/core/module.js';
import { quote, sh } from '../src/core/sh.js';
import { fileStat, type ChecksumAlgorithm, type StatInfo } from '../src/facts/file-stat.js';
import { unused } from './_shared/facts.js';
import { attrChanges, attrSteps } from './_shared/file-attrs.js';
import { fileCommonParams } from './_shared/file-params.js';
import { parsePathInfo, pathInfoCmd, pathInfoFromStat } from './_shared/files-pathinfo.js';
import {
  httpParams,
  httpRequest,
  httpToolFact,
  noToolMessage,
  parseResponse,
  requestScript,
  requestStdin,
  responseMessage,
  urlFilename,
  type HttpRequest,
  type HttpTool,
} from './_shared/files-http.js';
import { parseMode, type ModeSpec } from './_shared/mode.js';
import { parentOf } from './_shared/single-file.js';
import { chmodArg, failed, installLines } from './_shared/files-common.js';

const ALGOS = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'];

const params = {
  url: { type: 'str', required: true, description: 'HTTP, HTTPS or FTP URL.' },
  dest: {
    type: 'path',
    required: true,
    description: 'File to write; an existing directory gets the name from Content-Disposition or the URL.',
  },
  checksum: {
    type: 'str',
    default: '',
    description:
      "'<algorithm>:<hex>' (or '<algorithm>:<URL of a checksum file>'): verified, and a dest that matches is not downloaded again.",
  },
  force: {
    type: 'bool',
    default: false,
    aliases: ['thirsty'],
    description: 'Download even when dest exists (replaced only if different).',
  },
  backup: { type: 'bool', default: false, description: 'Keep a timestamped copy of the replaced file.' },
  headers: { type: 'dict', description: 'Extra request headers.' },
  url_username: { type: 'str', aliases: ['username'], description: 'User for HTTP basic authentication.' },
  timeout: {
    type: 'int',
    default: 10,
    description: 'Seconds to connect, and without progress, before failing.',
  },
  tmp_dest: { type: 'path', description: 'Accepted; downloads go to a temporary file beside dest.' },
  ...httpParams,
  ...fileCommonParams,
} as const;

interface Checksum {
  algo: ChecksumAlgorithm;
  /** The expected hex digest, or a URL to read it from. */
  value: string;
  url?: string;
}

function parseChecksum(text: string): Checksum | undefined | string {
  if (text === '') return undefined;
  const i = text.indexOf(':');
  const algo = text.slice(0, i).toLowerCase();
  if (i < 0 || !ALGOS.includes(algo))
    return 'The checksum parameter has to be in format <algorithm>:<checksum>';
  const value = text.slice(i + 1);
  if (/^(https?|ftp|file):\/\//i.test(value))
    return { algo: algo as ChecksumAlgorithm, value: '', url: value };
  return { algo: algo as ChecksumAlgorithm, value: value.replace(/\W+/g, '').toLowerCase() };
}

/** The digest for `filename` in a checksum file (SHA256SUMS style, or a file holding just the digest). */
export function checksumFromFile(text: string, filename: string): string | undefined {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 1 && lines[0]!.trim().split(/\s+/).length === 1) return lines[0]!.trim();
  for (const line of lines) {
    const sp = line.indexOf(' ');
    if (sp < 0) continue;
    let name = line.slice(sp + 1);
    if (name.startsWith(' ') || name.startsWith('*')) name = name.slice(1);
    if (name.replace(/^[./]+/, '').replace(/[./]+$/, '') === filename) return line.slice(0, sp);
  }
  return undefined;
}

/** Read a checksum file on the host (no credentials are sent for it). */
function checksumFileFact(url: string, timeout: number): Fact<string | undefined> {
  const u = quote(url);
  return {
    cmd:
      `if command -v curl >/dev/null 2>&1; then curl -q -sS -L --max-time ${timeout} -- ${u}; ` +
      `elif command -v wget >/dev/null 2>&1; then wget -q -T ${timeout} -O - -- ${u}; fi`,
    parse: (out) => (out.rc === 0 && out.stdout !== '' ? out.stdout : undefined),
  };
}

/** The download-and-replace script (one step); see requestScript for the request itself. */
function downloadScript(
  tool: 'curl' | 'wget',
  req: HttpRequest,
  o: {
    dest: string;
    destIsDir: boolean;
    checksum?: Checksum;
    mode?: string;
    owner?: string;
    group?: string;
    backup: boolean;
  },
): string {
  const dir = o.destIsDir ? o.dest : parentOf(o.dest);
  const lines = [
    sh`o=$(mktemp -- ${`${dir.replace(/\/+$/, '') || ''}/.tsible-get_url.XXXXXX`}) || exit 1`,
    `trap 'rm -f -- "$o" \${c:+"$c"} \${hd:+"$hd"} \${e:+"$e"} \${b:+"$b"}' EXIT`,
    requestScript(tool, req),
    '[ "$trc" = 0 ] && [ "$st" = 200 ] || exit 0',
  ];
  if (o.destIsDir) {
    // Ansible's name: Content-Disposition "attachment; filename=...", else the last part of the URL path.
    lines.push(
      `fn=$(sed -n 's/^[Cc][Oo][Nn][Tt][Ee][Nn][Tt]-[Dd][Ii][Ss][Pp][Oo][Ss][Ii][Tt][Ii][Oo][Nn]: *attachment; \\{0,1\\}filename="\\{0,1\\}\\([^"]*\\).*/\\1/p' "$hd" | tail -n 1 | tr -d '\\r')`,
      'fn=${fn##*/}',
      'if [ -z "$fn" ]; then u=${eu%%#*}; u=${u%%\\?*}; p=${u#*://}; case "$p" in */*) p=/${p#*/} ;; *) p=/ ;; esac; fn=${p##*/}; fi',
      '[ -n "$fn" ] || fn=index.html',
      sh`d=${o.dest.replace(/\/+$/, '')}/$fn`,
    );
  } else {
    lines.push(sh`d=${o.dest}`);
  }
  lines.push(
    'printf "dest=%s\\n" "$d"',
    's=$(sha1sum < "$o"); s=${s%% *}; printf "checksum_src=%s\\n" "$s"',
    'printf "size=%s\\n" "$(stat -c %s -- "$o")"',
  );
  if (o.checksum) {
    lines.push(
      `v=$(${o.checksum.algo}sum < "$o"); v=\${v%% *}`,
      `if [ "$v" != ${quote(o.checksum.value)} ]; then printf "mismatch=%s\\n" "$v"; exit 0; fi`,
    );
  }
  lines.push(
    'od=; if [ -f "$d" ]; then od=$(sha1sum < "$d"); od=${od%% *}; printf "checksum_dest=%s\\n" "$od"; fi',
    'if [ "$s" = "$od" ]; then echo changed=no',
    'else',
    ...installLines('o', 'd', o).map((l) => `  ${l}`),
    '  echo changed=yes',
    'fi',
    'm=$(md5sum < "$d"); printf "md5sum=%s\\n" "${m%% *}"',
    pathInfoCmd('"$d"'),
  );
  return lines.join('\n');
}

interface GetUrlFacts {
  [k: string]: Fact<unknown>;
  tool: Fact<HttpTool>;
  stat: Fact<StatInfo[]>;
  sumFile: Fact<string | undefined>;
}

export const get_url = defineModule({
  name: 'get_url',
  doc: {
    short: 'Download files from HTTP, HTTPS or FTP to the host',
    description:
      'Runs curl (or wget) on the host into a temporary file beside dest, verifies the checksum, then ' +
      'renames it over dest when the content differs. An existing dest is not downloaded again unless ' +
      'force, or a checksum that it does not match.',
    examples: [
      '- get_url:',
      '    url: https://example.com/tool-1.2.tar.gz',
      '    dest: /opt/tool-1.2.tar.gz',
      '    checksum: sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      '    mode: "0644"',
    ].join('\n'),
    returns: {
      dest: 'The file written.',
      status_code: 'HTTP status of the download.',
      checksum_src: 'sha1 of the downloaded file.',
      checksum_dest: 'sha1 of dest before (when it existed).',
      md5sum: 'md5 of dest.',
      size: 'Size of the download.',
      msg: "'OK (N bytes)', 'file already exists', or the error.",
      url: 'The URL.',
      elapsed: 'Seconds the download took.',
      backup_file: 'Name of the backup, when one was made.',
    },
  },
  params,
  check: 'partial',
  diff: false,
  runsOn: 'host',
  facts(p): GetUrlFacts {
    const c = parseChecksum(p.checksum);
    const algo = typeof c === 'object' ? c.algo : 'sha1';
    return {
      tool: httpToolFact(),
      stat: fileStat([p.dest, parentOf(p.dest)], { follow: true, checksum: algo }),
      sumFile:
        typeof c === 'object' && c.url !== undefined ? checksumFileFact(c.url, p.timeout) : unused<string>(),
    };
  },
  plan(p, f): Plan {
    const base = { url: p.url, dest: p.dest };
    let checksum = parseChecksum(p.checksum);
    if (typeof checksum === 'string') return failed(checksum, base);
    if (checksum?.url !== undefined) {
      const filename = urlFilename(p.url);
      const found = f.sumFile === undefined ? undefined : checksumFromFile(f.sumFile, filename);
      if (found === undefined)
        return failed(`Unable to find a checksum for file '${filename}' in '${checksum.url}'`, base);
      checksum = { ...checksum, value: found.replace(/\W+/g, '').toLowerCase() };
    }
    if (checksum && !/^[0-9a-f]+$/.test(checksum.value))
      return failed('The checksum format is invalid', base);
    let mode: ModeSpec | undefined;
    try {
      mode = parseMode(p.mode);
    } catch (e) {
      return failed((e as Error).message, base);
    }
    const [now, parent] = f.stat;
    const destIsDir = now?.type === 'directory';
    const want = { mode, owner: p.owner, group: p.group };
    if (!destIsDir && now?.exists && !p.force && (!checksum || now.checksum === checksum.value)) {
      // Present (and matching the checksum): only attributes may need fixing.
      const changes = attrChanges({ ...now, exists: true }, want, false);
      const steps: RunStep[] = attrSteps(p.dest, changes);
      const info = pathInfoFromStat(now, now);
      return {
        changed: steps.length > 0,
        steps,
        result: {
          ...base,
          ...info,
          ...(changes.mode ? { mode: changes.mode } : {}),
          msg: steps.length > 0 ? 'file already exists but file attributes changed' : 'file already exists',
          elapsed: 0,
        },
      };
    }
    if (!destIsDir && !parent?.exists) return failed(`Destination ${parentOf(p.dest)} does not exist`, base);
    if (f.tool === 'none') return failed(noToolMessage('get_url'), base);
    const req = httpRequest(p, {
      method: 'GET',
      headers: Object.fromEntries(Object.entries(p.headers ?? {}).map(([k, v]) => [k, String(v)])),
      followRedirects: true,
    });
    let stdin: Buffer;
    try {
      stdin = requestStdin(f.tool, req);
    } catch (e) {
      return failed((e as Error).message, base);
    }
    const modeArg = chmodArg(mode);
    const steps: Step[] = [
      {
        kind: 'run',
        cmd: downloadScript(f.tool, req, {
          dest: p.dest,
          destIsDir,
          checksum,
          mode: modeArg,
          owner: p.owner,
          group: p.group,
          backup: p.backup,
        }),
        stdin,
        okRc: [0],
        label: `download ${p.url}`,
      },
    ];
    // Same content but other attributes: the script leaves dest alone, these fix it.
    const attrFix =
      !destIsDir && now?.exists ? attrSteps(p.dest, attrChanges({ ...now, exists: true }, want, false)) : [];
    steps.push(...attrFix);
    return {
      changed: true,
      steps,
      result: { ...base, msg: 'a download is needed' },
      finish: (outputs: StepOutput[]) =>
        finishDownload(outputs[0], p.url, p.dest, checksum, attrFix.length > 0),
    };
  },
});

function finishDownload(
  out: StepOutput | undefined,
  url: string,
  dest: string,
  checksum: Checksum | undefined,
  attrsFixed: boolean,
) {
  const stdout = out?.stdout ?? '';
  const r = parseResponse(stdout, url);
  const field = (k: string) => new RegExp(`^${k}=(.*)$`, 'm').exec(stdout)?.[1];
  if (!r) return { changed: false, failed: true, msg: `download failed: ${out?.stderr.trim() ?? ''}` };
  const common = { url, dest: field('dest') ?? dest, elapsed: r.elapsed, status_code: r.status };
  if (r.status !== 200) {
    return {
      ...common,
      changed: false,
      failed: true,
      msg: r.status === -1 ? responseMessage(r) : 'Request failed',
      response: responseMessage(r),
    };
  }
  const mismatch = field('mismatch');
  if (mismatch !== undefined) {
    return {
      ...common,
      changed: false,
      failed: true,
      msg: `The checksum for ${common.dest} did not match ${checksum?.value ?? ''}; it was ${mismatch}.`,
    };
  }
  const info = parsePathInfo(out) ?? {};
  const backup = field('backup_file');
  return {
    ...common,
    ...info,
    changed: field('changed') === 'yes' || attrsFixed,
    msg: responseMessage(r),
    checksum_src: field('checksum_src'),
    ...(field('checksum_dest') !== undefined ? { checksum_dest: field('checksum_dest') } : {}),
    md5sum: field('md5sum'),
    size: Number(field('size')),
    ...(backup !== undefined ? { backup_file: backup } : {}),
  };
}
