/**
 * Reads what backup diagnostics need from a live VirtualMachine and turns it into the
 * `ApiVmConfig` shape `factsFromApi` takes. The property names are the vSphere API's
 * (VirtualMachine.config / runtime / guest / snapshot); the device, snapshot and extraConfig
 * decoding is vm.ts's.
 */
import type { VimClient } from '../vsphere/client';
import type { MoRef, VimValue } from '../vsphere/decode';
import { asBoolean, asMoRef, asNumber, asObject, asString, asArray } from '../vsphere/decode';
import { VimFaultError } from '../vsphere/errors';
import { retrieveObject, retrieveProperty, type RetrieveOptions } from '../vsphere/property';
import { extraConfigToRecord, getVmDiagnostics, toSnapshotTree, type DeviceInfo, type SnapshotNode } from '../vsphere/vm';
import type { RunningHostProduct } from './createdOn';
import type { ApiSnapshotTree, ApiVirtualDevice, ApiVmConfig, PowerState } from './facts';

/** Properties read in one retrieve. The last three are not in every API version (vSphere 4.1 lacks consolidationNeeded). */
export const BACKUP_VM_PROPERTIES = [
  'name', 'runtime.powerState', 'config.extraConfig', 'config.hardware.device', 'snapshot',
  'guest.toolsRunningStatus', 'guest.toolsVersionStatus2', 'config.guestId', 'config.version',
  'config.changeTrackingEnabled', 'runtime.consolidationNeeded', 'guest.toolsVersion',
] as const;

export function deviceToApi(d: DeviceInfo, raw?: VimValue): ApiVirtualDevice {
  const out: ApiVirtualDevice = { _type: d.type, key: d.key, deviceInfo: { label: d.label, summary: d.summary } };
  if (d.controllerKey !== undefined) out.controllerKey = d.controllerKey;
  if (d.unitNumber !== undefined) out.unitNumber = d.unitNumber;
  if (d.kind === 'controller') {
    // toDevice reads busNumber only for controllers; keep it for every bus type.
    out.busNumber = d.busNumber ?? asNumber(asObject(raw)?.busNumber);
    out.device = d.devices;
  }
  if (d.kind === 'disk') {
    out.backing = { _type: d.backingType };
    if (d.fileName !== undefined) out.backing.fileName = d.fileName;
    if (d.diskMode !== undefined) out.backing.diskMode = d.diskMode;
    if (d.compatibilityMode !== undefined) out.backing.compatibilityMode = d.compatibilityMode;
  }
  return out;
}

/**
 * `deviceToApi(toDevice(v), v)` in one step, without the DeviceInfo in between (a sweep converts
 * tens of thousands of devices): the same fields, the same defaults.
 */
export function apiDeviceFromValue(v: VimValue): ApiVirtualDevice {
  const d = asObject(v) ?? {};
  const type = typeof d._type === 'string' ? d._type : 'VirtualDevice';
  const info = asObject(d.deviceInfo);
  const out: ApiVirtualDevice = { _type: type, key: asNumber(d.key) ?? 0, deviceInfo: { label: asString(info?.label) ?? type, summary: asString(info?.summary) ?? '' } };
  const controllerKey = asNumber(d.controllerKey);
  if (controllerKey !== undefined) out.controllerKey = controllerKey;
  const unitNumber = asNumber(d.unitNumber);
  if (unitNumber !== undefined) out.unitNumber = unitNumber;
  if (type === 'VirtualDisk') {
    const b = asObject(d.backing);
    out.backing = { _type: typeof b?._type === 'string' ? b._type : '' };
    const fileName = asString(b?.fileName);
    if (fileName !== undefined) out.backing.fileName = fileName;
    const diskMode = asString(b?.diskMode);
    if (diskMode !== undefined) out.backing.diskMode = diskMode;
    const compatibilityMode = asString(b?.compatibilityMode);
    if (compatibilityMode !== undefined) out.backing.compatibilityMode = compatibilityMode;
  } else if (type !== 'VirtualCdrom' && type !== 'VirtualFloppy' && (type.endsWith('Controller') || d.busNumber !== undefined)) {
    out.busNumber = asNumber(d.busNumber);
    out.device = asArray(d.device).map((x) => asNumber(x)).filter((x): x is number => x !== undefined);
  }
  return out;
}

function snapshotsToApi(list: SnapshotNode[]): ApiSnapshotTree[] {
  return list.map((s) => ({ name: s.name, childSnapshotList: snapshotsToApi(s.children) }));
}

/** Builds `ApiVmConfig` from the properties of one retrieve (paths as in BACKUP_VM_PROPERTIES). */
export function apiVmConfigFromProps(p: Record<string, VimValue | undefined>): ApiVmConfig {
  const extra = extraConfigToRecord(p['config.extraConfig']);
  const rawDevices = asArray(p['config.hardware.device']);
  const snap = asObject(p.snapshot);
  const vm: ApiVmConfig = {
    config: {
      extraConfig: Object.entries(extra).map(([key, value]) => ({ key, value })),
      hardware: { device: rawDevices.map(apiDeviceFromValue) },
    },
    runtime: {},
    guest: {},
  };
  const name = asString(p.name);
  if (name !== undefined) vm.name = name;
  const cfg = vm.config!;
  const guestId = asString(p['config.guestId']);
  if (guestId) cfg.guestId = guestId;
  const version = asString(p['config.version']);
  if (version) cfg.version = version;
  const cbt = asBoolean(p['config.changeTrackingEnabled']);
  if (cbt !== undefined) cfg.changeTrackingEnabled = cbt;
  const power = asString(p['runtime.powerState']);
  if (power === 'poweredOn' || power === 'poweredOff' || power === 'suspended') vm.runtime!.powerState = power as PowerState;
  const cons = asBoolean(p['runtime.consolidationNeeded']);
  if (cons !== undefined) vm.runtime!.consolidationNeeded = cons;
  const running = asString(p['guest.toolsRunningStatus']);
  if (running) vm.guest!.toolsRunningStatus = running;
  const vs2 = asString(p['guest.toolsVersionStatus2']);
  if (vs2) vm.guest!.toolsVersionStatus2 = vs2;
  const tv = asString(p['guest.toolsVersion']);
  if (tv) vm.guest!.toolsVersion = tv;
  if (snap) vm.snapshot = { rootSnapshotList: snapshotsToApi(toSnapshotTree(snap.rootSnapshotList)) };
  return vm;
}

/**
 * Reads a VM for backup diagnostics in one retrieve. An API that does not know one of the newer
 * properties (InvalidProperty) is asked again with vm.ts's base set.
 */
export async function readVmForBackup(client: VimClient, vm: MoRef, opts?: RetrieveOptions): Promise<ApiVmConfig> {
  try {
    const o = await retrieveObject(client, vm, BACKUP_VM_PROPERTIES, opts);
    return apiVmConfigFromProps(o.props);
  } catch (e) {
    if (!(e instanceof VimFaultError) || e.faultType !== 'InvalidProperty') throw e;
    const d = await getVmDiagnostics(client, vm, opts);
    const props: Record<string, VimValue | undefined> = {
      name: d.name, 'runtime.powerState': d.powerState, 'config.guestId': d.guestId, 'config.version': d.hwVersion,
      'guest.toolsRunningStatus': d.toolsRunningStatus, 'guest.toolsVersionStatus2': d.toolsVersionStatus2,
    };
    const out = apiVmConfigFromProps(props);
    out.config!.extraConfig = Object.entries(d.extraConfig).map(([key, value]) => ({ key, value }));
    out.config!.hardware = { device: d.devices.map((x) => deviceToApi(x)) };
    if (d.snapshots.length) out.snapshot = { rootSnapshotList: snapshotsToApi(d.snapshots) };
    return out;
  }
}

/**
 * The product of the host running the VM, for the created-on inference (createdOn.ts): the VM's
 * `runtime.host` → that HostSystem's `config.product`; on a direct ESX(i) connection (HostAgent)
 * without it, the service's `about`. Undefined when neither can be read (best effort: a missing
 * hint only means the rule cannot guess).
 */
export async function readRunningHostProduct(client: VimClient, vm: MoRef, opts?: RetrieveOptions): Promise<RunningHostProduct | undefined> {
  try {
    const hostRef = asMoRef(await retrieveProperty(client, vm, 'runtime.host', opts));
    if (hostRef) {
      const h = await retrieveObject(client, hostRef, ['config.product.version', 'config.product.fullName'], opts);
      const version = asString(h.props['config.product.version']);
      if (version) {
        const fullName = asString(h.props['config.product.fullName']);
        return { version, ...(fullName ? { fullName } : {}), path: `HostSystem:${hostRef.value} config.product.version` };
      }
    }
  } catch (e) {
    if (opts?.signal?.aborted) throw e;
  }
  const about = client.serviceContent?.about;
  if (about?.apiType === 'HostAgent' && about.version) {
    return { version: about.version, ...(about.fullName ? { fullName: about.fullName } : {}), path: 'ServiceContent.about.version' };
  }
  return undefined;
}
