// File modes as Ansible takes them: an int (YAML 0644 is 420), an octal string, symbolic, or 'preserve'.
import { octal4 } from '../../src/facts/file-stat.js';

export type ModeSpec =
  { kind: 'octal'; bits: number } | { kind: 'symbolic'; spec: string } | { kind: 'preserve' };

// One clause: who, then one or more operator+perms groups (u+r-w is two operations on u).
const CLAUSE = /^([ugoa]*)((?:[-+=](?:[rwxXst]*|[ugo]))+)$/;
const OPERATION = /([-+=])([ugo]|[rwxXst]*)/g;
// Ansible applies the process umask when `who` is omitted; 022 is Debian's default.
const DEFAULT_UMASK = 0o022;

/** Parse a mode parameter; undefined stays undefined. Throws Error with Ansible's wording when invalid. */
export function parseMode(value: unknown): ModeSpec | undefined {
  if (value === undefined || value === null) return undefined;
  // An int is taken as the mode number itself: YAML `0644` arrives as 420, while `644` means 0o1204, the
  // same trap Ansible has (its docs ask for a leading zero or quotes).
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0 || value > 0o7777)
      throw new Error(`mode must be in octal or symbolic form`);
    return { kind: 'octal', bits: value };
  }
  const s = String(value).trim();
  if (s === 'preserve') return { kind: 'preserve' };
  if (/^[0-7]+$/.test(s)) {
    const bits = parseInt(s, 8);
    if (bits > 0o7777) throw new Error(`mode must be in octal or symbolic form`);
    return { kind: 'octal', bits };
  }
  for (const clause of s.split(',')) {
    if (!CLAUSE.test(clause)) throw new Error(`bad symbolic permission for mode: ${s}`);
  }
  return { kind: 'symbolic', spec: s };
}

const CLASS_SHIFT: Record<'u' | 'g' | 'o', number> = { u: 6, g: 3, o: 0 };

/** Apply a symbolic mode (chmod syntax) to the current permission bits. */
export function applySymbolic(spec: string, current: number, isDir: boolean): number {
  let mode = current & 0o7777;
  for (const clause of spec.split(',')) {
    const m = CLAUSE.exec(clause);
    if (!m) throw new Error(`bad symbolic permission for mode: ${spec}`);
    const whoText = m[1]!;
    const useUmask = whoText === '';
    const who = (whoText === '' || whoText.includes('a') ? 'ugo' : whoText).split('') as ('u' | 'g' | 'o')[];
    for (const op of m[2]!.matchAll(OPERATION)) {
      const operator = op[1]!;
      const perms = op[2]!;
      let bits = 0;
      for (const w of who) bits |= permBits(w, perms, mode, isDir);
      if (useUmask) bits &= ~DEFAULT_UMASK;
      if (operator === '+') mode |= bits;
      else if (operator === '-') mode &= ~bits;
      else {
        // '=' clears the classes named (and their special bit) before setting.
        let clear = 0;
        for (const w of who) clear |= (0o7 << CLASS_SHIFT[w]) | specialBit(w);
        mode = (mode & ~clear) | bits;
      }
    }
  }
  return mode;
}

function specialBit(w: 'u' | 'g' | 'o'): number {
  return w === 'u' ? 0o4000 : w === 'g' ? 0o2000 : 0o1000;
}

function permBits(w: 'u' | 'g' | 'o', perms: string, current: number, isDir: boolean): number {
  const shift = CLASS_SHIFT[w];
  if (perms === 'u' || perms === 'g' || perms === 'o') {
    // Copy another class's rwx bits (g=u).
    return ((current >> CLASS_SHIFT[perms]) & 0o7) << shift;
  }
  let rwx = 0;
  let special = 0;
  for (const p of perms) {
    if (p === 'r') rwx |= 4;
    else if (p === 'w') rwx |= 2;
    else if (p === 'x') rwx |= 1;
    // X: execute only for directories or when someone may already execute the file.
    else if (p === 'X' && (isDir || (current & 0o111) !== 0)) rwx |= 1;
    else if (p === 's' && w !== 'o') special |= specialBit(w);
    else if (p === 't' && w === 'o') special |= 0o1000;
  }
  return (rwx << shift) | special;
}

/**
 * The 4-digit octal mode a spec leads to. `current` is the existing mode ('0644'), or undefined for a new
 * file, which starts from the umask default. 'preserve' needs `preserveFrom` (the source's mode).
 */
export function resolveMode(
  spec: ModeSpec,
  current: string | undefined,
  isDir: boolean,
  preserveFrom?: number,
): string | undefined {
  if (spec.kind === 'octal') return octal4(spec.bits);
  if (spec.kind === 'preserve') return preserveFrom === undefined ? undefined : octal4(preserveFrom & 0o7777);
  const base = current !== undefined ? parseInt(current, 8) : (isDir ? 0o777 : 0o666) & ~DEFAULT_UMASK;
  return octal4(applySymbolic(spec.spec, base, isDir));
}
