// uri: requests with curl and with wget (the host's scripts under local sh): status, headers, json, bodies,
// redirects, dest writes (changed only when different), check mode and guards.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formUrlencoded, pyJsonDumps, uri } from '../../modules/uri.js';
import { makeCtx, planWith, tempDir } from './_harness.js';
import { runWithTool, startServer, type TestServer } from './_http.js';

let srv: TestServer;
beforeAll(async () => {
  srv = await startServer();
});
afterAll(() => srv.close());

const call = (tool: 'curl' | 'wget', args: Record<string, unknown>) => runWithTool(uri, tool, args);

describe.each(['curl', 'wget'] as const)('uri with %s', (tool) => {
  it('GET: status, msg, lowercased headers, json, cookies; never changed', async () => {
    const r = await call(tool, { url: `${srv.base}/json` });
    expect(r.result).toMatchObject({
      changed: false,
      status: 200,
      url: `${srv.base}/json`,
      redirected: false,
      content_type: 'application/json',
      json: { a: [1, 'x'], ok: true },
      cookies: { sid: 'abc' },
    });
    // No Content-Length (chunked): urllib says unknown.
    expect(r.result.msg).toBe('OK (unknown bytes)');
    expect(r.result.content).toBeUndefined();
  });

  it('POST json body with status_code list and return_content', async () => {
    const r = await call(tool, {
      url: `${srv.base}/echo`,
      method: 'post',
      body_format: 'json',
      body: { name: "wid'get $(x)", n: [1, 2] },
      status_code: [200, 201],
      return_content: true,
      headers: { 'X-Trace': 'a;b' },
    });
    expect(r.result.status).toBe(201);
    const echo = r.result.json as { method: string; headers: Record<string, string>; body: string };
    expect(echo.method).toBe('POST');
    expect(echo.headers['content-type']).toBe('application/json');
    expect(echo.headers['x-trace']).toBe('a;b');
    expect(echo.headers['user-agent']).toBe('ansible-httpget');
    expect(echo.body).toBe('{"name": "wid\'get $(x)", "n": [1, 2]}');
    expect(typeof r.result.content).toBe('string');
  });

  it('follows redirects for GET (safe) and reports the final URL', async () => {
    const r = await call(tool, { url: `${srv.base}/redirect`, return_content: true });
    expect(r.result).toMatchObject({
      status: 200,
      redirected: true,
      url: `${srv.base}/file.txt`,
      content: 'hello\n',
    });
    const none = await call(tool, {
      url: `${srv.base}/redirect`,
      follow_redirects: 'none',
      status_code: 302,
    });
    expect(none.result).toMatchObject({ status: 302, location: `${srv.base}/file.txt` });
  });

  it('fails on an unexpected status, like Ansible', async () => {
    const r = await call(tool, { url: `${srv.base}/missing` });
    expect(r.result).toMatchObject({
      failed: true,
      status: 404,
      msg: 'Status code was 404 and not [200]: HTTP Error 404: Not Found',
    });
  });

  it('writes dest only when the body differs', async () => {
    const d = tempDir();
    const dest = join(d, 'out file');
    const first = await call(tool, { url: `${srv.base}/bin`, dest, mode: '0600' });
    expect(first.result).toMatchObject({ changed: true, path: dest, mode: '0600' });
    expect(readFileSync(dest)).toEqual(Buffer.from([0, 1, 2, 255, 10]));
    expect((statSync(dest).mode & 0o777).toString(8)).toBe('600');
    const second = await call(tool, { url: `${srv.base}/bin`, dest, mode: '0600' });
    expect(second.result.changed).toBe(false);
  });
});

describe('uri planning', () => {
  it('is skipped in check mode and honours creates/removes', async () => {
    const facts = { tool: 'curl', guards: [{ path: '/etc', exists: true }] };
    const chk = await planWith(
      uri,
      { url: 'http://x/' },
      { tool: 'curl', guards: undefined },
      makeCtx({ check: true }),
    );
    expect(chk).toMatchObject({
      skipped: true,
      result: { msg: 'remote module (uri) does not support check mode' },
    });
    expect((await planWith(uri, { url: 'http://x/', creates: '/etc' }, facts)).result?.msg).toBe(
      "skipped, since '/etc' exists",
    );
    const gone = { tool: 'curl', guards: [{ path: '/nope', exists: false }] };
    expect((await planWith(uri, { url: 'http://x/', removes: '/nope' }, gone)).result?.msg).toBe(
      "skipped, since '/nope' does not exist",
    );
    expect(
      (await planWith(uri, { url: 'http://x/' }, { tool: 'none', guards: undefined })).result?.msg,
    ).toMatch(/curl or wget/);
  });

  it('encodes bodies like Python', () => {
    expect(pyJsonDumps({ a: 'é', b: [true, null] })).toBe('{"a": "\\u00e9", "b": [true, null]}');
    expect(formUrlencoded({ q: 'a b&c', l: [1, 2] })).toBe('q=a+b%26c&l=1&l=2');
  });

  it('keeps the password out of the command', async () => {
    const p = await planWith(
      uri,
      { url: 'http://x/', url_password: 's3cr$t', url_username: 'u' },
      { tool: 'curl', guards: undefined },
    );
    const step = p.steps[0]!;
    expect(step.kind === 'run' && step.cmd).not.toContain('s3cr$t');
  });
});
