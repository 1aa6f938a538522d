// Encodings and identifiers: base64, URL quoting/splitting, UUIDs, human-readable sizes.
import { createHash } from 'node:crypto';
import { fail } from '../fault.js';
import { filter, type FilterSpec } from '../engine/runtime.js';
import { list, optBool, str } from '../py/coerce.js';
import { percentFormat } from '../py/format.js';
import { hasKey, isDict, num, tuple } from '../py/values.js';

const UUID_NAMESPACE_ANSIBLE = '361E6D51-FAEC-444A-9079-341386DA8E2E';

/** RFC 4122 version 5 UUID (what Python's uuid.uuid5 computes). */
function uuid5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (ns.length !== 16) fail(`Invalid value '${namespace}' for 'namespace'`);
  const h = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

const SIZE_RANGES: [string, number][] = [
  ['Y', 2 ** 80],
  ['Z', 2 ** 70],
  ['E', 2 ** 60],
  ['P', 2 ** 50],
  ['T', 2 ** 40],
  ['G', 2 ** 30],
  ['M', 2 ** 20],
  ['K', 2 ** 10],
  ['B', 1],
];

function humanReadable(size: unknown, [isbits, unit]: unknown[]): string {
  const n = num(size);
  const base = optBool(isbits, false) ? 'bits' : 'Bytes';
  const u = unit === undefined || unit === null ? undefined : str(unit).toUpperCase();
  let pick = SIZE_RANGES[SIZE_RANGES.length - 1]!;
  for (const r of SIZE_RANGES) {
    if ((u === undefined && n >= r[1]) || (u !== undefined && u === r[0][0])) {
      pick = r;
      break;
    }
  }
  const suffix = pick[1] !== 1 ? pick[0] + base[0] : base;
  return percentFormat('%.2f %s', tuple([n / pick[1], suffix]));
}

function humanToBytes(size: unknown, [defaultUnit, isbits]: unknown[]): number {
  const m = /^\s*(\d*\.?\d*)\s*([A-Za-z]+)?\s*$/.exec(str(size));
  if (!m || m[1] === '') fail(`human_to_bytes() can't interpret following string: ${str(size)}`);
  const value = Number(m[1]);
  let unit = m[2] ?? (defaultUnit === undefined || defaultUnit === null ? 'B' : str(defaultUnit));
  const bits = optBool(isbits, false);
  const range = SIZE_RANGES.find((r) => r[0] === unit[0]!.toUpperCase());
  if (!range)
    fail(
      `human_to_bytes() failed to convert ${str(size)}. Value is not a valid string (expect B, KB, MB...)`,
    );
  unit = unit.length > 1 ? unit.slice(1) : '';
  if (unit && bits && unit !== 'b' && unit.toLowerCase() !== 'bit' && unit !== 'bits')
    fail(`human_to_bytes() failed to convert ${str(size)}: expected bits`);
  return Math.round(value * range[1]);
}

function filesizeformat(value: unknown, [binary]: unknown[]): string {
  const bytes = num(value);
  const bin = optBool(binary, false);
  const base = bin ? 1024 : 1000;
  const prefixes = bin
    ? ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB']
    : ['kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
  if (bytes === 1) return '1 Byte';
  if (bytes < base) return `${Math.trunc(bytes)} Bytes`;
  let unit = base;
  let prefix = prefixes[0]!;
  for (let i = 0; i < prefixes.length; i++) {
    unit = base ** (i + 2);
    prefix = prefixes[i]!;
    if (bytes < unit) break;
  }
  return `${((base * bytes) / unit).toFixed(1)} ${prefix}`;
}

/** Python's urllib quote: everything but unreserved characters (and '/' unless for a query string). */
function urlQuote(s: string, forQuery: boolean): string {
  const q = encodeURIComponent(s).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return forQuery ? q.replace(/%20/g, '+') : q.replace(/%2F/g, '/');
}

function urlencode(value: unknown): string {
  if (typeof value === 'string') return urlQuote(value, false);
  const pairs = isDict(value) ? Object.entries(value) : list(value).map((p) => list(p) as [unknown, unknown]);
  return pairs.map(([k, v]) => `${urlQuote(str(k), true)}=${urlQuote(str(v), true)}`).join('&');
}

function urlsplit(value: unknown, [query]: unknown[]): unknown {
  const m = /^(?:([a-zA-Z][a-zA-Z0-9+.-]*):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/s.exec(
    str(value),
  )!;
  const netloc = m[2] ?? '';
  const at = netloc.lastIndexOf('@');
  const userinfo = at >= 0 ? netloc.slice(0, at) : undefined;
  const hostport = at >= 0 ? netloc.slice(at + 1) : netloc;
  const hp = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(hostport);
  const host = hp?.[1]?.replace(/^\[|\]$/g, '') ?? '';
  const parts: Record<string, unknown> = {
    fragment: m[5] ?? '',
    hostname: host ? host.toLowerCase() : null,
    netloc,
    password: userinfo?.includes(':') ? userinfo.slice(userinfo.indexOf(':') + 1) : null,
    path: m[3] ?? '',
    port: hp?.[2] ? Number(hp[2]) : null,
    query: m[4] ?? '',
    scheme: (m[1] ?? '').toLowerCase(),
    username: userinfo === undefined ? null : userinfo.split(':')[0]!,
  };
  if (query === undefined || query === '') return parts;
  const q = str(query);
  if (!hasKey(parts, q)) fail(`urlsplit: unknown URL component: ${q}`);
  return parts[q];
}

export const ENCODING_FILTERS: Record<string, FilterSpec> = {
  b64encode: filter(['encoding'], (v) => Buffer.from(str(v), 'utf8').toString('base64')),
  b64decode: filter(['encoding'], (v) => Buffer.from(str(v), 'base64').toString('utf8')),
  to_uuid: filter(['namespace'], (v, [ns]) =>
    uuid5(str(v), ns === undefined ? UUID_NAMESPACE_ANSIBLE : str(ns)),
  ),
  human_readable: filter(['isbits', 'unit'], humanReadable),
  human_to_bytes: filter(['default_unit', 'isbits'], humanToBytes),
  filesizeformat: filter(['binary'], filesizeformat),
  urlencode: filter([], urlencode),
  urldecode: filter([], (v) => decodeURIComponent(str(v).replace(/\+/g, ' '))),
  urlsplit: filter(['query'], urlsplit),
};
