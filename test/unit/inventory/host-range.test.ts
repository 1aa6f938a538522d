// Host addresses (host:port, IPv4/IPv6, ranged names) and range expansion, as Ansible's parse_address does it.
import { describe, expect, it } from 'vitest';
import { parseAddress } from '../../../src/inventory/address.js';
import { expandHostPattern, expandRanges, HostRangeError } from '../../../src/inventory/host-range.js';

describe('parseAddress', () => {
  const cases: [string, boolean, ReturnType<typeof parseAddress>][] = [
    ['host', false, { host: 'host' }],
    ['host:22', false, { host: 'host', port: 22 }],
    ['web01.example.com:2222', false, { host: 'web01.example.com', port: 2222 }],
    ['10.0.0.1', false, { host: '10.0.0.1' }],
    ['10.0.0.1:22', false, { host: '10.0.0.1', port: 22 }],
    ['::1', false, { host: '::1' }],
    ['[::1]:22', false, { host: '::1', port: 22 }],
    ['fe80::1:22', false, { host: 'fe80::1:22' }],
    ['[host]:22', false, { host: 'host', port: 22 }],
    ['web[1:3]', true, { host: 'web[1:3]' }],
    ['web[1:3]:22', true, { host: 'web[1:3]', port: 22 }],
    ['db-[a:c]', true, { host: 'db-[a:c]' }],
    ['10.0.0.[1:3]', true, { host: '10.0.0.[1:3]' }],
    ['web[1:3]', false, undefined],
    ['host:abc', true, undefined],
    ['host_', true, undefined],
    ['-host', true, undefined],
    ['a b', true, undefined],
    ['host:', true, undefined],
    // Like Ansible, most IPv6 forms only have to match at the start.
    ['fe80::1%eth0', true, { host: 'fe80::1%eth0' }],
    ['[fe80::1%eth0]:22', true, { host: 'fe80::1%eth0', port: 22 }],
    ['1:2:3:4:5:6:7:8:9', true, { host: '1:2:3:4:5:6:7:8:9' }],
    ['héllo', true, { host: 'héllo' }],
  ];
  it.each(cases)('%j (ranges %s)', (text, ranges, expected) => {
    expect(parseAddress(text, ranges)).toEqual(expected);
  });
});

describe('expandHostPattern', () => {
  it('expands ranges and keeps the port', () => {
    expect(expandHostPattern('web[1:2].example.com:22')).toEqual({
      hosts: ['web1.example.com', 'web2.example.com'],
      port: 22,
    });
  });

  it('keeps text that is not an address unchanged', () => {
    expect(expandHostPattern('weird:name')).toEqual({ hosts: ['weird:name'] });
  });

  it('zero-pads to the width of the start', () => {
    expect(expandRanges('n[08:11]')).toEqual(['n08', 'n09', 'n10', 'n11']);
  });

  it('throws HostRangeError for malformed ranges', () => {
    expect(() => expandRanges('h[1]')).toThrow(HostRangeError);
    expect(() => expandRanges('h]x[1:2]')).toThrow('host range must be begin:end or begin:end:step');
  });
});
