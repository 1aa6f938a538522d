// shlex.split(line, comments=True) as the INI parser uses it; expectations from Python 3.11.
import { describe, expect, it } from 'vitest';
import { shlexSplit, ShlexError } from '../../../src/inventory/shlex.js';

describe('shlexSplit', () => {
  const cases: [string, string[]][] = [
    ['h a=1 b=2', ['h', 'a=1', 'b=2']],
    ['  h   a=1  ', ['h', 'a=1']],
    ['h x="a b" y=\'c d\'', ['h', 'x=a b', 'y=c d']],
    ['h x="\'42\'"', ['h', "x='42'"]],
    ['h a#b c', ['h', 'a']],
    ['h # comment', ['h']],
    ['h x="a#b" y=c#d', ['h', 'x=a#b', 'y=c']],
    ['h x=a\\ b', ['h', 'x=a b']],
    ['h x="a\\nb"', ['h', 'x=a\\nb']],
    ['h x="q\\"q" y="b\\\\s"', ['h', 'x=q"q', 'y=b\\s']],
    ["h x='a\\nb'", ['h', 'x=a\\nb']],
    ["h x=''", ['h', 'x=']],
    ["h '' y", ['h', '', 'y']],
    ['h x="a"b\'c\'', ['h', 'x=abc']],
  ];
  it.each(cases)('%j', (line, words) => {
    expect(shlexSplit(line)).toEqual(words);
  });

  it.each([
    ['h x="a', 'No closing quotation'],
    ["h x='a", 'No closing quotation'],
    ['h x=\\', 'No escaped character'],
    ['h x="a\\', 'No escaped character'],
  ])('%j fails with %s', (line, message) => {
    expect(() => shlexSplit(line)).toThrow(ShlexError);
    expect(() => shlexSplit(line)).toThrow(message);
  });
});
