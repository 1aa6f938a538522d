// assemble: concatenate a directory of fragments (on the host, or on the controller) into one file.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { defineModule, type Fact, type FileDiff, type ModuleResult, type Plan } from '../src/core/module.js';
import { quote } from '../src/core/sh.js';
import { fileContent, type FileContent } from '../src/facts/file-content.js';
import { fileStat, type StatInfo } from '../src/facts/file-stat.js';
import { unused } from './_shared/facts.js';
import { fileCommonParams } from './_shared/file-params.js';
import { DIFF_MAX_BYTES, planWrite } from './_shared/file-write.js';
import { compilePy, pySearch, type PyRegex } from './_shared/files-pyre.js';
import { parseMode } from './_shared/mode.js';
import { decryptParam, failed } from './_shared/files-common.js';

const params = {
  src: {
    type: 'path',
    required: true,
    description: 'Directory of fragments (on the host unless remote_src=false).',
  },
  dest: { type: 'path', required: true, description: 'The file to write.' },
  backup: { type: 'bool', default: false, description: 'Keep a timestamped copy of the old file.' },
  delimiter: {
    type: 'str',
    description: 'Text written between fragments (escapes like \\n are decoded; a newline is added).',
  },
  remote_src: {
    type: 'bool',
    default: true,
    description: 'The fragments are on the host; false: in a controller directory (searched in files/).',
  },
  regexp: { type: 'str', description: 'Only fragments whose name matches this Python regex (search).' },
  follow: { type: 'bool', default: false, description: 'Accepted (symlinked fragments are always read).' },
  ignore_hidden: {
    type: 'bool',
    default: false,
    description: "Leave out fragments whose name starts with '.'.",
  },
  validate: { type: 'str', description: 'Command run on the new file (%s) before it replaces dest.' },
  decrypt: decryptParam,
  ...fileCommonParams,
} as const;

export interface Fragment {
  name: string;
  content: Buffer;
}

interface Fragments {
  state: 'ok' | 'missing' | 'notdir';
  fragments: Fragment[];
}

/**
 * The regular files directly in a host directory (through symlinks, like os.path.isfile), names and
 * bytes base64-encoded one per line so any name survives.
 */
function remoteFragments(dir: string): Fact<Fragments> {
  const d = quote(dir);
  const cmd = [
    `d=${d}`,
    'if [ ! -e "$d" ]; then echo missing; elif [ ! -d "$d" ]; then echo notdir; else',
    '  echo ok',
    // The three globs together match every name, hidden ones too; an unmatched glob stays literal and
    // fails the -f test.
    '  for f in "$d"/* "$d"/.[!.]* "$d"/..?*; do',
    '    [ -f "$f" ] || continue',
    '    printf "%s" "${f##*/}" | base64 -w0; echo',
    '    base64 -w0 < "$f"; echo',
    '  done',
    'fi',
  ].join('\n');
  return { cmd, parse: (out) => parseFragments(out.stdout) };
}

function parseFragments(stdout: string): Fragments {
  const lines = stdout.split('\n');
  const state = lines[0];
  if (state === 'missing' || state === 'notdir') return { state, fragments: [] };
  const fragments: Fragment[] = [];
  for (let i = 1; i + 1 < lines.length; i += 2) {
    fragments.push({
      name: Buffer.from(lines[i]!, 'base64').toString('utf8'),
      content: Buffer.from(lines[i + 1]!, 'base64'),
    });
  }
  return { state: 'ok', fragments };
}

function localFragments(dir: string): Fragments {
  try {
    if (!statSync(dir).isDirectory()) return { state: 'notdir', fragments: [] };
  } catch {
    return { state: 'missing', fragments: [] };
  }
  const fragments: Fragment[] = [];
  for (const name of readdirSync(dir)) {
    try {
      if (statSync(join(dir, name)).isFile())
        fragments.push({ name, content: readFileSync(join(dir, name)) });
    } catch {
      // A dangling link is not a file.
    }
  }
  return { state: 'ok', fragments };
}

/** Python's codecs.escape_decode of the delimiter: \n, \t, \\, \xNN, octal... */
function escapeDecode(s: string): Buffer {
  const simple: Record<string, string> = {
    n: '\n',
    t: '\t',
    r: '\r',
    a: '\x07',
    b: '\b',
    f: '\f',
    v: '\v',
    '\\': '\\',
    "'": "'",
    '"': '"',
  };
  const out: number[] = [];
  const bytes = Buffer.from(s, 'utf8');
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c !== 0x5c || i + 1 >= bytes.length) {
      out.push(c);
      continue;
    }
    const n = String.fromCharCode(bytes[i + 1]!);
    const hex = /^x([0-9a-fA-F]{2})/.exec(String.fromCharCode(...bytes.subarray(i + 1, i + 4)));
    const oct = /^[0-7]{1,3}/.exec(String.fromCharCode(...bytes.subarray(i + 1, i + 4)));
    if (n in simple) {
      out.push(simple[n]!.charCodeAt(0));
      i++;
    } else if (hex) {
      out.push(parseInt(hex[1]!, 16));
      i += 3;
    } else if (oct) {
      out.push(parseInt(oct[0], 8) & 0xff);
      i += oct[0].length;
    } else if (n === '\n') {
      i++;
    } else out.push(c);
  }
  return Buffer.from(out);
}

/** Ansible's assemble_from_fragments: sorted names, a newline after a fragment lacking one, delimiters between. */
export function assembleFragments(
  fragments: Fragment[],
  o: { regexp?: PyRegex; delimiter?: string; ignoreHidden: boolean },
): Buffer {
  const parts: Buffer[] = [];
  let delimitMe = false;
  let addNewline = false;
  const delimiter = o.delimiter ? escapeDecode(o.delimiter) : undefined;
  const sorted = [...fragments].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const f of sorted) {
    if (o.regexp && !pySearch(o.regexp, f.name)) continue;
    if (o.ignoreHidden && f.name.startsWith('.')) continue;
    if (addNewline) parts.push(Buffer.from('\n'));
    if (delimitMe && delimiter && delimiter.length > 0) {
      parts.push(delimiter);
      if (delimiter[delimiter.length - 1] !== 0x0a) parts.push(Buffer.from('\n'));
    }
    parts.push(f.content);
    delimitMe = true;
    addNewline = !(f.content.length > 0 && f.content[f.content.length - 1] === 0x0a);
  }
  return Buffer.concat(parts);
}

export const assemble = defineModule({
  name: 'assemble',
  doc: {
    short: 'Assemble a configuration file from fragments',
    description:
      'Concatenates the regular files of a directory in name order (optionally filtered by regexp, with a ' +
      'delimiter between them) and writes the result like copy when it differs.',
    examples: [
      '- assemble: src=/etc/someapp/fragments dest=/etc/someapp/someapp.conf',
      '- assemble: src=conf.d dest=/etc/app.conf remote_src=false delimiter="### fragment"',
    ].join('\n'),
    returns: {
      dest: 'Destination path.',
      src: 'Fragment directory.',
      checksum: 'sha1 of the assembled file.',
      md5sum: 'md5 of the assembled file.',
      msg: "'OK'.",
      backup_file: 'Name of the backup, when one was made.',
    },
  },
  params,
  check: 'full',
  diff: true,
  runsOn: 'host',
  facts(p, ctx) {
    return {
      fragments: p.remote_src ? remoteFragments(p.src) : unused<Fragments>(),
      stat: fileStat([p.dest], { follow: true }),
      content: ctx.diff ? fileContent(p.dest, DIFF_MAX_BYTES) : unused<FileContent>(),
    };
  },
  plan(p, f, ctx): Plan {
    let src = p.src;
    if (!p.remote_src) {
      try {
        src = ctx.findFile('files', p.src);
      } catch {
        return failed(`Source (${p.src}) does not exist`);
      }
    }
    const frags = p.remote_src ? (f.fragments ?? { state: 'missing', fragments: [] }) : localFragments(src);
    if (frags.state === 'missing') return failed(`Source (${p.src}) does not exist`);
    if (frags.state === 'notdir') return failed(`Source (${p.src}) is not a directory`);
    if (p.validate !== undefined && !p.validate.includes('%s'))
      return failed(`validate must contain %s: ${p.validate}`);
    let content: Buffer;
    let mode;
    try {
      mode = parseMode(p.mode);
      const regexp = p.regexp === undefined ? undefined : compilePy(p.regexp);
      content = assembleFragments(frags.fragments, {
        regexp,
        delimiter: p.delimiter,
        ignoreHidden: p.ignore_hidden,
      });
    } catch (e) {
      return failed((e as Error).message);
    }
    const now = (f.stat as StatInfo[])[0];
    if (now?.exists && now.type === 'directory') return failed(`Destination ${p.dest} is a directory`);
    const w = planWrite({
      dest: p.dest,
      content,
      now: now?.exists ? { ...now, exists: true, sha1: now.checksum } : { exists: false },
      before: f.content,
      attrs: { mode, owner: p.owner, group: p.group },
      force: true,
      backup: p.backup,
      validate: p.validate,
      diff: ctx.diff,
    });
    const plan: Plan = {
      changed: w.changed,
      steps: w.steps,
      result: { ...(w.result as ModuleResult), src: p.src, msg: 'OK' },
    };
    if (w.diff) plan.diff = w.diff as FileDiff[];
    if (plan.changed) plan.effects = { files: [p.dest] };
    return plan;
  },
});
