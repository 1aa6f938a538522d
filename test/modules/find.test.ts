// find: real local searches (the listing fact and grep -P under /bin/sh) and the filter rules of Ansible's find.
import { mkdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { find, nameFilter } from '../../modules/find.js';
import { makeCtx, runModule, tempDir } from './_harness.js';

function tree(): string {
  const d = tempDir('tsible-find-');
  mkdirSync(join(d, 'sub', 'deep'), { recursive: true });
  mkdirSync(join(d, '.hid'));
  writeFileSync(join(d, 'a.log'), 'ERROR one\nok\n');
  writeFileSync(join(d, 'b.txt'), 'x'.repeat(2048));
  writeFileSync(join(d, '.hidden.log'), 'h');
  writeFileSync(join(d, "sp ace's $(x).log"), 'level=ERROR\n');
  writeFileSync(join(d, 'sub', 'c.log'), 'ERROR two\n');
  writeFileSync(join(d, 'sub', 'deep', 'd.log'), 'nothing\n');
  writeFileSync(join(d, '.hid', 'in-hidden.log'), 'x');
  symlinkSync('a.log', join(d, 'link.log'));
  const old = Date.now() / 1000 - 10 * 86400;
  utimesSync(join(d, 'a.log'), old, old);
  return d;
}

const names = (files: unknown) => (files as { path: string }[]).map((f) => f.path).sort();

describe('find', () => {
  it.each([
    ['default: files, one level, no hidden', {}, ['a.log', 'b.txt', "sp ace's $(x).log"]],
    ['patterns (comma list)', { patterns: '*.txt,a.*' }, ['a.log', 'b.txt']],
    ['excludes', { patterns: '*.log', excludes: 'sp*' }, ['a.log']],
    ['regex patterns use re.match', { patterns: ['[ab]\\.'], use_regex: true }, ['a.log', 'b.txt']],
    ['hidden', { patterns: '*.log', hidden: true }, ['.hidden.log', 'a.log', "sp ace's $(x).log"]],
    [
      'recurse (inside hidden dirs too)',
      { patterns: '*.log', recurse: true },
      ['.hid/in-hidden.log', 'a.log', "sp ace's $(x).log", 'sub/c.log', 'sub/deep/d.log'],
    ],
    [
      'depth',
      { patterns: '*.log', recurse: true, depth: 2 },
      ['.hid/in-hidden.log', 'a.log', "sp ace's $(x).log", 'sub/c.log'],
    ],
    ['directories', { file_type: 'directory', recurse: true }, ['sub', 'sub/deep']],
    ['links', { file_type: 'link' }, ['link.log']],
    ['any', { file_type: 'any', patterns: 's*' }, ["sp ace's $(x).log", 'sub']],
    ['size', { size: '1k' }, ['b.txt']],
    ['negative size', { size: '-20' }, ['a.log', "sp ace's $(x).log"]],
    ['age', { age: '1w' }, ['a.log']],
    ['negative age', { age: '-1d' }, ['b.txt', "sp ace's $(x).log"]],
    ['contains matches at the line start', { contains: 'ERROR', recurse: true }, ['a.log', 'sub/c.log']],
    [
      'contains with read_whole_file searches anywhere',
      { contains: 'level=ERROR$', read_whole_file: true },
      ["sp ace's $(x).log"],
    ],
  ])('%s', async (_n, args, expected) => {
    const d = tree();
    const r = await runModule(find, { paths: d, ...args });
    expect(r.result.changed).toBe(false);
    expect(names(r.result.files)).toEqual(expected.map((n) => join(d, n)).sort());
    expect(r.result.matched).toBe(expected.length);
  });

  it('returns Ansible stat dicts, checksums, and skips what is not a directory', async () => {
    const d = tree();
    const warnings: string[] = [];
    const r = await runModule(
      find,
      { paths: [d, join(d, 'a.log')], patterns: 'b.txt', get_checksum: true },
      makeCtx({ warn: (m) => warnings.push(m) }),
    );
    const f = (r.result.files as Record<string, unknown>[])[0]!;
    expect(f).toMatchObject({
      path: join(d, 'b.txt'),
      isreg: true,
      islnk: false,
      size: 2048,
      pw_name: 'root',
      mode: '0644',
      rusr: true,
      xusr: false,
    });
    expect(f.checksum).toMatch(/^[0-9a-f]{40}$/);
    expect(r.result.msg).toBe('Not all paths examined, check warnings for details');
    expect(r.result.skipped_paths).toEqual({
      [join(d, 'a.log')]:
        `${join(d, 'a.log')} was skipped as it does not seem to be a valid directory or it cannot be accessed\n`,
    });
    expect(warnings).toHaveLength(1);
    expect(r.result.examined).toBe(7);
  });

  it('rejects bad age and size', async () => {
    expect((await runModule(find, { paths: '/tmp', age: '3x' })).result.msg).toBe('failed to process age');
    expect((await runModule(find, { paths: '/tmp', size: 'big' })).result.msg).toBe('failed to process size');
  });

  it('nameFilter follows fnmatch', () => {
    const f = nameFilter(['*.c', '[!x]?.h'], ['skip*'], false);
    expect(['a.c', 'ab.h', 'xb.h', 'skip.c', 'a.cc'].filter(f)).toEqual(['a.c', 'ab.h']);
  });
});
