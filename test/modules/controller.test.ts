// debug, set_fact, assert, fail and ping: controller-side planners.
import { describe, expect, it } from 'vitest';
import { assert, truthy } from '../../modules/assert.js';
import { debug } from '../../modules/debug.js';
import { fail } from '../../modules/fail.js';
import { ping } from '../../modules/ping.js';
import { set_fact } from '../../modules/set_fact.js';
import { parseFreeForm } from '../../src/core/params.js';
import { makeCtx, planWith, runModule } from './_harness.js';

const vars: Record<string, unknown> = { port: 8080, empty: [], list: [1], name: 'web' };
const evalCtx = makeCtx({
  verbosity: 0,
  evaluate: (expr) => {
    // A tiny evaluator for these tests: a variable name, or `a == b` of names/numbers.
    const m = /^(\w+) == (\w+)$/.exec(expr);
    const val = (t: string) => {
      if (/^\d+$/.test(t)) return Number(t);
      if (!(t in vars)) throw new Error(`'${t}' is undefined`);
      return vars[t];
    };
    return m ? val(m[1]!) === val(m[2]!) : val(expr);
  },
});

describe('debug', () => {
  it('prints msg (default Hello world!) and never changes', async () => {
    expect((await planWith(debug, {}, {}, evalCtx)).result).toEqual({
      msg: 'Hello world!',
      _ansible_verbose_always: true,
    });
    const p = await planWith(debug, { msg: ['a', 'b'] }, {}, evalCtx);
    expect(p).toMatchObject({ changed: false, steps: [], result: { msg: ['a', 'b'] } });
  });

  it('shows var under its name, or VARIABLE IS NOT DEFINED!', async () => {
    expect((await planWith(debug, { var: 'port' }, {}, evalCtx)).result).toMatchObject({ port: 8080 });
    expect((await planWith(debug, { var: 'nope' }, {}, evalCtx)).result).toMatchObject({
      nope: 'VARIABLE IS NOT DEFINED!',
    });
  });

  it('is skipped below its verbosity', async () => {
    const p = await planWith(debug, { msg: 'x', verbosity: 2 }, {}, evalCtx);
    expect(p.skipped).toBe(true);
    expect(p.result).toEqual({ skipped_reason: 'Verbosity threshold not met.' });
    expect(
      (await planWith(debug, { msg: 'x', verbosity: 2 }, {}, makeCtx({ verbosity: 2 }))).skipped,
    ).toBeUndefined();
  });

  it('rejects msg with var', async () => {
    await expect(planWith(debug, { msg: 'a', var: 'b' }, {})).rejects.toThrow(
      'parameters are mutually exclusive: msg|var',
    );
  });
});

describe('set_fact', () => {
  it('returns ansible_facts from free keys, converting boolean words like Ansible', async () => {
    const p = await planWith(set_fact, { a: 'yes', b: 'No', c: 'maybe', d: [1, 2], e: 3 }, {});
    expect(p).toMatchObject({ changed: false, steps: [] });
    expect(p.result).toEqual({
      ansible_facts: { a: true, b: false, c: 'maybe', d: [1, 2], e: 3 },
      _ansible_facts_cacheable: false,
    });
  });

  it('works from k=v free form, keeps cacheable out of the facts', async () => {
    const args = parseFreeForm(set_fact, 'x="a b" flag=true cacheable=yes');
    const p = await planWith(set_fact, args, {});
    expect(p.result).toEqual({ ansible_facts: { x: 'a b', flag: true }, _ansible_facts_cacheable: true });
  });

  it('fails on invalid names and on no facts at all', async () => {
    expect((await planWith(set_fact, { 'bad-name': 1 }, {})).result?.msg).toMatch(
      /^The variable name 'bad-name' is not valid\./,
    );
    expect((await planWith(set_fact, {}, {})).result?.msg).toBe(
      'No key/value pairs provided, at least one is required for this action to succeed',
    );
  });
});

describe('assert', () => {
  it('passes with Ansible messages', async () => {
    const p = await planWith(assert, { that: ['port == 8080', 'list'] }, {}, evalCtx);
    expect(p.failed).toBeUndefined();
    expect(p.result).toEqual({ msg: 'All assertions passed', _ansible_verbose_always: true });
    expect(
      (await planWith(assert, { that: 'port == 8080', success_msg: 'ok!', quiet: true }, {}, evalCtx)).result,
    ).toEqual({
      msg: 'ok!',
    });
  });

  it('fails on the first false one, with Python truthiness', async () => {
    const p = await planWith(
      assert,
      { that: ['port == 8080', 'empty', 'port == 1'], msg: 'nope' },
      {},
      evalCtx,
    );
    expect(p.failed).toBe(true);
    expect(p.result).toMatchObject({ assertion: 'empty', evaluated_to: false, msg: 'nope' });
    expect((await planWith(assert, { that: ['port == 1'] }, {}, evalCtx)).result?.msg).toBe(
      'Assertion failed',
    );
  });

  it('fails on an evaluation error with the conditional check message', async () => {
    const p = await planWith(assert, { that: ['undefined_y'] }, {}, evalCtx);
    expect(p.failed).toBe(true);
    expect(p.result?.msg).toBe(
      "The conditional check 'undefined_y' failed. The error was: 'undefined_y' is undefined",
    );
  });

  it('truthy follows Python', () => {
    expect([[], {}, '', 0, null].map(truthy)).toEqual([false, false, false, false, false]);
    expect([[0], { a: 1 }, 'x', 1].map(truthy)).toEqual([true, true, true, true]);
  });
});

describe('fail and ping', () => {
  it('fail uses its default message', async () => {
    expect(await planWith(fail, {}, {})).toMatchObject({
      failed: true,
      result: { msg: 'Failed as requested from task' },
    });
    expect((await planWith(fail, { msg: 'boom' }, {})).result).toEqual({ msg: 'boom' });
  });

  it('ping runs `true` on the host and returns pong; crash fails', async () => {
    expect((await runModule(ping, {})).result).toMatchObject({ changed: false, ping: 'pong' });
    expect((await runModule(ping, { data: 'hi' })).result.ping).toBe('hi');
    expect((await runModule(ping, { data: 'crash' })).result).toMatchObject({
      failed: true,
      module_stderr: 'Exception: boom',
    });
  });
});
