// copy remote_src with a directory source (issue 4's copy extras): trees copied on the host, then idempotent.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copy } from '../../modules/copy.js';
import { runModule, tempDir } from './_harness.js';

const modeOf = (p: string) => (statSync(p).mode & 0o7777).toString(8).padStart(4, '0');

function remoteTree(): string {
  const d = tempDir('tsible-rsrc-');
  const src = join(d, 'site');
  mkdirSync(join(src, 'css', 'deep'), { recursive: true });
  writeFileSync(join(src, 'index.html'), '<h1>hi</h1>');
  writeFileSync(join(src, "css/it's $(touch pwned).css"), 'body{}', { mode: 0o640 });
  writeFileSync(join(src, 'css/deep/bin'), Buffer.from([0, 255, 10]));
  return src;
}

describe('copy remote_src directories', () => {
  it('without a trailing slash copies the directory itself, keeping file modes, then is ok', async () => {
    const src = remoteTree();
    const d = tempDir();
    const args = { src, dest: join(d, 'www'), remote_src: true, directory_mode: '0750' };
    const first = await runModule(copy, args);
    expect(first.result).toMatchObject({ changed: true, dest: join(d, 'www') });
    expect(readFileSync(join(d, "www/site/css/it's $(touch pwned).css"), 'utf8')).toBe('body{}');
    expect(readFileSync(join(d, 'www/site/css/deep/bin'))).toEqual(Buffer.from([0, 255, 10]));
    expect(modeOf(join(d, 'www/site/css/deep'))).toBe('0750');
    expect(existsSync(join(d, 'www/site/css/pwned'))).toBe(false);
    const second = await runModule(copy, args);
    expect(second.plan.steps).toEqual([]);
    expect(second.result.changed).toBe(false);
  });

  it('with a trailing slash copies the contents, and only what changed', async () => {
    const src = remoteTree();
    const d = tempDir();
    await runModule(copy, { src: `${src}/`, dest: d, remote_src: true, mode: '0600' });
    expect(readdirSync(d).sort()).toEqual(['css', 'index.html']);
    expect(modeOf(join(d, 'index.html'))).toBe('0600');
    writeFileSync(join(src, 'index.html'), '<h1>v2</h1>');
    const again = await runModule(copy, { src: `${src}/`, dest: d, remote_src: true, mode: '0600' });
    expect(again.plan.steps).toHaveLength(1);
    expect(readFileSync(join(d, 'index.html'), 'utf8')).toBe('<h1>v2</h1>');
    expect(readdirSync(d).filter((n) => n.includes('tsible'))).toEqual([]);
  });
});
