/**
 * Live look-ups through the SearchIndex: which registered VM owns a `.vmx` on a datastore, and
 * its power state now (not from a cached inventory). Used before writing a `.vmx`.
 */
import type { CallOptions, VimClient } from './client';
import { asMoRef, asString, type MoRef } from './decode';
import { retrieve, retrieveObject } from './property';

export interface VmxOwner {
  ref: MoRef;
  name: string;
  /** `poweredOn`, `poweredOff` or `suspended`. */
  powerState?: string;
}

/** SearchIndex.FindByInventoryPath: `DC0`, `Folder/DC0/vm/x`… (relative to the root folder). */
export async function findByInventoryPath(client: VimClient, inventoryPath: string, opts: CallOptions = {}): Promise<MoRef | undefined> {
  const si = client.serviceContent.searchIndex;
  if (!si) return undefined;
  return asMoRef(await client.invoke('FindByInventoryPath', si, [['inventoryPath', inventoryPath]], 'ManagedObjectReference', opts));
}

/** SearchIndex.FindByDatastorePath: the VM registered with this `[datastore] path` in `datacenter`. */
export async function findVmByDatastorePath(client: VimClient, datacenter: MoRef, dsPath: string, opts: CallOptions = {}): Promise<MoRef | undefined> {
  const si = client.serviceContent.searchIndex;
  if (!si) return undefined;
  return asMoRef(await client.invoke('FindByDatastorePath', si, [['datacenter', datacenter], ['path', dsPath]], 'ManagedObjectReference', opts));
}

/**
 * The VM registered with `dsPath` (`[datastore] folder/name.vmx`) in the datacenter at
 * `datacenterPath`, with its live name and power state; undefined when no VM uses that file.
 * Without a SearchIndex or when the datacenter path does not resolve, every VM's
 * `config.files.vmPathName` is compared instead (slower, same answer).
 */
export async function findVmxOwner(client: VimClient, datacenterPath: string, dsPath: string, opts: CallOptions = {}): Promise<VmxOwner | undefined> {
  const dc = await findByInventoryPath(client, datacenterPath, opts);
  let ref: MoRef | undefined;
  if (dc && client.serviceContent.searchIndex) {
    ref = await findVmByDatastorePath(client, dc, dsPath, opts);
  } else {
    const vms = await retrieve(client, 'VirtualMachine', ['config.files.vmPathName'], dc, opts);
    ref = vms.find((o) => asString(o.props['config.files.vmPathName']) === dsPath)?.obj;
  }
  if (!ref) return undefined;
  const o = await retrieveObject(client, ref, ['name', 'runtime.powerState'], opts);
  return { ref, name: asString(o.props.name) ?? ref.value, powerState: asString(o.props['runtime.powerState']) };
}

/** True while the host owns the VM's files (it rewrites the .vmx at power-off or suspend). */
export function isVmActive(powerState: string | undefined): boolean {
  return powerState === 'poweredOn' || powerState === 'suspended';
}
