// Host patterns (§1.5), --limit, implicit localhost and run-time add_host/group_by; expectations from ansible 2.14.
import { beforeAll, describe, expect, it } from 'vitest';
import { TsibleError } from '../../../src/core/errors.js';
import type { Inventory } from '../../../src/inventory/inventory.js';
import { splitHostPattern } from '../../../src/inventory/patterns.js';
import { errorOf, loadIni, loadTree } from './fixtures.js';

const INI = `[web]
web01
web02
web03
[db]
db01
web02
[prod:children]
web
db
[other]
x.example.com
`;

const NO_MATCH = 'Could not match supplied host pattern, ignoring: ';

describe('host patterns', () => {
  let inv: Inventory;
  beforeAll(async () => {
    inv = await loadIni(INI);
  });

  // [pattern, hosts, warnings it adds]
  const cases: [string, string[], string[]][] = [
    ['all', ['x.example.com', 'web01', 'web02', 'web03', 'db01'], []],
    ['*', ['x.example.com', 'web01', 'web02', 'web03', 'db01'], []],
    ['web', ['web01', 'web02', 'web03'], []],
    ['prod', ['web01', 'web02', 'web03', 'db01'], []],
    ['web01', ['web01'], []],
    ['web*', ['web01', 'web02', 'web03'], []],
    ['*.example.com', ['x.example.com'], []],
    ['w?b0[13]x', [], [`${NO_MATCH}w?b0[13]x`]],
    ['web0[!2]', ['web01', 'web03'], []],
    ['~web0[12].*', ['web01', 'web02'], []],
    ['~(?P<n>web)0[3]', ['web03'], []],
    ['~eb', [], [`${NO_MATCH}~eb`]],
    ['web,db', ['web01', 'web02', 'web03', 'db01'], []],
    ['web:db', ['web01', 'web02', 'web03', 'db01'], []],
    [' web , db ', ['web01', 'web02', 'web03', 'db01'], []],
    ['web:&db', ['web02'], []],
    ['db,&web', ['web02'], []],
    ['prod:!web', ['db01'], []],
    ['all:!db', ['x.example.com', 'web01', 'web03'], []],
    ['!web', ['x.example.com', 'db01'], []],
    ['&db', ['web02', 'db01'], []],
    ['!db:web', ['web01', 'web03'], []],
    ['web[0]', ['web01'], []],
    ['web[-1]', ['web03'], []],
    ['web[1:2]', ['web02', 'web03'], []],
    ['web[1:]', ['web02', 'web03'], []],
    ['web[1:0]', ['web02'], []],
    ['prod[2]', ['web03'], []],
    ['web*[0]', ['web01'], []],
    [
      'web[0-1]',
      ['web01', 'web02'],
      ['Use [x:y] inclusive subscripts instead of [x-y] which has been removed'],
    ],
    ['web0[1:2]', [], [`${NO_MATCH}web0`]],
    ['nomatch,web', ['web01', 'web02', 'web03'], [`${NO_MATCH}nomatch`]],
    ['db,web:!web02', ['db01', 'web02'], [`${NO_MATCH}web:!web02`]],
    ['web01:22', [], [`${NO_MATCH}web01:22`]],
    ['ungrouped', [], []],
    ['ung*', [], []],
    // An empty pattern has no plain term, so `all` is assumed (plays reject an empty hosts: earlier).
    ['', ['x.example.com', 'web01', 'web02', 'web03', 'db01'], []],
  ];

  it.each(cases)('%j', (pattern, hosts, warnings) => {
    inv.warnings.length = 0;
    expect(inv.resolve(pattern)).toEqual(hosts);
    expect(inv.warnings).toEqual(warnings);
  });

  it('accepts a list of terms', () => {
    expect(inv.resolve(['web', '!web02'])).toEqual(['web01', 'web03']);
  });

  it('errors on a subscript past the end', async () => {
    const err = await errorOf(() => inv.resolve('web[5]'));
    expect(err).toBeInstanceOf(TsibleError);
    expect(err.message).toBe("No hosts matched the subscripted pattern 'web[5]'");
    expect((await errorOf(() => inv.resolve('web[-4]'))).message).toBe(
      "No hosts matched the subscripted pattern 'web[-4]'",
    );
  });

  it('errors on an invalid regex', async () => {
    const err = await errorOf(() => inv.resolve('~web('));
    expect(err.message).toBe('Invalid host list pattern: ~web(');
  });

  it('warns only once for the same unmatched term', () => {
    inv.warnings.length = 0;
    inv.resolve('ghost');
    inv.resolve('ghost,web');
    expect(inv.warnings).toEqual([`${NO_MATCH}ghost`]);
  });
});

describe('splitHostPattern', () => {
  const cases: [string, string[]][] = [
    ['a,b', ['a', 'b']],
    ['a:b', ['a', 'b']],
    ['a:&b:!c', ['a', '&b', '!c']],
    ['web[1:2]', ['web[1:2]']],
    ['::1', ['::1']],
    ['fe80::1:2', ['fe80::1:2']],
    ['10.0.0.1:22', ['10.0.0.1:22']],
    ['a:b,c', ['a:b', 'c']],
    ['~web0[12].*', ['~web0[12].*']],
    ['a,,b,', ['a', 'b']],
  ];
  it.each(cases)('%j', (pattern, terms) => {
    expect(splitHostPattern(pattern)).toEqual(terms);
  });
});

describe('implicit localhost', () => {
  it('resolves localhost, 127.0.0.1 and ::1 to an implicit host that is not in all', async () => {
    const inv = await loadIni('[g]\nh1\n');
    expect(inv.resolve('localhost')).toEqual(['localhost']);
    expect(inv.warnings).toEqual([]);
    const h = inv.host('localhost')!;
    expect(h.implicit).toBe(true);
    expect(h.vars).toEqual({ ansible_connection: 'local' });
    expect(inv.resolve('all')).toEqual(['h1']);
    expect(inv.hosts().map((x) => x.name)).toEqual(['h1']);
    expect(inv.groupsMap().all).toEqual(['h1']);
    expect(inv.resolve('localhost:!h1')).toEqual(['localhost']);
  });

  it('reuses the first localhost-like host for the other names', async () => {
    const inv = await loadIni('[g]\nlocalhost ansible_connection=local\n');
    expect(inv.resolve('127.0.0.1')).toEqual(['localhost']);
    expect(inv.host('localhost')!.implicit).toBe(false);
    const other = await loadIni('h1\n');
    expect(other.resolve('127.0.0.1')).toEqual(['127.0.0.1']);
    expect(other.resolve('localhost')).toEqual(['127.0.0.1']);
  });

  it('is not created for globs', async () => {
    const inv = await loadIni('h1\n');
    expect(inv.resolve('local*')).toEqual([]);
    expect(inv.warnings).toEqual([`${NO_MATCH}local*`]);
  });
});

describe('limit', () => {
  it('intersects with a pattern', async () => {
    const inv = await loadIni(INI);
    expect(inv.limit(['web01', 'web02', 'db01'], 'db')).toEqual(['web02', 'db01']);
    expect(inv.limit(['web01', 'web02', 'db01'], '!db')).toEqual(['web01']);
    expect(inv.resolve('all', { limit: 'web:!web02' })).toEqual(['web01', 'web03']);
  });

  it('reads @file, one pattern per line, stripped, blank lines ignored', async () => {
    const { inv } = await loadTree({ 'hosts.ini': INI, 'lim.txt': 'web01\n\n db01 \n!web02\n' }, [
      'hosts.ini',
    ]);
    expect(inv.resolve('all', { limit: '@lim.txt' })).toEqual(['web01', 'db01']);
    expect(inv.limit(['web01', 'web03', 'x.example.com'], '@lim.txt,other')).toEqual([
      'web01',
      'x.example.com',
    ]);
  });

  it('uses readFile when given', async () => {
    const inv = await loadIni(INI);
    const seen: string[] = [];
    const readFile = (p: string): string => {
      seen.push(p);
      return 'db\n';
    };
    expect(inv.resolve('all', { limit: '@virtual', readFile })).toEqual(['web02', 'db01']);
    expect(seen).toEqual(['virtual']);
  });

  it('errors on a missing limit file or a directory', async () => {
    const { inv } = await loadTree({ 'hosts.ini': INI, 'd/x': '' }, ['hosts.ini']);
    expect((await errorOf(() => inv.limit([], '@nope.txt'))).message).toBe(
      'Unable to find limit file nope.txt',
    );
    expect((await errorOf(() => inv.limit([], '@d'))).message).toBe(
      'Limit starting with "@" must be a file, not a directory: d',
    );
  });

  it('warns for limit terms that match nothing', async () => {
    const inv = await loadIni(INI);
    expect(inv.limit(['web01'], 'web,nomatch')).toEqual(['web01']);
    expect(inv.warnings).toEqual([`${NO_MATCH}nomatch`]);
  });
});

describe('magic vars', () => {
  it('gives group_names sorted, without all but with ungrouped', async () => {
    const inv = await loadIni(`solo\n${INI}`);
    expect(inv.groupNamesOf('web02')).toEqual(['db', 'prod', 'web']);
    expect(inv.groupNamesOf('solo')).toEqual(['ungrouped']);
  });

  it('gives groups with all and ungrouped, each including descendants', async () => {
    const inv = await loadIni(`solo\n${INI}`);
    expect(inv.groupsMap()).toEqual({
      all: ['solo', 'x.example.com', 'web01', 'web02', 'web03', 'db01'],
      ungrouped: ['solo'],
      web: ['web01', 'web02', 'web03'],
      db: ['db01', 'web02'],
      prod: ['web01', 'web02', 'web03', 'db01'],
      other: ['x.example.com'],
    });
  });

  it('prefers an exact host name over a group of the same name', async () => {
    const inv = await loadIni('[web]\nweb\nw1\n');
    expect(inv.resolve('web')).toEqual(['web']);
    expect(inv.resolve('we*')).toEqual(['web', 'w1']);
  });
});

describe('run-time changes (add_host, group_by)', () => {
  it('adds a host with vars and groups, creating groups', async () => {
    const inv = await loadIni(INI);
    expect(inv.addHost('new1', ['newgroup', 'web'], { a: 1 })).toBe(true);
    expect(inv.resolve('newgroup')).toEqual(['new1']);
    expect(inv.resolve('web')).toEqual(['web01', 'web02', 'web03', 'new1']);
    expect(inv.groupNamesOf('new1')).toEqual(['newgroup', 'prod', 'web']);
    expect(inv.resolve('all')).toContain('new1');
    expect(inv.group('newgroup')!.parents).toEqual(['all']);
    const layer = inv.varLayers('new1').find((l) => l.source === 'add_host')!;
    expect(layer).toEqual({ level: 8, source: 'add_host', vars: { a: 1 } });
    expect(inv.host('new1')!.inventoryFile).toBeNull();
    expect(inv.addHost('new1', ['newgroup'], { a: 1 })).toBe(false);
    expect(inv.addHost('new1', [], { a: 2 })).toBe(true);
  });

  it('puts a host added without groups in ungrouped', async () => {
    const inv = await loadIni(INI);
    inv.addHost('lonely');
    expect(inv.resolve('ungrouped')).toEqual(['lonely']);
    expect(inv.groupNamesOf('lonely')).toEqual(['ungrouped']);
  });

  it('group_by: creates the group and parents and adds the host', async () => {
    const inv = await loadIni(INI);
    expect(inv.addGroup('os_linux', { parents: ['linux_all'], host: 'db01' })).toBe(true);
    expect(inv.resolve('linux_all')).toEqual(['db01']);
    expect(inv.groupNamesOf('db01')).toEqual(['db', 'linux_all', 'os_linux', 'prod']);
    expect(inv.addGroup('os_linux', { parents: ['linux_all'], host: 'db01' })).toBe(false);
  });

  it('group_by: refuses an unknown host and a cycle', async () => {
    const inv = await loadIni(INI);
    expect((await errorOf(() => inv.addGroup('g', { host: 'ghost' }))).message).toBe(
      'ghost cannot be matched in inventory',
    );
    expect((await errorOf(() => inv.addGroup('prod', { parents: ['web'] }))).message).toBe(
      "Adding group 'prod' as child to 'web' creates a recursive dependency loop.",
    );
  });
});
