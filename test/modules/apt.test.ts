// apt: planner tables from dpkg/cache/simulation facts, finish() from apt-get output, idempotency, quoting.
import { describe, expect, it } from 'vitest';
import { apt } from '../../modules/apt.js';
import {
  aptChanged,
  parsePackageSpec,
  parseSummary,
  parseUpdate,
  versionMatches,
} from '../../modules/_shared/apt-get.js';
import type { PackageStatus } from '../../src/facts/dpkg-status.js';
import type { Plan } from '../../src/core/module.js';
import { makeCtx, planWith, shWords } from './_harness.js';

const NOW = 1_700_000_000;
const pkg = (
  name: string,
  version = '',
  state: 'installed' | 'config-files' | 'none' = version ? 'installed' : 'none',
): PackageStatus => ({
  name,
  installed: state === 'installed',
  configFiles: state === 'config-files',
  version: state === 'installed' ? version : '',
  status:
    state === 'installed'
      ? 'install ok installed'
      : state === 'config-files'
        ? 'deinstall ok config-files'
        : 'not-installed',
});

function facts(pkgs: PackageStatus[], o: { age?: number; sim?: string } = {}) {
  return {
    dpkg: { missing: false, packages: Object.fromEntries(pkgs.map((p) => [p.name, p])) },
    cache: { now: NOW, mtime: NOW - (o.age ?? 100_000) },
    sim: o.sim === undefined ? undefined : { rc: 0, stdout: o.sim, stderr: '' },
    deb: undefined,
  };
}
const cmds = (p: Plan) => p.steps.map((s) => (s.kind === 'run' ? (s.label ?? s.cmd) : 'put'));
const mainCmd = (p: Plan) => {
  const s = p.steps.at(-1)!;
  return s.kind === 'run' ? s.cmd : '';
};
const NOOP_SUMMARY = '0 upgraded, 0 newly installed, 0 to remove and 3 not upgraded.\n';

describe('apt present', () => {
  it('installs only the missing packages, updating the cache first when asked', async () => {
    const p = await planWith(
      apt,
      { name: ['nginx', 'curl'], update_cache: true },
      facts([pkg('nginx'), pkg('curl', '7.88')]),
    );
    expect(p.changed).toBe(true);
    expect(cmds(p)[0]).toBe('apt-get update');
    expect(shWords(mainCmd(p)).slice(-3)).toEqual(['install', '--', 'nginx']);
    expect(p.effects).toEqual({ packages: ['nginx'] });
    // Idempotency: after the install, nothing to do and the cache update is skipped too.
    const again = await planWith(
      apt,
      { name: ['nginx', 'curl'], update_cache: true },
      facts([pkg('nginx', '1.22'), pkg('curl', '7.88')]),
    );
    expect(again.steps).toEqual([]);
    expect(again.changed).toBe(false);
    expect(again.result).toEqual({ cache_updated: false, cache_update_time: NOW - 100_000 });
  });

  it('updates a stale cache (cache_valid_time) without reporting a change, and skips a fresh one', async () => {
    const args = { name: 'nginx', update_cache: true, cache_valid_time: 3600 };
    const stale = await planWith(apt, args, facts([pkg('nginx', '1.22')], { age: 7200 }));
    expect(cmds(stale)).toEqual(['apt-get update']);
    expect(stale.changed).toBe(false);
    const fin = stale.finish!([{ rc: 0, stdout: 'updated=yes\ntime=1700000500\n', stderr: '' }]);
    expect(fin).toMatchObject({ changed: false, cache_updated: true, cache_update_time: 1700000500 });
    const fresh = await planWith(apt, args, facts([pkg('nginx', '1.22')], { age: 60 }));
    expect(fresh.steps).toEqual([]);
  });

  it('honours version pins (exact and wildcard)', async () => {
    const p = await planWith(apt, { name: 'nginx=1.22*' }, facts([pkg('nginx', '1.22.1-9')]));
    expect(p.steps).toEqual([]);
    const q = await planWith(apt, { name: 'nginx=1.24-1' }, facts([pkg('nginx', '1.22.1-9')]));
    expect(shWords(mainCmd(q)).slice(-1)).toEqual(['nginx=1.24-1']);
  });

  it('passes the Ansible apt-get options', async () => {
    const p = await planWith(
      apt,
      { name: 'x', install_recommends: false, default_release: 'bookworm-backports', force: true },
      facts([pkg('x')]),
    );
    const w = shWords(mainCmd(p));
    expect(w.slice(0, 4)).toEqual([
      'DEBIAN_FRONTEND=noninteractive',
      'DEBIAN_PRIORITY=critical',
      'APT_LISTCHANGES_FRONTEND=none',
      'APT_LISTBUGS_FRONTEND=none',
    ]);
    expect(w).toEqual(
      expect.arrayContaining([
        'apt-get',
        '-y',
        '-q',
        'Dpkg::Options::=--force-confdef',
        'Dpkg::Options::=--force-confold',
        'DPkg::Lock::Timeout=60',
        'APT::Install-Recommends=no',
        '-t',
        'bookworm-backports',
        '--allow-downgrades',
        '--allow-remove-essential',
      ]),
    );
  });

  it('quotes hostile package names', async () => {
    const evil = 'x; touch /tmp/pwned $(id) `id`';
    const p = await planWith(apt, { name: [evil] }, facts([pkg(evil)]));
    expect(shWords(mainCmd(p)).slice(-1)).toEqual([evil]);
  });
});

describe('apt absent, latest, upgrade, update_cache', () => {
  it('removes installed packages, purges config-files only with purge', async () => {
    const f = facts([pkg('telnet', '0.17'), pkg('ftp', '', 'config-files'), pkg('gone')]);
    const r = await planWith(apt, { name: ['telnet', 'ftp', 'gone'], state: 'absent' }, f);
    expect(shWords(mainCmd(r)).slice(-3)).toEqual(['remove', '--', 'telnet']);
    expect(r.effects).toBeUndefined();
    const pu = await planWith(
      apt,
      { name: ['telnet', 'ftp', 'gone'], state: 'absent', purge: true, autoremove: true },
      f,
    );
    expect(shWords(mainCmd(pu)).slice(-6)).toEqual([
      'remove',
      '--purge',
      '--auto-remove',
      '--',
      'telnet',
      'ftp',
    ]);
    const after = await planWith(
      apt,
      { name: ['telnet', 'ftp'], state: 'absent', purge: true },
      facts([pkg('telnet'), pkg('ftp')]),
    );
    expect(after.steps).toEqual([]);
  });

  it('latest follows the simulation, and always updates a stale cache', async () => {
    const args = { name: 'nginx', state: 'latest' };
    const up = await planWith(
      apt,
      args,
      facts([pkg('nginx', '1.0')], {
        sim: 'Inst nginx [1.0] (1.1 Debian:12)\n1 upgraded, 0 newly installed, 0 to remove',
      }),
    );
    expect(up.changed).toBe(true);
    expect(shWords(mainCmd(up)).slice(-3)).toEqual(['install', '--', 'nginx']);
    const same = await planWith(apt, args, facts([pkg('nginx', '1.1')], { sim: NOOP_SUMMARY }));
    expect(same.steps).toEqual([]);
    const withUpdate = await planWith(
      apt,
      { ...args, update_cache: true },
      facts([pkg('nginx', '1.1')], { sim: NOOP_SUMMARY }),
    );
    expect(cmds(withUpdate)[0]).toBe('apt-get update');
    expect(
      withUpdate.finish!([
        { rc: 0, stdout: 'updated=no\n', stderr: '' },
        { rc: 0, stdout: NOOP_SUMMARY, stderr: '' },
      ]),
    ).toMatchObject({
      changed: false,
      cache_updated: false,
    });
  });

  it('upgrade uses dist-upgrade or upgrade --with-new-pkgs', async () => {
    const d = await planWith(apt, { upgrade: 'dist' }, facts([], { sim: 'Inst a [1] (2)\n' }));
    expect(mainCmd(d)).toMatch(/ dist-upgrade$/);
    expect(d.changed).toBe(true);
    const s = await planWith(apt, { upgrade: true }, facts([], { sim: NOOP_SUMMARY }));
    expect(mainCmd(s)).toMatch(/ upgrade --with-new-pkgs$/);
    expect(s.changed).toBe(false);
  });

  it('update_cache alone is changed only when a list changed', async () => {
    const p = await planWith(apt, { update_cache: true }, facts([]));
    expect(cmds(p)).toEqual(['apt-get update']);
    expect(p.finish!([{ rc: 0, stdout: 'updated=yes\ntime=5\n', stderr: '' }])).toMatchObject({
      changed: true,
      cache_updated: true,
    });
    expect(p.finish!([{ rc: 0, stdout: 'updated=no\ntime=5\n', stderr: '' }])).toMatchObject({
      changed: false,
      cache_updated: false,
    });
    const c = await planWith(apt, { update_cache: true }, facts([]), makeCtx({ check: true }));
    expect(c.changed).toBe(true);
    expect(c.result).toMatchObject({ cache_updated: true });
  });

  it('finish reads the summary and reports a missing package like Ansible', async () => {
    const p = await planWith(apt, { name: 'nosuch' }, facts([pkg('nosuch')]));
    const bad = p.finish!([
      { rc: 100, stdout: 'Reading package lists...\n', stderr: 'E: Unable to locate package nosuch\n' },
    ]);
    expect(bad).toMatchObject({
      failed: true,
      msg: "No package matching 'nosuch' is available",
      changed: false,
    });
    const ok = p.finish!([
      { rc: 0, stdout: '0 upgraded, 1 newly installed, 0 to remove and 0 not upgraded.\n', stderr: '' },
    ]);
    expect(ok).toMatchObject({ changed: true, stdout: expect.stringContaining('1 newly installed') });
    expect(p.finish!([{ rc: 0, stdout: NOOP_SUMMARY, stderr: '' }]).changed).toBe(false);
  });

  it('fails early when the simulation cannot find a package, and on a non-Debian host', async () => {
    const p = await planWith(
      apt,
      { name: 'zz', state: 'latest' },
      facts([pkg('zz')], { sim: 'E: Unable to locate package zz' }),
    );
    expect(p.result?.msg).toBe("No package matching 'zz' is available");
    const f = { ...facts([]), dpkg: { missing: true, packages: {} } };
    expect((await planWith(apt, { name: 'x' }, f)).failed).toBe(true);
  });

  it('deb installs when the version differs', async () => {
    const f = {
      ...facts([]),
      deb: { readable: true, name: 'tool', version: '2.0', installedVersion: '1.0' },
    };
    const p = await planWith(apt, { deb: 'tool_2.0.deb' }, f);
    expect(shWords(mainCmd(p)).slice(-2)).toEqual(['--', './tool_2.0.deb']);
    expect(p.effects).toEqual({ packages: ['tool'] });
    const same = { ...f, deb: { ...f.deb, installedVersion: '2.0' } };
    expect((await planWith(apt, { deb: '/tmp/tool_2.0.deb' }, same)).steps).toEqual([]);
  });

  it('rejects conflicting or missing arguments', async () => {
    await expect(planWith(apt, { state: 'present' }, facts([]))).rejects.toThrow(
      /one of the following is required: name, deb/,
    );
    await expect(planWith(apt, { name: 'x', deb: '/x.deb' }, facts([]))).rejects.toThrow(
      'parameters are mutually exclusive: deb|name|upgrade',
    );
    await expect(planWith(apt, { name: 'x', state: 'installed' }, facts([]))).rejects.toThrow(
      /value of state must be one of/,
    );
  });
});

describe('apt-get output helpers', () => {
  it('parse summaries, simulations and pins', () => {
    expect(parseSummary('2 upgraded, 1 newly installed, 0 to remove and 5 not upgraded.')).toEqual({
      upgraded: 2,
      installed: 1,
      removed: 0,
      notUpgraded: 5,
    });
    expect(aptChanged(NOOP_SUMMARY)).toBe(false);
    expect(aptChanged('Remv foo [1.0]\n')).toBe(true);
    expect(parsePackageSpec('a=1:2.0-1')).toEqual({ spec: 'a=1:2.0-1', name: 'a', version: '1:2.0-1' });
    expect(versionMatches('1.2.3', '1.2.*')).toBe(true);
    expect(versionMatches('1.3', '1.2*')).toBe(false);
    expect(parseUpdate('updated=yes\ntime=42\n')).toEqual({ updated: true, time: 42 });
  });
});
