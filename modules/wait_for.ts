// wait_for: wait on the host for a port to open or close, a file to appear or vanish, or text in a file.
import { defineModule, type ModuleResult, type Plan, type StepOutput } from '../src/core/module.js';
import { quote } from '../src/core/sh.js';
import { failPlan } from './_shared/fail.js';
import { compilePy, pySearch } from './_shared/files-pyre.js';

const params = {
  host: {
    type: 'str',
    default: '127.0.0.1',
    description: 'The host whose port to check (as seen from the target).',
  },
  port: { type: 'int', description: 'A TCP port.' },
  path: { type: 'path', description: 'A file to wait for (or on).' },
  state: {
    type: 'str',
    default: 'started',
    choices: ['absent', 'drained', 'present', 'started', 'stopped'],
    description:
      'started/present: open or existing; stopped/absent: closed or gone; drained: no active connections.',
  },
  search_regex: {
    type: 'str',
    description: 'Also wait for this regular expression in the file (or in what the port sends).',
  },
  delay: { type: 'int', default: 0, description: 'Seconds to wait before the first check.' },
  timeout: {
    type: 'int',
    default: 300,
    description: 'Seconds to wait at most (counted from the start, delay included).',
  },
  connect_timeout: { type: 'int', default: 5, description: 'Seconds for one connection attempt.' },
  sleep: { type: 'int', default: 1, description: 'Seconds between checks.' },
  active_connection_states: {
    type: 'list',
    elements: 'str',
    default: ['ESTABLISHED', 'FIN_WAIT1', 'FIN_WAIT2', 'SYN_RECV', 'SYN_SENT', 'TIME_WAIT'],
    description: 'With drained: the TCP states that count as active.',
  },
  exclude_hosts: {
    type: 'list',
    elements: 'str',
    description: 'With drained: ignore connections from these addresses.',
  },
  msg: { type: 'str', description: 'The failure message instead of the default one.' },
} as const;

// Kernel TCP state numbers of /proc/net/tcp.
const TCP_STATES: Record<string, string> = {
  ESTABLISHED: '01',
  SYN_SENT: '02',
  SYN_RECV: '03',
  FIN_WAIT1: '04',
  FIN_WAIT2: '05',
  TIME_WAIT: '06',
  CLOSE: '07',
  CLOSE_WAIT: '08',
  LAST_ACK: '09',
  LISTEN: '0A',
  CLOSING: '0B',
};

/**
 * dash has no /dev/tcp, so a connection attempt uses bash's (bash is essential on Debian) or nc. Host and
 * port reach bash as positional parameters, never as code. With a regex, what the port sends is read for
 * at most connect_timeout seconds.
 */
const PROBE = [
  'probe() {',
  '  if command -v bash >/dev/null 2>&1; then',
  '    timeout "$ct" bash -c \'exec 3<>"/dev/tcp/$0/$1" && { [ "$2" = read ] && timeout "$3" cat <&3; exit 0; }\' "$host" "$port" "$1" "$ct"',
  '  elif command -v nc >/dev/null 2>&1; then',
  '    if [ "$1" = read ]; then timeout "$ct" nc -w "$ct" "$host" "$port" </dev/null; else nc -z -w "$ct" "$host" "$port"; fi',
  '  else echo "@@noprobe"; return 2; fi',
  '}',
].join('\n');

// Count connections on the port in the active states (IPv4 and IPv6), minus excluded peers.
const DRAIN = [
  'active() {',
  '  cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk -v p="$hexport" -v st="$states" -v ex="$exclude" \'',
  '    NR > 0 && $2 ~ (":" p "$") && index(" " st " ", " " $4 " ") { split($3, r, ":"); if (index(" " ex " ", " " r[1] " ")) next; n++ }',
  "    END { print n + 0 }'",
  '}',
].join('\n');

/** The regex test: grep -P understands Python's syntax best; plain -E where grep lacks PCRE. */
const MATCH = [
  "if echo | grep -qP '' 2>/dev/null; then G=-P; else G=-E; fi",
  'matches() { grep -q "$G" -- "$re" "$@"; }',
].join('\n');

/** IPv4 a.b.c.d as /proc/net/tcp writes it: the little-endian 32-bit value in hex. */
export function procHex(ip: string): string | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  if (!m) return undefined;
  return [m[4], m[3], m[2], m[1]].map((o) => Number(o).toString(16).toUpperCase().padStart(2, '0')).join('');
}

interface WaitOutcome {
  ok: boolean;
  elapsed: number;
  /** Base64 file content when a regex matched in a file (for match_groups). */
  content?: string;
  noProbe: boolean;
}

export function parseWait(stdout: string): WaitOutcome {
  const get = (k: string) => new RegExp(`^${k}=(.*)$`, 'm').exec(stdout)?.[1];
  return {
    ok: get('result') === 'ok',
    elapsed: Number(get('elapsed') ?? 0),
    content: get('content'),
    noProbe: stdout.includes('@@noprobe'),
  };
}

export const wait_for = defineModule({
  name: 'wait_for',
  doc: {
    short: 'Waits for a condition before continuing',
    description:
      'The waiting happens on the host, in one command, and also in check mode (it changes nothing). Ports ' +
      "are probed with bash's /dev/tcp (or nc); drained reads /proc/net/tcp. Regular expressions use grep -P.",
    examples: [
      '- wait_for: port=8080 timeout=60',
      '- wait_for: path=/var/run/app.pid state=present',
      '- wait_for: path=/var/log/app.log search_regex="started on port (?P<port>\\d+)"',
      '- wait_for: host=db.internal port=5432 state=stopped',
    ].join('\n'),
    returns: {
      elapsed: 'Seconds waited.',
      match_groups: 'The groups of search_regex in a file.',
      match_groupdict: 'Its named groups.',
    },
  },
  params,
  mutuallyExclusive: [['port', 'path']],
  check: 'full',
  diff: false,
  runsOn: 'host',
  facts(p) {
    const state = p.state;
    const head: string[] = [
      `host=${quote(p.host)}; port=${quote(p.port ?? '')}; path=${quote(p.path ?? '')}; re=${quote(p.search_regex ?? '')}`,
      `ct=${Math.max(1, p.connect_timeout)}; pause=${Math.max(0, p.sleep)}`,
      'start=$(date +%s); deadline=$((start + ' + Math.max(0, p.timeout) + '))',
    ];
    const done = 'echo "elapsed=$(($(date +%s) - start))"';
    let test: string;
    if (p.port !== undefined && state !== 'drained') {
      head.push(
        'if ! command -v bash >/dev/null 2>&1 && ! command -v nc >/dev/null 2>&1; then echo @@noprobe; exit 0; fi',
        PROBE,
      );
      test =
        state === 'stopped' || state === 'absent'
          ? '! probe check >/dev/null 2>&1'
          : p.search_regex !== undefined
            ? 'probe read 2>/dev/null | matches'
            : 'probe check >/dev/null 2>&1';
    } else if (p.path !== undefined) {
      test =
        state === 'absent' || state === 'stopped'
          ? '! [ -e "$path" ]'
          : p.search_regex !== undefined
            ? '[ -f "$path" ] && matches "$path"'
            : '[ -e "$path" ]';
    } else if (state === 'drained') {
      const states = p.active_connection_states.map((s) => TCP_STATES[s.toUpperCase()] ?? s).join(' ');
      const exclude = (p.exclude_hosts ?? []).map((h) => procHex(h) ?? h).join(' ');
      head.push(
        `hexport=${(p.port ?? 0).toString(16).toUpperCase().padStart(4, '0')}; states=${quote(states)}; exclude=${quote(exclude)}`,
        DRAIN,
      );
      test = '[ "$(active)" -eq 0 ]';
    } else {
      // Nothing to watch: Ansible just sleeps for the timeout.
      const cmd = [
        ...head,
        `sleep ${Math.max(0, p.delay) + Math.max(0, p.timeout)}`,
        'echo result=ok',
        done,
      ].join('\n');
      return { wait: { cmd, parse: (o: StepOutput) => parseWait(o.stdout) } };
    }
    const lines = [
      ...head,
      MATCH,
      `sleep ${Math.max(0, p.delay)}`,
      'while :; do',
      `  if ${test}; then echo result=ok; break; fi`,
      '  [ "$(date +%s)" -ge "$deadline" ] && { echo result=timeout; break; }',
      '  sleep "$pause"',
      'done',
      done,
    ];
    if (p.path !== undefined && p.search_regex !== undefined && state !== 'absent' && state !== 'stopped') {
      lines.push('echo "content=$(head -c 1048576 -- "$path" 2>/dev/null | base64 -w0)"');
    }
    return { wait: { cmd: lines.join('\n'), parse: (o: StepOutput) => parseWait(o.stdout) } };
  },
  plan(p, f): Plan {
    const w = f.wait;
    if (p.port !== undefined && p.path !== undefined)
      return failPlan('port and path parameter can not both be passed to wait_for');
    if (p.path !== undefined && p.state === 'drained')
      return failPlan('state=drained should only be used for checking a port in the wait_for module');
    if (p.exclude_hosts !== undefined && p.state !== 'drained')
      return failPlan('exclude_hosts should only be with state=drained');
    if (w.noProbe) return failPlan('wait_for needs bash or nc on the host to check a port');
    const result: ModuleResult = {
      state: p.state,
      port: p.port ?? null,
      path: p.path ?? null,
      search_regex: p.search_regex ?? null,
      elapsed: w.elapsed,
    };
    if (!w.ok) return failPlan(p.msg ?? timeoutMessage(p), { ...result, elapsed: w.elapsed });
    if (w.content !== undefined && p.search_regex !== undefined) {
      const m = pySearch(
        compilePy(p.search_regex, { multiline: true }),
        Buffer.from(w.content, 'base64').toString('utf8'),
      );
      result.match_groups = m ? m.slice(1).map((g) => g ?? null) : [];
      result.match_groupdict = m?.groups ? { ...m.groups } : {};
    }
    return { changed: false, steps: [], result };
  },
});

function timeoutMessage(p: {
  host: string;
  port?: number;
  path?: string;
  state: string;
  search_regex?: string;
}): string {
  const where = p.port !== undefined ? `${p.host}:${p.port}` : (p.path ?? '');
  if (p.state === 'drained') return `Timeout when waiting for ${p.host}:${p.port ?? ''} to drain`;
  if (p.state === 'stopped' || p.state === 'absent')
    return p.path !== undefined
      ? `Timeout when waiting for ${where} to be absent.`
      : `Timeout when waiting for ${where} to stop.`;
  if (p.search_regex !== undefined)
    return `Timeout when waiting for search string ${p.search_regex} in ${where}`;
  return p.path !== undefined
    ? `Timeout when waiting for file ${where}`
    : `Timeout when waiting for ${where}`;
}
