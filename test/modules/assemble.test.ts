// assemble: fragment order, delimiters and newlines as Ansible joins them; host and controller sources.
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemble, assembleFragments } from '../../modules/assemble.js';
import { compilePy } from '../../modules/_shared/files-pyre.js';
import { makeCtx, runModule, tempDir } from './_harness.js';

const frag = (name: string, text: string) => ({ name, content: Buffer.from(text) });

describe('assembleFragments', () => {
  it.each([
    ['sorted, newline added after a fragment lacking one', [frag('b', 'B\n'), frag('a', 'A')], {}, 'A\nB\n'],
    [
      'delimiter between fragments only, with a newline',
      [frag('1', 'x\n'), frag('2', 'y\n')],
      { delimiter: '# --' },
      'x\n# --\ny\n',
    ],
    ['escaped delimiter', [frag('1', 'x'), frag('2', 'y')], { delimiter: '\\n;\\n' }, 'x\n\n;\ny'],
    [
      'regexp (search) on names',
      [frag('10-a.conf', 'a\n'), frag('README', 'r\n')],
      { regexp: compilePy('\\.conf$') },
      'a\n',
    ],
    ['ignore_hidden', [frag('.x', 'h\n'), frag('y', 'y\n')], { ignoreHidden: true }, 'y\n'],
  ])('%s', (_n, frags, o, out) => {
    expect(assembleFragments(frags, { ignoreHidden: false, ...o }).toString()).toBe(out);
  });
});

describe('assemble on this machine', () => {
  it('assembles host fragments (odd names, links followed), then is idempotent', async () => {
    const d = tempDir();
    const src = join(d, 'frag ments');
    mkdirSync(join(src, 'subdir'), { recursive: true });
    writeFileSync(join(src, "01 'one'"), 'one\n');
    writeFileSync(join(src, '02\nnewline'), Buffer.from([0, 1, 10]));
    writeFileSync(join(src, '.hidden'), 'hidden\n');
    writeFileSync(join(d, 'outside'), 'linked\n');
    symlinkSync(join(d, 'outside'), join(src, '03-link'));
    const dest = join(d, 'out.conf');
    const args = { src, dest, mode: '0600' };
    const first = await runModule(assemble, args, makeCtx({ diff: true }));
    expect(first.result).toMatchObject({ changed: true, msg: 'OK', dest, mode: '0600' });
    expect(readFileSync(dest)).toEqual(
      Buffer.concat([Buffer.from('hidden\none\n'), Buffer.from([0, 1, 10]), Buffer.from('linked\n')]),
    );
    const second = await runModule(assemble, args);
    expect(second.plan.steps).toEqual([]);
    expect(second.result.changed).toBe(false);
  });

  it('reads a controller directory with remote_src=false, fails for a missing source', async () => {
    const local = tempDir('tsible-frag-');
    writeFileSync(join(local, 'a'), 'A\n');
    const d = tempDir();
    const r = await runModule(assemble, { src: local, dest: join(d, 'x'), remote_src: false });
    expect(readFileSync(join(d, 'x'), 'utf8')).toBe('A\n');
    expect(r.result.changed).toBe(true);
    const miss = await runModule(assemble, { src: join(d, 'nope'), dest: join(d, 'y') });
    expect(miss.result.msg).toBe(`Source (${join(d, 'nope')}) does not exist`);
  });
});
