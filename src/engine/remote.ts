// Turns facts and steps into shell scripts for a host's one connection: all facts in one round trip,
// files written atomically.
import { createHash } from 'node:crypto';
import type { Fact, FactRequests, PutStep, StepOutput } from '../core/module.js';
import { quote, sh } from '../core/sh.js';
import { uniqueToken } from '../transport/session.js';

/** Something that can run a command on a host (a connection, with become applied). */
export type Runner = (cmd: string, stdin?: string | Buffer) => Promise<StepOutput>;

/**
 * Run every fact command in one script, each in its own subshell with stdin closed, and split the output
 * on a random boundary line that carries each command's exit code.
 */
export async function readFacts(run: Runner, facts: FactRequests): Promise<Record<string, unknown>> {
  const entries = Object.entries(facts) as [string, Fact<unknown>][];
  if (entries.length === 0) return {};
  const boundary = `__TSIBLE_${uniqueToken()}__`;
  // The leading newline before the boundary guarantees it starts a line even when output lacks one.
  const script = entries
    .map(([, f]) => `( ${f.cmd}\n) </dev/null 2>/dev/null; printf '\\n%s %d\\n' ${boundary} $?`)
    .join('\n');
  const res = await run(script);
  const out: Record<string, unknown> = {};
  const text = res.stdout;
  const marker = `\n${boundary} `;
  let from = 0;
  for (const [key, f] of entries) {
    const at = text.indexOf(marker, from);
    const nl = at < 0 ? -1 : text.indexOf('\n', at + marker.length);
    const rc = nl < 0 ? NaN : Number(text.slice(at + marker.length, nl));
    if (Number.isNaN(rc))
      throw new Error(`could not read facts on the host (${key}): ${res.stderr.trim() || 'no output'}`);
    out[key] = f.parse({ rc, stdout: text.slice(from, at), stderr: '' });
    from = nl + 1;
  }
  return out;
}

/**
 * The script that writes a file atomically. The content arrives on stdin; it goes to a temporary file in
 * the destination's directory (same filesystem, so the rename is atomic), which gets the old file's mode
 * and owner (or the umask's default for a new file), then the requested ones, is validated, and only then
 * renamed over the destination. On any failure the temporary file is removed and the old file is untouched.
 */
export function putScript(step: PutStep): string {
  const parts: string[] = [];
  parts.push(sh`d=${step.dest}`);
  parts.push(`dir=$(dirname "$d") || exit 1`);
  parts.push(`tmp=$(mktemp "$dir/.tsible-tmp.XXXXXXXX") || exit 1`);
  // Remove the temporary file if anything below fails or the connection drops. A signal must end the script
  // through `exit` so that the EXIT trap runs: dash runs no EXIT trap for a death by signal, and when the
  // controller dies mid-transfer the first thing to notice may be SIGPIPE, writing the error to a closed
  // stderr.
  parts.push(`trap 'rm -f "$tmp"' EXIT`);
  parts.push(`trap 'exit 1' HUP INT TERM PIPE`);
  parts.push(`cat > "$tmp" || exit 1`);
  // If the controller or the connection dies mid-transfer, stdin just ends early and cat succeeds with a
  // truncated file: only a file with exactly the expected size and checksum may replace the destination.
  const sum = createHash('sha1').update(step.content).digest('hex');
  parts.push(
    `[ "$(wc -c < "$tmp")" -eq ${step.content.length} ] && [ "$(sha1sum < "$tmp" | cut -d' ' -f1)" = ${sum} ] || { echo "tsible: incomplete transfer of $d" >&2; exit 1; }`,
  );
  parts.push(
    `if [ -e "$d" ]; then chmod --reference="$d" "$tmp" && chown --reference="$d" "$tmp" || exit 1; ` +
      // mktemp creates 0600; a new file should get 0666 minus the umask, as any other tool would give it.
      `else m=$(umask); chmod "$(printf '%o' $(( 0666 & ~m )))" "$tmp" || exit 1; fi`,
  );
  if (step.owner !== undefined && step.group !== undefined)
    parts.push(sh`chown ${`${step.owner}:${step.group}`} "$tmp" || exit 1`);
  else if (step.owner !== undefined) parts.push(sh`chown ${step.owner} "$tmp" || exit 1`);
  else if (step.group !== undefined) parts.push(sh`chgrp ${step.group} "$tmp" || exit 1`);
  if (step.mode !== undefined) parts.push(sh`chmod ${step.mode} "$tmp" || exit 1`);
  if (step.validate !== undefined) {
    // %s in validate is the file to check: the temporary file, quoted.
    const v = step.validate.includes('%s')
      ? step.validate.split('%s').join('"$tmp"')
      : `${step.validate} "$tmp"`;
    parts.push(
      `( ${v} ) >&2 || { echo "tsible: validation failed: ${quote(step.validate).replace(/"/g, '\\"')}" >&2; exit 1; }`,
    );
  }
  if (step.backup) {
    parts.push(
      `if [ -e "$d" ]; then b="$d.$$.$(date +%Y-%m-%d@%H:%M:%S)~"; cp -p "$d" "$b" || exit 1; echo "backup_file=$b"; fi`,
    );
  }
  parts.push(`mv -f "$tmp" "$d" || exit 1`);
  return parts.join('\n');
}
