// Host pattern algebra (hosts:, --limit): unions, :& intersections, :! exclusions, globs, ~regex, subscripts.
import { TsibleError } from '../core/errors.js';
import { parseAddress } from './address.js';
import { LOCALHOST_NAMES } from './inventory-data.js';
import { nameMatcher } from './name-match.js';

/** What pattern evaluation needs to know about an inventory. */
export interface PatternTarget {
  /** Every group name, `all` and `ungrouped` included, in inventory order. */
  groupNames(): string[];
  /** A group's hosts including those of its descendants, in inventory order. */
  groupHosts(group: string): string[];
  /** Every host name in inventory order. */
  hostNames(): string[];
  hasHost(name: string): boolean;
  /** The name of the implicit localhost for a localhost-like name, created on first use. */
  implicitLocalhost(name: string): string | undefined;
  warn(message: string): void;
}

// A pattern ending in [i], [-i], [i:j], [i:] (or the removed [i-j]).
const SUBSCRIPT = /^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\]$/s;
// The legacy ':' separator: runs of anything but whitespace, ':' and brackets, or whole [..] groups.
const COLON_TERMS = /(?:[^\s:[\]]|\[[^\]]*\])+/g;

/**
 * Split a pattern into terms. Commas always separate; without a comma, ':' separates too, unless the whole
 * text is one host address such as an IPv6 address or `web[1:3]`.
 */
export function splitHostPattern(pattern: string | string[]): string[] {
  if (Array.isArray(pattern)) return pattern.flatMap((p) => splitHostPattern(p));
  let terms: string[];
  if (pattern.includes(',')) terms = pattern.split(',');
  else if (parseAddress(pattern, true)) terms = [pattern];
  else terms = pattern.match(COLON_TERMS) ?? [];
  return terms.map((t) => t.trim()).filter((t) => t !== '');
}

/** Plain terms first, then `&` terms, then `!` terms; with no plain term, `all` is assumed. */
export function orderPatterns(terms: string[]): string[] {
  const plain: string[] = [];
  const and: string[] = [];
  const not: string[] = [];
  for (const t of terms) {
    if (!t) continue;
    if (t.startsWith('!')) not.push(t);
    else if (t.startsWith('&')) and.push(t);
    else plain.push(t);
  }
  return [...(plain.length > 0 ? plain : ['all']), ...and, ...not];
}

/** Host names selected by `terms` (already split), deduplicated, in the order they were matched. */
export function evaluatePatterns(target: PatternTarget, terms: string[]): string[] {
  let hosts: string[] = [];
  for (const term of orderPatterns(terms)) {
    if (target.hasHost(term)) {
      // An exact host name is taken as the host, even when a group has the same name.
      hosts.push(term);
      continue;
    }
    const matched = matchOne(target, term);
    if (term.startsWith('!')) {
      const drop = new Set(matched);
      hosts = hosts.filter((h) => !drop.has(h));
    } else if (term.startsWith('&')) {
      const keep = new Set(matched);
      hosts = hosts.filter((h) => keep.has(h));
    } else {
      const existing = new Set(hosts);
      hosts.push(...matched.filter((h) => !existing.has(h)));
    }
  }
  return [...new Set(hosts)];
}

/** One term without its &/! prefix, with an optional subscript applied. */
function matchOne(target: PatternTarget, term: string): string[] {
  const pattern = term.startsWith('&') || term.startsWith('!') ? term.slice(1) : term;
  const { expr, subscript } = splitSubscript(target, pattern);
  const hosts = enumerateMatches(target, expr);
  if (!subscript || hosts.length === 0) return hosts;
  const [start, end] = subscript;
  if (end !== undefined && end !== 0) {
    return hosts.slice(start, (end === -1 ? hosts.length - 1 : end) + 1);
  }
  // [i] (and, as in Ansible, [i:0]) selects one host; Python's negative indexes count from the end.
  const h = hosts[start < 0 ? hosts.length + start : start];
  if (h === undefined) {
    throw new TsibleError('inventory', `No hosts matched the subscripted pattern '${pattern}'`, {
      hint: `'${expr}' has ${hosts.length} host${hosts.length === 1 ? '' : 's'}; subscripts count from 0`,
    });
  }
  return [h];
}

function splitSubscript(
  target: PatternTarget,
  pattern: string,
): { expr: string; subscript?: [number, number | undefined] } {
  if (pattern.startsWith('~')) return { expr: pattern };
  const m = SUBSCRIPT.exec(pattern);
  if (!m) return { expr: pattern };
  const [, expr, idx, start, sep, end] = m;
  if (idx !== undefined) return { expr: expr!, subscript: [parseInt(idx, 10), undefined] };
  if (sep === '-') target.warn('Use [x:y] inclusive subscripts instead of [x-y] which has been removed');
  return { expr: expr!, subscript: [parseInt(start!, 10), end ? parseInt(end, 10) : -1] };
}

/**
 * Groups whose name matches contribute all their hosts; host names are tried too when no group matched or
 * the pattern is a regex or has glob/dot characters. `all` and `ungrouped` are ordinary group names here.
 */
function enumerateMatches(target: PatternTarget, pattern: string): string[] {
  const matches = nameMatcher(pattern);
  const results: string[] = [];
  const groups = target.groupNames().filter(matches);
  for (const g of groups) results.push(...target.groupHosts(g));
  if (groups.length === 0 || pattern.startsWith('~') || /[.?*[]/.test(pattern)) {
    results.push(...target.hostNames().filter(matches));
  }
  if (results.length === 0 && LOCALHOST_NAMES.includes(pattern)) {
    const implicit = target.implicitLocalhost(pattern);
    if (implicit !== undefined) results.push(implicit);
  }
  if (results.length === 0 && groups.length === 0 && pattern !== 'all') {
    target.warn(`Could not match supplied host pattern, ignoring: ${pattern}`);
  }
  return results;
}
