// POSIX shell quoting, and a tagged template that quotes every interpolated value.

/** Quote one value for /bin/sh with single quotes (' becomes '\''). */
export function quote(value: string | number): string {
  const s = String(value);
  if (s !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A value that is already shell syntax and must not be quoted again. */
export class Raw {
  constructor(readonly text: string) {}
}

export function raw(text: string): Raw {
  return new Raw(text);
}

/**
 * sh`cmd ${a} ${b}`: every interpolated value is quoted; arrays become space-separated quoted words;
 * Raw values are inserted as they are.
 */
export function sh(strings: TemplateStringsArray, ...values: unknown[]): string {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return out;
}

function render(v: unknown): string {
  if (v instanceof Raw) return v.text;
  if (Array.isArray(v)) return v.map(render).join(' ');
  if (typeof v === 'string' || typeof v === 'number') return quote(v);
  throw new TypeError(`sh: cannot interpolate ${typeof v}`);
}
