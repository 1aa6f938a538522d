// replace: Python re.sub (MULTILINE) over a whole file, optionally only between `after` and `before`.
import { defineModule, type Plan } from '../src/core/module.js';
import { fileCommonParams } from './_shared/file-params.js';
import { compilePy, pySearch, pySubn } from './_shared/files-pyre.js';
import {
  isPlan,
  missingFile,
  planTextEdit,
  textEditParams,
  textFacts,
  textNow,
} from './_shared/files-text.js';
import { failed } from './_shared/files-common.js';

const params = {
  ...textEditParams,
  regexp: {
    type: 'str',
    required: true,
    description: 'Python regular expression (MULTILINE: ^ and $ work per line).',
  },
  replace: {
    type: 'str',
    default: '',
    description: 'Replacement, with \\1 / \\g<name> backreferences; empty deletes the matches.',
  },
  after: { type: 'str', description: 'Only replace after the first match of this regex (DOTALL).' },
  before: { type: 'str', description: 'Only replace before the last match of this regex (DOTALL).' },
  encoding: { type: 'str', default: 'utf-8', description: 'Encoding of the file (utf-8 or latin-1).' },
  ...fileCommonParams,
} as const;

export interface ReplaceResult {
  text: string;
  count: number;
  /** Set when after/before did not match: nothing is replaced. */
  sectionMissing?: string;
}

/** The module's logic on decoded text: sub over the section between after and before, or the whole file. */
export function replaceIn(
  contents: string,
  o: { regexp: string; replace: string; after?: string; before?: string },
): ReplaceResult {
  let pattern = '';
  if (o.after && o.before) pattern = `${o.after}(?P<subsection>.*?)${o.before}`;
  else if (o.after) pattern = `${o.after}(?P<subsection>.*)`;
  else if (o.before) pattern = `(?P<subsection>.*)${o.before}`;
  let start = 0;
  let end = contents.length;
  if (pattern) {
    const m = pySearch(compilePy(pattern, { dotall: true }), contents);
    const span = m?.indices?.groups?.subsection;
    if (!span) return { text: contents, count: 0, sectionMissing: pattern };
    [start, end] = span;
  }
  const section = contents.slice(start, end);
  const r = pySubn(compilePy(o.regexp, { multiline: true }), o.replace, section);
  if (r.count === 0 || r.text === section) return { text: contents, count: 0 };
  return { text: contents.slice(0, start) + r.text + contents.slice(end), count: r.count };
}

/** Decode like Python's surrogateescape round trip: utf-8 when valid, else byte for byte. */
function decode(b: Buffer, encoding: string): { text: string; encode: (s: string) => Buffer } | string {
  const enc = encoding.toLowerCase().replace(/_/g, '-');
  const latin1 = { text: b.toString('latin1'), encode: (s: string) => Buffer.from(s, 'latin1') };
  if (['latin-1', 'latin1', 'iso-8859-1', 'iso8859-1'].includes(enc)) return latin1;
  if (enc !== 'utf-8' && enc !== 'utf8')
    return `encoding ${encoding} is not supported by tsible (utf-8 or latin-1)`;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(b);
    return { text, encode: (s: string) => Buffer.from(s, 'utf8') };
  } catch {
    return latin1;
  }
}

export const replace = defineModule({
  name: 'replace',
  doc: {
    short: 'Replace all instances of a pattern in a file',
    description:
      "Python re.sub with MULTILINE over the file's text; after/before narrow it to a section. Changed " +
      'when the content differs; written atomically.',
    examples: [
      '- replace:',
      '    path: /etc/apache2/ports.conf',
      "    regexp: '^Listen 80$'",
      "    replace: 'Listen 8080'",
      "- replace: path=/etc/hosts regexp='(\\s+)old\\.host(\\s+.*)?$' replace='\\1new.host\\2'",
    ].join('\n'),
    returns: {
      msg: "'N replacements made', or '' when nothing changed.",
      backup_file: 'Name of the backup file, when one was made.',
    },
  },
  params,
  check: 'full',
  diff: true,
  runsOn: 'host',
  facts(p) {
    return textFacts(p.path);
  },
  plan(p, f, ctx): Plan {
    const now = textNow(p.path, f);
    if (isPlan(now)) return now;
    if (now.content === undefined) return missingFile(`Path ${p.path} does not exist !`);
    const dec = decode(now.content, p.encoding);
    if (typeof dec === 'string') return failed(dec);
    let r: ReplaceResult;
    try {
      r = replaceIn(dec.text, p);
    } catch (e) {
      return failed((e as Error).message);
    }
    if (r.sectionMissing !== undefined) {
      return {
        changed: false,
        steps: [],
        result: { msg: `Pattern for before/after params did not match the given file: ${r.sectionMissing}` },
      };
    }
    return planTextEdit({
      ...p,
      now,
      after: r.count > 0 ? dec.encode(r.text) : now.content,
      msg: `${r.count} replacements made`,
      contentHeader: p.path,
      attrDiff: false,
      diff: ctx.diff,
      backupKey: 'backup_file',
    });
  },
});
