// Registry of lazy variable views, so template code can refuse to mutate the user's variables in place.

const PROXIES = new WeakSet<object>();

export function registerProxy(p: object): void {
  PROXIES.add(p);
}

export function isVarsProxy(v: unknown): boolean {
  return typeof v === 'object' && v !== null && PROXIES.has(v);
}
