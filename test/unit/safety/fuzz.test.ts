// Fuzzing the loaders: mutated playbooks and inventories must end in a TsibleError or load, never crash or hang.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TsibleError } from '../../../src/core/errors.js';
import { isKnownAction, validatePlaybook } from '../../../src/engine/validate.js';
import { Inventory } from '../../../src/inventory/inventory.js';
import { loadPlaybook } from '../../../src/playbook/load.js';

/** A small deterministic PRNG (mulberry32), so a failure can be reproduced from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NOISE = [
  ':',
  '{',
  '}',
  '[',
  ']',
  '-',
  "'",
  '"',
  '\n',
  '\t',
  ' ',
  '{{',
  '}}',
  '!',
  '&',
  '*',
  '|',
  '>',
  '#',
  '%',
  '@',
  '`',
  '\\',
  'ÿ',
  '\u0000',
];

function mutate(text: string, r: () => number): string {
  let s = text;
  const n = 1 + Math.floor(r() * 4);
  for (let k = 0; k < n; k++) {
    const at = Math.floor(r() * (s.length + 1));
    const op = Math.floor(r() * 6);
    const lines = s.split('\n');
    const li = Math.floor(r() * lines.length);
    if (op === 0) s = s.slice(0, at) + s.slice(at + 1 + Math.floor(r() * 5));
    else if (op === 1) s = s.slice(0, at) + NOISE[Math.floor(r() * NOISE.length)]! + s.slice(at);
    else if (op === 2) s = [...lines.slice(0, li), lines[li] ?? '', ...lines.slice(li)].join('\n');
    else if (op === 3)
      s = [
        ...lines.slice(0, li),
        '  '.repeat(Math.floor(r() * 3)) + (lines[li] ?? '').trim(),
        ...lines.slice(li + 1),
      ].join('\n');
    else if (op === 4) s = [...lines.slice(0, li), ...lines.slice(li + 1)].join('\n');
    else s = s.slice(0, at) + s.slice(at).replace(/\d/, String(Math.floor(r() * 1000)));
  }
  return s;
}

const PLAYBOOK = `- name: Demo
  hosts: web:&prod
  become: yes
  vars:
    port: 80
    items: [a, b]
  vars_files: []
  tasks:
    - name: Install
      apt: { name: nginx, state: present }
      notify: restart
    - block:
        - command: echo {{ port }}
          register: out
          when: out is not defined
      rescue:
        - debug: msg="{{ items | join(',') }}"
      always:
        - set_fact: { done: true }
    - copy: src=files/a dest=/tmp/a mode=0644
      loop: "{{ items }}"
      loop_control: { label: "{{ item }}" }
  handlers:
    - name: restart
      service: name=nginx state=restarted
`;

const INI = `standalone ansible_host=10.0.0.9
[web]
web[01:03].example.com ansible_user=deploy
db-[a:c] num=42 str="'42'"
host2:2222 spaced="hello world"
[web:vars]
http_port=8080
[prod:children]
web
`;

const YAML_INV = `all:
  vars: {v: 1}
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

function isCleanFailure(e: unknown): boolean {
  return e instanceof TsibleError && e.message.length > 0;
}

describe('loader fuzzing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsible-fuzz-'));

  it('mutated playbooks load or fail with a TsibleError', () => {
    const r = rng(20261122);
    let failures = 0;
    for (let i = 0; i < 400; i++) {
      const text = mutate(PLAYBOOK, r);
      const file = join(dir, `p${i}.yml`);
      writeFileSync(file, text);
      const t0 = Date.now();
      try {
        validatePlaybook(loadPlaybook(file, { isAction: isKnownAction }));
      } catch (e) {
        if (!isCleanFailure(e))
          throw new Error(
            `input ${i} crashed the loader: ${String((e as Error)?.stack ?? e)}\n---\n${text}`,
            { cause: e },
          );
        failures++;
      }
      expect(Date.now() - t0).toBeLessThan(2000);
    }
    // Most mutations break something; the test must have exercised error paths.
    expect(failures).toBeGreaterThan(100);
  });

  it('mutated INI and YAML inventories load or fail with a TsibleError', async () => {
    const r = rng(7);
    let failures = 0;
    for (let i = 0; i < 300; i++) {
      const yaml = i % 2 === 1;
      const text = mutate(yaml ? YAML_INV : INI, r);
      const file = join(dir, `inv${i}.${yaml ? 'yml' : 'ini'}`);
      writeFileSync(file, text);
      try {
        const inv = await Inventory.load([file]);
        inv.resolve('all');
        for (const h of inv.hosts()) inv.varLayers(h.name);
      } catch (e) {
        if (!isCleanFailure(e))
          throw new Error(
            `inventory ${i} crashed the loader: ${String((e as Error)?.stack ?? e)}\n---\n${text}`,
            { cause: e },
          );
        failures++;
      }
    }
    expect(failures).toBeGreaterThan(20);
  });
});
