// A throwaway HTTP server in a child process for the get_url and uri tests (the planner's steps run with
// spawnSync, which blocks this process, so the server cannot live in it).
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnyModule } from '../../modules/index.js';
import type { Plan } from '../../src/core/module.js';
import { checkParams } from '../../src/core/params.js';
import { makeCtx, runFacts, runSh, tempDir } from './_harness.js';

const SERVER = `
const http = require('node:http');
const BIN = Buffer.from([0, 1, 2, 255, 10]);
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const u = new URL(req.url, 'http://x');
    const send = (code, data, headers = {}) => { res.writeHead(code, headers); res.end(data); };
    switch (u.pathname) {
      case '/file.txt': return send(200, 'hello\\n', { 'Content-Type': 'text/plain', 'Content-Length': '6' });
      case '/bin': return send(200, BIN, { 'Content-Type': 'application/octet-stream' });
      case '/v2.txt': return send(200, 'version two\\n', { 'Content-Type': 'text/plain' });
      case '/redirect': return send(302, '', { Location: '/file.txt' });
      case '/dispo': return send(200, 'dispo\\n', { 'Content-Disposition': 'attachment; filename="named.conf"' });
      case '/SHA256SUMS': return send(200, '5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03  file.txt\\n0000  other\\n');
      case '/json': return send(200, JSON.stringify({ a: [1, 'x'], ok: true }), { 'Content-Type': 'application/json', 'Set-Cookie': 'sid=abc; Path=/' });
      case '/echo': return send(201, JSON.stringify({ method: req.method, headers: req.headers, body: body.toString('utf8') }), { 'Content-Type': 'application/json' });
      case '/auth': {
        const ok = req.headers.authorization === 'Basic ' + Buffer.from("us'er:p$ss w").toString('base64');
        return send(ok ? 200 : 401, ok ? 'welcome\\n' : 'no\\n', ok ? {} : { 'WWW-Authenticate': 'Basic realm="x"' });
      }
      default: return send(404, 'not here\\n', { 'Content-Type': 'text/plain' });
    }
  });
});
server.listen(0, '127.0.0.1', () => console.log('port=' + server.address().port));
`;

export interface TestServer {
  base: string;
  child: ChildProcess;
  close(): void;
}

export async function startServer(): Promise<TestServer> {
  const file = join(tempDir('tsible-http-'), 'server.cjs');
  writeFileSync(file, SERVER);
  const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /port=(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', () => reject(new Error('test HTTP server exited')));
  });
  return { base: `http://127.0.0.1:${port}`, child, close: () => child.kill() };
}

/**
 * Plan get_url/uri with this machine's facts but a chosen tool (to exercise both curl and wget), run the
 * steps under local sh (every step must exit 0), and build the result as the engine does.
 */
export async function runWithTool(def: AnyModule, tool: 'curl' | 'wget', args: Record<string, unknown>) {
  const ctx = makeCtx();
  const p = checkParams(def, args, { module: def.name });
  const facts = { ...runFacts(def.facts ? await def.facts(p, ctx) : {}), tool };
  const plan: Plan = await def.plan(p, facts, ctx);
  const outputs = plan.steps.map((s) =>
    s.kind === 'run' ? runSh(s.cmd, s.stdin) : { rc: 1, stdout: '', stderr: `cannot apply ${s.kind}` },
  );
  for (const o of outputs) if (o.rc !== 0) throw new Error(`step failed (rc ${o.rc}): ${o.stderr}`);
  const result: Record<string, unknown> = {
    changed: plan.changed,
    ...plan.result,
    ...(plan.finish ? plan.finish(outputs) : {}),
  };
  return { plan, result };
}
