/**
 * The inventory as the tree shows it, derived from one snapshot of the vSphere inventory
 * (`getInventory`): connection → datacenter → (host folders, clusters, standalone hosts) → host → VM,
 * plus a "Virtual machines" branch per datacenter that follows the VM folders.
 *
 * Pure: no I/O, no VS Code. Keys are stable across refreshes (built from managed object ids), so
 * the tree keeps its expansion state.
 */
import type { MoRef } from '../vsphere/decode';
import type { ComputeResourceInfo, FolderInfo, HostInfo, Inventory, VmInfo } from '../vsphere/inventory';

export type InventoryItem =
  | { kind: 'datacenter'; key: string; name: string; ref: MoRef }
  | { kind: 'folder'; key: string; name: string; ref: MoRef; holds: 'hosts' | 'vms' }
  | { kind: 'vmRoot'; key: string; name: string; datacenter: MoRef }
  | { kind: 'cluster'; key: string; name: string; ref: MoRef; hostCount: number }
  | { kind: 'host'; key: string; name: string; ref: MoRef; info: HostInfo; standalone: boolean; vmCount: number }
  | { kind: 'vm'; key: string; name: string; ref: MoRef; info: VmInfo; place: 'host' | 'folder' };

const id = (r: MoRef): string => `${r.type}:${r.value}`;
const byName = (a: { name: string }, b: { name: string }): number =>
  a.name.localeCompare(b.name, undefined, { numeric: true, sensitivity: 'base' });

export class InventoryTree {
  private readonly children = new Map<string, InventoryItem[]>();
  private readonly parents = new Map<string, string>();
  private readonly items = new Map<string, InventoryItem>();
  readonly vms: readonly VmInfo[];
  readonly hosts: readonly HostInfo[];

  /** Key of the tree's root (the connection itself). */
  static readonly ROOT = '';

  constructor(inv: Pick<Inventory, 'datacenters' | 'folders' | 'computeResources' | 'hosts' | 'vms'>) {
    this.vms = inv.vms;
    this.hosts = inv.hosts;
    const folders = new Map<string, FolderInfo>(inv.folders.map((f) => [id(f.ref), f]));
    const computeByRef = new Map<string, ComputeResourceInfo>(inv.computeResources.map((c) => [id(c.ref), c]));
    const hostByRef = new Map<string, HostInfo>(inv.hosts.map((h) => [id(h.ref), h]));
    const vmsByHost = new Map<string, VmInfo[]>();
    const vmsByFolder = new Map<string, VmInfo[]>();
    for (const vm of inv.vms) {
      if (vm.host) push(vmsByHost, id(vm.host), vm);
      if (vm.parent) push(vmsByFolder, id(vm.parent), vm);
    }

    /** The datacenter that (transitively) holds a folder. */
    const datacenterOf = (ref: MoRef | undefined): string | undefined => {
      for (let r = ref, guard = 0; r && guard < 64; guard++) {
        if (r.type === 'Datacenter') return id(r);
        r = folders.get(id(r))?.parent ?? computeByRef.get(id(r))?.parent;
      }
      return undefined;
    };
    /** A datacenter's own `host` and `vm` folders are flattened into the datacenter / its VM branch. */
    const isTopFolder = (f: FolderInfo): boolean => f.parent?.type === 'Datacenter';

    const hostItem = (h: HostInfo, standalone: boolean): InventoryItem => {
      const vms = vmsByHost.get(id(h.ref)) ?? [];
      return { kind: 'host', key: `host:${h.ref.value}`, name: h.name, ref: h.ref, info: h, standalone, vmCount: vms.length };
    };

    // Host side: children of a host-folder-like container (datacenter's host folder or a subfolder).
    const hostSideChildren = (containerKey: string, folderRefs: Set<string>): InventoryItem[] => {
      const out: InventoryItem[] = [];
      for (const f of inv.folders) {
        if (f.parent && folderRefs.has(id(f.parent)) && f.childType.includes('ComputeResource')) {
          out.push({ kind: 'folder', key: `hfolder:${f.ref.value}`, name: f.name, ref: f.ref, holds: 'hosts' });
        }
      }
      for (const c of inv.computeResources) {
        if (!c.parent || !folderRefs.has(id(c.parent))) continue;
        if (c.cluster) {
          out.push({ kind: 'cluster', key: `cluster:${c.ref.value}`, name: c.name, ref: c.ref, hostCount: c.hosts.length });
        } else {
          for (const h of c.hosts) {
            const info = hostByRef.get(id(h));
            if (info) out.push(hostItem(info, true));
          }
        }
      }
      out.sort(kindThenName);
      this.setChildren(containerKey, out);
      return out;
    };

    const dcs = [...inv.datacenters].sort(byName);
    this.setChildren(InventoryTree.ROOT, dcs.map((d) => ({ kind: 'datacenter', key: `dc:${d.ref.value}`, name: d.name, ref: d.ref })));
    for (const dc of dcs) {
      const dcKey = `dc:${dc.ref.value}`;
      const top = inv.folders.filter((f) => isTopFolder(f) && f.parent && id(f.parent) === id(dc.ref));
      const hostTop = new Set(top.filter((f) => f.childType.includes('ComputeResource')).map((f) => id(f.ref)));
      const vmTop = top.find((f) => f.childType.includes('VirtualMachine'));
      const dcChildren = hostSideChildren(dcKey, hostTop);
      if (vmTop) {
        const vmRoot: InventoryItem = { kind: 'vmRoot', key: `vms:${dc.ref.value}`, name: 'Virtual machines', datacenter: dc.ref };
        this.setChildren(dcKey, [...dcChildren, vmRoot]);
        this.fillVmFolder(vmRoot.key, vmTop, inv.folders, vmsByFolder);
      }
    }
    // Sub-folders of host folders, clusters and hosts.
    for (const f of inv.folders) {
      if (!isTopFolder(f) && f.childType.includes('ComputeResource') && datacenterOf(f.ref)) {
        hostSideChildren(`hfolder:${f.ref.value}`, new Set([id(f.ref)]));
      }
    }
    for (const c of inv.computeResources) {
      if (!c.cluster) continue;
      const hosts = c.hosts.map((h) => hostByRef.get(id(h))).filter((h): h is HostInfo => !!h).sort(byName);
      this.setChildren(`cluster:${c.ref.value}`, hosts.map((h) => hostItem(h, false)));
    }
    for (const h of inv.hosts) {
      const vms = [...(vmsByHost.get(id(h.ref)) ?? [])].sort(byName);
      this.setChildren(`host:${h.ref.value}`, vms.map((vm) => vmItem(vm, 'host')));
    }
  }

  private fillVmFolder(key: string, folder: FolderInfo, all: FolderInfo[], vmsByFolder: Map<string, VmInfo[]>): void {
    const subfolders = all.filter((f) => f.parent && id(f.parent) === id(folder.ref) && f.childType.includes('VirtualMachine')).sort(byName);
    const vms = [...(vmsByFolder.get(id(folder.ref)) ?? [])].sort(byName);
    const items: InventoryItem[] = [
      ...subfolders.map((f): InventoryItem => ({ kind: 'folder', key: `vfolder:${f.ref.value}`, name: f.name, ref: f.ref, holds: 'vms' })),
      ...vms.map((vm) => vmItem(vm, 'folder')),
    ];
    this.setChildren(key, items);
    for (const f of subfolders) this.fillVmFolder(`vfolder:${f.ref.value}`, f, all, vmsByFolder);
  }

  private setChildren(key: string, items: InventoryItem[]): void {
    this.children.set(key, items);
    for (const it of items) {
      this.items.set(it.key, it);
      this.parents.set(it.key, key);
    }
  }

  /** Children of the item with this key (the root is `InventoryTree.ROOT`). */
  childrenOf(key: string): readonly InventoryItem[] {
    return this.children.get(key) ?? [];
  }

  get(key: string): InventoryItem | undefined {
    return this.items.get(key);
  }

  /** Key of the parent, `InventoryTree.ROOT` for datacenters, undefined when unknown. */
  parentOf(key: string): string | undefined {
    return this.parents.get(key);
  }

  /** The key under which a VM shows beneath its host (or its folder when it has no host). */
  vmKey(ref: MoRef): string | undefined {
    for (const place of ['host', 'folder'] as const) {
      const key = `vm:${ref.value}@${place}`;
      if (this.items.has(key)) return key;
    }
    return undefined;
  }

  /** Counts for status lines and tests. */
  counts(): { datacenters: number; clusters: number; hosts: number; vms: number } {
    let clusters = 0;
    for (const it of this.items.values()) if (it.kind === 'cluster') clusters++;
    return { datacenters: this.childrenOf(InventoryTree.ROOT).length, clusters, hosts: this.hosts.length, vms: this.vms.length };
  }
}

function vmItem(vm: VmInfo, place: 'host' | 'folder'): InventoryItem {
  return { kind: 'vm', key: `vm:${vm.ref.value}@${place}`, name: vm.name, ref: vm.ref, info: vm, place };
}

const KIND_ORDER: Record<InventoryItem['kind'], number> = { datacenter: 0, folder: 1, cluster: 2, host: 3, vmRoot: 4, vm: 5 };
function kindThenName(a: InventoryItem, b: InventoryItem): number {
  return KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || byName(a, b);
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/** A one-line description of a VM for the tree: guest OS, vCPUs, memory. */
export function describeVm(vm: VmInfo): string {
  const parts: string[] = [];
  if (vm.guestFullName || vm.guestId) parts.push(vm.guestFullName ?? vm.guestId ?? '');
  if (vm.numCpu) parts.push(`${vm.numCpu} vCPU`);
  if (vm.memoryMB) parts.push(vm.memoryMB >= 1024 && vm.memoryMB % 1024 === 0 ? `${vm.memoryMB / 1024} GB` : `${vm.memoryMB} MB`);
  return parts.join(' · ');
}

/** Lower-case power state name as vSphere spells it: poweredOn, poweredOff, suspended. */
export function powerStateOf(vm: VmInfo): 'poweredOn' | 'poweredOff' | 'suspended' | 'unknown' {
  const s = vm.powerState;
  return s === 'poweredOn' || s === 'poweredOff' || s === 'suspended' ? s : 'unknown';
}
