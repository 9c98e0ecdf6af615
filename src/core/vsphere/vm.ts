/**
 * VM operations (power, reconfigure extraConfig) and the reads backup diagnostics need
 * (extraConfig, devices, snapshot tree, tools status).
 */
import type { VimClient } from './client';
import { asArray, asBoolean, asMoRef, asNumber, asObject, asString, type MoRef, type VimValue } from './decode';
import { retrieveObject, type RetrieveOptions } from './property';
import { xsdString } from './soap';
import { runTask, type TaskResult, type WaitOptions } from './tasks';

export function powerOn(client: VimClient, vm: MoRef, opts: WaitOptions & { host?: MoRef } = {}): Promise<TaskResult> {
  return runTask(client, 'PowerOnVM_Task', vm, opts.host ? [['host', opts.host]] : [], opts);
}

export function powerOff(client: VimClient, vm: MoRef, opts: WaitOptions = {}): Promise<TaskResult> {
  return runTask(client, 'PowerOffVM_Task', vm, [], opts);
}

export function reset(client: VimClient, vm: MoRef, opts: WaitOptions = {}): Promise<TaskResult> {
  return runTask(client, 'ResetVM_Task', vm, [], opts);
}

/** Asks VMware Tools to shut the guest down. Not a task: returns when the request is accepted. */
export async function shutdownGuest(client: VimClient, vm: MoRef, opts: { signal?: AbortSignal } = {}): Promise<void> {
  await client.invoke('ShutdownGuest', vm, [], undefined, { signal: opts.signal });
}

/**
 * Sets (or, with `null`, removes) advanced settings (config.extraConfig) with ReconfigVM_Task.
 * Values are sent as xsd:string, as the vSphere Client does.
 */
export function setExtraConfig(client: VimClient, vm: MoRef, changes: Record<string, string | null>, opts: WaitOptions = {}): Promise<TaskResult> {
  const extraConfig = Object.entries(changes).map(([key, value]) => ({ key, value: xsdString(value ?? '') }));
  return runTask(client, 'ReconfigVM_Task', vm, [['spec', { extraConfig }]], opts);
}

export async function getExtraConfig(client: VimClient, vm: MoRef, opts?: RetrieveOptions): Promise<Record<string, string>> {
  const o = await retrieveObject(client, vm, ['config.extraConfig'], opts);
  return extraConfigToRecord(o.props['config.extraConfig']);
}

export function extraConfigToRecord(v: VimValue | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of asArray(v)) {
    const ov = asObject(item);
    const key = asString(ov?.key);
    if (key !== undefined) out[key] = asString(ov?.value) ?? '';
  }
  return out;
}

export interface DeviceBase {
  key: number;
  type: string;
  label: string;
  summary: string;
  controllerKey?: number;
  unitNumber?: number;
}
export interface ControllerInfo extends DeviceBase {
  kind: 'controller';
  busNumber?: number;
  sharedBus?: string;
  devices: number[];
}
export interface DiskInfo extends DeviceBase {
  kind: 'disk';
  capacityBytes?: number;
  backingType: string;
  fileName?: string;
  datastore?: MoRef;
  /** persistent, independent_persistent, independent_nonpersistent, nonpersistent, undoable, append. */
  diskMode?: string;
  /** RDM only: physicalMode / virtualMode. */
  compatibilityMode?: string;
  rdm: boolean;
  thinProvisioned?: boolean;
  deviceName?: string;
  uuid?: string;
}
export interface RemovableInfo extends DeviceBase {
  kind: 'cdrom' | 'floppy';
  backingType: string;
  fileName?: string;
  deviceName?: string;
  connected?: boolean;
  startConnected?: boolean;
}
export interface OtherDeviceInfo extends DeviceBase {
  kind: 'other';
}
export type DeviceInfo = ControllerInfo | DiskInfo | RemovableInfo | OtherDeviceInfo;

export function toDevice(v: VimValue): DeviceInfo {
  const d = asObject(v) ?? {};
  const type = d._type ?? 'VirtualDevice';
  const info = asObject(d.deviceInfo);
  const b: DeviceBase = {
    key: asNumber(d.key) ?? 0,
    type,
    label: asString(info?.label) ?? type,
    summary: asString(info?.summary) ?? '',
    controllerKey: asNumber(d.controllerKey),
    unitNumber: asNumber(d.unitNumber),
  };
  const backing = asObject(d.backing);
  const backingType = backing?._type ?? '';
  const conn = asObject(d.connectable);
  if (type === 'VirtualDisk') {
    const kb = asNumber(d.capacityInKB);
    return {
      ...b, kind: 'disk', backingType,
      capacityBytes: asNumber(d.capacityInBytes) ?? (kb !== undefined ? kb * 1024 : undefined),
      fileName: asString(backing?.fileName),
      datastore: asMoRef(backing?.datastore),
      diskMode: asString(backing?.diskMode),
      compatibilityMode: asString(backing?.compatibilityMode),
      rdm: backingType === 'VirtualDiskRawDiskMappingVer1BackingInfo',
      thinProvisioned: asBoolean(backing?.thinProvisioned),
      deviceName: asString(backing?.deviceName),
      uuid: asString(backing?.uuid),
    };
  }
  if (type === 'VirtualCdrom' || type === 'VirtualFloppy') {
    return {
      ...b, kind: type === 'VirtualCdrom' ? 'cdrom' : 'floppy', backingType,
      fileName: asString(backing?.fileName), deviceName: asString(backing?.deviceName),
      connected: asBoolean(conn?.connected), startConnected: asBoolean(conn?.startConnected),
    };
  }
  if (/Controller$/.test(type) || d.busNumber !== undefined) {
    return {
      ...b, kind: 'controller', busNumber: asNumber(d.busNumber), sharedBus: asString(d.sharedBus),
      devices: asArray(d.device).map((x) => asNumber(x)).filter((x): x is number => x !== undefined),
    };
  }
  return { ...b, kind: 'other' };
}

export interface SnapshotNode {
  ref?: MoRef;
  name: string;
  description: string;
  id?: number;
  createTime?: string;
  state?: string;
  quiesced?: boolean;
  children: SnapshotNode[];
}

export function toSnapshotTree(v: VimValue | undefined): SnapshotNode[] {
  return asArray(v).map((x) => {
    const s = asObject(x) ?? {};
    return {
      ref: asMoRef(s.snapshot),
      name: asString(s.name) ?? '',
      description: asString(s.description) ?? '',
      id: asNumber(s.id),
      createTime: asString(s.createTime),
      state: asString(s.state),
      quiesced: asBoolean(s.quiesced),
      children: toSnapshotTree(s.childSnapshotList),
    };
  });
}

export interface VmDiagnostics {
  name: string;
  powerState?: string;
  extraConfig: Record<string, string>;
  devices: DeviceInfo[];
  snapshots: SnapshotNode[];
  currentSnapshot?: MoRef;
  toolsRunningStatus?: string;
  toolsVersionStatus2?: string;
  guestId?: string;
  hwVersion?: string;
}

/** Everything backup diagnostics reads from a VM, in one retrieve. */
export async function getVmDiagnostics(client: VimClient, vm: MoRef, opts?: RetrieveOptions): Promise<VmDiagnostics> {
  const o = await retrieveObject(client, vm, [
    'name', 'runtime.powerState', 'config.extraConfig', 'config.hardware.device', 'snapshot',
    'guest.toolsRunningStatus', 'guest.toolsVersionStatus2', 'config.guestId', 'config.version',
  ], opts);
  const p = o.props;
  const snap = asObject(p.snapshot);
  return {
    name: asString(p.name) ?? vm.value,
    powerState: asString(p['runtime.powerState']),
    extraConfig: extraConfigToRecord(p['config.extraConfig']),
    devices: asArray(p['config.hardware.device']).map(toDevice),
    snapshots: toSnapshotTree(snap?.rootSnapshotList),
    currentSnapshot: asMoRef(snap?.currentSnapshot),
    toolsRunningStatus: asString(p['guest.toolsRunningStatus']),
    toolsVersionStatus2: asString(p['guest.toolsVersionStatus2']),
    guestId: asString(p['config.guestId']),
    hwVersion: asString(p['config.version']),
  };
}
