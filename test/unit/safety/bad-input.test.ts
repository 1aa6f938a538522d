// Bad input stops tsible-playbook before any host is contacted, with file:line:column, a caret excerpt, exit 4.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { playbook } from '../../fleet/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'tsible-bad-'));
// A host nobody listens for: if tsible contacted it, the run would report it UNREACHABLE.
const INV = join(dir, 'inventory.ini');
writeFileSync(INV, 'h1 ansible_host=127.0.0.1 ansible_port=1\n');

async function bad(name: string, yml: string, inv = INV) {
  const file = join(dir, `${name}.yml`);
  writeFileSync(file, yml);
  const r = await playbook(['-i', inv, file]);
  expect(r.stdout).not.toContain('PLAY [');
  expect(r.stdout).not.toContain('UNREACHABLE');
  return { ...r, file };
}

describe('bad input is refused before any host is contacted', () => {
  it('malformed YAML: position and a caret under the offending spot', async () => {
    const r = await bad('yaml', '- hosts: all\n  tasks:\n    - name: x\n      debug: msg=hi\n     bad: [\n');
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('Syntax error while loading YAML');
    expect(r.stderr).toMatch(new RegExp(`'${r.file}': line \\d+, column \\d+`));
    expect(r.stderr).toContain('^ here');
  });

  it('a value that starts with {{ unquoted gets the quoting hint', async () => {
    const r = await bad('unquoted', '- hosts: all\n  tasks:\n    - debug:\n        msg: {{ x }}\n');
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`line 4`);
    expect(r.stderr).toContain('must be quoted');
  });

  it('a wrong type for a keyword names the keyword and its line', async () => {
    const r = await bad('vars-type', '- hosts: all\n  vars: [1, 2]\n  tasks: []\n');
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("'vars' must be a mapping");
    expect(r.stderr).toContain(`'${r.file}': line 2, column 3`);
  });

  it('a loop over something that is not a list', async () => {
    const r = await bad('loop', '- hosts: all\n  tasks:\n    - debug: msg=hi\n      loop: 5\n');
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("Invalid data passed to 'loop', it requires a list, got this instead: 5");
    expect(r.stderr).toContain('line 4');
  });

  it('an unknown module, with a suggestion for a misspelt keyword', async () => {
    const u = await bad('module', '- hosts: all\n  tasks:\n    - debgu: msg=hi\n');
    expect(u.code).toBe(4);
    expect(u.stderr).toContain("couldn't resolve module/action 'debgu'");
    const k = await bad('keyword', '- hosts: all\n  tasks:\n    - debug: msg=hi\n      regster: out\n');
    expect(k.code).toBe(4);
    expect(k.stderr).toContain("did you mean 'register'?");
  });

  it('an inventory with a cycle or a bad range', async () => {
    const cyc = join(dir, 'cycle.ini');
    writeFileSync(cyc, '[a:children]\nb\n[b:children]\na\n');
    const c = await bad('ok1', '- hosts: all\n  tasks: []\n', cyc);
    expect(c.code).toBe(4);
    expect(c.stderr).toMatch(/cycle|recursive/i);
    const rng = join(dir, 'range.ini');
    writeFileSync(rng, '[web]\nweb[3:x]\n');
    const g = await bad('ok2', '- hosts: all\n  tasks: []\n', rng);
    expect(g.code).toBe(4);
    expect(g.stderr).toContain("host range bounds must be numbers or single letters, got: 'x'");
    expect(g.stderr).toContain("range.ini': line 2, column 1");
  });
});
