// user and group: planners from passwd/shadow/group tables (nothing touches this machine's accounts),
// the account fact's parser, and quoting of hostile names.
import { describe, expect, it } from 'vitest';
import { group } from '../../modules/group.js';
import { user } from '../../modules/user.js';
import { parseAccounts, type Accounts, type GroupEntry } from '../../src/facts/accounts.js';
import type { Plan } from '../../src/core/module.js';
import { makeCtx, planWith, runFact, shWords } from './_harness.js';
import { accounts } from '../../src/facts/accounts.js';

const G = (name: string, gid: number, members: string[] = []): GroupEntry => ({ name, gid, members });
const GROUPS = [
  G('root', 0),
  G('adm', 4, ['syslog']),
  G('sudo', 27),
  G('users', 100),
  G('deploy', 1500),
  G('docker', 999, ['deploy']),
];
const DEPLOY = {
  name: 'deploy',
  uid: 1500,
  gid: 1500,
  comment: 'Deploy',
  home: '/home/deploy',
  shell: '/bin/bash',
};
const HASH = '$6$salt$abc';

function db(over: Partial<Accounts> = {}, exists = true): Accounts {
  return {
    ...(exists
      ? { user: DEPLOY, shadow: { hash: HASH, expire: undefined, max: 99999, min: 0, warn: 7 } }
      : {}),
    shadowReadable: true,
    groups: GROUPS,
    ...over,
  };
}
const facts = (d: Accounts, home = true) => ({ db: d, ssh: undefined, home });
const words = (p: Plan) =>
  p.steps.map((s) => (s.kind === 'run' ? shWords(s.cmd) : [])).filter((w) => w[0] !== 'getent');

describe('user: create', () => {
  it('runs useradd with the given attributes, then reads the entry back', async () => {
    const p = await planWith(
      user,
      {
        name: 'deploy',
        uid: 1500,
        group: 'deploy',
        groups: 'sudo,docker',
        shell: '/bin/bash',
        comment: 'Deploy',
        password: HASH,
      },
      facts(db({}, false), false),
    );
    expect(p.changed).toBe(true);
    expect(words(p)).toEqual([
      [
        'useradd',
        '-u',
        '1500',
        '-g',
        'deploy',
        '-G',
        'sudo,docker',
        '-c',
        'Deploy',
        '-s',
        '/bin/bash',
        '-p',
        HASH,
        '-m',
        '--',
        'deploy',
      ],
    ]);
    expect(p.steps.at(-1)).toMatchObject({ cmd: 'getent passwd -- deploy' });
    expect(p.result).toMatchObject({
      name: 'deploy',
      state: 'present',
      uid: 1500,
      group: 1500,
      groups: 'sudo,docker',
      password: 'NOT_LOGGING_PASSWORD',
    });
    expect(
      p.finish!([
        { rc: 0, stdout: '', stderr: '' },
        { rc: 0, stdout: 'deploy:x:1500:1500:Deploy:/home/deploy:/bin/bash\n', stderr: '' },
      ]),
    ).toMatchObject({
      uid: 1500,
      home: '/home/deploy',
    });
  });

  it.each([
    ['system, no home', { system: true, create_home: false }, ['-M', '-r']],
    ['a group named like the user exists: -N, as Ansible', {}, ['-N', '-m']],
    ['skeleton', { skeleton: '/etc/skel2' }, ['-m', '-k', '/etc/skel2']],
    ['expiry as a date; negative clears', { expires: 1700000000 }, ['-e', '2023-11-14']],
    ['locked with a hash', { password: HASH, password_lock: true }, ['-p', `!${HASH}`]],
    ['umask', { umask: '0077' }, ['-K', 'UMASK=0077']],
  ])('%s', async (_n, args, expected) => {
    const p = await planWith(user, { name: 'deploy', ...args }, facts(db({}, false), false));
    const w = words(p)[0]!.join(' ');
    expect(w).toContain(expected.join(' '));
  });

  it.each([
    ['a missing primary group', { group: 'nope' }, 'Group nope does not exist'],
    ['a missing supplementary group', { groups: ['sudo', 'nope'] }, 'Group nope does not exist'],
    ['local=yes', { local: true }, /luseradd/],
  ])('fails on %s', async (_n, args, msg) => {
    const p = await planWith(user, { name: 'deploy', ...args }, facts(db({}, false)));
    expect(p.failed).toBe(true);
    expect(String(p.result?.msg)).toMatch(msg);
  });
});

describe('user: modify', () => {
  it('is ok when everything matches (idempotency after create)', async () => {
    const args = {
      name: 'deploy',
      uid: 1500,
      group: 'deploy',
      groups: ['docker'],
      shell: '/bin/bash',
      comment: 'Deploy',
      password: HASH,
    };
    const p = await planWith(user, args, facts(db()));
    expect(p).toMatchObject({ changed: false, steps: [] });
    expect(p.result).toMatchObject({
      uid: 1500,
      group: 1500,
      home: '/home/deploy',
      shell: '/bin/bash',
      append: false,
    });
  });

  it.each([
    ['uid', { uid: 1600 }, ['-u', '1600']],
    ['primary group by gid', { group: '100' }, ['-g', 'users']],
    ['shell', { shell: '/bin/sh' }, ['-s', '/bin/sh']],
    ['comment with metacharacters', { comment: 'a; rm -rf / $(x)' }, ['-c', 'a; rm -rf / $(x)']],
    ['home, moved', { home: '/srv/deploy', move_home: true }, ['-d', '/srv/deploy', '-m']],
    ['groups replaced (append=no)', { groups: ['sudo'] }, ['-G', 'sudo']],
    ['groups added (append=yes)', { groups: ['sudo'], append: true }, ['-a', '-G', 'sudo']],
    ["groups emptied with ''", { groups: '' }, ['-G', '']],
    ['password changed', { password: '$6$other$x' }, ['-p', '$6$other$x']],
    ['lock', { password_lock: true }, ['-L']],
    ['expiry', { expires: 1700000000 }, ['-e', '2023-11-14']],
  ])('%s', async (_n, args, expected) => {
    const p = await planWith(user, { name: 'deploy', ...args }, facts(db()));
    expect(p.changed).toBe(true);
    const w = words(p)[0]!;
    expect(w[0]).toBe('usermod');
    expect(w.slice(1, -2)).toEqual(expected);
  });

  it.each([
    ['append with groups already there', { groups: ['docker'], append: true }],
    [
      'update_password=on_create ignores a new hash',
      { password: '$6$other$x', update_password: 'on_create' },
    ],
    ['the same hash behind a lock', { password: HASH }, { hash: `!${HASH}` }],
    ['unlock of an unlocked account', { password_lock: false }],
    ['expiry removal without expiry', { expires: -1 }],
    [
      'primary group listed in groups is not a supplementary group',
      { group: 'deploy', groups: ['deploy', 'docker'] },
    ],
  ])('no change: %s', async (_n, args, shadow?: { hash: string }) => {
    const p = await planWith(user, { name: 'deploy', ...args }, facts(db(shadow ? { shadow } : {})));
    expect(p).toMatchObject({ changed: false, steps: [] });
  });

  it('ageing fields go through chage', async () => {
    const p = await planWith(
      user,
      { name: 'deploy', password_expire_max: 90, password_expire_min: 0 },
      facts(db()),
    );
    expect(words(p)).toEqual([['chage', '-M', '90', '--', 'deploy']]);
  });

  it('recreates a missing home directory', async () => {
    const p = await planWith(user, { name: 'deploy' }, facts(db(), false));
    expect(p.changed).toBe(true);
    expect(p.steps[0]).toMatchObject({ kind: 'run' });
    expect((p.steps[0] as { cmd: string }).cmd).toContain('cp -a -- "$s/." "$h/"');
  });

  it('needs root to compare passwords', async () => {
    const p = await planWith(
      user,
      { name: 'deploy', password: HASH },
      facts(db({ shadowReadable: false, shadow: undefined })),
    );
    expect(p.result?.msg).toMatch(/needs root/);
  });
});

describe('user: absent and ssh keys', () => {
  it('removes with userdel -r -f, only when present', async () => {
    const p = await planWith(
      user,
      { name: 'deploy', state: 'absent', remove: true, force: true },
      facts(db()),
    );
    expect(words(p)).toEqual([['userdel', '-f', '-r', '--', 'deploy']]);
    expect(p.result).toMatchObject({ name: 'deploy', state: 'absent', remove: true, force: true });
    expect((await planWith(user, { name: 'deploy', state: 'absent' }, facts(db({}, false)))).changed).toBe(
      false,
    );
  });

  it('generates a key only when the file is missing and reports an existing one', async () => {
    const ssh = {
      exists: false,
      path: '/home/deploy/.ssh/id_rsa',
      publicKey: '',
      fingerprint: '',
      hostname: 'web1',
      keygen: true,
    };
    const p = await planWith(
      user,
      { name: 'deploy', generate_ssh_key: true, ssh_key_bits: 4096 },
      { db: db(), ssh, home: true },
    );
    expect(p.changed).toBe(true);
    const cmd = (p.steps[0] as { cmd: string }).cmd;
    expect(cmd).toContain("ssh-keygen -q -t rsa -b 4096 -C 'ansible-generated on web1' -N '' -f \"$k\"");
    const fin = p.finish!([
      { rc: 0, stdout: 'path=/home/deploy/.ssh/id_rsa\npub=ssh-rsa AAAA x\nfp=4096 SHA256:x\n', stderr: '' },
      { rc: 0, stdout: '', stderr: '' },
    ]);
    expect(fin).toMatchObject({ ssh_key_file: '/home/deploy/.ssh/id_rsa', ssh_public_key: 'ssh-rsa AAAA x' });
    const have = await planWith(
      user,
      { name: 'deploy', generate_ssh_key: true },
      { db: db(), ssh: { ...ssh, exists: true, publicKey: 'ssh-rsa B' }, home: true },
    );
    expect(have).toMatchObject({ changed: false, result: { ssh_public_key: 'ssh-rsa B' } });
    const nokeygen = await planWith(
      user,
      { name: 'deploy', generate_ssh_key: true },
      { db: db(), ssh: { ...ssh, keygen: false }, home: true },
    );
    expect(nokeygen.result?.msg).toMatch(/ssh-keygen/);
  });

  it('check mode is the plan (nothing else differs)', async () => {
    const p = await planWith(
      user,
      { name: 'deploy', shell: '/bin/sh' },
      facts(db()),
      makeCtx({ check: true }),
    );
    expect(p.changed).toBe(true);
  });

  it('rejects a mistyped parameter with the closest name', async () => {
    await expect(planWith(user, { name: 'x', shel: '/bin/sh' }, facts(db()))).rejects.toThrow(
      /Unsupported parameters for \(user\) module: shel/,
    );
  });
});

describe('group', () => {
  const gfacts = { db: { shadowReadable: false, groups: GROUPS } };
  it.each([
    [
      'create',
      { name: 'web', gid: 2000, system: true },
      [['groupadd', '-g', '2000', '-r', '--', 'web']],
      true,
    ],
    ['exists', { name: 'sudo' }, [], false],
    ['same gid', { name: 'sudo', gid: 27 }, [], false],
    ['gid changes', { name: 'sudo', gid: 28 }, [['groupmod', '-g', '28', '--', 'sudo']], true],
    ['remove', { name: 'sudo', state: 'absent' }, [['groupdel', '--', 'sudo']], true],
    ['remove missing', { name: 'nope', state: 'absent' }, [], false],
  ])('%s', async (_n, args, cmds, changed) => {
    const p = await planWith(group, args, gfacts);
    expect(p.changed).toBe(changed);
    expect(words(p)).toEqual(cmds);
  });

  it('reports the gid, read back after creation', async () => {
    const p = await planWith(group, { name: 'web' }, gfacts);
    expect(
      p.finish!([
        { rc: 0, stdout: '', stderr: '' },
        { rc: 0, stdout: 'web:x:1001:\n', stderr: '' },
      ]),
    ).toEqual({ gid: 1001 });
    expect((await planWith(group, { name: 'sudo' }, gfacts)).result).toEqual({
      name: 'sudo',
      state: 'present',
      system: false,
      gid: 27,
    });
  });
});

describe('accounts fact', () => {
  it('parses passwd, shadow and group sections, ignoring an entry found by uid', () => {
    const out = [
      '@@passwd',
      '1500:x:0:0:root:/root:/bin/bash',
      '@@shadow',
      'readable',
      '@@group',
      'root:x:0:',
      'adm:x:4:syslog,deploy',
    ].join('\n');
    const a = parseAccounts(out, '1500');
    expect(a.user).toMatchObject({ name: '1500', uid: 0 });
    const b = parseAccounts(out.replace('1500:x:0:0', 'root:x:0:0'), '1500');
    expect(b.user).toBeUndefined();
    expect(b.groups[1]).toEqual({ name: 'adm', gid: 4, members: ['syslog', 'deploy'] });
  });

  it('reads this machine (root exists, a hostile name does not and runs nothing)', () => {
    const a = runFact(accounts('root'));
    expect(a.user).toMatchObject({ uid: 0, home: '/root' });
    expect(a.groups.some((g) => g.name === 'root')).toBe(true);
    const evil = runFact(accounts('x$(touch /tmp/tsible-pwned);y'));
    expect(evil.user).toBeUndefined();
  });
});

describe('check mode with groups an earlier task would create', () => {
  it('reports a new user as a change without failing on its groups, like Ansible', async () => {
    const d = { shadowReadable: true, groups: [G('root', 0)] };
    const p = await planWith(
      user,
      { name: 'deploy', group: 'deploy', groups: ['docker'] },
      facts(d, false),
      makeCtx({ check: true }),
    );
    expect(p).toMatchObject({ changed: true });
    expect(p.result?.group).toBeUndefined();
    const live = await planWith(user, { name: 'deploy', group: 'deploy' }, facts(d, false));
    expect(live.result?.msg).toBe('Group deploy does not exist');
  });
});
