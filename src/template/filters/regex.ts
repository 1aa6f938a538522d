// Ansible's regex filters with Python `re` semantics.
import { filter, type FilterSpec } from '../engine/runtime.js';
import { bindArgs } from '../py/args.js';
import { optBool, str } from '../py/coerce.js';
import * as re from '../py/regex.js';

function flags(ignorecase: unknown, multiline: unknown): re.PyReFlags {
  return { ignorecase: optBool(ignorecase, false), multiline: optBool(multiline, false) };
}

/** regex_search(value, regex, *groups, ignorecase=False, multiline=False). */
function regexSearch(value: unknown, args: unknown[], kw: Record<string, unknown>): unknown {
  const [pattern, ...groups] = args;
  const [ignorecase, multiline] = bindArgs('regex_search', ['ignorecase', 'multiline'], [], kw);
  const m = re.search(str(pattern), str(value), flags(ignorecase, multiline));
  if (!m) return null;
  if (groups.length === 0) return m[0];
  return groups.map((g) => re.groupRef(m, str(g)) ?? null);
}

function regexEscape(value: unknown, [reType]: unknown[]): string {
  const type = reType === undefined ? 'python' : str(reType);
  const s = str(value);
  if (type === 'python') return re.escape(s);
  if (type === 'posix_basic') return s.replace(/[.[\]\\*^$]/g, (c) => `\\${c}`);
  throw new Error(`Regex type (${type}) not yet implemented`);
}

export const REGEX_FILTERS: Record<string, FilterSpec> = {
  regex_replace: filter(['pattern', 'replacement', 'ignorecase', 'multiline'], (v, [p, r, i, m]) =>
    re.sub(str(p ?? ''), str(r ?? ''), str(v ?? ''), flags(i, m)),
  ),
  regex_search: { fn: (_rt, v, args, kw) => regexSearch(v, args, kw) },
  regex_findall: filter(['regex', 'multiline', 'ignorecase'], (v, [p, m, i]) =>
    re.findall(str(p), str(v), flags(i, m)),
  ),
  regex_escape: filter(['re_type'], regexEscape),
};
