// Templar: Ansible-compatible templating of task values, template files and conditionals.
import { TsibleError, type SourcePos } from '../core/errors.js';
import type { Vars } from '../core/types.js';
import { UnsafeText, VaultText } from '../core/yaml.js';
import { readItem } from './engine/access.js';
import { evalExpr } from './engine/evaluate.js';
import { evaluateExpression, renderText, type RenderMode } from './engine/render.js';
import { TemplateFault } from './fault.js';
import { createLazyView, isLazyView, isPossiblyTemplate, rawOf } from './lazy-vars.js';
import { OMIT } from './omit.js';
import { truthy } from './py/ops.js';
import { toPlain } from './py/plain.js';
import { PyRandom } from './py/random.js';
import { hasKey, isDict, isNumber } from './py/values.js';
import { TemplateRuntime, type TemplarHost } from './template-runtime.js';
import { isUnsafe, markUnsafe } from './unsafe.js';

export interface TemplateWhere {
  task?: string;
  pos?: SourcePos;
  /** What is being templated, e.g. 'when', 'args', 'template nginx.conf.j2'. */
  what?: string;
}

export interface TemplarOptions {
  /** Base for relative lookup('file'/'template') paths: the playbook directory. */
  baseDir?: string;
  /** Searched before baseDir (role directories...), each also with a files/ or templates/ subdirectory. */
  searchPaths?: string[];
  /** Seed for `random`/`shuffle` without a seed= argument, to make them deterministic (e.g. per host). */
  seed?: string;
  vaultDecrypt?: (t: VaultText) => string;
  /** Called for each warning (also collected in Templar.warnings). */
  onWarning?: (message: string) => void;
}

/** Ansible's SINGLE_VAR shortcut: `{{ name }}` of a number or bool gives the value itself (Python's $ allows a final \n). */
const SINGLE_VAR = /^\{\{\s*(\w*)\s*\}\}\n?$/;
const MAX_SHOWN = 300;

const TASK_MODE: RenderMode = { rawStrings: true, native: true };

function shown(src: string): string {
  return src.length > MAX_SHOWN ? `${src.slice(0, MAX_SHOWN)}...` : src;
}

const UNSAFE_TEXTS_LIMIT = 10_000;

export class Templar {
  readonly warnings: string[] = [];
  /** What filters and lookups may reach (see template-runtime.ts). */
  private readonly host: TemplarHost;
  private readonly nativeTexts = new Set<string>();
  /** Template-looking strings rendered from unsafe data (lookups, registered results): never templated again. */
  private readonly unsafeTexts = new Set<string>();
  /** Bumped whenever an unsafe value is read, so a render can tell whether its result is unsafe. */
  private unsafeReads = 0;
  private readonly views = new WeakMap<object, Vars>();
  private readonly rng?: PyRandom;

  constructor(private readonly opts: TemplarOptions = {}) {
    if (opts.seed !== undefined) this.rng = new PyRandom(opts.seed);
    this.host = {
      baseDir: opts.baseDir ?? process.cwd(),
      searchPaths: opts.searchPaths ?? [],
      nativeTexts: this.nativeTexts,
      seededRandom: () => this.rng,
      noteUnsafe: () => this.noteUnsafe(),
      warn: (m) => this.warn(m),
    };
  }

  private noteUnsafe(): void {
    this.unsafeReads++;
  }

  private warn(message: string): void {
    this.warnings.push(message);
    this.opts.onWarning?.(message);
  }

  /** Lazily-templated view of raw variables (see lazy-vars.ts); views of views are the view itself. */
  lazyVars(raw: Vars): Vars {
    if (isLazyView(raw)) return raw;
    let view = this.views.get(raw);
    if (!view) {
      view = createLazyView(raw, {
        renderString: (text, v) => this.renderString(text, v, TASK_MODE),
        decrypt: this.opts.vaultDecrypt,
        onUnsafe: () => this.noteUnsafe(),
        isUnsafeText: (s) => this.unsafeTexts.has(s),
      });
      this.views.set(raw, view);
    }
    return view;
  }

  /**
   * A view of `vars` (raw or a view) with `extra` on top, without templating anything now.
   * Use this instead of spreading a view (`{ ...view, x }` templates every variable on the spot).
   */
  overlay(vars: Vars, extra: Vars): Vars {
    const raw = isLazyView(vars) ? (rawOf(vars) ?? vars) : vars;
    return this.lazyVars({ ...raw, ...extra });
  }

  /**
   * Deep-render a value: strings anywhere in dicts/lists are templated with Ansible's typing rule,
   * dict keys whose value renders to `omit` are dropped, and unsafe values are returned as they are.
   */
  render(value: unknown, vars: Vars, where?: TemplateWhere): unknown {
    return this.renderValue(value, this.lazyVars(vars), where);
  }

  /** Render a template file's text (template module): always a string, None printing as ''. */
  renderText(text: string, vars: Vars, where?: TemplateWhere): string {
    const view = this.lazyVars(vars);
    const file = where?.pos?.file;
    try {
      const rt = new TemplateRuntime(this.host, view, file ? dirOf(file) : undefined);
      return renderText(text, rt, { rawStrings: false, native: false, file }) as string;
    } catch (e) {
      throw this.toError(e, text, where, true);
    }
  }

  /** Evaluate a raw Jinja expression (when, changed_when, failed_when, until, assert's that). */
  evaluate(expr: string, vars: Vars, where?: TemplateWhere): unknown {
    const view = this.lazyVars(vars);
    try {
      return toPlain(evaluateExpression(expr, new TemplateRuntime(this.host, view), evalExpr));
    } catch (e) {
      throw this.toError(e, expr, where);
    }
  }

  /** An Ansible conditional: a bool, an expression string, or a list of them (all must hold). */
  isTrue(cond: unknown, vars: Vars, where?: TemplateWhere): boolean {
    if (Array.isArray(cond)) return cond.every((c) => this.isTrue(c, vars, where));
    if (cond === null || cond === undefined || cond === '') return true;
    if (typeof cond === 'boolean') return cond;
    if (cond instanceof UnsafeText)
      throw new TsibleError(
        'template',
        'Conditional is marked as unsafe, and cannot be evaluated.',
        this.errOpts(where),
      );
    if (typeof cond !== 'string') return truthy(cond);
    const view = this.lazyVars(vars);
    if (isPossiblyTemplate(cond)) {
      this.warn(
        `conditional statements should not include jinja2 templating delimiters such as {{ }} or {% %}. Found: ${cond}`,
      );
    }
    try {
      const templated = this.renderString(cond, view, TASK_MODE);
      if (typeof templated !== 'string' || templated === '') return truthy(templated);
      return truthy(evaluateExpression(templated, new TemplateRuntime(this.host, view), evalExpr));
    } catch (e) {
      if (!(e instanceof TemplateFault)) throw this.toError(e, cond, where);
      const detail = e.undefinedVariable
        ? `error while evaluating conditional (${cond}): ${e.message}`
        : e.message;
      const err = new TsibleError(
        'template',
        `The conditional check '${cond}' failed. The error was: ${detail}`,
        { ...this.errOpts(where, e.line), hint: e.hint, cause: e },
      );
      throw err;
    }
  }

  private renderValue(v: unknown, view: Vars, where?: TemplateWhere): unknown {
    if (v instanceof UnsafeText) return v.text;
    if (v instanceof VaultText) v = this.decrypt(v);
    if (typeof v === 'string') {
      if (this.unsafeTexts.has(v)) return v;
      try {
        return this.renderString(v, view, TASK_MODE);
      } catch (e) {
        throw this.toError(e, v, where);
      }
    }
    if (isUnsafe(v)) return v;
    if (Array.isArray(v)) return v.map((x) => this.renderValue(x, view, where));
    if (isDict(v)) {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v)) {
        const r = this.renderValue(v[k], view, where);
        if (r !== OMIT) out[k] = r;
      }
      return out;
    }
    return v;
  }

  private renderString(text: string, view: Vars, mode: RenderMode): unknown {
    if (!isPossiblyTemplate(text)) return text;
    if (this.unsafeTexts.has(text)) {
      this.noteUnsafe();
      return text;
    }
    const single = SINGLE_VAR.exec(text);
    if (single && hasKey(view, single[1]!)) {
      const val = readItem(view, single[1]!).value;
      if (isNumber(val) || typeof val === 'boolean' || val === null) return toPlain(val);
    }
    const before = this.unsafeReads;
    const result = renderText(text, new TemplateRuntime(this.host, view), {
      ...mode,
      nativeTexts: this.nativeTexts,
    });
    if (this.unsafeReads !== before) this.taint(result);
    return result;
  }

  /** Like Ansible's wrap_var: what was rendered from unsafe data is unsafe (only matters if it looks like a template). */
  private taint(result: unknown): void {
    if (typeof result === 'string') {
      if (!isPossiblyTemplate(result)) return;
      if (this.unsafeTexts.size >= UNSAFE_TEXTS_LIMIT) this.unsafeTexts.clear();
      this.unsafeTexts.add(result);
    } else if (Array.isArray(result) || isDict(result)) {
      markUnsafe(result);
    }
  }

  private decrypt(v: VaultText): string {
    if (!this.opts.vaultDecrypt)
      throw new TsibleError('vault', 'A vaulted value was found but no vault secret was given');
    return this.opts.vaultDecrypt(v);
  }

  private errOpts(where?: TemplateWhere, line?: number): { pos?: SourcePos; task?: string } {
    let pos = where?.pos;
    if (pos && line !== undefined && line > 1) pos = { file: pos.file, line: (pos.line ?? 1) + line - 1 };
    return { pos, task: where?.task };
  }

  private toError(e: unknown, src: string, where: TemplateWhere | undefined, file = false): TsibleError {
    const prefix = where?.what ? `${where.what}: ` : '';
    if (e instanceof TemplateFault) {
      const stop = e.message.endsWith('.') ? '' : '.';
      const at = file ? (e.line === undefined ? '' : ` (line ${e.line})`) : `${stop} String: ${shown(src)}`;
      return new TsibleError('template', `${prefix}${e.message}${at}`, {
        ...this.errOpts(where, e.line),
        hint: e.hint,
        cause: e,
      });
    }
    if (e instanceof TsibleError) return e;
    const msg = e instanceof Error ? e.message : String(e);
    return new TsibleError(
      'template',
      `${prefix}unexpected templating error: ${msg}. String: ${shown(src)}`,
      { ...this.errOpts(where), cause: e },
    );
  }
}

function dirOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i <= 0 ? (i === 0 ? '/' : '.') : p.slice(0, i);
}

export { OMIT } from './omit.js';
export { markUnsafe } from './unsafe.js';
