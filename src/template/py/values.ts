// Python-flavoured runtime values: integral floats, Jinja's Undefined, callables and tuples.
import { TemplateFault } from '../fault.js';

/** A float whose value is integral (2.0): JS numbers cannot tell it from an int, Python prints it differently. */
export class PyFloat {
  constructor(readonly value: number) {}
  valueOf(): number {
    return this.value;
  }
  toJSON(): number {
    return this.value;
  }
}

/** Jinja's Undefined: harmless until used; `soft` is the plain kind that prints as '' (`x if c` without else). */
export interface UndefOptions {
  /** Computed only when the error is raised: a did-you-mean can be costly and most undefineds are tested, not used. */
  hint?: () => string | undefined;
  /** The plain Undefined that prints as '' and is false (an inline if without else). */
  soft?: boolean;
  /** The missing variable or attribute name (for `mandatory`). */
  name?: string;
}

export class Undef {
  constructor(
    readonly message: string,
    private readonly opts: UndefOptions = {},
  ) {}
  get soft(): boolean {
    return this.opts.soft === true;
  }
  get varName(): string | undefined {
    return this.opts.name;
  }
  get hint(): string | undefined {
    return this.opts.hint?.();
  }
  fail(): never {
    const fault = new TemplateFault(this.message, this.hint);
    fault.undefinedVariable = true;
    throw fault;
  }
  /** Code outside the engine that stringifies or serialises an undefined gets the error, as in Jinja. */
  toString(): string {
    return this.fail();
  }
  toJSON(): never {
    return this.fail();
  }
}

export type Kwargs = Record<string, unknown>;

/** Anything callable from a template: globals, bound methods, macros. */
export class PyCallable {
  constructor(
    readonly name: string,
    readonly call: (args: unknown[], kwargs: Kwargs) => unknown,
    readonly repr = `<built-in function ${name}>`,
  ) {}
}

const TUPLES = new WeakSet<unknown[]>();

/** Mark an array as a Python tuple (it then prints as `(a, b)`). */
export function tuple<T extends unknown[]>(items: T): T {
  TUPLES.add(items);
  return items;
}

export function isTuple(v: unknown): boolean {
  return Array.isArray(v) && TUPLES.has(v);
}

export function isNumber(v: unknown): v is number | PyFloat {
  return typeof v === 'number' || v instanceof PyFloat;
}

/** int or float, bools included (Python's bool is an int). */
export function isNumeric(v: unknown): v is number | PyFloat | boolean {
  return typeof v === 'number' || typeof v === 'boolean' || v instanceof PyFloat;
}

export function isFloat(v: unknown): boolean {
  return v instanceof PyFloat || (typeof v === 'number' && !Number.isInteger(v));
}

export function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

/** A JS number from any numeric value. */
export function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v instanceof PyFloat) return v.value;
  if (typeof v === 'boolean') return v ? 1 : 0;
  throw new TemplateFault(`expected a number, got ${typeName(v)}`);
}

/** Build a float result, keeping float-ness when the value is integral. */
export function mkFloat(n: number): number | PyFloat {
  return Number.isInteger(n) || !Number.isFinite(n) ? new PyFloat(n) : n;
}

export function isDict(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

export function hasKey(obj: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

/** Python's type name, as used in error messages and `type_debug`. */
export function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (v instanceof PyFloat) return 'float';
  if (Array.isArray(v)) return isTuple(v) ? 'tuple' : 'list';
  if (v instanceof Undef) return 'AnsibleUndefined';
  if (v instanceof PyCallable) return 'builtin_function_or_method';
  if (isDict(v)) return 'dict';
  return typeof v === 'object' ? ((v as object).constructor?.name ?? 'object') : typeof v;
}

/** Raise if the value is Undefined (any real use of an undefined value is an error). */
export function defined<T>(v: T): Exclude<T, Undef> {
  if (v instanceof Undef) v.fail();
  return v as Exclude<T, Undef>;
}
