// Inventory sources: directories, executable scripts, comma host lists, several -i, missing sources.
import { describe, expect, it } from 'vitest';
import { TsibleError } from '../../../src/core/errors.js';
import { Inventory } from '../../../src/inventory/inventory.js';
import { errorOf, hostVars, loadTree, tree } from './fixtures.js';

const script = (body: string) => ({ text: `#!/bin/sh\n${body}\n`, mode: 0o755 });

describe('directory sources', () => {
  const files = {
    'inv/hosts': '[b]\nh_noext a=1\n',
    'inv/y.yml': 'c:\n  hosts:\n    h_yml: {y: 2}\n',
    'inv/n.conf': '[f]\nh_conf\n',
    'inv/sub/hosts': '[d]\nh_sub\n',
    'inv/x.ini': '[a]\nh_ini\n',
    'inv/n.txt': '[e]\nh_txt\n',
    'inv/n.bak': '[g]\nh_bak\n',
    'inv/n~': '[h]\nh_tilde\n',
    'inv/n.orig': '[i]\nh_orig\n',
    'inv/n.retry': 'h_retry\n',
    'inv/n.cfg': '[j]\nh_cfg\n',
    'inv/n.md': '# readme\n',
    'inv/.hidden': '[k]\nh_hidden\n',
    'inv/group_vars/all.yml': 'v: 1\n',
    'inv/host_vars/h_yml.yml': 'hv: 3\n',
  };

  it('parses every file in sorted order, skipping the ones Ansible ignores (including .ini)', async () => {
    const { inv } = await loadTree(files, ['inv']);
    expect(inv.hosts().map((h) => h.name)).toEqual(['h_noext', 'h_conf', 'h_sub', 'h_yml']);
    expect(inv.groupNames()).toEqual(['all', 'ungrouped', 'b', 'f', 'd', 'c']);
    expect(inv.warnings).toEqual([]);
  });

  it('reads group_vars and host_vars of the directory itself', async () => {
    const { inv } = await loadTree(files, ['inv']);
    expect(hostVars(inv, 'h_yml')).toEqual({ v: 1, y: 2, hv: 3 });
    expect(hostVars(inv, 'h_sub')).toEqual({ v: 1 });
  });

  it('sets inventory_file and inventory_dir to the file each host came from', async () => {
    const { inv, dir } = await loadTree(files, ['inv']);
    expect(inv.host('h_sub')!.inventoryFile).toBe(`${dir}/inv/sub/hosts`);
    expect(inv.host('h_sub')!.inventoryDir).toBe(`${dir}/inv/sub`);
    expect(inv.host('h_yml')!.source).toBe(`${dir}/inv/y.yml`);
  });

  it('reads a file without extension as YAML when it is YAML, else as INI', async () => {
    const { inv } = await loadTree(
      {
        'inv/a': 'g:\n  hosts:\n    from_yaml:\n',
        'inv/b': 'from_ini\nother x=1\n',
        'inv/c': '[g2]\nini_section\n',
      },
      ['inv'],
    );
    expect(inv.hosts().map((h) => h.name)).toEqual(['from_yaml', 'from_ini', 'other', 'ini_section']);
  });

  it('reports the INI error for a file without extension that is neither', async () => {
    const err = await errorOf(() => loadTree({ 'inv/bad': '[g]\nh:\n' }, ['inv']));
    expect(err.message).toMatch(/ending in ':' is not allowed/);
    expect(err.pos).toEqual({ file: 'inv/bad', line: 2 });
  });

  it('reads a .yml file containing INI text as INI, like Ansible', async () => {
    const { inv } = await loadTree({ 'h.yml': '[web]\nw1\n' }, ['h.yml']);
    expect(inv.group('web')!.hosts).toEqual(['w1']);
  });

  it('warns about an empty directory', async () => {
    const { inv, dir } = await loadTree({ 'inv/.keep': '' }, ['inv']);
    expect(inv.warnings).toEqual([
      `Unable to parse ${dir}/inv as an inventory source`,
      'No inventory was parsed, only implicit localhost is available',
    ]);
  });
});

describe('script sources', () => {
  it('uses --list and _meta.hostvars', async () => {
    const { inv } = await loadTree(
      {
        'inv.sh': script(
          `[ "$1" = "--list" ] || exit 3
cat <<'EOF'
{"web": {"hosts": ["w1", "w2"], "vars": {"http_port": 80}, "children": ["sub"]},
 "sub": ["s1"],
 "legacy": {"lv": 1},
 "_meta": {"hostvars": {"w1": {"a": 1}, "s1": {"b": "x"}}}}
EOF`,
        ),
      },
      ['inv.sh'],
    );
    expect(inv.group('web')!.hosts).toEqual(['w1', 'w2']);
    expect(inv.group('web')!.children).toEqual(['sub']);
    expect(inv.group('sub')!.hosts).toEqual(['s1']);
    // A group mapping without hosts/vars/children is a host of that name with those vars (legacy form).
    expect(inv.group('legacy')!.hosts).toEqual(['legacy']);
    expect(hostVars(inv, 'w1')).toEqual({ http_port: 80, a: 1 });
    expect(hostVars(inv, 's1')).toEqual({ http_port: 80, b: 'x' });
    expect(hostVars(inv, 'legacy')).toEqual({ lv: 1 });
    expect(inv.varLayers('w1').find((l) => l.level === 8 && l.vars.a === 1)!.source).toBe(
      'inv.sh --list (_meta.hostvars)',
    );
  });

  it('calls --host for each host when there is no _meta', async () => {
    const { inv } = await loadTree(
      {
        'inv.sh': script(`if [ "$1" = "--list" ]; then echo '{"g": {"hosts": ["h1", "h2"]}}'
elif [ "$2" = "h1" ]; then echo '{"who": "h1"}'
else echo ''; fi`),
      },
      ['inv.sh'],
    );
    expect(hostVars(inv, 'h1')).toEqual({ who: 'h1' });
    expect(hostVars(inv, 'h2')).toEqual({});
    expect(inv.varLayers('h1').some((l) => l.source === 'inv.sh --host h1')).toBe(true);
  });

  it('reports a failing script with its stderr', async () => {
    const err = await errorOf(() => loadTree({ 'inv.sh': script('echo boom >&2; exit 1') }, ['inv.sh']));
    expect(err).toBeInstanceOf(TsibleError);
    expect(err.message).toBe('Inventory script (inv.sh) had an execution error: boom');
  });

  it('reports output that is not JSON', async () => {
    const err = await errorOf(() => loadTree({ 'inv.sh': script('echo not json') }, ['inv.sh']));
    expect(err.message).toMatch(/^failed to parse executable inventory script results from inv\.sh: /);
  });

  it('reports a JSON value that is not a dict', async () => {
    const err = await errorOf(() => loadTree({ 'inv.sh': script("echo '[1]'") }, ['inv.sh']));
    expect(err.message).toBe(
      'failed to parse executable inventory script results from inv.sh: needs to be a json dict',
    );
  });

  it('reports bad host lists', async () => {
    const err = await errorOf(() =>
      loadTree({ 'inv.sh': script(`echo '{"g": {"hosts": "h1"}}'`) }, ['inv.sh']),
    );
    expect(err.message).toBe(`You defined a group 'g' with bad data for the host list:\n {"hosts":"h1"}`);
  });

  it('reads an executable file without a shebang as a normal inventory file', async () => {
    const { inv } = await loadTree({ hosts: { text: '[g]\nh1\n', mode: 0o755 } }, ['hosts']);
    expect(inv.group('g')!.hosts).toEqual(['h1']);
  });

  it('runs scripts inside an inventory directory', async () => {
    const { inv } = await loadTree(
      { 'inv/a.sh': script(`echo '{"s": ["h_script"]}'`), 'inv/b': '[i]\nh_ini\n' },
      ['inv'],
    );
    expect(inv.hosts().map((h) => h.name)).toEqual(['h_script', 'h_ini']);
  });
});

describe('comma host lists', () => {
  it('adds each host to ungrouped, with ports and IPv6', async () => {
    const inv = await Inventory.load(['h1,h2:2200,[::1]:22,'], { cwd: tree({}) });
    expect(inv.hosts().map((h) => h.name)).toEqual(['h1', 'h2', '::1']);
    expect(inv.group('ungrouped')!.hosts).toEqual(['h1', 'h2', '::1']);
    expect(hostVars(inv, 'h2')).toEqual({ ansible_port: 2200 });
    expect(hostVars(inv, '::1')).toEqual({ ansible_port: 22 });
    expect(inv.host('h1')!.inventoryFile).toBe('h1,h2:2200,[::1]:22,');
    expect(inv.host('h1')!.inventoryDir).toBeNull();
  });

  it('needs the trailing comma for a single host, and does not expand ranges', async () => {
    const inv = await Inventory.load(['web[1:2],', 'solo'], { cwd: tree({}) });
    expect(inv.hosts().map((h) => h.name)).toEqual(['web[1:2]']);
    expect(inv.warnings[0]).toMatch(/^Unable to parse .*\/solo as an inventory source$/);
  });

  it('treats an existing path with a comma as a file', async () => {
    const { inv } = await loadTree({ 'a,b': '[g]\nfrom_file\n' }, ['a,b']);
    expect(inv.hosts().map((h) => h.name)).toEqual(['from_file']);
  });
});

describe('several sources', () => {
  it('merges hosts, groups and vars from every -i in order', async () => {
    const { inv } = await loadTree(
      {
        'one.ini': '[web]\nw1 a=1\n[web:vars]\nx=1\n',
        'two.yml': 'web:\n  hosts:\n    w1: {a: 2}\n    w2:\n  vars: {x: 2}\n',
      },
      ['one.ini', 'two.yml', 'extra,'],
    );
    expect(inv.group('web')!.hosts).toEqual(['w1', 'w2']);
    expect(hostVars(inv, 'w1')).toEqual({ a: 2, x: 2 });
    expect(inv.host('w1')!.source).toMatch(/one\.ini$/);
    expect(inv.hosts().map((h) => h.name)).toEqual(['w1', 'w2', 'extra']);
  });

  it('warns, without failing, for a source that does not exist', async () => {
    const { inv, dir } = await loadTree({ 'one.ini': 'h1\n' }, ['one.ini', 'missing.ini']);
    expect(inv.hosts().map((h) => h.name)).toEqual(['h1']);
    expect(inv.warnings).toEqual([`Unable to parse ${dir}/missing.ini as an inventory source`]);
  });

  it('warns when nothing at all was parsed', async () => {
    const inv = await Inventory.load([], { cwd: tree({}) });
    expect(inv.hosts()).toEqual([]);
    expect(inv.warnings).toEqual(['No inventory was parsed, only implicit localhost is available']);
  });

  it('warns about a second localhost-like host', async () => {
    const { inv } = await loadTree({ 'i.ini': 'localhost\n127.0.0.1\n' }, ['i.ini']);
    expect(inv.warnings).toContain(
      'A duplicate localhost-like entry was found (127.0.0.1). First found localhost was localhost',
    );
  });
});
