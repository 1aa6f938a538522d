// The Runtime handed to filters, tests and lookups during one render: plugin dispatch and controller context.
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Vars } from '../core/types.js';
import { shortName, type Runtime } from './engine/runtime.js';
import { renderText } from './engine/render.js';
import { fail, TemplateFault } from './fault.js';
import { FILTERS } from './filters/index.js';
import { LOOKUPS } from './lookups/index.js';
import { PyRandom } from './py/random.js';
import { defined, Undef, type Kwargs } from './py/values.js';
import { didYouMean } from './suggest.js';
import { TESTS } from './tests/index.js';

/** What a runtime needs from its Templar. */
export interface TemplarHost {
  readonly baseDir: string;
  readonly searchPaths: readonly string[];
  readonly nativeTexts: Set<string>;
  seededRandom(): PyRandom | undefined;
  /** A lookup returned data: like Ansible, what is rendered from it is unsafe. */
  noteUnsafe(): void;
  warn(message: string): void;
}

function checkArgs(args: unknown[], kw: Kwargs): void {
  for (const a of args) if (a instanceof Undef) a.fail();
  for (const v of Object.values(kw)) if (v instanceof Undef) v.fail();
}

export class TemplateRuntime implements Runtime {
  constructor(
    private readonly host: TemplarHost,
    readonly vars: Vars,
    readonly templateDir?: string,
  ) {}

  get baseDir(): string {
    return this.host.baseDir;
  }

  get searchPaths(): readonly string[] {
    return this.host.searchPaths;
  }

  callFilter(name: string, value: unknown, args: unknown[], kw: Kwargs): unknown {
    const spec =
      FILTERS.get(shortName(name)) ??
      fail(`no filter named '${name}'`, didYouMean(shortName(name), FILTERS.keys()));
    if (!spec.undefinedOk) {
      if (value instanceof Undef) value.fail();
      checkArgs(args, kw);
    }
    return spec.fn(this, value, args, kw, shortName(name));
  }

  callTest(name: string, value: unknown, args: unknown[], kw: Kwargs): boolean {
    const spec =
      TESTS.get(shortName(name)) ??
      fail(`no test named '${name}'`, didYouMean(shortName(name), TESTS.keys()));
    if (!spec.undefinedOk && value instanceof Undef) value.fail();
    checkArgs(args, kw);
    return spec.fn(this, value, args, kw, shortName(name));
  }

  hasFilter(name: string): boolean {
    return FILTERS.has(shortName(name));
  }

  hasTest(name: string): boolean {
    return TESTS.has(shortName(name));
  }

  lookup(name: string, terms: unknown[], kw: Kwargs, wantList: boolean): unknown {
    const short = shortName(name);
    const fn =
      LOOKUPS.get(short) ?? fail(`lookup plugin (${name}) not found`, didYouMean(short, LOOKUPS.keys()));
    const { errors, ...rest } = kw;
    const mode = errors === undefined ? 'strict' : String(errors);
    let ran: unknown[] | null;
    try {
      ran = fn(
        this,
        terms.map((t) => defined(t)),
        rest,
      );
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      if (e instanceof TemplateFault && e.undefinedVariable) throw e;
      if (mode === 'ignore') ran = null;
      else if (mode === 'warn') {
        this.warn(
          `An unhandled exception occurred while running the lookup plugin '${short}'. Error was: ${msg}`,
        );
        ran = null;
      } else {
        return fail(`lookup('${short}') failed: ${msg}`);
      }
    }
    if (ran === null) return wantList ? [] : null;
    this.host.noteUnsafe();
    if (wantList) return ran;
    if (ran.every((x) => typeof x === 'string')) return ran.join(',');
    return ran.length === 1 ? ran[0] : ran;
  }

  random(seed?: unknown): PyRandom {
    if (seed !== undefined && seed !== null) return new PyRandom(seed);
    return this.host.seededRandom() ?? new PyRandom();
  }

  renderFile(path: string, extra?: Vars): unknown {
    const text = readFileSync(path, 'utf8');
    const rt = new TemplateRuntime(this.host, this.vars, dirname(path));
    return renderText(text, rt, {
      rawStrings: false,
      native: true,
      file: path,
      nativeTexts: this.host.nativeTexts,
      locals: extra,
    });
  }

  warn(message: string): void {
    this.host.warn(message);
  }
}
