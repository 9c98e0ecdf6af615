/**
 * The memory panel's charts (uPlot): theme colours, stacked series re-stacked when a layer is
 * hidden, min/max decimation to the plot width, one zoom and cursor shared by every chart, and the
 * PNG of them all. The zoom is reported to the store (a quiet change: the charts show it already).
 */
import uPlot from 'uplot';
import { decimateMinMax } from '../../core/memory/decimate';
import type { ChartSpec, ColorToken } from '../../core/memory/types';
import { t } from '../shared/l10n';
import { actions, store } from './state';

const plots: Array<{ u: uPlot; spec: ChartSpec }> = [];
/** Series the user hid, per chart (by label): kept across redraws. */
const hidden = new Map<string, Set<string>>();

// ---- colours from the theme ----
export function cssVar(token: ColorToken | string, fallback: string): string {
  const v = getComputedStyle(document.body).getPropertyValue(`--vscode-${token}`).trim();
  return v || fallback;
}
const FALLBACK: Record<ColorToken, string> = {
  'charts-blue': '#3794ff', 'charts-red': '#f14c4c', 'charts-yellow': '#cca700', 'charts-orange': '#d18616',
  'charts-green': '#89d185', 'charts-purple': '#b180d7', 'charts-foreground': '#cccccc', 'charts-lines': '#808080',
};
const color = (tk: ColorToken) => cssVar(tk, FALLBACK[tk]);
function withAlpha(c: string, a: number): string {
  const m = /^#([0-9a-f]{6})([0-9a-f]{2})?$/i.exec(c);
  if (m) {
    const n = parseInt(m[1], 16);
    return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${a})`;
  }
  const r = /^rgba?\(([^)]+)\)$/.exec(c);
  if (r) {
    const p = r[1].split(',').slice(0, 3).join(',');
    return `rgba(${p},${a})`;
  }
  return c;
}

// ---- charts ----
export function destroyPlots(): void {
  for (const p of plots) p.u.destroy();
  plots.length = 0;
}

let syncing = false;
function syncZoom(from: uPlot): void {
  if (syncing) return;
  const min = from.scales.x.min;
  const max = from.scales.x.max;
  if (min === undefined || max === undefined || min === null || max === null) return;
  const full = store.state.view?.span;
  actions.zoomed(full && min * 1000 <= full[0] + 1 && max * 1000 >= full[1] - 1 ? undefined : [min * 1000, max * 1000]);
  syncing = true;
  for (const p of plots) if (p.u !== from) p.u.setScale('x', { min, max });
  syncing = false;
  updateZoomButton();
  scheduleDetail();
}

/** A zoomed window of a capture that was decimated before it was sent: ask the host for detail. */
let detailTimer: ReturnType<typeof setTimeout> | undefined;
function scheduleDetail(): void {
  const { view, zoom } = store.state;
  if (!view || view.kind !== 'esxtop' || !view.charts.some((c) => c.decimated || zoom)) return;
  if (detailTimer) clearTimeout(detailTimer);
  detailTimer = setTimeout(() => void actions.load(store.state.zoom), 250);
}

/** The Reset zoom button follows the charts' zoom without a redraw. */
function updateZoomButton(): void {
  const b = document.getElementById('reset-zoom');
  if (b) {
    if (store.state.zoom) b.removeAttribute('disabled');
    else b.setAttribute('disabled', '');
  }
}

/** Tick labels of one axis in one unit: GB when the largest tick reaches 10 GB. */
function fmtTicks(vals: number[], unit: string): string[] {
  const top = Math.max(...vals.map((v) => Math.abs(v)));
  if (unit === 'MB' && top >= 10240) return vals.map((v) => `${(v / 1024).toLocaleString(undefined, { maximumFractionDigits: 1 })} GB`);
  return vals.map((v) => `${v.toLocaleString(undefined, { maximumFractionDigits: unit === 'MB/s' ? 2 : 0 })}${unit === 'MB/s' ? ' MB/s' : ' MB'}`);
}

function chartData(spec: ChartSpec, width: number): { data: uPlot.AlignedData; raw: Array<Array<number | null>> } {
  const d = decimateMinMax(spec.t, spec.series.map((s) => s.values), Math.max(50, Math.floor(width)));
  const x = d.x.map((v) => v / 1000);
  const raw = d.ys;
  const plotted: Array<Array<number | null>> = [];
  let acc: Array<number | null> | undefined;
  spec.series.forEach((s, i) => {
    const hiddenSet = hidden.get(spec.id);
    if (s.stack) {
      const off = hiddenSet?.has(s.label);
      const base: Array<number | null> = acc ?? raw[i].map(() => 0);
      const out = raw[i].map((v, j) => (v === null ? base[j] : (base[j] ?? 0) + (off ? 0 : v)));
      plotted.push(out);
      acc = out;
    } else plotted.push(raw[i]);
  });
  return { data: [x, ...plotted] as uPlot.AlignedData, raw };
}

export function renderChart(spec: ChartSpec, box: HTMLElement): void {
  const zoom = store.state.zoom;
  const width = Math.max(320, box.clientWidth - 4);
  const height = spec.id === 'host' || spec.id === 'vmStack' ? 220 : 180;
  const { data, raw } = chartData(spec, width);
  const fg = cssVar('foreground', '#cccccc');
  const grid = withAlpha(color('charts-lines'), 0.25);
  const stackIdx = spec.series.map((s, i) => (s.stack ? i + 1 : -1)).filter((i) => i > 0);
  const bands: uPlot.Band[] = [];
  for (let k = 1; k < stackIdx.length; k++) bands.push({ series: [stackIdx[k], stackIdx[k - 1]], fill: withAlpha(color(spec.series[stackIdx[k] - 1].color), 0.45) });
  const hiddenSet = hidden.get(spec.id) ?? new Set<string>();
  const opts: uPlot.Options = {
    width, height,
    scales: { x: { time: true, ...(zoom ? { min: zoom[0] / 1000, max: zoom[1] / 1000 } : {}) }, y: { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.08 : 1] } },
    axes: [
      { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, space: 80 },
      { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, size: 78, values: (_u, vals) => fmtTicks(vals, spec.unit) },
    ],
    series: [
      { label: t('Time'), value: (_u, v) => (v === null ? '—' : new Date(v * 1000).toLocaleString()) },
      ...spec.series.map((s, i): uPlot.Series => ({
        label: s.label,
        show: !hiddenSet.has(s.label),
        stroke: color(s.color),
        width: s.dash ? 1.25 : 1.75,
        dash: s.dash ? [6, 4] : undefined,
        fill: s.stack && stackIdx[0] === i + 1 ? withAlpha(color(s.color), 0.45) : undefined,
        spanGaps: false,
        points: { show: false },
        value: (_u, _v, _si, idx) => {
          const r = idx === null || idx === undefined ? null : raw[i][idx];
          return r === null || r === undefined ? '—' : `${r.toLocaleString(undefined, { maximumFractionDigits: 2 })} ${spec.unit}`;
        },
      })),
    ],
    bands,
    cursor: { sync: { key: 'memory' }, drag: { x: true, y: false, setScale: true } },
    legend: { live: true },
    hooks: {
      setScale: [(u, key) => { if (key === 'x') syncZoom(u); }],
      setSeries: [(u, si) => {
        if (si === null) return;
        const s = spec.series[si - 1];
        if (!s) return;
        const set = hidden.get(spec.id) ?? new Set<string>();
        if (u.series[si].show) set.delete(s.label);
        else set.add(s.label);
        hidden.set(spec.id, set);
        if (s.stack) {
          // Re-stack without the hidden layer.
          const d = chartData(spec, u.width);
          u.setData(d.data, false);
          u.redraw();
        }
      }],
    },
  };
  const u = new uPlot(opts, data, box);
  plots.push({ u, spec });
}


/** One PNG of every chart with its title and legend, on the theme's background. */
export function composePng(): string {
  const view = store.state.view;
  const pad = 16;
  const titleH = 22;
  const legendH = 20;
  const w = Math.max(...plots.map((p) => p.u.width), 400) + pad * 2;
  const hgt = plots.reduce((acc, p) => acc + p.u.height + titleH + legendH + pad, pad + 28);
  const dpr = window.devicePixelRatio || 1;
  const canvas = document.createElement('canvas');
  canvas.width = w * dpr;
  canvas.height = hgt * dpr;
  const ctx = canvas.getContext('2d')!;
  ctx.scale(dpr, dpr);
  ctx.fillStyle = cssVar('editor-background', '#1e1e1e');
  ctx.fillRect(0, 0, w, hgt);
  const fg = cssVar('foreground', '#cccccc');
  const font = getComputedStyle(document.body).fontFamily || 'sans-serif';
  ctx.fillStyle = fg;
  ctx.font = `600 16px ${font}`;
  ctx.fillText(`${view?.title ?? ''} — ${view?.subtitle ?? ''}`, pad, pad + 12);
  let y = pad + 28;
  for (const p of plots) {
    ctx.fillStyle = fg;
    ctx.font = `600 13px ${font}`;
    ctx.fillText(t(p.spec.title), pad, y + 14);
    y += titleH;
    const src = p.u.ctx.canvas;
    ctx.drawImage(src, pad, y, p.u.width, p.u.height);
    y += p.u.height + 4;
    let x = pad;
    ctx.font = `12px ${font}`;
    p.spec.series.forEach((s, i) => {
      if (!p.u.series[i + 1].show) return;
      ctx.fillStyle = color(s.color);
      ctx.fillRect(x, y + 3, 10, 10);
      ctx.fillStyle = fg;
      ctx.fillText(s.label, x + 14, y + 12);
      x += ctx.measureText(s.label).width + 30;
    });
    y += legendH + pad - 4;
  }
  return canvas.toDataURL('image/png');
}
