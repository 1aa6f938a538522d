// Shared fixtures for the template tests: the variables the Ansible-verified tables were produced with.
import { loadYaml } from '../../../src/core/yaml.js';
import { Templar } from '../../../src/template/index.js';

// Results in the tables were recorded with ansible-core 2.14.18 (`ansible-playbook` + debug msg) and these vars.
export const VARS_YAML = `
s: hello world
n: 5
lst: [3, 1, 2]
users:
  - {name: alice, admin: true, uid: 1001, groups: [wheel, dev]}
  - {name: bob, admin: false, uid: 1002, groups: [dev]}
  - {name: carol, uid: 1003, groups: []}
d: {b: 2, a: 1}
web: {port: 80, host: x, tls: {on: true}}
empty: []
edict: {}
str_list: "[1, 2]"
a_ref: "{{ n + 1 }}"
flag_str: "False"
tb: true
nul: null
f: 2.5
words: [b, a, c, a]
nested: [[1, [2, 3]], [4]]
d2: {a: {x: 1, y: [1]}, c: 3}
d3: {a: {y: [2], z: 1}, e: 5}
path: /etc/nginx/nginx.conf
pw: secret
ver: 1.2.10
res_ok: {changed: false, failed: false, rc: 0}
res_chg: {changed: true, failed: false}
res_fail: {changed: false, failed: true}
res_skip: {changed: false, skipped: true}
res_unr: {unreachable: true}
mixed: ["a", 1, null, true]
kv: [{key: a, value: 1}, {key: b, value: 2}]
people: [{name: x, admin: true}, {name: y, admin: false}]
`;

export function fixtureVars(): Record<string, unknown> {
  return loadYaml(VARS_YAML, 'vars.yml') as Record<string, unknown>;
}

/** A Templar plus the fixture vars, rendering one string. */
export function renderer(): (tmpl: string) => unknown {
  const t = new Templar({ baseDir: '/tmp' });
  const vars = fixtureVars();
  return (tmpl) => t.render(tmpl, vars);
}

/** The message of the error thrown by fn (fails the test if nothing is thrown). */
export function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error, got none');
}
