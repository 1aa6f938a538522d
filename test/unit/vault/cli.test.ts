// tsible-vault end to end: every command in-process through runVaultCli, plus a few real spawned runs.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runVaultCli } from '../../../src/cli/vault.js';
import { loadYaml, VaultText } from '../../../src/core/yaml.js';
import { decryptVault, parseVault } from '../../../src/vault/format.js';
import { decryptValue, VaultSecrets } from '../../../src/vault/secrets.js';
import {
  FIXTURES,
  HAVE_ANSIBLE_VAULT,
  MAIN_PW,
  MAIN_PW_FILE,
  PROD_PW,
  PROD_PW_FILE,
  fixture,
  memoryIo,
  tempDir,
  type MemoryIoOptions,
} from './helpers.js';

const NEW_PW = 'n3w-rekeyed-pass';
const PROMPT_PW = 'typed-at-the-prompt';
const PASSWORDS = [MAIN_PW, PROD_PW, NEW_PW, PROMPT_PW];
const ROOT = join(import.meta.dirname, '../../..');

/** Everything any command printed, checked at the end for passwords. */
const transcript: string[] = [];

interface Result {
  code: number;
  out: string;
  outBytes: Buffer;
  err: string;
  prompts: string[];
}

async function vault(args: string[], o: MemoryIoOptions = {}): Promise<Result> {
  const io = memoryIo({ env: { PATH: process.env.PATH }, ...o });
  const code = await runVaultCli(args, io);
  const res = {
    code,
    out: io.out().toString('utf8'),
    outBytes: io.out(),
    err: io.err(),
    prompts: io.prompts,
  };
  transcript.push(res.out, res.err, ...res.prompts);
  return res;
}

const PW = ['--vault-password-file', MAIN_PW_FILE];
const plainOf = (path: string, pw = MAIN_PW): string =>
  decryptVault(readFileSync(path), Buffer.from(pw)).toString();

function editorScript(dir: string, body: string): string {
  const path = join(dir, 'fake-editor');
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('encrypt, view, rekey, decrypt on a file', () => {
  it('goes round the whole cycle, keeping the file mode', async () => {
    const dir = tempDir();
    const f = join(dir, 'secrets.yml');
    writeFileSync(f, 'token: abc\n');
    chmodSync(f, 0o640);

    let r = await vault(['encrypt', ...PW, f]);
    expect([r.code, r.out, r.err]).toEqual([0, '', '']);
    expect(readFileSync(f, 'utf8').startsWith('$ANSIBLE_VAULT;1.1;AES256\n')).toBe(true);
    expect(statSync(f).mode & 0o777).toBe(0o640);

    r = await vault(['view', ...PW, f]);
    expect([r.code, r.out]).toEqual([0, 'token: abc\n']);

    r = await vault(['rekey', ...PW, '--new-vault-password-file', join(dir, 'newpw'), f]);
    expect(r.code).toBe(1);
    writeFileSync(join(dir, 'newpw'), `${NEW_PW}\n`);
    r = await vault(['rekey', ...PW, '--new-vault-password-file', join(dir, 'newpw'), f]);
    expect([r.code, r.err]).toEqual([0, 'Rekey successful\n']);
    expect(statSync(f).mode & 0o777).toBe(0o640);
    expect(plainOf(f, NEW_PW)).toBe('token: abc\n');

    r = await vault(['view', ...PW, f]);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `ERROR! Decryption failed (no vault secrets were found that could decrypt) on ${f} for ${f}\n`,
    );

    r = await vault(['decrypt', '--vault-password-file', join(dir, 'newpw'), f]);
    expect([r.code, r.out, r.err]).toEqual([0, '', '']);
    expect(readFileSync(f, 'utf8')).toBe('token: abc\n');
    expect(statSync(f).mode & 0o777).toBe(0o640);
  });

  it('rekey to a --new-vault-id writes a 1.2 header with its label', async () => {
    const dir = tempDir();
    const f = join(dir, 'v.yml');
    writeFileSync(f, fixture('v11-simple.yml.vault'));
    const r = await vault(['rekey', ...PW, '--new-vault-id', `prod@${PROD_PW_FILE}`, f]);
    expect(r.code).toBe(0);
    expect(readFileSync(f, 'utf8').split('\n')[0]).toBe('$ANSIBLE_VAULT;1.2;AES256;prod');
    expect(plainOf(f, PROD_PW)).toBe(fixture('simple.yml').toString());
  });

  it('says "successful" only when stdout is a terminal, like ansible-vault', async () => {
    const dir = tempDir();
    const f = join(dir, 'a.txt');
    writeFileSync(f, 'a\n');
    expect((await vault(['encrypt', ...PW, f], { stdoutIsTTY: true })).err).toBe('Encryption successful\n');
    expect((await vault(['decrypt', ...PW, f], { stdoutIsTTY: true })).err).toBe('Decryption successful\n');
  });

  it('--vault-id label@file encrypts with a 1.2 header; a new file gets mode 0600', async () => {
    const dir = tempDir();
    const src = join(dir, 'in.txt');
    writeFileSync(src, 'x');
    const out = join(dir, 'out.vault');
    const r = await vault(['encrypt', '--vault-id', `prod@${PROD_PW_FILE}`, '--output', out, src]);
    expect(r.code).toBe(0);
    expect(readFileSync(src, 'utf8')).toBe('x');
    expect(readFileSync(out, 'utf8').split('\n')[0]).toBe('$ANSIBLE_VAULT;1.2;AES256;prod');
    expect(statSync(out).mode & 0o777).toBe(0o600);
  });

  it('view adds a final newline only when missing; decrypt --output - is byte exact', async () => {
    const r = await vault(['view', ...PW, join(FIXTURES, 'multiline.vault')]);
    expect(r.out).toBe(`${fixture('multiline.txt').toString()}\n`);
    const d = await vault(['decrypt', ...PW, '--output', '-', join(FIXTURES, 'binary.vault')]);
    expect(d.outBytes.equals(fixture('binary.bin'))).toBe(true);
    const prod = await vault([
      'view',
      '--vault-id',
      `prod@${PROD_PW_FILE}`,
      join(FIXTURES, 'v12-prod.yml.vault'),
    ]);
    expect(prod.out).toBe(fixture('simple.yml').toString());
  });

  it('without files, encrypt and decrypt filter stdin to stdout', async () => {
    const enc = await vault(['encrypt', ...PW], { stdin: 'from stdin\n' });
    expect(enc.code).toBe(0);
    expect(decryptVault(enc.out, Buffer.from(MAIN_PW)).toString()).toBe('from stdin\n');
    const dec = await vault(['decrypt', ...PW], { stdin: enc.out });
    expect([dec.code, dec.out]).toEqual([0, 'from stdin\n']);
    const dash = await vault(['decrypt', ...PW, '-'], { stdin: enc.out });
    expect(dash.out).toBe('from stdin\n');
  });
});

describe('errors', () => {
  it('refuses to encrypt twice or decrypt plaintext, with exit code 1', async () => {
    const dir = tempDir();
    const f = join(dir, 'v.yml');
    writeFileSync(f, fixture('v11-simple.yml.vault'));
    let r = await vault(['encrypt', ...PW, f]);
    expect([r.code, r.err]).toEqual([1, 'ERROR! input is already encrypted\n']);
    const p = join(dir, 'p.yml');
    writeFileSync(p, 'a: 1\n');
    r = await vault(['decrypt', ...PW, p]);
    expect([r.code, r.err]).toEqual([
      1,
      `ERROR! input is not vault encrypted data. ${p} is not a vault encrypted file for ${p}\n`,
    ]);
    r = await vault(['view', ...PW, join(dir, 'missing')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^ERROR! Unable to read source file \(.*missing\): /);
  });

  it('bad options exit with 5', async () => {
    expect((await vault(['bogus'])).code).toBe(5);
    expect((await vault(['view', '--bogus'])).code).toBe(5);
    expect((await vault([])).code).toBe(5);
    expect((await vault(['view', '--ask-vault-pass', ...PW, 'x'])).code).toBe(5);
    expect(
      (await vault(['rekey', ...PW, '--new-vault-id', 'a@b', '--new-vault-password-file', 'c', 'x'])).code,
    ).toBe(5);
    const two = await vault(['decrypt', ...PW, '--output', '-', 'a', 'b']);
    expect([two.code, two.err]).toEqual([
      5,
      'ERROR! At most one input file may be used with the --output option\n',
    ]);
    const ids = await vault([
      'encrypt',
      '--vault-id',
      `a@${MAIN_PW_FILE}`,
      '--vault-id',
      `b@${PROD_PW_FILE}`,
      'x',
    ]);
    expect([ids.code, ids.err]).toEqual([
      5,
      'ERROR! The vault-ids a,b are available to encrypt. Specify the vault-id to encrypt with --encrypt-vault-id\n',
    ]);
    const semi = await vault(['view', '--vault-id', `a;b@${MAIN_PW_FILE}`, 'x']);
    expect(semi.code).toBe(5);
  });

  it('--help and --version exit 0', async () => {
    const help = await vault(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('encrypt_string');
    const sub = await vault(['rekey', '--help']);
    expect(sub.out).toContain('--new-vault-password-file');
    expect(sub.out).toContain('--vault-pass-file');
    const v = await vault(['--version']);
    expect([v.code, v.out]).toEqual([
      0,
      `tsible-vault ${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}\n`,
    ]);
  });
});

describe('prompting', () => {
  it('asks for a new password twice to encrypt, once to view, when no source is given', async () => {
    const dir = tempDir();
    const f = join(dir, 'p.txt');
    writeFileSync(f, 'prompted\n');
    const enc = await vault(['encrypt', f], { answers: [PROMPT_PW, PROMPT_PW] });
    expect(enc.code).toBe(0);
    expect(enc.prompts).toEqual(['New Vault password: ', 'Confirm New Vault password: ']);
    const view = await vault(['view', '--ask-vault-pass', f], { answers: [PROMPT_PW] });
    expect([view.code, view.out, view.prompts]).toEqual([0, 'prompted\n', ['Vault password: ']]);
    const mismatch = await vault(['encrypt', f], { answers: [PROMPT_PW, 'other'] });
    expect([mismatch.code, mismatch.err]).toEqual([1, 'ERROR! Passwords do not match\n']);
    const eof = await vault(['view', f]);
    expect([eof.code, eof.err]).toEqual([1, 'ERROR! EOFError (ctrl-d) on prompt for (default)\n']);
  });
});

describe('encrypt_string', () => {
  const BLOCK = / {10}\$ANSIBLE_VAULT;1\.1;AES256\n(?: {10}[0-9a-f]{80}\n)* {10}[0-9a-f]{1,80}$/;

  it('prints `name: !vault |` and 10-space indented lines, without a final newline', async () => {
    const r = await vault(['encrypt_string', ...PW, 'hunter2', '--name', 'db_pass']);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out.startsWith('db_pass: !vault |\n')).toBe(true);
    expect(r.out.slice('db_pass: !vault |\n'.length)).toMatch(BLOCK);
    const data = loadYaml(r.out, 'out.yml') as { db_pass: VaultText };
    expect(decryptValue(data.db_pass, VaultSecrets.of([{ password: MAIN_PW }]))).toBe('hunter2');
    const bare = await vault(['encrypt_string', ...PW, 'x']);
    expect(bare.out.startsWith('!vault |\n')).toBe(true);
    expect(bare.out.slice('!vault |\n'.length)).toMatch(BLOCK);
  });

  it('looks like the block ansible-vault printed for the fixture', async () => {
    const ours = (await vault(['encrypt_string', ...PW, 'hunter2', '--name', 'db_pass'])).out;
    const theirs = fixture('encrypt-string-named.yml').toString();
    const shape = (s: string): string => s.replace(/[0-9a-f]/g, 'h');
    expect(shape(ours)).toBe(shape(theirs));
  });

  it('several strings: blocks joined by newlines, which-is-which on stderr', async () => {
    const r = await vault(['encrypt_string', ...PW, '-n', 'x', 'first', 'second']);
    expect(r.err).toBe(
      [
        'The number of --name options do not match the number of args.',
        'The last named variable will be "x". The rest will not have names.',
        '# The encrypted version of variable ("x", the string #1 from the command line args).',
        '# The encrypted version of the string #2 from the command line args.)',
        '',
      ].join('\n'),
    );
    const [a, b] = r.out.split('\n!vault |\n');
    expect(a!.startsWith('x: !vault |\n')).toBe(true);
    expect(b).toMatch(BLOCK);
  });

  it('reads stdin with --stdin-name, "-", or no arguments; empty input is an options error', async () => {
    const r = await vault(['encrypt_string', ...PW, '--stdin-name', 'from_stdin'], { stdin: 'piped' });
    const data = loadYaml(r.out, 'o.yml') as { from_stdin: VaultText };
    expect(decryptValue(data.from_stdin, VaultSecrets.of([{ password: MAIN_PW }]))).toBe('piped');
    const empty = await vault(['encrypt_string', ...PW], { stdin: '' });
    expect([empty.code, empty.err]).toEqual([5, 'ERROR! stdin was empty, not encrypting\n']);
    const emptyArg = await vault(['encrypt_string', ...PW, '']);
    expect([emptyArg.code, emptyArg.err]).toEqual([
      5,
      'ERROR! The plaintext provided from the command line args was empty, not encrypting\n',
    ]);
  });

  it('--prompt asks for the name and the string', async () => {
    const r = await vault(['encrypt_string', ...PW, '-p', 'extra'], { answers: ['my_var', 'hidden value'] });
    expect(r.prompts).toEqual(['Variable name (enter for no name): ', 'String to encrypt (hidden): ']);
    expect(r.out.startsWith('my_var: !vault |\n')).toBe(true);
    const onlyPrompt = await vault(['encrypt_string', ...PW, '-p']);
    expect([onlyPrompt.code, onlyPrompt.err]).toEqual([
      5,
      'ERROR! The --prompt option is not supported if also reading input from stdin\n',
    ]);
  });
});

describe('create and edit', () => {
  it('create runs $EDITOR on a 0600 file in a private dir, removes it, and saves the result', async () => {
    const dir = tempDir();
    const log = join(dir, 'log');
    const editor = editorScript(
      dir,
      `stat -c '%a' "$1" >> '${log}'; stat -c '%a' "$(dirname "$1")" >> '${log}'; echo "$1" >> '${log}'; printf 'created: 1\\n' > "$1"`,
    );
    const f = join(dir, 'sub', 'new.yml');
    const r = await vault(['create', ...PW, f], { env: { PATH: process.env.PATH, EDITOR: editor } });
    expect(r.code).toBe(0);
    expect(r.err).toBe(`[WARNING]: ${join(dir, 'sub')} does not exist, creating...\n`);
    expect(plainOf(f)).toBe('created: 1\n');
    expect(statSync(f).mode & 0o777).toBe(0o600);
    const [fileMode, dirMode, tmp] = readFileSync(log, 'utf8').trim().split('\n');
    expect([fileMode, dirMode]).toEqual(['600', '700']);
    expect(tmp!.endsWith('.yml')).toBe(true);
    expect(existsSync(tmp!)).toBe(false);
    const again = await vault(['create', ...PW, f], { env: { PATH: process.env.PATH, EDITOR: editor } });
    expect([again.code, again.err]).toEqual([1, `ERROR! ${f} exists, please use 'edit' instead\n`]);
    expect((await vault(['create', ...PW])).code).toBe(5);
  });

  it('edit re-encrypts with the same label and mode, and leaves an unchanged file alone', async () => {
    const dir = tempDir();
    const f = join(dir, 'prod.yml');
    writeFileSync(f, fixture('v12-prod.yml.vault'));
    chmodSync(f, 0o640);
    const ids = ['--vault-id', `dev@${MAIN_PW_FILE}`, '--vault-id', `prod@${PROD_PW_FILE}`];
    const noop = await vault(['edit', ...ids, f], { env: { PATH: process.env.PATH, EDITOR: 'true' } });
    expect(noop.code).toBe(0);
    expect(readFileSync(f).equals(fixture('v12-prod.yml.vault'))).toBe(true);
    const editor = editorScript(dir, `printf 'added: yes\\n' >> "$1"`);
    const r = await vault(['edit', ...ids, f], { env: { PATH: process.env.PATH, EDITOR: editor } });
    expect(r.code).toBe(0);
    expect(parseVault(readFileSync(f)).label).toBe('prod');
    expect(plainOf(f, PROD_PW)).toBe(`${fixture('simple.yml').toString()}added: yes\n`);
    expect(statSync(f).mode & 0o777).toBe(0o640);
  });

  it('a missing editor is an error, and the file stays as it was', async () => {
    const dir = tempDir();
    const f = join(dir, 'v.yml');
    writeFileSync(f, fixture('v11-simple.yml.vault'));
    const r = await vault(['edit', ...PW, f], {
      env: { PATH: process.env.PATH, EDITOR: '/nonexistent/editor' },
    });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^ERROR! Unable to execute the command "\/nonexistent\/editor /);
    expect(readFileSync(f).equals(fixture('v11-simple.yml.vault'))).toBe(true);
  });
});

describe('as a real process (node --import tsx)', () => {
  const cli = (args: string[], input?: string): ReturnType<typeof spawnSync> => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(FIXTURES, 'run-cli.ts'), ...args], {
      cwd: ROOT,
      input: input ?? '',
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
    });
    transcript.push(r.stdout.toString(), r.stderr.toString());
    return r;
  };

  it('reads the password from a non-terminal stdin, then the data, and exits with the right codes', () => {
    const r = cli(['encrypt', '--ask-vault-pass'], `${PROMPT_PW}\n${PROMPT_PW}\nstdin data\n`);
    expect(r.status, r.stderr.toString()).toBe(0);
    expect(r.stderr.toString()).toBe('New Vault password: Confirm New Vault password: ');
    expect(decryptVault(r.stdout.toString(), Buffer.from(PROMPT_PW)).toString()).toBe('stdin data\n');
    const wrong = cli([
      'view',
      '--vault-password-file',
      PROD_PW_FILE,
      join(FIXTURES, 'v11-simple.yml.vault'),
    ]);
    expect(wrong.status).toBe(1);
    expect(cli(['nonsense']).status).toBe(5);
  });

  it.skipIf(!HAVE_ANSIBLE_VAULT)('ansible-vault reads what the CLI wrote, and the other way round', () => {
    const dir = tempDir();
    const f = join(dir, 'x.yml');
    writeFileSync(f, 'interop: true\n');
    expect(cli(['encrypt', '--vault-id', `prod@${PROD_PW_FILE}`, f]).status).toBe(0);
    const view = spawnSync('ansible-vault', ['view', '--vault-password-file', PROD_PW_FILE, f]);
    expect([view.status, view.stdout.toString()]).toEqual([0, 'interop: true\n']);
    expect(
      spawnSync('ansible-vault', [
        'rekey',
        '--vault-password-file',
        PROD_PW_FILE,
        '--new-vault-password-file',
        MAIN_PW_FILE,
        f,
      ]).status,
    ).toBe(0);
    const back = cli(['view', ...PW, f]);
    expect([back.status, back.stdout.toString()]).toEqual([0, 'interop: true\n']);
  });
});

afterAll(() => {
  // Checked here so it covers every command above, errors and prompts included.
  const all = transcript.join('\n');
  expect(all.length).toBeGreaterThan(1000);
  for (const pw of PASSWORDS)
    expect(all.includes(pw), `a password was printed: ${pw.slice(0, 3)}…`).toBe(false);
});

describe('nothing printed contains a password', () => {
  it('holds for the error paths too', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'script.sh'), `#!/bin/sh\necho ${NEW_PW}\nexit 4\n`);
    chmodSync(join(dir, 'script.sh'), 0o755);
    await vault([
      'view',
      '--vault-password-file',
      join(dir, 'script.sh'),
      join(FIXTURES, 'v11-simple.yml.vault'),
    ]);
    await vault(['view', '--vault-password-file', PROD_PW_FILE, join(FIXTURES, 'v11-simple.yml.vault')]);
    await vault(['encrypt_string', '--vault-id', `dev@${MAIN_PW_FILE}`, '--encrypt-vault-id', 'nope', 'x']);
    const all = transcript.join('\n');
    for (const pw of PASSWORDS) expect(all).not.toContain(pw);
  });
});
