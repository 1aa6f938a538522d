// get_url: downloads with curl and with wget (the same scripts the host runs, under local sh), checksums,
// skip rules, and a planner table.
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checksumFromFile, get_url } from '../../modules/get_url.js';
import { makeCtx, planWith, runModule, tempDir } from './_harness.js';
import { runWithTool, startServer, type TestServer } from './_http.js';

const modeOf = (p: string) => (statSync(p).mode & 0o7777).toString(8).padStart(4, '0');
let srv: TestServer;
beforeAll(async () => {
  srv = await startServer();
});
afterAll(() => srv.close());

const runWith = (tool: 'curl' | 'wget', args: Record<string, unknown>) => runWithTool(get_url, tool, args);

describe.each(['curl', 'wget'] as const)('get_url with %s', (tool) => {
  it('downloads into a file with mode, then skips an existing file', async () => {
    const d = tempDir();
    const dest = join(d, "got 'it' $(x).txt");
    const r = await runWith(tool, { url: `${srv.base}/file.txt`, dest, mode: '0640' });
    expect(r.result).toMatchObject({
      changed: true,
      dest,
      status_code: 200,
      msg: 'OK (6 bytes)',
      checksum_src: 'f572d396fae9206628714fb2ce00f72e94f2258f',
      size: 6,
      mode: '0640',
      state: 'file',
    });
    expect(readFileSync(dest, 'utf8')).toBe('hello\n');
    expect(modeOf(dest)).toBe('0640');
    expect(readdirSync(d)).toEqual(["got 'it' $(x).txt"]);
    const again = await runWith(tool, { url: `${srv.base}/file.txt`, dest, mode: '0640' });
    expect(again.plan.steps).toEqual([]);
    expect(again.result).toMatchObject({ changed: false, msg: 'file already exists' });
  });

  it('follows redirects, names the file in a directory dest, is binary-safe', async () => {
    const d = tempDir();
    await runWith(tool, { url: `${srv.base}/redirect`, dest: d });
    expect(readFileSync(join(d, 'file.txt'), 'utf8')).toBe('hello\n');
    await runWith(tool, { url: `${srv.base}/dispo`, dest: d });
    expect(readFileSync(join(d, 'named.conf'), 'utf8')).toBe('dispo\n');
    await runWith(tool, { url: `${srv.base}/bin`, dest: d });
    expect(readFileSync(join(d, 'bin'))).toEqual(Buffer.from([0, 1, 2, 255, 10]));
    // A directory dest always downloads; same content is not changed.
    const again = await runWith(tool, { url: `${srv.base}/bin`, dest: d });
    expect(again.result).toMatchObject({ changed: false, dest: join(d, 'bin') });
  });

  it('sends credentials and headers from a file, never on the command line', async () => {
    const d = tempDir();
    const r = await runWith(tool, {
      url: `${srv.base}/auth`,
      dest: join(d, 'a'),
      url_username: "us'er",
      url_password: 'p$ss w',
      headers: { 'X-Test': 'a "b"' },
    });
    expect(r.result.changed).toBe(true);
    const step = r.plan.steps[0]!;
    expect(step.kind === 'run' && step.cmd).not.toContain('p$ss');
    expect(readFileSync(join(d, 'a'), 'utf8')).toBe('welcome\n');
  });

  it('fails on HTTP errors and checksum mismatches, leaving dest alone', async () => {
    const d = tempDir();
    const nf = await runWith(tool, { url: `${srv.base}/missing`, dest: join(d, 'x') });
    expect(nf.result).toMatchObject({
      failed: true,
      msg: 'Request failed',
      status_code: 404,
      response: 'HTTP Error 404: Not Found',
    });
    expect(existsSync(join(d, 'x'))).toBe(false);
    const bad = await runWith(tool, {
      url: `${srv.base}/file.txt`,
      dest: join(d, 'y'),
      checksum: 'sha1:0000',
    });
    expect(bad.result.msg).toBe(
      `The checksum for ${join(d, 'y')} did not match 0000; it was f572d396fae9206628714fb2ce00f72e94f2258f.`,
    );
    expect(readdirSync(d)).toEqual([]);
  });
});

describe('get_url planning', () => {
  it('checksum: a matching dest is not downloaded again, a different one is', async () => {
    const d = tempDir();
    const dest = join(d, 'f');
    const sum = 'sha256:5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03';
    const first = await runModule(get_url, { url: `${srv.base}/file.txt`, dest, checksum: sum });
    expect(first.result).toMatchObject({ changed: true });
    const second = await runModule(get_url, { url: `${srv.base}/file.txt`, dest, checksum: sum });
    expect(second.plan.steps).toEqual([]);
    writeFileSync(dest, 'tampered');
    chmodSync(dest, 0o600);
    const third = await runModule(get_url, { url: `${srv.base}/file.txt`, dest, checksum: sum });
    expect(third.result.changed).toBe(true);
    expect(readFileSync(dest, 'utf8')).toBe('hello\n');
    expect(modeOf(dest)).toBe('0600');
  });

  it('reads the checksum from a checksum file URL', async () => {
    const d = tempDir();
    const r = await runModule(get_url, {
      url: `${srv.base}/file.txt`,
      dest: join(d, 'f'),
      checksum: `sha256:${srv.base}/SHA256SUMS`,
    });
    expect(r.result.changed).toBe(true);
    expect(checksumFromFile('abc  ./x.tar\ndef *y\n', 'y')).toBe('def');
    expect(checksumFromFile('abc\n', 'whatever')).toBe('abc');
  });

  it('force downloads again but is only changed when the content differs', async () => {
    const d = tempDir();
    const dest = join(d, 'f');
    await runModule(get_url, { url: `${srv.base}/file.txt`, dest });
    const r = await runModule(get_url, { url: `${srv.base}/file.txt`, dest, force: true });
    expect(r.result).toMatchObject({ changed: false, checksum_dest: r.result.checksum_src });
    const v2 = await runModule(get_url, { url: `${srv.base}/v2.txt`, dest, force: true, backup: true });
    expect(v2.result.changed).toBe(true);
    expect(readFileSync(String(v2.result.backup_file), 'utf8')).toBe('hello\n');
  });

  it('fails clearly without curl or wget, and for a bad checksum spec', async () => {
    const facts = {
      tool: 'none',
      stat: [
        { path: '/x', exists: false },
        { path: '/', exists: true, type: 'directory' },
      ],
      sumFile: undefined,
    };
    const p = await planWith(get_url, { url: 'http://h/x', dest: '/x' }, facts);
    expect(p.result?.msg).toBe(
      'get_url needs curl or wget on the host, and neither is installed (install the curl package, for example)',
    );
    const c = await planWith(get_url, { url: 'http://h/x', dest: '/x', checksum: 'crc:1' }, facts);
    expect(c.result?.msg).toBe('The checksum parameter has to be in format <algorithm>:<checksum>');
    const chk = await planWith(
      get_url,
      { url: 'http://h/x', dest: '/x' },
      { ...facts, tool: 'curl' },
      makeCtx({ check: true }),
    );
    expect(chk.changed).toBe(true);
  });
});
