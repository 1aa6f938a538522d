// Python's random.Random (MT19937 with Python's seeding), so `59 | random(seed=inventory_hostname)`
// picks the same number as Ansible does.
import { createHash, randomBytes } from 'node:crypto';
import { fail } from '../fault.js';

const N = 624;
const M = 397;

/** Split a non-negative big integer into 32-bit words, least significant first (Python's random_seed). */
function words(n: bigint): number[] {
  const out: number[] = [];
  for (let x = n; x > 0n; x >>= 32n) out.push(Number(x & 0xffffffffn));
  return out.length ? out : [0];
}

function seedKey(seed: unknown): number[] {
  if (typeof seed === 'string') {
    const bytes = Buffer.from(seed, 'utf8');
    const all = Buffer.concat([bytes, createHash('sha512').update(bytes).digest()]);
    return words(BigInt(`0x${all.toString('hex')}`));
  }
  if (typeof seed === 'boolean') return words(seed ? 1n : 0n);
  if (typeof seed === 'number' && Number.isInteger(seed)) return words(BigInt(Math.abs(seed)));
  if (typeof seed === 'bigint') return words(seed < 0n ? -seed : seed);
  return fail(`random seed must be a string or an integer, not ${typeof seed}`);
}

export class PyRandom {
  private readonly mt = new Uint32Array(N);
  private mti = N + 1;

  /** Seeded like Python's Random(seed); without a seed, from system entropy. */
  constructor(seed?: unknown) {
    const key =
      seed === undefined || seed === null
        ? words(BigInt(`0x${randomBytes(32).toString('hex')}`))
        : seedKey(seed);
    this.initByArray(key);
  }

  private initGenrand(s: number): void {
    const mt = this.mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.mti = N;
  }

  private initByArray(key: number[]): void {
    const mt = this.mt;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = ((mt[i]! ^ Math.imul(prev, 1664525)) + key[j]! + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = ((mt[i]! ^ Math.imul(prev, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
    }
    mt[0] = 0x80000000;
  }

  private next32(): number {
    const mt = this.mt;
    if (this.mti >= N) {
      for (let k = 0; k < N; k++) {
        const y = (mt[k]! & 0x80000000) | (mt[(k + 1) % N]! & 0x7fffffff);
        mt[k] = mt[(k + M) % N]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.mti = 0;
    }
    let y = mt[this.mti++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  getrandbits(k: number): number {
    if (k <= 32) return this.next32() >>> (32 - k);
    // Python fills from the least significant word up; the top word keeps its high bits.
    let result = 0;
    let mult = 1;
    for (let left = k; left > 0; left -= 32) {
      const w = left >= 32 ? this.next32() : this.next32() >>> (32 - left);
      result += w * mult;
      mult *= 2 ** 32;
    }
    return result;
  }

  /** A random int in [0, n). */
  randbelow(n: number): number {
    if (n <= 0) fail('empty range for randrange()');
    const k = Math.floor(Math.log2(n)) + 1;
    let r = this.getrandbits(k);
    while (r >= n) r = this.getrandbits(k);
    return r;
  }

  randrange(start: number, stop: number, step: number): number {
    const width = stop - start;
    if (step === 1) {
      if (width > 0) return start + this.randbelow(width);
      return fail(`empty range for randrange() (${start}, ${stop}, ${width})`);
    }
    if (step === 0) fail('zero step for randrange()');
    const n = step > 0 ? Math.floor((width + step - 1) / step) : Math.floor((width + step + 1) / step);
    if (n <= 0) fail('empty range for randrange()');
    return start + step * this.randbelow(n);
  }

  choice<T>(seq: readonly T[]): T {
    if (seq.length === 0) fail('Cannot choose from an empty sequence');
    return seq[this.randbelow(seq.length)]!;
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.randbelow(i + 1);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }

  /** random.random(): a float in [0, 1) with 53 random bits. */
  random(): number {
    const a = this.next32() >>> 5;
    const b = this.next32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }
}
