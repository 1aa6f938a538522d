// A fake fleet for the controller-only scale test: N SSH endpoints served by ssh2's Server in this one
// process, one port each on 127.0.0.1. Each endpoint runs commands with /bin/sh in its own directory
// (DIR/eI) as cwd, with HOME=DIR/eI/home, so a playbook that only touches {{ bench_root }} (= DIR/eI)
// stays inside it. Exec, shell and (if this machine has OpenSSH's sftp-server) the sftp subsystem work;
// pty requests are accepted and ignored; env requests are passed on.
//
// usage: node fake-fleet.js --count N --dir DIR [--base-port 20001] [--exit-on-stdin-eof]
// Writes DIR/inventory.ini, DIR/known_hosts, DIR/id_ed25519 (the client key), DIR/floor-hosts.json, then
// prints "ready N FIRST_PORT" on stdout. Stops on SIGTERM/SIGINT (or stdin's end, if asked).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import ssh2, { type Connection, type ParsedKey, type Server, type ServerChannel } from 'ssh2';

const { utils } = ssh2;

const SFTP_SERVERS = [
  '/usr/lib/openssh/sftp-server',
  '/usr/libexec/openssh/sftp-server',
  '/usr/lib/sftp-server',
];
const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

interface Endpoint {
  name: string;
  port: number;
  dir: string;
  home: string;
}

const stats = { connections: 0, commands: 0 };

function parsed(key: string | Buffer): ParsedKey {
  const k = utils.parseKey(key);
  if (k instanceof Error) throw k;
  return Array.isArray(k) ? (k[0] as ParsedKey) : k;
}

function runIn(
  ep: Endpoint,
  ch: ServerChannel,
  exe: string,
  args: string[],
  env: Record<string, string>,
): void {
  stats.commands++;
  const child = spawn(exe, args, {
    cwd: ep.dir,
    env: { PATH, HOME: ep.home, USER: 'root', LOGNAME: 'root', SHELL: '/bin/sh', ...env },
    stdio: 'pipe',
  });
  let finished = false;
  ch.pipe(child.stdin);
  child.stdin.on('error', () => undefined);
  child.stdout.pipe(ch, { end: false });
  child.stderr.pipe(ch.stderr, { end: false });
  child.on('error', (e) => {
    if (finished) return;
    finished = true;
    ch.stderr.write(`fake-fleet: ${e.message}\n`);
    ch.exit(127);
    ch.end();
  });
  child.on('close', (code, signal) => {
    if (finished) return;
    finished = true;
    if (code !== null) ch.exit(code);
    else ch.exit((signal ?? 'SIGKILL').replace(/^SIG/, ''), false, '');
    ch.end();
  });
  ch.on('close', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGHUP');
  });
}

function onClient(
  ep: Endpoint,
  client: Connection,
  authKey: ParsedKey,
  sftpServer: string | undefined,
): void {
  stats.connections++;
  const authBlob = authKey.getPublicSSH();
  client.on('authentication', (ctx) => {
    if (ctx.method === 'publickey' && ctx.key.algo === authKey.type && ctx.key.data.equals(authBlob)) {
      if (!ctx.signature) return ctx.accept();
      if (ctx.blob && authKey.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true) return ctx.accept();
    }
    ctx.reject(['publickey']);
  });
  client.on('ready', () => {
    client.on('session', (acceptSession) => {
      const session = acceptSession();
      const env: Record<string, string> = {};
      session.on('env', (accept, _reject, info) => {
        env[info.key] = info.val;
        accept?.();
      });
      session.on('pty', (accept) => accept?.());
      session.on('window-change', (accept) => accept?.());
      session.on('exec', (accept, _reject, info) =>
        runIn(ep, accept(), '/bin/sh', ['-c', info.command], env),
      );
      session.on('shell', (accept) => runIn(ep, accept(), '/bin/sh', [], env));
      session.on('subsystem', (accept, reject, info) => {
        if (info.name === 'sftp' && sftpServer) runIn(ep, accept(), sftpServer, [], env);
        else reject?.();
      });
    });
  });
  client.on('error', () => undefined);
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => reject(e);
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve();
    });
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      count: { type: 'string' },
      dir: { type: 'string' },
      'base-port': { type: 'string' },
      'exit-on-stdin-eof': { type: 'boolean' },
    },
  });
  const count = Number(values.count);
  const dir = values.dir;
  if (!Number.isInteger(count) || count < 1 || !dir)
    throw new Error('usage: fake-fleet --count N --dir DIR [--base-port P]');
  let base = Number(values['base-port'] ?? 20001);
  mkdirSync(dir, { recursive: true });

  const host = utils.generateKeyPairSync('ed25519');
  const clientKey = utils.generateKeyPairSync('ed25519');
  writeFileSync(join(dir, 'id_ed25519'), clientKey.private, { mode: 0o600 });
  writeFileSync(join(dir, 'id_ed25519.pub'), `${clientKey.public}\n`);
  const hostKeyText = Buffer.from(host.private);
  const authKey = parsed(clientKey.public);
  const hostPub = host.public.split(' ').slice(0, 2).join(' ');
  const sftpServer = SFTP_SERVERS.find((p) => existsSync(p));

  // Bind every port; on a clash, start over from a higher base.
  let endpoints: Endpoint[];
  for (let attempt = 0; ; attempt++) {
    const servers: Server[] = [];
    endpoints = [];
    try {
      for (let i = 1; i <= count; i++) {
        const ep: Endpoint = {
          name: `e${i}`,
          port: base + i - 1,
          dir: join(dir, `e${i}`),
          home: join(dir, `e${i}`, 'home'),
        };
        mkdirSync(ep.home, { recursive: true });
        const server = new ssh2.Server({ hostKeys: [hostKeyText] }, (client) =>
          onClient(ep, client, authKey, sftpServer),
        );
        servers.push(server);
        await listen(server, ep.port);
        endpoints.push(ep);
      }
      break;
    } catch (e) {
      for (const s of servers) s.close();
      if (attempt >= 8) throw e;
      base += count + 1000;
    }
  }

  writeFileSync(
    join(dir, 'known_hosts'),
    endpoints.map((ep) => `[127.0.0.1]:${ep.port} ${hostPub}\n`).join(''),
  );
  const inv = ['[fake]'];
  for (const ep of endpoints)
    inv.push(`${ep.name} ansible_host=127.0.0.1 ansible_port=${ep.port} bench_root=${ep.dir}`);
  inv.push(
    '',
    '[fake:vars]',
    'ansible_user=root',
    `ansible_ssh_private_key_file=${join(dir, 'id_ed25519')}`,
    `ansible_ssh_common_args='-o UserKnownHostsFile=${join(dir, 'known_hosts')}'`,
    '',
  );
  writeFileSync(join(dir, 'inventory.ini'), inv.join('\n'));
  writeFileSync(
    join(dir, 'floor-hosts.json'),
    JSON.stringify(
      endpoints.map((ep) => ({
        name: ep.name,
        host: '127.0.0.1',
        port: ep.port,
        user: 'root',
        key: join(dir, 'id_ed25519'),
        knownHosts: join(dir, 'known_hosts'),
        env: { BENCH_ROOT: ep.dir },
      })),
    ),
  );

  const stop = (): void => {
    process.stderr.write(`fake-fleet: ${stats.connections} connections, ${stats.commands} commands\n`);
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  if (values['exit-on-stdin-eof']) {
    process.stdin.on('end', stop);
    process.stdin.resume();
  }
  process.stdout.write(`ready ${count} ${base}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`fake-fleet: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
