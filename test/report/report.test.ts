// The HTML run report rendered by a real browser (headless Chromium from Debian's `chromium` package).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { HtmlReportCallback, renderHtmlReport } from '../../src/output/html-report.js';
import { RunRecorder } from '../../src/output/run-model.js';
import { FakeClock, replay, SECRETS } from '../unit/output/recorded-run.js';

const CHROMIUM = '/usr/bin/chromium';
/** Kept after the run so that a human can look at the page and the screenshot. */
const OUT = join(tmpdir(), 'tsible-report-test');

let skipReason: string | undefined;

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function chromium(args: string[], url: string): { stdout: string; stderr: string } {
  const profile = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
  try {
    const r = spawnSync(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--enable-logging=stderr',
        `--user-data-dir=${profile}`,
        ...args,
        url,
      ],
      { encoding: 'utf8', timeout: 90_000, maxBuffer: 64 * 1024 * 1024 },
    );
    if (r.error) throw r.error;
    if (r.status !== 0) throw new Error(`chromium exited with ${r.status}: ${r.stderr}`);
    return { stdout: r.stdout, stderr: r.stderr };
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

function writeReport(): string {
  mkdirSync(OUT, { recursive: true });
  const path = join(OUT, 'run.html');
  const clock = new FakeClock();
  replay(new HtmlReportCallback({ path, now: clock.now }), clock);
  return path;
}

/** host → "task:status" for every timeline bar in a serialized DOM. */
function bars(dom: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const row of dom.split('<div class="tl-row" data-host="').slice(1)) {
    const host = row.slice(0, row.indexOf('"'));
    const found = [...row.matchAll(/<a class="bar status-(\w+)( ignored)?[^"]*" data-task="([^"]*)"/g)].map(
      (m) => `${m[3]}:${m[1]}${m[2] ? '(ignored)' : ''}`,
    );
    out.set(host, found);
  }
  return out;
}

describe('HTML run report in headless Chromium', () => {
  beforeAll(() => {
    if (existsSync(CHROMIUM)) return;
    if (!isRoot()) {
      skipReason = `${CHROMIUM} is missing and installing it (apt-get install -y chromium) needs root`;
      return;
    }
    try {
      execFileSync('apt-get', ['install', '-y', 'chromium'], {
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
        stdio: 'ignore',
        timeout: 540_000,
      });
    } catch (e) {
      skipReason = `apt-get install -y chromium failed: ${(e as Error).message}`;
    }
    if (!skipReason && !existsSync(CHROMIUM))
      skipReason = `${CHROMIUM} is still missing after apt-get install`;
  });

  it('renders the recap, one coloured bar per task and host, the diff and the failures', (ctx) => {
    if (skipReason) ctx.skip(skipReason);
    const path = writeReport();
    const { stdout: dom, stderr } = chromium(['--dump-dom'], pathToFileURL(path).href);
    expect(stderr).not.toMatch(/Uncaught|SyntaxError/);
    expect(dom).toContain(
      '<h1>tsible run report <span class="badge status-unreachable">unreachable</span></h1>',
    );

    const recap = [
      ...dom.matchAll(
        /<tr class="recap-row status-(\w+)" data-host="([^"]+)"><td class="host">[^<]*<\/td>((?:<td[^>]*>\d+<\/td>){7})/g,
      ),
    ];
    expect(recap.map((m) => [m[2], m[1], [...m[3]!.matchAll(/>(\d+)</g)].map((n) => Number(n[1]))])).toEqual([
      ['db1', 'changed', [3, 1, 0, 0, 0, 0, 0]],
      ['dead', 'unreachable', [0, 0, 1, 0, 0, 0, 0]],
      ['web1', 'changed', [5, 4, 0, 0, 1, 0, 0]],
      ['web2', 'failed', [4, 0, 0, 1, 0, 0, 1]],
    ]);

    expect(Object.fromEntries(bars(dom))).toEqual({
      dead: ['ping hosts:unreachable'],
      web1: [
        'ping hosts:ok',
        'web : render config:changed',
        'run migration:changed',
        'install packages:changed',
        'write secret:changed',
        'fail when broken:skipped',
      ],
      web2: [
        'ping hosts:ok',
        'web : render config:ok',
        'run migration:failed(ignored)',
        'install packages:ok',
        'write secret:failed',
      ],
      db1: ['include_tasks:ok', 'debug:ok', 'restart app:changed'],
    });

    expect(dom).toContain('<span class="d-head">--- before: /etc/app.conf</span>');
    expect(dom).toContain('<span class="d-del">-listen 80</span><span class="d-add">+listen 8080</span>');
    expect(dom).toContain(
      'Failed to connect to the host via ssh: ssh: connect to host 127.0.0.1 port 1: Connection refused',
    );
    expect(dom).toContain('non-zero return code\nerror: &lt;locked&gt; &amp; "busy"');
    expect(dom).toMatch(
      /<p class="msg censored">the output has been hidden due to the fact that 'no_log: true'/,
    );
    for (const s of SECRETS) expect(dom).not.toContain(s);
  });

  it('keeps hostile names as text: no element or script comes from the run', (ctx) => {
    if (skipReason) ctx.skip(skipReason);
    const evil = `<img src=x onerror="document.title='pwned'"><script>document.title='pwned'</script>`;
    const rec = new RunRecorder({ now: () => 0 });
    rec.playStart(evil);
    rec.taskStart(evil, {});
    rec.hostResult({
      host: evil,
      status: 'failed',
      result: { msg: evil },
      diff: [{ before: '', after: evil }],
    });
    rec.recap(
      new Map([[evil, { ok: 0, changed: 0, unreachable: 0, failed: 1, skipped: 0, rescued: 0, ignored: 0 }]]),
    );
    mkdirSync(OUT, { recursive: true });
    const path = join(OUT, 'hostile.html');
    writeFileSync(path, renderHtmlReport(rec.run));
    const { stdout: dom } = chromium(['--dump-dom'], pathToFileURL(path).href);
    expect(dom).toContain('<title>tsible run report</title>');
    expect(dom).not.toMatch(/<img\b/);
    expect(dom.match(/<script>/g)).toHaveLength(1);
    expect(dom).toContain('&lt;img src=x onerror="document.title=\'pwned\'"&gt;');
  });

  it('takes a readable 1200x900 screenshot', (ctx) => {
    if (skipReason) ctx.skip(skipReason);
    const path = writeReport();
    const png = join(OUT, 'run.png');
    rmSync(png, { force: true });
    chromium(
      [`--screenshot=${png}`, '--window-size=1200,900', '--hide-scrollbars'],
      pathToFileURL(path).href,
    );
    const buf = readFileSync(png);
    expect(buf.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(buf.toString('latin1', 12, 16)).toBe('IHDR');
    expect([buf.readUInt32BE(16), buf.readUInt32BE(20)]).toEqual([1200, 900]);
    // A blank page compresses to a few hundred bytes; text, tables and bars do not.
    expect(buf.length).toBeGreaterThan(20_000);
  });
});
