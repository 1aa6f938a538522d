// YAML inventory (§1.3): all/hosts/vars/children, ranges, null hosts, several parents, YAML 1.1 types, errors.
import { describe, expect, it } from 'vitest';
import { TsibleError } from '../../../src/core/errors.js';
import { errorOf, hostVars, loadTree } from './fixtures.js';

const SAMPLE = `all:
  vars: {v_all_inv: inv}
  hosts:
    solo: {ansible_connection: local}
  children:
    web:
      hosts:
        web[1:2]:
        h3: {port: "8080"}
      vars: {http_port: 80}
    prod:
      children:
        web:
`;

async function loadYamlInv(text: string, name = 'hosts.yml') {
  return (await loadTree({ [name]: text }, [name])).inv;
}

describe('YAML inventory', () => {
  it('reads the §1.3 example', async () => {
    const inv = await loadYamlInv(SAMPLE);
    expect(inv.hosts().map((h) => h.name)).toEqual(['solo', 'web1', 'web2', 'h3']);
    expect(inv.group('web')!.hosts).toEqual(['web1', 'web2', 'h3']);
    expect(inv.group('web')!.parents).toEqual(['all', 'prod']);
    expect(inv.group('prod')!.children).toEqual(['web']);
    expect(inv.group('ungrouped')!.hosts).toEqual(['solo']);
    expect(inv.groupNamesOf('web1')).toEqual(['prod', 'web']);
    expect(inv.groupNamesOf('solo')).toEqual(['ungrouped']);
    expect(hostVars(inv, 'solo')).toEqual({ v_all_inv: 'inv', ansible_connection: 'local' });
    expect(hostVars(inv, 'web1')).toEqual({ v_all_inv: 'inv', http_port: 80 });
    expect(hostVars(inv, 'h3')).toEqual({ v_all_inv: 'inv', http_port: 80, port: '8080' });
  });

  it('gives values their YAML 1.1 (PyYAML) types', async () => {
    const inv = await loadYamlInv(
      'g:\n  hosts:\n    h1:\n      a: yes\n      b: on\n      c: 012\n      d: 0644\n      e: 12:30\n      f: ~\n      g: "yes"\n      i: 1.5\n      j: no\n',
    );
    expect(hostVars(inv, 'h1')).toEqual({
      a: true,
      b: true,
      c: 10,
      d: 420,
      e: 750,
      f: null,
      g: 'yes',
      i: 1.5,
      j: false,
    });
  });

  it('accepts a single name in place of a hosts/children mapping', async () => {
    const inv = await loadYamlInv('g:\n  hosts: onlyone\np:\n  children: g\n');
    expect(inv.group('g')!.hosts).toEqual(['onlyone']);
    expect(inv.group('p')!.children).toEqual(['g']);
  });

  it('takes host:port in YAML host keys', async () => {
    const inv = await loadYamlInv('g:\n  hosts:\n    "h1:2222":\n');
    expect(inv.group('g')!.hosts).toEqual(['h1']);
    expect(hostVars(inv, 'h1')).toEqual({ ansible_port: 2222 });
  });

  it('reads JSON in the same layout', async () => {
    const inv = await loadYamlInv('{"g": {"hosts": {"h1": {"a": 1}}, "vars": {"b": 2}}}', 'hosts.json');
    expect(hostVars(inv, 'h1')).toEqual({ a: 1, b: 2 });
  });

  it('takes ansible_group_priority from vars as the group priority', async () => {
    const inv = await loadYamlInv('g:\n  vars: {ansible_group_priority: 7, x: 1}\n  hosts: {h1: }\n');
    expect(inv.group('g')!.priority).toBe(7);
    expect(inv.group('g')!.vars).toEqual({ x: 1 });
  });

  it('labels layers with file and line', async () => {
    const inv = await loadYamlInv(SAMPLE);
    const layers = inv.varLayers('h3');
    expect(layers.find((l) => l.level === 3 && l.vars.http_port === 80)!.source).toBe(
      'hosts.yml:10 (web vars)',
    );
    expect(layers.find((l) => l.level === 8 && l.vars.port === '8080')!.source).toBe('hosts.yml:9 (host h3)');
  });

  it('warns about keys it skips, as Ansible does', async () => {
    const inv = await loadYamlInv('top: 5\ng:\n  foo: {}\n  bar: 3\n  hosts: {h1: }\n');
    expect(inv.warnings).toEqual([
      "Skipping 'top' as this is not a valid group definition",
      'Skipping unexpected key (foo) in group (g), only "vars", "children" and "hosts" are valid',
      "Skipping key (bar) in group (g) as it is not a mapping, it is a <class 'int'>",
    ]);
    expect(inv.groupNames()).toEqual(['all', 'ungrouped', 'g']);
  });

  it('warns about invalid group names', async () => {
    const inv = await loadYamlInv('web-servers:\n  hosts: {h1: }\n');
    expect(inv.warnings[0]).toMatch(/^Invalid characters were found in group names but not replaced/);
  });
});

describe('YAML inventory errors', () => {
  it('rejects a list where a hosts mapping is expected, with the line', async () => {
    const err = await errorOf(() => loadYamlInv('g3:\n  hosts: [a, b]\n'));
    expect(err).toBeInstanceOf(TsibleError);
    expect(err.message).toBe(
      'Invalid "hosts" entry for "g3" group, requires a dictionary, found "list" instead.',
    );
    expect(err.pos).toMatchObject({ file: 'hosts.yml', line: 2 });
  });

  it('rejects host vars that are not a mapping', async () => {
    const err = await errorOf(() => loadYamlInv('g:\n  hosts:\n    h9: notamap\n'));
    expect(err.message).toBe(
      "Invalid data for host 'h9' in group 'g': expected a mapping of variables, got str",
    );
    expect(err.pos).toMatchObject({ file: 'hosts.yml', line: 3 });
  });

  it('rejects a child that is not a group definition', async () => {
    const err = await errorOf(() => loadYamlInv('all:\n  children:\n    bad: 5\n'));
    expect(err.message).toBe('bad is not a known host nor group');
    expect(err.pos).toMatchObject({ file: 'hosts.yml', line: 3 });
  });

  it('reports a bad range with its line', async () => {
    const err = await errorOf(() => loadYamlInv('g:\n  hosts:\n    h[01:3]:\n'));
    expect(err.message).toBe('host range must specify equal-length begin and end formats');
    expect(err.pos).toMatchObject({ file: 'hosts.yml', line: 3 });
  });

  it('reports a cycle of children', async () => {
    const err = await errorOf(() => loadYamlInv('a:\n  children:\n    b:\n      children:\n        a:\n'));
    expect(err.message).toBe("Adding group 'b' as child to 'a' creates a recursive dependency loop.");
    expect(err.pos).toMatchObject({ file: 'hosts.yml', line: 3 });
  });

  it('reports YAML syntax errors of a .yml file (not the INI fallback error)', async () => {
    const err = await errorOf(() => loadYamlInv('g:\n  hosts:\n    h1: {a: 1\n'));
    expect(err.message).toMatch(/^Syntax error while loading YAML/);
    expect(err.pos?.file).toBe('hosts.yml');
  });

  it('reports a .yml file whose top level is a list', async () => {
    const err = await errorOf(() => loadYamlInv('- a\n- b\n'));
    expect(err.message).toBe('YAML inventory has invalid structure, it should be a dictionary, got: list');
  });

  it('refuses inventory plugin configuration files', async () => {
    const err = await errorOf(() =>
      loadYamlInv('plugin: amazon.aws.aws_ec2\nregions: [eu-west-1]\n', 'aws_ec2.yml'),
    );
    expect(err.message).toBe('Inventory plugin configuration files are not supported: aws_ec2.yml');
  });

  it('reads an empty .yml file as an empty inventory', async () => {
    const inv = await loadYamlInv('');
    expect(inv.hosts()).toEqual([]);
  });
});
