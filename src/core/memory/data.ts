/**
 * Loads what the memory panel shows (loaded lazily, on first use): live series from a vSphere
 * connection (one QueryPerf per entity kind), or an esxtop capture (streamed).
 */
import { getPerfCatalog, type PerfCatalog } from '../vsphere/perf';
import type { VimClient } from '../vsphere/client';
import type { MoRef } from '../vsphere/decode';
import type { HostInfo, VmInfo } from '../vsphere/inventory';
import { deriveFree, queryMemory, type RangeName } from './counters';
import { EsxtopParser, parseEsxtopFile, type EsxtopCapture } from './esxtop';
import { esxtopView, hostView, vmView, type LiveHost, type MemoryView } from './view';

export { esxtopView };
export type { EsxtopCapture };

const catalogs = new WeakMap<VimClient, Promise<PerfCatalog>>();

function catalogOf(client: VimClient): Promise<PerfCatalog> {
  let c = catalogs.get(client);
  if (!c) {
    c = getPerfCatalog(client);
    catalogs.set(client, c);
    c.catch(() => catalogs.delete(client));
  }
  return c;
}

export interface LiveInput {
  client: VimClient;
  entity: MoRef;
  hosts: readonly HostInfo[];
  vms: readonly VmInfo[];
  range: RangeName;
  signal?: AbortSignal;
}

export interface LiveResult {
  view: MemoryView;
  /** Every VM the load looked at, for the tree's warnings. */
  vms: Array<{ id: string; balloonMB?: number; swappedMB?: number; reclaiming: boolean }>;
}

export async function loadLive(input: LiveInput): Promise<LiveResult> {
  const { client, entity, range } = input;
  const catalog = await catalogOf(client);
  const hostRef = entity.type === 'HostSystem' ? entity : input.vms.find((v) => v.ref.value === entity.value)?.host;
  const host = hostRef ? input.hosts.find((h) => h.ref.value === hostRef.value) : undefined;
  const vmsOnHost = entity.type === 'HostSystem'
    ? input.vms.filter((v) => v.host?.value === entity.value && v.powerState === 'poweredOn' && !v.template)
    : input.vms.filter((v) => v.ref.value === entity.value);
  if (entity.type === 'VirtualMachine' && !vmsOnHost.length) throw new Error(`The VM ${entity.value} is no longer in the inventory. Refresh the tree and try again.`);
  const entities = [
    ...(host ? [{ ref: host.ref, kind: 'host' as const }] : []),
    ...vmsOnHost.map((v) => ({ ref: v.ref, kind: 'vm' as const })),
  ];
  const r = await queryMemory(client, catalog, { entities, range, signal: input.signal });
  const notes: string[] = [];
  if (r.missing.length) notes.push(`This server does not know ${r.missing.join(', ')}; those series are left out.`);
  const totalMB = host?.memoryBytes ? host.memoryBytes / 2 ** 20 : undefined;
  const hs = host ? r.series.get(host.ref.value) : undefined;
  if (hs && totalMB) deriveFree(hs, totalMB);
  const live: LiveHost = {
    id: host?.ref.value ?? '', name: host?.name ?? '', totalMB, series: hs,
    vms: vmsOnHost.map((v) => ({ id: v.ref.value, name: v.name, memoryMB: v.memoryMB, numCpu: v.numCpu, series: r.series.get(v.ref.value) })),
  };
  const view = entity.type === 'HostSystem'
    ? hostView(live, { range, notes })
    : vmView(live.vms[0], host ? { ...live, vms: [] } : undefined, { range, notes });
  const models = view.kind === 'vm' ? (view.vm ? [view.vm] : []) : view.host?.vms ?? [];
  return {
    view,
    vms: models.map((m) => ({ id: m.id, balloonMB: m.latest.balloon, swappedMB: m.latest.swapped, reclaiming: m.ballooning || m.swapping })),
  };
}

/** Reads a capture: streamed from disk for local files, else from the given bytes. */
export async function readCapture(source: { fsPath: string } | { bytes: Uint8Array }, signal?: AbortSignal): Promise<EsxtopCapture> {
  if ('fsPath' in source) return parseEsxtopFile(source.fsPath, { signal });
  const p = new EsxtopParser();
  const dec = new TextDecoder('utf-8');
  const step = 1 << 20;
  for (let i = 0; i < source.bytes.length; i += step) {
    if (signal?.aborted) throw new Error('cancelled');
    p.push(dec.decode(source.bytes.subarray(i, i + step), { stream: true }));
  }
  p.push(dec.decode());
  return p.end();
}
