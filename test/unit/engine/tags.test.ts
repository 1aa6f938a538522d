// --tags / --skip-tags with the special tags, as ansible-core 2.14 selects tasks.
import { describe, expect, it } from 'vitest';
import { tagsAllow } from '../../../src/engine/tags.js';

describe('tagsAllow', () => {
  it('runs everything but never by default', () => {
    expect(tagsAllow([], [], [])).toBe(true);
    expect(tagsAllow(['x'], [], [])).toBe(true);
    expect(tagsAllow(['never', 'debug'], [], [])).toBe(false);
  });
  it('--tags selects, plus always; never only by another of its tags', () => {
    expect(tagsAllow(['install'], ['install'], [])).toBe(true);
    expect(tagsAllow([], ['install'], [])).toBe(false);
    expect(tagsAllow(['always'], ['install'], [])).toBe(true);
    expect(tagsAllow(['never', 'debug'], ['debug'], [])).toBe(true);
    expect(tagsAllow(['never'], ['all'], [])).toBe(false);
  });
  it('tagged, untagged and all', () => {
    expect(tagsAllow(['a'], ['tagged'], [])).toBe(true);
    expect(tagsAllow([], ['tagged'], [])).toBe(false);
    expect(tagsAllow([], ['untagged'], [])).toBe(true);
    expect(tagsAllow(['a'], ['untagged'], [])).toBe(false);
    expect(tagsAllow(['a'], ['all'], [])).toBe(true);
  });
  it('--skip-tags removes, always too when named', () => {
    expect(tagsAllow(['install'], [], ['install'])).toBe(false);
    expect(tagsAllow(['always'], [], ['install'])).toBe(true);
    expect(tagsAllow(['always'], [], ['always'])).toBe(false);
  });
});
