// MultiCallback: every event reaches every callback, in order, even when one of them throws.
import { describe, expect, it } from 'vitest';
import type { Callback } from '../../../src/output/events.js';
import { MultiCallback } from '../../../src/output/multi-callback.js';
import { FakeClock, replay } from './recorded-run.js';

/** Records "name:event" for every call, optional events included. */
function recorder(name: string, log: string[], optional = true): Callback {
  const rec = (ev: string) => () => {
    log.push(`${name}:${ev}`);
  };
  const cb: Callback = {
    playStart: rec('playStart'),
    noHostsMatched: rec('noHostsMatched'),
    taskStart: rec('taskStart'),
    hostResult: rec('hostResult'),
    itemResult: rec('itemResult'),
    included: rec('included'),
    retrying: rec('retrying'),
    noMoreHosts: rec('noMoreHosts'),
    warning: rec('warning'),
    recap: rec('recap'),
    close: rec('close'),
  };
  if (optional) {
    cb.playbookStart = rec('playbookStart');
    cb.hostStart = rec('hostStart');
    cb.taskEnd = rec('taskEnd');
  }
  return cb;
}

describe('MultiCallback', () => {
  it('fans every event out to every callback in order, skipping optional events a callback lacks', () => {
    const log: string[] = [];
    const multi = new MultiCallback([recorder('a', log), recorder('b', log, false)]);
    replay(multi, new FakeClock());
    expect(log.slice(0, 6)).toEqual([
      'a:playbookStart',
      'a:warning',
      'b:warning',
      'a:playStart',
      'b:playStart',
      'a:taskStart',
    ]);
    expect(log.filter((l) => l.startsWith('a:')).length).toBeGreaterThan(
      log.filter((l) => l.startsWith('b:')).length,
    );
    expect(log.filter((l) => l.startsWith('b:hostStart'))).toEqual([]);
    expect(log.filter((l) => l.endsWith(':hostResult'))).toHaveLength(2 * 14);
    expect(log.slice(-4)).toEqual(['a:recap', 'b:recap', 'a:close', 'b:close']);
  });

  it('still calls the others when one throws, then rethrows the first error', () => {
    const log: string[] = [];
    const broken = recorder('x', log);
    broken.close = () => {
      throw new Error('disk full');
    };
    const multi = new MultiCallback([recorder('a', log), broken, recorder('b', log)]);
    expect(() => multi.close()).toThrow('disk full');
    expect(log).toEqual(['a:close', 'b:close']);
  });
});
