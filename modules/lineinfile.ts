// lineinfile: make sure one line is in a file (or gone), with Python regex semantics, edited on the controller.
import { defineModule, type Plan, type PlanContext } from '../src/core/module.js';
import { fileCommonParams } from './_shared/file-params.js';
import { compilePy, pyExpand, pySearch, type PyRegex } from './_shared/files-pyre.js';
import {
  bytesStr,
  createParam,
  textEditParams,
  fromBytesStr,
  isPlan,
  missingFile,
  planTextEdit,
  readLines,
  textFacts,
  textNow,
  type TextNow,
} from './_shared/files-text.js';
import { failed } from './_shared/files-common.js';

const params = {
  ...textEditParams,
  create: createParam,
  state: {
    type: 'str',
    default: 'present',
    choices: ['absent', 'present'],
    description: 'Whether the line should be there.',
  },
  regexp: {
    type: 'str',
    aliases: ['regex'],
    description:
      'Python regular expression looked for in every line; the last match (the first with firstmatch) is ' +
      'replaced, and with state=absent every matching line is removed.',
  },
  search_string: {
    type: 'str',
    description: 'A literal string looked for in every line, used like regexp.',
  },
  line: {
    type: 'str',
    aliases: ['value'],
    description: 'The line to insert or replace with (required for state=present).',
  },
  backrefs: {
    type: 'bool',
    default: false,
    description:
      'Expand \\1 and \\g<name> in line from the regexp match; do nothing if regexp does not match.',
  },
  insertafter: {
    type: 'str',
    description: "Insert after the last line matching this regex, or 'EOF' (default) / 'BOF'.",
  },
  insertbefore: {
    type: 'str',
    description: "Insert before the last line matching this regex, or 'BOF'.",
  },
  firstmatch: {
    type: 'bool',
    default: false,
    description: 'Use the first matching line for regexp/insertafter/insertbefore instead of the last.',
  },
  ...fileCommonParams,
} as const;

interface Present {
  regexp?: PyRegex;
  searchString?: string;
  line: string;
  insertafter?: string;
  insertbefore?: string;
  backrefs: boolean;
  firstmatch: boolean;
}

/** Ansible's present(): all strings here are bytes (one char per byte), like the Python module's. */
export function linePresent(lines: string[], o: Present): { lines: string[]; msg: string; changed: boolean } {
  const out = [...lines];
  const insRe =
    o.insertafter !== undefined && o.insertafter !== 'BOF' && o.insertafter !== 'EOF'
      ? compilePy(bytesStr(o.insertafter))
      : o.insertbefore !== undefined && o.insertbefore !== 'BOF'
        ? compilePy(bytesStr(o.insertbefore))
        : undefined;
  // index[0]: the line the regexp/search string (or the exact line) is on; index[1]: where to insert.
  let found = -1;
  let ins = -1;
  let match: RegExpExecArray | boolean | null = null;
  if (o.regexp) {
    for (const [n, cur] of out.entries()) {
      const m = pySearch(o.regexp, cur);
      if (m) {
        found = n;
        match = m;
        if (o.firstmatch) break;
      }
    }
  }
  if (o.searchString !== undefined) {
    for (const [n, cur] of out.entries()) {
      if (cur.includes(o.searchString)) {
        found = n;
        match = true;
        if (o.firstmatch) break;
      }
    }
  }
  if (!match) {
    for (const [n, cur] of out.entries()) {
      if (o.line === stripEol(cur)) {
        found = n;
      } else if (insRe && pySearch(insRe, cur)) {
        if (o.insertafter !== undefined) {
          ins = n + 1;
          if (o.firstmatch) break;
        }
        if (o.insertbefore !== undefined) {
          ins = n;
          if (o.firstmatch) break;
        }
      }
    }
  }
  const added = { lines: out, msg: 'line added', changed: true };
  const same = { lines: out, msg: '', changed: false };
  const endsWithEol = () => out.length > 0 && /[\r\n]$/.test(out[out.length - 1]!);
  if (found !== -1) {
    // found is the regexp/search match, or else the exact line (which may differ in its line ending).
    let newLine = o.backrefs && match && typeof match !== 'boolean' ? pyExpand(o.line, match) : o.line;
    if (!newLine.endsWith('\n')) newLine += '\n';
    if (out[found] !== newLine) {
      out[found] = newLine;
      return { lines: out, msg: 'line replaced', changed: true };
    }
    return same;
  }
  if (o.backrefs) return same;
  if (o.insertbefore === 'BOF' || o.insertafter === 'BOF') {
    out.unshift(`${o.line}\n`);
    return added;
  }
  if (o.insertafter === 'EOF' || ins === -1) {
    if (out.length > 0 && !endsWithEol()) out.push('\n');
    out.push(`${o.line}\n`);
    return added;
  }
  if (o.insertafter !== undefined) {
    if (out.length === ins) {
      if (stripEol(out[ins - 1]!) === o.line) return same;
      // Ansible appends here without ending the last line first (gluing the two lines together, and
      // adding the line again on every run); tsible ends it like the EOF case does.
      if (!endsWithEol()) out[ins - 1] += '\n';
      out.push(`${o.line}\n`);
      return added;
    }
    if (o.line === stripEol(out[ins]!)) return same;
    out.splice(ins, 0, `${o.line}\n`);
    return added;
  }
  out.splice(ins, 0, `${o.line}\n`);
  return added;
}

function stripEol(s: string): string {
  return s.replace(/[\r\n]+$/, '');
}

/** Ansible's absent(): drop every line that matches; returns how many went. */
export function lineAbsent(
  lines: string[],
  o: { regexp?: PyRegex; searchString?: string; line?: string },
): { lines: string[]; found: number } {
  const kept = lines.filter((cur) => {
    if (o.regexp) return !pySearch(o.regexp, cur);
    if (o.searchString !== undefined) return !cur.includes(o.searchString);
    return o.line !== stripEol(cur);
  });
  return { lines: kept, found: lines.length - kept.length };
}

export const lineinfile = defineModule({
  name: 'lineinfile',
  doc: {
    short: 'Manage lines in text files',
    description:
      'Ensures a line is present or absent, replacing the line a regexp or search string matches, ' +
      'otherwise inserting it after/before the line insertafter/insertbefore matches (EOF by default). ' +
      'Regular expressions follow Python re; the file is edited as bytes and written atomically.',
    examples: [
      '- lineinfile:',
      '    path: /etc/ssh/sshd_config',
      "    regexp: '^#?PermitRootLogin'",
      "    line: 'PermitRootLogin no'",
      '    validate: /usr/sbin/sshd -t -f %s',
      '- lineinfile: path=/etc/hosts line="10.0.0.5 db" state=absent',
    ].join('\n'),
    returns: {
      msg: "'line added', 'line replaced', 'N line(s) removed', plus a note when attributes changed.",
      backup: 'Name of the backup file, or an empty string.',
      found: 'state=absent: how many lines were removed.',
    },
  },
  params,
  mutuallyExclusive: [
    ['insertbefore', 'insertafter'],
    ['regexp', 'search_string'],
    ['backrefs', 'search_string'],
  ],
  check: 'full',
  diff: true,
  runsOn: 'host',
  facts(p) {
    return textFacts(p.path);
  },
  plan(p, f, ctx: PlanContext): Plan {
    if (p.regexp === '' || p.search_string === '') {
      let msg =
        'The regular expression or search string is an empty string, which will match every line in the ' +
        'file. This may have unintended consequences, such as replacing the last line in the file rather ' +
        'than appending.';
      if (p.regexp === '')
        msg += " If this is desired, use '^' to match every line in the file and avoid this warning.";
      ctx.warn(msg);
    }
    const now = textNow(p.path, f);
    if (isPlan(now)) return now;
    let regexp: PyRegex | undefined;
    try {
      regexp = p.regexp === undefined ? undefined : compilePy(bytesStr(p.regexp));
    } catch (e) {
      return failed((e as Error).message);
    }
    const common = {
      ...p,
      now,
      contentHeader: `${p.path} (content)`,
      attrDiff: true,
      diff: ctx.diff,
      backupKey: 'backup' as const,
    };
    if (p.state === 'present') {
      if (p.backrefs && p.regexp === undefined) return failed('regexp is required with backrefs=true');
      if (p.line === undefined) return failed('line is required with state=present');
      if (now.content === undefined && !p.create) return missingFile(`Path ${p.path} does not exist !`);
      const noIns = p.insertbefore === undefined && p.insertafter === undefined;
      let r: ReturnType<typeof linePresent>;
      try {
        r = linePresent(readLines(bytesStr(now.content ?? Buffer.alloc(0))), {
          regexp,
          searchString: p.search_string === undefined ? undefined : bytesStr(p.search_string),
          line: bytesStr(p.line),
          insertafter: noIns ? 'EOF' : p.insertafter,
          insertbefore: p.insertbefore,
          backrefs: p.backrefs,
          firstmatch: p.firstmatch,
        });
      } catch (e) {
        return failed((e as Error).message);
      }
      return editPlan(common, now, r.lines, r.changed ? r.msg : '');
    }
    if (p.regexp === undefined && p.search_string === undefined && p.line === undefined)
      return failed('one of line, search_string, or regexp is required with state=absent');
    if (now.content === undefined) return { changed: false, steps: [], result: { msg: 'file not present' } };
    const r = lineAbsent(readLines(bytesStr(now.content)), {
      regexp,
      searchString: p.search_string === undefined ? undefined : bytesStr(p.search_string),
      line: p.line === undefined ? undefined : bytesStr(p.line),
    });
    const plan = editPlan(common, now, r.lines, r.found > 0 ? `${r.found} line(s) removed` : '');
    plan.result = { ...plan.result, found: r.found };
    return plan;
  },
});

function editPlan(
  common: Omit<Parameters<typeof planTextEdit>[0], 'after' | 'msg'>,
  now: TextNow,
  lines: string[],
  msg: string,
): Plan {
  // A missing file stays missing when nothing is added (backrefs without a match).
  if (now.content === undefined && msg === '')
    return { changed: false, steps: [], result: { msg, backup: '' } };
  return planTextEdit({ ...common, now, after: fromBytesStr(lines.join('')), msg });
}
