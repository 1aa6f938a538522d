// serial batches, host order and the max_fail_percentage rule (ansible-core 2.14 semantics).
import { describe, expect, it } from 'vitest';
import { batchSize, orderHosts, overFailLimit, serialBatches } from '../../../src/engine/batches.js';

const H = ['a', 'b', 'c', 'd', 'e'];

describe('serialBatches', () => {
  it('no serial: one batch of every host', () => {
    expect(serialBatches(H, undefined)).toEqual([H]);
    expect(serialBatches([], undefined)).toEqual([]);
  });
  it('an int, a percentage (rounded down, at least 1) and a list whose last value repeats', () => {
    expect(serialBatches(H, 2)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(serialBatches(H, '40%')).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(serialBatches(H, '10%')).toEqual([['a'], ['b'], ['c'], ['d'], ['e']]);
    expect(serialBatches(H, [1, '50%', 5])).toEqual([['a'], ['b', 'c'], ['d', 'e']]);
    expect(serialBatches(H, [1, 2])).toEqual([['a'], ['b', 'c'], ['d', 'e']]);
  });
  it('0 means all hosts', () => {
    expect(batchSize(0, 5)).toBe(5);
    expect(() => batchSize('x', 5)).toThrow(/invalid serial/);
  });
});

describe('orderHosts', () => {
  it('knows every order of ansible-core 2.14', () => {
    const hosts = ['b', 'c', 'a'];
    expect(orderHosts(hosts, undefined)).toEqual(['b', 'c', 'a']);
    expect(orderHosts(hosts, 'reverse_inventory')).toEqual(['a', 'c', 'b']);
    expect(orderHosts(hosts, 'sorted')).toEqual(['a', 'b', 'c']);
    expect(orderHosts(hosts, 'reverse_sorted')).toEqual(['c', 'b', 'a']);
    expect(orderHosts(hosts, 'shuffle', () => 0).sort()).toEqual(['a', 'b', 'c']);
    expect(() => orderHosts(hosts, 'random')).toThrow(/not a valid value for 'order'/);
  });
});

describe('overFailLimit', () => {
  it('is strictly greater than the percentage', () => {
    expect(overFailLimit(1, 3, 0)).toBe(true);
    expect(overFailLimit(1, 2, 50)).toBe(false);
    expect(overFailLimit(2, 3, 50)).toBe(true);
    expect(overFailLimit(0, 0, 0)).toBe(false);
  });
});
