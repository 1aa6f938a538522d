// Small pieces the file modules share: failure plans, Ansible's check-mode skip, and installing a temporary file.
import type { ParamSpec, Plan } from '../../src/core/module.js';
import { sh } from '../../src/core/sh.js';
import type { ModeSpec } from './mode.js';

/** Ansible's `decrypt` for modules that read controller files (the controller always decrypts vault files). */
export const decryptParam = {
  type: 'bool',
  default: true,
  description: 'Accepted (vault files are decrypted by the controller).',
} as const satisfies ParamSpec;

/** A plan that is a failure; extra fields go into the result beside msg. */
export function failed(msg: string, extra: Record<string, unknown> = {}): Plan {
  return { changed: false, steps: [], failed: true, result: { msg, ...extra } };
}

/** What Ansible reports for a module without check-mode support under --check. */
export function skippedInCheck(module: string): Plan {
  return {
    changed: false,
    steps: [],
    skipped: true,
    result: { msg: `remote module (${module}) does not support check mode` },
  };
}

/** A mode as chmod takes it: octal digits, or the symbolic spec itself (chmod computes X and the umask). */
export function chmodArg(mode: ModeSpec | undefined): string | undefined {
  if (mode === undefined || mode.kind === 'preserve') return undefined;
  return mode.kind === 'octal' ? mode.bits.toString(8).padStart(4, '0') : mode.spec;
}

export interface InstallAttrs {
  owner?: string;
  group?: string;
  /** chmod argument (see chmodArg). */
  mode?: string;
  backup?: boolean;
}

/**
 * Shell lines that move the temporary file "$tmpVar" over "$destVar" like the put step does: the old
 * file's mode and owner (or a new file's 0666 minus the umask), then the wanted ones, an optional backup
 * announced as `backup_file=`, and an atomic rename. Each line exits 1 on failure.
 */
export function installLines(tmpVar: string, destVar: string, a: InstallAttrs): string[] {
  const t = `"$${tmpVar}"`;
  const d = `"$${destVar}"`;
  const lines = [
    `if [ -e ${d} ]; then chmod --reference=${d} ${t} && chown --reference=${d} ${t} || exit 1`,
    `else chmod "$(printf '%o' $(( 0666 & ~$(umask) )))" ${t} || exit 1; fi`,
  ];
  lines.push(...attrLines(tmpVar, a));
  if (a.backup) {
    lines.push(
      `if [ -e ${d} ]; then bk=${d}.$$.$(date +%Y-%m-%d@%H:%M:%S)~; cp -p -- ${d} "$bk" || exit 1; echo "backup_file=$bk"; fi`,
    );
  }
  lines.push(`mv -f -- ${t} ${d} || exit 1`);
  return lines;
}

/** chown/chgrp, then chmod (a chown clears setuid bits), of "$pathVar"; each line exits 1 on failure. */
export function attrLines(pathVar: string, a: InstallAttrs): string[] {
  const p = `"$${pathVar}"`;
  const lines: string[] = [];
  if (a.owner !== undefined) {
    lines.push(`${sh`chown -- ${a.group !== undefined ? `${a.owner}:${a.group}` : a.owner}`} ${p} || exit 1`);
  } else if (a.group !== undefined) lines.push(`${sh`chgrp -- ${a.group}`} ${p} || exit 1`);
  if (a.mode !== undefined) lines.push(`${sh`chmod -- ${a.mode}`} ${p} || exit 1`);
  return lines;
}
