// fetch: copy a file from the host to the controller (dest/<host>/<path>, or flat), binary-safe.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, normalize, posix } from 'node:path';
import { defineModule, type Plan, type PlanContext } from '../src/core/module.js';
import { fileSlurp } from '../src/facts/file-slurp.js';

const params = {
  src: { type: 'str', required: true, description: 'The file on the host (not a directory).' },
  dest: {
    type: 'str',
    required: true,
    description: 'Controller directory: the file lands in dest/<inventory_hostname>/<src> (or see flat).',
  },
  flat: {
    type: 'bool',
    default: false,
    description: "Write to dest itself (or dest/<basename of src> when dest ends in '/').",
  },
  fail_on_missing: {
    type: 'bool',
    default: true,
    description: 'Fail when src does not exist or cannot be read (else ok with a message).',
  },
  validate_checksum: {
    type: 'bool',
    default: true,
    aliases: ['validate_md5'],
    description: 'Check that the bytes received have the checksum the host computed.',
  },
} as const;

const digest = (algo: string, b: Buffer) => createHash(algo).update(b).digest('hex');

/** Where the file lands on the controller; a string starting with 'ERROR:' is a failure. */
export function fetchDest(p: { src: string; dest: string; flat: boolean }, ctx: PlanContext): string {
  const base = typeof ctx.vars.playbook_dir === 'string' ? ctx.vars.playbook_dir : process.cwd();
  const dwim = (d: string) => (isAbsolute(d) ? d : join(base, d));
  if (p.flat) {
    let dest = p.dest;
    if (!dest.endsWith('/') && existsSync(dest) && statSync(dest).isDirectory())
      return 'ERROR:dest is an existing directory, use a trailing slash if you want to fetch src into that directory';
    if (dest.endsWith('/')) dest = join(dest, posix.basename(p.src));
    return normalize(dwim(dest));
  }
  return normalize(`${dwim(p.dest)}/${ctx.host}/${p.src}`);
}

function localSha1(path: string): string | undefined {
  try {
    return digest('sha1', readFileSync(path));
  } catch {
    return undefined;
  }
}

export const fetch = defineModule({
  name: 'fetch',
  doc: {
    short: 'Fetch files from the host to the controller',
    description:
      'Copies src from each host into dest/<inventory_hostname>/<src path> on the controller (flat: ' +
      'dest itself). Only transferred when the checksums differ; written atomically.',
    examples: [
      '- fetch: src=/etc/ssh/ssh_host_ed25519_key.pub dest=keys/',
      '- fetch: src=/var/log/app.log dest=logs/{{ inventory_hostname }}.log flat=true',
    ].join('\n'),
    returns: {
      dest: 'Where the file is on the controller.',
      checksum: 'sha1 of the local file.',
      remote_checksum: 'sha1 of the remote file (when transferred).',
      md5sum: 'md5 of the local file.',
      file: 'src, when nothing was transferred.',
    },
  },
  params,
  check: 'full',
  diff: false,
  runsOn: 'host',
  facts(p, ctx) {
    const dest = fetchDest(p, ctx);
    return { file: fileSlurp(p.src, dest.startsWith('ERROR:') ? undefined : localSha1(dest)) };
  },
  plan(p, f, ctx): Plan {
    const dest = fetchDest(p, ctx);
    const fail = (msg: string, extra: Record<string, unknown> = {}): Plan => ({
      changed: false,
      steps: [],
      failed: true,
      result: { msg, file: p.src, ...extra },
    });
    if (dest.startsWith('ERROR:')) return fail(dest.slice('ERROR:'.length));
    const why = {
      missing: 'the remote file does not exist',
      unreadable: 'no read permission on remote file',
      dir: 'remote file is a directory, fetch cannot work on directories',
    };
    if (f.file.state !== 'ok') {
      const msg = why[f.file.state];
      if (!p.fail_on_missing) {
        return {
          changed: false,
          steps: [],
          result: { msg: `${msg}, not transferring, ignored`, file: p.src },
        };
      }
      return fail(msg);
    }
    const remote = f.file.sha1!;
    if (f.file.content === undefined) {
      // The controller's copy already has the remote checksum.
      const local = readFileSync(dest);
      return {
        changed: false,
        steps: [],
        result: { md5sum: digest('md5', local), file: p.src, dest, checksum: remote },
      };
    }
    const content = f.file.content;
    const sha = digest('sha1', content);
    if (p.validate_checksum && sha !== remote) {
      return fail('checksum mismatch', {
        md5sum: digest('md5', content),
        dest,
        remote_md5sum: null,
        checksum: sha,
        remote_checksum: remote,
      });
    }
    return {
      changed: true,
      steps: [{ kind: 'local_put', dest, content }],
      result: {
        md5sum: digest('md5', content),
        dest,
        remote_md5sum: null,
        checksum: sha,
        remote_checksum: remote,
      },
    };
  },
});
