/**
 * Loads what the memory panel shows (loaded lazily, on first use): live series from a vSphere
 * connection (one QueryPerf per entity kind), or an esxtop capture (streamed).
 */
import { CancelledError } from '../errors';
import { getPerfCatalog, type PerfCatalog } from '../vsphere/perf';
import type { VimClient } from '../vsphere/client';
import { asArray, asMoRef, asNumber, asObject, asString, type MoRef } from '../vsphere/decode';
import { generationFromProduct, HOST_PRODUCT_PATH, type Generation } from '../vsphere/generation';
import { retrieveProperty } from '../vsphere/property';
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

/** What a host's generation and page-sharing option are, read once per client and host. */
interface HostFacts {
  generation?: Generation;
  shareForceSalting?: number;
}
const hostFacts = new WeakMap<VimClient, Map<string, Promise<HostFacts>>>();

/** Mem.ShareForceSalting through the host's OptionManager; undefined where the server has no such option. */
async function readShareForceSalting(client: VimClient, host: MoRef, signal?: AbortSignal): Promise<number | undefined> {
  const om = asMoRef(await retrieveProperty(client, host, 'configManager.advancedOption', { signal }));
  if (!om) return undefined;
  const r = await client.invoke('QueryOptions', om, [['name', 'Mem.ShareForceSalting']], undefined, { signal });
  for (const v of asArray(r)) {
    const o = asObject(v);
    if (o && asString(o.key) === 'Mem.ShareForceSalting') return asNumber(o.value) ?? (Number(asString(o.value)) || undefined);
  }
  return undefined;
}

/**
 * The host's generation: the product the inventory retrieved (generation decorator), else the
 * session's own `about` on a direct ESX(i) connection, else one retrieve of the host's product.
 */
async function readHostFacts(client: VimClient, host: HostInfo, signal?: AbortSignal): Promise<HostFacts> {
  let generation = generationFromProduct(host.extra?.[HOST_PRODUCT_PATH]);
  if (!generation && client.serviceContent?.about.apiType === 'HostAgent') generation = client.generation;
  if (!generation) generation = generationFromProduct(await retrieveProperty(client, host.ref, HOST_PRODUCT_PATH, { signal }).catch(() => undefined));
  const shareForceSalting = await readShareForceSalting(client, host.ref, signal).catch(() => undefined);
  return { generation, shareForceSalting };
}

function factsOf(client: VimClient, host: HostInfo, signal?: AbortSignal): Promise<HostFacts> {
  let m = hostFacts.get(client);
  if (!m) hostFacts.set(client, (m = new Map()));
  let p = m.get(host.ref.value);
  if (!p) {
    p = readHostFacts(client, host, signal);
    m.set(host.ref.value, p);
    // Not kept when nothing was learnt (a cancelled or failed read): the next load asks again.
    p.then((f) => { if (!f.generation) m.delete(host.ref.value); }, () => m.delete(host.ref.value));
  }
  return p;
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
  const facts = host ? await factsOf(client, host, input.signal) : {};
  const live: LiveHost = {
    id: host?.ref.value ?? '', name: host?.name ?? '', totalMB, series: hs, ...facts,
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
    if (signal?.aborted) throw new CancelledError('Reading the esxtop capture');
    p.push(dec.decode(source.bytes.subarray(i, i + step), { stream: true }));
  }
  p.push(dec.decode());
  return p.end();
}
