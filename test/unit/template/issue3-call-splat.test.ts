// Found while doing issue 3: Jinja2 accepts *args / **kwargs in calls; ansible-core 2.14 renders
// "{{ query('nested', *lists) }}" as the nested product. tsible's template parser rejects the `*`.
import { describe, expect, it } from 'vitest';
import { Templar } from '../../../src/template/index.js';

describe('issue 3: *args in a call', () => {
  it("query('nested', *lists) spreads the list into terms", () => {
    const t = new Templar();
    // ansible-core 2.14: [['a', 1], ['a', 2], ['b', 1], ['b', 2]]
    expect(
      t.evaluate("query('nested', *lists)", {
        lists: [
          ['a', 'b'],
          [1, 2],
        ],
      }),
    ).toEqual([
      ['a', 1],
      ['a', 2],
      ['b', 1],
      ['b', 2],
    ]);
  });
});
