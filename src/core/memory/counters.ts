/**
 * Memory performance counters by name, and the queries that fetch them for many entities at once.
 *
 * Counter ids differ between servers (and vcsim), so every id is resolved by its `group.name.rollup`
 * through PerformanceManager.perfCounter (src/core/vsphere/perf.ts). Counter names and units:
 * vSphere API reference "Memory counters" (mem.*), DOMAIN.md §3. Memory amounts come in KB and rates
 * in KBps; everything leaving this module is in MB (or MB/s).
 */
import type { MoRef } from '../vsphere/decode';
import { queryPerf, type PerfCatalog, type PerfSeries } from '../vsphere/perf';
import type { VimClient } from '../vsphere/client';

export type { MetricKey, RangeName } from './types';
import type { MetricKey, RangeName } from './types';

export interface MetricDef {
  key: MetricKey;
  /** `group.name.rollup`, or undefined for derived metrics (free). */
  counter?: string;
  /** Unit after normalisation. */
  unit: 'MB' | 'MB/s' | 'state';
  /** For VMs, hosts or both. */
  on: 'vm' | 'host' | 'both';
  label: string;
}

export const METRICS: readonly MetricDef[] = [
  { key: 'consumed', counter: 'mem.consumed.average', unit: 'MB', on: 'both', label: 'Consumed' },
  { key: 'granted', counter: 'mem.granted.average', unit: 'MB', on: 'both', label: 'Granted' },
  { key: 'active', counter: 'mem.active.average', unit: 'MB', on: 'both', label: 'Active' },
  { key: 'shared', counter: 'mem.shared.average', unit: 'MB', on: 'both', label: 'Shared' },
  { key: 'sharedCommon', counter: 'mem.sharedcommon.average', unit: 'MB', on: 'host', label: 'Shared common' },
  { key: 'zero', counter: 'mem.zero.average', unit: 'MB', on: 'both', label: 'Zero' },
  { key: 'balloon', counter: 'mem.vmmemctl.average', unit: 'MB', on: 'both', label: 'Balloon' },
  { key: 'balloonTarget', counter: 'mem.vmmemctltarget.average', unit: 'MB', on: 'vm', label: 'Balloon target' },
  { key: 'swapped', counter: 'mem.swapped.average', unit: 'MB', on: 'both', label: 'Swapped' },
  { key: 'swapTarget', counter: 'mem.swaptarget.average', unit: 'MB', on: 'vm', label: 'Swap target' },
  { key: 'swapInRate', counter: 'mem.swapinRate.average', unit: 'MB/s', on: 'both', label: 'Swap in rate' },
  { key: 'swapOutRate', counter: 'mem.swapoutRate.average', unit: 'MB/s', on: 'both', label: 'Swap out rate' },
  { key: 'compressed', counter: 'mem.compressed.average', unit: 'MB', on: 'both', label: 'Compressed' },
  { key: 'overhead', counter: 'mem.overhead.average', unit: 'MB', on: 'both', label: 'Overhead' },
  { key: 'llSwapUsed', counter: 'mem.llSwapUsed.average', unit: 'MB', on: 'host', label: 'Host cache swap used' },
  { key: 'state', counter: 'mem.state.latest', unit: 'state', on: 'host', label: 'Memory state' },
  { key: 'free', unit: 'MB', on: 'host', label: 'Free' },
  { key: 'size', unit: 'MB', on: 'both', label: 'Memory size' },
  { key: 'sharedSaved', unit: 'MB', on: 'both', label: 'Shared saved' },
  { key: 'balloonMax', unit: 'MB', on: 'both', label: 'Balloon max' },
  { key: 'kernelState', unit: 'state', on: 'host', label: 'Kernel state (esxtop)' },
];

export const METRIC_BY_KEY = new Map<MetricKey, MetricDef>(METRICS.map((m) => [m.key, m]));

export function metricsFor(kind: 'vm' | 'host'): MetricDef[] {
  return METRICS.filter((m) => m.counter && (m.on === 'both' || m.on === kind));
}

/**
 * Resolves counter names to ids through the server's catalog. Counters the server does not know
 * (mem.compressed before 4.1, mem.llSwapUsed before 5.0…) are reported, not fatal.
 */
export function resolveMemoryCounters(catalog: PerfCatalog, keys: readonly MetricKey[]): { ids: Map<MetricKey, number>; missing: string[] } {
  const ids = new Map<MetricKey, number>();
  const missing: string[] = [];
  for (const k of keys) {
    const def = METRIC_BY_KEY.get(k);
    if (!def?.counter) continue;
    const c = catalog.byName.get(def.counter);
    if (c) ids.set(k, c.id);
    else missing.push(def.counter);
  }
  return { ids, missing };
}

/** Converts a raw sample to the normalised unit: KB → MB, KBps → MB/s; state stays as is. */
export function normalise(def: MetricDef, raw: number): number {
  return def.unit === 'state' ? raw : raw / 1024;
}

/**
 * Real-time statistics are kept 1 hour at 20 s; the past day at 5 min and the past week at 30 min
 * (vCenter's default statistics intervals, vSphere Basic System Administration "Data Collection
 * Intervals"). On a standalone ESX host only real-time is available.
 */
export const RANGES: Record<RangeName, { intervalId: number; spanSeconds: number }> = {
  realtime: { intervalId: 20, spanSeconds: 3600 },
  day: { intervalId: 300, spanSeconds: 86400 },
  week: { intervalId: 1800, spanSeconds: 7 * 86400 },
};

/** One entity's memory series on a shared, ascending timeline (ms since epoch). */
export interface EntitySeries {
  entity: MoRef;
  t: number[];
  /** Per metric, aligned with `t`; null where the server had no sample. */
  values: Partial<Record<MetricKey, Array<number | null>>>;
}

export interface MemoryQuery {
  entities: Array<{ ref: MoRef; kind: 'vm' | 'host' }>;
  range: RangeName;
  /** Metrics to ask for (default: every counter metric for the entity's kind). */
  metrics?: MetricKey[];
  /** Now, for the time window (tests). */
  now?: Date;
  /**
   * Upper bound on entity × counter per QueryPerf call. vCenter 5.5 and later cap historical
   * queries with `config.vpxd.stats.maxQueryMetrics` (64 by default; *unconfirmed* for 4.x), so
   * historical ranges default to 64; real-time is served by the hosts and is not capped.
   */
  maxMetricsPerCall?: number;
  signal?: AbortSignal;
}

export interface MemoryQueryResult {
  series: Map<string, EntitySeries>;
  /** Counters the server does not know. */
  missing: string[];
  /** QueryPerf calls made. */
  calls: number;
}

/** Groups entities into QueryPerf calls of at most `limit` entity × counter metrics (at least one entity each). */
export function planCalls<T>(entities: readonly T[], countersPerEntity: number, limit: number): T[][] {
  const per = Math.max(1, Math.floor(limit / Math.max(1, countersPerEntity)));
  const out: T[][] = [];
  for (let i = 0; i < entities.length; i += per) out.push(entities.slice(i, i + per));
  return out;
}

/** Turns raw QueryPerf series (any order, possibly short or empty) into normalised per-entity series. */
export function assembleSeries(raw: readonly PerfSeries[], keyById: ReadonlyMap<number, MetricKey>, out = new Map<string, EntitySeries>()): Map<string, EntitySeries> {
  // Per entity: collect (timestamp → value) per metric, then lay them on one sorted timeline.
  const byEntity = new Map<string, { entity: MoRef; perMetric: Map<MetricKey, Map<number, number>> }>();
  for (const s of raw) {
    const key = keyById.get(s.counterId);
    if (!key || s.instance !== '') continue;
    const def = METRIC_BY_KEY.get(key)!;
    let e = byEntity.get(s.entity.value);
    if (!e) byEntity.set(s.entity.value, (e = { entity: s.entity, perMetric: new Map() }));
    let m = e.perMetric.get(key);
    if (!m) e.perMetric.set(key, (m = new Map()));
    for (let i = 0; i < s.values.length; i++) {
      const t = Date.parse(s.timestamps[i] ?? '');
      if (!Number.isFinite(t)) continue;
      const v = s.values[i];
      // -1 means "no data" in vSphere's perf API.
      if (v < 0) continue;
      m.set(t, normalise(def, v));
    }
  }
  for (const [id, e] of byEntity) {
    const times = new Set<number>();
    for (const m of e.perMetric.values()) for (const t of m.keys()) times.add(t);
    const prev = out.get(id);
    if (prev) for (const t of prev.t) times.add(t);
    const t = [...times].sort((a, b) => a - b);
    const values: EntitySeries['values'] = {};
    for (const [k, m] of e.perMetric) values[k] = t.map((x) => m.get(x) ?? null);
    if (prev) {
      for (const [k, arr] of Object.entries(prev.values) as Array<[MetricKey, Array<number | null>]>) {
        if (values[k]) continue;
        const at = new Map(prev.t.map((x, i) => [x, arr[i]]));
        values[k] = t.map((x) => at.get(x) ?? null);
      }
    }
    out.set(id, { entity: e.entity, t, values });
  }
  return out;
}

/**
 * Fetches memory series for VMs and hosts: one QueryPerf per entity kind (several entities and
 * counters per call), split only where `maxMetricsPerCall` demands it.
 */
export async function queryMemory(client: VimClient, catalog: PerfCatalog, q: MemoryQuery): Promise<MemoryQueryResult> {
  const range = RANGES[q.range];
  const now = q.now ?? new Date();
  const start = new Date(now.getTime() - range.spanSeconds * 1000);
  const maxSample = Math.floor(range.spanSeconds / range.intervalId);
  const limit = q.maxMetricsPerCall ?? (q.range === 'realtime' ? Number.POSITIVE_INFINITY : 64);
  const series = new Map<string, EntitySeries>();
  const missing = new Set<string>();
  let calls = 0;
  for (const kind of ['vm', 'host'] as const) {
    const ents = q.entities.filter((e) => e.kind === kind).map((e) => e.ref);
    if (!ents.length) continue;
    const wanted = (q.metrics ?? metricsFor(kind).map((m) => m.key)).filter((k) => {
      const d = METRIC_BY_KEY.get(k);
      return d?.counter && (d.on === 'both' || d.on === kind);
    });
    const { ids, missing: miss } = resolveMemoryCounters(catalog, wanted);
    miss.forEach((m) => missing.add(m));
    if (!ids.size) continue;
    const keyById = new Map<number, MetricKey>([...ids].map(([k, id]) => [id, k]));
    for (const group of planCalls(ents, ids.size, limit)) {
      calls++;
      const raw = await queryPerf(client, {
        entities: group, counters: [...ids.values()], intervalId: range.intervalId,
        startTime: start, endTime: now, maxSample,
      }, catalog, { signal: q.signal });
      assembleSeries(raw, keyById, series);
    }
  }
  return { series, missing: [...missing], calls };
}

/**
 * Adds a derived `free` series to a host: total − consumed (MB). A host's mem.consumed is the
 * machine memory in use on it (VMs, their overhead and the VMkernel), so the rest is free.
 */
export function deriveFree(s: EntitySeries, totalMB: number): void {
  const consumed = s.values.consumed;
  if (!consumed) return;
  s.values.free = consumed.map((c) => (c === null ? null : Math.max(0, totalMB - c)));
}
