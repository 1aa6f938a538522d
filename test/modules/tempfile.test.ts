// tempfile: a new name every run (always changed), path details in the result, skipped in check mode.
import { existsSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tempfile } from '../../modules/tempfile.js';
import { makeCtx, runModule, tempDir } from './_harness.js';

describe('tempfile', () => {
  it('creates files and directories with prefix and suffix under path', async () => {
    const d = tempDir();
    const f = await runModule(tempfile, { path: d, prefix: "my 'pre", suffix: '.txt' });
    expect(f.result).toMatchObject({ changed: true, state: 'file', mode: '0600', owner: 'root' });
    const path = String(f.result.path);
    expect(path.startsWith(`${d}/my 'pre`)).toBe(true);
    expect(path.endsWith('.txt')).toBe(true);
    expect(statSync(path).isFile()).toBe(true);
    const g = await runModule(tempfile, { path: d, prefix: "my 'pre", suffix: '.txt' });
    expect(g.result.path).not.toBe(path);
    const dir = await runModule(tempfile, { state: 'directory' });
    expect(dir.result).toMatchObject({ state: 'directory', mode: '0700' });
    expect(String(dir.result.path)).toMatch(/^\/tmp\/ansible\.[A-Za-z0-9]{8}$/);
  });

  it('is skipped in check mode, like Ansible', async () => {
    const r = await runModule(tempfile, {}, makeCtx({ check: true }));
    expect(r.result).toMatchObject({
      skipped: true,
      msg: 'remote module (tempfile) does not support check mode',
    });
    expect(existsSync(String(r.result.path))).toBe(false);
  });
});
