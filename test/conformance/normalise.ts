// Makes an ansible-playbook transcript comparable across runs and tools (ansible-core on local-connection
// hosts, tsible on the fleet). What it changes, and why:
// - the timings of command results ("delta", "start", "end", "stop") become "X": they differ on every run;
// - the directory the playbooks were copied to becomes <DIR>;
// - within one TASK / RUNNING HANDLER block, host results are sorted by host (with their continuation
//   lines): both tools print results as hosts finish, so that order is not deterministic (reference §0);
//   the host list of an `included: FILE for h1, h2` line is sorted for the same reason;
// - ansible's pause prints "Pausing for N seconds" and a Ctrl+C hint on the terminal; tsible does not;
// - an UNREACHABLE! result keeps only its verdict: the message is ssh's own words (OpenSSH vs ssh2);
// - the "+++ after: PATH" header of a content diff names a temporary file of ansible's controller; tsible
//   has no such file and prints "+++ after": the path is dropped;
// - pause reports the time it really waited ("Paused for 1.02 seconds"): N.
// Everything else (banners, blank lines, order of tasks and plays, the recap) must match line for line.

const RESULT_START = /^(ok|changed|fatal|skipping|failed|included|FAILED - RETRYING): /;
const BANNER = /^(PLAY|TASK|RUNNING HANDLER|NO MORE HOSTS LEFT)( |$)/;

function hostOf(entry: string[]): string {
  const line = entry.find((l) => RESULT_START.test(l)) ?? '';
  return /^[^[]*\[([^\]]+)\]/.exec(line)?.[1] ?? / for (.*?)( => |$)/.exec(line)?.[1] ?? '';
}

function sortBlock(lines: string[]): string[] {
  let trailing = 0;
  while (lines.length > trailing && lines[lines.length - 1 - trailing] === '') trailing++;
  const body = lines.slice(0, lines.length - trailing);
  const head: string[] = [];
  const entries: string[][] = [];
  // A --diff is printed before the result line it belongs to.
  let pending: string[] | undefined;
  for (const l of body) {
    if (l.startsWith('--- before')) (pending ??= []).push(l);
    else if (RESULT_START.test(l)) {
      entries.push([...(pending ?? []), l]);
      pending = undefined;
    } else if (pending) pending.push(l);
    else if (entries.length > 0) entries[entries.length - 1]!.push(l);
    else head.push(l);
  }
  if (pending) entries.push(pending);
  // A stable sort: one host's own lines (items, retries) keep their order.
  const sorted = entries
    .map((e, i) => ({ e, i }))
    .sort((a, b) => hostOf(a.e).localeCompare(hostOf(b.e)) || a.i - b.i)
    .map((x) => x.e);
  return [...head, ...sorted.flat(), ...Array<string>(trailing).fill('')];
}

export function normaliseTranscript(text: string, dir?: string): string {
  let t = text.replace(/"(delta|end|start|stop)": ("[^"]*"|\d+)/g, '"$1": "X"');
  if (dir) t = t.split(dir).join('<DIR>');
  const lines = t
    .split('\n')
    .filter((l) => !/^Pausing for \d+ (seconds|minutes)$/.test(l) && !l.startsWith("(ctrl+C then 'C'"))
    .map((l) => l.replace(/^(fatal: \[[^\]]+\]: UNREACHABLE!) => .*$/, '$1'))
    // The "after" side of a content diff is a temporary file on the controller.
    .map((l) => l.replace(/^\+\+\+ after: \/\S*\/ansible-local-\S*$/, '+++ after'))
    .map((l) => l.replace(/^Paused for [\d.]+ (seconds|minutes)/, 'Paused for N $1'))
    .map((l) => l.replace(/("stdout": "Paused for )[\d.]+/, '$1N'))
    .map((l) =>
      l.replace(
        /^(included: \S+ for )(.*?)( => .*)?$/,
        (_m, a: string, hosts: string, rest: string | undefined) =>
          a + hosts.split(', ').sort().join(', ') + (rest ?? ''),
      ),
    );
  const out: string[] = [];
  let block: string[] = [];
  for (const l of lines) {
    if (BANNER.test(l)) {
      out.push(...sortBlock(block), l);
      block = [];
    } else block.push(l);
  }
  out.push(...sortBlock(block));
  return out.join('\n');
}
