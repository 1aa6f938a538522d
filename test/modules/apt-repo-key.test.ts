// apt_repository and apt_key: sources.list editing and file naming, OpenPGP keyrings checked against
// gpg's own fingerprints of Debian's archive keys, and both planners (apt_key also run on temp keyrings).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apt_key, keyserverUrl } from '../../modules/apt_key.js';
import { apt_repository } from '../../modules/apt_repository.js';
import { editSources, parseSourceLine, sourceFile } from '../../modules/_shared/apt-sources.js';
import { armor, dearmor, idMatches, readKeys } from '../../modules/_shared/openpgp.js';
import { makeCtx, planWith, runModule, shWords, tempDir } from './_harness.js';

const REPO = 'deb [signed-by=/etc/apt/keyrings/x.gpg] https://dl.example.com/apt/debian bookworm main';

describe('sources lines', () => {
  it('parses like Ansible: disabled lines, comments, collapsed whitespace', () => {
    expect(parseSourceLine('  deb   http://a/  b  c # note')).toEqual({
      valid: true,
      enabled: true,
      source: 'deb http://a/ b c',
      comment: 'note',
    });
    expect(parseSourceLine('# deb-src http://a/ b c')).toMatchObject({
      valid: true,
      enabled: false,
      source: 'deb-src http://a/ b c',
    });
    expect(parseSourceLine('# just a comment').valid).toBe(false);
  });

  it.each([
    [REPO, undefined, '/etc/apt/sources.list.d/dl_example_com_apt_debian.list'],
    [
      'deb http://user:pw@mirror.example.org/debian/ bookworm main',
      undefined,
      '/etc/apt/sources.list.d/mirror_example_org_debian.list',
    ],
    [REPO, 'docker', '/etc/apt/sources.list.d/docker.list'],
  ])('names the file for %s (filename=%s)', (repo, filename, file) => {
    expect(sourceFile(parseSourceLine(repo).source, filename)).toBe(file);
  });

  const src = parseSourceLine(REPO).source;
  it('adds to a new file, enables a commented copy, removes enabled copies and empty files', () => {
    const t = '/etc/apt/sources.list.d/x.list';
    const add = editSources(
      new Map([['/etc/apt/sources.list', 'deb http://deb.debian.org/debian bookworm main\n']]),
      src,
      'present',
      t,
    );
    expect([...add.files]).toEqual([[t, `${src}\n`]]);
    expect(add.added).toEqual([t]);
    const have = editSources(new Map([[t, `${src.replace(/ /g, '  ')}\n`]]), src, 'present', t);
    expect(have.files.size).toBe(0);
    const commented = editSources(
      new Map([['/etc/apt/sources.list', `# ${src} # old\n`]]),
      src,
      'present',
      t,
    );
    expect([...commented.files]).toEqual([['/etc/apt/sources.list', `${src} # old\n`]]);
    const rm = editSources(
      new Map([
        [t, `${src}\n`],
        ['/etc/apt/sources.list', `# keep\n${src}\n`],
      ]),
      src,
      'absent',
      t,
    );
    expect([...rm.files]).toEqual([
      [t, undefined],
      ['/etc/apt/sources.list', '# keep\n'],
    ]);
    expect(rm.removed).toEqual([t]);
  });
});

describe('apt_repository planner', () => {
  const lists = (files: Record<string, string>) => ({
    lists: Object.entries(files).map(([path, text]) => ({ path, content: Buffer.from(text) })),
  });
  it('writes the new list file 0644, updates the cache (reverting on failure), then is ok', async () => {
    const p = await planWith(
      apt_repository,
      { repo: REPO, filename: 'example' },
      lists({}),
      makeCtx({ diff: true }),
    );
    expect(p.changed).toBe(true);
    expect(p.steps[0]).toMatchObject({
      kind: 'put',
      dest: '/etc/apt/sources.list.d/example.list',
      mode: '0644',
    });
    const upd = p.steps[1]!;
    expect(upd.kind === 'run' && upd.cmd).toContain('rm -f -- /etc/apt/sources.list.d/example.list');
    expect(p.diff).toEqual([
      {
        before: '',
        after: `${parseSourceLine(REPO).source}\n`,
        beforeHeader: '/dev/null',
        afterHeader: '/etc/apt/sources.list.d/example.list',
      },
    ]);
    expect(p.result).toMatchObject({
      repo: parseSourceLine(REPO).source,
      state: 'present',
      sources_added: ['/etc/apt/sources.list.d/example.list'],
    });
    const again = await planWith(
      apt_repository,
      { repo: REPO, filename: 'example' },
      lists({ '/etc/apt/sources.list.d/example.list': `${REPO}\n` }),
    );
    expect(again).toMatchObject({ changed: false, steps: [] });
    const noUpdate = await planWith(apt_repository, { repo: REPO, update_cache: false }, lists({}));
    expect(noUpdate.steps).toHaveLength(1);
  });

  it.each([
    ['ppa:deadsnakes/ppa', /PPA/],
    ['http://x/ y', /Invalid repository string/],
    [`# ${REPO}`, /Invalid repository string/],
  ])('refuses %s', async (repo, msg) => {
    const p = await planWith(apt_repository, { repo }, lists({}));
    expect(p.failed).toBe(true);
    expect(String(p.result?.msg)).toMatch(msg);
  });

  it('the revert script restores the old content on a failed update (run under /bin/sh)', async () => {
    const dir = tempDir();
    const file = join(dir, 'a.list');
    writeFileSync(file, 'deb http://old/ x y\n');
    const p = await planWith(
      apt_repository,
      { repo: 'deb http://new/ x y', filename: join(dir, 'a') },
      lists({ [file]: 'deb http://old/ x y\n' }),
    );
    const upd = p.steps[1]!;
    expect(upd.kind).toBe('run');
    // Replace apt-get by `false` to simulate the failure, and check the file comes back.
    writeFileSync(file, 'deb http://old/ x y\ndeb http://new/ x y\n');
    const { runSh } = await import('./_harness.js');
    const out = runSh((upd as { cmd: string }).cmd.replace(/^.*apt-get.*$/m, 'false'));
    expect(out.rc).not.toBe(0);
    expect(readFileSync(file, 'utf8')).toBe('deb http://old/ x y\n');
  });
});

const STABLE = '/etc/apt/trusted.gpg.d/debian-archive-bookworm-stable.asc';
const AUTO = '/etc/apt/trusted.gpg.d/debian-archive-bookworm-automatic.asc';
const BIN = '/usr/share/keyrings/debian-archive-bookworm-stable.gpg';

describe('OpenPGP', () => {
  it('finds the same fingerprints as gpg in armored and binary keyrings', () => {
    expect(readKeys(readFileSync(STABLE)).map((k) => k.fingerprint)).toEqual([
      '4D64FEC119C2029067D6E791F8D2585B8783D481',
    ]);
    expect(readKeys(readFileSync(BIN)).map((k) => k.fingerprint)).toEqual([
      '4D64FEC119C2029067D6E791F8D2585B8783D481',
    ]);
    // A key with a subkey is one transferable key.
    expect(readKeys(readFileSync(AUTO)).map((k) => k.fingerprint)).toEqual([
      'B8B80B5B623EAB6AD8775C45B7C5D7D6350947F8',
    ]);
  });

  it('dearmor is what gpg --dearmor gives, and armor round-trips', () => {
    expect(dearmor(readFileSync(STABLE, 'utf8')).equals(readFileSync(BIN))).toBe(true);
    expect(dearmor(armor(readFileSync(BIN))).equals(readFileSync(BIN))).toBe(true);
  });

  it.each([
    ['8783D481', true],
    ['0xF8D2585B8783D481', true],
    ['4D64 FEC1 19C2 0290 67D6  E791 F8D2 585B 8783 D481', true],
    ['8783D482', false],
    ['D481', false],
  ])('id %s', (id, ok) => {
    expect(idMatches('4D64FEC119C2029067D6E791F8D2585B8783D481', id)).toBe(ok);
  });

  it('builds HKP URLs', () => {
    expect(keyserverUrl('hkps://keyserver.ubuntu.com', '0x8783D481')).toBe(
      'https://keyserver.ubuntu.com/pks/lookup?op=get&options=mr&search=0x8783D481',
    );
    expect(keyserverUrl('hkp://keys.example.org', 'abc12345')).toBe(
      'http://keys.example.org:11371/pks/lookup?op=get&options=mr&search=0xABC12345',
    );
  });
});

describe('apt_key on temp keyrings', () => {
  const armored = readFileSync(STABLE, 'utf8');
  const auto = readFileSync(AUTO, 'utf8');
  it('adds to a new binary keyring, is idempotent, appends another key, removes by id', async () => {
    const ring = join(tempDir(), 'repo.gpg');
    const r1 = await runModule(apt_key, { data: armored, keyring: ring });
    expect(r1.result).toMatchObject({
      changed: true,
      fp: '4D64FEC119C2029067D6E791F8D2585B8783D481',
      key_id: 'F8D2585B8783D481',
      short_id: '8783D481',
    });
    expect(readFileSync(ring).equals(readFileSync(BIN))).toBe(true);
    expect((await runModule(apt_key, { data: armored, keyring: ring, id: '8783D481' })).result.changed).toBe(
      false,
    );
    expect((await runModule(apt_key, { data: auto, keyring: ring })).result.changed).toBe(true);
    expect(readKeys(readFileSync(ring))).toHaveLength(2);
    const rm = await runModule(apt_key, { id: '8783D481', keyring: ring, state: 'absent' });
    expect(rm.result).toMatchObject({ changed: true, after: ['B8B80B5B623EAB6AD8775C45B7C5D7D6350947F8'] });
    expect(
      (await runModule(apt_key, { id: '8783D481', keyring: ring, state: 'absent' })).result.changed,
    ).toBe(false);
  });

  it('keeps an .asc keyring armored; reads a key file on the host; checks the id is in the data', async () => {
    const dir = tempDir();
    const ring = join(dir, 'repo.asc');
    await runModule(apt_key, { file: STABLE, keyring: ring });
    expect(readFileSync(ring, 'utf8')).toMatch(/^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
    expect(readKeys(readFileSync(ring))[0]!.fingerprint).toBe('4D64FEC119C2029067D6E791F8D2585B8783D481');
    const wrong = await runModule(apt_key, { data: armored, keyring: join(dir, 'o.gpg'), id: 'DEADBEEF' });
    expect(wrong.result.msg).toMatch(/DEADBEEF is not in the data/);
    const junk = await runModule(apt_key, { data: 'hello', keyring: join(dir, 'o.gpg') });
    expect(junk.result.failed).toBe(true);
  });

  it('without keyring, a key already in trusted.gpg.d is present; a new one goes to /etc/apt/trusted.gpg (plan only)', async () => {
    const rings = { rings: [{ path: STABLE, content: readFileSync(STABLE) }], source: undefined };
    expect((await planWith(apt_key, { data: armored }, rings)).changed).toBe(false);
    const p = await planWith(apt_key, { data: auto }, rings);
    expect(p.steps[0]).toMatchObject({ kind: 'put', dest: '/etc/apt/trusted.gpg', mode: '0644' });
    const rm = await planWith(apt_key, { id: '8783D481', state: 'absent' }, rings);
    expect(rm.steps.map((s) => (s.kind === 'run' ? shWords(s.cmd) : []))).toEqual([
      ['rm', '-f', '--', STABLE],
    ]);
  });
});
