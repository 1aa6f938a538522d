// authorized_key: add or remove SSH public keys in a user's authorized_keys file.
import { posix } from 'node:path';
import { defineModule, type Fact, type ModuleResult, type Plan, type Step } from '../src/core/module.js';
import { sh } from '../src/core/sh.js';
import { urlContent, type UrlContent } from '../src/facts/url-content.js';
import { unused } from './_shared/facts.js';
import { failPlan } from './_shared/fail.js';
import { editKeys, parseKey, parseOptions, type SshKey } from './_shared/ssh-keys.js';

const params = {
  user: { type: 'str', required: true, description: 'The user whose authorized_keys file is edited.' },
  key: {
    type: 'str',
    required: true,
    description: 'One or more public key lines (one per line), or an http(s) URL the host fetches them from.',
  },
  path: { type: 'path', description: 'The keys file (default ~user/.ssh/authorized_keys).' },
  manage_dir: {
    type: 'bool',
    default: true,
    description: "Create the key file's directory (0700, owned by the user) when missing.",
  },
  state: {
    type: 'str',
    default: 'present',
    choices: ['absent', 'present'],
    description: 'Whether the keys are there.',
  },
  key_options: { type: 'str', description: 'Options put before each key (no-pty,from="10.0.0.*").' },
  exclusive: { type: 'bool', default: false, description: 'Remove every other key from the file.' },
  validate_certs: { type: 'bool', default: true, description: 'Check TLS certificates when key is a URL.' },
  comment: { type: 'str', description: "Replace the keys' comments." },
  follow: { type: 'bool', default: false, description: 'Write through a symlinked keys file to its target.' },
} as const;

interface KeyFile {
  /** The user exists. */
  found: boolean;
  uid: number;
  gid: number;
  home: string;
  path: string;
  /** What the path resolves to with follow. */
  realPath: string;
  dirExists: boolean;
  /** The directory's "mode uid gid" as stat prints it. */
  dirStat: string;
  exists: boolean;
  text: string;
}

// The user's home is only known on the host, so the path is resolved there and reported back.
function keyFileFact(user: string, path: string | undefined): Fact<KeyFile> {
  const cmd = [
    sh`u=${user}; p=${path ?? ''}`,
    'e=$(getent passwd -- "$u") || exit 0',
    // Split the passwd line on ':' without word splitting anything else.
    'IFS=: read -r n x uid gid g h s <<EOF',
    '$e',
    'EOF',
    'echo found; echo "$uid"; echo "$gid"; printf \'%s\\n\' "$h" | base64 -w0; echo',
    '[ -n "$p" ] || p="$h/.ssh/authorized_keys"',
    'printf \'%s\' "$p" | base64 -w0; echo',
    'readlink -f -- "$p" | base64 -w0; echo',
    'd=$(dirname -- "$p"); if [ -d "$d" ]; then stat -c \'%a %u %g\' -- "$d"; else echo nodir; fi',
    'if [ -f "$p" ]; then base64 -w0 -- "$p"; echo; fi',
  ].join('\n');
  return { cmd, parse: (out) => parseKeyFile(out.stdout) };
}

export function parseKeyFile(stdout: string): KeyFile {
  const l = stdout.split('\n');
  const b = (s: string | undefined) => Buffer.from(s ?? '', 'base64').toString('utf8');
  const found = l[0] === 'found';
  const dir = l[6] ?? 'nodir';
  return {
    found,
    uid: Number(l[1]),
    gid: Number(l[2]),
    home: b(l[3]).replace(/\n$/, ''),
    path: b(l[4]),
    realPath: b(l[5]).replace(/\n$/, ''),
    dirExists: found && dir !== 'nodir',
    dirStat: dir,
    exists: l[7] !== undefined && l[7] !== '',
    text: b(l[7]),
  };
}

export const authorized_key = defineModule({
  name: 'authorized_key',
  doc: {
    short: 'Add or remove SSH authorized keys',
    description:
      'Keys are matched by their base64 blob. A present key whose options or comment differ is rewritten in ' +
      'place; other lines keep their exact text. The file is written 0600 and owned by the user.',
    examples: [
      "- authorized_key: user=deploy key=\"{{ lookup('file', 'deploy.pub') }}\"",
      '- authorized_key:',
      '    user: deploy',
      '    key: https://github.com/alice.keys',
      '    exclusive: yes',
      '- authorized_key: user=deploy key="ssh-ed25519 AAAA..." key_options=\'no-pty,from="10.0.0.*"\'',
    ].join('\n'),
    returns: {
      keyfile: 'The keys file path.',
      key: 'The key(s) given.',
      key_options: 'The options given.',
      user: 'The user.',
      exclusive: 'Whether other keys were removed.',
    },
  },
  params,
  check: 'full',
  diff: true,
  runsOn: 'host',
  facts(p) {
    const isUrl = /^https?:\/\//.test(p.key.trim());
    return {
      file: keyFileFact(p.user, p.path),
      url: isUrl ? urlContent(p.key.trim(), { validateCerts: p.validate_certs }) : unused<UrlContent>(),
    };
  },
  plan(p, f, ctx): Plan {
    const file = f.file as KeyFile;
    if (!file.found) return failPlan(`Failed to lookup user ${p.user}: no such user`);
    let keyText = p.key;
    const url = f.url as UrlContent | undefined;
    if (url) {
      if (!url.ok) return failPlan(`Error getting key from: ${p.key.trim()}: ${url.error ?? ''}`);
      keyText = url.content.toString('utf8');
    }
    const keys: SshKey[] = [];
    for (const line of keyText.split('\n')) {
      const t = line.trim();
      if (t === '' || t.startsWith('#')) continue;
      const k = parseKey(t);
      if (!k) return failPlan(`invalid key specified: ${t}`);
      if (p.key_options !== undefined) k.options = parseOptions(p.key_options);
      if (p.comment !== undefined) k.comment = p.comment;
      keys.push(k);
    }
    const path = p.follow && file.realPath !== '' ? file.realPath : file.path;
    const result: ModuleResult = {
      user: p.user,
      key: p.key,
      key_options: p.key_options ?? null,
      keyfile: path,
      path: p.path ?? null,
      manage_dir: p.manage_dir,
      state: p.state,
      exclusive: p.exclusive,
      validate_certs: p.validate_certs,
      follow: p.follow,
      comment: p.comment ?? null,
    };
    const after = editKeys(file.text, {
      keys,
      state: p.state as 'present' | 'absent',
      exclusive: p.exclusive,
    });
    if (after === undefined) return { changed: false, steps: [], result };
    const steps: Step[] = [];
    const dir = posix.dirname(path);
    if (!file.dirExists) {
      if (!p.manage_dir && p.state === 'present') {
        // Ansible creates missing parents even without manage_dir; only their mode/owner is left alone.
        steps.push({ kind: 'run', cmd: sh`mkdir -p -- ${dir}` });
      } else if (p.manage_dir) {
        steps.push({
          kind: 'run',
          cmd: `${sh`mkdir -p -- ${dir}`} && ${sh`chown -- ${`${file.uid}:${file.gid}`} ${dir}`} && ${sh`chmod 0700 -- ${dir}`}`,
        });
      }
    } else if (p.manage_dir && file.dirStat !== `700 ${file.uid} ${file.gid}`) {
      steps.push({
        kind: 'run',
        cmd: sh`chown -- ${`${file.uid}:${file.gid}`} ${dir} && chmod 0700 -- ${dir}`,
      });
    }
    steps.push({
      kind: 'put',
      dest: path,
      content: Buffer.from(after, 'utf8'),
      mode: '0600',
      owner: String(file.uid),
      group: String(file.gid),
    });
    const plan: Plan = { changed: true, steps, result };
    if (ctx.diff) plan.diff = [{ before: file.text, after, beforeHeader: path, afterHeader: path }];
    return plan;
  },
});
