/**
 * What the memory panel shows, built from the model and series: charts (stacked or lines, one
 * timeline each), the host's state on the reclamation ladder, the VMs that reclaim, the overhead
 * comparison. Pure data (JSON-safe), shared by the VS Code panel host and the benchmark.
 */
import type { EntitySeries, MetricKey, RangeName } from './counters';
import { METRIC_BY_KEY } from './counters';
import { decimateMinMax } from './decimate';
import type { EsxtopCapture, EsxtopEntity } from './esxtop';
import { entitySeries } from './esxtop';
import { hostMemory, vmMemory, type Basis } from './model';
import { stateModel, thresholdsMB, type MemoryState } from './state';
import { KNOWN_GENERATIONS, type Generation } from '../vsphere/generation';

export type { ChartSeries, ChartSpec, ColorToken, MemoryView, StateRow } from './types';
import type { ChartSeries, ChartSpec, ColorToken, MemoryView, StateRow } from './types';

export const PALETTE: ColorToken[] = ['charts-blue', 'charts-orange', 'charts-green', 'charts-purple', 'charts-yellow', 'charts-red'];

/** Most samples per series sent to the webview; longer series are min/max decimated to this. */
export const MAX_POINTS = 6000;

function fit(chart: ChartSpec, window?: [number, number]): ChartSpec {
  let { t } = chart;
  let series = chart.series;
  if (window) {
    let a = 0;
    while (a < t.length && t[a] < window[0]) a++;
    let b = t.length;
    while (b > a && t[b - 1] > window[1]) b--;
    t = t.slice(a, b);
    series = series.map((s) => ({ ...s, values: s.values.slice(a, b) }));
  }
  if (t.length <= MAX_POINTS) return { ...chart, t, series };
  const d = decimateMinMax(t, series.map((s) => s.values), MAX_POINTS / 2);
  return { ...chart, t: d.x, series: series.map((s, i) => ({ ...s, values: d.ys[i] })), decimated: true };
}

const label = (k: MetricKey) => METRIC_BY_KEY.get(k)?.label ?? k;

function lineSeries(s: EntitySeries | undefined, keys: Array<[MetricKey, ColorToken, boolean?]>, stack = false): ChartSeries[] {
  const out: ChartSeries[] = [];
  if (!s) return out;
  for (const [k, color, dash] of keys) {
    const v = s.values[k];
    if (v && v.some((x) => x !== null)) out.push({ label: label(k), values: v, color, stack, dash });
  }
  return out;
}

/** Puts series of several entities on one timeline (union of times). */
export function alignOn(entries: Array<{ s: EntitySeries | undefined; key: MetricKey }>): { t: number[]; values: Array<Array<number | null>> } {
  const times = new Set<number>();
  for (const e of entries) if (e.s) for (const t of e.s.t) times.add(t);
  const t = [...times].sort((a, b) => a - b);
  const index = new Map(t.map((x, i) => [x, i]));
  const values = entries.map((e) => {
    const out: Array<number | null> = new Array(t.length).fill(null);
    const v = e.s?.values[e.key];
    if (e.s && v) for (let i = 0; i < e.s.t.length; i++) out[index.get(e.s.t[i])!] = v[i];
    return out;
  });
  return { t, values };
}

/** The biggest N entities (by peak of `key`) as their own series, the rest summed as "other VMs". */
function perVmChart(id: string, title: string, key: MetricKey, vms: Array<{ name: string; s: EntitySeries | undefined }>, top = 8): ChartSpec | undefined {
  const peak = (s: EntitySeries | undefined) => Math.max(0, ...((s?.values[key] ?? []).filter((v): v is number => v !== null)));
  const ranked = vms.map((v) => ({ ...v, peak: peak(v.s) })).filter((v) => v.peak > 0).sort((a, b) => b.peak - a.peak);
  if (!ranked.length) return undefined;
  const shown = ranked.slice(0, top);
  const rest = ranked.slice(top);
  const { t, values } = alignOn([...shown, ...rest].map((v) => ({ s: v.s, key })));
  const series: ChartSeries[] = shown.map((v, i) => ({ label: v.name, values: values[i], color: PALETTE[i % PALETTE.length], stack: true }));
  if (rest.length) {
    const sum = t.map((_, j) => {
      let acc: number | null = null;
      for (let r = shown.length; r < values.length; r++) if (values[r][j] !== null) acc = (acc ?? 0) + values[r][j]!;
      return acc;
    });
    series.push({ label: `${rest.length} other VMs`, values: sum, color: 'charts-foreground', stack: true });
  }
  return { id, title, unit: 'MB', t, series };
}

export interface LiveVm {
  id: string;
  name: string;
  memoryMB?: number;
  numCpu?: number;
  series?: EntitySeries;
}

export interface LiveHost {
  id: string;
  name: string;
  totalMB?: number;
  series?: EntitySeries;
  vms: LiveVm[];
  /** The host's generation (its state table); none: the 4.x table. */
  generation?: Generation;
  /** The host's Mem.ShareForceSalting, when read. */
  shareForceSalting?: number;
}


const THRESHOLD_COLOR: Record<MemoryState, ColorToken> = { high: 'charts-yellow', clear: 'charts-blue', soft: 'charts-orange', hard: 'charts-red', low: 'charts-purple' };

function stateRows(generation: Generation | undefined, totalMB: number | undefined): StateRow[] {
  const model = stateModel(generation);
  const th = totalMB ? thresholdsMB(model, totalMB) : undefined;
  return model.states.map((s, i) => ({ ...s, ...(th && totalMB ? { thresholdMB: th[i].mb, thresholdPct: (th[i].mb / totalMB) * 100 } : {}) }));
}

function stateTable(generation: Generation | undefined): MemoryView['stateTable'] {
  const m = stateModel(generation);
  return { label: m.label, minFreeRule: m.minFreeRule, sources: m.sources, notes: m.notes };
}

function hostCharts(h: LiveHost, vms: LiveVm[]): ChartSpec[] {
  const charts: ChartSpec[] = [];
  const s = h.series;
  if (s) {
    const stacked = lineSeries(s, [['consumed', 'charts-blue'], ['free', 'charts-green']], true);
    if (stacked.length) charts.push({ id: 'host', title: 'Host memory: consumed + free (stacked)', unit: 'MB', t: s.t, series: stacked });
    const free = lineSeries(s, [['free', 'charts-green']]);
    if (free.length && h.totalMB) {
      for (const [i, st] of stateRows(h.generation, h.totalMB).entries()) {
        // The top state (high) spans everything above the next threshold; its own line is where minFree
        // (4.x/5.x) or 400 % of it (6.0+: large pages broken below it) lies, not where high begins.
        const mbText = `${Math.round(st.thresholdMB!)} MB`;
        free.push({
          label: i === 0 ? `${st.state} ${mbText} = ${st.pctOfMinFree} % of minFree` : `${st.state} < ${mbText}`,
          values: s.t.map(() => st.thresholdMB!),
          color: THRESHOLD_COLOR[st.state], dash: true,
        });
      }
      charts.push({ id: 'hostFree', title: 'Free memory and the state thresholds', unit: 'MB', t: s.t, series: free });
    }
    const rec = lineSeries(s, [['shared', 'charts-blue'], ['sharedCommon', 'charts-purple'], ['sharedSaved', 'charts-green'], ['balloon', 'charts-orange'], ['swapped', 'charts-red'], ['compressed', 'charts-yellow']]);
    if (rec.length) charts.push({ id: 'hostReclaim', title: 'Page sharing, balloon and swap on the host', unit: 'MB', t: s.t, series: rec });
  }
  const named = vms.map((v) => ({ name: v.name, s: v.series }));
  const b = perVmChart('vmBalloon', 'Balloon per VM (stacked)', 'balloon', named);
  if (b) charts.push(b);
  const w = perVmChart('vmSwapped', 'Swapped per VM (stacked)', 'swapped', named);
  if (w) charts.push(w);
  return charts;
}

function vmCharts(v: LiveVm): ChartSpec[] {
  const s = v.series;
  if (!s) return [];
  const charts: ChartSpec[] = [];
  const stack = lineSeries(s, [['consumed', 'charts-blue'], ['balloon', 'charts-orange'], ['swapped', 'charts-red'], ['compressed', 'charts-purple']], true);
  if (stack.length) charts.push({ id: 'vmStack', title: 'Where the VM\'s memory is: consumed, ballooned, swapped, compressed (stacked)', unit: 'MB', t: s.t, series: stack });
  const lines = lineSeries(s, [['granted', 'charts-foreground'], ['active', 'charts-green'], ['shared', 'charts-blue'], ['zero', 'charts-purple'], ['overhead', 'charts-yellow'], ['balloonTarget', 'charts-orange', true], ['swapTarget', 'charts-red', true]]);
  if (lines.length) charts.push({ id: 'vmUsage', title: 'Granted, active, shared, zero, overhead, targets', unit: 'MB', t: s.t, series: lines });
  const rates = lineSeries(s, [['swapInRate', 'charts-green'], ['swapOutRate', 'charts-red']]);
  if (rates.length) charts.push({ id: 'vmRates', title: 'Swap in / out rate', unit: 'MB/s', t: s.t, series: rates });
  return charts;
}

function spanOf(charts: ChartSpec[]): [number, number] | undefined {
  let a = Infinity;
  let b = -Infinity;
  for (const c of charts) if (c.t.length) { a = Math.min(a, c.t[0]); b = Math.max(b, c.t[c.t.length - 1]); }
  return a <= b ? [a, b] : undefined;
}

/** "1 VM", "3 VMs". */
function vmCount(n: number): string {
  return `${n} VM${n === 1 ? '' : 's'}`;
}

export function hostView(h: LiveHost, opts: { range?: RangeName; notes?: string[]; window?: [number, number]; now?: number; title?: string; subtitle?: string; kind?: 'host' | 'esxtop'; basis?: Basis } = {}): MemoryView {
  const vms = h.vms.map((v) => vmMemory(v.id, v.name, v.series, v, opts.basis));
  const model = hostMemory(h.id, h.name, h.series, vms, h.totalMB, opts.basis, { generation: h.generation, shareForceSalting: h.shareForceSalting });
  const charts = hostCharts(h, h.vms);
  return {
    kind: opts.kind ?? 'host', title: opts.title ?? h.name,
    subtitle: opts.subtitle ?? `${vmCount(h.vms.length)}${h.totalMB ? ` · ${Math.round(h.totalMB)} MB` : ''}`,
    range: opts.range, charts: charts.map((c) => fit(c, opts.window)), host: model,
    states: stateRows(h.generation, h.totalMB), stateTable: stateTable(h.generation), notes: opts.notes ?? [],
    span: spanOf(charts), updatedAt: opts.now ?? Date.now(),
  };
}

export function vmView(v: LiveVm, host: LiveHost | undefined, opts: { range?: RangeName; notes?: string[]; window?: [number, number]; now?: number } = {}): MemoryView {
  const model = vmMemory(v.id, v.name, v.series, v);
  const hm = host ? hostMemory(host.id, host.name, host.series, [model], host.totalMB, 'latest', { generation: host.generation, shareForceSalting: host.shareForceSalting }) : undefined;
  const charts = vmCharts(v);
  return {
    kind: 'vm', title: v.name,
    subtitle: [v.memoryMB ? `${v.memoryMB} MB` : '', v.numCpu ? `${v.numCpu} vCPU` : '', host ? `on ${host.name}` : ''].filter(Boolean).join(' · '),
    range: opts.range, charts: charts.map((c) => fit(c, opts.window)), vm: model, host: hm,
    states: stateRows(host?.generation, host?.totalMB), stateTable: stateTable(host?.generation), notes: opts.notes ?? [],
    span: spanOf(charts), updatedAt: opts.now ?? Date.now(),
  };
}

/** An esxtop capture as a host view (host + every VM in it). */
export function esxtopView(cap: EsxtopCapture, fileName: string, opts: { window?: [number, number]; now?: number; generation?: Generation } = {}): MemoryView {
  const toLive = (e: EsxtopEntity): EntitySeries => entitySeries(cap, e);
  const hs = toLive(cap.hostEntity);
  const size = cap.hostEntity.series.size;
  const total = size && size.length ? size[size.length - 1] : undefined;
  // esxtop gives free memory; derive the used part so the stack reads used + free = machine memory.
  if (total !== undefined && hs.values.free) hs.values.consumed = hs.values.free.map((f) => (f === null ? null : Math.max(0, total - f)));
  const vms: LiveVm[] = cap.vms.map((e) => {
    const s = toLive(e);
    const sz = e.series.size;
    return { id: e.id, name: e.name, memoryMB: sz && sz.length ? Math.round(sz[sz.length - 1]) : undefined, series: s };
  });
  const view = hostView({ id: 'host', name: cap.host, totalMB: total, series: hs, vms, generation: opts.generation }, {
    ...opts, kind: 'esxtop', basis: 'worst', title: `${fileName} — ${cap.host || 'esxtop'}`,
    subtitle: `${cap.rows} samples${cap.intervalSeconds ? ` every ${cap.intervalSeconds} s` : ''} · ${vmCount(cap.vms.length)} · esxtop batch capture`,
    notes: [
      'Figures and state are the worst of the capture (peak balloon and swap, least free memory), not its last sample.',
      `${cap.used} of ${cap.columns} columns are memory counters; the rest (CPU, disk, network) were skipped.`,
    ],
  });
  view.generationPick = { picked: opts.generation?.known, known: KNOWN_GENERATIONS };
  return view;
}
