// Issue 5 end to end: the README's two-role site, Ansible's role dedup and dependency order, and roles
// shared through git with tsible-galaxy and requirements.lock, run on real hosts.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync, readFileSync, appendFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRecap, playbook, ROOT, runCli } from './cli.js';
import { fleetAvailable, fleetDown, fleetUp, hostExec, type Fleet } from './fleet.js';

const NAMES = ['ro1', 'ro2'];

function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    'git',
    ['-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'init.defaultBranch=main', ...args],
    {
      cwd,
      encoding: 'utf8',
    },
  ).trim();
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** TASK banners of an output, in order. */
function banners(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('TASK ['))
    .map((l) => l.replace(/ \*+$/, ''));
}

describe.skipIf(!fleetAvailable)('roles on the fleet', () => {
  let fleet: Fleet;
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsible-roles-'));
    fleet = fleetUp({ names: NAMES, group: 'webservers', inventory: join(dir, 'inventory.ini') });
  });
  afterAll(() => fleetDown(NAMES));

  it("runs the README's site: webapp after its dependency common, defaults overridden by role params", async () => {
    const site = join(ROOT, 'examples', 'site.yml');
    const r = await playbook(['-i', fleet.inventoryPath, site]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(banners(r.stdout)).toEqual([
      'TASK [Gathering Facts]',
      'TASK [common : Install common packages]',
      'TASK [common : Write the message of the day]',
      'TASK [webapp : Install nginx]',
      'TASK [webapp : Copy static files]',
      'TASK [webapp : Render the home page]',
      'TASK [webapp : Configure the site]',
      'TASK [webapp : Start nginx]',
    ]);
    expect(r.stdout).toContain('RUNNING HANDLER [webapp : Reload nginx]');
    for (const h of fleet.hosts) {
      // The dependency's parameter beats common's default; role vars (motd_path) are used.
      expect(hostExec(h.name, 'head -1 /etc/motd').stdout).toBe('Web application host, managed by tsible\n');
      const page = await (await fetch(`http://${h.address}:8080/`)).text();
      expect(page).toContain('<h1>Hello from a tsible role</h1>');
      expect(page).toContain(`Served by ${h.name} on port 8080.`);
      expect(hostExec(h.name, "dpkg-query -W -f='${Status}' curl").stdout).toBe('install ok installed');
    }
    const again = await playbook(['-i', fleet.inventoryPath, site]);
    for (const [, n] of parseRecap(again.stdout)) expect(n).toMatchObject({ changed: 0, failed: 0 });
  });

  it('dedups roles and orders dependencies like ansible-core 2.14', async () => {
    const pb = join(dir, 'dedup');
    const roles = { a: ['b', 'c'], b: ['d'], c: ['d'], d: [], p: [] } as Record<string, string[]>;
    for (const [name, deps] of Object.entries(roles)) {
      mkdirSync(join(pb, 'roles', name, 'tasks'), { recursive: true });
      mkdirSync(join(pb, 'roles', name, 'meta'), { recursive: true });
      writeFileSync(
        join(pb, 'roles', name, 'tasks', 'main.yml'),
        `- command: "echo {{ role_name }} {{ x | default('-') }}"\n  register: out\n- shell: echo "{{ out.stdout }}" >> /tmp/role-order\n`,
      );
      writeFileSync(join(pb, 'roles', name, 'meta', 'main.yml'), `dependencies: ${JSON.stringify(deps)}\n`);
    }
    writeFileSync(
      join(pb, 'site.yml'),
      `- hosts: ro1
  gather_facts: false
  roles:
    - a
    - c
    - { role: p, x: one }
    - { role: p, x: two }
    - { role: p, x: one }
  tasks:
    - import_role: name=p
    - include_role: name=p
`,
    );
    hostExec('ro1', 'rm -f /tmp/role-order');
    const r = await playbook(['-i', fleet.inventoryPath, join(pb, 'site.yml')]);
    expect(r.code).toBe(0);
    // ansible-core 2.14 on the same tree: d, b, c, a (c and d once: same parameters), p one, p two (not a
    // second "p one"), then import_role p and include_role p (no parameters: a different p).
    expect(hostExec('ro1', 'cat /tmp/role-order').stdout).toBe(
      'd -\nb -\nc -\na -\np one\np two\np -\np -\n',
    );
    expect(r.stdout).toContain('TASK [include_role : p]');
  });

  describe('tsible-galaxy with requirements.lock', () => {
    let repo: string;
    let daemon: ChildProcess | undefined;
    let port: number;
    let proj: string;

    const commitRole = (version: string): string => {
      writeFileSync(
        join(repo, 'work', 'tasks', 'main.yml'),
        `- copy: { content: "{{ greeting }} from ${version}\\n", dest: /etc/greeting }\n`,
      );
      git(join(repo, 'work'), 'add', '-A');
      git(join(repo, 'work'), 'commit', '-qm', version);
      git(join(repo, 'work'), 'push', '-q', 'origin', 'main');
      return git(join(repo, 'work'), 'rev-parse', 'HEAD');
    };

    beforeAll(async () => {
      repo = join(dir, 'git');
      mkdirSync(join(repo, 'greeter.git'), { recursive: true });
      git(join(repo, 'greeter.git'), 'init', '-q', '--bare');
      git(repo, 'clone', '-q', join(repo, 'greeter.git'), 'work');
      mkdirSync(join(repo, 'work', 'tasks'));
      mkdirSync(join(repo, 'work', 'defaults'));
      mkdirSync(join(repo, 'work', 'meta'));
      writeFileSync(join(repo, 'work', 'defaults', 'main.yml'), 'greeting: hello\n');
      writeFileSync(join(repo, 'work', 'meta', 'main.yml'), 'dependencies: []\n');
      commitRole('v1');
      git(join(repo, 'work'), 'tag', 'v1.0');
      git(join(repo, 'work'), 'push', '-q', 'origin', 'v1.0');
      commitRole('v2');
      port = await freePort();
      daemon = spawn(
        'git',
        [
          'daemon',
          `--base-path=${repo}`,
          '--export-all',
          '--reuseaddr',
          `--port=${port}`,
          '--listen=127.0.0.1',
          repo,
        ],
        {
          stdio: 'ignore',
        },
      );
      await new Promise((r) => setTimeout(r, 700));
      proj = join(dir, 'proj');
      mkdirSync(proj);
      writeFileSync(
        join(proj, 'site.yml'),
        `- hosts: webservers\n  gather_facts: false\n  roles:\n    - role: greeter\n      greeting: hi\n    - role: tagged\n      greeting: old\n`,
      );
      writeFileSync(
        join(proj, 'requirements.yml'),
        `roles:\n  - name: greeter\n    src: git://127.0.0.1:${port}/greeter.git\n    version: main\n  - name: tagged\n    src: file://${join(repo, 'greeter.git')}\n    version: v1.0\n`,
      );
    });
    afterAll(() => daemon?.kill());

    it('installs at a branch (git daemon) and a tag (file://), writes the lock, and the roles run on the hosts', async () => {
      const inst = await runCli('tsible-galaxy', ['install', '-r', 'requirements.yml', '-p', 'roles'], {
        cwd: proj,
      });
      expect(inst.code).toBe(0);
      expect(inst.stdout).toContain('- greeter (main) was installed successfully');
      const lock = readFileSync(join(proj, 'requirements.lock'), 'utf8');
      expect(lock).toContain(git(join(repo, 'work'), 'rev-parse', 'HEAD'));
      const r = await playbook(['-i', fleet.inventoryPath, join(proj, 'site.yml')]);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      // Both roles write /etc/greeting; the tagged one (v1.0) runs last.
      expect(hostExec('ro1', 'cat /etc/greeting').stdout).toBe('old from v1\n');
    });

    it('keeps the locked commit after the branch moves, until --upgrade', async () => {
      const locked = git(join(repo, 'work'), 'rev-parse', 'HEAD');
      commitRole('v3');
      const again = await runCli(
        'tsible-galaxy',
        ['install', '-r', 'requirements.yml', '-p', 'roles', '--force'],
        { cwd: proj },
      );
      expect(again.code).toBe(0);
      expect(readFileSync(join(proj, 'requirements.lock'), 'utf8')).toContain(locked);
      expect(readFileSync(join(proj, 'roles', 'greeter', 'tasks', 'main.yml'), 'utf8')).toContain('from v2');
      const up = await runCli(
        'tsible-galaxy',
        ['install', '-r', 'requirements.yml', '-p', 'roles', '--upgrade'],
        { cwd: proj },
      );
      expect(up.code).toBe(0);
      const moved = git(join(repo, 'work'), 'rev-parse', 'HEAD');
      expect(readFileSync(join(proj, 'requirements.lock'), 'utf8')).toContain(moved);
      expect(readFileSync(join(proj, 'roles', 'greeter', 'tasks', 'main.yml'), 'utf8')).toContain('from v3');
    });

    it('warns on a playbook run when an installed role differs from the lock', async () => {
      appendFileSync(join(proj, 'roles', 'greeter', 'tasks', 'main.yml'), '- debug: msg=edited\n');
      const r = await playbook(['-i', fleet.inventoryPath, join(proj, 'site.yml')]);
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('[WARNING]: role greeter does not match');
      const v = await runCli('tsible-galaxy', ['verify', '-r', 'requirements.yml', '-p', 'roles'], {
        cwd: proj,
      });
      expect(v.code).toBe(1);
      expect(v.stdout + v.stderr).toContain('greeter');
    });
  });
});
