// package: the generic package module; dispatches to the host's package manager module (apt for now).
import { defineModule, type Fact, type ParamSpec, type ParamSpecs } from '../src/core/module.js';
import { checkParams } from '../src/core/params.js';
import { pkgMgr } from '../src/facts/pkg-mgr.js';
import { apt } from './apt.js';
import { unused } from './_shared/facts.js';
import { failPlan } from './_shared/fail.js';

/** Backends tsible implements, by Ansible's pkg_mgr name. */
const BACKENDS = { apt } as const;

// Like Ansible, every other argument is handed to the backend. Declaring the backend's own options here
// (without their defaults, which the backend applies) keeps mistyped names an error before any host is
// contacted, and documents them.
const passThrough: ParamSpecs = Object.fromEntries(
  Object.entries(apt.params as ParamSpecs)
    .filter(([name]) => name !== 'name' && name !== 'state')
    .map(([name, spec]): [string, ParamSpec] => {
      const { default: _default, ...rest } = spec;
      return [name, { ...rest, description: `(apt) ${spec.description}` }];
    }),
);

const params = {
  name: { type: 'list', elements: 'str', required: true, description: 'Package names (name=version pins).' },
  state: {
    type: 'str',
    required: true,
    description: 'present, absent or latest (and whatever else the backend accepts).',
  },
  use: {
    type: 'str',
    default: 'auto',
    description: "The backend module: auto uses the host's ansible_pkg_mgr fact (or detects it).",
  },
  ...passThrough,
} as const;

export const package_ = defineModule({
  name: 'package',
  doc: {
    short: 'Generic OS package manager',
    description:
      "Runs the module for the host's package manager with the same arguments: `use`, else the gathered " +
      'ansible_pkg_mgr fact, else a detection on the host. tsible implements apt; other managers fail clearly.',
    examples: [
      '- package: name=git state=present',
      '- package:',
      '    name: [curl, htop]',
      '    state: latest',
    ].join('\n'),
    returns: { '(backend)': "The backend module's return values (for apt: cache_updated, stdout, ...)." },
  },
  params,
  check: 'full',
  diff: false,
  runsOn: 'host',
  async facts(p, ctx) {
    const known = p.use !== 'auto' ? p.use : ctx.hostFacts.pkg_mgr;
    // Only apt exists, so its facts are read whatever the host turns out to be; they fail harmlessly.
    const bp = checkParams(apt, backendArgs(p), { module: 'package', warn: ctx.warn });
    const detected: Fact<string | undefined> = typeof known === 'string' ? unused<string>() : pkgMgr();
    return { detected, ...(await apt.facts!(bp, ctx)) };
  },
  plan(p, f, ctx) {
    const known = p.use !== 'auto' ? p.use : ctx.hostFacts.pkg_mgr;
    const mgr = typeof known === 'string' ? known : (f.detected ?? 'unknown');
    const backend = BACKENDS[mgr as keyof typeof BACKENDS];
    if (!backend) {
      return failPlan(
        `tsible's package module supports apt only; this host's package manager is '${mgr}'` +
          (p.use !== 'auto' ? ' (from use)' : ''),
      );
    }
    const bp = checkParams(backend, backendArgs(p), { module: 'package' });
    return backend.plan(bp, f, ctx);
  },
});

/** The arguments for the backend: everything given except `use`. */
function backendArgs(p: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p)) if (k !== 'use' && v !== undefined) out[k] = v;
  return out;
}
