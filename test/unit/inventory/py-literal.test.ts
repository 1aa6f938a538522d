// Python literal evaluation (ast.literal_eval semantics) used to type INI values; expectations from Python 3.11.
import { describe, expect, it } from 'vitest';
import { literalEval, pythonValue } from '../../../src/inventory/py-literal.js';

const FAIL = Symbol('not a literal');

const cases: [string, unknown][] = [
  // integers
  ['42', 42],
  ['0', 0],
  ['00', 0],
  ['0_0', 0],
  ['1_000', 1000],
  ['0x1F', 31],
  ['0X1f', 31],
  ['0x_1f', 31],
  ['0o17', 15],
  ['0O17', 15],
  ['0b11', 3],
  ['0B11', 3],
  ['-5', -5],
  ['+5', 5],
  ['- 5', -5],
  ['-0x10', -16],
  ['-(5)', -5],
  [' 3', 3],
  ['\t3', 3],
  ['3\t', 3],
  ['2 # c2', 2],
  // integers Python rejects
  ['01', FAIL],
  ['0777', FAIL],
  ['1__0', FAIL],
  ['1_', FAIL],
  ['0x', FAIL],
  ['0xg', FAIL],
  ['0b2', FAIL],
  ['0x1f_', FAIL],
  ['--5', FAIL],
  ['+-5', FAIL],
  ['-(-5)', FAIL],
  ['-True', FAIL],
  ['1+2', FAIL],
  ['1 2', FAIL],
  // floats
  ['1.5', 1.5],
  ['1e3', 1000],
  ['1E-3', 0.001],
  ['1e+3', 1000],
  ['1.', 1],
  ['.5', 0.5],
  ['1.e5', 100000],
  ['01.5', 1.5],
  ['01e3', 1000],
  ['1_0.5', 10.5],
  ['1e', FAIL],
  ['1.5.3', FAIL],
  ['inf', FAIL],
  ['nan', FAIL],
  ['1j', FAIL],
  ['1+2j', FAIL],
  // constants
  ['True', true],
  ['False', false],
  ['None', null],
  ['true', FAIL],
  ['yes', FAIL],
  ['...', FAIL],
  // strings
  ["'42'", '42'],
  ['"42"', '42'],
  ['"x y"', 'x y'],
  ["'a' 'b'", 'ab'],
  ['"a" "b"', 'ab'],
  ["'it''s'", 'its'],
  ["u'x'", 'x'],
  ["b'xy'", 'xy'],
  ["r'\\d'", '\\d'],
  ["'\\x41'", 'A'],
  ["'\\101'", 'A'],
  ["'\\u00e9'", 'é'],
  ["'\\U0001F600'", '😀'],
  ["'\\q'", '\\q'],
  ["'\\t'", '\t'],
  ["'a\\nb'", 'a\nb'],
  ['"\\""', '"'],
  ["'#'", '#'],
  ['"a # b"', 'a # b'],
  ['"""triple"""', 'triple'],
  ["'''a'b'''", "a'b"],
  ["'\\x4'", FAIL],
  ["'unterminated", FAIL],
  ["'a' b'b'", FAIL],
  ["f'x'", FAIL],
  // containers
  ['[1,2]', [1, 2]],
  ['[]', []],
  ['[1,]', [1]],
  ['[,]', FAIL],
  ['[1 2]', FAIL],
  ['[1, 2', FAIL],
  ['(1,)', [1]],
  ['()', []],
  ['(1)', 1],
  ['1,2', [1, 2]],
  ['1,', [1]],
  ['(1, 2, 3)', [1, 2, 3]],
  ['[-1, +2]', [-1, 2]],
  ["{'a':1}", { a: 1 }],
  ["{'a':1,}", { a: 1 }],
  ['{}', {}],
  ['{1:2}', { '1': 2 }],
  ['{(1,2):3}', { '(1, 2)': 3 }],
  ["{'a': {'b': [True, False]}}", { a: { b: [true, false] } }],
  ["[1, [2, (3, {'k': None})]]", [1, [2, [3, { k: null }]]]],
  ['{1,2}', [1, 2]],
  ['{1,1,2}', [1, 2]],
  ['set()', []],
  ['set( )', []],
  ["{'a':1,,}", FAIL],
  ["{'a':1 'b':2}", FAIL],
  ['{1:2 3:4}', FAIL],
  ['{[1]:2}', FAIL],
  // not literals at all
  ['', FAIL],
  ['   ', FAIL],
  ['x', FAIL],
  ['hello # comment', FAIL],
  ['1 if 1 else 2', FAIL],
  ["'a'.upper()", FAIL],
  ['[1][0]', FAIL],
  ['.', FAIL],
  ['-', FAIL],
];

describe('literalEval', () => {
  it.each(cases)('%j', (text, expected) => {
    const r = literalEval(text);
    if (expected === FAIL) expect(r.ok).toBe(false);
    else expect(r).toEqual({ ok: true, value: expected });
  });

  it('never sets an object prototype from a "__proto__" key', () => {
    const r = literalEval("{'__proto__': {'polluted': 1}}");
    expect(r.ok).toBe(true);
    const v = (r as { value: Record<string, unknown> }).value;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('normalises -0 to 0 for ints, like Python', () => {
    expect(Object.is(pythonValue('-0'), 0)).toBe(true);
  });
});

describe('pythonValue', () => {
  it('returns the raw text when it is not a literal', () => {
    expect(pythonValue('yes')).toBe('yes');
    expect(pythonValue('[1, 2')).toBe('[1, 2');
    expect(pythonValue('01')).toBe('01');
  });

  it('returns the value when it is a literal', () => {
    expect(pythonValue('0x1F')).toBe(31);
    expect(pythonValue("'42'")).toBe('42');
  });
});
