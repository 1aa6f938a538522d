// pause: wait a number of seconds or minutes (controller side), or ask on the terminal when there is one.
import { createInterface } from 'node:readline/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { defineModule } from '../src/core/module.js';
import { failPlan } from './_shared/fail.js';

/** Python's str() of a float: 1 -> "1.0". */
function pyFloat(n: number): string {
  return Number.isInteger(n) ? `${n}.0` : String(n);
}

function stamp(d: Date): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}000`;
}

async function ask(prompt: string, timeoutMs: number | undefined): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const ac = new AbortController();
  const timer = timeoutMs === undefined ? undefined : setTimeout(() => ac.abort(), timeoutMs);
  try {
    return await rl.question(`${prompt}:\n`, { signal: ac.signal });
  } catch {
    return '';
  } finally {
    if (timer) clearTimeout(timer);
    rl.close();
  }
}

export const pause = defineModule({
  name: 'pause',
  doc: {
    short: 'Pause playbook execution',
    description:
      'Waits `seconds` or `minutes`, once per play (not once per host), like Ansible. With `prompt` and a ' +
      'terminal, asks and waits for Enter (or the timeout); without a terminal it does not wait for input.',
    examples: '- pause: seconds=10\n- pause:\n    prompt: Check the canary, then press Enter',
    returns: {
      stdout: 'Paused for N seconds',
      user_input: 'What was typed at the prompt.',
      delta: 'Seconds waited.',
    },
  },
  params: {
    seconds: { type: 'raw', description: 'Seconds to wait.' },
    minutes: { type: 'raw', description: 'Minutes to wait.' },
    prompt: { type: 'str', description: 'Text to show while waiting for Enter (only on a terminal).' },
    echo: { type: 'bool', default: true, description: 'Show what is typed at the prompt.' },
  },
  mutuallyExclusive: [['seconds', 'minutes']],
  check: 'full',
  diff: false,
  runsOn: 'controller',
  async plan(p) {
    const raw = p.seconds ?? p.minutes;
    const value = raw === undefined ? undefined : Number(raw);
    if (value !== undefined && (Number.isNaN(value) || value < 0))
      return failPlan(`non-integer value given for prompt duration:\n${String(raw)}`);
    const ms = value === undefined ? undefined : value * (p.minutes !== undefined ? 60_000 : 1000);
    const start = new Date();
    let input = '';
    if (p.prompt !== undefined && process.stdin.isTTY) input = await ask(p.prompt, ms);
    else if (ms !== undefined) await sleep(ms);
    const stop = new Date();
    const unit = p.minutes !== undefined ? 'minutes' : 'seconds';
    return {
      changed: false,
      steps: [],
      result: {
        delta: Math.floor((stop.getTime() - start.getTime()) / 1000),
        echo: p.echo,
        rc: 0,
        start: stamp(start),
        stop: stamp(stop),
        stderr: '',
        // Like Ansible: the time really waited, in the unit asked for, rounded to 2 decimals.
        stdout: `Paused for ${pyFloat(Math.round(((stop.getTime() - start.getTime()) / (unit === 'minutes' ? 60_000 : 1000)) * 100) / 100)} ${unit}`,
        user_input: input,
      },
    };
  },
});
