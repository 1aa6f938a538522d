// The Python building blocks: random.Random, repr/round of floats, % and str.format, literal_eval, str methods,
// regex translation. Expected values are what CPython 3.11 prints.
import { describe, expect, it } from 'vitest';
import { pyRound } from '../../../src/template/filters/core.js';
import { percentFormat, strFormat } from '../../../src/template/py/format.js';
import { literalEval } from '../../../src/template/py/literal.js';
import { PyRandom } from '../../../src/template/py/random.js';
import * as re from '../../../src/template/py/regex.js';
import { floatRepr, pyRepr } from '../../../src/template/py/repr.js';
import { pySplit, pyTitle, STR_METHODS } from '../../../src/template/py/str-methods.js';
import { tuple } from '../../../src/template/py/values.js';

describe('PyRandom is CPython random.Random', () => {
  it('seeds from strings and ints the same way', () => {
    expect(new PyRandom('web1').randrange(0, 59, 1)).toBe(52);
    expect(new PyRandom(12345).random()).toBe(0.41661987254534116);
    expect(new PyRandom('x').getrandbits(40)).toBe(346306596307);
    expect(new PyRandom('s').shuffle([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])).toEqual([3, 2, 1, 4, 8, 0, 6, 5, 9, 7]);
  });
});

describe('floats', () => {
  it.each([
    [1e16, '1e+16'],
    [123456789012345.0, '123456789012345.0'],
    [1.5e-7, '1.5e-07'],
    [-0, '-0.0'],
    [2.675, '2.675'],
    [Infinity, 'inf'],
  ])('repr(%s) = %s', (n, s) => {
    expect(floatRepr(n)).toBe(s);
  });

  it('round() is half-to-even on the binary value', () => {
    expect(pyRound(2.675, 2)).toBe(2.67);
    expect(pyRound(0.125, 2)).toBe(0.12);
    expect(pyRound(-2.5, 0)).toBe(-2);
    expect(pyRound(3.5, 0)).toBe(4);
  });
});

describe('formatting', () => {
  it('printf-style %', () => {
    expect(
      percentFormat(
        '%5.1f|%-6s|%+d|%x|%o|%e|%g|%g|%c|%%',
        tuple([3.14159, 'ab', 5, 255, 8, 12345.678, 0.0001, 1e20, 65]),
      ),
    ).toBe('  3.1|ab    |+5|ff|10|1.234568e+04|0.0001|1e+20|A|%');
    expect(() => percentFormat('%s %s', tuple(['a']))).toThrow('not enough arguments for format string');
  });

  it('str.format mini-language', () => {
    expect(
      strFormat(
        '{:08.3f}|{:^7}|{:*<5}|{:,}|{:+d}|{:x}|{:.2%}|{!r}',
        [3.14159, 'mid', 'l', 1234567, 5, 255, 0.256, 'q'],
        {},
      ),
    ).toBe("0003.142|  mid  |l****|1,234,567|+5|ff|25.60%|'q'");
    expect(strFormat('{1}{0}{name}{{}}', ['a', 'b'], { name: 'n' })).toBe('ban{}');
  });
});

describe('literal_eval', () => {
  it('parses Python and JSON literals', () => {
    expect(
      literalEval("{'a': [1, 2.5, None, True], 'b': (1,), 'c': 'x\\ty', 'd': -3, 'e': 0x1f}")?.value,
    ).toEqual({
      a: [1, 2.5, null, true],
      b: [1],
      c: 'x\ty',
      d: -3,
      e: 31,
    });
    expect(literalEval('{"a": [true, null, false]}')?.value).toEqual({ a: [true, null, false] });
    expect(literalEval("['a' 'b', u'c', r'\\d']")?.value).toEqual(['ab', 'c', '\\d']);
  });

  it('rejects anything that is not a literal', () => {
    for (const s of ['[1, x]', '{a: 1}', '[1] + [2]', '[1', "{'a': 1} extra", '[f(1)]'])
      expect(literalEval(s)).toBeUndefined();
  });
});

describe('str methods and repr', () => {
  it('split, rsplit, title, center like CPython', () => {
    expect(pySplit('  a  b ')).toEqual(['a', 'b']);
    expect(pySplit('a,b,,c', ',', 1)).toEqual(['a', 'b,,c']);
    expect(STR_METHODS.rsplit!('a b c', [null, 1], {})).toEqual(['a b', 'c']);
    expect(pyTitle('hello wORLD-x y_z')).toBe('Hello World-X Y_Z');
    expect(STR_METHODS.center!('ab', [7, '*'], {})).toBe('***ab**');
  });

  it('repr picks quotes and escapes like Python', () => {
    expect(pyRepr(["it's", 'say "hi"', 'both \' "', 'tab\there', 'é'])).toBe(
      `["it's", 'say "hi"', 'both \\' "', 'tab\\there', 'é']`,
    );
  });
});

describe('Python regular expressions', () => {
  it('translates named groups, \\A/\\Z, inline flags and $', () => {
    expect(re.search('(?P<y>\\d{4})-(?P=y)', 'x 2024-2024')?.groups?.y).toBe('2024');
    expect(re.search('\\Aab\\Z', 'ab')).not.toBeNull();
    expect(re.search('\\Zab', 'ab')).toBeNull();
    expect(re.search('(?i)HELLO', 'hello')).not.toBeNull();
    expect(re.search('end$', 'the end\n')).not.toBeNull();
    expect(re.search('end$', 'the end\nmore')).toBeNull();
    expect(re.match('b', 'ab')).toBeNull();
  });

  it('sub expands \\1, \\g<name> and escapes, and findall returns groups', () => {
    expect(re.sub('(\\w)=(?P<v>\\w)', '\\g<v>\\1\\n', 'a=1')).toBe('1a\n');
    expect(re.sub('x', '$1', 'x')).toBe('$1');
    expect(re.findall('(\\w)=(\\d)', 'a=1 b=2')).toEqual([
      ['a', '1'],
      ['b', '2'],
    ]);
  });
});
