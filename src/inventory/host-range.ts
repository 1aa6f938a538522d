// Expanding inventory host patterns: an optional :port, then [start:end(:step)] ranges into host names.
import { parseAddress } from './address.js';

/** A malformed range; the message is Ansible's, the caller adds file and line. */
export class HostRangeError extends Error {}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

export interface ExpandedHosts {
  hosts: string[];
  port?: number;
}

/** `web[01:03].example.com:22` → three names and port 22. Text that is not an address is kept as is. */
export function expandHostPattern(pattern: string): ExpandedHosts {
  const addr = parseAddress(pattern, true);
  const name = addr?.host ?? pattern;
  const hosts = name.includes('[') ? expandRanges(name) : [name];
  return addr?.port === undefined ? { hosts } : { hosts, port: addr.port };
}

/**
 * Expand every [a:b] or [a:b:step] in `name`, leftmost first. Both ends are inclusive; a zero-padded start
 * keeps its width (and then the end must have the same width); single letters give alphabetic ranges.
 */
export function expandRanges(name: string): string[] {
  const open = name.indexOf('[');
  const close = name.indexOf(']');
  if (open < 0) return [name];
  if (close < open || name.includes('|'))
    throw new HostRangeError('host range must be begin:end or begin:end:step');
  const head = name.slice(0, open);
  const tail = name.slice(close + 1);
  const bounds = name.slice(open + 1, close).split(':');
  if (bounds.length !== 2 && bounds.length !== 3) {
    throw new HostRangeError('host range must be begin:end or begin:end:step');
  }
  const beg = bounds[0] || '0';
  const end = bounds[1]!;
  const stepText = bounds[2] ?? '1';
  if (!end) throw new HostRangeError('host range must specify end value');
  let fill = (x: number | string): string => String(x);
  if (beg[0] === '0' && beg.length > 1) {
    if (beg.length !== end.length) {
      throw new HostRangeError('host range must specify equal-length begin and end formats');
    }
    fill = (x) => String(x).padStart(beg.length, '0');
  }
  const seq = alphaSequence(beg, end, stepText) ?? numericSequence(beg, end, stepText);
  const out: string[] = [];
  for (const item of seq) out.push(...expandRanges(head + fill(item) + tail));
  return out;
}

function alphaSequence(beg: string, end: string, stepText: string): string[] | undefined {
  const b = LETTERS.indexOf(beg);
  const e = LETTERS.indexOf(end);
  if (b < 0 || e < 0 || !/^[+-]?\d+$/.test(stepText.trim())) return undefined;
  if (b > e) throw new HostRangeError('host range must have begin <= end');
  const step = parseInt(stepText, 10);
  if (step <= 0) throw new HostRangeError(`host range step must be a positive number: ${stepText}`);
  const out: string[] = [];
  for (let i = b; i <= e; i += step) out.push(LETTERS[i]!);
  return out;
}

function numericSequence(beg: string, end: string, stepText: string): number[] {
  const [b, e, step] = [beg, end, stepText].map((t) => {
    if (!/^\s*[+-]?\d+\s*$/.test(t)) {
      throw new HostRangeError(`host range bounds must be numbers or single letters, got: '${t}'`);
    }
    return parseInt(t, 10);
  }) as [number, number, number];
  if (step === 0) throw new HostRangeError('host range step must not be zero');
  const out: number[] = [];
  if (step > 0) for (let i = b; i <= e; i += step) out.push(i);
  else for (let i = b; i > e; i += step) out.push(i);
  return out;
}
