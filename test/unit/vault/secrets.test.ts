// Vault secrets: password files, scripts, client scripts, prompts, the environment, label selection, loading.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { TsibleError } from '../../../src/core/errors.js';
import { loadYaml, VaultText } from '../../../src/core/yaml.js';
import { encryptVault } from '../../../src/vault/format.js';
import { isClientScript, stripBytes } from '../../../src/vault/password-source.js';
import { VaultSecret } from '../../../src/vault/secret.js';
import {
  decryptValue,
  loadMaybeEncrypted,
  splitVaultId,
  VaultSecrets,
  type VaultSecretsOptions,
} from '../../../src/vault/secrets.js';
import { FIXTURES, MAIN_PW, MAIN_PW_FILE, PROD_PW, PROD_PW_FILE, fixture, tempDir } from './helpers.js';

const V11 = fixture('v11-simple.yml.vault');
const V12 = fixture('v12-prod.yml.vault');
const SIMPLE = fixture('simple.yml').toString();

/** fromOptions with no environment defaults, no real prompt and warnings collected. */
async function secretsFrom(o: VaultSecretsOptions, warnings: string[] = []): Promise<VaultSecrets> {
  return VaultSecrets.fromOptions({
    env: {},
    prompt: () => Promise.reject(new Error('unexpected prompt')),
    warn: (m) => warnings.push(m),
    ...o,
  });
}

async function rejection(p: Promise<unknown>): Promise<TsibleError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(TsibleError);
    return e as TsibleError;
  }
  throw new Error('expected a rejection');
}

function script(dir: string, name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('password files', () => {
  it('are stripped like Python bytes.strip() (the fixture has spaces and a newline around it)', async () => {
    expect(readFileSync(MAIN_PW_FILE, 'utf8')).toBe(`  ${MAIN_PW} \n`);
    const s = await secretsFrom({ passwordFiles: [MAIN_PW_FILE] });
    expect(s.decrypt(V11).toString()).toBe(SIMPLE);
    expect(stripBytes(Buffer.from(' \t\x0b\x0cpw word\r\n ')).toString()).toBe('pw word');
  });

  it('an empty file is an error naming the file, a missing one too', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'empty'), ' \n');
    expect((await rejection(secretsFrom({ passwordFiles: [join(dir, 'empty')] }))).message).toBe(
      `Invalid vault password was provided from file (${join(dir, 'empty')})`,
    );
    const e = await rejection(secretsFrom({ passwordFiles: [join(dir, 'nope')] }));
    expect(e.message).toBe(`The vault password file ${join(dir, 'nope')} was not found`);
    expect(e.exitCode).toBe(1);
  });

  it('a failing source only warns when another one works', async () => {
    const warnings: string[] = [];
    const s = await secretsFrom({ passwordFiles: ['/nonexistent/pw', MAIN_PW_FILE] }, warnings);
    expect(s.labels()).toEqual(['default']);
    expect(warnings).toEqual([
      'Error getting vault password file (default): The vault password file /nonexistent/pw was not found',
    ]);
  });

  it('may itself be vault-encrypted with a secret given before it', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'inner'), encryptVault('inner-pass\n', Buffer.from(MAIN_PW)));
    const s = await secretsFrom({ vaultIds: [`outer@${MAIN_PW_FILE}`, `inner@${join(dir, 'inner')}`] });
    const data = encryptVault('via inner', Buffer.from('inner-pass'));
    expect(s.decryptDetailed(data).secret.label).toBe('inner');
  });
});

describe('password scripts', () => {
  it('an executable file is run and its stdout stripped of \\r\\n only', async () => {
    const dir = tempDir();
    const argsFile = join(dir, 'args');
    const pw = script(dir, 'pass.sh', `echo "$#" > '${argsFile}'; printf '${MAIN_PW}\\r\\n'`);
    const s = await secretsFrom({ vaultIds: [`dev@${pw}`] });
    expect(s.decrypt(V11).toString()).toBe(SIMPLE);
    // Not a "-client" script: it gets no arguments even with a label.
    expect(readFileSync(argsFile, 'utf8')).toBe('0\n');
    const spaced = await secretsFrom({ passwordFiles: [script(dir, 'spaced.sh', "printf ' a b \\n'")] });
    expect(
      VaultSecrets.of([{ password: ' a b ' }])
        .decrypt(spaced.encrypt('x'))
        .toString(),
    ).toBe('x');
  });

  it('a "-client" script is given --vault-id <label>, and exit 2 means it has no such id', async () => {
    const dir = tempDir();
    const client = script(
      dir,
      'keyring-client.sh',
      `[ "$1" = --vault-id ] || exit 9; case "$2" in prod) echo '${PROD_PW}';; *) echo "unknown id $2" >&2; exit 2;; esac`,
    );
    expect(isClientScript(client)).toBe(true);
    expect(isClientScript('/x/keyring-client')).toBe(true);
    expect(isClientScript('/x/keyring.sh')).toBe(false);
    const s = await secretsFrom({ vaultIds: [`prod@${client}`] });
    expect(s.decrypt(V12).toString()).toBe(SIMPLE);
    const e = await rejection(secretsFrom({ vaultIds: [`dev@${client}`] }));
    expect(e.message).toBe(
      `Vault password client script ${client} did not find a secret for vault-id=dev: unknown id dev`,
    );
  });

  it('a failing script is an error that shows no password', async () => {
    const dir = tempDir();
    const bad = script(dir, 'bad.sh', `echo '${MAIN_PW}'; exit 3`);
    const e = await rejection(secretsFrom({ passwordFiles: [bad] }));
    expect(e.message).toBe(`Vault password script ${bad} returned non-zero (3)`);
    expect(e.message).not.toContain(MAIN_PW);
    const empty = script(dir, 'empty.sh', 'printf "\\r\\n"');
    expect((await rejection(secretsFrom({ passwordFiles: [empty] }))).message).toBe(
      `Invalid vault password was provided from script (${empty})`,
    );
  });
});

describe('where secrets come from', () => {
  it('TSIBLE_VAULT_PASSWORD_FILE, then ANSIBLE_VAULT_PASSWORD_FILE, then the config', async () => {
    const viaTsible = await secretsFrom({
      env: { TSIBLE_VAULT_PASSWORD_FILE: MAIN_PW_FILE, ANSIBLE_VAULT_PASSWORD_FILE: PROD_PW_FILE },
    });
    expect(viaTsible.decrypt(V11).toString()).toBe(SIMPLE);
    const viaAnsible = await secretsFrom({
      env: { ANSIBLE_VAULT_PASSWORD_FILE: PROD_PW_FILE },
      configPasswordFile: MAIN_PW_FILE,
    });
    expect(viaAnsible.decrypt(V12).toString()).toBe(SIMPLE);
    const viaConfig = await secretsFrom({ configPasswordFile: MAIN_PW_FILE });
    expect(viaConfig.hasAny()).toBe(true);
    const none = await secretsFrom({ env: { ANSIBLE_VAULT_PASSWORD_FILE: MAIN_PW_FILE }, noDefaults: true });
    expect(none.hasAny()).toBe(false);
  });

  it('ANSIBLE_VAULT_IDENTITY_LIST comes first, before --vault-id', async () => {
    const s = await secretsFrom({
      env: { ANSIBLE_VAULT_IDENTITY_LIST: `prod@${PROD_PW_FILE}` },
      vaultIds: [`dev@${MAIN_PW_FILE}`],
    });
    expect(s.labels()).toEqual(['prod', 'dev']);
  });

  it('--vault-id splits on the first "@" and refuses ";"', async () => {
    expect(splitVaultId('prod@a@b')).toEqual(['prod', 'a@b']);
    expect(splitVaultId('file')).toEqual([undefined, 'file']);
    const e = await rejection(secretsFrom({ vaultIds: ['a;b@x'] }));
    expect(e.kind).toBe('options');
    expect(e.exitCode).toBe(5);
  });

  it('prompts with Ansible wording; new passwords are asked twice', async () => {
    const asked: string[] = [];
    const answers = [` ${MAIN_PW} `, 'p2', 'p2', 'dev-pw', 'x', 'y'];
    const prompt = (m: string): Promise<string | undefined> => {
      asked.push(m);
      return Promise.resolve(answers.shift());
    };
    const s = await secretsFrom({ askVaultPass: true, prompt });
    expect(s.decrypt(V11).toString()).toBe(SIMPLE);
    await secretsFrom({ vaultIds: ['dev@prompt'], newPassword: true, prompt });
    expect((await secretsFrom({ vaultIds: ['dev@prompt'], prompt })).labels()).toEqual(['dev']);
    const e = await rejection(secretsFrom({ askVaultPass: true, newPassword: true, prompt }));
    expect(e.message).toBe('Passwords do not match');
    expect(asked).toEqual([
      'Vault password: ',
      'New vault password (dev): ',
      'Confirm new vault password (dev): ',
      'Vault password (dev): ',
      'New Vault password: ',
      'Confirm New Vault password: ',
    ]);
    const eof = await rejection(
      secretsFrom({ askVaultPass: true, prompt: () => Promise.resolve(undefined) }),
    );
    expect(eof.message).toBe('EOFError (ctrl-d) on prompt for (default)');
  });

  it('autoPrompt asks only when no other source is given', async () => {
    const asked: string[] = [];
    const prompt = (m: string): Promise<string> => {
      asked.push(m);
      return Promise.resolve(MAIN_PW);
    };
    await secretsFrom({ autoPrompt: true, passwordFiles: [MAIN_PW_FILE], prompt });
    expect(asked).toEqual([]);
    expect((await secretsFrom({ autoPrompt: true, prompt })).labels()).toEqual(['default']);
    expect((await secretsFrom({ prompt })).hasAny()).toBe(false);
  });
});

describe('choosing a secret', () => {
  it('tries the secret whose label matches the header first, then the others', async () => {
    // Both secrets hold the right password: which one opens it shows the order.
    const both = await secretsFrom({ vaultIds: [`x@${PROD_PW_FILE}`, `prod@${PROD_PW_FILE}`] });
    expect(both.decryptDetailed(V12).secret.label).toBe('prod');
    // The label is only a hint: a wrong "prod" secret falls through to the others.
    const hint = await secretsFrom({ vaultIds: [`prod@${MAIN_PW_FILE}`, `x@${PROD_PW_FILE}`] });
    const d = hint.decryptDetailed(V12);
    expect([d.secret.label, d.headerLabel, d.plaintext.toString()]).toEqual(['x', 'prod', SIMPLE]);
    // A 1.1 header prefers "default" secrets.
    const v11 = await secretsFrom({ vaultIds: [`x@${MAIN_PW_FILE}`], passwordFiles: [MAIN_PW_FILE] });
    expect(v11.decryptDetailed(V11).secret.label).toBe('default');
  });

  it('picks the secret to encrypt with like ansible-vault', async () => {
    const two = await secretsFrom({ vaultIds: [`dev@${MAIN_PW_FILE}`, `prod@${PROD_PW_FILE}`] });
    const e = await rejection(Promise.resolve().then(() => two.encryptSecret()));
    expect(e.message).toBe(
      'The vault-ids dev,prod are available to encrypt. Specify the vault-id to encrypt with --encrypt-vault-id',
    );
    expect(e.exitCode).toBe(5);
    expect(two.encrypt('x', { encryptVaultId: 'prod' }).split('\n')[0]).toBe(
      '$ANSIBLE_VAULT;1.2;AES256;prod',
    );
    expect((await rejection(Promise.resolve().then(() => two.encryptSecret('qa')))).message).toBe(
      "Did not find a match for --encrypt-vault-id=qa in the known vault-ids ['dev', 'prod']",
    );
    const one = await secretsFrom({ passwordFiles: [MAIN_PW_FILE] });
    expect(one.encrypt('x').split('\n')[0]).toBe('$ANSIBLE_VAULT;1.1;AES256');
  });
});

describe('secrets stay secret', () => {
  it('neither inspect, JSON, String nor a template literal shows a password', async () => {
    const s = await secretsFrom({ vaultIds: [`prod@${PROD_PW_FILE}`], passwordFiles: [MAIN_PW_FILE] });
    const one = new VaultSecret('dev', MAIN_PW, 'prompt');
    const shown = [
      inspect(s, { depth: 10, showHidden: true }),
      JSON.stringify(s),
      String(s),
      `${one}`,
      inspect(one),
      JSON.stringify({ one }),
    ];
    for (const text of shown) {
      expect(text).not.toContain(MAIN_PW);
      expect(text).not.toContain(PROD_PW);
    }
    expect(one.bytes().toString()).toBe(MAIN_PW);
  });
});

describe('decryptValue and loadMaybeEncrypted', () => {
  const secrets = VaultSecrets.of([{ password: MAIN_PW }]);

  it('decrypts a !vault value loaded from YAML', () => {
    const yaml = `plain: visible\n${fixture('encrypt-string-named.yml').toString()}\n`;
    const data = loadYaml(yaml, 'vars.yml') as Record<string, unknown>;
    expect(data.plain).toBe('visible');
    expect(data.db_pass).toBeInstanceOf(VaultText);
    expect(decryptValue(data.db_pass as VaultText, secrets)).toBe('hunter2');
    expect(() => decryptValue(data.db_pass as VaultText, undefined)).toThrow(
      'Attempting to decrypt but no vault secrets found',
    );
    expect(() =>
      decryptValue(data.db_pass as VaultText, VaultSecrets.of([{ password: 'nope' }]), 'vars.yml'),
    ).toThrow('Decryption failed (no vault secrets were found that could decrypt) on vars.yml');
  });

  it('returns plain files as they are and decrypts whole-file vaults', () => {
    expect(loadMaybeEncrypted(join(FIXTURES, 'simple.yml'), undefined).toString()).toBe(SIMPLE);
    expect(loadMaybeEncrypted(join(FIXTURES, 'binary.bin'), undefined).equals(fixture('binary.bin'))).toBe(
      true,
    );
    expect(loadMaybeEncrypted(join(FIXTURES, 'v11-simple.yml.vault'), secrets).toString()).toBe(SIMPLE);
    expect(loadMaybeEncrypted(join(FIXTURES, 'binary.vault'), secrets).equals(fixture('binary.bin'))).toBe(
      true,
    );
  });

  it("an encrypted file without secrets: Ansible's message, exit code 1, the file as position", () => {
    let err: unknown;
    try {
      loadMaybeEncrypted(join(FIXTURES, 'v11-simple.yml.vault'), new VaultSecrets([]));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TsibleError);
    const e = err as TsibleError;
    expect(e.message).toBe('Attempting to decrypt but no vault secrets found');
    expect(e.exitCode).toBe(1);
    expect(e.pos?.file).toBe(join(FIXTURES, 'v11-simple.yml.vault'));
  });
});
