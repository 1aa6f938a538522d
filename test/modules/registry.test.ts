// The module registry: names, collections, and every module's spec is well-formed.
import { describe, expect, it } from 'vitest';
import { listModules, lookupModule } from '../../modules/index.js';

describe('registry', () => {
  it('resolves short and fully qualified names', () => {
    expect(lookupModule('copy')?.name).toBe('copy');
    expect(lookupModule('ansible.builtin.copy')).toBe(lookupModule('copy'));
    expect(lookupModule('ansible.legacy.shell')?.name).toBe('shell');
    expect(lookupModule('ansible.posix.systemd')?.name).toBe('systemd');
    expect(lookupModule('community.general.apt')?.name).toBe('apt');
    expect(lookupModule('systemd_service')).toBe(lookupModule('systemd'));
    expect(lookupModule('ansible.builtin.systemd_service')).toBe(lookupModule('systemd'));
  });

  it('knows nothing of unknown names or prototype keys', () => {
    expect(lookupModule('nope')).toBeUndefined();
    expect(lookupModule('toString')).toBeUndefined();
    expect(lookupModule('ansible.builtin.constructor')).toBeUndefined();
    expect(lookupModule('other.collection.copy')).toBeUndefined();
  });

  it('lists every module', () => {
    expect(listModules()).toEqual([
      'add_host',
      'apt',
      'apt_key',
      'apt_repository',
      'assemble',
      'assert',
      'authorized_key',
      'blockinfile',
      'command',
      'copy',
      'cron',
      'debconf',
      'debug',
      'fail',
      'fetch',
      'file',
      'find',
      'get_url',
      'getent',
      'git',
      'group',
      'group_by',
      'hostname',
      'include_vars',
      'lineinfile',
      'mount',
      'package',
      'package_facts',
      'pause',
      'ping',
      'raw',
      'reboot',
      'replace',
      'script',
      'service',
      'service_facts',
      'set_fact',
      'setup',
      'shell',
      'slurp',
      'stat',
      'sysctl',
      'systemd',
      'systemd_service',
      'tempfile',
      'template',
      'unarchive',
      'uri',
      'user',
      'wait_for',
      'wait_for_connection',
    ]);
  });

  it.each(listModules())('%s has a doc, described params, and consistent rules', (name) => {
    const m = lookupModule(name)!;
    expect(m.doc.short.length).toBeGreaterThan(0);
    const names = new Set(Object.keys(m.params));
    for (const [k, spec] of Object.entries(m.params)) {
      expect(spec.description, k).not.toBe('');
      if (spec.choices && spec.default !== undefined) expect(spec.choices, k).toContain(spec.default);
      for (const a of spec.aliases ?? []) expect(names.has(a), `${k} alias ${a}`).toBe(false);
    }
    const rules = [...(m.mutuallyExclusive ?? []), ...(m.requiredOneOf ?? [])].flat();
    for (const r of rules) expect(names.has(r), r).toBe(true);
    if (m.freeForm) expect(names.has(m.freeForm)).toBe(true);
    for (const k of m.freeFormKeys ?? []) expect(names.has(k), k).toBe(true);
  });
});
