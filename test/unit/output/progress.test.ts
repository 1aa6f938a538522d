// The live progress line, driven by a fake clock and timer, on a fake terminal and a fake pipe.
import { describe, expect, it } from 'vitest';
import { DefaultCallback } from '../../../src/output/default-callback.js';
import { ERASE_LINE, ProgressCallback, type ProgressTimer } from '../../../src/output/progress.js';
import { FakeClock, replay, T0 } from './recorded-run.js';

class FakeTimer implements ProgressTimer {
  private fns = new Map<number, () => void>();
  private next = 1;
  readonly periods: number[] = [];
  setInterval(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.fns.set(id, fn);
    this.periods.push(ms);
    return id;
  }
  clearInterval(h: unknown): void {
    this.fns.delete(h as number);
  }
  get active(): number {
    return this.fns.size;
  }
  fire(): void {
    for (const fn of [...this.fns.values()]) fn();
  }
}

/** One terminal: what the progress line draws and what the wrapped callback prints, interleaved. */
function setup(isTTY: boolean, columns = 120) {
  const clock = new FakeClock();
  const timer = new FakeTimer();
  const screen: string[] = [];
  const inner = new DefaultCallback({
    color: false,
    verbosity: 0,
    diff: false,
    write: (s) => screen.push(s),
    writeErr: (s) => screen.push(`ERR:${s}`),
  });
  const stream = { isTTY, columns, write: (s: string) => screen.push(s) };
  const cb = new ProgressCallback(inner, { stream, now: clock.now, timer });
  /** Advance to T0 + ms and let the timer fire. */
  const tick = (ms: number): void => {
    clock.at(ms);
    timer.fire();
  };
  return { clock, timer, screen, cb, tick };
}

describe('ProgressCallback', () => {
  it('shows nothing before 1 s, then who is still running and for how long', () => {
    const { screen, cb, tick, clock, timer } = setup(true);
    clock.at(0);
    cb.taskStart('slow', { hosts: ['web1', 'web2', 'web3', 'web4'] });
    expect(timer.periods).toEqual([250]);
    for (const h of ['web1', 'web2', 'web3']) cb.hostStart(h);
    clock.at(500);
    cb.hostStart('web4');
    screen.length = 0;
    tick(250);
    tick(750);
    tick(1000);
    expect(screen).toEqual([]);
    tick(1100);
    expect(screen).toEqual([
      `${ERASE_LINE}  [0/4 done] running: web1 (1.1s), web2 (1.1s), web3 (1.1s), web4 (0.6s)`,
    ]);
    tick(1350);
    expect(screen[1]).toBe(
      `${ERASE_LINE}  [0/4 done] running: web1 (1.4s), web2 (1.4s), web3 (1.4s), web4 (0.9s)`,
    );
  });

  it('erases the line before any other output, then puts it back; erases it when the task ends', () => {
    const { screen, cb, tick, clock, timer } = setup(true);
    clock.at(0);
    cb.taskStart('slow', { hosts: ['web1', 'web2'] });
    tick(1500);
    screen.length = 0;
    clock.at(1600);
    cb.hostResult({ host: 'web1', status: 'ok', result: { changed: false } });
    expect(screen).toEqual([ERASE_LINE, 'ok: [web1]\n', `${ERASE_LINE}  [1/2 done] running: web2 (1.6s)`]);
    screen.length = 0;
    cb.warning('careful');
    expect(screen).toEqual([
      ERASE_LINE,
      'ERR:[WARNING]: careful\n',
      `${ERASE_LINE}  [1/2 done] running: web2 (1.6s)`,
    ]);
    screen.length = 0;
    clock.at(2000);
    cb.hostResult({ host: 'web2', status: 'changed', result: { changed: true } });
    // The last host: erased, printed, and no line comes back.
    expect(screen).toEqual([ERASE_LINE, 'changed: [web2]\n']);
    expect(timer.active).toBe(0);
    tick(5000);
    expect(screen).toEqual([ERASE_LINE, 'changed: [web2]\n']);
  });

  it('erases on taskEnd and on the next task, and stops its timer', () => {
    const { screen, cb, tick, clock, timer } = setup(true);
    clock.at(0);
    cb.taskStart('a', {});
    cb.hostStart('h1');
    tick(1200);
    expect(screen.at(-1)).toBe(`${ERASE_LINE}  [0/1 done] running: h1 (1.2s)`);
    cb.taskEnd();
    expect(screen.at(-1)).toBe(ERASE_LINE);
    expect(timer.active).toBe(0);
    clock.at(1300);
    cb.taskStart('b', {});
    tick(2500);
    expect(screen.at(-1)).toBe(`${ERASE_LINE}  [0 done] waiting (1.2s)`);
    screen.length = 0;
    cb.taskStart('c', {});
    expect(screen[0]).toBe(ERASE_LINE);
    expect(screen[2]).toBe(
      'TASK [c] ***********************************************************************\n',
    );
    expect(timer.active).toBe(1);
  });

  it('fits the line to the terminal width', () => {
    const { screen, cb, tick, clock } = setup(true, 60);
    clock.at(0);
    const hosts = Array.from({ length: 12 }, (_, i) => `web${i + 1}.example.com`);
    cb.taskStart('slow', { hosts });
    tick(2100);
    const line = screen.at(-1)!.slice(ERASE_LINE.length);
    expect(line.length).toBeLessThanOrEqual(59);
    expect(line).toBe('  [0/12 done] running: web1.example.com (2.1s) … +11');
  });

  it('never writes anything and never starts a timer when stdout is not a terminal', () => {
    const tty = setup(false);
    const plain: string[] = [];
    const clock = new FakeClock();
    replay(
      new DefaultCallback({
        color: false,
        verbosity: 0,
        diff: false,
        write: (s) => plain.push(s),
        writeErr: (s) => plain.push(`ERR:${s}`),
      }),
      clock,
    );
    // Replay with long gaps and timer ticks in between: the output is the plain callback's, byte for byte.
    const fireAlways = new Proxy(tty.cb, {
      get(target, prop, recv) {
        const v = Reflect.get(target, prop, recv);
        if (typeof v !== 'function') return v;
        return (...args: unknown[]) => {
          tty.tick(tty.clock.t - T0 + 5000);
          return (v as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    replay(fireAlways, new FakeClock());
    expect(tty.timer.periods).toEqual([]);
    expect(tty.screen.join('')).toBe(plain.join(''));
    expect(tty.screen.join('')).not.toContain('\r');
  });
});
