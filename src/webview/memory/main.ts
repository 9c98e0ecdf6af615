/**
 * Memory panel (browser side): the host's place on the reclamation ladder, the VMs that balloon or
 * swap, overhead measured vs documented, and uPlot charts (stacked or lines) decimated to the plot
 * width (min/max per pixel), with synced cursor and zoom, legend toggles, theme colours, CSV and
 * PNG export, and live updates from the host.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import uPlot from 'uplot';
import uplotCss from 'uplot/dist/uPlot.min.css';
import { decimateMinMax, seriesToCsv } from '../../core/memory/decimate';
import type { ChartSpec, ColorToken, HostMemory, MemoryView, RangeName, VmMemory } from '../../core/memory/types';
import type { LadderStep } from '../../core/memory/state';
import { PanelClient } from '../shared/rpc';
import { adoptStyles, h, icon } from '../shared/dom';
import { t } from '../shared/l10n';

adoptStyles(uplotCss + css);
import type { MemoryPanelState, MemoryProtocol } from './protocol';
import { css } from './styles';


const client = new PanelClient<MemoryProtocol, MemoryPanelState>();
const app = document.getElementById('app')!;

let view: MemoryView | undefined;
let range: RangeName = 'realtime';
let live = true;
let zoom: [number, number] | undefined;
let error: string | undefined;
let flash: string | undefined;
const plots: Array<{ u: uPlot; spec: ChartSpec }> = [];
const hidden = new Map<string, Set<string>>();

const mb = (v: number | undefined, digits = 0) => (v === undefined ? '—' : `${v.toLocaleString(undefined, { maximumFractionDigits: digits, minimumFractionDigits: digits })} MB`);

// ---- colours from the theme ----
function cssVar(token: ColorToken | string, fallback: string): string {
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
function destroyPlots(): void {
  for (const p of plots) p.u.destroy();
  plots.length = 0;
}

let syncing = false;
function syncZoom(from: uPlot): void {
  if (syncing) return;
  const min = from.scales.x.min;
  const max = from.scales.x.max;
  if (min === undefined || max === undefined || min === null || max === null) return;
  const full = view?.span;
  zoom = full && min * 1000 <= full[0] + 1 && max * 1000 >= full[1] - 1 ? undefined : [min * 1000, max * 1000];
  syncing = true;
  for (const p of plots) if (p.u !== from) p.u.setScale('x', { min, max });
  syncing = false;
  updateZoomButton();
  scheduleDetail();
}

/** A zoomed window of a capture that was decimated before it was sent: ask the host for detail. */
let detailTimer: ReturnType<typeof setTimeout> | undefined;
function scheduleDetail(): void {
  if (!view || view.kind !== 'esxtop' || !view.charts.some((c) => c.decimated || zoom)) return;
  if (detailTimer) clearTimeout(detailTimer);
  detailTimer = setTimeout(() => void load(zoom), 250);
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

function renderChart(spec: ChartSpec, box: HTMLElement): void {
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

// ---- panels ----
function stateBadge(host: HostMemory): HTMLElement {
  const st = host.state ?? 'unknown';
  return h('span', { class: `state state-${st}`, 'data-state': st }, icon(st === 'high' ? 'pass' : st === 'soft' ? 'warning' : st === 'unknown' ? 'question' : 'error'), t(st));
}

function ladderPanel(v: MemoryView): HTMLElement | undefined {
  const host = v.host;
  if (!host) return undefined;
  const steps = host.ladder ?? [];
  const states = v.states;
  const rows = states.map((s) => h('tr', { class: host.state === s.state ? 'current' : '' },
    h('td', {}, host.state === s.state ? icon('arrow-right') : ''),
    h('td', {}, h('span', { class: `state state-${s.state}` }, t(s.state))),
    h('td', { class: 'num' }, s.state === 'high' ? `≥ ${s.thresholdPct}%` : `${s.thresholdPct}%`),
    h('td', {}, t(s.triggers))));
  return h('section', { class: 'card ladder', 'aria-label': t('Reclamation ladder') },
    h('h2', {}, icon('layers'), t('Reclamation ladder')),
    h('p', { class: 'muted' }, t('ESX reclaims memory in steps: page sharing always, the balloon driver under contention, VMkernel swap last.')),
    h('ol', { class: 'steps' }, ...steps.map((s) => h('li', { class: `step ${s.active ? 'active' : ''} ${s.seenOnly ? 'seen' : ''} ${s.next ? 'next' : ''}`, 'data-step': s.step },
      h('div', { class: 'step-head' }, icon(s.active ? 'circle-filled' : s.seenOnly ? 'eye' : s.next ? 'arrow-circle-right' : 'circle-outline'), h('strong', {}, t(s.title)),
        h('span', { class: 'tags' },
          s.active ? h('span', { class: 'tag', title: t('Triggered by this host\'s memory state now.') }, t('now')) : '',
          s.seenOnly ? seenTag(s) : '',
          !s.active && s.next ? h('span', { class: 'tag tag-next' }, t('next')) : '')),
      h('div', { class: 'muted step-detail' }, t(s.detail))))),
    h('div', { class: 'where' },
      h('span', {}, t('This host:'), ' '), stateBadge(host),
      host.freePct !== undefined ? h('span', { class: 'muted' }, t('{0}% free ({1})', host.freePct.toFixed(1), mb(host.freeMB))) : '',
      host.stateSource ? h('span', { class: 'muted' }, host.stateSource === 'counter' ? t('(from mem.state)') : t('(from free memory)')) : ''),
    h('table', { class: 'states' }, h('thead', {}, h('tr', {}, h('th', {}), h('th', {}, t('State')), h('th', {}, t('Free memory')), h('th', {}, t('What happens')))), h('tbody', {}, ...rows)));
}

/** "seen on N VMs": balloon or swap present although the host's state does not trigger it. */
function seenTag(s: LadderStep): HTMLElement {
  const n = s.seenOnVms ?? 0;
  const label = n === 0 ? t('seen on this host') : n === 1 ? t('seen on 1 VM') : t('seen on {0} VMs', String(n));
  const why = s.step === 'swap'
    ? t('Some VMs hold swapped memory although this host\'s state does not trigger swapping now: a VM memory limit (the VMkernel reclaims down to the limit whatever the host\'s free memory), or pages swapped during earlier contention that stay in the .vswp file until the guest touches them.')
    : t('Some VMs have an inflated balloon although this host\'s state does not trigger ballooning now: a VM memory limit, or a balloon left from earlier contention that deflates slowly.');
  return h('span', { class: 'tag tag-seen', title: why, 'data-seen': String(n) }, icon('info'), ' ', label);
}

function vmRow(v: VmMemory): HTMLElement {
  return h('tr', {},
    h('td', { title: v.name }, v.swapping ? icon('error', 'sev-error') : v.ballooning ? icon('warning', 'sev-warning') : icon('circle-outline', 'muted'), ' ', v.name),
    h('td', { class: 'num' }, mb(v.latest.balloon)), h('td', { class: 'num' }, mb(v.latest.swapped)),
    h('td', { class: 'num' }, mb(v.latest.active)), h('td', { class: 'num' }, mb(v.idleMB)));
}

function hostPanel(host: HostMemory): HTMLElement {
  const reclaiming = host.reclaiming;
  const head = h('thead', {}, h('tr', {}, h('th', {}, t('VM')), h('th', {}, t('Balloon')), h('th', {}, t('Swapped')), h('th', {}, t('Active')), h('th', { title: t('Idle (granted − active)') }, t('Idle'))));
  return h('section', { class: 'card vms' },
    h('h2', {}, icon('vm'), t('VMs reclaimed from')),
    h('div', { class: 'figures' },
      figure(t('Ballooning'), String(host.vms.filter((v) => v.ballooning).length)),
      figure(t('Swapping'), String(host.vms.filter((v) => v.swapping).length)),
      figure(t('Page sharing saves'), mb(host.sharingSavedMB)),
      figure(t('Free'), mb(host.freeMB))),
    reclaiming.length
      ? h('div', { class: 'table-scroll' }, h('table', { class: 'vm-table', 'data-list': 'reclaiming' }, head, h('tbody', {}, ...reclaiming.map(vmRow))))
      : h('p', { class: 'ok' }, icon('pass'), ' ', t('No VM is ballooning or swapping.')),
    host.likelyNext.length ? h('h3', {}, t('Likely next (most idle memory)')) : '',
    host.likelyNext.length ? h('div', { class: 'table-scroll' }, h('table', { class: 'vm-table', 'data-list': 'next' }, head.cloneNode(true), h('tbody', {}, ...host.likelyNext.map(vmRow)))) : '');
}

function figure(label: string, value: string): HTMLElement {
  return h('div', { class: 'figure' }, h('div', { class: 'figure-value' }, value), h('div', { class: 'figure-label muted' }, label));
}

function vmPanel(v: VmMemory): HTMLElement {
  const est = v.overhead.estimates;
  return h('section', { class: 'card vm' },
    h('h2', {}, icon('vm'), t('This VM')),
    h('div', { class: 'figures' },
      figure(t('Balloon'), mb(v.latest.balloon)), figure(t('Swapped'), mb(v.latest.swapped)),
      figure(t('Consumed'), mb(v.latest.consumed)), figure(t('Active'), mb(v.latest.active)), figure(t('Shared'), mb(v.latest.shared))),
    h('h3', {}, t('Overhead: measured vs documented')),
    h('table', { class: 'overhead' },
      h('tbody', {},
        h('tr', {}, h('td', {}, t('Measured (mem.overhead)')), h('td', { class: 'num' }, mb(v.overhead.measuredMB, 2)), h('td', {})),
        ...est.map((e) => h('tr', { 'data-table': e.table },
          h('td', {}, t('Estimate, vSphere {0} table', e.table)),
          h('td', { class: 'num' }, e.overheadMB === undefined ? t('unknown') : mb(e.overheadMB, 2)),
          h('td', { class: 'muted' }, e.note))))),
    !est.length ? h('p', { class: 'muted' }, t('No estimate: the VM\'s memory size or vCPU count is unknown.')) : '');
}

function toolbar(v: MemoryView): HTMLElement {
  const bar = h('div', { class: 'toolbar' });
  if (v.kind !== 'esxtop') {
    const sel = document.createElement('vscode-single-select') as HTMLElement & { value: string };
    sel.setAttribute('aria-label', t('Range'));
    for (const [val, label] of [['realtime', t('Real-time (1 hour, 20 s)')], ['day', t('Past day (5 min)')], ['week', t('Past week (30 min)')]] as const) {
      const o = document.createElement('vscode-option') as HTMLElement & { value: string };
      o.setAttribute('value', val);
      if (val === range) o.setAttribute('selected', '');
      o.textContent = label;
      sel.append(o);
    }
    sel.addEventListener('change', () => {
      range = sel.value as RangeName;
      zoom = undefined;
      void load();
    });
    bar.append(h('label', { class: 'muted' }, t('Range')), sel);
    const liveBtn = h('vscode-button', { secondary: true, id: 'live', title: live ? t('Pause live updates') : t('Resume live updates') }, icon(live ? 'debug-pause' : 'play'), ' ', live ? t('Live') : t('Paused'));
    liveBtn.addEventListener('click', async () => {
      live = (await client.request('setLive', { live: !live })).live;
      render();
    });
    bar.append(liveBtn);
  }
  const reset = h('vscode-button', { secondary: true, id: 'reset-zoom', disabled: !zoom }, icon('zoom-out'), ' ', t('Reset zoom'));
  reset.addEventListener('click', () => {
    zoom = undefined;
    if (view?.kind === 'esxtop') void load();
    else render();
  });
  const csv = h('vscode-button', { secondary: true, id: 'export-csv' }, icon('export'), ' ', t('Export CSV'));
  csv.addEventListener('click', () => void exportCsv());
  const png = h('vscode-button', { secondary: true, id: 'export-png' }, icon('file-media'), ' ', t('Export PNG'));
  png.addEventListener('click', () => void exportPng());
  bar.append(reset, csv, png, h('span', { class: 'muted updated' }, t('Updated {0}', new Date(v.updatedAt).toLocaleTimeString())));
  return bar;
}

function updateZoomButton(): void {
  const b = document.getElementById('reset-zoom');
  if (b) {
    if (zoom) b.removeAttribute('disabled');
    else b.setAttribute('disabled', '');
  }
}

function render(): void {
  destroyPlots();
  app.textContent = '';
  app.removeAttribute('aria-busy');
  if (error && !view) {
    app.append(h('p', { class: 'error' }, icon('error'), ' ', error), retryButton());
    return;
  }
  if (!view) {
    app.append(h('p', { class: 'muted' }, t('Loading…')));
    return;
  }
  const v = view;
  app.append(h('header', {},
    h('h1', {}, icon(v.kind === 'vm' ? 'vm' : v.kind === 'esxtop' ? 'table' : 'server'), v.title, v.host ? stateBadge(v.host) : ''),
    h('p', { class: 'muted subtitle' }, v.subtitle),
    toolbar(v)));
  if (error) app.append(h('p', { class: 'error' }, icon('error'), ' ', error));
  if (flash) app.append(h('p', { class: 'flash' }, icon('check'), ' ', flash));
  for (const n of v.notes) app.append(h('p', { class: 'muted note' }, icon('info'), ' ', n));
  // Charts on the left, the host's situation beside them (stacked on narrow panels).
  const side = h('aside', { class: 'side' });
  if (v.kind === 'vm' && v.vm) side.append(vmPanel(v.vm));
  if (v.kind !== 'vm' && v.host) side.append(hostPanel(v.host));
  const lad = ladderPanel(v);
  if (lad) side.append(lad);
  const charts = h('section', { class: 'charts' });
  app.append(h('div', { class: 'layout' }, charts, side));
  if (!v.charts.length) charts.append(h('p', { class: 'muted' }, t('No samples yet for this range. Real-time statistics need the host to be connected; historical ranges need vCenter statistics.')));
  for (const c of v.charts) {
    const box = h('div', { class: 'chart', 'data-chart': c.id });
    charts.append(h('div', { class: 'chart-card' }, h('h3', {}, t(c.title), c.decimated ? h('span', { class: 'muted small' }, ' ', t('(min/max per bucket)')) : ''), box));
    renderChart(c, box);
  }
  (window as unknown as { __memoryRendered?: number }).__memoryRendered = Date.now();
}

function retryButton(): HTMLElement {
  const b = h('vscode-button', {}, icon('refresh'), ' ', t('Retry'));
  b.addEventListener('click', () => void load());
  return b;
}

async function load(window?: [number, number]): Promise<void> {
  try {
    const v = await client.request('load', { range, window });
    view = v;
    error = undefined;
    if (v.range) range = v.range;
  } catch (e) {
    error = (e as Error).message;
  }
  render();
}

// ---- export ----
function allSeries(): { x: number[]; names: string[]; ys: Array<Array<number | null>> } {
  const times = new Set<number>();
  for (const c of view?.charts ?? []) for (const x of c.t) times.add(x);
  const x = [...times].sort((a, b) => a - b);
  const idx = new Map(x.map((v, i) => [v, i]));
  const names: string[] = [];
  const ys: Array<Array<number | null>> = [];
  for (const c of view?.charts ?? []) {
    for (const s of c.series) {
      if (s.label.includes('threshold')) continue;
      names.push(`${c.id}: ${s.label} (${c.unit})`);
      const col: Array<number | null> = new Array(x.length).fill(null);
      c.t.forEach((tm, i) => (col[idx.get(tm)!] = s.values[i]));
      ys.push(col);
    }
  }
  return { x, names, ys };
}

function baseName(): string {
  return (view?.title ?? 'memory').replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '') || 'memory';
}

async function exportCsv(): Promise<void> {
  const a = allSeries();
  const r = await client.request('exportCsv', { csv: seriesToCsv(a.x, a.names, a.ys), suggestedName: `${baseName()}-memory.csv` });
  flash = r.saved ? t('Saved {0}', r.path ?? '') : undefined;
  render();
}

/** One PNG of every chart with its title and legend, on the theme's background. */
function composePng(): string {
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

async function exportPng(): Promise<void> {
  const r = await client.request('exportPng', { dataUrl: composePng(), suggestedName: `${baseName()}-memory.png` });
  flash = r.saved ? t('Saved {0}', r.path ?? '') : undefined;
  render();
}

// ---- wiring ----
let resizeTimer: ReturnType<typeof setTimeout> | undefined;
new ResizeObserver(() => {
  if (resizeTimer) clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => view && render(), 150);
}).observe(document.body);
// Theme changes swap the body class and the CSS variables: redraw with the new colours.
new MutationObserver(() => view && render()).observe(document.body, { attributes: true, attributeFilter: ['class'] });

client.on('update', (v) => {
  view = v;
  error = undefined;
  render();
});

void client.initialized.then(async ({ state: s }) => {
  client.saveState(s);
  if (s.kind === 'live' && s.range) range = s.range;
  render();
  await load();
});
