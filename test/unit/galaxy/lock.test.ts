// requirements.lock: path, round trip, quoting of versions, stable output and malformed files.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  formatLock,
  lockPathFor,
  parseLock,
  readLock,
  writeLock,
  type LockEntry,
} from '../../../src/galaxy/lock.js';

const entries: LockEntry[] = [
  {
    name: 'web',
    src: 'https://h/org/web.git',
    version: '1.10',
    commit: '0123456789012345678901234567890123456789',
    contentHash: 'sha256:' + 'a'.repeat(64),
  },
  {
    name: 'dep',
    src: 'git@h:org/dep.git',
    version: '',
    commit: 'e1234567890abcdef1234567890abcdef1234567',
    contentHash: 'sha256:' + 'b'.repeat(64),
    dependencyOf: 'web',
  },
];

describe('lock file', () => {
  it('sits next to the requirements file', () => {
    expect(lockPathFor('/p/requirements.yml')).toBe('/p/requirements.lock');
    expect(lockPathFor('/p/roles.yaml')).toBe('/p/roles.lock');
    expect(lockPathFor('reqs.yml')).toBe('reqs.lock');
  });

  it('round-trips, sorted by name, with YAML 1.1-sensitive strings quoted', () => {
    const text = formatLock(entries);
    expect(text.indexOf('name: dep')).toBeLessThan(text.indexOf('name: web'));
    expect(text).toContain("version: '1.10'");
    expect(text).toContain("commit: '0123456789012345678901234567890123456789'");
    expect(text).toContain("version: ''");
    expect(text).toContain('dependency_of: web');
    const back = parseLock(text, 'x.lock');
    expect(back).toEqual([entries[1], entries[0]]);
    expect(formatLock(back)).toBe(text);
  });

  it('writes only when the content changes', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'lock-')), 'requirements.lock');
    expect(readLock(path)).toBeUndefined();
    expect(writeLock(path, entries)).toBe(true);
    expect(writeLock(path, [...entries].reverse())).toBe(false);
    expect(readLock(path)).toHaveLength(2);
    expect(readFileSync(path, 'utf8')).toMatch(/^# Written by tsible-galaxy/);
  });

  it('rejects malformed entries with their position', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'lock-')), 'requirements.lock');
    writeFileSync(path, 'lock_version: 1\nroles:\n  - name: web\n    src: x\n');
    expect(() => readLock(path)).toThrow(/missing 'commit'/);
    writeFileSync(path, 'roles: nope\n');
    expect(() => readLock(path)).toThrow(/must be a list/);
    writeFileSync(path, '');
    expect(readLock(path)).toEqual([]);
  });
});
