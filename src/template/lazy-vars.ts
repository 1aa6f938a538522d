// A lazily-templated view of variables: reading a value templates it then and there, with the view itself as
// context, so `a: "{{ b }}-x"` follows later changes to b, and a self-reference is caught instead of looping.
import type { Vars } from '../core/types.js';
import { UnsafeText, VaultText } from '../core/yaml.js';
import { registerProxy } from './engine/proxies.js';
import { fail, TemplateFault } from './fault.js';
import { hasKey, isDict, Undef } from './py/values.js';
import { isUnsafe } from './unsafe.js';

export interface LazyHooks {
  /** Template a variable's string value with `view` as the context. */
  renderString(text: string, view: Vars): unknown;
  decrypt?(t: VaultText): string;
  /** Called whenever an unsafe value is handed out (so whatever is rendered from it is unsafe too). */
  onUnsafe?(): void;
  /** Strings known to be unsafe by content (rendered from unsafe data): returned without templating. */
  isUnsafeText?(s: string): boolean;
}

export function isPossiblyTemplate(s: string): boolean {
  const i = s.indexOf('{');
  return i >= 0 && (s.includes('{{', i) || s.includes('{%', i) || s.includes('{#', i));
}

class LazyView {
  readonly root: Vars;
  private readonly proxies = new WeakMap<object, object>();
  private readonly inProgress = new Map<object, Set<string>>();

  constructor(
    raw: Vars,
    private readonly hooks: LazyHooks,
  ) {
    this.root = this.wrap(raw, '') as Vars;
  }

  private wrap(obj: object, path: string): object {
    const known = this.proxies.get(obj);
    if (known) return known;
    const proxy = new Proxy(obj, {
      get: (target, key, receiver) => {
        if (typeof key === 'symbol' || !hasKey(target, key)) return Reflect.get(target, key, receiver);
        return this.resolve(target, key, path);
      },
      set: () => fail('template variables are read-only through a lazy view'),
      deleteProperty: () => fail('template variables are read-only through a lazy view'),
    });
    registerProxy(proxy);
    this.proxies.set(obj, proxy);
    return proxy;
  }

  /** `parent`'s path plus `key`, for messages only (computed on demand: reads are hot). */
  private childPath(container: object, key: string, parent: string): string {
    if (Array.isArray(container)) return `${parent}[${key}]`;
    return parent ? `${parent}.${key}` : key;
  }

  private resolve(container: object, key: string, parent: string): unknown {
    const v = (container as Record<string, unknown>)[key];
    // Hot path: most values are plain scalars.
    if (typeof v === 'string') {
      if (!isPossiblyTemplate(v)) return v;
      if (this.hooks.isUnsafeText?.(v)) {
        this.hooks.onUnsafe?.();
        return v;
      }
      return this.renderGuarded(container, key, this.childPath(container, key, parent), v);
    }
    if (typeof v !== 'object' || v === null) return v;
    if (v instanceof UnsafeText) {
      this.hooks.onUnsafe?.();
      return v.text;
    }
    if (v instanceof VaultText) {
      if (!this.hooks.decrypt)
        fail(
          `cannot decrypt vaulted variable '${this.childPath(container, key, parent)}': no vault secret given`,
        );
      const text = this.hooks.decrypt(v);
      return isPossiblyTemplate(text)
        ? this.renderGuarded(container, key, this.childPath(container, key, parent), text)
        : text;
    }
    if (isUnsafe(v)) {
      this.hooks.onUnsafe?.();
      return v;
    }
    if (Array.isArray(v) || isDict(v)) return this.wrap(v, this.childPath(container, key, parent));
    return v;
  }

  private renderGuarded(container: object, key: string, path: string, text: string): unknown {
    let busy = this.inProgress.get(container);
    if (busy?.has(key)) fail(`recursive loop detected in template string: ${path}`);
    if (!busy) this.inProgress.set(container, (busy = new Set()));
    busy.add(key);
    try {
      return this.hooks.renderString(text, this.root);
    } catch (e) {
      // Like Ansible, a variable whose template hits an undefined name is itself undefined: `is defined` and
      // default() still work, and any other use raises, naming the variable.
      if (e instanceof TemplateFault && e.undefinedVariable) {
        const hint = e.hint;
        return new Undef(`${e.message} (in the value of '${path}')`, { hint: () => hint, name: path });
      }
      throw e;
    } finally {
      busy.delete(key);
    }
  }
}

const VIEWS = new WeakMap<object, Vars>();

/** A lazy view over raw variables (see LazyView). */
export function createLazyView(raw: Vars, hooks: LazyHooks): Vars {
  const view = new LazyView(raw, hooks).root;
  VIEWS.set(view, raw);
  return view;
}

export function isLazyView(v: unknown): v is Vars {
  return typeof v === 'object' && v !== null && VIEWS.has(v);
}

/** The raw variables behind a top-level view (undefined for anything else). */
export function rawOf(view: Vars): Vars | undefined {
  return VIEWS.get(view);
}
