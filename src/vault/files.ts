// Files for tsible-vault: atomic rewrites that keep the mode, editing plaintext in a private temp file.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  closeSync,
  fsyncSync,
  mkdtempSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { TsibleError } from '../core/errors.js';

/** Mode of files the vault creates: the content may be a secret. */
const NEW_FILE_MODE = 0o600;

/** Read a whole file, with ansible-vault's wording when it cannot. */
export function readSource(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new TsibleError('vault', `Unable to read source file (${path}): ${(e as Error).message}`);
  }
}

/**
 * Replace `path` atomically: write a temp file beside it, then rename, so a crash never leaves a half-written
 * vault. An existing file keeps its mode (and owner when we may); a new one gets 0600.
 */
export function writeAtomic(path: string, data: Uint8Array): void {
  let prev: { mode: number; uid: number; gid: number } | undefined;
  try {
    const st = statSync(path);
    prev = { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
  } catch {
    prev = undefined;
  }
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fd = openSync(tmp, 'wx', NEW_FILE_MODE);
    try {
      writeSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (prev) {
      chmodSync(tmp, prev.mode);
      try {
        chownSync(tmp, prev.uid, prev.gid);
      } catch {
        // Only root may give a file away; as anyone else the file simply becomes ours, as with any editor.
      }
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new TsibleError('vault', `Unable to write ${path}: ${(e as Error).message}`, { cause: e });
  }
}

/** Overwrite before unlinking, so the plaintext is not simply left in freed blocks (best effort only). */
function scrub(path: string): void {
  try {
    const size = statSync(path).size;
    if (size > 0) writeFileSync(path, Buffer.alloc(size));
  } catch {
    // Already gone, or not writable: removal below is what matters.
  }
}

/**
 * Let the user edit `initial` with $EDITOR (default vi) and return the result. The plaintext lives in a
 * 0600 file inside a fresh 0700 directory, removed afterwards whatever happens. `nameHint` gives the
 * temp file the same extension, so the editor picks the right syntax highlighting.
 */
export function editPlaintext(
  initial: Uint8Array,
  nameHint: string,
  env: NodeJS.ProcessEnv = process.env,
): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'tsible-vault-'));
  const file = join(dir, `edit${extname(nameHint)}`);
  try {
    writeFileSync(file, initial, { mode: NEW_FILE_MODE });
    const editor = env.EDITOR || 'vi';
    // Through sh, so EDITOR may carry arguments ("code --wait") exactly as users write it in shell rc files.
    const res = spawnSync('/bin/sh', ['-c', `${editor} "$1"`, 'sh', file], { stdio: 'inherit', env });
    // sh reports a missing or unrunnable editor as 127/126; reading back the untouched file would hide that.
    if (res.error || res.status === 127 || res.status === 126) {
      const why = res.error?.message ?? `exit status ${res.status}`;
      throw new TsibleError('vault', `Unable to execute the command "${editor} ${file}": ${why}`);
    }
    return readFileSync(file);
  } finally {
    scrub(file);
    try {
      unlinkSync(file);
    } catch {
      // The editor may have renamed or removed it; the directory removal below covers the rest.
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
