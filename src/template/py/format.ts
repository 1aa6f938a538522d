// Python string formatting: printf-style `'%s' % x` and `'{}'.format(x)`.
import { fail } from '../fault.js';
import { floatRepr, pyRepr, pyStr } from './repr.js';
import { hasKey, isDict, isFloat, isNumeric, isTuple, num, typeName } from './values.js';

function pad(s: string, width: number, left: boolean, zero: boolean): string {
  if (s.length >= width) return s;
  if (left) return s + ' '.repeat(width - s.length);
  if (zero) {
    const sign = /^[-+ ]/.test(s) ? s[0]! : '';
    return sign + '0'.repeat(width - s.length) + s.slice(sign.length);
  }
  return ' '.repeat(width - s.length) + s;
}

function expForm(n: number, prec: number, upper: boolean): string {
  const s = n.toExponential(prec).replace(/e([+-])(\d)$/, 'e$10$2');
  return upper ? s.toUpperCase() : s;
}

function generalForm(n: number, prec: number, alt: boolean, upper: boolean): string {
  const p = prec === 0 ? 1 : prec;
  if (n === 0) return alt ? (0).toFixed(p - 1) : '0';
  const exp = Number(n.toExponential(p - 1).split('e')[1]);
  const s = exp < -4 || exp >= p ? expForm(n, p - 1, upper) : n.toFixed(Math.max(0, p - 1 - exp));
  if (alt) return s;
  const [mant = '', e] = s.split(/(?=[eE])/);
  const trimmed = mant.includes('.') ? mant.replace(/0+$/, '').replace(/\.$/, '') : mant;
  return trimmed + (e ?? '');
}

function signed(s: string, n: number, plus: boolean, space: boolean): string {
  if (n < 0 || Object.is(n, -0)) return s;
  return (plus ? '+' : space ? ' ' : '') + s;
}

function toInt(v: unknown, conv: string): number {
  if (!isNumeric(v)) fail(`%${conv} format: a real number is required, not ${typeName(v)}`);
  return Math.trunc(num(v));
}

function convert(conv: string, v: unknown, flags: string, prec: number | undefined): string {
  const plus = flags.includes('+');
  const space = flags.includes(' ');
  const alt = flags.includes('#');
  switch (conv) {
    case 's':
      return prec === undefined ? pyStr(v) : pyStr(v).slice(0, prec);
    case 'r':
    case 'a':
      return prec === undefined ? pyRepr(v) : pyRepr(v).slice(0, prec);
    case 'd':
    case 'i':
    case 'u': {
      const n = toInt(v, conv);
      return signed(Math.abs(n).toString(), n, plus, space).replace(/^/, n < 0 ? '-' : '');
    }
    case 'x':
    case 'X':
    case 'o': {
      const n = toInt(v, conv);
      let s = Math.abs(n).toString(conv === 'o' ? 8 : 16);
      if (alt) s = (conv === 'o' ? '0o' : '0x') + s;
      if (conv === 'X') s = s.toUpperCase();
      return (n < 0 ? '-' : '') + signed(s, n, plus, space);
    }
    case 'f':
    case 'F':
    case 'e':
    case 'E':
    case 'g':
    case 'G': {
      if (!isNumeric(v)) fail(`must be real number, not ${typeName(v)}`);
      const n = num(v);
      const p = prec ?? 6;
      let s: string;
      if (!Number.isFinite(n)) s = floatRepr(n);
      else if (conv === 'f' || conv === 'F') s = n.toFixed(p);
      else if (conv === 'e' || conv === 'E') s = expForm(n, p, conv === 'E');
      else s = generalForm(n, p, alt, conv === 'G');
      return signed(s, n, plus, space);
    }
    case 'c':
      return typeof v === 'string' ? v : String.fromCodePoint(num(v));
    default:
      return fail(`unsupported format character '${conv}'`);
  }
}

/** `fmt % args`, Python printf-style. */
export function percentFormat(fmt: string, args: unknown): string {
  const positional = isTuple(args) ? (args as unknown[]) : [args];
  const mapping = isDict(args) ? args : undefined;
  let i = 0;
  const out = fmt.replace(
    /%(?:\(([^)]*)\))?([-+ #0]*)(\*|\d+)?(?:\.(\*|\d+))?([a-zA-Z%])/g,
    (
      whole,
      key: string | undefined,
      flags: string,
      width: string | undefined,
      precision: string | undefined,
      conv: string,
    ) => {
      if (conv === '%') return '%';
      const next = (): unknown => {
        if (i >= positional.length) fail('not enough arguments for format string');
        return positional[i++];
      };
      const w = width === '*' ? num(next()) : width === undefined ? 0 : Number(width);
      const p = precision === '*' ? num(next()) : precision === undefined ? undefined : Number(precision);
      const value =
        key !== undefined
          ? mapping
            ? hasKey(mapping, key)
              ? mapping[key]
              : fail(`KeyError: '${key}'`)
            : fail('format requires a mapping')
          : next();
      const text = convert(conv, value, flags, p);
      return pad(text, w, flags.includes('-'), flags.includes('0') && conv !== 's' && conv !== 'r');
    },
  );
  if (!mapping && i < positional.length) fail('not all arguments converted during string formatting');
  return out;
}

/** Apply a format spec from the str.format mini-language. */
export function formatSpec(v: unknown, spec: string): string {
  const m = /^(?:(.)?([<>=^]))?([-+ ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/s.exec(spec);
  if (!m) fail(`Invalid format specifier '${spec}'`);
  const [, fillCh, alignCh, sign, alt, zero, widthStr, group, precStr, typeCh] = m;
  const width = widthStr ? Number(widthStr) : 0;
  const prec = precStr === undefined ? undefined : Number(precStr);
  let type = typeCh;
  let s: string;
  if (typeof v === 'string' && (type === undefined || type === 's')) {
    s = prec === undefined ? v : v.slice(0, prec);
  } else if (type === undefined && !isNumeric(v)) {
    s = pyStr(v);
  } else {
    if (!isNumeric(v)) fail(`Unknown format code '${type}' for object of type '${typeName(v)}'`);
    const n = num(v);
    if (type === undefined) type = isFloat(v) ? (prec === undefined ? 'r' : 'g') : 'd';
    if (type === '%') s = (n * 100).toFixed(prec ?? 6) + '%';
    else if (type === 'r') s = floatRepr(n);
    else if (type === 'n') s = convert('d', n, '', undefined);
    else if (type === 'b') s = (n < 0 ? '-' : '') + (alt ? '0b' : '') + Math.abs(Math.trunc(n)).toString(2);
    else s = convert(type, n, alt ? '#' : '', prec);
    s = s.replace(/^-/, '');
    if (group) {
      const [ip = '', fp] = s.split('.');
      s = ip.replace(/\B(?=(\d{3})+(?!\d))/g, group) + (fp === undefined ? '' : `.${fp}`);
    }
    const neg = n < 0;
    const signStr = neg ? '-' : sign === '+' ? '+' : sign === ' ' ? ' ' : '';
    if (zero && !alignCh) return signStr + s.padStart(width - signStr.length, '0');
    s = signStr + s;
  }
  const fill = fillCh ?? ' ';
  const align = alignCh ?? (isNumeric(v) && typeof v !== 'string' ? '>' : '<');
  if (s.length >= width) return s;
  const gap = width - s.length;
  if (align === '<') return s + fill.repeat(gap);
  if (align === '>' || align === '=') return fill.repeat(gap) + s;
  const left = Math.floor(gap / 2);
  return fill.repeat(left) + s + fill.repeat(gap - left);
}

/** `'{} {name}'.format(*args, **kwargs)`. */
export function strFormat(fmt: string, args: unknown[], kwargs: Record<string, unknown>): string {
  let auto = 0;
  return fmt.replace(
    /\{\{|\}\}|\{([^{}!:]*)(?:!([rsa]))?(?::([^{}]*))?\}/g,
    (whole, field: string | undefined, conv, spec) => {
      if (whole === '{{') return '{';
      if (whole === '}}') return '}';
      const path = field ?? '';
      const [head = '', ...rest] = path.split('.');
      let value: unknown;
      if (head === '') value = args[auto++];
      else if (/^\d+$/.test(head)) value = args[Number(head)];
      else value = kwargs[head];
      if (value === undefined && !(head in kwargs))
        fail(`Replacement index ${head || auto - 1} out of range for positional args tuple`);
      for (const part of rest) value = isDict(value) ? value[part] : undefined;
      if (conv === 'r' || conv === 'a') value = pyRepr(value);
      else if (conv === 's') value = pyStr(value);
      return formatSpec(value, (spec as string | undefined) ?? '');
    },
  );
}
