// Content hash: stable across creation order and umask, sensitive to bytes, names, exec bits and symlinks.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeDiff, diffManifests, digestTree } from '../../../src/galaxy/content-hash.js';

function makeRole(order: 'forward' | 'backward', mode = 0o644): string {
  const dir = mkdtempSync(join(tmpdir(), 'hash-'));
  const files: [string, string][] = [
    ['tasks/main.yml', '- debug: msg=hi\n'],
    ['meta/main.yml', 'dependencies: []\n'],
    ['files/a b.txt', 'spaces\n'],
    ['templates/x.j2', '{{ x }}\n'],
  ];
  for (const [rel, text] of order === 'forward' ? files : [...files].reverse()) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
    chmodSync(join(dir, rel), mode);
  }
  return dir;
}

describe('digestTree', () => {
  it('is the same for the same files written in another order or with another umask', () => {
    const a = digestTree(makeRole('forward'));
    const b = digestTree(makeRole('backward', 0o600));
    expect(a.contentHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(b.contentHash).toBe(a.contentHash);
    expect(Object.keys(a.files)).toEqual([
      'files/a b.txt',
      'meta/main.yml',
      'tasks/main.yml',
      'templates/x.j2',
    ]);
  });

  it('is a known value (the definition must not drift: locks in the wild depend on it)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hash-'));
    mkdirSync(join(dir, 'tasks'));
    writeFileSync(join(dir, 'tasks/main.yml'), 'x\n');
    const d = digestTree(dir);
    // sha256("x\n"), then sha256("100644 <that> tasks/main.yml\0").
    expect(d.files).toEqual({
      'tasks/main.yml': '100644 73cb3858a687a8494ca3323053016282f3dad39d42cf62ca4e79dda2aac7d9ac',
    });
    expect(d.contentHash).toBe('sha256:af46ccf00f16bf001b390012d9323bcc4d978de121ad805e6aa3df39259885ca');
  });

  it('excludes the install metadata files, and changes with content, names, exec bit and symlinks', () => {
    const dir = makeRole('forward');
    const base = digestTree(dir).contentHash;
    writeFileSync(join(dir, '.tsible_install.json'), '{}');
    writeFileSync(join(dir, 'meta/.galaxy_install_info'), 'version: x\n');
    expect(digestTree(dir).contentHash).toBe(base);

    writeFileSync(join(dir, 'tasks/main.yml'), '- debug: msg=changed\n');
    const changed = digestTree(dir).contentHash;
    expect(changed).not.toBe(base);
    writeFileSync(join(dir, 'tasks/main.yml'), '- debug: msg=hi\n');
    expect(digestTree(dir).contentHash).toBe(base);

    chmodSync(join(dir, 'files/a b.txt'), 0o755);
    expect(digestTree(dir).contentHash).not.toBe(base);
    chmodSync(join(dir, 'files/a b.txt'), 0o644);

    symlinkSync('a b.txt', join(dir, 'files/link'));
    const linked = digestTree(dir);
    expect(linked.files['files/link']).toMatch(/^120000 /);
    expect(linked.contentHash).not.toBe(base);
    rmSync(join(dir, 'files/link'));

    mkdirSync(join(dir, 'empty'));
    expect(digestTree(dir).contentHash).toBe(base);
  });
});

describe('diffManifests', () => {
  it('names modified, added and removed files', () => {
    const d = diffManifests({ a: '1', b: '2', c: '3' }, { a: '1', b: 'X', d: '4' });
    expect(d).toEqual({ modified: ['b'], added: ['d'], removed: ['c'] });
    expect(describeDiff(d)).toBe('modified: b; added: d; removed: c');
    expect(describeDiff({ modified: ['1', '2', '3'], added: [], removed: [] }, 2)).toBe(
      'modified: 1, 2 (+1 more)',
    );
  });
});
