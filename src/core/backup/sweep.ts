/**
 * The backup readiness sweep: every VM below a container (connection root, datacenter, cluster, host
 * or folder) checked by `READINESS_RULES` from ONE property retrieve — a RetrievePropertiesEx (paged)
 * over two ContainerViews: the VMs below the container, and the root's folders, datacenters and
 * hosts (names and parents for paths, `summary.config.product` for each host's generation). Then one
 * vmware.log read per VM, only for VMs with a snapshot finding, capped in count and bytes, a few at a
 * time, cancellable.
 */
import { PassThrough } from 'node:stream';
import type { VimClient } from '../vsphere/client';
import { asArray, asMoRef, asObject, asString, type MoRef, type VimValue } from '../vsphere/decode';
import { parseDatastorePath, downloadFile } from '../vsphere/datastore';
import { HttpStatusError } from '../vsphere/errors';
import { Generation, generationFromProduct, HOST_PRODUCT_PATH } from '../vsphere/generation';
import { readDevicesLean } from '../vsphere/deviceReader';
import { createContainerView, destroyView, retrievePropertiesEx, type ObjectContent } from '../vsphere/property';
import { inventoryPaths } from '../vsphere/inventory';
import type { SoapObject } from '../vsphere/soap';
import { toSnapshotTree, type SnapshotNode } from '../vsphere/vm';
import { CancelledError, isCancellation } from '../errors';
import { apiVmConfigFromProps, BACKUP_VM_PROPERTIES } from './api';
import { inferCreatedOn } from './createdOn';
import { factsFromApi } from './facts';
import { LogAnalyzer, type LogAnalysis } from './logs';
import { checkReadiness, READINESS_RULES, SNAPSHOT_FINDINGS, type ReadinessOptions, type ReadinessVm } from './readiness';
import type { Finding } from './rules';

/** What the sweep reads of each VM (one retrieve): the backup properties plus path, host, vmx, encryption. */
export function sweepVmPaths(gen: Generation | undefined): string[] {
  const paths: string[] = [...BACKUP_VM_PROPERTIES, 'parent', 'runtime.host', 'config.files.vmPathName'];
  // Properties a server of an older generation does not know (an unknown path fails the whole retrieve).
  const keep = (p: string): boolean =>
    (p !== 'runtime.consolidationNeeded' || !gen || gen.reportsConsolidationNeeded);
  return [...paths.filter(keep), ...(!gen || gen.hasVmEncryption ? ['config.keyId'] : [])];
}

export interface SweepVm {
  ref: MoRef;
  name: string;
  /** Inventory path, e.g. `/DC0/vm/DC0_C0_RP0_VM0`. */
  path: string;
  powerState?: string;
  /** The generation the rules used ("VMware ESXi 8.0.0 build-20513097"), when known. */
  generation?: string;
  vmxPath?: string;
  /** Datacenter inventory path without the leading slash (`DC0`), for datastore URLs. */
  datacenter?: string;
  findings: Finding[];
  /** The vmware.log read: absent when not needed. */
  log?: { state: 'read' | 'missing' | 'failed' | 'skipped' | 'truncated'; file?: string; message?: string };
  /** Kept for re-checks (not sent to the webview). */
  readonly input?: ReadinessVm;
}

export interface SweepResult {
  vms: SweepVm[];
  /** Counts per rule code (findings, not VMs). */
  counts: Record<string, number>;
  logs: { read: number; missing: number; failed: number; skipped: number };
  retrieveMs: number;
  totalMs: number;
}

export interface SweepProgress {
  phase: 'retrieve' | 'logs';
  done: number;
  total?: number;
}

export interface SweepOptions {
  /** The container (default: the root folder). */
  root?: MoRef;
  /** Keep only VMs whose inventory path is this or below it (CLI `--under`). */
  under?: string;
  signal?: AbortSignal;
  onProgress?: (p: SweepProgress) => void;
  /** Read vmware.log for VMs with a snapshot finding (default true). */
  readLogs?: boolean;
  /** At most this many vmware.log reads (default 50); the rest are 'skipped'. */
  maxLogReads?: number;
  /** Bytes read of one vmware.log at most (default 8 MiB); beyond, 'truncated'. */
  maxLogBytes?: number;
  /** vmware.log reads at once (default 4). */
  logConcurrency?: number;
  /** Page size of the retrieve (default 1000). */
  maxObjects?: number;
  readiness?: ReadinessOptions;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError('The backup readiness sweep');
}

/** The device array is most of the bytes: only what the rules read of it is built (deviceReader.ts). */
const SWEEP_READERS = { 'config.hardware.device': readDevicesLean };

/** The one retrieve: VMs below `root`, and folders, datacenters and hosts of the whole inventory. */
async function retrieveSweep(client: VimClient, gen: Generation | undefined, opts: SweepOptions): Promise<ObjectContent[]> {
  const rootFolder = client.serviceContent.rootFolder;
  const root = opts.root ?? rootFolder;
  const sameRoot = root.type === rootFolder.type && root.value === rootFolder.value;
  return client.withRelogin(async () => {
    const views: MoRef[] = [];
    try {
      views.push(await createContainerView(client, sameRoot ? ['VirtualMachine', 'Folder', 'Datacenter', 'HostSystem'] : ['VirtualMachine'], root, true, opts));
      if (!sameRoot) views.push(await createContainerView(client, ['Folder', 'Datacenter', 'HostSystem'], rootFolder, true, opts));
      const traverse = { _type: 'TraversalSpec', name: 'view', type: 'ContainerView', path: 'view', skip: false };
      const spec: SoapObject = {
        propSet: [
          { type: 'VirtualMachine', pathSet: sweepVmPaths(gen) },
          { type: 'Folder', pathSet: ['name', 'parent'] },
          { type: 'Datacenter', pathSet: ['name', 'parent'] },
          { type: 'HostSystem', pathSet: ['name', HOST_PRODUCT_PATH] },
        ],
        objectSet: views.map((v) => ({ obj: v, skip: true, selectSet: traverse })),
      };
      return await retrievePropertiesEx(client, [spec], {
        signal: opts.signal, maxObjects: opts.maxObjects ?? 1000, readers: SWEEP_READERS,
        onPage: (n) => opts.onProgress?.({ phase: 'retrieve', done: n }),
      });
    } finally {
      for (const v of views) await destroyView(client, v).catch(() => undefined);
    }
  });
}

interface Names {
  pathOf(ref: MoRef): string;
  datacenterOf(ref: MoRef): string | undefined;
  hosts: Map<string, { gen?: Generation; label?: string; product?: Record<string, unknown> }>;
}

function indexNames(client: VimClient, objects: ObjectContent[]): Names {
  const byKey = new Map<string, { name: string; parent?: MoRef; type: string }>();
  const hosts: Names['hosts'] = new Map();
  const key = (r: MoRef): string => `${r.type}:${r.value}`;
  for (const o of objects) {
    byKey.set(key(o.obj), { name: asString(o.props.name) ?? o.obj.value, parent: asMoRef(o.props.parent), type: o.obj.type });
    if (o.obj.type === 'HostSystem') {
      const product = asObject(o.props[HOST_PRODUCT_PATH]) as Record<string, unknown> | undefined;
      const gen = generationFromProduct(product);
      hosts.set(o.obj.value, { gen, label: gen?.label, product });
    }
  }
  const pathOf = inventoryPaths(client.serviceContent.rootFolder, byKey);
  const datacenterOf = (ref: MoRef): string | undefined => {
    for (let r: MoRef | undefined = ref, n = 0; r && n < 64; n++) {
      const e = byKey.get(key(r));
      if (!e) return undefined;
      if (e.type === 'Datacenter') return pathOf(r).replace(/^\//, '');
      r = e.parent;
    }
    return undefined;
  };
  return { pathOf, datacenterOf, hosts };
}

function flattenSnapshots(list: SnapshotNode[], depth = 1, out: ReadinessVm['snapshots'] = []): ReadinessVm['snapshots'] {
  for (const s of list) {
    const t = s.createTime ? Date.parse(s.createTime) : NaN;
    out.push({ name: s.name, depth, ...(Number.isFinite(t) ? { createTime: t } : {}) });
    flattenSnapshots(s.children, depth + 1, out);
  }
  return out;
}

/** One VM's readiness input from its properties. */
export function readinessInput(p: Record<string, VimValue>, hostGen: Generation | undefined, hostProduct: Record<string, unknown> | undefined, hostRef: MoRef | undefined): ReadinessVm {
  const api = apiVmConfigFromProps(p);
  const hw = api.config?.version ? Number(/(\d+)/.exec(api.config.version)?.[1]) : undefined;
  const version = typeof hostProduct?.version === 'string' ? hostProduct.version : undefined;
  const fullName = typeof hostProduct?.fullName === 'string' ? hostProduct.fullName : undefined;
  const createdOn = inferCreatedOn({
    hardwareVersion: hw,
    host: version && hostRef ? { version, ...(fullName ? { fullName } : {}), path: `HostSystem:${hostRef.value} ${HOST_PRODUCT_PATH}.version` } : undefined,
  });
  const facts = factsFromApi(api, createdOn ? { createdOn } : undefined);
  const snap = asObject(p.snapshot);
  return {
    facts,
    generation: hostGen,
    snapshots: flattenSnapshots(toSnapshotTree(snap?.rootSnapshotList)),
    encrypted: asObject(p['config.keyId']) !== undefined,
    vtpm: asArray(p['config.hardware.device']).some((d) => asObject(d)?._type === 'VirtualTPM'),
  };
}

/** The folder of a `[ds] dir/vm.vmx` path and its vmware.log. */
export function vmwareLogLocation(vmxPath: string | undefined, datacenter: string | undefined): { datacenter: string; datastore: string; path: string } | undefined {
  const p = vmxPath ? parseDatastorePath(vmxPath) : undefined;
  if (!p || !datacenter) return undefined;
  const dir = p.path.includes('/') ? p.path.slice(0, p.path.lastIndexOf('/')) : '';
  return { datacenter, datastore: p.datastore, path: dir ? `${dir}/vmware.log` : 'vmware.log' };
}

/**
 * Streams a VM's vmware.log from its datastore folder through the log analyzer (logs/analyzer.ts,
 * the engine of the Data Recovery logs), at most `maxBytes`. `file` names the evidence
 * (`[ds] dir/vmware.log`).
 */
export async function analyzeVmwareLog(client: VimClient, loc: { datacenter: string; datastore: string; path: string }, opts: { signal?: AbortSignal; maxBytes?: number } = {}): Promise<{ analysis: LogAnalysis; truncated: boolean; file: string }> {
  const file = `[${loc.datastore}] ${loc.path}`;
  const max = opts.maxBytes ?? 8 << 20;
  const local = new AbortController();
  const onAbort = (): void => local.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const an = new LogAnalyzer();
  const pt = new PassThrough();
  let bytes = 0;
  let truncated = false;
  const limited = async function* (): AsyncGenerator<Buffer> {
    for await (const chunk of pt as AsyncIterable<Buffer>) {
      if (bytes + chunk.length > max) {
        truncated = true;
        yield chunk.subarray(0, max - bytes);
        local.abort();
        return;
      }
      bytes += chunk.length;
      yield chunk;
    }
  };
  try {
    const dl = downloadFile(client, loc, pt, { signal: local.signal, timeoutMs: 60_000 }).catch((e: unknown) => {
      pt.destroy();
      if (!(truncated && isCancellation(e))) throw e;
    });
    await an.consume(limited(), file);
    pt.resume();
    await dl;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
  throwIfAborted(opts.signal);
  return { analysis: an.result(), truncated, file };
}

/** Runs `work` over `items`, `limit` at a time, stopping early when aborted. */
export async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>, signal?: AbortSignal): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      throwIfAborted(signal);
      await work(items[next++]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

async function readLogs(client: VimClient, vms: SweepVm[], dcOf: Map<string, string | undefined>, opts: SweepOptions, stats: SweepResult['logs']): Promise<void> {
  const want = vms.filter((v) => v.findings.some((f) => SNAPSHOT_FINDINGS.has(f.id)));
  const cap = opts.maxLogReads ?? 50;
  for (const v of want.slice(cap)) { v.log = { state: 'skipped', message: `only the first ${cap} vmware.log files are read` }; stats.skipped++; }
  const todo = want.slice(0, cap);
  let done = 0;
  await eachLimited(todo, opts.logConcurrency ?? 4, async (v) => {
    const loc = vmwareLogLocation(v.vmxPath, dcOf.get(v.ref.value));
    if (!loc) { v.log = { state: 'missing', message: 'the VM folder is not known' }; stats.missing++; return; }
    try {
      const r = await analyzeVmwareLog(client, loc, { signal: opts.signal, maxBytes: opts.maxLogBytes });
      v.log = { state: r.truncated ? 'truncated' : 'read', file: r.file };
      stats.read++;
      if (v.input) {
        (v.input as ReadinessVm).log = r.analysis;
        v.findings = checkReadiness(v.input, opts.readiness);
      }
    } catch (e) {
      if (isCancellation(e) && opts.signal?.aborted) throw e;
      const missing = e instanceof HttpStatusError && e.status === 404;
      v.log = { state: missing ? 'missing' : 'failed', file: `[${loc.datastore}] ${loc.path}`, message: e instanceof Error ? e.message : String(e) };
      if (missing) stats.missing++; else stats.failed++;
    }
    opts.onProgress?.({ phase: 'logs', done: ++done, total: todo.length });
  }, opts.signal);
}

/** `localeCompare`'s order, from one collator (5,500 paths: ~70,000 comparisons). */
const PATH_ORDER = new Intl.Collator();

/** The sweep (see the module comment). */
export async function sweepBackupReadiness(client: VimClient, opts: SweepOptions = {}): Promise<SweepResult> {
  const t0 = Date.now();
  throwIfAborted(opts.signal);
  const about = client.serviceContent.about;
  const connGen = Generation.fromAbout(about);
  const connLabel = connGen?.label;
  const objects = await retrieveSweep(client, connGen, opts);
  const retrieveMs = Date.now() - t0;
  throwIfAborted(opts.signal);
  const names = indexNames(client, objects);
  const vms: SweepVm[] = [];
  const dcOf = new Map<string, string | undefined>();
  const under = opts.under?.replace(/\/+$/, '');
  for (const o of objects) {
    if (o.obj.type !== 'VirtualMachine') continue;
    const path = names.pathOf(o.obj);
    if (under && path !== under && !path.startsWith(`${under}/`)) continue;
    const hostRef = asMoRef(o.props['runtime.host']);
    const host = hostRef ? names.hosts.get(hostRef.value) : undefined;
    const gen = host?.gen ?? connGen;
    const label = host?.gen ? host.label : connLabel;
    const input = readinessInput(o.props, gen, host?.product, hostRef);
    const datacenter = names.datacenterOf(o.obj);
    dcOf.set(o.obj.value, datacenter);
    vms.push({
      ref: o.obj, name: input.facts.name ?? o.obj.value, path, powerState: input.facts.powerState,
      generation: label, vmxPath: asString(o.props['config.files.vmPathName']), ...(datacenter ? { datacenter } : {}),
      findings: checkReadiness(input, opts.readiness), input,
    });
  }
  vms.sort((a, b) => PATH_ORDER.compare(a.path, b.path));
  const logs = { read: 0, missing: 0, failed: 0, skipped: 0 };
  if (opts.readLogs !== false) await readLogs(client, vms, dcOf, opts, logs);
  const counts: Record<string, number> = {};
  for (const r of READINESS_RULES) counts[r.code] = 0;
  for (const v of vms) for (const f of v.findings) counts[f.id] = (counts[f.id] ?? 0) + 1;
  return { vms, counts, logs, retrieveMs, totalMs: Date.now() - t0 };
}
