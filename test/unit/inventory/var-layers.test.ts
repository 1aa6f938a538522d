// group_vars/host_vars files and the order of inventory variable layers (§1.4 and levels 3..10 of §3).
import { describe, expect, it } from 'vitest';
import { TsibleError } from '../../../src/core/errors.js';
import { errorOf, hostVars, loadTree } from './fixtures.js';

describe('group_vars / host_vars file forms', () => {
  const forms: [string, Record<string, string>][] = [
    ['<name>.yml', { 'group_vars/web.yml': 'v: yml\n' }],
    ['<name>.yaml', { 'group_vars/web.yaml': 'v: yaml\n' }],
    ['<name>.json', { 'group_vars/web.json': '{"v": "json"}\n' }],
    ['<name> without extension', { 'group_vars/web': 'v: noext\n' }],
    ['<name>/ directory', { 'group_vars/web/a.yml': 'v: dir\n' }],
  ];

  it.each(forms)('reads %s', async (_name, files) => {
    const { inv } = await loadTree({ 'hosts.ini': '[web]\nh1\n', ...files }, ['hosts.ini']);
    expect(hostVars(inv, 'h1').v).toBe(Object.values(files)[0]!.match(/v"?: "?(\w+)/)![1]);
  });

  it('uses only the first of <name>, .yml, .yaml, .json that exists', async () => {
    const { inv } = await loadTree(
      {
        'hosts.ini': '[web]\nh1\n',
        'group_vars/web': 'a: noext\n',
        'group_vars/web.yml': 'a: yml\nb: yml\n',
      },
      ['hosts.ini'],
    );
    expect(hostVars(inv, 'h1')).toEqual({ a: 'noext' });
  });

  it('merges a directory in lexical order, recursing, skipping hidden, backup and other extensions', async () => {
    const { inv } = await loadTree(
      {
        'hosts.ini': '[web]\nh1\n',
        'group_vars/web/01-base.yml': 'a: 1\nb: 1\nc: 1\n',
        'group_vars/web/02-more.yaml': 'b: 2\n',
        'group_vars/web/03-sub/x.json': '{"c": 3}',
        'group_vars/web/04-noext': 'd: 4\n',
        'group_vars/web/.hidden.yml': 'a: hidden\n',
        'group_vars/web/05.yml~': 'a: backup\n',
        'group_vars/web/06.txt': 'a: txt\n',
      },
      ['hosts.ini'],
    );
    expect(hostVars(inv, 'h1')).toEqual({ a: 1, b: 2, c: 3, d: 4 });
    const sources = inv.varLayers('h1').map((l) => l.source);
    expect(sources).toContain('group_vars/web/03-sub/x.json');
  });

  it('reads host_vars in the same forms', async () => {
    const { inv } = await loadTree(
      {
        'hosts.ini': 'h1\nh2\n',
        'host_vars/h1': 'a: 1\n',
        'host_vars/h2/one.yml': 'b: 2\n',
      },
      ['hosts.ini'],
    );
    expect(hostVars(inv, 'h1')).toEqual({ a: 1 });
    expect(hostVars(inv, 'h2')).toEqual({ b: 2 });
  });

  it('keeps values raw (no templating) and ignores empty files', async () => {
    const { inv } = await loadTree(
      { 'hosts.ini': 'h1\n', 'group_vars/all.yml': 'a: "{{ b }}"\n', 'host_vars/h1.yml': '' },
      ['hosts.ini'],
    );
    expect(hostVars(inv, 'h1')).toEqual({ a: '{{ b }}' });
  });

  it('errors, naming the file, when the top level is not a mapping', async () => {
    const { inv } = await loadTree({ 'hosts.ini': '[web]\nh1\n', 'group_vars/web.yml': '- a\n- b\n' }, [
      'hosts.ini',
    ]);
    const err = await errorOf(() => inv.varLayers('h1'));
    expect(err).toBeInstanceOf(TsibleError);
    expect(err.message).toBe(
      'Invalid vars file group_vars/web.yml: the top level must be a mapping, got list',
    );
    expect(err.pos?.file).toBe('group_vars/web.yml');
  });

  it('errors on YAML syntax in a vars file, with file and line', async () => {
    const { inv } = await loadTree({ 'hosts.ini': 'h1\n', 'group_vars/all.yml': 'a: 1\nb: [1\n' }, [
      'hosts.ini',
    ]);
    const err = await errorOf(() => inv.varLayers('h1'));
    expect(err.message).toMatch(/^Syntax error while loading YAML/);
    expect(err.pos?.file).toBe('group_vars/all.yml');
  });

  it('warns when group_vars is a file, not a directory', async () => {
    const { inv } = await loadTree({ 'hosts.ini': 'h1\n', group_vars: 'oops\n' }, ['hosts.ini']);
    inv.varLayers('h1');
    expect(inv.warnings).toContain('Found group_vars that is not a directory, skipping: group_vars');
  });

  it('needs a vault password for encrypted vars files', async () => {
    const { inv } = await loadTree(
      { 'hosts.ini': 'h1\n', 'group_vars/all.yml': '$ANSIBLE_VAULT;1.1;AES256\n6162\n' },
      ['hosts.ini'],
    );
    const err = await errorOf(() => inv.varLayers('h1'));
    expect(err.message).toBe('Attempting to decrypt but no vault secrets found: group_vars/all.yml');
  });
});

describe('group var merge order within a level (§1.4)', () => {
  it('applies parents before children: the deeper group wins', async () => {
    const ini = '[parent:children]\nchild\n[child]\nh1\n[parent:vars]\nv=parent\n[child:vars]\nv=child\n';
    const { inv } = await loadTree(
      { 'hosts.ini': ini, 'group_vars/parent.yml': 'w: parent\n', 'group_vars/child.yml': 'w: child\n' },
      ['hosts.ini'],
    );
    expect(hostVars(inv, 'h1')).toMatchObject({ v: 'child', w: 'child' });
  });

  it('uses the longest path from all as the depth', async () => {
    // deep is under top directly (depth 2) and through mid (depth 3); it must beat zz (depth 2, later name).
    const ini =
      '[top:children]\nmid\ndeep\nzz\n[mid:children]\ndeep\n[deep]\nh1\n[zz]\nh1\n[deep:vars]\nv=deep\n[zz:vars]\nv=zz\n';
    const { inv } = await loadTree({ 'hosts.ini': ini }, ['hosts.ini']);
    expect(hostVars(inv, 'h1').v).toBe('deep');
  });

  it('at the same depth, the higher ansible_group_priority wins', async () => {
    const ini =
      '[alpha]\nh1\n[zeta]\nh1\n[alpha:vars]\nansible_group_priority=10\nv=alpha\n[zeta:vars]\nv=zeta\n';
    const { inv } = await loadTree(
      { 'hosts.ini': ini, 'group_vars/alpha.yml': 'w: alpha\n', 'group_vars/zeta.yml': 'w: zeta\n' },
      ['hosts.ini'],
    );
    expect(hostVars(inv, 'h1')).toMatchObject({ v: 'alpha', w: 'alpha' });
  });

  it('at the same depth and priority, the alphabetically later group wins', async () => {
    const ini = '[zeta]\nh1\n[alpha]\nh1\n[alpha:vars]\nv=alpha\n[zeta:vars]\nv=zeta\n';
    const { inv } = await loadTree(
      { 'hosts.ini': ini, 'group_vars/alpha.yml': 'w: alpha\n', 'group_vars/zeta.yml': 'w: zeta\n' },
      ['hosts.ini'],
    );
    expect(hostVars(inv, 'h1')).toMatchObject({ v: 'zeta', w: 'zeta' });
  });

  it('ignores ansible_group_priority set in a group_vars file (it is only a var there)', async () => {
    const ini = '[alpha]\nh1\n[zeta]\nh1\n';
    const { inv } = await loadTree(
      {
        'hosts.ini': ini,
        'group_vars/alpha.yml': 'ansible_group_priority: 10\nw: alpha\n',
        'group_vars/zeta.yml': 'w: zeta\n',
      },
      ['hosts.ini'],
    );
    expect(hostVars(inv, 'h1')).toEqual({ ansible_group_priority: 10, w: 'zeta' });
  });

  it('gives all the lowest precedence', async () => {
    const { inv } = await loadTree({ 'hosts.ini': '[g]\nh1\n[all:vars]\nv=all\n[g:vars]\nv=g\n' }, [
      'hosts.ini',
    ]);
    expect(hostVars(inv, 'h1').v).toBe('g');
  });

  it('replaces dicts whole between layers (hash_behaviour=replace)', async () => {
    const { inv } = await loadTree(
      {
        'hosts.ini': '[g]\nh1\n',
        'group_vars/all.yml': 'd: {a: 1, b: 1}\n',
        'group_vars/g.yml': 'd: {b: 2}\n',
      },
      ['hosts.ini'],
    );
    expect(hostVars(inv, 'h1').d).toEqual({ b: 2 });
  });
});

describe('variable layers (levels 3..10)', () => {
  const files = {
    'inv/hosts.ini':
      '[web]\nh1 v8=inline\n[web:vars]\nv3=ini_web\nall_vs_ini=from_ini_web_vars\n[all:vars]\nv3all=ini_all\n',
    'inv/group_vars/all.yml':
      'v4=x\nall_vs_ini: from_group_vars_all\nv4: inv_all\npb_vs_inv_all: inv\n'.replace('v4=x\n', ''),
    'inv/group_vars/web.yml': 'v6: inv_web\npb_vs_inv: inv\n',
    'inv/host_vars/h1.yml': 'v9: inv_host\npb_vs_inv_host: inv\nv8: overridden_by_host_vars\n',
    'play/group_vars/all.yml': 'v5: pb_all\npb_vs_inv_all: pb\n',
    'play/group_vars/web.yml': 'v7: pb_web\npb_vs_inv: pb\n',
    'play/host_vars/h1.yml': 'v10: pb_host\npb_vs_inv_host: pb\n',
  };

  it('returns the levels in order with readable sources', async () => {
    const { inv, dir } = await loadTree(files, ['inv/hosts.ini']);
    const layers = inv.varLayers('h1', [`${dir}/play`]);
    expect(layers.map((l) => [l.level, l.source])).toEqual([
      [3, 'inv/hosts.ini [all:vars]'],
      [3, 'inv/hosts.ini [web:vars]'],
      [4, 'inv/group_vars/all.yml'],
      [5, 'play/group_vars/all.yml'],
      [6, 'inv/group_vars/web.yml'],
      [7, 'play/group_vars/web.yml'],
      [8, 'inventory_file/inventory_dir'],
      [8, 'inv/hosts.ini:2'],
      [9, 'inv/host_vars/h1.yml'],
      [10, 'play/host_vars/h1.yml'],
    ]);
    expect(layers[6]!.vars).toEqual({ inventory_file: `${dir}/inv/hosts.ini`, inventory_dir: `${dir}/inv` });
  });

  it('lets playbook group_vars beat inventory ones, and INI [g:vars] lose to group_vars/all', async () => {
    const { inv, dir } = await loadTree(files, ['inv/hosts.ini']);
    const v = hostVars(inv, 'h1', [`${dir}/play`]);
    expect(v).toEqual({
      v3all: 'ini_all',
      v3: 'ini_web',
      all_vs_ini: 'from_group_vars_all',
      v4: 'inv_all',
      v5: 'pb_all',
      v6: 'inv_web',
      v7: 'pb_web',
      v8: 'overridden_by_host_vars',
      v9: 'inv_host',
      v10: 'pb_host',
      pb_vs_inv_all: 'pb',
      pb_vs_inv: 'pb',
      pb_vs_inv_host: 'pb',
    });
  });

  it('resolves playbook dirs relative to the inventory cwd', async () => {
    const { inv } = await loadTree(files, ['inv/hosts.ini']);
    expect(hostVars(inv, 'h1', ['play']).v10).toBe('pb_host');
  });

  it('applies the group_vars of every inventory source, source by source', async () => {
    const { inv } = await loadTree(
      {
        'a/hosts': '[web]\nh1\n[deep:children]\nweb\n',
        'a/group_vars/web.yml': 'v: a_web\n',
        'b/hosts': '[other]\nh1\n',
        'b/group_vars/other.yml': 'v: b_other\n',
      },
      ['a/hosts', 'b/hosts'],
    );
    // web is deeper than other, but b's files come after all of a's.
    expect(hostVars(inv, 'h1').v).toBe('b_other');
  });

  it('gives the implicit localhost the all-group layers but no group layers', async () => {
    const { inv } = await loadTree(
      {
        'hosts.ini': '[g]\nh1\n[all:vars]\nx=1\nzz=ini\n[g:vars]\ny=2\n',
        'group_vars/all.yml': 'z: 3\nzz: gv\n',
        'host_vars/localhost.yml': 'w: 4\n',
      },
      ['hosts.ini'],
    );
    // Checked with ansible 2.14: group_vars/all beats [all:vars] for the implicit localhost too.
    expect(hostVars(inv, 'localhost')).toEqual({ x: 1, zz: 'gv', z: 3, ansible_connection: 'local', w: 4 });
    expect(inv.groupNamesOf('localhost')).toEqual([]);
    expect(inv.varLayers('localhost').map((l) => l.level)).toEqual([3, 4, 8, 9]);
  });

  it('throws for an unknown host', async () => {
    const { inv } = await loadTree({ 'hosts.ini': 'h1\n' }, ['hosts.ini']);
    const err = await errorOf(() => inv.varLayers('nope'));
    expect(err.message).toBe('Unknown host: nope');
  });
});
