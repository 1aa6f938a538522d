// Which hosts a play runs on, in what order, and in which rolling batches (`order`, `serial`).
import { TsibleError } from '../core/errors.js';

export const HOST_ORDERS = ['inventory', 'sorted', 'reverse_sorted', 'reverse_inventory', 'shuffle'] as const;

/** Hosts in the play's `order` (inventory order by default). */
export function orderHosts(
  hosts: string[],
  order: string | undefined,
  random: () => number = Math.random,
): string[] {
  switch (order ?? 'inventory') {
    case 'inventory':
      return [...hosts];
    case 'reverse_inventory':
      return [...hosts].reverse();
    case 'sorted':
      return [...hosts].sort();
    case 'reverse_sorted':
      return [...hosts].sort().reverse();
    case 'shuffle': {
      const out = [...hosts];
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      return out;
    }
    default:
      throw new TsibleError(
        'playbook',
        `'${order}' is not a valid value for 'order', valid values are: ${HOST_ORDERS.join(', ')}`,
      );
  }
}

/** One `serial` value as a batch size: an int, or "N%" of all hosts rounded down (at least 1); 0 = all. */
export function batchSize(spec: unknown, total: number): number {
  const str = String(spec).trim();
  if (str.endsWith('%')) {
    const pct = Number(str.slice(0, -1));
    if (Number.isNaN(pct)) throw new TsibleError('playbook', `invalid serial value: ${str}`);
    return Math.max(1, Math.floor((pct / 100) * total));
  }
  const n = Number(str);
  if (!Number.isInteger(n)) throw new TsibleError('playbook', `invalid serial value: ${str}`);
  return n <= 0 ? total : n;
}

/** Split hosts into batches from `serial` (int, "N%", or a list whose last value repeats). */
export function serialBatches(hosts: string[], serial: unknown): string[][] {
  if (serial === undefined || serial === null || hosts.length === 0) return hosts.length ? [hosts] : [];
  const specs = Array.isArray(serial) ? serial : [serial];
  if (specs.length === 0) return [hosts];
  const out: string[][] = [];
  let i = 0;
  let k = 0;
  while (i < hosts.length) {
    const n = Math.max(1, batchSize(specs[Math.min(k, specs.length - 1)], hosts.length));
    out.push(hosts.slice(i, i + n));
    i += n;
    k++;
  }
  return out;
}

/** max_fail_percentage: the play stops when failed / batch size is strictly above the percentage. */
export function overFailLimit(failed: number, batchLength: number, pct: number): boolean {
  return batchLength > 0 && failed / batchLength > pct / 100;
}
