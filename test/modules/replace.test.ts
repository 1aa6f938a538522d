// replace: re.sub with MULTILINE, after/before sections, messages, and a real local run.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replace, replaceIn } from '../../modules/replace.js';
import { makeCtx, planWith, runModule, tempDir } from './_harness.js';

describe('replaceIn', () => {
  it.each([
    [
      'per-line anchors',
      'Listen 80\nListen 443\n',
      { regexp: '^Listen 80$', replace: 'Listen 8080' },
      'Listen 8080\nListen 443\n',
      1,
    ],
    ['backrefs', 'a=1\nb=2\n', { regexp: '^(\\w)=(\\d)$', replace: '\\2=\\1' }, '1=a\n2=b\n', 2],
    ['named groups', 'host old\n', { regexp: '(?P<h>host) old', replace: '\\g<h> new' }, 'host new\n', 1],
    [
      'delete with empty replace',
      'keep\n# drop\nkeep\n',
      { regexp: '^# drop\\n', replace: '' },
      'keep\nkeep\n',
      1,
    ],
    ['after', 'x\n[s]\nx\n', { regexp: '^x$', replace: 'y', after: '\\[s\\]' }, 'x\n[s]\ny\n', 1],
    ['before', 'x\n[s]\nx\n', { regexp: '^x$', replace: 'y', before: '\\[s\\]' }, 'y\n[s]\nx\n', 1],
    [
      'after and before (non-greedy)',
      'x\nA\nx\nB\nx\nB\n',
      { regexp: '^x$', replace: 'y', after: 'A', before: 'B' },
      'x\nA\ny\nB\nx\nB\n',
      1,
    ],
    ['no change when equal', 'a\n', { regexp: 'a', replace: 'a' }, 'a\n', 0],
  ])('%s', (_n, text, o, out, count) => {
    const r = replaceIn(text, o);
    expect(r.text).toBe(out);
    expect(r.count).toBe(count);
    expect(replaceIn(out, o).text).toBe(out);
  });

  it('reports a section that does not match', () => {
    expect(replaceIn('abc', { regexp: 'a', replace: 'b', after: 'zzz' }).sectionMissing).toBe(
      'zzz(?P<subsection>.*)',
    );
  });
});

describe('replace planner', () => {
  const facts = (content: string | undefined) => ({
    stat: [
      content === undefined
        ? { path: '/f', exists: false }
        : { path: '/f', exists: true, type: 'file', mode: '0644' },
      { path: '/', exists: true, type: 'directory' },
    ],
    content: {
      exists: content !== undefined,
      size: content?.length ?? 0,
      content: Buffer.from(content ?? ''),
      truncated: false,
    },
  });

  it('messages, diff and failures like Ansible', async () => {
    const p = await planWith(
      replace,
      { path: '/f', regexp: 'a', replace: 'b' },
      facts('aa\n'),
      makeCtx({ diff: true }),
    );
    expect(p.result?.msg).toBe('2 replacements made');
    expect(p.diff).toEqual([{ before: 'aa\n', after: 'bb\n', beforeHeader: '/f', afterHeader: '/f' }]);
    const none = await planWith(replace, { path: '/f', regexp: 'z', replace: 'b' }, facts('aa\n'));
    expect(none).toMatchObject({ changed: false, steps: [], result: { msg: '' } });
    const missing = await planWith(replace, { path: '/f', regexp: 'z' }, facts(undefined));
    expect(missing.result).toMatchObject({ msg: 'Path /f does not exist !', rc: 257 });
    const sec = await planWith(replace, { path: '/f', regexp: 'a', after: 'q' }, facts('a'));
    expect(sec.result?.msg).toBe(
      'Pattern for before/after params did not match the given file: q(?P<subsection>.*)',
    );
    await expect(planWith(replace, { path: '/f', regexp: 'a', replce: 'x' }, facts('a'))).rejects.toThrow(
      /did you mean|replce/,
    );
  });

  it('keeps bytes that are not UTF-8 as they were', async () => {
    const bin = Buffer.from([0xff, 0x61, 0x0a]);
    const p = await planWith(
      replace,
      { path: '/f', regexp: 'a', replace: 'b' },
      {
        ...facts(''),
        content: { exists: true, size: 3, content: bin, truncated: false },
      },
    );
    const put = p.steps[0];
    expect(put?.kind === 'put' && [...put.content]).toEqual([0xff, 0x62, 0x0a]);
  });
});

describe('replace on this machine', () => {
  it('replaces, then is idempotent', async () => {
    const d = tempDir();
    const path = join(d, 'ports $(x).conf');
    writeFileSync(path, 'Listen 80\n<VirtualHost *:80>\n');
    const args = { path, regexp: '\\b80\\b', replace: '8080', backup: true };
    const first = await runModule(replace, args);
    expect(first.result).toMatchObject({ changed: true, msg: '2 replacements made' });
    expect(first.result.backup_file).toBeTypeOf('string');
    expect(readFileSync(path, 'utf8')).toBe('Listen 8080\n<VirtualHost *:8080>\n');
    const second = await runModule(replace, args);
    expect(second.plan.steps).toEqual([]);
    expect(second.result.changed).toBe(false);
  });
});
