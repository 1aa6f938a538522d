// apt_key: add or remove an OpenPGP key in an apt keyring file, without apt-key or gpg on the host.
import { defineModule, type Fact, type ModuleResult, type Plan, type Step } from '../src/core/module.js';
import { sh } from '../src/core/sh.js';
import { fileContent, type FileContent } from '../src/facts/file-content.js';
import { globFiles, type GlobFile } from '../src/facts/glob-files.js';
import { urlContent, type UrlContent } from '../src/facts/url-content.js';
import { unused } from './_shared/facts.js';
import { failPlan } from './_shared/fail.js';
import { armor, idMatches, isArmored, isKeybox, readKeys, type PgpKey } from './_shared/openpgp.js';

const params = {
  id: {
    type: 'str',
    description: 'The key id (8 or 16 hex digits, or the fingerprint); required for absent.',
  },
  url: { type: 'str', description: 'Fetch the key from this URL (by the host, with curl or wget).' },
  data: { type: 'str', description: 'The key itself (armored text).' },
  file: { type: 'path', description: 'A key file on the host.' },
  keyring: {
    type: 'path',
    description:
      'The keyring file (e.g. /etc/apt/keyrings/x.gpg; .asc keeps it armored). Default /etc/apt/trusted.gpg.',
  },
  keyserver: {
    type: 'str',
    description: 'Fetch the key with this id from a keyserver (HKP over http/https).',
  },
  validate_certs: { type: 'bool', default: true, description: 'Check TLS certificates of url.' },
  state: {
    type: 'str',
    default: 'present',
    choices: ['absent', 'present'],
    description: 'Whether the key is there.',
  },
} as const;

const LEGACY = '/etc/apt/trusted.gpg';
const PARTS = ['/etc/apt/trusted.gpg.d/*.gpg', '/etc/apt/trusted.gpg.d/*.asc'];
const MAX = 8 * 1024 * 1024;

/** HKP's lookup URL: hkp:// is http on port 11371, hkps:// is https. */
export function keyserverUrl(server: string, id: string): string {
  let base = server.replace(/\/+$/, '');
  if (base.startsWith('hkps://')) base = `https://${base.slice(7)}`;
  else if (base.startsWith('hkp://'))
    base = `http://${base.slice(6)}${/:\d+$/.test(base.slice(6)) ? '' : ':11371'}`;
  else if (!/^https?:\/\//.test(base)) base = `https://${base}`;
  const hex = id.replace(/^0x/i, '').replace(/\s+/g, '').toUpperCase();
  return `${base}/pks/lookup?op=get&options=mr&search=0x${hex}`;
}

function asGlob(fc: FileContent, path: string): GlobFile[] {
  return fc.exists ? [{ path, content: fc.content }] : [];
}

export const apt_key = defineModule({
  name: 'apt_key',
  doc: {
    short: 'Add or remove an apt key',
    description:
      'tsible edits the keyring file itself (OpenPGP packets, armored or binary), so neither apt-key nor gpg ' +
      'is needed. Without keyring, keys go to /etc/apt/trusted.gpg and a key already in any apt keyring ' +
      'counts as present. Prefer a keyring in /etc/apt/keyrings referenced by signed-by.',
    examples: [
      '- apt_key:',
      '    url: https://download.docker.com/linux/debian/gpg',
      '    keyring: /etc/apt/keyrings/docker.gpg',
      "- apt_key: data=\"{{ lookup('file', 'repo.asc') }}\" keyring=/etc/apt/keyrings/repo.asc",
      '- apt_key: id=0EBFCD88 state=absent',
    ].join('\n'),
    returns: {
      fp: 'Fingerprint of the key.',
      key_id: 'The last 16 hex digits.',
      short_id: 'The last 8.',
      id: 'The id given.',
      before: 'Fingerprints in the keyring(s) before.',
      after: 'Fingerprints after.',
    },
  },
  params,
  mutuallyExclusive: [['data', 'file', 'keyserver', 'url']],
  requiredIf: [['state', 'absent', ['id']]],
  check: 'full',
  diff: false,
  runsOn: 'host',
  facts(p) {
    let source: Fact<UrlContent | FileContent | undefined> = unused<UrlContent>();
    if (p.state === 'present') {
      if (p.url !== undefined) source = urlContent(p.url, { validateCerts: p.validate_certs });
      else if (p.keyserver !== undefined && p.id !== undefined)
        source = urlContent(keyserverUrl(p.keyserver, p.id), { validateCerts: p.validate_certs });
      else if (p.file !== undefined) source = fileContent(p.file, MAX);
    }
    const keyring = p.keyring;
    let rings: Fact<GlobFile[]> = globFiles([LEGACY, ...PARTS], MAX);
    if (keyring !== undefined) {
      const fc = fileContent(keyring, MAX);
      rings = { cmd: fc.cmd, parse: (o) => asGlob(fc.parse(o), keyring) };
    }
    return { rings, source };
  },
  plan(p, f): Plan {
    const target = p.keyring ?? LEGACY;
    const rings: { path: string; data: Buffer; keys: PgpKey[] }[] = [];
    for (const r of f.rings) {
      if (isKeybox(r.content)) return failPlan(`${r.path} is a GnuPG keybox, which tsible cannot edit`);
      try {
        rings.push({ path: r.path, data: r.content, keys: readKeys(r.content) });
      } catch (e) {
        return failPlan(`${r.path}: ${(e as Error).message}`);
      }
    }
    const before = rings.flatMap((r) => r.keys.map((k) => k.fingerprint));
    const result: ModuleResult = { id: p.id ?? null, before };

    if (p.state === 'absent') {
      const id = p.id!;
      const steps: Step[] = [];
      for (const r of rings) {
        const keep = r.keys.filter((k) => !idMatches(k.fingerprint, id));
        if (keep.length === r.keys.length) continue;
        steps.push(
          keep.length === 0
            ? { kind: 'run', cmd: sh`rm -f -- ${r.path}` }
            : writeRing(r.path, r.data, keep, false),
        );
      }
      const after = before.filter((fp) => !idMatches(fp, id));
      return { changed: steps.length > 0, steps, result: { ...result, after } };
    }

    let data: Buffer;
    if (p.data !== undefined) data = Buffer.from(p.data, 'utf8');
    else if (p.url !== undefined || p.keyserver !== undefined) {
      if (p.keyserver !== undefined && p.id === undefined) return failPlan('keyserver needs id');
      const u = f.source as UrlContent | undefined;
      if (!u?.ok) return failPlan(`error fetching key from ${p.url ?? p.keyserver ?? ''}: ${u?.error ?? ''}`);
      data = u.content;
    } else if (p.file !== undefined) {
      const fc = f.source as FileContent | undefined;
      if (!fc?.exists) return failPlan(`Unable to read key file ${p.file}`);
      data = fc.content;
    } else if (p.id !== undefined) {
      // Only an id: Ansible checks it is there and fails otherwise.
      const present = before.some((fp) => idMatches(fp, p.id!));
      if (present) return { changed: false, steps: [], result: { ...result, after: before } };
      return failPlan(`key ${p.id} is not in the keyring and no data, file, url or keyserver was given`);
    } else return failPlan('one of data, file, url, keyserver or id is required');

    let keys: PgpKey[];
    try {
      keys = readKeys(data);
    } catch (e) {
      return failPlan(`no valid OpenPGP key found: ${(e as Error).message}`);
    }
    if (keys.length === 0) return failPlan('no valid OpenPGP public key found in the data');
    if (p.id !== undefined && !keys.some((k) => idMatches(k.fingerprint, p.id!)))
      return failPlan(`key does not seem to have been added: ${p.id} is not in the data given`);
    const first = keys[0]!.fingerprint;
    Object.assign(result, { fp: first, key_id: first.slice(-16), short_id: first.slice(-8) });
    // Without keyring, a key in any of apt's keyrings counts; with one, only that file does.
    const known =
      p.keyring !== undefined
        ? (rings.find((r) => r.path === target)?.keys ?? [])
        : rings.flatMap((r) => r.keys);
    const missing = keys.filter((k) => !known.some((x) => x.fingerprint === k.fingerprint));
    if (missing.length === 0) return { changed: false, steps: [], result: { ...result, after: before } };
    const ring = rings.find((r) => r.path === target);
    const armored = ring ? isArmored(ring.data) : target.endsWith('.asc');
    const step = writeRing(target, ring?.data, [...(ring?.keys ?? []), ...missing], armored);
    return {
      changed: true,
      steps: [step],
      result: { ...result, after: [...before, ...missing.map((k) => k.fingerprint)] },
    };
  },
});

/** Write a keyring with these keys, armored if it was (or is to be); a new file is 0644 for apt's _apt user. */
function writeRing(path: string, old: Buffer | undefined, keys: PgpKey[], armoredNew: boolean): Step {
  const bin = Buffer.concat(keys.map((k) => k.raw));
  const armored = old !== undefined ? isArmored(old) : armoredNew;
  return {
    kind: 'put',
    dest: path,
    content: armored ? Buffer.from(armor(bin), 'utf8') : bin,
    ...(old === undefined ? { mode: '0644' } : {}),
  };
}
