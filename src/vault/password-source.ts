// Reading a vault password from a file, a password script, or a "-client" script that is told the vault id.
import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, extname, resolve } from 'node:path';
import { TsibleError } from '../core/errors.js';
import { DEFAULT_LABEL, decryptVault, isVaultText } from './format.js';
import { VaultSecret } from './secret.js';

/** A client script exits with this code when it has no secret for the vault id it was asked for. */
const CLIENT_UNKNOWN_ID_RC = 2;

const ASCII_WS = new Set([0x20, 0x09, 0x0a, 0x0d, 0x0b, 0x0c]);
const CRLF = new Set([0x0a, 0x0d]);

/** Strip bytes in `set` at both ends, like Python's bytes.strip(chars). */
export function stripBytes(data: Uint8Array, set: ReadonlySet<number> = ASCII_WS): Buffer {
  let start = 0;
  let end = data.length;
  while (start < end && set.has(data[start]!)) start++;
  while (end > start && set.has(data[end - 1]!)) end--;
  return Buffer.from(data.subarray(start, end));
}

/** Ansible names a script "client" by its name alone: `foo-client` or `foo-client.py`. */
export function isClientScript(path: string): boolean {
  const name = basename(path);
  return name.slice(0, name.length - extname(name).length).endsWith('-client');
}

function expandUser(path: string): string {
  if (path === '~') return homedir();
  return path.startsWith('~/') ? homedir() + path.slice(1) : path;
}

function vaultError(message: string): TsibleError {
  return new TsibleError('vault', message);
}

/**
 * Load the secret for `--vault-id [label@]path` (or a `--vault-password-file`): an executable file is run
 * and its stdout used, any other file is read. `known` secrets decrypt a password file that is itself
 * vault-encrypted, as Ansible allows.
 */
export async function loadPasswordSource(
  source: string,
  givenLabel: string | undefined,
  known: readonly VaultSecret[],
): Promise<VaultSecret> {
  const label = givenLabel || DEFAULT_LABEL;
  const path = resolve(expandUser(source));
  let mode: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw vaultError(`The vault password file ${path} is not a file`);
    mode = st.mode;
  } catch (e) {
    if (e instanceof TsibleError) throw e;
    throw vaultError(`The vault password file ${path} was not found`);
  }
  // Any execute bit makes it a script, whoever it is executable for (Ansible's rule).
  if ((mode & 0o111) !== 0) {
    const client = isClientScript(path);
    // A client script is only told the vault id when one was written (`label@script`).
    const args = client && givenLabel ? ['--vault-id', givenLabel] : [];
    const out = await runScript(path, args, client, label);
    const pw = stripBytes(out, CRLF);
    if (pw.length === 0) throw vaultError(`Invalid vault password was provided from script (${path})`);
    return new VaultSecret(label, pw, path);
  }
  let data: Buffer;
  try {
    data = stripBytes(readFileSync(path));
  } catch (e) {
    throw vaultError(`Could not read vault password file ${path}: ${(e as Error).message}`);
  }
  if (isVaultText(data)) {
    data = decryptVault(
      data,
      known.map((s) => s.bytes()),
      path,
    );
  }
  const pw = stripBytes(data, CRLF);
  if (pw.length === 0) throw vaultError(`Invalid vault password was provided from file (${path})`);
  return new VaultSecret(label, pw, path);
}

/**
 * Run a password script with stdin shared so that it can ask the user itself. A plain script's stderr goes
 * to the terminal too; a client script's stderr is captured for the error message, as Ansible does.
 */
function runScript(path: string, args: string[], client: boolean, label: string): Promise<Buffer> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(path, args, { stdio: ['inherit', 'pipe', client ? 'pipe' : 'inherit'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      const kind = client ? 'vault password client script' : 'vault password script';
      reject(
        vaultError(
          `Problem running ${kind} ${path} (${e.message}). If this is not a script, remove the executable bit from the file.`,
        ),
      );
    });
    child.on('close', (code, signal) => {
      const stderr = Buffer.concat(err).toString('utf8').trim();
      const rc = code ?? signal ?? 'unknown';
      if (code === 0) return resolvePromise(Buffer.concat(out));
      if (!client) return reject(vaultError(`Vault password script ${path} returned non-zero (${rc})`));
      if (code === CLIENT_UNKNOWN_ID_RC) {
        return reject(
          vaultError(
            `Vault password client script ${path} did not find a secret for vault-id=${label}: ${stderr}`,
          ),
        );
      }
      reject(
        vaultError(
          `Vault password client script ${path} returned non-zero (${rc}) when getting secret for vault-id=${label}: ${stderr}`,
        ),
      );
    });
  });
}
