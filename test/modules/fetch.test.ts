// fetch: destination rules, one transfer then ok (checksums compared on the host), failures like Ansible.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fetch, fetchDest } from '../../modules/fetch.js';
import { makeCtx, planWith, runModule, tempDir } from './_harness.js';

const BYTES = Buffer.from([0, 1, 2, 255, 10, 13, 0x27, 0x24]);
const sha1 = (b: Buffer) => createHash('sha1').update(b).digest('hex');

describe('fetch', () => {
  it('computes dest like Ansible', () => {
    const ctx = makeCtx({ host: 'web1', vars: { playbook_dir: '/play' } });
    expect(fetchDest({ src: '/etc/motd', dest: 'out', flat: false }, ctx)).toBe('/play/out/web1/etc/motd');
    expect(fetchDest({ src: 'rel/f', dest: '/abs/', flat: false }, ctx)).toBe('/abs/web1/rel/f');
    expect(fetchDest({ src: '/etc/motd', dest: '/abs/', flat: true }, ctx)).toBe('/abs/motd');
    expect(fetchDest({ src: '/etc/motd', dest: 'x.txt', flat: true }, ctx)).toBe('/play/x.txt');
    const d = tempDir();
    expect(fetchDest({ src: '/etc/motd', dest: d, flat: true }, ctx)).toMatch(
      /^ERROR:dest is an existing directory/,
    );
  });

  it('transfers binary content once, then is ok', async () => {
    const d = tempDir();
    const src = join(d, 'remote bin');
    writeFileSync(src, BYTES);
    const out = tempDir('tsible-fetch-');
    const ctx = makeCtx({ host: 'h1' });
    // The harness does not apply local_put steps: plan in check mode and write the file here.
    const f1 = await runModuleFacts(src, out, ctx);
    expect(f1.plan.changed).toBe(true);
    const step = f1.plan.steps[0]!;
    expect(step).toMatchObject({ kind: 'local_put', dest: join(out, 'h1', src) });
    if (step.kind !== 'local_put') throw new Error('no local_put');
    expect(step.content).toEqual(BYTES);
    expect(f1.plan.result).toMatchObject({
      checksum: sha1(BYTES),
      remote_checksum: sha1(BYTES),
      remote_md5sum: null,
    });
    mkdirSync(join(out, 'h1', d), { recursive: true });
    writeFileSync(step.dest, step.content);
    const f2 = await runModuleFacts(src, out, ctx);
    expect(f2.plan).toMatchObject({
      changed: false,
      steps: [],
      result: { file: src, checksum: sha1(BYTES) },
    });
  });

  it('fails or ignores a missing file, refuses directories, validates checksums', async () => {
    const d = tempDir();
    const ctx = makeCtx();
    const miss = await runModule(fetch, { src: join(d, 'no'), dest: '/tmp/x' }, ctx);
    expect(miss.result).toMatchObject({ failed: true, msg: 'the remote file does not exist' });
    const ign = await runModule(fetch, { src: join(d, 'no'), dest: '/tmp/x', fail_on_missing: false }, ctx);
    expect(ign.result).toMatchObject({
      changed: false,
      msg: 'the remote file does not exist, not transferring, ignored',
    });
    const dir = await runModule(fetch, { src: d, dest: '/tmp/x' }, ctx);
    expect(dir.result.msg).toBe('remote file is a directory, fetch cannot work on directories');
    const bad = await planWith(
      fetch,
      { src: '/f', dest: '/tmp/x' },
      { file: { state: 'ok', sha1: '0'.repeat(40), content: BYTES } },
    );
    expect(bad.result).toMatchObject({ msg: 'checksum mismatch' });
    expect(bad.failed).toBe(true);
  });
});

/** Facts and plan of fetch on this machine, without applying. */
async function runModuleFacts(src: string, dest: string, ctx = makeCtx()) {
  return runModule(fetch, { src, dest }, { ...ctx, check: true });
}
