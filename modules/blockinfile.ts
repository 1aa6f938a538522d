// blockinfile: keep a marked block of lines in a file (insert, update or remove it), edited on the controller.
import { defineModule, type Plan } from '../src/core/module.js';
import { fileCommonParams } from './_shared/file-params.js';
import { compilePy, pySearch } from './_shared/files-pyre.js';
import {
  bytesStr,
  createParam,
  textEditParams,
  fromBytesStr,
  isPlan,
  missingFile,
  planTextEdit,
  splitLinesKeep,
  textFacts,
  textNow,
} from './_shared/files-text.js';
import { failed } from './_shared/files-common.js';

const params = {
  ...textEditParams,
  create: createParam,
  state: {
    type: 'str',
    default: 'present',
    choices: ['absent', 'present'],
    description: 'Whether the block should be there.',
  },
  marker: {
    type: 'str',
    default: '# {mark} ANSIBLE MANAGED BLOCK',
    description: 'The marker line template; {mark} becomes marker_begin or marker_end.',
  },
  block: {
    type: 'str',
    default: '',
    aliases: ['content'],
    description: 'The text between the markers; empty removes the block.',
  },
  insertafter: {
    type: 'str',
    description: "Without markers in the file: insert after the last line matching this regex, or 'EOF'.",
  },
  insertbefore: {
    type: 'str',
    description: "Without markers in the file: insert before the last line matching this regex, or 'BOF'.",
  },
  marker_begin: { type: 'str', default: 'BEGIN', description: '{mark} in the first marker.' },
  marker_end: { type: 'str', default: 'END', description: '{mark} in the last marker.' },
  ...fileCommonParams,
} as const;

export interface BlockEdit {
  marker: string;
  begin: string;
  end: string;
  block: string;
  present: boolean;
  insertafter?: string;
  insertbefore?: string;
}

/**
 * Ansible's block placement, on bytes (one char per byte): replace the lines from one marker to the other,
 * or insert the block where insertafter/insertbefore says (EOF by default).
 */
export function placeBlock(original: string | undefined, o: BlockEdit): string {
  const lines = original === undefined ? [] : splitLinesKeep(original);
  let insertafter = o.insertafter;
  if (o.insertbefore === undefined && insertafter === undefined) insertafter = 'EOF';
  const insertRe =
    insertafter !== undefined && insertafter !== 'EOF'
      ? compilePy(insertafter)
      : o.insertbefore !== undefined && o.insertbefore !== 'BOF'
        ? compilePy(o.insertbefore)
        : undefined;
  const marker0 = `${o.marker.split('{mark}').join(o.begin)}\n`;
  const marker1 = `${o.marker.split('{mark}').join(o.end)}\n`;
  let blockLines: string[] = [];
  if (o.present && o.block !== '') {
    const block = o.block.endsWith('\n') ? o.block : `${o.block}\n`;
    blockLines = [marker0, ...splitLinesKeep(block), marker1];
  }
  let n0: number | undefined;
  let n1: number | undefined;
  for (const [i, line] of lines.entries()) {
    if (line === marker0) n0 = i;
    if (line === marker1) n1 = i;
  }
  if (n0 === undefined || n1 === undefined) {
    n0 = undefined;
    if (insertRe) {
      for (const [i, line] of lines.entries()) if (pySearch(insertRe, line)) n0 = i;
      if (n0 === undefined) n0 = lines.length;
      else if (insertafter !== undefined) n0 += 1;
    } else if (o.insertbefore !== undefined) {
      n0 = 0;
    } else {
      n0 = lines.length;
    }
  } else if (n0 < n1) {
    lines.splice(n0, n1 - n0 + 1);
  } else {
    lines.splice(n1, n0 - n1 + 1);
    n0 = n1;
  }
  // The line before the block must end with a newline.
  if (n0 > 0 && !lines[n0 - 1]!.endsWith('\n')) lines[n0 - 1] += '\n';
  lines.splice(n0, 0, ...blockLines);
  return lines.join('');
}

export const blockinfile = defineModule({
  name: 'blockinfile',
  doc: {
    short: 'Insert, update or remove a block of lines between marker lines',
    description:
      'The block sits between two marker lines ("# BEGIN ANSIBLE MANAGED BLOCK" / "# END ..."); an existing ' +
      'block is replaced in place, a new one goes after/before the line insertafter/insertbefore matches.',
    examples: [
      '- blockinfile:',
      '    path: /etc/hosts',
      '    marker: "# {mark} app hosts"',
      '    block: |',
      '      10.0.0.5 db',
      '      10.0.0.6 cache',
    ].join('\n'),
    returns: {
      msg: "'Block inserted', 'Block removed', 'File created' or ''.",
      backup_file: 'Name of the backup file, when one was made.',
    },
  },
  params,
  mutuallyExclusive: [['insertbefore', 'insertafter']],
  check: 'full',
  diff: true,
  runsOn: 'host',
  facts(p) {
    return textFacts(p.path);
  },
  plan(p, f, ctx): Plan {
    const now = textNow(p.path, f);
    if (isPlan(now)) return now;
    const exists = now.content !== undefined;
    // Like Ansible, a missing file without create fails even for state=absent.
    if (!exists && !p.create) return missingFile(`Path ${p.path} does not exist !`);
    if (!exists && p.state === 'absent')
      return { changed: false, steps: [], result: { msg: 'File not present' } };
    let after: string;
    try {
      after = placeBlock(exists ? bytesStr(now.content!) : undefined, {
        marker: bytesStr(p.marker),
        begin: bytesStr(p.marker_begin),
        end: bytesStr(p.marker_end),
        block: bytesStr(p.block),
        present: p.state === 'present',
        insertafter: p.insertafter === undefined ? undefined : bytesStr(p.insertafter),
        insertbefore: p.insertbefore === undefined ? undefined : bytesStr(p.insertbefore),
      });
    } catch (e) {
      return failed((e as Error).message);
    }
    const afterBytes = fromBytesStr(after);
    const msg = !exists
      ? 'File created'
      : now.content!.equals(afterBytes)
        ? ''
        : p.state === 'present' && p.block !== ''
          ? 'Block inserted'
          : 'Block removed';
    return planTextEdit({
      ...p,
      now,
      after: afterBytes,
      msg,
      contentHeader: `${p.path} (content)`,
      attrDiff: true,
      diff: ctx.diff,
      backupKey: 'backup_file',
    });
  },
});
