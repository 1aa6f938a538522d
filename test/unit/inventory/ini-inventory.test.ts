// INI inventory: sections, typing of values (§1.2 table), ranges, ports, errors with file:line, warnings.
import { describe, expect, it } from 'vitest';
import { TsibleError } from '../../../src/core/errors.js';
import { errorOf, hostVars, loadIni, loadTree } from './fixtures.js';

describe('INI value typing (§1.2 table)', () => {
  const hostLine: [string, string, unknown][] = [
    ['num=42', 'num', 42],
    ["str='42'", 'str', 42],
    ['str="42"', 'str', 42],
    ['str="\'42\'"', 'str', '42'],
    ['flag=True', 'flag', true],
    ['flag=False', 'flag', false],
    ['yes_str=yes', 'yes_str', 'yes'],
    ['h=yes', 'h', 'yes'],
    ['lst="[1,2]"', 'lst', [1, 2]],
    ['dct="{\'a\':1}"', 'dct', { a: 1 }],
    ['nn=None', 'nn', null],
    ['ff=1.5', 'ff', 1.5],
    ['i=1e3', 'i', 1000],
    ['f=0x1F', 'f', 31],
    ['e=01', 'e', '01'],
    ['g="[1, 2"', 'g', '[1, 2'],
    ['spaced="hello world"', 'spaced', 'hello world'],
    ['tup=1,2', 'tup', [1, 2]],
    ['empty=', 'empty', ''],
    ["quoted_empty=''", 'quoted_empty', ''],
    ['path=/usr/bin/python3', 'path', '/usr/bin/python3'],
    ['neg=-5', 'neg', -5],
    ['word=hello', 'word', 'hello'],
    ['esc="\'a\\nb\'"', 'esc', 'a\nb'],
    ['hash=a#b', 'hash', 'a'],
    ['qhash="a#b"', 'qhash', 'a#b'],
  ];

  it.each(hostLine)('host line %s', async (assignment, key, expected) => {
    const inv = await loadIni(`[web]\nh1 ${assignment}\n`);
    expect(hostVars(inv, 'h1')[key]).toEqual(expected);
  });

  it('drops a trailing # comment on a host line', async () => {
    const inv = await loadIni('[web]\nh1 a=1 # b=2\n');
    expect(hostVars(inv, 'h1')).toEqual({ a: 1 });
  });

  const varsLine: [string, string, unknown][] = [
    ['b=2 # c2', 'b', 2],
    ['c = "x y"', 'c', 'x y'],
    ['d=', 'd', ''],
    ['http_port=8080', 'http_port', 8080],
    ["q='quoted'", 'q', 'quoted'],
    ['flag=True', 'flag', true],
    ['yes=yes', 'yes', 'yes'],
    ['e=01', 'e', '01'],
    ['lst=[1, 2]', 'lst', [1, 2]],
    ['msg=hello # not a comment here', 'msg', 'hello # not a comment here'],
    ['url=http://x/?a=b', 'url', 'http://x/?a=b'],
  ];

  it.each(varsLine)('[g:vars] line %s', async (line, key, expected) => {
    const inv = await loadIni(`[g]\nh1\n[g:vars]\n${line}\n`);
    expect(inv.group('g')!.vars[key]).toEqual(expected);
    expect(hostVars(inv, 'h1')[key]).toEqual(expected);
  });
});

describe('INI structure', () => {
  it('puts hosts before any section in ungrouped, and reads every section kind', async () => {
    const inv = await loadIni(
      [
        '# comment',
        '; another comment',
        'standalone ansible_host=10.0.0.9',
        '[web]',
        'w1',
        '[web:hosts]',
        'w2',
        '[web:vars]',
        'http_port=8080',
        '[prod:children]  # children may be declared later',
        'web',
        'db',
        '[db]',
        'd1',
      ].join('\n'),
    );
    expect(inv.groupNames()).toEqual(['all', 'ungrouped', 'web', 'prod', 'db']);
    expect(inv.group('ungrouped')!.hosts).toEqual(['standalone']);
    expect(inv.group('web')!.hosts).toEqual(['w1', 'w2']);
    expect(inv.group('prod')!.children).toEqual(['web', 'db']);
    expect(inv.group('db')!.parents).toEqual(['prod']);
    expect(inv.group('all')!.children).toEqual(['ungrouped', 'prod']);
    expect(inv.groupsMap().prod).toEqual(['w1', 'w2', 'd1']);
    expect(hostVars(inv, 'standalone')).toEqual({ ansible_host: '10.0.0.9' });
    expect(hostVars(inv, 'w2')).toEqual({ http_port: 8080 });
  });

  it('takes a host out of ungrouped once it is in another group', async () => {
    const inv = await loadIni('h1\nh2\n[g]\nh1\n');
    expect(inv.group('ungrouped')!.hosts).toEqual(['h2']);
    expect(inv.groupNamesOf('h1')).toEqual(['g']);
    expect(inv.groupNamesOf('h2')).toEqual(['ungrouped']);
  });

  it('merges vars of a host listed twice, later values winning', async () => {
    const inv = await loadIni('[a]\nh1 x=1 y=1\n[b]\nh1 y=2\n');
    expect(hostVars(inv, 'h1')).toEqual({ x: 1, y: 2 });
    expect(inv.host('h1')!.groups).toEqual(['a', 'b']);
  });

  it('keeps [all:vars] and [ungrouped:vars]', async () => {
    const inv = await loadIni('h1\n[all:vars]\na=1\n[ungrouped:vars]\nb=2\n');
    expect(hostVars(inv, 'h1')).toEqual({ a: 1, b: 2 });
  });

  it('sets ansible_port (an int) from host:port, before inline vars', async () => {
    const inv = await loadIni('[g]\nh1:2222\nh2:22 ansible_port=2200\n');
    expect(hostVars(inv, 'h1')).toEqual({ ansible_port: 2222 });
    expect(hostVars(inv, 'h2')).toEqual({ ansible_port: 2200 });
  });

  it('ignores the port of a host seen again (the first definition sets it)', async () => {
    const inv = await loadIni('[a]\nh1:22\n[b]\nh1:33\n');
    expect(hostVars(inv, 'h1').ansible_port).toBe(22);
  });

  it('accepts a bracketed IPv6 address with a port, and a bare IPv6 address', async () => {
    const inv = await loadIni('[g]\n[::1]:2222\nfe80::1\n');
    expect(inv.group('g')!.hosts).toEqual(['::1', 'fe80::1']);
    expect(hostVars(inv, '::1').ansible_port).toBe(2222);
    expect(hostVars(inv, 'fe80::1').ansible_port).toBeUndefined();
  });

  it('keeps a name that is not an address (no port split) as is', async () => {
    const inv = await loadIni('[g]\nhost:abc\n');
    expect(inv.group('g')!.hosts).toEqual(['host:abc']);
  });

  it('reads ansible_group_priority as the group priority, not as a var', async () => {
    const inv = await loadIni('[g]\nh1\n[g:vars]\nansible_group_priority=10\nx=1\n');
    expect(inv.group('g')!.priority).toBe(10);
    expect(inv.group('g')!.vars).toEqual({ x: 1 });
  });

  it('records inventory_file and inventory_dir for each host', async () => {
    const { inv, dir } = await loadTree({ 'inv/hosts.ini': '[g]\nh1\n' }, ['inv/hosts.ini']);
    expect(inv.host('h1')!.inventoryFile).toBe(`${dir}/inv/hosts.ini`);
    expect(inv.host('h1')!.inventoryDir).toBe(`${dir}/inv`);
    const v = Object.assign({}, ...inv.varLayers('h1').map((l) => l.vars));
    expect(v.inventory_file).toBe(`${dir}/inv/hosts.ini`);
    expect(v.inventory_dir).toBe(`${dir}/inv`);
  });

  it('accepts CRLF line endings and a UTF-8 BOM', async () => {
    const inv = await loadIni('\uFEFF[g]\r\nh1 a=1\r\n');
    expect(hostVars(inv, 'h1')).toEqual({ a: 1 });
  });

  it('resolves a group whose [g:vars] comes before its declaration', async () => {
    const inv = await loadIni('[g:vars]\na=1\n[g]\nh1\n');
    expect(hostVars(inv, 'h1')).toEqual({ a: 1 });
  });

  it('accepts chains of children declared in any order', async () => {
    const inv = await loadIni('[top:children]\nmid\n[mid:children]\nleaf\n[leaf]\nh1\n');
    expect(inv.groupNamesOf('h1')).toEqual(['leaf', 'mid', 'top']);
    expect(inv.groupsMap().top).toEqual(['h1']);
  });
});

describe('INI host ranges', () => {
  const rangeCases: [string, string[]][] = [
    ['web[01:03].example.com', ['web01.example.com', 'web02.example.com', 'web03.example.com']],
    ['db-[a:c]', ['db-a', 'db-b', 'db-c']],
    ['n[1:10:3]', ['n1', 'n4', 'n7', 'n10']],
    ['n[:2]', ['n0', 'n1', 'n2']],
    ['n[8:11]', ['n8', 'n9', 'n10', 'n11']],
    ['n[001:003]', ['n001', 'n002', 'n003']],
    ['x[A:C]', ['xA', 'xB', 'xC']],
    ['x[y:B]', ['xy', 'xz', 'xA', 'xB']],
    [
      'db[01:10:3]node-[a:b]',
      [
        'db01node-a',
        'db01node-b',
        'db04node-a',
        'db04node-b',
        'db07node-a',
        'db07node-b',
        'db10node-a',
        'db10node-b',
      ],
    ],
    ['10.0.0.[1:3]', ['10.0.0.1', '10.0.0.2', '10.0.0.3']],
  ];

  it.each(rangeCases)('%s', async (pattern, expected) => {
    const inv = await loadIni(`[g]\n${pattern} a=1\n`);
    expect(inv.group('g')!.hosts).toEqual(expected);
    for (const h of expected) expect(hostVars(inv, h)).toEqual({ a: 1 });
  });

  it('combines a range with a port', async () => {
    const inv = await loadIni('[g]\nweb[1:2]:2222\n');
    expect(inv.group('g')!.hosts).toEqual(['web1', 'web2']);
    expect(hostVars(inv, 'web2').ansible_port).toBe(2222);
  });
});

describe('INI errors', () => {
  const errors: [string, string, string, number][] = [
    ['undefined group in :vars', '[g:vars]\na=1\n', 'Section [g:vars] not valid for undefined group: g', 1],
    ['undefined child', '[p]\nh\n[p:children]\nc\n', 'Section [p:children] includes undefined group: c', 4],
    ['unknown section type', 'h0\n[g:bad]\nh\n', 'Section [g:bad] has unknown type: bad', 2],
    [
      'host ending in :',
      '[g]\nh:\n',
      "Invalid host pattern 'h:' supplied, ending in ':' is not allowed, this character is reserved to provide a port.",
      2,
    ],
    [
      'YAML file as INI',
      '---\nall:\n',
      "Invalid host pattern '---' supplied, '---' is normally a sign this is a YAML file.",
      1,
    ],
    ['too many range parts', '[g]\nh[1:2:3:4]\n', 'host range must be begin:end or begin:end:step', 2],
    [
      'unequal padded range',
      '[g]\nh[01:3]\n',
      'host range must specify equal-length begin and end formats',
      2,
    ],
    ['range without end', '[g]\nh[3:]\n', 'host range must specify end value', 2],
    ['alpha range backwards', '[g]\nh[c:a]\n', 'host range must have begin <= end', 2],
    [
      'non-numeric range',
      '[g]\nh[x:3]\n',
      "host range bounds must be numbers or single letters, got: 'x'",
      2,
    ],
    ['range step zero', '[g]\nh[1:3:0]\n', 'host range step must not be zero', 2],
    ['unclosed range', '[g]\nh[1:3\n', 'host range must be begin:end or begin:end:step', 2],
    ['host var without =', '[g]\nh x\n', 'Expected key=value host variable assignment, got: x', 2],
    ['unbalanced quote', '[g]\nh x="a\n', `Error parsing host definition 'h x="a': No closing quotation`, 2],
    ['vars line without =', '[g]\nh\n[g:vars]\nnovalue\n', 'Expected key=value, got: novalue', 4],
    ['bad child name', '[c]\n[p:children]\nc d\n', 'Expected group name, got: c d', 3],
    [
      'section with spaces',
      '[g]\nh\n[g: vars]\n',
      "Invalid section entry: '[g: vars]'. Please make sure that there are no spaces in the section entry, and that there are no other invalid characters",
      3,
    ],
    [
      'children cycle',
      '[a:children]\nb\n[b:children]\na\n',
      "Adding group 'a' as child to 'b' creates a recursive dependency loop.",
      4,
    ],
    ['group child of itself', '[a]\n[a:children]\na\n', "Group 'a' cannot be a child of itself", 3],
  ];

  it.each(errors)('%s', async (_name, text, message, line) => {
    const err = await errorOf(() => loadIni(text));
    expect(err).toBeInstanceOf(TsibleError);
    expect((err as TsibleError).kind).toBe('inventory');
    expect(err.message).toBe(message);
    expect(err.pos).toEqual({ file: 'inventory.ini', line });
    expect((err as TsibleError).where()).toBe(`inventory.ini:${line}`);
  });

  it('reports a child used by [p:children] but only given [c:vars] as an undefined child', async () => {
    const err = await errorOf(() => loadIni('[p:children]\nc\n[c:vars]\nx=1\n'));
    expect(err.message).toBe('Section [p:children] includes undefined group: c');
    expect(err.pos?.line).toBe(2);
  });

  it('gives a hint for an undefined group in :vars', async () => {
    const err = (await errorOf(() => loadIni('[web:vars]\na=1\n'))) as TsibleError;
    expect(err.hint).toContain('[web]');
  });
});

describe('INI warnings', () => {
  it('warns once per group name with invalid characters, keeping the name', async () => {
    const inv = await loadIni('[web-servers]\nh1\n[web-servers:vars]\na=1\n[a.b:children]\nweb-servers\n');
    expect(inv.groupNames()).toContain('web-servers');
    const w = inv.warnings.filter((m) =>
      m.startsWith('Invalid characters were found in group names but not replaced'),
    );
    expect(w).toHaveLength(2);
    expect(w[0]).toContain('(web-servers)');
    expect(w[1]).toContain('(a.b)');
  });

  it('warns about a group name starting with a digit', async () => {
    const inv = await loadIni('[1web]\nh1\n');
    expect(inv.warnings.some((m) => m.includes('"1" in group name (1web)'))).toBe(true);
  });

  it('does not warn for valid group names', async () => {
    const inv = await loadIni('[web_1]\nh1\n');
    expect(inv.warnings).toEqual([]);
  });

  it('warns when a host and a group share a name', async () => {
    const inv = await loadIni('[web]\nweb\n');
    expect(inv.warnings).toContain('Found both group and host with same name: web');
  });
});
