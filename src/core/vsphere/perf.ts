/**
 * PerformanceManager: the counter catalog (ids by `group.name.rollup`) and QueryPerf for several
 * entities and counters per call. Series may be short or empty (vcsim omits zero samples).
 */
import type { VimClient } from './client';
import { asArray, asMoRef, asNumber, asObject, asString, type MoRef } from './decode';
import { VsphereError } from './errors';
import { retrieveProperty } from './property';
import type { SoapObject } from './soap';

export interface PerfCounter {
  id: number;
  /** `group.name.rollup`, e.g. `mem.vmmemctl.average`. */
  fullName: string;
  group: string;
  name: string;
  rollup: string;
  unit: string;
  statsType: string;
  label: string;
  level?: number;
}

export interface PerfCatalog {
  counters: PerfCounter[];
  byName: Map<string, PerfCounter>;
  byId: Map<number, PerfCounter>;
}

function perfManager(client: VimClient): MoRef {
  const pm = client.serviceContent.perfManager;
  if (!pm) throw new VsphereError('noPerfManager', `${client.endpoint.display} has no PerformanceManager; performance charts are not available.`);
  return pm;
}

/** Reads PerformanceManager.perfCounter. */
export async function getPerfCatalog(client: VimClient, opts: { signal?: AbortSignal } = {}): Promise<PerfCatalog> {
  const v = await retrieveProperty(client, perfManager(client), 'perfCounter', { signal: opts.signal });
  const counters: PerfCounter[] = [];
  for (const item of asArray(v)) {
    const c = asObject(item);
    if (!c) continue;
    const group = asString(asObject(c.groupInfo)?.key) ?? '';
    const name = asString(asObject(c.nameInfo)?.key) ?? '';
    const rollup = asString(c.rollupType) ?? '';
    const id = asNumber(c.key);
    if (id === undefined) continue;
    counters.push({
      id, group, name, rollup, fullName: `${group}.${name}.${rollup}`,
      unit: asString(asObject(c.unitInfo)?.key) ?? '', statsType: asString(c.statsType) ?? '',
      label: asString(asObject(c.nameInfo)?.label) ?? name, level: asNumber(c.level),
    });
  }
  return { counters, byName: new Map(counters.map((c) => [c.fullName, c])), byId: new Map(counters.map((c) => [c.id, c])) };
}

export interface PerfQuery {
  entities: MoRef[];
  /** Counter ids or `group.name.rollup` names (resolved with `catalog`). */
  counters: Array<number | string>;
  /** 20 = real-time; 300, 1800, 7200, 86400 = historical levels. */
  intervalId: number;
  /** `*` = all instances, '' = aggregate (default ''). */
  instance?: string;
  startTime?: Date;
  endTime?: Date;
  maxSample?: number;
}

export interface PerfSeries {
  entity: MoRef;
  counterId: number;
  counterName?: string;
  instance: string;
  interval?: number;
  /** Aligned with timestamps; may be shorter than requested or empty. */
  timestamps: string[];
  values: number[];
}

export function resolveCounterIds(counters: ReadonlyArray<number | string>, catalog?: PerfCatalog): number[] {
  return counters.map((c) => {
    if (typeof c === 'number') return c;
    const hit = catalog?.byName.get(c);
    if (!hit) throw new VsphereError('unknownCounter', `Performance counter ${c} is not known by this server${catalog ? '' : ' (no catalog given)'}. Check its group.name.rollup spelling.`);
    return hit.id;
  });
}

/** Builds the PerfQuerySpec list for a query (one spec per entity, all counters in each). */
export function buildQuerySpecs(q: PerfQuery, counterIds: number[]): SoapObject[] {
  return q.entities.map((entity) => ({
    entity,
    startTime: q.startTime?.toISOString(),
    endTime: q.endTime?.toISOString(),
    maxSample: q.maxSample ?? (q.startTime ? undefined : 15),
    metricId: counterIds.map((counterId) => ({ counterId, instance: q.instance ?? '' })),
    intervalId: q.intervalId,
    format: 'normal',
  }));
}

/** QueryPerf in one call for all entities and counters. */
export async function queryPerf(client: VimClient, q: PerfQuery, catalog?: PerfCatalog, opts: { signal?: AbortSignal } = {}): Promise<PerfSeries[]> {
  if (q.entities.length === 0 || q.counters.length === 0) return [];
  const ids = resolveCounterIds(q.counters, catalog);
  const v = await client.invoke('QueryPerf', perfManager(client), [['querySpec', buildQuerySpecs(q, ids)]], 'PerfEntityMetricBase[]', { signal: opts.signal });
  const out: PerfSeries[] = [];
  for (const item of asArray(v)) {
    const m = asObject(item);
    const entity = asMoRef(m?.entity);
    if (!m || !entity) continue;
    const infos = asArray(m.sampleInfo).map((s) => asObject(s) ?? {});
    for (const sv of asArray(m.value)) {
      const s = asObject(sv);
      const id = asObject(s?.id);
      const counterId = asNumber(id?.counterId);
      if (!s || counterId === undefined) continue;
      const values = asArray(s.value).map((x) => asNumber(x) ?? 0);
      const n = Math.min(values.length, infos.length || values.length);
      // oldest first (vCenter already sends them so; vcsim sends newest first)
      const pairs = infos.slice(0, n).map((info, k) => [asString(info.timestamp) ?? '', values[k]] as const)
        .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      out.push({
        entity, counterId, counterName: catalog?.byId.get(counterId)?.fullName, instance: asString(id?.instance) ?? '',
        interval: asNumber(infos[0]?.interval),
        timestamps: pairs.map((p) => p[0]),
        values: pairs.map((p) => p[1]),
      });
    }
  }
  return out;
}
