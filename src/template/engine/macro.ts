// {% macro %} and {% call %}: callables whose body renders in a frame over the defining scope.
import { PyCallable, Undef, type Kwargs } from '../py/values.js';
import type { JNode } from '../syntax/ast.js';
import { evalExpr } from './evaluate.js';
import { renderBody } from './execute.js';
import { Frame } from './frame.js';
import type { RenderState } from './state.js';

interface Param {
  name: string;
  dflt?: JNode;
}

function params(n: JNode): Param[] {
  const out: Param[] = [];
  for (const a of n.args?.children ?? []) {
    if (a.typename === 'KeywordArgs') {
      for (const pair of a.children ?? [])
        out.push({ name: String(pair.key?.value), dflt: pair.value as JNode });
    } else {
      out.push({ name: String(a.value) });
    }
  }
  return out;
}

/** Build the callable for a Macro or Caller node, closing over `closure`. */
export function makeMacro(n: JNode, st: RenderState, closure: Frame): PyCallable {
  const name = String(n.name?.value ?? 'caller');
  const ps = params(n);
  const call = (args: unknown[], kw: Kwargs): unknown => {
    const f = new Frame(closure);
    const rest = { ...kw };
    ps.forEach((p, i) => {
      if (i < args.length) f.set(p.name, args[i]);
      else if (p.name in rest) f.set(p.name, rest[p.name]);
      else if (p.dflt) f.set(p.name, evalExpr(p.dflt, st, f));
      else
        f.set(
          p.name,
          new Undef(`parameter '${p.name}' of macro '${name}' was not provided`, { name: p.name }),
        );
      delete rest[p.name];
    });
    if ('caller' in rest) {
      f.set('caller', rest.caller);
      delete rest.caller;
    }
    f.set('varargs', args.slice(ps.length));
    f.set('kwargs', rest);
    return renderBody(n.body!, st, f);
  };
  return new PyCallable(name, call, `<Macro '${name}'>`);
}
