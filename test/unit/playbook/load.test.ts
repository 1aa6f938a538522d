// The playbook loader: import_playbook vars/tags/when, import_tasks inheritance, keyword errors.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlaybook } from '../../../src/playbook/load.js';
import type { Task } from '../../../src/playbook/model.js';

const isAction = (n: string): boolean => ['debug', 'import_tasks', 'include_tasks', 'command'].includes(n);

function files(map: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsible-load-'));
  for (const [name, text] of Object.entries(map)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('loadPlaybook', () => {
  it('gives import_playbook vars precedence over the imported play vars, and its tags and when', () => {
    const dir = files({
      'main.yml': '- import_playbook: sub.yml\n  vars: {x: imp}\n  tags: t\n  when: y\n',
      'sub.yml': '- hosts: all\n  vars: {x: play, z: 1}\n  tasks:\n    - debug: msg=hi\n',
    });
    const pb = loadPlaybook(join(dir, 'main.yml'), { isAction });
    const play = pb.plays[0]!;
    expect(play.vars).toEqual({ x: 'imp', z: 1 });
    const t = play.tasks[0] as Task;
    expect(t.tags).toEqual(['t']);
    expect(t.when).toEqual(['y']);
  });

  it('copies when, tags and vars of import_tasks to every imported task', () => {
    const dir = files({
      'main.yml':
        '- hosts: all\n  tasks:\n    - import_tasks: inner.yml\n      when: a\n      tags: [imp]\n      vars: {v: 1}\n',
      'inner.yml': '- debug: msg=one\n- debug: msg=two\n  when: b\n',
    });
    const [one, two] = loadPlaybook(join(dir, 'main.yml'), { isAction }).plays[0]!.tasks as Task[];
    expect(one!.when).toEqual(['a']);
    expect(two!.when).toEqual(['a', 'b']);
    expect(two!.tags).toEqual(['imp']);
    expect(two!.vars).toEqual({ v: 1 });
  });

  it('rejects an unknown task keyword like ansible-core (conflicting action statements)', () => {
    const dir = files({ 'main.yml': '- hosts: all\n  tasks:\n    - debug: msg=x\n      bogus_kw: 1\n' });
    expect(() => loadPlaybook(join(dir, 'main.yml'), { isAction })).toThrow(
      'conflicting action statements: debug, bogus_kw',
    );
  });

  it('keeps a loop on a block (tsible extension) and rejects a loop on import_tasks', () => {
    const dir = files({
      'main.yml': '- hosts: all\n  tasks:\n    - block:\n        - debug: msg=x\n      loop: [1, 2]\n',
      'bad.yml': '- hosts: all\n  tasks:\n    - import_tasks: x.yml\n      loop: [1]\n',
    });
    const block = loadPlaybook(join(dir, 'main.yml'), { isAction }).plays[0]!.tasks[0]!;
    expect(block.kind).toBe('block');
    expect(block.loop?.items).toEqual([1, 2]);
    expect(() => loadPlaybook(join(dir, 'bad.yml'), { isAction })).toThrow(
      /cannot use loops on 'import_tasks'/,
    );
  });
});
