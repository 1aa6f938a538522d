// Ansible's dict-shaped diffs (file state, file attributes), serialised the way its callback prints them.
import type { FileDiff } from '../../src/core/module.js';
import type { AttrChanges, FileNow } from './file-attrs.js';

/** Python's json.dumps(d, sort_keys=True, indent=4, ensure_ascii=False) + '\n' of a flat or nested dict. */
export function pyJsonDump(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 4)}\n`;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}

/** A FileDiff of two dicts; undefined when they are equal (nothing for the callback to show). */
export function dictDiff(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  header?: string,
): FileDiff | undefined {
  const b = pyJsonDump(before);
  const a = pyJsonDump(after);
  if (a === b) return undefined;
  return {
    before: b,
    after: a,
    ...(header !== undefined ? { beforeHeader: header, afterHeader: header } : {}),
  };
}

/** Ansible's '0%03o' mode format ('0644', '04755'). */
export function pyMode(mode: string | number): string {
  const bits = typeof mode === 'number' ? mode : parseInt(mode, 8);
  return `0${(bits & 0o7777).toString(8).padStart(3, '0')}`;
}

/**
 * The before/after entries set_*_if_different add to a diff: mode as '0%03o', owner and group as ids
 * before (what Ansible prints) and as given after (a name is resolved only on the host).
 */
export function attrDiffEntries(
  now: FileNow,
  c: AttrChanges,
): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  const id = (v: string) => (/^\d+$/.test(v) ? Number(v) : v);
  if (c.owner !== undefined) {
    before.owner = now.uid ?? now.owner;
    after.owner = id(c.owner);
  }
  if (c.group !== undefined) {
    before.group = now.gid ?? now.group;
    after.group = id(c.group);
  }
  if (c.mode !== undefined) {
    if (now.mode !== undefined) before.mode = pyMode(now.mode);
    after.mode = pyMode(c.mode);
  }
  return { before, after };
}
