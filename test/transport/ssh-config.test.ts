// ssh_config resolution (patterns, negation, first value wins, Match, Include, tokens) and ssh arguments.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  expandTokens,
  hostLineMatches,
  matchPatternList,
  parseJumpList,
  parseSshArgs,
  resolveSshConfig,
  splitConfigArgs,
} from '../../src/transport/ssh-config.js';
import { tempDir } from './helpers.js';

const home = '/home/me';

function resolve(
  text: string,
  host: string,
  settings: Parameters<typeof resolveSshConfig>[0]['settings'] = [],
) {
  const dir = tempDir();
  const file = join(dir, 'config');
  writeFileSync(file, text);
  return resolveSshConfig({ host, settings, files: [file], home, localUser: 'me' });
}

describe('Host patterns', () => {
  it.each([
    [['*'], 'anything', true],
    [['web*'], 'web1.example.com', true],
    [['web?'], 'web12', false],
    [['web?'], 'WEB1', true],
    [['*.example.com', '!db.example.com'], 'db.example.com', false],
    [['*.example.com', '!db.example.com'], 'app.example.com', true],
    [['!db'], 'web', false],
    [['a', 'b', 'c'], 'b', true],
    [['10.0.0.*'], '10.0.0.7', true],
  ])('Host %j against %s → %s', (patterns, host, want) => {
    expect(hostLineMatches(patterns, host)).toBe(want);
  });

  it('comma lists with negation (Match host)', () => {
    expect(matchPatternList('web1', 'web*,!web2', true)).toBe(true);
    expect(matchPatternList('web2', 'web*,!web2', true)).toBe(false);
    expect(matchPatternList('Bob', 'bob', false)).toBe(false);
  });

  it('splits values like OpenSSH (quotes, trailing comments)', () => {
    expect(splitConfigArgs('"/a b/c" d  # comment')).toEqual(['/a b/c', 'd']);
    expect(splitConfigArgs("'x y'")).toEqual(['x y']);
  });
});

describe('resolveSshConfig', () => {
  const config = `
# global defaults come first in file order but only fill what is unset
Host bastion
  HostName 192.0.2.10
  User jump
  Port 2200

Host web* !web-legacy
  HostName %h.internal.example.com
  User deploy
  IdentityFile ~/.ssh/web_%r_%h
  IdentityFile %d/.ssh/second
  IdentitiesOnly yes
  ProxyJump bastion
  ServerAliveInterval 5
  ServerAliveCountMax 2

Host web-legacy
  User old

Host *
  User fallback
  Port 2222
  IdentityFile ~/.ssh/id_global
  ConnectTimeout 7
  StrictHostKeyChecking accept-new
  UserKnownHostsFile ~/.ssh/kh1 "/etc/ssh/kh 2"
`;

  it('first value wins, IdentityFile accumulates, tokens expand', () => {
    const c = resolve(config, 'web1');
    expect(c.hostName).toBe('web1.internal.example.com');
    expect(c.user).toBe('deploy');
    expect(c.port).toBe(2222);
    expect(c.identityFiles).toEqual([
      '/home/me/.ssh/web_deploy_web1.internal.example.com',
      '/home/me/.ssh/second',
      '/home/me/.ssh/id_global',
    ]);
    expect(c.identitiesOnly).toBe(true);
    expect(c.proxyJump).toBe('bastion');
    expect(c.serverAliveIntervalSec).toBe(5);
    expect(c.serverAliveCountMax).toBe(2);
    expect(c.connectTimeoutSec).toBe(7);
    expect(c.strictHostKeyChecking).toBe('accept-new');
    expect(c.userKnownHostsFiles).toEqual(['/home/me/.ssh/kh1', '/etc/ssh/kh 2']);
  });

  it('a negated pattern keeps the block out', () => {
    const c = resolve(config, 'web-legacy');
    expect(c.user).toBe('old');
    expect(c.hostName).toBe('web-legacy');
    expect(c.proxyJump).toBeUndefined();
  });

  it('command-line settings (inventory, -o) beat the file; the file fills the rest', () => {
    const c = resolve(config, 'web1', [
      { key: 'user', args: ['admin'] },
      { key: 'port', args: ['2022'] },
      { key: 'identityfile', args: ['/keys/inv'] },
    ]);
    expect(c.user).toBe('admin');
    expect(c.port).toBe(2022);
    expect(c.identityFiles[0]).toBe('/keys/inv');
    expect(c.identityFiles).toHaveLength(4);
    expect(c.hostName).toBe('web1.internal.example.com');
  });

  it('ProxyJump none on the command line disables the configured one', () => {
    expect(resolve(config, 'web1', [{ key: 'proxyjump', args: ['none'] }]).proxyJump).toBeUndefined();
  });

  it('unknown hosts get only the defaults', () => {
    const c = resolve(config, 'db1');
    expect(c).toMatchObject({ hostName: 'db1', user: 'fallback', port: 2222 });
  });

  it('Match host/user/all, and unsupported criteria skip their block', () => {
    const text = `
Match exec "true"
  User never
Match originalhost app1 !localuser root
  HostName app1.prod.example.com
Match host *.prod.example.com user admin
  Port 1022
Match all
  User admin
`;
    const c = resolve(text, 'app1');
    expect(c.user).toBe('admin');
    expect(c.hostName).toBe('app1.prod.example.com');
    // "Match host" sees the HostName set above; "user" sees the user set later (not yet): no Port.
    expect(c.port).toBeUndefined();
    expect(c.warnings.join('\n')).toMatch(/Match exec is not supported/);
    const c2 = resolve(text, 'app1', [{ key: 'user', args: ['admin'] }]);
    expect(c2.port).toBe(1022);
  });

  it('Include: relative to ~/.ssh, globs, conditional inside Host blocks', () => {
    const h = tempDir();
    mkdirSync(join(h, '.ssh', 'conf.d'), { recursive: true });
    writeFileSync(join(h, '.ssh', 'conf.d', '10-a.conf'), 'Host a\n  User from-a\nHost *\n  Port 2001\n');
    writeFileSync(join(h, '.ssh', 'conf.d', '20-b.conf'), 'Host b\n  User from-b\n');
    writeFileSync(join(h, '.ssh', 'only-c'), 'User from-c\n');
    writeFileSync(
      join(h, '.ssh', 'config'),
      'Include conf.d/*.conf\nHost c\n  Include only-c\nHost *\n  User default\n  Port 9\n',
    );
    const r = (host: string) =>
      resolveSshConfig({ host, files: ['~/.ssh/config'], home: h, localUser: 'me' });
    expect(r('a')).toMatchObject({ user: 'from-a', port: 2001 });
    expect(r('b')).toMatchObject({ user: 'from-b', port: 2001 });
    expect(r('c')).toMatchObject({ user: 'from-c', port: 2001 });
    expect(r('d')).toMatchObject({ user: 'default', port: 2001 });
  });

  it('ProxyJump and ProxyCommand exclude each other (first wins); ProxyCommand tokens expand', () => {
    const c = resolve('Host x\n  ProxyCommand ssh -W %h:%p gw\n  ProxyJump gw2\n', 'x');
    expect(c.proxyCommand).toBe('ssh -W x:22 gw');
    expect(c.proxyJump).toBeUndefined();
  });

  it('Key=Value syntax and case-insensitive keywords', () => {
    const c = resolve('HOST=x\n  hostname=10.1.1.1\n  PORT = 2\n', 'x');
    expect(c).toMatchObject({ hostName: '10.1.1.1', port: 2 });
  });

  it('expands tokens', () => {
    const t = { home, localUser: 'me', host: 'h.example', originalHost: 'h', user: 'ru', port: 22 };
    expect(expandTokens('~/%u/%r@%h:%p/%n/%%', t)).toBe('/home/me/me/ru@h.example:22/h/%');
    process.env.TSIBLE_TEST_DIR = '/x';
    expect(expandTokens('${TSIBLE_TEST_DIR}/k', t)).toBe('/x/k');
  });
});

describe('ssh command-line words', () => {
  it('reads -o in its forms, -J, -F, -p, -l, -i, and ignores the rest', () => {
    const a = parseSshArgs([
      '-C',
      '-o',
      'ProxyJump=user@gw:2222',
      '-oStrictHostKeyChecking=no',
      '-o',
      'UserKnownHostsFile /dev/null',
      '-F',
      '/tmp/cfg',
      '-qp',
      '2200',
      '-l',
      'bob',
      '-i',
      '/k',
      '-J',
      'other',
    ]);
    expect(a.configFile).toBe('/tmp/cfg');
    expect(a.settings).toEqual([
      { key: 'proxyjump', args: ['user@gw:2222'] },
      { key: 'stricthostkeychecking', args: ['no'] },
      { key: 'userknownhostsfile', args: ['/dev/null'] },
      { key: 'port', args: ['2200'] },
      { key: 'user', args: ['bob'] },
      { key: 'identityfile', args: ['/k'] },
      { key: 'proxyjump', args: ['other'] },
    ]);
  });

  it('parses ProxyJump lists', () => {
    expect(parseJumpList('a, u@b:2222,ssh://c@[::1]:22,[fe80::1]')).toEqual([
      { host: 'a', user: undefined, port: undefined },
      { host: 'b', user: 'u', port: 2222 },
      { host: '::1', user: 'c', port: 22 },
      { host: 'fe80::1', user: undefined, port: undefined },
    ]);
  });
});
