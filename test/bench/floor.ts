// The floor row: one SSH connection per host (ssh2, TCP_NODELAY, host key checked), all hosts at once,
// each running ONE shell script that reads the state the workload's playbook checks. Nothing can be
// faster than this and still look at the hosts, so it is the theoretical minimum the others compare to.
//
// usage: node floor.js HOSTS.json SCRIPT.sh [VAR=value...]   (extra environment for the script)
//   HOSTS.json: [{ "name", "host", "port", "user", "key", "knownHosts": file|null, "env": { "BENCH_ROOT": … } }]
import { readFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import ssh2 from 'ssh2';

export interface FloorHost {
  name: string;
  host: string;
  port: number;
  user: string;
  key: string;
  knownHosts: string | null;
  env: Record<string, string>;
}

function knownKeys(file: string, host: string, port: number): Set<string> {
  const name = port === 22 ? host : `[${host}]:${port}`;
  const keys = new Set<string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [names, , blob] = line.trim().split(/\s+/);
    if (names && blob && names.split(',').includes(name)) keys.add(blob);
  }
  return keys;
}

function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function runOne(h: FloorHost, script: string): Promise<{ rc: number; bytes: number; err: string }> {
  return new Promise((resolve) => {
    const sock = netConnect({ host: h.host, port: h.port });
    sock.setNoDelay(true);
    const client = new ssh2.Client();
    let done = false;
    const finish = (rc: number, bytes: number, err: string): void => {
      if (done) return;
      done = true;
      client.end();
      resolve({ rc, bytes, err });
    };
    sock.on('error', (e) => finish(255, 0, e.message));
    client.on('error', (e) => finish(255, 0, e.message));
    client.on('ready', () => {
      const env = Object.entries(h.env)
        .map(([k, v]) => `${k}=${shQuote(v)}; export ${k}; `)
        .join('');
      client.exec(`${env}${script}`, (err, ch) => {
        if (err) return finish(255, 0, err.message);
        let bytes = 0;
        let rc = 255;
        let errText = '';
        ch.on('data', (d: Buffer) => (bytes += d.length));
        ch.stderr.on('data', (d: Buffer) => (errText += d.toString()));
        ch.on('exit', (code: number | null) => (rc = code ?? 255));
        ch.on('close', () => finish(rc, bytes, errText));
        ch.end();
      });
    });
    const known = h.knownHosts ? knownKeys(h.knownHosts, h.host, h.port) : null;
    client.connect({
      sock,
      username: h.user,
      privateKey: readFileSync(h.key),
      readyTimeout: 30_000,
      hostVerifier: (key: Buffer) => known === null || known.has(key.toString('base64')),
    });
  });
}

async function main(): Promise<number> {
  const [hostsFile, scriptFile, ...vars] = process.argv.slice(2);
  if (!hostsFile || !scriptFile) {
    process.stderr.write('usage: floor HOSTS.json SCRIPT.sh [VAR=value...]\n');
    return 2;
  }
  const extra = Object.fromEntries(
    vars.map((v) => [v.slice(0, v.indexOf('=')), v.slice(v.indexOf('=') + 1)]),
  );
  const hosts = (JSON.parse(readFileSync(hostsFile, 'utf8')) as FloorHost[]).map((h) => ({
    ...h,
    env: { ...h.env, ...extra },
  }));
  const script = readFileSync(scriptFile, 'utf8');
  const results = await Promise.all(hosts.map((h) => runOne(h, script)));
  let failed = 0;
  let bytes = 0;
  results.forEach((r, i) => {
    bytes += r.bytes;
    if (r.rc !== 0) {
      failed++;
      process.stderr.write(`floor: ${hosts[i]?.name}: rc=${r.rc} ${r.err.trim()}\n`);
    }
  });
  process.stdout.write(`floor: ${hosts.length} hosts, ${hosts.length - failed} ok, ${bytes} bytes read\n`);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`floor: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
