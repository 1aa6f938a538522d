// Loop variables per item, item result keys and with_<lookup> calls.
import { describe, expect, it } from 'vitest';
import { flattenOnce, itemResultKeys, itemVars, lookupCall } from '../../../src/engine/loop.js';
import type { LoopSpec } from '../../../src/playbook/model.js';

describe('itemVars', () => {
  it('sets the loop var, the index var and ansible_loop like ansible-core 2.14', () => {
    const loop: LoopSpec = { items: [], control: { loop_var: 'x', index_var: 'i', extended: true } };
    const v = itemVars(loop, ['a', 'b', 'c'], 0);
    expect(v).toMatchObject({ x: 'a', i: 0, ansible_loop_var: 'x', ansible_index_var: 'i' });
    expect(v.ansible_loop).toEqual({
      index: 1,
      index0: 0,
      first: true,
      last: false,
      length: 3,
      revindex: 3,
      revindex0: 2,
      allitems: ['a', 'b', 'c'],
      nextitem: 'b',
    });
    const last = itemVars(loop, ['a', 'b', 'c'], 2).ansible_loop as Record<string, unknown>;
    expect(last.previtem).toBe('b');
    expect('nextitem' in last).toBe(false);
  });
  it('leaves allitems out with extended_allitems: false, and ansible_loop out without extended', () => {
    const loop: LoopSpec = { items: [], control: { extended: true, extended_allitems: false } };
    expect('allitems' in (itemVars(loop, [1], 0).ansible_loop as object)).toBe(false);
    expect(itemVars({ items: [], control: {} }, [1], 0)).toEqual({ item: 1, ansible_loop_var: 'item' });
  });
  it('puts the loop var under its own name in the item result', () => {
    const loop: LoopSpec = { items: [], control: { loop_var: 'person', index_var: 'idx' } };
    expect(itemResultKeys(loop, itemVars(loop, ['ann'], 0))).toEqual({
      person: 'ann',
      ansible_loop_var: 'person',
      idx: 0,
      ansible_index_var: 'idx',
    });
  });
});

describe('with_<lookup>', () => {
  it('with_items flattens one level', () => {
    expect(flattenOnce([[1, 2], [3], 4])).toEqual([1, 2, 3, 4]);
    expect(flattenOnce('a')).toEqual(['a']);
  });
  it('gives the lookup one term per list element', () => {
    expect(lookupCall('nested', [['a'], [1]])).toEqual({
      expr: "query('nested', __tsible_term0, __tsible_term1)",
      args: { __tsible_term0: ['a'], __tsible_term1: [1] },
    });
    expect(lookupCall('sequence', 'start=1 end=3').expr).toBe("query('sequence', __tsible_term0)");
  });
});
