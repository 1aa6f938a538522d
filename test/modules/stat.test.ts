// stat: the Ansible stat dictionary from real dash output, never changed.
import { chmodSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stat } from '../../modules/stat.js';
import { runModule, tempDir } from './_harness.js';

describe('stat', () => {
  it('describes a regular file', async () => {
    const d = tempDir();
    const p = join(d, 'a file');
    writeFileSync(p, 'hello\n');
    chmodSync(p, 0o2754);
    const { result, plan } = await runModule(stat, { path: p });
    expect(plan.steps).toEqual([]);
    expect(result.changed).toBe(false);
    const s = result.stat as Record<string, unknown>;
    expect(s).toMatchObject({
      exists: true,
      path: p,
      mode: '2754',
      isreg: true,
      isdir: false,
      islnk: false,
      size: 6,
      uid: 0,
      pw_name: 'root',
      gr_name: 'root',
      rusr: true,
      wusr: true,
      xusr: true,
      rgrp: true,
      wgrp: false,
      xgrp: true,
      roth: true,
      xoth: false,
      isgid: true,
      isuid: false,
      checksum: 'f572d396fae9206628714fb2ce00f72e94f2258f',
      readable: true,
    });
    expect(s.mtime).toBeTypeOf('number');
  });

  it('reports a link, follows it on request, and a missing path', async () => {
    const d = tempDir();
    writeFileSync(join(d, 't'), 'x');
    symlinkSync('t', join(d, 'l'));
    const l = (await runModule(stat, { path: join(d, 'l') })).result.stat as Record<string, unknown>;
    expect(l).toMatchObject({ islnk: true, isreg: false, lnk_target: 't', lnk_source: join(d, 't') });
    expect(l.checksum).toBeUndefined();
    const f = (await runModule(stat, { path: join(d, 'l'), follow: true, checksum_algorithm: 'md5' })).result
      .stat as Record<string, unknown>;
    expect(f).toMatchObject({ islnk: false, isreg: true, checksum: '9dd4e461268c8034f5c8564e155c67a6' });
    expect(f.lnk_target).toBeUndefined();
    expect((await runModule(stat, { path: join(d, 'nope') })).result.stat).toEqual({ exists: false });
  });

  it('skips the checksum when asked and reports directories', async () => {
    const d = tempDir();
    const s = (await runModule(stat, { path: d, get_checksum: false })).result.stat as Record<
      string,
      unknown
    >;
    expect(s).toMatchObject({ isdir: true, isreg: false });
    expect(s.checksum).toBeUndefined();
  });
});
