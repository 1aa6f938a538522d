// --report FILE: one self-contained HTML page (recap, per-host timeline, diffs, failures), readable offline.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RecapCounts, Status } from './events.js';
import { pyJsonIndent } from './pyjson.js';
import { CENSORED, displayResult, isoTime, seconds, unifiedDiffLines, visibleResult } from './result-view.js';
import {
  type HostTaskRecord,
  type PlayRecord,
  RunRecorder,
  type RecorderOptions,
  type RunRecord,
  type TaskRecord,
} from './run-model.js';

/** Escape for HTML text and double-quoted attribute values. */
export function esc(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const STATUSES: Status[] = ['ok', 'changed', 'failed', 'skipped', 'unreachable'];
const RECAP_KEYS: (keyof RecapCounts)[] = [
  'ok',
  'changed',
  'unreachable',
  'failed',
  'skipped',
  'rescued',
  'ignored',
];

const CSS = `
:root{--ok:#2f9e44;--changed:#e8a100;--failed:#d9363e;--skipped:#4ba3c3;--unreachable:#862e9c;
--fg:#1f2328;--muted:#656d76;--line:#d0d7de;--bg:#fff;--soft:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
header{padding:18px 28px 10px;border-bottom:1px solid var(--line);background:var(--soft)}
h1{margin:0 0 4px;font-size:22px}
h2{font-size:18px;margin:0 0 10px;padding-bottom:4px;border-bottom:1px solid var(--line)}
h3{font-size:14px;margin:14px 0 6px}
main{padding:8px 28px 28px;max-width:1400px}
section{margin-top:22px}
.meta{color:var(--muted);margin:0}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-weight:600;font-size:12px;vertical-align:middle}
.badge.status-ok{background:var(--ok)}.badge.status-failed{background:var(--failed)}.badge.status-unreachable{background:var(--unreachable)}
nav{margin-top:8px}nav a{margin-right:14px;color:#0969da;text-decoration:none}nav a:hover{text-decoration:underline}
.filter{margin-left:8px;padding:3px 8px;border:1px solid var(--line);border-radius:6px;font:inherit}
table.recap{border-collapse:collapse;min-width:640px}
.recap th,.recap td{padding:4px 12px;border-bottom:1px solid var(--line);text-align:right}
.recap th:first-child,.recap td:first-child{text-align:left}
.recap thead th{background:var(--soft);font-weight:600}
.recap td.zero{color:#aab1b8}
.recap td.host{font-weight:600}
.recap tr.status-failed td.host,.recap tr.status-unreachable td.host{color:var(--failed)}
.recap tr.status-changed td.host{color:#9a6700}.recap tr.status-ok td.host{color:var(--ok)}
.recap td.nz.c-skipped{color:#1b7c99}.recap td.nz.c-rescued,.recap td.nz.c-ignored{color:#8250df}
.recap td.nz.c-ok{color:var(--ok)}.recap td.nz.c-changed{color:#9a6700}.recap td.nz.c-failed,.recap td.nz.c-unreachable{color:var(--failed);font-weight:600}
.legend{display:flex;gap:14px;flex-wrap:wrap;color:var(--muted);font-size:12px;margin-bottom:6px}
.legend span::before{content:"";display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:4px;vertical-align:-2px;background:var(--c)}
.play{margin:10px 0 18px}
.play h3 .dur{color:var(--muted);font-weight:400}
.tl{border:1px solid var(--line);border-radius:6px;overflow:hidden}
.tl-row{display:flex;align-items:center;border-top:1px solid var(--line);min-height:26px}
.tl-row:first-child{border-top:0}
.tl-host{flex:0 0 170px;padding:0 10px;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;background:var(--soft);align-self:stretch;display:flex;align-items:center;border-right:1px solid var(--line)}
.tl-track{position:relative;flex:1;height:26px;margin:0 8px}
.tl-axis .tl-track{height:20px}
.tick{position:absolute;top:3px;font-size:11px;color:var(--muted);transform:translateX(-50%)}
.tick:first-child{transform:none}.tick:last-child{transform:translateX(-100%)}
.bar{position:absolute;top:5px;height:16px;min-width:3px;border-radius:3px;background:var(--c);color:#fff;font-size:10px;line-height:16px;padding:0 3px;overflow:hidden;white-space:nowrap;text-overflow:ellipsis;text-decoration:none;box-shadow:inset -1px 0 0 rgba(255,255,255,.7)}
.bar{text-shadow:0 0 2px rgba(0,0,0,.55)}
.bar:hover{outline:2px solid var(--fg);z-index:2}
.status-ok{--c:var(--ok)}.status-changed{--c:var(--changed)}.status-failed{--c:var(--failed)}
.status-skipped{--c:var(--skipped)}.status-unreachable{--c:var(--unreachable)}
.bar.ignored,.legend .lg-ignored::before{background:repeating-linear-gradient(45deg,var(--failed) 0 4px,#f08c91 4px 8px)}
.slow td{padding:2px 10px 2px 0}.slow td.t{text-align:right;font-variant-numeric:tabular-nums}
.card{border:1px solid var(--line);border-radius:6px;margin:10px 0;overflow:hidden}
.card h3{margin:0;padding:6px 10px;background:var(--soft);border-bottom:1px solid var(--line);font-size:13px}
.card h3 .where{color:var(--muted);font-weight:400}
pre{margin:0;padding:8px 10px;font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow:auto;white-space:pre-wrap;word-break:break-word}
pre.diff span{display:block}
.d-add{background:#dafbe1;color:#116329}.d-del{background:#ffebe9;color:#a40e26}.d-hunk{color:#0550ae;background:#ddf4ff}.d-head{color:var(--muted);font-weight:600}
.failure .msg{padding:8px 10px;color:var(--failed);font-weight:600;white-space:pre-wrap;word-break:break-word;margin:0}
.failure.ignored .msg{color:#9a6700}
.failure details{border-top:1px solid var(--line)}.failure summary{cursor:pointer;padding:4px 10px;color:var(--muted)}
.tag{font-size:11px;font-weight:600;border-radius:8px;padding:0 6px;margin-left:6px;color:#fff;background:var(--c)}
.censored{color:var(--muted);font-style:italic}
.none{color:var(--muted)}
ul.warnings{padding-left:18px}ul.warnings li{color:#9a6700;white-space:pre-wrap}
footer{color:var(--muted);font-size:12px;padding:10px 28px 24px}
[hidden]{display:none!important}
`;

// Filters hosts in the recap and timeline; no user data is embedded in the script.
const JS = `
(function(){var f=document.getElementById('host-filter');if(!f)return;
f.addEventListener('input',function(){var q=f.value.toLowerCase();
document.querySelectorAll('[data-host]').forEach(function(el){
el.hidden=q!==''&&el.getAttribute('data-host').toLowerCase().indexOf(q)<0;});});})();
`;

/** `2026-11-22 06:00:00 UTC` */
function utc(ms: number): string {
  return isoTime(ms).slice(0, 19).replace('T', ' ') + ' UTC';
}

interface Entry {
  play: PlayRecord;
  playIndex: number;
  task: TaskRecord;
  rec: HostTaskRecord;
  anchor: string;
}

function entries(run: RunRecord): Entry[] {
  const out: Entry[] = [];
  let n = 0;
  run.plays.forEach((play, playIndex) => {
    for (const task of play.tasks) {
      for (const h of task.order)
        out.push({ play, playIndex, task, rec: task.hosts.get(h)!, anchor: `r${++n}` });
    }
  });
  return out;
}

function overallStatus(run: RunRecord): Status {
  const counts = [...(run.recap?.values() ?? [])];
  if (counts.some((c) => c.unreachable > 0)) return 'unreachable';
  if (counts.some((c) => c.failed > 0)) return 'failed';
  return 'ok';
}

function hostStatus(c: RecapCounts): Status {
  if (c.unreachable > 0) return 'unreachable';
  if (c.failed > 0) return 'failed';
  if (c.changed > 0) return 'changed';
  return 'ok';
}

function recapSection(run: RunRecord): string {
  const counts = run.recap ?? new Map<string, RecapCounts>();
  const rows = [...counts.keys()].sort().map((h) => {
    const c = counts.get(h)!;
    const cells = RECAP_KEYS.map((k) => `<td class="c-${k} ${c[k] > 0 ? 'nz' : 'zero'}">${c[k]}</td>`).join(
      '',
    );
    return `<tr class="recap-row status-${hostStatus(c)}" data-host="${esc(h)}"><td class="host">${esc(h)}</td>${cells}</tr>`;
  });
  const body =
    rows.length > 0 ? rows.join('\n') : `<tr><td colspan="8" class="none">No host was run.</td></tr>`;
  return `<section id="recap"><h2>Play recap</h2>
<table class="recap"><thead><tr><th>Host</th>${RECAP_KEYS.map((k) => `<th>${k}</th>`).join('')}</tr></thead>
<tbody>
${body}
</tbody></table></section>`;
}

function barClass(rec: HostTaskRecord): string {
  return `bar status-${rec.status}${rec.ignored ? ' ignored' : ''}${rec.included !== undefined ? ' included' : ''}`;
}

function timelineSection(run: RunRecord, all: Entry[], linked: Set<string>): string {
  const legend =
    STATUSES.map((s) => `<span class="status-${s}">${s}</span>`).join('') +
    '<span class="lg-ignored">ignored failure</span>';
  const plays = run.plays.map((play, pi) => {
    const mine = all.filter((e) => e.playIndex === pi);
    const t0 = play.startedAt;
    const t1 = Math.max(play.endedAt ?? t0, ...mine.map((e) => e.rec.endedAt), t0 + 1);
    const span = t1 - t0;
    const hosts: string[] = [];
    for (const e of mine) if (!hosts.includes(e.rec.host)) hosts.push(e.rec.host);
    const pct = (ms: number): string => `${Math.min(100, Math.max(0, (ms / span) * 100)).toFixed(3)}%`;
    const ticks = [0, 0.25, 0.5, 0.75, 1]
      .map((f) => `<span class="tick" style="left:${(f * 100).toFixed(0)}%">${seconds(span * f)}</span>`)
      .join('');
    const rows = hosts.map((h) => {
      const bars = mine
        .filter((e) => e.rec.host === h)
        .map((e) => {
          const r = e.rec;
          const tip = `${r.host} · ${e.task.title} · ${r.status}${r.ignored ? ' (ignored)' : ''} · ${seconds(r.endedAt - r.startedAt)}`;
          const href = linked.has(e.anchor) ? ` href="#${e.anchor}"` : '';
          return `<a class="${barClass(r)}" data-task="${esc(e.task.title)}" style="left:${pct(r.startedAt - t0)};width:${pct(r.endedAt - r.startedAt)}" title="${esc(tip)}"${href}>${esc(e.task.title)}</a>`;
        })
        .join('');
      return `<div class="tl-row" data-host="${esc(h)}"><div class="tl-host" title="${esc(h)}">${esc(h)}</div><div class="tl-track">${bars}</div></div>`;
    });
    const body =
      rows.length > 0
        ? `<div class="tl"><div class="tl-row tl-axis"><div class="tl-host">host \\ time</div><div class="tl-track">${ticks}</div></div>\n${rows.join('\n')}</div>`
        : `<p class="none">No task ran in this play.</p>`;
    const name = play.name ? `PLAY [${play.name}]` : 'PLAY';
    return `<div class="play"><h3>${esc(name)} <span class="dur">${seconds(span)} · ${play.tasks.length} task(s)</span></h3>\n${body}</div>`;
  });
  return `<section id="timeline"><h2>Timeline</h2><div class="legend">${legend}</div>
${plays.join('\n') || '<p class="none">No play ran.</p>'}</section>`;
}

function slowestSection(run: RunRecord): string {
  const tasks = run.plays.flatMap((p) =>
    p.tasks.map((t) => ({ play: p.name, title: t.title, ms: (t.endedAt ?? t.startedAt) - t.startedAt })),
  );
  tasks.sort((a, b) => b.ms - a.ms);
  const rows = tasks
    .slice(0, 10)
    .map(
      (t) =>
        `<tr><td class="t">${seconds(t.ms)}</td><td>${esc(t.title)}</td><td class="none">${esc(t.play)}</td></tr>`,
    );
  if (rows.length === 0) return '';
  return `<section id="slowest"><h2>Slowest tasks</h2><table class="slow">${rows.join('\n')}</table></section>`;
}

function diffLineClass(l: string): string {
  if (l.startsWith('--- ') || l.startsWith('+++ ')) return 'd-head';
  if (l.startsWith('+')) return 'd-add';
  if (l.startsWith('-')) return 'd-del';
  if (l.startsWith('@@')) return 'd-hunk';
  return 'd-ctx';
}

function where(e: Entry): string {
  return `<span class="where">${esc(e.play.name ? `PLAY [${e.play.name}]` : 'PLAY')}</span>`;
}

function diffsSection(all: Entry[], linked: Set<string>): string {
  const cards: string[] = [];
  for (const e of all) {
    const blocks = e.rec.diffs.map((d) => unifiedDiffLines(d)).filter((l) => l.length > 0);
    if (blocks.length === 0) continue;
    linked.add(e.anchor);
    const pres = blocks
      .map(
        (lines) =>
          `<pre class="diff">${lines.map((l) => `<span class="${diffLineClass(l)}">${esc(l)}</span>`).join('')}</pre>`,
      )
      .join('');
    cards.push(
      `<div class="card diff-card" id="${e.anchor}" data-host="${esc(e.rec.host)}"><h3>[${esc(e.rec.host)}] ${esc(e.task.title)} ${where(e)}</h3>${pres}</div>`,
    );
  }
  return `<section id="diffs"><h2>Diffs (${cards.length})</h2>
${cards.join('\n') || '<p class="none">No file was changed with a diff.</p>'}</section>`;
}

function failureMessage(e: Entry): string {
  const rec = e.rec;
  if (rec.noLog) return CENSORED;
  const res = visibleResult(rec.event);
  const parts: string[] = [];
  if (typeof res.msg === 'string' && res.msg !== '') parts.push(res.msg);
  for (const i of rec.items) {
    if (i.status === 'failed' || i.status === 'unreachable') {
      parts.push(`(item=${i.label ?? ''}) ${typeof i.result.msg === 'string' ? i.result.msg : 'failed'}`);
    }
  }
  if (typeof res.stderr === 'string' && res.stderr.trim() !== '') parts.push(res.stderr.trimEnd());
  if (parts.length === 0 && res.rc !== undefined) parts.push(`rc=${String(res.rc)}`);
  return parts.join('\n') || rec.status;
}

function failuresSection(all: Entry[], linked: Set<string>): string {
  const cards: string[] = [];
  for (const e of all) {
    const r = e.rec;
    if (r.status !== 'failed' && r.status !== 'unreachable') continue;
    linked.add(e.anchor);
    const detail = pyJsonIndent(displayResult(visibleResult(r.event), { verbosity: 0, debug: false }));
    const tag = `<span class="tag status-${r.status}">${r.status}${r.ignored ? ', ignored' : ''}</span>`;
    const msgClass = r.noLog ? 'msg censored' : 'msg';
    cards.push(
      `<div class="card failure${r.ignored ? ' ignored' : ''}" id="${e.anchor}" data-host="${esc(r.host)}"><h3>[${esc(r.host)}] ${esc(e.task.title)} ${tag} ${where(e)}</h3>` +
        `<p class="${msgClass}">${esc(failureMessage(e))}</p><details><summary>Result</summary><pre>${esc(detail)}</pre></details></div>`,
    );
  }
  return `<section id="failures"><h2>Failures (${cards.length})</h2>
${cards.join('\n') || '<p class="none">Nothing failed.</p>'}</section>`;
}

function warningsSection(run: RunRecord): string {
  if (run.warnings.length === 0) return '';
  return `<section id="warnings"><h2>Warnings (${run.warnings.length})</h2><ul class="warnings">${run.warnings
    .map((w) => `<li>${esc(w)}</li>`)
    .join('')}</ul></section>`;
}

export interface HtmlReportOptions {
  title?: string;
}

/** The report page for a recorded run. Everything from the run is escaped; nothing is loaded from elsewhere. */
export function renderHtmlReport(run: RunRecord, opts: HtmlReportOptions = {}): string {
  const title = opts.title ?? 'tsible run report';
  const all = entries(run);
  const linked = new Set<string>();
  // Diffs and failures decide which bars link somewhere, so they are rendered before the timeline.
  const diffs = diffsSection(all, linked);
  const failures = failuresSection(all, linked);
  const status = overallStatus(run);
  const end = run.endedAt ?? run.startedAt;
  const books = run.playbooks.map((p) => esc(p)).join(', ');
  const nFail = all.filter((e) => e.rec.status === 'failed' || e.rec.status === 'unreachable').length;
  const nDiff = all.filter((e) => e.rec.diffs.length > 0).length;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${esc(title)} <span class="badge status-${status}">${status === 'ok' ? 'success' : status}</span></h1>
<p class="meta">${books ? `${books} · ` : ''}started ${esc(utc(run.startedAt))} · ${seconds(end - run.startedAt)} · ${run.plays.length} play(s)</p>
<nav><a href="#recap">Recap</a><a href="#timeline">Timeline</a><a href="#diffs">Diffs (${nDiff})</a><a href="#failures">Failures (${nFail})</a>${
    run.warnings.length ? `<a href="#warnings">Warnings (${run.warnings.length})</a>` : ''
  }<label>Filter hosts <input id="host-filter" class="filter" type="search" placeholder="host name"></label></nav>
</header>
<main>
${recapSection(run)}
${timelineSection(run, all, linked)}
${slowestSection(run)}
${failures}
${diffs}
${warningsSection(run)}
</main>
<footer>Generated by tsible on ${esc(utc(end))}. Results of no_log tasks are censored.</footer>
<script>${JS}</script>
</body>
</html>
`;
}

export interface HtmlReportCallbackOptions extends RecorderOptions, HtmlReportOptions {
  /** The HTML file, written (replaced) at close(). */
  path: string;
  /** Receives the page instead of the file (tests). */
  write?: (html: string) => void;
}

export class HtmlReportCallback extends RunRecorder {
  private done = false;

  constructor(private readonly opts: HtmlReportCallbackOptions) {
    super(opts);
  }

  render(): string {
    return renderHtmlReport(this.run, this.opts);
  }

  override close(): void {
    super.close();
    if (this.done) return;
    this.done = true;
    const html = this.render();
    if (this.opts.write) this.opts.write(html);
    else {
      mkdirSync(dirname(this.opts.path), { recursive: true });
      writeFileSync(this.opts.path, html);
    }
  }
}
