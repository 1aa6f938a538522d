// The version test (version_compare): LooseVersion by default, StrictVersion, semver.
import { fail, TemplateFault } from '../fault.js';
import { test, type TestSpec } from '../engine/runtime.js';
import { str } from '../py/coerce.js';
import { pyCmp, pyEq } from '../py/ops.js';

const OPS: Record<string, string> = {
  '==': 'eq',
  '=': 'eq',
  eq: 'eq',
  '<': 'lt',
  lt: 'lt',
  '<=': 'le',
  le: 'le',
  '>': 'gt',
  gt: 'gt',
  '>=': 'ge',
  ge: 'ge',
  '!=': 'ne',
  '<>': 'ne',
  ne: 'ne',
};

/** distutils LooseVersion: numbers and letter runs, compared element by element. */
function loose(v: string): unknown[] {
  return v
    .split(/(\d+|[a-z]+|\.)/)
    .filter((x) => x !== '' && x !== '.')
    .map((x) => (/^\d+$/.test(x) ? Number(x) : x));
}

/** distutils StrictVersion as a comparable list: major, minor, patch, then the pre-release ('z' sorts last). */
function strict(v: string): unknown[] {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?(?:([ab])(\d+))?$/.exec(v);
  if (!m) fail(`invalid version number '${v}'`);
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0), m[4] ?? 'z', Number(m[5] ?? 0)];
}

const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+[0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*)?$/;

function semverCmp(a: string, b: string): number {
  const pa = SEMVER.exec(a) ?? fail(`invalid semantic version '${a}'`);
  const pb = SEMVER.exec(b) ?? fail(`invalid semantic version '${b}'`);
  for (let i = 1; i <= 3; i++) if (pa[i] !== pb[i]) return Number(pa[i]) - Number(pb[i]);
  const ra = pa[4];
  const rb = pb[4];
  if (ra === rb) return 0;
  if (ra === undefined) return 1;
  if (rb === undefined) return -1;
  const xa = ra.split('.');
  const xb = rb.split('.');
  for (let i = 0; i < Math.min(xa.length, xb.length); i++) {
    const [x, y] = [xa[i]!, xb[i]!];
    if (x === y) continue;
    const [nx, ny] = [/^\d+$/.test(x), /^\d+$/.test(y)];
    if (nx && ny) return Number(x) - Number(y);
    if (nx !== ny) return nx ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return xa.length - xb.length;
}

function versionCompare(value: unknown, [version, operator, strictArg, versionType]: unknown[]): boolean {
  if (strictArg !== undefined && strictArg !== null && versionType !== undefined && versionType !== null) {
    fail("Cannot specify both 'strict' and 'version_type'");
  }
  const a = str(value ?? '');
  const b = str(version ?? '');
  if (!a) fail('Input version value cannot be empty');
  if (!b) fail('Version parameter to compare against cannot be empty');
  const opName = operator === undefined ? 'eq' : str(operator);
  const op =
    (Object.prototype.hasOwnProperty.call(OPS, opName) ? OPS[opName] : undefined) ??
    fail(
      `Invalid operator type (${opName}). Must be one of ${Object.keys(OPS)
        .map((o) => `'${o}'`)
        .join(', ')}`,
    );
  const type = strictArg
    ? 'strict'
    : versionType === undefined || versionType === null
      ? 'loose'
      : str(versionType);
  let c: number;
  try {
    if (type === 'loose') {
      const [x, y] = [loose(a), loose(b)];
      c = pyEq(x, y) ? 0 : pyCmp(x, y);
    } else if (type === 'strict') c = pyCmp(strict(a), strict(b));
    else if (type === 'semver' || type === 'semantic') c = semverCmp(a, b);
    else return fail(`Invalid version type (${type}). Must be one of loose, strict, semver, semantic`);
  } catch (e) {
    if (e instanceof TemplateFault) fail(`Version comparison failed: ${e.message}`);
    throw e;
  }
  const results: Record<string, boolean> = {
    eq: c === 0,
    ne: c !== 0,
    lt: c < 0,
    le: c <= 0,
    gt: c > 0,
    ge: c >= 0,
  };
  return results[op]!;
}

const spec = test(['version', 'operator', 'strict', 'version_type'], versionCompare);

export const VERSION_TESTS: Record<string, TestSpec> = {
  version: spec,
  version_compare: spec,
};
