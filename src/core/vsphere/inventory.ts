/**
 * Inventory helpers: datacenters, clusters, hosts, folders and VMs with the properties the tree and
 * the CLI show. One RetrievePropertiesEx through one ContainerView fetches everything.
 */
import type { VimClient } from './client';
import { asArray, asMoRef, asNumber, asObject, asString, type MoRef, type VimValue } from './decode';
import { retrieve, retrieveMany, type ObjectContent, type PropertySpec, type RetrieveOptions } from './property';

export interface EntityBase {
  ref: MoRef;
  name: string;
  parent?: MoRef;
}

export type DatacenterInfo = EntityBase;
export interface FolderInfo extends EntityBase {
  childType: string[];
}
export interface ComputeResourceInfo extends EntityBase {
  /** True for ClusterComputeResource. */
  cluster: boolean;
  hosts: MoRef[];
}
export interface HostInfo extends EntityBase {
  connectionState?: string;
  powerState?: string;
  memoryBytes?: number;
  cpuMhz?: number;
  cpuCores?: number;
  cpuThreads?: number;
  cpuModel?: string;
  vendor?: string;
  model?: string;
  /** Values of the extra paths asked for with `getInventory(…, { extraPaths })`, by path. */
  extra?: Readonly<Record<string, VimValue>>;
}
export interface VmInfo extends EntityBase {
  powerState?: string;
  host?: MoRef;
  guestId?: string;
  guestFullName?: string;
  numCpu?: number;
  memoryMB?: number;
  vmPathName?: string;
  hwVersion?: string;
  uuid?: string;
  resourcePool?: MoRef;
  template?: boolean;
  /** summary.quickStats.balloonedMemory / swappedMemory (MB, VirtualMachineQuickStats): memory reclaimed now. */
  balloonedMB?: number;
  swappedMB?: number;
  /** Values of the extra paths asked for with `getInventory(…, { extraPaths })`, by path. */
  extra?: Readonly<Record<string, VimValue>>;
}

/** Properties retrieved beyond the standard ones, by managed object type (e.g. `{ VirtualMachine: ['snapshot'] }`). */
export type InventoryExtraPaths = Readonly<Partial<Record<'VirtualMachine' | 'HostSystem', readonly string[]>>>;

export interface InventoryOptions extends RetrieveOptions {
  /** Extra properties (inventory decorations); their values land in `info.extra`. */
  extraPaths?: InventoryExtraPaths;
}

export const VM_PATHS = [
  'name', 'parent', 'runtime.powerState', 'runtime.host', 'config.guestId', 'config.guestFullName',
  'config.hardware.numCPU', 'config.hardware.memoryMB', 'config.files.vmPathName', 'config.version',
  'config.uuid', 'config.template', 'resourcePool',
  'summary.quickStats.balloonedMemory', 'summary.quickStats.swappedMemory',
] as const;

export const HOST_PATHS = ['name', 'parent', 'runtime.connectionState', 'runtime.powerState', 'summary.hardware'] as const;

function base(o: ObjectContent): EntityBase {
  return { ref: o.obj, name: asString(o.props.name) ?? o.obj.value, parent: asMoRef(o.props.parent) };
}

export function toVm(o: ObjectContent): VmInfo {
  const p = o.props;
  return {
    ...base(o),
    powerState: asString(p['runtime.powerState']),
    host: asMoRef(p['runtime.host']),
    guestId: asString(p['config.guestId']),
    guestFullName: asString(p['config.guestFullName']),
    numCpu: asNumber(p['config.hardware.numCPU']),
    memoryMB: asNumber(p['config.hardware.memoryMB']),
    vmPathName: asString(p['config.files.vmPathName']),
    hwVersion: asString(p['config.version']),
    uuid: asString(p['config.uuid']),
    resourcePool: asMoRef(p.resourcePool),
    template: p['config.template'] === true,
    balloonedMB: asNumber(p['summary.quickStats.balloonedMemory']),
    swappedMB: asNumber(p['summary.quickStats.swappedMemory']),
  };
}

export function toHost(o: ObjectContent): HostInfo {
  const hw = asObject(o.props['summary.hardware']);
  return {
    ...base(o),
    connectionState: asString(o.props['runtime.connectionState']),
    powerState: asString(o.props['runtime.powerState']),
    memoryBytes: asNumber(hw?.memorySize),
    cpuMhz: asNumber(hw?.cpuMhz),
    cpuCores: asNumber(hw?.numCpuCores),
    cpuThreads: asNumber(hw?.numCpuThreads),
    cpuModel: asString(hw?.cpuModel),
    vendor: asString(hw?.vendor),
    model: asString(hw?.model),
  };
}

function refs(v: VimValue | undefined): MoRef[] {
  return asArray(v).map(asMoRef).filter((r): r is MoRef => r !== undefined);
}

export async function listVms(client: VimClient, root?: MoRef, opts?: RetrieveOptions): Promise<VmInfo[]> {
  return (await retrieve(client, 'VirtualMachine', VM_PATHS, root, opts)).map(toVm);
}

export async function listHosts(client: VimClient, root?: MoRef, opts?: RetrieveOptions): Promise<HostInfo[]> {
  return (await retrieve(client, 'HostSystem', HOST_PATHS, root, opts)).map(toHost);
}

export async function listDatacenters(client: VimClient, opts?: RetrieveOptions): Promise<DatacenterInfo[]> {
  return (await retrieve(client, 'Datacenter', ['name', 'parent'], undefined, opts)).map(base);
}

/** Clusters and standalone hosts' compute resources (`cluster` tells them apart). */
export async function listComputeResources(client: VimClient, root?: MoRef, opts?: RetrieveOptions): Promise<ComputeResourceInfo[]> {
  return (await retrieve(client, 'ComputeResource', ['name', 'parent', 'host'], root, opts))
    .map((o) => ({ ...base(o), cluster: o.obj.type === 'ClusterComputeResource', hosts: refs(o.props.host) }));
}

export async function listClusters(client: VimClient, root?: MoRef, opts?: RetrieveOptions): Promise<ComputeResourceInfo[]> {
  return (await listComputeResources(client, root, opts)).filter((c) => c.cluster);
}

export async function listStandaloneHosts(client: VimClient, root?: MoRef, opts?: RetrieveOptions): Promise<ComputeResourceInfo[]> {
  return (await listComputeResources(client, root, opts)).filter((c) => !c.cluster);
}

/** Folders that hold VMs (childType includes VirtualMachine). */
export async function listVmFolders(client: VimClient, root?: MoRef, opts?: RetrieveOptions): Promise<FolderInfo[]> {
  return (await retrieve(client, 'Folder', ['name', 'parent', 'childType'], root, opts))
    .map((o) => ({ ...base(o), childType: asArray(o.props.childType).map((v) => String(v)) }))
    .filter((f) => f.childType.includes('VirtualMachine'));
}

export interface Inventory {
  datacenters: DatacenterInfo[];
  folders: FolderInfo[];
  computeResources: ComputeResourceInfo[];
  hosts: HostInfo[];
  vms: VmInfo[];
  /** Inventory path of any entity, e.g. `/DC0/vm/DC0_H0_VM0`. */
  pathOf(ref: MoRef): string;
}

/** The standard paths and the asked-for ones, once each. */
function pathsWith(standard: readonly string[], asked: readonly string[] | undefined): string[] {
  return [...new Set([...standard, ...(asked ?? [])])];
}

function withExtra<T extends HostInfo | VmInfo>(info: T, o: ObjectContent, paths: readonly string[]): T {
  if (!paths.length) return info;
  const extra: Record<string, VimValue> = {};
  for (const p of paths) if (o.props[p] !== undefined) extra[p] = o.props[p];
  return { ...info, extra };
}

/** The property specs of the inventory's one retrieve (and of its live feed), with the extra paths asked for. */
export function inventorySpecs(extraPaths?: InventoryExtraPaths): PropertySpec[] {
  return [
    { type: 'Folder', paths: ['name', 'parent', 'childType'] },
    { type: 'Datacenter', paths: ['name', 'parent'] },
    { type: 'ComputeResource', paths: ['name', 'parent', 'host'] },
    { type: 'ResourcePool', paths: ['name', 'parent'] },
    { type: 'HostSystem', paths: pathsWith(HOST_PATHS, extraPaths?.HostSystem) },
    { type: 'VirtualMachine', paths: pathsWith(VM_PATHS, extraPaths?.VirtualMachine) },
  ];
}

/** Everything in one RetrievePropertiesEx through one ContainerView. */
export async function getInventory(client: VimClient, opts?: InventoryOptions): Promise<Inventory> {
  const objects = await retrieveMany(client, inventorySpecs(opts?.extraPaths), undefined, opts);
  return buildInventory(client.serviceContent.rootFolder, objects, opts?.extraPaths);
}

/** The inventory from retrieved (or live-fed) object contents; `rootFolder` ends inventory paths. */
export function buildInventory(rootFolder: MoRef, objects: Iterable<ObjectContent>, extraPaths?: InventoryExtraPaths): Inventory {
  const extraVm = extraPaths?.VirtualMachine ?? [];
  const extraHost = extraPaths?.HostSystem ?? [];
  const inv: Omit<Inventory, 'pathOf'> = { datacenters: [], folders: [], computeResources: [], hosts: [], vms: [] };
  const names = new Map<string, EntityBase>();
  const key = (r: MoRef): string => `${r.type}:${r.value}`;
  for (const o of objects) {
    const b = base(o);
    names.set(key(o.obj), b);
    switch (o.obj.type) {
      case 'Folder':
        inv.folders.push({ ...b, childType: asArray(o.props.childType).map((v) => String(v)) });
        break;
      case 'Datacenter':
        inv.datacenters.push(b);
        break;
      case 'ComputeResource': case 'ClusterComputeResource':
        inv.computeResources.push({ ...b, cluster: o.obj.type === 'ClusterComputeResource', hosts: refs(o.props.host) });
        break;
      case 'HostSystem':
        inv.hosts.push(withExtra(toHost(o), o, extraHost));
        break;
      case 'VirtualMachine':
        inv.vms.push(withExtra(toVm(o), o, extraVm));
        break;
      default:
        break;
    }
  }
  const root = rootFolder;
  const cache = new Map<string, string>();
  const pathOf = (ref: MoRef): string => {
    const k = key(ref);
    const hit = cache.get(k);
    if (hit !== undefined) return hit;
    const e = names.get(k);
    let p: string;
    if (!e || (ref.type === root.type && ref.value === root.value)) p = '';
    else {
      const name = e.name.replace(/%/g, '%25').replace(/\//g, '%2f');
      p = `${e.parent ? pathOf(e.parent) : ''}/${name}`;
    }
    cache.set(k, p);
    return p;
  };
  return { ...inv, pathOf };
}
