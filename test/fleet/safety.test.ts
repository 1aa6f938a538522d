// Issue 6 on real hosts: vault in playbooks, secrets never printed, interrupted writes, Ctrl-C, bad input.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { randomBytes, createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptVault } from '../../src/vault/format.js';
import { parseRecap, playbook, ROOT } from './cli.js';
import { fleetAvailable, fleetDown, fleetUp, hostExec, type Fleet } from './fleet.js';

const NAMES = ['sf1', 'sf2'];
const VAULT_PW = 'correct horse battery staple';
const SECRET_DB = 'S3cr3t-DB-Pa55w0rd';
const SECRET_API = 'api-token-7f9c2e1d';
const SECRET_FILE = 'file-secret-8b1e6f';
const NOLOG = 'no-log-value-4d2a';

function indent(text: string, n: number): string {
  return text
    .trimEnd()
    .split('\n')
    .map((l) => ' '.repeat(n) + l)
    .join('\n');
}

describe.skipIf(!fleetAvailable)('safety on the fleet', () => {
  let fleet: Fleet;
  let dir: string;
  const pwFile = (): string => join(dir, 'vault-pass.txt');

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsible-safety-'));
    fleet = fleetUp({ names: NAMES, group: 'safe', inventory: join(dir, 'inventory.ini') });
    writeFileSync(pwFile(), `${VAULT_PW}\n`);
    const pw = Buffer.from(VAULT_PW);
    mkdirSync(join(dir, 'group_vars', 'safe'), { recursive: true });
    writeFileSync(
      join(dir, 'group_vars', 'safe', 'vault.yml'),
      encryptVault(`db_password: ${SECRET_DB}\n`, pw),
    );
    mkdirSync(join(dir, 'files'));
    writeFileSync(join(dir, 'files', 'secret.conf'), encryptVault(`token=${SECRET_FILE}\n`, pw));
    mkdirSync(join(dir, 'templates'));
    writeFileSync(join(dir, 'templates', 'app.conf.j2'), 'db={{ db_password }}\napi={{ api_token }}\n');
    writeFileSync(
      join(dir, 'site.yml'),
      `- hosts: safe
  gather_facts: false
  vars:
    api_token: !vault |
${indent(encryptVault(SECRET_API, pw), 6)}
  tasks:
    - name: Template with vaulted vars
      template: { src: app.conf.j2, dest: /etc/app.conf, mode: '0600' }
    - name: Copy an encrypted file (decrypted on the way)
      copy: { src: secret.conf, dest: /etc/secret.conf, mode: '0600' }
    - name: Hidden command
      command: echo ${NOLOG}
      no_log: true
      register: hidden
    - name: The registered value keeps the real data
      assert:
        that: hidden.stdout == '${NOLOG}'
        quiet: true
`,
    );
  });

  afterAll(() => fleetDown(NAMES));

  it('decrypts vaulted group_vars, inline !vault values and encrypted copy sources', async () => {
    const r = await playbook([
      '-i',
      fleet.inventoryPath,
      join(dir, 'site.yml'),
      '--vault-password-file',
      pwFile(),
      '--diff',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const h of NAMES) {
      expect(hostExec(h, 'cat /etc/app.conf').stdout).toBe(`db=${SECRET_DB}\napi=${SECRET_API}\n`);
      expect(hostExec(h, 'cat /etc/secret.conf').stdout).toBe(`token=${SECRET_FILE}\n`);
    }
  });

  it('never prints a secret, even with -vvv and --diff', async () => {
    const clean = await playbook([
      '-i',
      fleet.inventoryPath,
      join(dir, 'site.yml'),
      '--vault-password-file',
      pwFile(),
    ]);
    expect(clean.code).toBe(0);
    // Make the files differ again so --diff has something to show.
    for (const h of NAMES) hostExec(h, 'rm -f /etc/app.conf /etc/secret.conf');
    const r = await playbook([
      '-i',
      fleet.inventoryPath,
      join(dir, 'site.yml'),
      '--vault-password-file',
      pwFile(),
      '-vvv',
      '--diff',
    ]);
    expect(r.code).toBe(0);
    const all = clean.stdout + clean.stderr + r.stdout + r.stderr;
    expect(all).toContain('censored');
    // The vault password and no_log values never show; nor does content decrypted from an encrypted copy
    // source or an inline !vault value in a --diff.
    for (const s of [VAULT_PW, NOLOG, SECRET_API, SECRET_FILE]) expect(all).not.toContain(s);
    expect(r.stdout).toContain('diff skipped: the content comes from vault-encrypted data');
  });

  it('stops with exit 1 when vaulted data has no secret, before touching a host', async () => {
    const r = await playbook(['-i', fleet.inventoryPath, join(dir, 'site.yml')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Attempting to decrypt but no vault secrets found');
    expect(r.stdout).not.toContain('TASK [');
  });

  it('a controller killed in the middle of a copy leaves the old or the new file, never a partial one', async () => {
    const oldData = randomBytes(4 * 1024 * 1024);
    const newData = randomBytes(24 * 1024 * 1024);
    writeFileSync(join(dir, 'files', 'big.bin'), newData);
    const sha = (b: Buffer): string => createHash('sha1').update(b).digest('hex');
    hostExec('sf1', 'cat > /var/tmp/big.bin', { input: oldData.toString('latin1') });
    const oldSum = hostExec('sf1', 'sha1sum < /var/tmp/big.bin | cut -d" " -f1').stdout.trim();
    writeFileSync(
      join(dir, 'big.yml'),
      `- hosts: sf1\n  gather_facts: false\n  tasks:\n    - copy: { src: big.bin, dest: /var/tmp/big.bin }\n`,
    );
    const outcomes = { old: 0, new: 0 };
    for (let i = 0; i < 8; i++) {
      const child = spawn(
        process.execPath,
        [
          join(ROOT, 'bin', 'tsible-playbook.js'),
          '-i',
          fleet.inventoryPath,
          join(dir, 'big.yml'),
          '--vault-password-file',
          pwFile(),
        ],
        { stdio: 'ignore' },
      );
      const closed = new Promise((r) => child.on('close', r));
      await new Promise((r) => setTimeout(r, 300 + i * 450));
      child.kill('SIGKILL');
      await closed;
      // The host notices the dead connection and cleans up; give it a moment.
      await new Promise((r) => setTimeout(r, 400));
      const now = hostExec('sf1', 'sha1sum < /var/tmp/big.bin | cut -d" " -f1').stdout.trim();
      expect([oldSum, sha(newData)]).toContain(now);
      outcomes[now === oldSum ? 'old' : 'new']++;
      expect(hostExec('sf1', 'ls -a /var/tmp').stdout).not.toContain('.tsible-tmp');
      if (now !== oldSum) hostExec('sf1', 'cat > /var/tmp/big.bin', { input: oldData.toString('latin1') });
    }
    console.log(
      `interrupted copies: ${outcomes.old} left the old file, ${outcomes.new} the new one, 0 partial`,
    );
    expect(outcomes.old + outcomes.new).toBe(8);
  });

  it('Ctrl-C stops the run, prints the recap so far and exits 99', async () => {
    writeFileSync(
      join(dir, 'slow.yml'),
      `- hosts: safe\n  gather_facts: false\n  tasks:\n    - command: echo first\n    - command: sleep 30\n    - command: echo never\n`,
    );
    const child = spawn(
      process.execPath,
      [
        join(ROOT, 'bin', 'tsible-playbook.js'),
        '-i',
        fleet.inventoryPath,
        join(dir, 'slow.yml'),
        '--vault-password-file',
        pwFile(),
      ],
      { env: { ...process.env, NO_COLOR: '1' } },
    );
    const closed = new Promise<number | null>((r) => child.on('close', r));
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    await new Promise((r) => setTimeout(r, 2500));
    child.kill('SIGINT');
    const code = await closed;
    expect(code).toBe(99);
    expect(err).toContain('User interrupted execution');
    const recap = parseRecap(out);
    expect(recap.get('sf1')).toMatchObject({ ok: 1, changed: 1 });
    expect(out).not.toContain('echo never');
  });
});
