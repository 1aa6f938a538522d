// The HTML report as text: self-contained, everything escaped, one bar per task and host.
import { describe, expect, it } from 'vitest';
import { esc, HtmlReportCallback, renderHtmlReport } from '../../../src/output/html-report.js';
import { RunRecorder } from '../../../src/output/run-model.js';
import { FakeClock, replay } from './recorded-run.js';

function page(): string {
  let html = '';
  const clock = new FakeClock();
  replay(new HtmlReportCallback({ path: '', now: clock.now, write: (s) => (html += s) }), clock);
  return html;
}

describe('renderHtmlReport', () => {
  it('loads nothing from elsewhere', () => {
    const html = page();
    expect(html).not.toMatch(/\b(src|href)\s*=\s*"(https?:|\/\/|file:)/i);
    expect(html).not.toMatch(/<link\b|@import|url\(/i);
    expect(html.match(/<script>/g)).toHaveLength(1);
    expect(html.match(/<style>/g)).toHaveLength(1);
  });

  it('has a recap row per host, one bar per task and host, the diff and the failures', () => {
    const html = page();
    expect(html.match(/<tr class="recap-row /g)).toHaveLength(4);
    expect(html.match(/<a class="bar /g)).toHaveLength(15);
    expect(html.match(/class="bar status-failed ignored"/g)).toHaveLength(1);
    expect(html).toContain('<span class="d-add">+listen 8080</span>');
    expect(html).toContain('<span class="d-del">-listen 80</span>');
    expect(html).toContain('error: &lt;locked&gt; &amp; &quot;busy&quot;');
    expect(html.match(/<div class="card failure/g)).toHaveLength(3);
  });

  it('escapes hostile names and messages everywhere', () => {
    const clock = new FakeClock();
    const rec = new RunRecorder({ now: clock.now });
    const evil = `<img src=x onerror="alert(1)">'&`;
    rec.playbookStart(evil);
    rec.playStart(evil);
    rec.taskStart(evil, {});
    rec.hostResult({
      host: evil,
      status: 'failed',
      result: { msg: evil },
      diff: [{ before: evil, after: `${evil}\n</script><script>alert(2)</script>`, beforeHeader: evil }],
    });
    rec.warning(evil);
    rec.recap(
      new Map([[evil, { ok: 0, changed: 0, unreachable: 0, failed: 1, skipped: 0, rescued: 0, ignored: 0 }]]),
    );
    const html = renderHtmlReport(rec.run, { title: evil });
    expect(html).not.toContain('<img');
    expect(html).not.toContain('</script><script>');
    expect(html).toContain(esc(evil));
    expect(esc(`<a href="x">'&`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;');
  });

  it('copes with events that carry no timestamps or ids, and a run with no play', () => {
    const rec = new RunRecorder({ now: () => 1000 });
    rec.hostResult({ host: 'h', status: 'ok', result: { changed: false } });
    rec.close();
    const html = renderHtmlReport(rec.run);
    expect(html.match(/<a class="bar /g)).toHaveLength(1);
    expect(renderHtmlReport(new RunRecorder({ now: () => 0 }).run)).toContain('No play ran.');
  });
});
