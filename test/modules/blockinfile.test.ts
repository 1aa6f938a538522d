// blockinfile: marker placement tables, messages, idempotency, and a real local run.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blockinfile, placeBlock } from '../../modules/blockinfile.js';
import { makeCtx, planWith, runModule, tempDir } from './_harness.js';

const B = '# BEGIN ANSIBLE MANAGED BLOCK\n';
const E = '# END ANSIBLE MANAGED BLOCK\n';

function facts(content: string | undefined) {
  return {
    stat: [
      content === undefined
        ? { path: '/etc/f', exists: false }
        : { path: '/etc/f', exists: true, type: 'file', mode: '0644', owner: 'root', group: 'root' },
      { path: '/etc', exists: true, type: 'directory' },
    ],
    content:
      content === undefined
        ? { exists: false, size: 0, content: Buffer.alloc(0), truncated: false }
        : { exists: true, size: content.length, content: Buffer.from(content), truncated: false },
  };
}

describe('blockinfile placement', () => {
  const place = (orig: string | undefined, o: Record<string, unknown>) =>
    placeBlock(orig, {
      marker: '# {mark} ANSIBLE MANAGED BLOCK',
      begin: 'BEGIN',
      end: 'END',
      block: 'x=1',
      present: true,
      ...o,
    });

  it.each([
    ['appends at EOF', 'a\n', {}, `a\n${B}x=1\n${E}`],
    ['ends the last line first', 'a', {}, `a\n${B}x=1\n${E}`],
    ['replaces between markers in place', `a\n${B}old\n${E}b\n`, {}, `a\n${B}x=1\n${E}b\n`],
    ['markers in reverse order', `a\n${E}old\n${B}b\n`, {}, `a\n${B}x=1\n${E}b\n`],
    ['insertafter the last match', 'a\nb\na\nc\n', { insertafter: '^a' }, `a\nb\na\n${B}x=1\n${E}c\n`],
    ['insertbefore', 'a\nb\n', { insertbefore: '^b' }, `a\n${B}x=1\n${E}b\n`],
    ['insertbefore BOF', 'a\n', { insertbefore: 'BOF' }, `${B}x=1\n${E}a\n`],
    ['no match: EOF', 'a\n', { insertafter: '^zzz' }, `a\n${B}x=1\n${E}`],
    ['absent removes the block', `a\n${B}old\n${E}b\n`, { present: false }, 'a\nb\n'],
    ['empty block removes it', `a\n${B}old\n${E}`, { block: '' }, 'a\n'],
    [
      'custom markers',
      'a\n',
      { marker: '// {mark}', begin: 'start', end: 'stop' },
      'a\n// start\nx=1\n// stop\n',
    ],
    ['new file', undefined, {}, `${B}x=1\n${E}`],
  ])('%s', (_n, orig, o, expected) => {
    expect(place(orig, o)).toBe(expected);
    // Placing the same block again changes nothing.
    expect(place(expected, o)).toBe(expected);
  });
});

describe('blockinfile planner', () => {
  it.each([
    ['Block inserted', 'a\n', { block: 'x' }, true],
    ['Block removed', `a\n${B}x\n${E}`, { state: 'absent' }, true],
    ['', `a\n${B}x\n${E}`, { block: 'x' }, false],
    ['File created', undefined, { block: 'x', create: true }, true],
  ])('msg %j', async (msg, content, args, changed) => {
    const plan = await planWith(blockinfile, { path: '/etc/f', ...args }, facts(content));
    expect(plan.result?.msg).toBe(msg);
    expect(plan.changed).toBe(changed);
  });

  it('fails on a missing file without create, even for state=absent (like Ansible)', async () => {
    for (const state of ['present', 'absent']) {
      const plan = await planWith(blockinfile, { path: '/etc/f', block: 'x', state }, facts(undefined));
      expect(plan.result).toMatchObject({ msg: 'Path /etc/f does not exist !', rc: 257 });
    }
  });

  it('diff headers say (content)', async () => {
    const plan = await planWith(
      blockinfile,
      { path: '/etc/f', block: 'x' },
      facts('a\n'),
      makeCtx({ diff: true }),
    );
    expect(plan.diff?.[0]).toEqual({
      before: 'a\n',
      after: `a\n${B}x\n${E}`,
      beforeHeader: '/etc/f (content)',
      afterHeader: '/etc/f (content)',
    });
  });
});

describe('blockinfile on this machine', () => {
  it('inserts, is idempotent, updates in place, removes, with backup_file', async () => {
    const d = tempDir();
    const path = join(d, 'hosts');
    writeFileSync(path, '127.0.0.1 localhost\n');
    const first = await runModule(blockinfile, { path, block: '10.0.0.5 db\n10.0.0.6 "cache" $x\n' });
    expect(first.result).toMatchObject({ changed: true, msg: 'Block inserted' });
    expect(readFileSync(path, 'utf8')).toBe(
      `127.0.0.1 localhost\n${B}10.0.0.5 db\n10.0.0.6 "cache" $x\n${E}`,
    );
    const again = await runModule(blockinfile, { path, block: '10.0.0.5 db\n10.0.0.6 "cache" $x\n' });
    expect(again.plan.steps).toEqual([]);
    const upd = await runModule(blockinfile, { path, block: '10.0.0.7 db', backup: true });
    expect(upd.result.backup_file).toMatch(/hosts\.\d+\..*~$/);
    expect(readFileSync(path, 'utf8')).toBe(`127.0.0.1 localhost\n${B}10.0.0.7 db\n${E}`);
    await runModule(blockinfile, { path, state: 'absent' });
    expect(readFileSync(path, 'utf8')).toBe('127.0.0.1 localhost\n');
  });
});
