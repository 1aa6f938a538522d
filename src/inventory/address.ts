// Recognising "host", "host:port", "[ipv6]:port" and ranged host names the way Ansible's parse_address does.
export interface Address {
  host: string;
  port?: number;
}

const NUM_RANGE = String.raw`\[[0-9]+:[0-9]+(?::[0-9]+)?\]`;
const HEX_RANGE = String.raw`\[[0-9a-f]+:[0-9a-f]+(?::[0-9]+)?\]`;
const ALNUM_RANGE = String.raw`\[(?:[a-z]:[a-z]|[0-9]+:[0-9]+)(?::[0-9]+)?\]`;

const BRACKETED_HOSTPORT = /^\[(.+)\]:([0-9]+)$/;
// Anything without ':' or brackets, or complete [..] groups, then :port.
const HOSTPORT = /^((?:[^:[\]]|\[[^\]]*\])*):([0-9]+)$/;
const IPV4_PART = `(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]|${NUM_RANGE})`;
const IPV4 = new RegExp(`^(?:${IPV4_PART}\\.){3}${IPV4_PART}$`, 'i');
// A DNS-like label of word characters and dashes (not ending in - or _), where ranges may stand for characters.
const LABEL = `(?:[\\p{L}\\p{N}_]|${ALNUM_RANGE})(?:[\\p{L}\\p{N}_-]|${ALNUM_RANGE})*(?<![_-])`;
const HOSTNAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`, 'iu');

// IPv6 forms, where any 16-bit group may be a hex range. As in Ansible, only the last form must match the
// whole text: the others only need to match at the start (so `fe80::1%eth0` is accepted).
const H = `(?:[0-9a-f]{1,4}|${HEX_RANGE})`;
const IPV6_PREFIXES = [
  `(?:${H}:){7}${H}`,
  `(?:${H}:){1,6}:`,
  `(?:${H}:)(?::${H}){1,6}`,
  `(?:${H}:){2}(?::${H}){1,5}`,
  `(?:${H}:){3}(?::${H}){1,4}`,
  `(?:${H}:){4}(?::${H}){1,3}`,
  `(?:${H}:){5}(?::${H}){1,2}`,
  `(?:${H}:){6}(?::${H})`,
  `:(?::${H}){1,6}`,
  `${H}?::`,
  `(?:0:){6}(?:${H}\\.){3}${H}`,
  `::(?:ffff:)?(?:${H}\\.){3}${H}`,
];
const IPV6_WHOLE = `(?:0:){5}ffff:(?:${H}\\.){3}${H}$`;
const IPV6 = new RegExp(`^(?:${[...IPV6_PREFIXES, IPV6_WHOLE].join('|')})`, 'i');

/**
 * Split an optional port off a host identifier and check that what is left is an IPv4/IPv6 address or a
 * host name (possibly with [x:y] ranges). Returns undefined when it is none of these, or when it contains a
 * range and ranges are not allowed; callers then use the text unchanged.
 */
export function parseAddress(text: string, allowRanges: boolean): Address | undefined {
  let address = text;
  let port: number | undefined;
  for (const re of [BRACKETED_HOSTPORT, HOSTPORT]) {
    const m = re.exec(address);
    if (m) {
      address = m[1]!;
      port = Number(m[2]);
    }
  }
  if (!IPV4.test(address) && !IPV6.test(address) && !HOSTNAME.test(address)) return undefined;
  if (!allowRanges && address.includes('[')) return undefined;
  return port === undefined ? { host: address } : { host: address, port };
}
