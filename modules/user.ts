// user: create, change and remove local users (useradd/usermod/userdel), with an optional SSH key.
import { defineModule, type Fact, type ModuleResult, type Plan, type RunStep } from '../src/core/module.js';
import { quote, sh } from '../src/core/sh.js';
import { accounts, findGroup, parsePasswd, type Accounts, type GroupEntry } from '../src/facts/accounts.js';
import { unused } from './_shared/facts.js';
import { failPlan } from './_shared/fail.js';

const params = {
  name: { type: 'str', required: true, aliases: ['user'], description: 'User name.' },
  uid: { type: 'int', description: 'The user id.' },
  non_unique: { type: 'bool', default: false, description: 'Allow a uid another user has (with uid).' },
  group: { type: 'str', description: 'Primary group (name or gid); it must exist.' },
  groups: {
    type: 'list',
    elements: 'str',
    description: "Supplementary groups. With append=no the user's list becomes exactly this ('' empties it).",
  },
  append: {
    type: 'bool',
    default: false,
    description: 'Add the groups to the current ones instead of replacing.',
  },
  comment: { type: 'str', description: 'The GECOS field.' },
  home: { type: 'path', description: 'Home directory.' },
  shell: { type: 'str', description: 'Login shell.' },
  password: {
    type: 'str',
    noLog: true,
    description:
      'A crypt hash as in /etc/shadow (e.g. from `mkpasswd -m sha-512`), not a plain-text password.',
  },
  update_password: {
    type: 'str',
    default: 'always',
    choices: ['always', 'on_create'],
    description: 'always: set the hash when it differs; on_create: only for a new user.',
  },
  password_lock: { type: 'bool', description: 'Lock (usermod -L) or unlock (-U) the password.' },
  expires: {
    type: 'float',
    description: 'Account expiry in epoch seconds; a negative value removes the expiry.',
  },
  password_expire_max: { type: 'int', description: 'Maximum days between password changes (chage -M).' },
  password_expire_min: { type: 'int', description: 'Minimum days between password changes (chage -m).' },
  password_expire_warn: {
    type: 'int',
    description: 'Days of warning before the password expires (chage -W).',
  },
  state: {
    type: 'str',
    default: 'present',
    choices: ['absent', 'present'],
    description: 'Whether it exists.',
  },
  remove: {
    type: 'bool',
    default: false,
    description: 'With state=absent, remove the home and mail spool too.',
  },
  force: {
    type: 'bool',
    default: false,
    description: 'With state=absent, remove even if logged in (userdel -f).',
  },
  create_home: {
    type: 'bool',
    default: true,
    aliases: ['createhome'],
    description: 'Create the home directory (also for an existing user whose home is missing).',
  },
  move_home: { type: 'bool', default: false, description: 'Move the old home to the new home path.' },
  skeleton: { type: 'path', description: 'Skeleton directory for a new home (useradd -k).' },
  system: { type: 'bool', default: false, description: 'Create a system account (only on creation).' },
  umask: { type: 'str', description: 'Umask for the new home directory (useradd -K UMASK=).' },
  local: { type: 'bool', default: false, description: 'Use luseradd (libuser); not supported by tsible.' },
  seuser: { type: 'str', description: 'Accepted; SELinux is not managed.' },
  generate_ssh_key: {
    type: 'bool',
    default: false,
    description: 'Generate an SSH key pair for the user if ssh_key_file does not exist (never overwrites).',
  },
  ssh_key_bits: {
    type: 'int',
    default: 0,
    description: "Key size; 0 uses ssh-keygen's default for the type.",
  },
  ssh_key_type: { type: 'str', default: 'rsa', description: 'Key type (ssh-keygen -t).' },
  ssh_key_file: {
    type: 'path',
    description: 'Private key path; relative to the home directory (default .ssh/id_<type>).',
  },
  ssh_key_comment: {
    type: 'str',
    description: "The key's comment (default: 'ansible-generated on <hostname>').",
  },
  ssh_key_passphrase: { type: 'str', noLog: true, description: 'Passphrase for the private key.' },
} as const;

type UserParams = {
  name: string;
  ssh_key_file?: string;
  ssh_key_type: string;
};

/** The key path as the user module resolves it: relative paths live in the home directory. */
function keyFile(p: UserParams): string {
  return p.ssh_key_file ?? `.ssh/id_${p.ssh_key_type}`;
}

interface SshKeyInfo {
  exists: boolean;
  path: string;
  publicKey: string;
  fingerprint: string;
}

// Resolves the key path against the user's home on the host, then reports the public key if present.
function sshKeyFact(p: UserParams): Fact<SshKeyInfo & { hostname: string; keygen: boolean }> {
  const cmd = [
    `u=${quote(p.name)}; k=${quote(keyFile(p))}`,
    'h=$(getent passwd -- "$u" | cut -d: -f6)',
    'case "$k" in /*) ;; *) k="$h/$k" ;; esac',
    'echo "path=$k"',
    'echo "host=$(hostname)"',
    'if command -v ssh-keygen >/dev/null 2>&1; then echo keygen=yes; fi',
    'if [ -f "$k" ]; then echo exists=yes; echo "pub=$(head -n1 "$k.pub" 2>/dev/null)"; ' +
      'echo "fp=$(ssh-keygen -l -f "$k.pub" 2>/dev/null)"; fi',
  ].join('\n');
  return {
    cmd,
    parse(out) {
      const get = (k: string) => new RegExp(`^${k}=(.*)$`, 'm').exec(out.stdout)?.[1] ?? '';
      return {
        exists: get('exists') === 'yes',
        path: get('path'),
        publicKey: get('pub'),
        fingerprint: get('fp'),
        hostname: get('host'),
        keygen: get('keygen') === 'yes',
      };
    },
  };
}

function homeFact(home: string): Fact<boolean> {
  return { cmd: sh`test -d ${home}`, parse: (out) => out.rc === 0 };
}

export const user = defineModule({
  name: 'user',
  doc: {
    short: 'Manage user accounts',
    description:
      'Compares each given attribute with getent passwd/shadow/group and runs useradd or usermod with only ' +
      'what differs; chage for the password ageing fields. The password is a crypt hash compared with ' +
      '/etc/shadow (reading it needs root). Changed when anything was run.',
    examples: [
      '- user: name=deploy uid=1500 group=deploy groups=sudo,adm append=yes shell=/bin/bash',
      '- user: name=app system=yes create_home=no shell=/usr/sbin/nologin',
      '- user: name=alice password="{{ alice_hash }}" update_password=on_create generate_ssh_key=yes',
      '- user: name=old state=absent remove=yes',
    ].join('\n'),
    returns: {
      name: 'User name.',
      uid: 'User id.',
      group: 'Primary group id.',
      groups: 'The groups given (comma-separated).',
      comment: 'GECOS field.',
      home: 'Home directory.',
      shell: 'Login shell.',
      ssh_public_key: 'The public key (generate_ssh_key).',
      ssh_fingerprint: 'Its fingerprint.',
      ssh_key_file: 'The private key path.',
    },
  },
  params,
  check: 'full',
  diff: false,
  runsOn: 'host',
  facts(p) {
    return {
      db: accounts(p.name),
      ssh: p.generate_ssh_key && p.state === 'present' ? sshKeyFact(p) : unused<never>(),
      home: p.home !== undefined ? homeFact(p.home) : homeOfUser(p.name),
    };
  },
  plan(p, f, ctx): Plan {
    if (p.local) return failPlan('local=yes needs luseradd (libuser), which tsible does not support');
    const db = f.db as Accounts;
    const cur = db.user;
    const base: ModuleResult = { name: p.name, state: p.state };
    if (p.state === 'absent') {
      const result = { ...base, force: p.force, remove: p.remove };
      if (!cur) return { changed: false, steps: [], result };
      const opts = [...(p.force ? ['-f'] : []), ...(p.remove ? ['-r'] : [])];
      return { changed: true, steps: [{ kind: 'run', cmd: sh`userdel ${opts} -- ${p.name}` }], result };
    }

    // Groups are checked first: useradd/usermod would fail half-way on a missing one. Like Ansible, check
    // mode reports a new user as a change without looking (an earlier task may create the groups).
    const lenient = ctx.check && !cur;
    let primary: GroupEntry | undefined;
    if (p.group !== undefined) {
      primary =
        findGroup(db.groups, p.group) ?? (lenient ? { name: p.group, gid: -1, members: [] } : undefined);
      if (!primary) return failPlan(`Group ${p.group} does not exist`);
    }
    const wanted = (p.groups ?? []).map((g) => g.trim()).filter((g) => g !== '');
    const wantedNames: string[] = [];
    for (const g of wanted) {
      const e = findGroup(db.groups, g) ?? (lenient ? { name: g, gid: -1, members: [] } : undefined);
      if (!e) return failPlan(`Group ${g} does not exist`);
      if (!wantedNames.includes(e.name)) wantedNames.push(e.name);
    }
    const needsShadow =
      (p.password !== undefined && (cur === undefined || p.update_password === 'always')) ||
      p.password_lock !== undefined ||
      p.expires !== undefined ||
      p.password_expire_max !== undefined ||
      p.password_expire_min !== undefined ||
      p.password_expire_warn !== undefined;
    if (cur && needsShadow && !db.shadowReadable) {
      return failPlan('reading /etc/shadow needs root: use become to manage passwords and expiry');
    }

    const steps: RunStep[] = [];
    const result: ModuleResult = { ...base };
    if (p.password !== undefined) result.password = 'NOT_LOGGING_PASSWORD';
    if (p.groups !== undefined) result.groups = wantedNames.join(',');

    if (!cur) {
      const o: string[] = [];
      if (p.uid !== undefined) o.push('-u', String(p.uid), ...(p.non_unique ? ['-o'] : []));
      if (primary) o.push('-g', primary.name);
      // Like Ansible: a group named like the user already exists, so useradd must not try to create it.
      else if (db.groups.some((g) => g.name === p.name)) o.push('-N');
      if (wantedNames.length > 0) o.push('-G', wantedNames.join(','));
      if (p.comment !== undefined) o.push('-c', p.comment);
      if (p.home !== undefined) o.push('-d', p.home);
      if (p.shell !== undefined) o.push('-s', p.shell);
      if (p.expires !== undefined) o.push('-e', expiryDate(p.expires));
      if (p.password !== undefined) o.push('-p', p.password_lock ? `!${p.password}` : p.password);
      if (p.create_home) o.push('-m', ...(p.skeleton !== undefined ? ['-k', p.skeleton] : []));
      else o.push('-M');
      if (p.umask !== undefined) o.push('-K', `UMASK=${p.umask}`);
      if (p.system) o.push('-r');
      steps.push({ kind: 'run', cmd: sh`useradd ${o} -- ${p.name}` });
      if (p.password_lock && p.password === undefined)
        steps.push({ kind: 'run', cmd: sh`usermod -L -- ${p.name}` });
      Object.assign(result, { system: p.system, create_home: p.create_home });
    } else {
      const o = usermodOptions(p, cur, db, primary, wantedNames);
      if (o.length > 0) steps.push({ kind: 'run', cmd: sh`usermod ${o} -- ${p.name}` });
      Object.assign(result, { append: p.append, move_home: p.move_home });
      // A user whose home is missing gets one, as Ansible does.
      const home = p.home ?? cur.home;
      if (p.create_home && !f.home && !(o.includes('-m') && o.includes('-d')))
        steps.push(...makeHome(p.name, home, p.skeleton));
    }
    const age = chageOptions(p, cur ? db.shadow : undefined);
    if (age.length > 0) steps.push({ kind: 'run', cmd: sh`chage ${age} -- ${p.name}` });

    const ssh = f.ssh as (SshKeyInfo & { hostname: string; keygen: boolean }) | undefined;
    let keyStep = -1;
    if (p.generate_ssh_key && ssh) {
      if (ssh.exists) {
        Object.assign(result, {
          ssh_key_file: ssh.path,
          ssh_public_key: ssh.publicKey,
          ssh_fingerprint: ssh.fingerprint,
        });
      } else {
        if (!ssh.keygen)
          return failPlan('generate_ssh_key needs ssh-keygen on the host (package openssh-client)');
        steps.push(keygenStep(p, ssh.hostname));
        keyStep = steps.length - 1;
      }
    }
    const changed = steps.length > 0;
    if (changed) steps.push({ kind: 'run', cmd: sh`getent passwd -- ${p.name}` });
    Object.assign(result, predicted(p, cur, primary));
    if (!changed) return { changed: false, steps, result };
    return {
      changed: true,
      steps,
      result,
      finish: (outs) => {
        const out: ModuleResult = {};
        const e = parsePasswd((outs.at(-1)?.stdout ?? '').trim());
        if (e)
          Object.assign(out, { uid: e.uid, group: e.gid, comment: e.comment, home: e.home, shell: e.shell });
        const k = keyStep >= 0 ? outs[keyStep]?.stdout : undefined;
        if (k !== undefined) {
          const get = (n: string) => new RegExp(`^${n}=(.*)$`, 'm').exec(k)?.[1] ?? '';
          Object.assign(out, {
            ssh_key_file: get('path'),
            ssh_public_key: get('pub'),
            ssh_fingerprint: get('fp'),
          });
        }
        return out;
      },
    };
  },
});

function homeOfUser(name: string): Fact<boolean> {
  return {
    cmd: sh`h=$(getent passwd -- ${name} | cut -d: -f6); [ -n "$h" ] && [ -d "$h" ]`,
    parse: (out) => out.rc === 0,
  };
}

/** useradd/usermod -e takes a date; a negative expiry means none (an empty argument). */
function expiryDate(epoch: number): string {
  if (epoch < 0) return '';
  return new Date(Math.floor(epoch) * 1000).toISOString().slice(0, 10);
}

function usermodOptions(
  p: {
    uid?: number;
    non_unique: boolean;
    groups?: string[];
    append: boolean;
    comment?: string;
    home?: string;
    move_home: boolean;
    shell?: string;
    password?: string;
    update_password: string;
    password_lock?: boolean;
    expires?: number;
  },
  cur: NonNullable<Accounts['user']>,
  db: Accounts,
  primary: GroupEntry | undefined,
  wanted: string[],
): string[] {
  const o: string[] = [];
  if (p.uid !== undefined && p.uid !== cur.uid) o.push('-u', String(p.uid), ...(p.non_unique ? ['-o'] : []));
  if (primary && primary.gid !== cur.gid) o.push('-g', primary.name);
  if (p.groups !== undefined) {
    // The primary group is never counted as a supplementary one, on either side.
    const primaryGid = primary?.gid ?? cur.gid;
    const now = db.groups
      .filter((g) => g.members.includes(cur.name) && g.gid !== primaryGid)
      .map((g) => g.name);
    const want = wanted.filter((g) => db.groups.find((e) => e.name === g)?.gid !== primaryGid);
    const missing = want.some((g) => !now.includes(g));
    const extra = now.some((g) => !want.includes(g));
    if (p.append ? missing : missing || extra) o.push(...(p.append ? ['-a'] : []), '-G', want.join(','));
  }
  if (p.comment !== undefined && p.comment !== cur.comment) o.push('-c', p.comment);
  if (p.home !== undefined && p.home !== cur.home) o.push('-d', p.home, ...(p.move_home ? ['-m'] : []));
  if (p.shell !== undefined && p.shell !== cur.shell) o.push('-s', p.shell);
  const hash = db.shadow?.hash ?? '';
  const locked = hash.startsWith('!');
  let lock: string | undefined;
  if (p.password_lock === true && !locked) lock = '-L';
  else if (p.password_lock === false && locked) lock = '-U';
  if (
    p.update_password === 'always' &&
    p.password !== undefined &&
    hash.replace(/^!+/, '') !== p.password.replace(/^!+/, '')
  ) {
    // -p replaces -L/-U: a locked account gets the new hash with its '!' in one go.
    o.push('-p', p.password_lock ? `!${p.password.replace(/^!+/, '')}` : p.password);
  } else if (lock !== undefined) o.push(lock);
  if (p.expires !== undefined) {
    const want = p.expires < 0 ? undefined : Math.floor(p.expires / 86400);
    const now = db.shadow?.expire;
    const has = now !== undefined && now >= 0;
    if (want === undefined ? has : !has || now !== want) o.push('-e', expiryDate(p.expires));
  }
  return o;
}

function chageOptions(
  p: { password_expire_max?: number; password_expire_min?: number; password_expire_warn?: number },
  shadow: Accounts['shadow'],
): string[] {
  const o: string[] = [];
  if (p.password_expire_max !== undefined && shadow?.max !== p.password_expire_max)
    o.push('-M', String(p.password_expire_max));
  if (p.password_expire_min !== undefined && shadow?.min !== p.password_expire_min)
    o.push('-m', String(p.password_expire_min));
  if (p.password_expire_warn !== undefined && shadow?.warn !== p.password_expire_warn)
    o.push('-W', String(p.password_expire_warn));
  return o;
}

/** Create a missing home: the skeleton's files, owned by the user and their primary group. */
function makeHome(name: string, home: string, skeleton: string | undefined): RunStep[] {
  const skel = skeleton ?? '/etc/skel';
  return [
    {
      kind: 'run',
      cmd: [
        sh`h=${home}; s=${skel}`,
        'mkdir -p -- "$h" || exit 1',
        'if [ -d "$s" ]; then cp -a -- "$s/." "$h/" || exit 1; fi',
        sh`chown -R -- ${name}: "$h"`,
      ].join('\n'),
    },
  ];
}

/** ssh-keygen as root, then the files (and a new ~/.ssh) handed to the user; prints what finish() reads. */
function keygenStep(
  p: UserParams & {
    ssh_key_bits: number;
    ssh_key_comment?: string;
    ssh_key_passphrase?: string;
  },
  hostname: string,
): RunStep {
  const comment = p.ssh_key_comment ?? `ansible-generated on ${hostname}`;
  const bits = p.ssh_key_bits > 0 ? ['-b', String(p.ssh_key_bits)] : [];
  return {
    kind: 'run',
    label: `ssh-keygen for ${p.name}`,
    cmd: [
      sh`u=${p.name}; k=${keyFile(p)}`,
      'h=$(getent passwd -- "$u" | cut -d: -f6)',
      'case "$k" in /*) ;; *) k="$h/$k" ;; esac',
      'd=$(dirname -- "$k")',
      'if [ ! -d "$d" ]; then mkdir -p -- "$d" && chmod 0700 -- "$d" && chown -- "$u": "$d" || exit 1; fi',
      sh`ssh-keygen -q -t ${p.ssh_key_type} ${bits} -C ${comment} -N ${p.ssh_key_passphrase ?? ''} -f "$k" </dev/null >/dev/null || exit 1`,
      'chown -- "$u": "$k" "$k.pub" || exit 1',
      'echo "path=$k"; echo "pub=$(head -n1 "$k.pub")"; echo "fp=$(ssh-keygen -l -f "$k.pub")"',
    ].join('\n'),
  };
}

/** The attributes the result reports, as they are (or will be, as far as the plan knows). */
function predicted(
  p: { uid?: number; comment?: string; home?: string; shell?: string },
  cur: Accounts['user'],
  primary: GroupEntry | undefined,
): ModuleResult {
  const out: ModuleResult = {};
  const uid = p.uid ?? cur?.uid;
  if (uid !== undefined) out.uid = uid;
  const gid = primary !== undefined && primary.gid >= 0 ? primary.gid : cur?.gid;
  if (gid !== undefined) out.group = gid;
  const comment = p.comment ?? cur?.comment;
  if (comment !== undefined) out.comment = comment;
  const home = p.home ?? cur?.home;
  if (home !== undefined) out.home = home;
  const shell = p.shell ?? cur?.shell;
  if (shell !== undefined) out.shell = shell;
  return out;
}
