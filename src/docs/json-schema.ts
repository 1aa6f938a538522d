// A small JSON Schema (draft-07) validator for the schemas tsible generates: $ref to local definitions,
// type, enum, const, pattern, properties, patternProperties, additionalProperties, required, items,
// minItems, anyOf, oneOf, allOf, not, if/then/else. Errors name the path and, for an unknown key, the
// closest known one.
import { closest } from '../core/errors.js';

export type JsonSchema = Record<string, unknown> | boolean;

export interface SchemaError {
  /** JSON pointer of the value (`/0/tasks/2/copy`). */
  path: string;
  message: string;
}

type Json = unknown;

function typeOf(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function hasType(v: Json, t: string): boolean {
  const actual = typeOf(v);
  return actual === t || (t === 'number' && actual === 'integer');
}

function equal(a: Json, b: Json): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** `{$ref: jinja}` and `{type: null}`: alternatives that explain nothing when a value fails. */
function isEscapeHatch(s: JsonSchema): boolean {
  if (typeof s !== 'object') return false;
  const keys = Object.keys(s);
  return keys.length === 1 && (s.$ref === '#/definitions/jinja' || s.type === 'null');
}

const isObject = (v: Json): v is Record<string, Json> => typeOf(v) === 'object';

export class SchemaValidator {
  private readonly regexes = new Map<string, RegExp>();

  constructor(private readonly root: Record<string, unknown>) {}

  validate(value: Json): SchemaError[] {
    return this.check(this.root, value, '');
  }

  private resolve(ref: string): JsonSchema {
    if (!ref.startsWith('#/')) throw new Error(`only local $ref are supported: ${ref}`);
    let node: unknown = this.root;
    for (const part of ref.slice(2).split('/')) {
      node = (node as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    }
    if (node === undefined) throw new Error(`unresolved $ref ${ref}`);
    return node as JsonSchema;
  }

  private regex(p: string): RegExp {
    let r = this.regexes.get(p);
    if (!r) this.regexes.set(p, (r = new RegExp(p, 'u')));
    return r;
  }

  private check(schema: JsonSchema, v: Json, path: string): SchemaError[] {
    if (schema === true) return [];
    if (schema === false) return [{ path, message: 'no value is allowed here' }];
    const s = schema;
    if (typeof s.$ref === 'string') return this.check(this.resolve(s.$ref), v, path);
    const errors: SchemaError[] = [];
    const err = (message: string, at = path): void => {
      errors.push({ path: at, message });
    };

    if (s.type !== undefined) {
      const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
      if (!types.some((t) => hasType(v, t))) {
        err(`expected ${types.join(' or ')}, got ${typeOf(v)}`);
        return errors;
      }
    }
    if (Array.isArray(s.enum) && !s.enum.some((e) => equal(e, v))) {
      err(`must be one of: ${s.enum.map((e) => JSON.stringify(e)).join(', ')}`);
    }
    if ('const' in s && !equal(s.const, v)) err(`must be ${JSON.stringify(s.const)}`);
    if (typeof s.pattern === 'string' && typeof v === 'string' && !this.regex(s.pattern).test(v)) {
      err(`does not match ${s.pattern}`);
    }

    if (isObject(v)) {
      const props = (s.properties ?? {}) as Record<string, JsonSchema>;
      const patterns = (s.patternProperties ?? {}) as Record<string, JsonSchema>;
      for (const r of (s.required as string[] | undefined) ?? []) {
        if (!(r in v)) err(`missing required key '${r}'`);
      }
      for (const [k, x] of Object.entries(v)) {
        const at = `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
        let matched = false;
        if (Object.hasOwn(props, k)) {
          matched = true;
          errors.push(...this.check(props[k]!, x, at));
        }
        for (const [p, ps] of Object.entries(patterns)) {
          if (this.regex(p).test(k)) {
            matched = true;
            errors.push(...this.check(ps, x, at));
          }
        }
        if (matched || s.additionalProperties === undefined || s.additionalProperties === true) continue;
        if (s.additionalProperties === false) {
          const near = closest(k, Object.keys(props));
          const what = typeof s.title === 'string' ? ` in ${s.title.toLowerCase()}` : '';
          err(`unknown key '${k}'${what}${near ? ` (did you mean '${near}'?)` : ''}`, at);
        } else errors.push(...this.check(s.additionalProperties as JsonSchema, x, at));
      }
    }
    if (Array.isArray(v)) {
      if (typeof s.minItems === 'number' && v.length < s.minItems) err(`needs at least ${s.minItems} items`);
      if (s.items !== undefined && !Array.isArray(s.items)) {
        v.forEach((x, i) => errors.push(...this.check(s.items as JsonSchema, x, `${path}/${i}`)));
      }
    }

    if (Array.isArray(s.allOf))
      for (const sub of s.allOf as JsonSchema[]) errors.push(...this.check(sub, v, path));
    if (Array.isArray(s.anyOf)) {
      const subs = s.anyOf as JsonSchema[];
      const results = subs.map((sub) => this.check(sub, v, path));
      if (!results.some((r) => r.length === 0)) {
        const shallow = results.every((r) => r.every((e) => e.path === path));
        if (shallow && typeof s.title === 'string') err(`expected ${s.title}`);
        else {
          // Leave out the alternatives every value has (a template, null) unless nothing else is left.
          const real = results.filter((_, i) => !isEscapeHatch(subs[i]!));
          errors.push(...this.best(real.length > 0 ? real : results, path));
        }
      }
    }
    if (Array.isArray(s.oneOf)) errors.push(...this.oneOf(s.oneOf as JsonSchema[], v, path, s));
    if (s.not !== undefined && this.check(s.not as JsonSchema, v, path).length === 0) {
      err('matches a schema it must not match');
    }
    if (s.if !== undefined) {
      const branch = this.check(s.if as JsonSchema, v, path).length === 0 ? s.then : s.else;
      if (branch !== undefined) errors.push(...this.check(branch as JsonSchema, v, path));
    }
    return errors;
  }

  /** The errors of the alternative that got furthest (deepest path, then fewest errors). */
  private best(results: SchemaError[][], path: string): SchemaError[] {
    const depth = (r: SchemaError[]): number => Math.max(...r.map((e) => e.path.length));
    const sorted = [...results].sort((a, b) => depth(b) - depth(a) || a.length - b.length);
    const top = sorted[0] ?? [];
    if (top.every((e) => e.path === path) && results.length > 1) {
      const messages = [...new Set(results.flat().map((e) => e.message))];
      return [{ path, message: messages.join('; or ') }];
    }
    return top;
  }

  private oneOf(
    alternatives: JsonSchema[],
    v: Json,
    path: string,
    parent: Record<string, unknown>,
  ): SchemaError[] {
    // `oneOf` of single `required` keys means "exactly one of these keys": say which ones were found.
    const keys = alternatives.map((a) =>
      typeof a === 'object' &&
      Array.isArray(a.required) &&
      a.required.length === 1 &&
      Object.keys(a).length === 1
        ? (a.required[0] as string)
        : undefined,
    );
    if (isObject(v) && keys.every((k) => k !== undefined)) {
      const present = (keys as string[]).filter((k) => k in v);
      if (present.length === 1) return [];
      if (present.length === 0) {
        // An unknown key was already reported (most likely the module name itself): that says it all.
        const props = (parent.properties ?? {}) as Record<string, unknown>;
        if (parent.additionalProperties === false && Object.keys(v).some((k) => !Object.hasOwn(props, k)))
          return [];
        return [
          {
            path,
            message: 'no module or action: a task needs exactly one (e.g. command, copy, include_tasks)',
          },
        ];
      }
      return [
        { path, message: `more than one module or action: ${present.join(', ')} (a task has exactly one)` },
      ];
    }
    const results = alternatives.map((sub) => this.check(sub, v, path));
    const passing = results.filter((r) => r.length === 0).length;
    if (passing === 1) return [];
    if (passing > 1) return [{ path, message: `matches ${passing} alternatives, exactly one is allowed` }];
    return this.best(results, path);
  }
}

/** Validate `value` against `schema`; an empty list means it is valid. */
export function validateSchema(schema: Record<string, unknown>, value: unknown): SchemaError[] {
  return new SchemaValidator(schema).validate(value);
}
