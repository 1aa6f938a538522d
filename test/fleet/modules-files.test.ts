// Issue 4's file modules on real hosts through the CLI: one playbook run twice (changed, then ok), once with
// --check on a fresh host (nothing changes there), and a property test with hostile names and contents.
import { spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetAvailable, fleetDown, fleetScript, fleetUp, hostExec, type Fleet } from './fleet.js';
import { parseRecap, playbook, taskLines } from './cli.js';

const HOSTS = ['mf1', 'mf2', 'mf3'];

/** hostExec without blocking the event loop, so hosts are prepared in parallel. */
function hostExecAsync(
  name: string,
  cmd: string,
  input = '',
): Promise<{ rc: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const c = spawn('bash', [fleetScript, 'exec', name, '--', 'sh', '-c', cmd]);
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    c.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    c.on('close', (code) => resolve({ rc: code ?? -1, stdout, stderr }));
    c.stdin.end(input);
  });
}

async function mustExec(name: string, cmd: string, input = ''): Promise<string> {
  const r = await hostExecAsync(name, cmd, input);
  if (r.rc !== 0) throw new Error(`${name}: ${cmd}\n${r.stderr}`);
  return r.stdout;
}

const sh1 = (b: Buffer | string) => createHash('sha1').update(b).digest('hex');

// What a fresh host has before the playbook: config files to edit, a tree, fragments, an archive.
const FIXTURE = `set -e
mkdir -p /srv/pre/site/css /srv/pre/fragments /srv/pre/unpack /srv/pre/dl /srv/pre/out /srv/pre/attic/sub
printf 'Listen 80\\n<VirtualHost *:80>\\n' > /srv/pre/ports.conf
printf 'PermitRootLogin yes\\n#Port 22\\n' > /srv/pre/sshd_config
printf 'a=1\\n' > /srv/pre/fragments/10-a; printf 'b=2' > /srv/pre/fragments/20-b; printf 'x\\n' > /srv/pre/fragments/README
printf '<h1>site</h1>\\n' > /srv/pre/site/index.html; printf 'body{}\\n' > /srv/pre/site/css/main.css
printf 'attrs\\n' > /srv/pre/attrs.txt; chmod 0644 /srv/pre/attrs.txt
printf '\\000\\001binary\\377' > /srv/pre/blob.bin
touch /srv/pre/attic/sub/old
`;

const PLAYBOOK = `- hosts: files
  gather_facts: false
  vars:
    port: 8080
    app_name: "mf app"
  tasks:
    - name: file directory
      file: { path: /srv/mf/dir, state: directory, owner: nobody, group: nogroup, mode: "u=rwx,g=rx,o=" }
    - name: file link
      file: { src: /srv/pre/site, dest: /srv/mf/site-link, state: link }
    - name: file touch
      file: { path: /srv/mf/stamp, state: touch, mode: "0600", modification_time: preserve, access_time: preserve }
    - name: file attributes
      file: { path: /srv/pre/attrs.txt, mode: "go-r" }
    - name: file absent
      file: { path: /srv/pre/attic, state: absent }
    - name: lineinfile create
      lineinfile: { path: /srv/pre/out/app.ini, line: "[main]", create: true, mode: "0644" }
    - name: lineinfile insertafter
      lineinfile: { path: /srv/pre/out/app.ini, insertafter: '^\\[main\\]', line: "port = 8080", create: true }
    - name: lineinfile backrefs
      lineinfile: { path: /srv/pre/sshd_config, regexp: '^#?Port (\\d+)$', line: 'Port \\1', backrefs: true }
    - name: lineinfile absent
      lineinfile: { path: /srv/pre/sshd_config, regexp: '^PermitRootLogin', state: absent }
    - name: blockinfile
      blockinfile:
        path: /srv/pre/out/hosts
        create: true
        block: |
          10.0.0.5 db
          10.0.0.6 cache
    - name: replace
      replace: { path: /srv/pre/ports.conf, regexp: '\\b80\\b', replace: "8080", backup: true }
    - name: template
      template: { src: app.conf.j2, dest: /srv/pre/out/app.conf, newline_sequence: "\\r\\n", mode: "0600", backup: true }
    - name: copy remote_src directory
      copy: { src: /srv/pre/site/, dest: /srv/pre/out/site-copy/, remote_src: true, directory_mode: "0750" }
    - name: copy binary
      copy: { src: blob.bin, dest: /srv/pre/out/blob.bin, mode: "0640" }
    - name: assemble
      assemble: { src: /srv/pre/fragments, dest: /srv/pre/out/assembled.conf, regexp: '^\\d\\d-', delimiter: "# --" }
    - name: unarchive controller tar.gz
      unarchive: { src: app.tar.gz, dest: /srv/pre/unpack, owner: nobody }
    - name: unarchive remote zip
      unarchive: { src: /srv/pre/app.zip, dest: /srv/pre/unpack, remote_src: true, list_files: true }
    - name: file recurse
      file: { path: /srv/pre/unpack, state: directory, recurse: true, mode: "u=rwX,g=rX,o=" }
    - name: get_url
      get_url:
        url: "http://{{ web }}/file.txt"
        dest: /srv/pre/dl/file.txt
        checksum: sha256:30031a9831674dd684c3817399acebc88a116ce5a7a3fbc0cf34d92521a534e6
        mode: "0640"
    - name: uri to dest
      uri: { url: "http://{{ web }}/data.json", dest: /srv/pre/dl/data.json }
    - name: uri json
      uri: { url: "http://{{ web }}/data.json" }
      register: api
    - name: check uri
      assert: { that: ["api.json.name == 'mf'", "api.status == 200", "api.content_type == 'application/json'"] }
      when: not ansible_check_mode
    - name: find
      find: { paths: /srv/pre, patterns: "*.conf", recurse: true }
      register: found
    - name: check find
      assert: { that: ["found.matched >= 1"] }
    - name: slurp
      slurp: { src: /srv/pre/blob.bin }
      register: blob
    - name: check slurp
      assert: { that: ["blob.content == 'AAFiaW5hcnn/'"] }
    - name: fetch
      fetch: { src: /srv/pre/ports.conf, dest: "{{ fetch_dir }}/" }
`;

// Per task: the status line on the first run, the second run, and under --check on a fresh host.
const EXPECT: [string, string, string, string][] = [
  ['file directory', 'changed', 'ok', 'changed'],
  ['file link', 'changed', 'ok', 'changed'],
  ['file touch', 'changed', 'ok', 'changed'],
  ['file attributes', 'changed', 'ok', 'changed'],
  ['file absent', 'changed', 'ok', 'changed'],
  ['lineinfile create', 'changed', 'ok', 'changed'],
  ['lineinfile insertafter', 'changed', 'ok', 'changed'],
  ['lineinfile backrefs', 'changed', 'ok', 'changed'],
  ['lineinfile absent', 'changed', 'ok', 'changed'],
  ['blockinfile', 'changed', 'ok', 'changed'],
  ['replace', 'changed', 'ok', 'changed'],
  ['template', 'changed', 'ok', 'changed'],
  ['copy remote_src directory', 'changed', 'ok', 'changed'],
  ['copy binary', 'changed', 'ok', 'changed'],
  ['assemble', 'changed', 'ok', 'changed'],
  ['unarchive controller tar.gz', 'changed', 'ok', 'changed'],
  ['unarchive remote zip', 'changed', 'ok', 'changed'],
  ['file recurse', 'changed', 'ok', 'changed'],
  ['get_url', 'changed', 'ok', 'changed'],
  ['uri to dest', 'changed', 'ok', 'skipping'],
  ['uri json', 'ok', 'ok', 'skipping'],
  ['check uri', 'ok', 'ok', 'skipping'],
  ['find', 'ok', 'ok', 'ok'],
  ['check find', 'ok', 'ok', 'ok'],
  ['slurp', 'ok', 'ok', 'ok'],
  ['check slurp', 'ok', 'ok', 'ok'],
  ['fetch', 'changed', 'ok', 'changed'],
];

function expectLines(stdout: string, host: string, col: 1 | 2 | 3): void {
  for (const row of EXPECT) {
    const lines = taskLines(stdout, row[0]);
    expect(
      lines.map((l) => l.replace(/ =>.*$/, '')),
      row[0],
    ).toEqual([`${row[col]}: [${host}]`]);
  }
}

/** Everything under /srv with its metadata, hashed: equal before and after means nothing changed. */
const SNAPSHOT = "find /srv -printf '%p|%s|%m|%u|%g|%T@|%l\\n' | sort | sha1sum";

describe.skipIf(!fleetAvailable)('file modules on the fleet', () => {
  let dir: string;
  let run: Fleet;
  let chk: Fleet;
  let web: Fleet;
  let fetchDir: string;
  const pb = () => join(dir, 'files.yml');
  const extra = () => ['-e', `web=${web.hosts[0]!.address}`, '-e', `fetch_dir=${fetchDir}`];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsible-mf-'));
    fetchDir = join(dir, 'fetched');
    run = fleetUp({ names: ['mf1'], group: 'files', inventory: join(dir, 'run.ini') });
    chk = fleetUp({ names: ['mf2'], group: 'files', inventory: join(dir, 'chk.ini') });
    web = fleetUp({ names: ['mf3'], group: 'mfweb', inventory: join(dir, 'web.ini') });

    // Controller side: the playbook, an archive, a binary file and a template.
    mkdirSync(join(dir, 'files'));
    mkdirSync(join(dir, 'templates'));
    writeFileSync(pb(), PLAYBOOK);
    writeFileSync(join(dir, 'templates', 'app.conf.j2'), 'name={{ app_name }}\nport={{ port }}\n');
    writeFileSync(join(dir, 'files', 'blob.bin'), Buffer.from([0, 255, 1, 10, 13, 0x24]));
    const tree = join(dir, 'tree');
    mkdirSync(join(tree, 'app', 'bin'), { recursive: true });
    writeFileSync(join(tree, 'app', 'README'), 'readme\n');
    writeFileSync(join(tree, 'app', 'odd $name; `x`.txt'), 'odd\n');
    writeFileSync(join(tree, 'app', 'bin', 'run'), '#!/bin/sh\necho run\n', { mode: 0o755 });
    execFileSync('tar', ['-czf', join(dir, 'files', 'app.tar.gz'), '-C', tree, 'app']);
    mkdirSync(join(tree, 'zipped', 'sub'), { recursive: true });
    writeFileSync(join(tree, 'zipped', 'a.txt'), 'zip a\n');
    writeFileSync(join(tree, 'zipped', 'sub', 'b.txt'), 'zip b\n');
    execFileSync('zip', ['-q', '-r', join(dir, 'app.zip'), 'zipped'], { cwd: tree });
    const zip = readFileSync(join(dir, 'app.zip')).toString('base64');

    // Host side, in parallel: curl/unzip/xz on the targets, nginx with two files on the web host.
    const apt = 'apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq';
    const target = async (h: string) => {
      await mustExec(h, `${apt} curl unzip >/dev/null`);
      await mustExec(h, FIXTURE);
      await mustExec(h, 'base64 -d > /srv/pre/app.zip', zip);
    };
    await Promise.all([
      target('mf1'),
      target('mf2'),
      (async () => {
        await mustExec('mf3', `${apt} nginx >/dev/null && /etc/init.d/nginx start >/dev/null`);
        await mustExec('mf3', "printf 'downloaded\\n' > /var/www/html/file.txt");
        await mustExec('mf3', 'printf \'{"name": "mf", "items": [1, 2]}\' > /var/www/html/data.json');
      })(),
    ]);
  });

  afterAll(() => {
    fleetDown(HOSTS);
  });

  it('first run: every writing task changes, the host has the right state', async () => {
    const r = await playbook(['-i', run.inventoryPath, pb(), ...extra()]);
    expect(r.stderr).not.toContain('ERROR');
    expect(r.code, r.stdout).toBe(0);
    expectLines(r.stdout, 'mf1', 1);
    const changed = EXPECT.filter((e) => e[1] === 'changed').length;
    expect(parseRecap(r.stdout).get('mf1')).toMatchObject({ ok: EXPECT.length, changed, failed: 0 });

    const x = (cmd: string) => hostExec('mf1', cmd).stdout;
    expect(x('stat -c "%a %U %G" /srv/mf/dir')).toBe('750 nobody nogroup\n');
    expect(x('readlink /srv/mf/site-link')).toBe('/srv/pre/site\n');
    expect(x('stat -c %a /srv/mf/stamp /srv/pre/attrs.txt')).toBe('600\n600\n');
    expect(hostExec('mf1', 'test -e /srv/pre/attic').rc).toBe(1);
    expect(x('cat /srv/pre/out/app.ini')).toBe('[main]\nport = 8080\n');
    expect(x('cat /srv/pre/sshd_config')).toBe('Port 22\n');
    expect(x('cat /srv/pre/out/hosts')).toBe(
      '# BEGIN ANSIBLE MANAGED BLOCK\n10.0.0.5 db\n10.0.0.6 cache\n# END ANSIBLE MANAGED BLOCK\n',
    );
    expect(x('cat /srv/pre/ports.conf')).toBe('Listen 8080\n<VirtualHost *:8080>\n');
    expect(x('ls /srv/pre/ | grep -c "^ports.conf\\..*~$"')).toBe('1\n');
    expect(x('cat /srv/pre/out/app.conf')).toBe('name=mf app\r\nport=8080\r\n');
    expect(x('stat -c %a /srv/pre/out/app.conf')).toBe('600\n');
    expect(x('cat /srv/pre/out/site-copy/index.html /srv/pre/out/site-copy/css/main.css')).toBe(
      '<h1>site</h1>\nbody{}\n',
    );
    expect(x('stat -c %a /srv/pre/out/site-copy/css')).toBe('750\n');
    expect(x('sha1sum < /srv/pre/out/blob.bin').slice(0, 40)).toBe(
      sh1(Buffer.from([0, 255, 1, 10, 13, 0x24])),
    );
    expect(x('cat /srv/pre/out/assembled.conf')).toBe('a=1\n# --\nb=2');
    expect(x('cat "/srv/pre/unpack/app/odd \\$name; \\`x\\`.txt" /srv/pre/unpack/zipped/sub/b.txt')).toBe(
      'odd\nzip b\n',
    );
    expect(x('stat -c "%U %a" /srv/pre/unpack/app/bin/run /srv/pre/unpack/app/README')).toBe(
      'nobody 750\nnobody 640\n',
    );
    expect(x('cat /srv/pre/dl/file.txt; stat -c %a /srv/pre/dl/file.txt')).toBe('downloaded\n640\n');
    expect(x('cat /srv/pre/dl/data.json')).toBe('{"name": "mf", "items": [1, 2]}');
    expect(readFileSync(join(fetchDir, 'mf1', 'srv', 'pre', 'ports.conf'), 'utf8')).toBe(
      'Listen 8080\n<VirtualHost *:8080>\n',
    );
    // No temporary file was left behind anywhere.
    expect(x('find / -xdev -name ".tsible*" 2>/dev/null')).toBe('');
  });

  it('second run: everything ok, nothing changed', async () => {
    const r = await playbook(['-i', run.inventoryPath, pb(), ...extra()]);
    expect(r.code, r.stdout).toBe(0);
    expectLines(r.stdout, 'mf1', 2);
    expect(parseRecap(r.stdout).get('mf1')).toMatchObject({ ok: EXPECT.length, changed: 0, failed: 0 });
  });

  it('--check --diff on a fresh host reports the changes and makes none', async () => {
    const before = hostExec('mf2', SNAPSHOT).stdout;
    const r = await playbook(['-i', chk.inventoryPath, pb(), ...extra(), '--check', '--diff']);
    expect(r.stderr).not.toContain('ERROR');
    expect(r.code, r.stdout).toBe(0);
    expectLines(r.stdout, 'mf2', 3);
    const changed = EXPECT.filter((e) => e[3] === 'changed').length;
    const skipped = EXPECT.filter((e) => e[3] === 'skipping').length;
    expect(parseRecap(r.stdout).get('mf2')).toMatchObject({ changed, skipped, failed: 0 });
    // Ansible's diff headers.
    expect(r.stdout).toContain(
      '--- before: /srv/pre/out/app.ini (content)\n+++ after: /srv/pre/out/app.ini (content)',
    );
    expect(r.stdout).toContain('--- before: /srv/pre/ports.conf\n+++ after: /srv/pre/ports.conf');
    expect(r.stdout).toContain('-    "state": "absent"\n+    "state": "directory"');
    expect(hostExec('mf2', SNAPSHOT).stdout).toBe(before);
    expect(hostExec('mf2', 'test -e /srv/mf').rc).toBe(1);
    expect(hostExec('mf2', 'find / -xdev -name ".tsible*" 2>/dev/null').stdout).toBe('');
    expect(existsSync(join(fetchDir, 'mf2'))).toBe(false);
  });

  it('tempfile is changed on every run and skipped in check mode', async () => {
    const tpb = join(dir, 'tempfile.yml');
    writeFileSync(
      tpb,
      `- hosts: files\n  gather_facts: false\n  tasks:\n    - name: tempfile\n      tempfile: { state: directory, suffix: .build }\n      register: t\n    - name: show\n      debug: { var: t.path }\n`,
    );
    const paths: string[] = [];
    for (let i = 0; i < 2; i++) {
      const r = await playbook(['-i', run.inventoryPath, tpb]);
      expect(r.code).toBe(0);
      expect(taskLines(r.stdout, 'tempfile')).toEqual(['changed: [mf1]']);
      const m = /"t\.path": "([^"]+)"/.exec(r.stdout);
      paths.push(m![1]!);
    }
    expect(paths[0]).not.toBe(paths[1]);
    expect(
      hostExec('mf1', `test -d '${paths[0]}' && test -d '${paths[1]}' && stat -c %a '${paths[1]}'`).stdout,
    ).toBe('700\n');
    const c = await playbook(['-i', chk.inventoryPath, tpb, '--check']);
    expect(taskLines(c.stdout, 'tempfile')).toEqual(['skipping: [mf2]']);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Property test: generated names and contents full of shell and YAML metacharacters reach the host intact.

/** mulberry32: a small seeded PRNG, so a failure can be reproduced from the seed in its message. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// No '/', NUL or '{' (a '{{' would be Jinja to Ansible as well); everything else a shell could trip on.
const ALPHABET = [
  ' ',
  "'",
  '"',
  '$',
  ';',
  '`',
  '\\',
  '\n',
  '\t',
  '|',
  '&',
  '<',
  '>',
  '(',
  ')',
  '*',
  '?',
  '[',
  ']',
  '!',
  '#',
  '~',
  '-',
  '.',
  '=',
  ',',
  ':',
  '%',
  'é',
  'ü',
  '日本',
  '🙂',
  'a',
  'b',
  'Z',
  '0',
  '$(id)',
  '${HOME}',
];
// Names cannot hold '/', so their canary makes a relative file; contents and lines use an absolute one.
const CANARY = 'touch /tmp/pwned';
const NAME_CANARY = 'touch pwned';

interface PropItem {
  name: string;
  content: string;
  line: string;
}

function generate(seed: number, n: number): PropItem[] {
  const rnd = prng(seed);
  const word = (len: number, noNewline = false) => {
    let s = '';
    while ([...s].length < len) {
      const c = ALPHABET[Math.floor(rnd() * ALPHABET.length)]!;
      if (noNewline && (c === '\n' || c === '\r')) continue;
      s += c;
    }
    return s;
  };
  const items: PropItem[] = [
    // The canary in every shape a shell would execute it.
    { name: `$(${NAME_CANARY})`, content: `c\`${CANARY}\``, line: `L; ${CANARY}; #` },
    { name: `x;${NAME_CANARY};`, content: `c$(${CANARY})\n'"`, line: `L\`${CANARY}\`` },
    {
      name: `-n \n\`${NAME_CANARY}\``,
      content: `c'; ${CANARY}; echo '`,
      line: `L$(${CANARY}) | ${CANARY} &`,
    },
  ];
  const seen = new Set(items.map((i) => i.name));
  while (items.length < n) {
    const name = word(1 + Math.floor(rnd() * 10));
    if (seen.has(name) || name === '.' || name === '..') continue;
    seen.add(name);
    // Contents and lines start with a letter: a value that is exactly a Python literal ('1', "'a'") would be
    // turned into a native value by the templating, in Ansible as in tsible.
    items.push({
      name,
      content: `c${word(Math.floor(rnd() * 40))}`,
      line: `L${word(1 + Math.floor(rnd() * 20), true)}`,
    });
  }
  return items;
}

const PROP_PLAYBOOK = `- hosts: files
  gather_facts: false
  vars_files: [props.json]
  tasks:
    - name: prop dir
      file: { path: /srv/prop, state: directory }
    - name: prop copy
      copy: { content: "{{ item.content }}", dest: "/srv/prop/c-{{ item.name }}" }
      loop: "{{ prop_items }}"
    - name: prop template
      template: { src: prop.j2, dest: "/srv/prop/t-{{ item.name }}" }
      loop: "{{ prop_items }}"
    - name: prop file
      file: { path: "/srv/prop/d-{{ item.name }}", state: directory, mode: "0750" }
      loop: "{{ prop_items }}"
    - name: prop link
      file: { src: "/srv/prop/c-{{ item.name }}", dest: "/srv/prop/l-{{ item.name }}", state: link }
      loop: "{{ prop_items }}"
    - name: prop lineinfile
      lineinfile: { path: /srv/prop/lines.txt, line: "{{ item.line }}", create: true }
      loop: "{{ prop_items }}"
`;

describe.skipIf(!fleetAvailable)('property: hostile names and contents reach the host intact', () => {
  const seed = Number(process.env.TSIBLE_PROP_SEED ?? Date.now() % 100000);
  let dir: string;
  let fleet: Fleet;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsible-prop-'));
    fleet = fleetUp({ names: ['mf4'], group: 'files', inventory: join(dir, 'prop.ini') });
    mkdirSync(join(dir, 'templates'));
    writeFileSync(join(dir, 'templates', 'prop.j2'), '<{{ item.content }}>');
    writeFileSync(join(dir, 'playbook.yml'), PROP_PLAYBOOK);
    rmCanary();
  });

  afterAll(() => fleetDown(['mf4']));

  function rmCanary() {
    hostExec('mf4', 'rm -f /tmp/pwned /root/pwned /pwned');
    execFileSync('rm', ['-f', '/tmp/pwned']);
  }

  it(`copy, template, file and lineinfile write exactly what was asked (seed ${seed})`, async () => {
    const items = generate(seed, 14);
    writeFileSync(join(dir, 'props.json'), JSON.stringify({ prop_items: items }));
    const r = await playbook(['-i', fleet.inventoryPath, join(dir, 'playbook.yml')]);
    expect(r.stderr).not.toContain('ERROR');
    expect(r.code, `seed ${seed}\n${r.stdout}`).toBe(0);

    // Names and types, NUL-separated so any name survives; then every file's sha1.
    const listing = hostExec('mf4', "find /srv/prop -mindepth 1 -printf '%y %m %P\\0%l\\0'").stdout.split(
      '\0',
    );
    const found = new Map<string, { type: string; mode: string; link: string }>();
    for (let i = 0; i + 1 < listing.length; i += 2) {
      const m = /^(\w) (\d+) ([\s\S]*)$/.exec(listing[i]!)!;
      found.set(m[3]!, { type: m[1]!, mode: m[2]!, link: listing[i + 1]! });
    }
    const sums = new Map<string, string>();
    for (const rec of hostExec('mf4', 'cd /srv/prop && find . -type f -exec sha1sum -z {} +').stdout.split(
      '\0',
    )) {
      const m = /^([0-9a-f]{40}) {2}\.\/([\s\S]*)$/.exec(rec);
      if (m) sums.set(m[2]!, m[1]!);
    }
    for (const it of items) {
      const what = `seed ${seed}, name ${JSON.stringify(it.name)}`;
      expect(found.get(`c-${it.name}`)?.type, what).toBe('f');
      expect(sums.get(`c-${it.name}`), what).toBe(sh1(it.content));
      expect(sums.get(`t-${it.name}`), what).toBe(sh1(`<${it.content}>`));
      expect(found.get(`d-${it.name}`), what).toMatchObject({ type: 'd', mode: '750' });
      expect(found.get(`l-${it.name}`), what).toMatchObject({ type: 'l', link: `/srv/prop/c-${it.name}` });
    }
    const lines = [...new Set(items.map((i) => i.line))];
    expect(sums.get('lines.txt'), `seed ${seed}`).toBe(sh1(`${lines.join('\n')}\n`));
    expect(found.size).toBe(items.length * 4 + 1);
    // Nothing ran: not on the host, not on the controller.
    expect(hostExec('mf4', 'find / -xdev -name pwned 2>/dev/null').stdout).toBe('');
    expect(existsSync('/tmp/pwned') || existsSync(join(process.cwd(), 'pwned'))).toBe(false);

    const again = await playbook(['-i', fleet.inventoryPath, join(dir, 'playbook.yml')]);
    expect(again.code).toBe(0);
    expect(parseRecap(again.stdout).get('mf4'), `seed ${seed}`).toMatchObject({ changed: 0, failed: 0 });
  });
});
