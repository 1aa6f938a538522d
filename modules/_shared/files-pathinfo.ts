// The path details Ansible adds to a file module's result (uid, gid, owner, group, mode, state, size).
import type { ModuleResult, StepOutput } from '../../src/core/module.js';
import type { StatInfo } from '../../src/facts/file-stat.js';
import { pyMode } from './files-diff.js';

/**
 * Shell code printing `info=<uid>:<gid>:<size>:<raw mode hex>:<nlink followed>:<isdir>:<user>:<group>` for
 * the path in `word` (already quoted, or a "$var"); nothing when it does not exist (a dangling link
 * counts as absent, as os.path.exists says). Names come last because ':' cannot occur in them.
 */
export function pathInfoCmd(word: string): string {
  return (
    // (The flag's name is unlikely to be the caller's variable: "$d" often holds the path itself.)
    `if [ -e ${word} ]; then _isdir=n; [ -d ${word} ] && _isdir=y; ` +
    `printf 'info=%s:%s:%s\\n' "$(stat -c '%u:%g:%s:%f' -- ${word})" "$(stat -L -c %h -- ${word}):$_isdir" ` +
    `"$(stat -c '%U:%G' -- ${word})"; fi`
  );
}

/** Parse pathInfoCmd's line out of a step's output (undefined when the path does not exist). */
export function parsePathInfo(out: StepOutput | undefined): ModuleResult | undefined {
  const m = /^info=(\d+):(\d+):(\d+):([0-9a-f]+):(\d+):([yn]):(.*)$/m.exec(out?.stdout ?? '');
  if (!m) return undefined;
  const raw = parseInt(m[4]!, 16);
  const [user = '', group = ''] = m[7]!.split(':');
  const uid = Number(m[1]);
  const gid = Number(m[2]);
  const isLink = (raw & 0o170000) === 0o120000;
  return {
    uid,
    gid,
    owner: user === 'UNKNOWN' ? String(uid) : user,
    group: group === 'UNKNOWN' ? String(gid) : group,
    mode: pyMode(raw & 0o7777),
    state: isLink ? 'link' : m[6] === 'y' ? 'directory' : Number(m[5]) > 1 ? 'hard' : 'file',
    size: Number(m[3]),
  };
}

/**
 * The same details from facts read before the task: `lst` describes the path itself, `followed` what it
 * points to (both StatInfo of the same path).
 */
export function pathInfoFromStat(lst: StatInfo | undefined, followed: StatInfo | undefined): ModuleResult {
  if (!lst?.exists || !followed?.exists || followed.type === undefined) return {};
  return {
    uid: lst.uid,
    gid: lst.gid,
    owner: lst.owner,
    group: lst.group,
    mode: pyMode(lst.mode ?? '0'),
    state:
      lst.type === 'link'
        ? 'link'
        : followed.type === 'directory'
          ? 'directory'
          : (followed.nlink ?? 1) > 1
            ? 'hard'
            : 'file',
    size: lst.size,
  };
}
