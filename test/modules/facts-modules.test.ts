// getent, package, package_facts, service_facts, setup, hostname and debconf: read-only modules run for
// real on this machine where that is harmless, planners from tables otherwise.
import { describe, expect, it } from 'vitest';
import { debconf } from '../../modules/debconf.js';
import { getent } from '../../modules/getent.js';
import { hostname } from '../../modules/hostname.js';
import { package_ } from '../../modules/package.js';
import { package_facts, parseDpkgList } from '../../modules/package_facts.js';
import { service_facts } from '../../modules/service_facts.js';
import { setup } from '../../modules/setup.js';
import { fnmatch } from '../../modules/_shared/fnmatch.js';
import { parseDebconf } from '../../src/facts/debconf-db.js';
import { parsePkgMgr } from '../../src/facts/pkg-mgr.js';
import { parseServiceList } from '../../src/facts/service-list.js';
import { makeCtx, planWith, runModule } from './_harness.js';

describe('getent', () => {
  it('reads passwd entries by key, split on colons', async () => {
    const r = await runModule(getent, { database: 'passwd', key: 'root' });
    expect(r.result).toMatchObject({
      changed: false,
      ansible_facts: { getent_passwd: { root: ['x', '0', '0', 'root', '/root', expect.any(String)] } },
    });
  });

  it('fails on a missing key unless fail_key=no', async () => {
    const r = await runModule(getent, { database: 'passwd', key: 'no-such-user-xyz' });
    expect(r.result).toMatchObject({
      failed: true,
      msg: 'One or more supplied key could not be found in the database.',
    });
    const ok = await runModule(getent, { database: 'passwd', key: 'no-such-user-xyz', fail_key: false });
    expect(ok.result).toMatchObject({ ansible_facts: { getent_passwd: { 'no-such-user-xyz': null } } });
  });

  it('splits other databases on whitespace and lists repeated keys', async () => {
    const out = 'http 80/tcp www\nhttp 80/udp\nssh 22/tcp\n';
    const p = await planWith(getent, { database: 'services' }, { out: { rc: 0, stdout: out, stderr: '' } });
    expect(p.result).toEqual({
      ansible_facts: { getent_services: { http: [['80/tcp', 'www'], ['80/udp']], ssh: ['22/tcp'] } },
    });
    const bad = await planWith(getent, { database: 'nope' }, { out: { rc: 1, stdout: '', stderr: '' } });
    expect(bad.result?.msg).toBe('Missing arguments, or database unknown.');
  });
});

describe('package', () => {
  const aptFacts = {
    dpkg: {
      missing: false,
      packages: { git: { name: 'git', installed: false, configFiles: false, version: '', status: '' } },
    },
    cache: { now: 100, mtime: 50 },
    sim: undefined,
    deb: undefined,
  };
  it('dispatches to apt from the gathered pkg_mgr, passing apt options through', async () => {
    const ctx = makeCtx({ hostFacts: { pkg_mgr: 'apt' } });
    const p = await planWith(
      package_,
      { name: 'git', state: 'present', install_recommends: false },
      { detected: undefined, ...aptFacts },
      ctx,
    );
    expect(p.changed).toBe(true);
    const cmd = p.steps.at(-1)!;
    expect(cmd.kind === 'run' && cmd.cmd).toMatch(/APT::Install-Recommends=no.* install -- git$/);
  });

  it('detects the manager when facts were not gathered, and fails clearly for others', async () => {
    const p = await planWith(package_, { name: 'git', state: 'present' }, { detected: 'apt', ...aptFacts });
    expect(p.changed).toBe(true);
    const dnf = await planWith(package_, { name: 'git', state: 'present' }, { detected: 'dnf', ...aptFacts });
    expect(dnf).toMatchObject({
      failed: true,
      result: { msg: "tsible's package module supports apt only; this host's package manager is 'dnf'" },
    });
    expect(parsePkgMgr('apt-get\n')).toBe('apt');
    expect(parsePkgMgr('')).toBe('unknown');
  });

  it('checks backend options before any host: typos and required name/state', async () => {
    await expect(
      planWith(package_, { name: 'git', state: 'present', update_cahce: true }, {}),
    ).rejects.toThrow(/update_cache/);
    await expect(planWith(package_, { name: 'git' }, {})).rejects.toThrow(
      /missing required arguments: state/,
    );
  });
});

describe('package_facts / service_facts / setup', () => {
  it('lists installed packages from dpkg (this machine)', async () => {
    const r = await runModule(package_facts, {});
    const pkgs = (r.result.ansible_facts as { packages: Record<string, { name: string; source: string }[]> })
      .packages;
    expect(pkgs.dpkg?.[0]).toMatchObject({ name: 'dpkg', source: 'apt' });
    expect(
      parseDpkgList(
        'installed\tlibc6\t2.36\tamd64\tlibs\ninstalled\tlibc6\t2.36\ti386\tlibs\nconfig-files\tgone\t1\tall\tx\n',
      ),
    ).toEqual({
      libc6: [
        { name: 'libc6', version: '2.36', arch: 'amd64', category: 'libs', source: 'apt' },
        { name: 'libc6', version: '2.36', arch: 'i386', category: 'libs', source: 'apt' },
      ],
    });
    const rpm = await planWith(
      package_facts,
      { manager: ['rpm'] },
      { dpkg: { rc: 0, stdout: '', stderr: '' } },
    );
    expect(rpm.failed).toBe(true);
  });

  it('reads sysv and systemd service lists', async () => {
    expect(parseServiceList('@@sysv\n0 enabled ssh\n3 disabled nginx\n4 disabled odd\n')).toEqual({
      ssh: { name: 'ssh', state: 'running', status: 'enabled', source: 'sysv' },
      nginx: { name: 'nginx', state: 'stopped', status: 'disabled', source: 'sysv' },
      odd: { name: 'odd', state: 'unknown', status: 'disabled', source: 'sysv' },
    });
    const sd = parseServiceList(
      '@@systemd\ncron.service loaded active running Regular background program\nfoo.service not-found inactive dead foo\n' +
        '@@files\ncron.service enabled enabled\nfoo.service disabled enabled\nbar.service static -\n',
    );
    expect(sd['cron.service']).toEqual({
      name: 'cron.service',
      state: 'running',
      status: 'enabled',
      source: 'systemd',
    });
    expect(sd['foo.service']?.status).toBe('not-found');
    expect(sd['bar.service']).toMatchObject({ state: 'stopped', status: 'static' });
    const p = await planWith(service_facts, {}, { services: sd });
    expect(p.result).toEqual({ ansible_facts: { services: sd } });
  });

  it('gathers facts with ansible_ names, subsets and filters (this machine)', async () => {
    const r = await runModule(setup, { filter: ['ansible_distribution*', 'ansible_pkg_mgr'] });
    const f = r.result.ansible_facts as Record<string, unknown>;
    expect(f.ansible_distribution).toBeTypeOf('string');
    expect(f.ansible_pkg_mgr).toBe('apt');
    expect(f.ansible_hostname).toBeUndefined();
    expect(f.module_setup).toBe(true);
    const min = await runModule(setup, { gather_subset: ['!all', '!min', 'network'] });
    expect(Object.keys(min.result.ansible_facts as object)).toContain('ansible_interfaces');
    expect(fnmatch('ansible_eth0', 'ansible_eth[0-9]')).toBe(true);
    expect(fnmatch('ansible_eth0', 'ansible_[!e]*')).toBe(false);
  });
});

describe('hostname', () => {
  const st = (current: string, permanent = current, systemd = false) => ({
    state: { systemd, current, permanent, fqdn: current },
  });
  it('sets the running name and /etc/hostname, with facts and a diff', async () => {
    const p = await planWith(hostname, { name: 'web1' }, st('old'), makeCtx({ diff: true }));
    expect(p.changed).toBe(true);
    expect(p.steps.slice(0, 2)).toEqual([
      { kind: 'run', cmd: 'hostname -- web1' },
      { kind: 'put', dest: '/etc/hostname', content: Buffer.from('web1\n') },
    ]);
    expect(p.diff).toEqual([{ before: 'hostname = old\n', after: 'hostname = web1\n' }]);
    expect(p.result).toMatchObject({
      name: 'web1',
      ansible_facts: { ansible_hostname: 'web1', ansible_nodename: 'web1' },
    });
    expect(
      p.finish!([
        { rc: 0, stdout: '', stderr: '' },
        { rc: 0, stdout: '', stderr: '' },
        { rc: 0, stdout: 'web1.example.com\n', stderr: '' },
      ]),
    ).toEqual({
      ansible_facts: {
        ansible_hostname: 'web1',
        ansible_nodename: 'web1',
        ansible_fqdn: 'web1.example.com',
        ansible_domain: 'example.com',
      },
    });
    expect((await planWith(hostname, { name: 'web1' }, st('web1'))).changed).toBe(false);
    expect((await planWith(hostname, { name: 'web1' }, st('web1', 'old'))).steps).toHaveLength(2);
  });

  it('uses hostnamectl under systemd; refuses bad names and unsupported strategies', async () => {
    const p = await planWith(hostname, { name: 'db.example.com' }, st('old', 'old', true));
    expect(p.steps.slice(0, 2).map((s) => (s.kind === 'run' ? s.cmd : ''))).toEqual([
      'hostnamectl --transient set-hostname db.example.com',
      'hostnamectl --static set-hostname db.example.com',
    ]);
    expect((await planWith(hostname, { name: 'a b' }, st('x'))).failed).toBe(true);
    expect((await planWith(hostname, { name: 'x', use: 'freebsd' }, st('y'))).failed).toBe(true);
  });
});

describe('debconf', () => {
  const q = (name: string, value?: string) => ({ name, value, owners: ['tzdata'], flags: ['seen'] });
  const db = (...questions: ReturnType<typeof q>[]) => ({ db: { readable: true, questions } });
  it('sets a differing answer with debconf-set-selections on stdin, then is ok', async () => {
    const args = { name: 'tzdata', question: 'tzdata/Areas', vtype: 'select', value: 'Europe' };
    const p = await planWith(debconf, args, db(q('tzdata/Areas', 'Etc')), makeCtx({ diff: true }));
    expect(p.changed).toBe(true);
    expect(p.steps[0]).toMatchObject({
      kind: 'run',
      cmd: 'debconf-set-selections',
      stdin: 'tzdata tzdata/Areas select Europe\n',
    });
    expect(p.result).toEqual({ current: { 'tzdata/Areas': 'Europe' }, previous: { 'tzdata/Areas': 'Etc' } });
    expect(p.diff?.[0]?.after).toBe('{\n    "tzdata/Areas": "Europe"\n}\n');
    expect((await planWith(debconf, args, db(q('tzdata/Areas', 'Europe')))).changed).toBe(false);
  });

  it.each([
    ['boolean true is true', { vtype: 'boolean', value: true }, 'true', false],
    ['boolean case', { vtype: 'boolean', value: 'True' }, 'true', false],
    ['multiselect order does not matter', { vtype: 'multiselect', value: ['b', 'a'] }, 'a, b', false],
    ['a question never answered', { vtype: 'string', value: 'x' }, undefined, true],
  ])('%s', async (_n, args, current, changed) => {
    const p = await planWith(debconf, { name: 'p', question: 'p/q', ...args }, db(q('p/q', current)));
    expect(p.changed).toBe(changed);
  });

  it('masks passwords, marks unseen, lists current answers without question', async () => {
    const p = await planWith(
      debconf,
      { name: 'p', question: 'p/pw', vtype: 'password', value: 's3cret', unseen: true },
      db(),
    );
    expect(p.result).toEqual({ current: { 'p/pw': '********' }, previous: { 'p/pw': '********' } });
    expect(p.steps[0]).toMatchObject({ cmd: 'debconf-set-selections -u' });
    const all = await planWith(
      debconf,
      { name: 'tzdata' },
      db(q('tzdata/Areas', 'Etc'), q('tzdata/Zones/Etc', 'UTC')),
    );
    expect(all.result).toEqual({ current: { 'tzdata/Areas': 'Etc', 'tzdata/Zones/Etc': 'UTC' } });
    const nov = await planWith(debconf, { name: 'p', question: 'p/q' }, db());
    expect(nov.result?.msg).toBe('when supplying a question you must supply a valid vtype and value');
  });

  it('parses the database stanzas, taking a password value from passwords.dat', () => {
    const out =
      'readable\nName: p/pw\nTemplate: p/pw\nOwners: p\nFlags: seen\n\nName: p/pw\nValue: x\nOwners: p\n\n';
    expect(parseDebconf(out)).toEqual({
      readable: true,
      questions: [{ name: 'p/pw', value: 'x', owners: ['p'], flags: ['seen'] }],
    });
  });
});
