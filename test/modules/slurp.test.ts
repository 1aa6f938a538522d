// slurp: whole files through a base64 fact (binary-safe), never changed.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { slurp } from '../../modules/slurp.js';
import { parseFileSlurp } from '../../src/facts/file-slurp.js';
import { runModule, tempDir } from './_harness.js';

const BYTES = Buffer.from([0, 1, 2, 255, 10, 13, 0x27, 0x24]);

describe('slurp', () => {
  it('returns the bytes base64-encoded, never changed', async () => {
    const d = tempDir();
    const src = join(d, "bin 'file' $(x)");
    writeFileSync(src, BYTES);
    const r = await runModule(slurp, { path: src });
    expect(r.result).toMatchObject({ changed: false, encoding: 'base64', source: src });
    expect(Buffer.from(String(r.result.content), 'base64')).toEqual(BYTES);
    const empty = join(d, 'empty');
    writeFileSync(empty, '');
    expect((await runModule(slurp, { src: empty })).result.content).toBe('');
  });

  it('fails like Ansible', async () => {
    const d = tempDir();
    expect((await runModule(slurp, { src: join(d, 'no') })).result.msg).toBe(
      `file not found: ${join(d, 'no')}`,
    );
    expect((await runModule(slurp, { src: d })).result.msg).toBe(
      `source is a directory and must be a file: ${d}`,
    );
  });
});

describe('fileSlurp', () => {
  it('parses the fact output', () => {
    expect(parseFileSlurp(`sha1=${'a'.repeat(40)}\n`)).toEqual({ state: 'ok', sha1: 'a'.repeat(40) });
    expect(parseFileSlurp(`sha1=${'a'.repeat(40)}\ndata=\n`).content).toEqual(Buffer.alloc(0));
    expect(parseFileSlurp('dir\n')).toEqual({ state: 'dir' });
  });
});
