// A hand-written SVG line plot (no dependencies): one line per series, log or linear axes.

export interface Series {
  name: string;
  color: string;
  /** [x, y]; points with y <= 0 on a log axis are dropped. */
  points: [number, number][];
  dashed?: boolean;
}

export interface PlotOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  logX?: boolean;
  logY?: boolean;
  width?: number;
  height?: number;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function fmt(v: number): string {
  if (v >= 1000) return `${Number((v / 1000).toPrecision(3))}k`;
  if (v >= 1) return String(Number(v.toPrecision(3)));
  return String(Number(v.toPrecision(2)));
}

/** Tick values: 1-2-5 per decade on a log axis, ~6 round steps on a linear one. */
function ticks(lo: number, hi: number, log: boolean): number[] {
  const out: number[] = [];
  if (log) {
    for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
      for (const m of [1, 2, 5]) {
        const v = m * 10 ** e;
        if (v >= lo * 0.999 && v <= hi * 1.001) out.push(v);
      }
    }
    return out;
  }
  const raw = (hi - lo) / 6;
  const mag = 10 ** Math.floor(Math.log10(raw || 1));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? mag;
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push(Number(v.toPrecision(12)));
  return out;
}

export function linePlot(o: PlotOptions): string {
  const W = o.width ?? 720;
  const H = o.height ?? 440;
  const m = { l: 70, r: 190, t: 40, b: 50 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const pts = o.series.flatMap((s) => s.points).filter(([x, y]) => (!o.logX || x > 0) && (!o.logY || y > 0));
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  let [x0, x1] = xs.length ? [Math.min(...xs), Math.max(...xs)] : [1, 10];
  let [y0, y1] = ys.length ? [Math.min(...ys), Math.max(...ys)] : [1, 10];
  if (o.logY) {
    y0 = 10 ** Math.floor(Math.log10(y0));
    y1 = 10 ** Math.ceil(Math.log10(y1));
  } else {
    y0 = Math.min(0, y0);
    y1 = y1 === y0 ? y0 + 1 : y1 * 1.05;
  }
  if (x1 === x0) {
    x0 = o.logX ? x0 / 2 : x0 - 1;
    x1 = o.logX ? x1 * 2 : x1 + 1;
  }
  const tx = (x: number): number =>
    m.l +
    (o.logX ? (Math.log10(x) - Math.log10(x0)) / (Math.log10(x1) - Math.log10(x0)) : (x - x0) / (x1 - x0)) *
      pw;
  const ty = (y: number): number =>
    m.t +
    ph -
    (o.logY ? (Math.log10(y) - Math.log10(y0)) / (Math.log10(y1) - Math.log10(y0)) : (y - y0) / (y1 - y0)) *
      ph;

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${m.l + pw / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(o.title)}</text>`,
  ];
  // Grid and tick labels. On a log x axis, label the data's x values (host counts) instead of 1-2-5.
  const xTicks = o.logX ? [...new Set(xs)].sort((a, b) => a - b) : ticks(x0, x1, false);
  for (const v of xTicks) {
    const x = tx(v).toFixed(1);
    out.push(`<line x1="${x}" y1="${m.t}" x2="${x}" y2="${m.t + ph}" stroke="#e4e4e4"/>`);
    out.push(`<text x="${x}" y="${m.t + ph + 18}" text-anchor="middle">${fmt(v)}</text>`);
  }
  for (const v of ticks(y0, y1, !!o.logY)) {
    const y = ty(v).toFixed(1);
    out.push(`<line x1="${m.l}" y1="${y}" x2="${m.l + pw}" y2="${y}" stroke="#e4e4e4"/>`);
    out.push(`<text x="${m.l - 8}" y="${y}" text-anchor="end" dominant-baseline="middle">${fmt(v)}</text>`);
  }
  out.push(`<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="#888"/>`);
  out.push(`<text x="${m.l + pw / 2}" y="${H - 12}" text-anchor="middle">${esc(o.xLabel)}</text>`);
  out.push(
    `<text transform="translate(18 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>`,
  );
  // Series.
  o.series.forEach((s, i) => {
    const p = s.points
      .filter(([x, y]) => (!o.logX || x > 0) && (!o.logY || y > 0))
      .sort((a, b) => a[0] - b[0]);
    if (p.length) {
      const d = p.map(([x, y], j) => `${j ? 'L' : 'M'}${tx(x).toFixed(1)},${ty(y).toFixed(1)}`).join(' ');
      out.push(
        `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      );
      for (const [x, y] of p) {
        out.push(
          `<circle cx="${tx(x).toFixed(1)}" cy="${ty(y).toFixed(1)}" r="3.5" fill="${s.color}"><title>${esc(s.name)}: ${fmt(y)} at ${fmt(x)}</title></circle>`,
        );
      }
    }
    const ly = m.t + 10 + i * 20;
    const lx = m.l + pw + 16;
    out.push(
      `<line x1="${lx}" y1="${ly}" x2="${lx + 24}" y2="${ly}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
    );
    out.push(`<text x="${lx + 30}" y="${ly}" dominant-baseline="middle">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
