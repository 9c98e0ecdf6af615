/**
 * A source-neutral picture of one VM, as far as backups care.
 *
 * Two builders fill it: `factsFromVmxEntries` (from the .vmx file's key/value lines) and
 * `factsFromApi` (from what the vSphere Web Services client returns for a VirtualMachine).
 * Every fact that came from somewhere carries an `Evidence` pointer, so a finding can show
 * the admin exactly which line or property it is based on.
 *
 * Sources for the keys and values used here: /work/shared/DOMAIN.md sections 1 and 4
 * (VDR 2.0 admin guide; sanbarrow.com vmx FAQ; libvirt src/vmx/vmx.c key comments), and the
 * vSphere Web Services API reference for the property names (VirtualMachineConfigInfo,
 * VirtualMachineRuntimeInfo, GuestInfo, VirtualDisk backings).
 */
import type { VmxDocument } from '../vmx/document';
import type { CreatedOnHint } from './createdOn';

/** Where a fact came from. */
export type Evidence =
  | { kind: 'vmx'; file: string; line: number; key: string; value: string }
  | { kind: 'api'; path: string; value: string }
  | { kind: 'log'; file: string; line: number; text: string; time?: number }
  | { kind: 'option'; name: string; value: string };

export type Bus = 'ide' | 'scsi' | 'sata' | 'nvme';
export type DiskMode = 'persistent' | 'nonpersistent' | 'undoable' | 'independent-persistent' | 'independent-nonpersistent' | 'append';
export type RdmCompatibility = 'physical' | 'virtual';
export type PowerState = 'poweredOn' | 'poweredOff' | 'suspended';

/** Guest family as the backup rules need it. */
export type GuestFamily = 'windows2008' | 'windows2008r2' | 'windows-other' | 'linux' | 'other' | 'unknown';

export interface ControllerFacts {
  bus: Bus;
  /** Bus number: the N in `scsiN`. */
  index: number;
  /** `scsiN.virtualDev` or the API type, e.g. "lsilogic", "VirtualLsiLogicController". */
  model?: string;
  evidence: Evidence[];
}

export interface DiskFacts {
  /** Device id as the .vmx writes it: "scsi0:1", "ide0:0". */
  id: string;
  bus: Bus;
  controller: number;
  unit: number;
  fileName?: string;
  /** Disk mode; undefined means the default (persistent, included in snapshots). */
  mode?: DiskMode | string;
  /** Set for raw device mappings. */
  rdm?: RdmCompatibility;
  /** Per-disk `scsiX:Y.ctkEnabled`; undefined when absent. */
  ctkEnabled?: boolean;
  evidence: Evidence[];
}

export interface VmFacts {
  source: 'vmx' | 'api';
  name?: string;
  /** The guest id in .vmx form (`guestOS`, e.g. "windows7srv-64"). */
  guestIdVmx?: string;
  /** The guest id in API form (`config.guestId`, e.g. "windows7Server64Guest"). */
  guestIdApi?: string;
  guestFamily: GuestFamily;
  /** Virtual hardware version, e.g. 7 for "vmx-07". */
  hardwareVersion?: number;
  /** Raw `disk.EnableUUID` value; undefined when the key is absent. */
  diskEnableUuidRaw?: string;
  /** Parsed `disk.EnableUUID`; undefined when absent. */
  diskEnableUuid?: boolean;
  /** VM-wide changed block tracking (`ctkEnabled` / config.changeTrackingEnabled). */
  ctkEnabled?: boolean;
  controllers: ControllerFacts[];
  disks: DiskFacts[];
  /** Other devices that occupy SCSI slots (CD-ROMs on SCSI, generic SCSI devices). */
  otherScsiDevices: { id: string; bus: 'scsi'; controller: number; unit: number }[];
  /** True/false when known; undefined when the .vmx has no `floppy0.present` key. */
  floppyPresent?: boolean;
  snapshotCount?: number;
  consolidationNeeded?: boolean;
  /** API GuestInfo.toolsRunningStatus: guestToolsRunning / guestToolsNotRunning / guestToolsExecutingScripts. */
  toolsRunningStatus?: string;
  /** API GuestInfo.toolsVersionStatus2: guestToolsCurrent / guestToolsNeedUpgrade / guestToolsTooOld / … */
  toolsVersionStatus?: string;
  /** VMware Tools version as "major.minor.patch" when known. */
  toolsVersion?: string;
  /** The vSphere version the VM was created on, e.g. "4.1", when known (caller-supplied). */
  createdOnVersion?: string;
  /** Set when `createdOnVersion` is an inference (createdOn.ts), not a fact: why it is believed. */
  createdOnInferred?: string;
  powerState?: PowerState;
  /** Evidence per top-level fact name (same names as the fields above). */
  evidence: Partial<Record<FactName, Evidence[]>>;
}

export type FactName =
  | 'name' | 'guestId' | 'hardwareVersion' | 'diskEnableUuid' | 'ctkEnabled' | 'floppyPresent'
  | 'snapshotCount' | 'consolidationNeeded' | 'toolsRunningStatus' | 'toolsVersionStatus' | 'toolsVersion'
  | 'createdOnVersion' | 'powerState';

/** Facts the config cannot tell; the caller may know them (inventory, user input). */
export interface FactHints {
  /** The version the user says the VM was created on (CLI --created-on, the panel's selector). */
  createdOnVersion?: string;
  /** A created-on version with its evidence; `inferred` when it is a guess (ignored when createdOnVersion is set). */
  createdOn?: CreatedOnHint;
  /**
   * Disk descriptors by the file name the .vmx gives (`scsi0:1.fileName`): the small text .vmdk
   * next to the .vmx. Used to tell raw device mappings and their compatibility mode.
   */
  descriptors?: Record<string, { file: string; text: string }>;
  name?: string;
  powerState?: PowerState;
}

// ---------------------------------------------------------------------------------------------
// Guest ids
// ---------------------------------------------------------------------------------------------

/**
 * .vmx `guestOS` value ↔ API `VirtualMachineGuestOsIdentifier`, for the ids this module reasons
 * about. API ids: vSphere API reference, enum VirtualMachineGuestOsIdentifier. .vmx ids: as
 * written by VMware products (sanbarrow.com vmx list; seen in public Packer templates, e.g.
 * `vmware_guest_os_type: "windows7srv-64"` for Windows Server 2008 R2). The full table belongs to
 * the .vmx key catalog; this is only the backup-relevant subset.
 */
const GUEST_IDS: readonly (readonly [vmx: string, api: string, family: GuestFamily])[] = [
  ['longhorn', 'winLonghornGuest', 'windows2008'],
  ['longhorn-64', 'winLonghorn64Guest', 'windows2008'],
  ['windows7srv-64', 'windows7Server64Guest', 'windows2008r2'],
  ['windows8srv-64', 'windows8Server64Guest', 'windows-other'],
  ['winnetstandard', 'winNetStandardGuest', 'windows-other'],
  ['winnetstandard-64', 'winNetStandard64Guest', 'windows-other'],
  ['winnetenterprise', 'winNetEnterpriseGuest', 'windows-other'],
  ['winnetenterprise-64', 'winNetEnterprise64Guest', 'windows-other'],
  ['windows7', 'windows7Guest', 'windows-other'],
  ['windows7-64', 'windows7_64Guest', 'windows-other'],
  ['winxppro', 'winXPProGuest', 'windows-other'],
  ['ubuntu', 'ubuntuGuest', 'linux'],
  ['ubuntu-64', 'ubuntu64Guest', 'linux'],
  ['rhel5', 'rhel5Guest', 'linux'],
  ['rhel5-64', 'rhel5_64Guest', 'linux'],
  ['rhel6-64', 'rhel6_64Guest', 'linux'],
  ['centos-64', 'centos64Guest', 'linux'],
  ['debian5-64', 'debian5_64Guest', 'linux'],
  ['debian6-64', 'debian6_64Guest', 'linux'],
  ['other26xlinux', 'other26xLinuxGuest', 'linux'],
  ['other26xlinux-64', 'other26xLinux64Guest', 'linux'],
  ['otherlinux', 'otherLinuxGuest', 'linux'],
  ['other', 'otherGuest', 'other'],
];

/** Both forms and the family of a guest id given in either form (case-insensitive). */
export function resolveGuestId(id: string | undefined): { vmx?: string; api?: string; family: GuestFamily } {
  if (!id) return { family: 'unknown' };
  const low = id.toLowerCase();
  for (const [vmx, api, family] of GUEST_IDS) {
    if (vmx === low || api.toLowerCase() === low) return { vmx, api, family };
  }
  // Not in our table: guess the family from the name only.
  let family: GuestFamily = 'other';
  if (/^win|^windows/i.test(id)) family = 'windows-other';
  else if (/linux|ubuntu|rhel|centos|debian|suse|sles|fedora|oracle/i.test(id)) family = 'linux';
  return /Guest$/.test(id) ? { api: id, family } : { vmx: id, family };
}

/** True for Windows Server 2008 and 2008 R2: the guests VDR quiesces application-consistently on 4.1. */
export function isWindows2008Family(f: GuestFamily): boolean {
  return f === 'windows2008' || f === 'windows2008r2';
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/** .vmx boolean: TRUE/true/yes/1 → true, FALSE/false/no/0 → false, anything else undefined. */
export function parseVmxBool(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  const t = v.trim().toLowerCase();
  if (t === 'true' || t === 'yes' || t === '1') return true;
  if (t === 'false' || t === 'no' || t === '0') return false;
  return undefined;
}

/** "vmx-07" → 7, "7" → 7. */
export function parseHardwareVersion(v: string | undefined): number | undefined {
  if (!v) return undefined;
  const m = /^(?:vmx-)?0*(\d+)$/i.exec(v.trim());
  return m ? Number(m[1]) : undefined;
}

/**
 * GuestInfo.toolsVersion is an integer: major × 1024 + minor × 32 + patch
 * (e.g. 8295 → 8.3.7, 8384 → 8.6.0). *Unconfirmed*: this is the encoding commonly seen in
 * GuestInfo.toolsVersion values, not checked against an API reference yet; non-integers are returned as written.
 */
export function decodeToolsVersion(v: string | number | undefined): string | undefined {
  if (v === undefined || v === '') return undefined;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isInteger(n) || n <= 0) return String(v);
  return `${Math.floor(n / 1024)}.${Math.floor((n % 1024) / 32)}.${n % 32}`;
}

function emptyFacts(source: 'vmx' | 'api'): VmFacts {
  return {
    source, guestFamily: 'unknown', controllers: [], disks: [], otherScsiDevices: [],
    evidence: {},
  };
}

function applyHints(f: VmFacts, hints: FactHints | undefined): void {
  if (!hints) return;
  if (hints.createdOnVersion) {
    f.createdOnVersion = hints.createdOnVersion;
    f.evidence.createdOnVersion = [{ kind: 'option', name: 'createdOnVersion', value: hints.createdOnVersion }];
  } else if (hints.createdOn) {
    f.createdOnVersion = hints.createdOn.version;
    f.evidence.createdOnVersion = hints.createdOn.evidence;
    if (hints.createdOn.inferred) f.createdOnInferred = hints.createdOn.inferred;
  }
  if (hints.name && !f.name) {
    f.name = hints.name;
    f.evidence.name = [{ kind: 'option', name: 'name', value: hints.name }];
  }
  if (hints.powerState && !f.powerState) {
    f.powerState = hints.powerState;
    f.evidence.powerState = [{ kind: 'option', name: 'powerState', value: hints.powerState }];
  }
}

// ---------------------------------------------------------------------------------------------
// From .vmx entries
// ---------------------------------------------------------------------------------------------

export interface VmxEntry {
  key: string;
  value: string;
  /** 1-based line number in the file. */
  line: number;
}

const DEVICE_KEY = /^(ide|scsi|sata|nvme)(\d+):(\d+)\.(\w+)$/i;
const CONTROLLER_KEY = /^(scsi|sata|nvme)(\d+)\.(\w+)$/i;

type VmxGet = (key: string) => VmxEntry | undefined;
type VmxEvidence = (e: VmxEntry) => Evidence;
/** The keys of one `bus C:U` device, by lower-case property name (`present`, `filename`, `mode`…). */
interface VmxDevice { bus: Bus; c: number; u: number; keys: Map<string, VmxEntry> }

/** The VM-wide facts: name, guest, hardware version, disk.EnableUUID, ctkEnabled, floppy. */
function vmxVmFacts(f: VmFacts, get: VmxGet, ev: VmxEvidence): void {
  const name = get('displayName');
  if (name) { f.name = name.value; f.evidence.name = [ev(name)]; }

  const guest = get('guestOS');
  if (guest) {
    const g = resolveGuestId(guest.value);
    f.guestIdVmx = guest.value;
    f.guestIdApi = g.api;
    f.guestFamily = g.family;
    f.evidence.guestId = [ev(guest)];
  }

  const hw = get('virtualHW.version');
  if (hw) { f.hardwareVersion = parseHardwareVersion(hw.value); f.evidence.hardwareVersion = [ev(hw)]; }

  const uuid = get('disk.EnableUUID');
  if (uuid) {
    f.diskEnableUuidRaw = uuid.value;
    f.diskEnableUuid = parseVmxBool(uuid.value);
    f.evidence.diskEnableUuid = [ev(uuid)];
  }

  const ctk = get('ctkEnabled');
  if (ctk) { f.ctkEnabled = parseVmxBool(ctk.value); f.evidence.ctkEnabled = [ev(ctk)]; }

  const floppy = get('floppy0.present');
  if (floppy) {
    f.floppyPresent = parseVmxBool(floppy.value) === true;
    f.evidence.floppyPresent = [ev(floppy)];
  }
}

/** Present controllers (`scsiN.present = TRUE`…) and the keys of every `bus C:U` device. */
function vmxDeviceKeys(byKey: Map<string, VmxEntry>, get: VmxGet, ev: VmxEvidence): { controllers: Map<string, ControllerFacts>; devices: Map<string, VmxDevice> } {
  const controllers = new Map<string, ControllerFacts>();
  const devices = new Map<string, VmxDevice>();
  for (const e of byKey.values()) {
    const d = DEVICE_KEY.exec(e.key);
    if (d) {
      const id = `${d[1].toLowerCase()}${Number(d[2])}:${Number(d[3])}`;
      let dev = devices.get(id);
      if (!dev) { dev = { bus: d[1].toLowerCase() as Bus, c: Number(d[2]), u: Number(d[3]), keys: new Map() }; devices.set(id, dev); }
      dev.keys.set(d[4].toLowerCase(), e);
      continue;
    }
    const c = CONTROLLER_KEY.exec(e.key);
    if (c && c[3].toLowerCase() === 'present' && parseVmxBool(e.value) === true) {
      const id = `${c[1].toLowerCase()}${Number(c[2])}`;
      const cf: ControllerFacts = { bus: c[1].toLowerCase() as Bus, index: Number(c[2]), evidence: [ev(e)] };
      const model = get(`${id}.virtualDev`);
      if (model) { cf.model = model.value; cf.evidence.push(ev(model)); }
      controllers.set(id, cf);
    }
  }
  return { controllers, devices };
}

/** The disk a present device is, or undefined when it is not a disk (a CD-ROM, a passthrough device). */
function vmxDisk(id: string, dev: VmxDevice, present: VmxEntry, ev: VmxEvidence, hints: FactHints | undefined): DiskFacts | undefined {
  const deviceType = dev.keys.get('devicetype')?.value.toLowerCase();
  const fileName = dev.keys.get('filename');
  const isDisk = deviceType === undefined
    ? fileName !== undefined && /\.vmdk$/i.test(fileName.value)
    : deviceType === 'disk' || deviceType === 'scsi-harddisk' || deviceType === 'ata-harddisk'
      || deviceType === 'rawdisk' || deviceType.startsWith('plaindisk');
  if (!isDisk) return undefined;
  const disk: DiskFacts = { id, bus: dev.bus, controller: dev.c, unit: dev.u, evidence: [ev(present)] };
  if (fileName) { disk.fileName = fileName.value; disk.evidence.push(ev(fileName)); }
  const mode = dev.keys.get('mode');
  if (mode) { disk.mode = mode.value.toLowerCase(); disk.evidence.push(ev(mode)); }
  const dt = dev.keys.get('devicetype');
  if (dt) disk.evidence.push(ev(dt));
  // RDMs: `deviceType = "rawDisk"` (older files), or a mapping file whose descriptor says
  // `createType="vmfsPassthroughRawDeviceMap"` (physical) / `"vmfsRawDeviceMap"` (virtual).
  // The .vmx alone names only the mapping file, conventionally `<vm>_<n>-rdmp.vmdk` for
  // physical and `-rdm.vmdk` for virtual; we use that naming as a hint and say so in evidence.
  if (deviceType === 'rawdisk') {
    disk.rdm = 'physical';
  } else if (fileName && /-rdmp\.vmdk$/i.test(fileName.value)) {
    disk.rdm = 'physical';
  } else if (fileName && /-rdm\.vmdk$/i.test(fileName.value)) {
    disk.rdm = 'virtual';
  }
  const desc = fileName ? hints?.descriptors?.[fileName.value] : undefined;
  if (desc) {
    const r = rdmFromDescriptor(desc.text);
    if (r) {
      disk.rdm = r.compatibility;
      disk.evidence.push({ kind: 'vmx', file: desc.file, line: r.line, key: 'createType', value: r.createType });
    }
  }
  const dctk = dev.keys.get('ctkenabled');
  if (dctk) { disk.ctkEnabled = parseVmxBool(dctk.value); disk.evidence.push(ev(dctk)); }
  return disk;
}

/**
 * Builds facts from the key/value lines of a .vmx (keys compared case-insensitively; when a key
 * repeats, the last one wins, as it would when VMware reads the file — the duplicate itself is
 * the .vmx linter's business).
 */
export function factsFromVmxEntries(entries: readonly VmxEntry[], file: string, hints?: FactHints): VmFacts {
  const f = emptyFacts('vmx');
  const byKey = new Map<string, VmxEntry>();
  for (const e of entries) byKey.set(e.key.toLowerCase(), e);
  const ev: VmxEvidence = (e) => ({ kind: 'vmx', file, line: e.line, key: e.key, value: e.value });
  const get: VmxGet = (k) => byKey.get(k.toLowerCase());
  vmxVmFacts(f, get, ev);

  const { controllers, devices } = vmxDeviceKeys(byKey, get, ev);
  // IDE controllers are always there on VMware virtual hardware (two channels); list those in use.
  f.controllers = [...controllers.values()].sort((a, b) => a.bus.localeCompare(b.bus) || a.index - b.index);

  for (const [id, dev] of [...devices.entries()].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))) {
    const present = dev.keys.get('present');
    if (!present || parseVmxBool(present.value) !== true) continue;
    // A device counts only on a present controller (IDE has no `.present` key of its own).
    if (dev.bus !== 'ide' && !controllers.has(`${dev.bus}${dev.c}`)) continue;
    const disk = vmxDisk(id, dev, present, ev, hints);
    if (disk) f.disks.push(disk);
    else if (dev.bus === 'scsi') f.otherScsiDevices.push({ id, bus: 'scsi', controller: dev.c, unit: dev.u });
  }
  applyHints(f, hints);
  return f;
}

/**
 * Builds facts from the lossless .vmx document (src/core/vmx/document.ts). Its entries are
 * 0-based; evidence here is 1-based like every other line number we show.
 */
export function factsFromVmxDocument(doc: Pick<VmxDocument, 'entries'>, file: string, hints?: FactHints): VmFacts {
  return factsFromVmxEntries(doc.entries().map((e) => ({ key: e.key, value: e.value, line: e.line + 1 })), file, hints);
}

/**
 * Reads `createType` from a disk descriptor: `vmfsPassthroughRawDeviceMap` is a physical-mode RDM,
 * `vmfsRawDeviceMap` a virtual-mode one (VMware Virtual Disk Format 1.1 specification).
 */
export function rdmFromDescriptor(text: string): { compatibility: RdmCompatibility; createType: string; line: number } | undefined {
  if (text.length > 65536) return undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*createType\s*=\s*"([^"]*)"/i.exec(lines[i]);
    if (!m) continue;
    if (/passthroughrawdevicemap/i.test(m[1])) return { compatibility: 'physical', createType: m[1], line: i + 1 };
    if (/rawdevicemap/i.test(m[1])) return { compatibility: 'virtual', createType: m[1], line: i + 1 };
    return undefined;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// From the vSphere API
// ---------------------------------------------------------------------------------------------

/** An OptionValue as the API returns it in config.extraConfig. */
export interface ApiOptionValue {
  key: string;
  value: string | number | boolean;
}

/** A virtual device as the API returns it; `_type` is the xsi:type (VirtualDisk, VirtualLsiLogicController…). */
export interface ApiVirtualDevice {
  _type: string;
  key: number;
  deviceInfo?: { label?: string; summary?: string };
  controllerKey?: number;
  unitNumber?: number;
  /** Controllers: bus number. */
  busNumber?: number;
  /** Controllers: keys of attached devices. */
  device?: number[];
  backing?: {
    _type?: string;
    fileName?: string;
    /** VirtualDiskFlatVer2BackingInfo / RawDiskMappingVer1BackingInfo: persistent, independent_persistent, … */
    diskMode?: string;
    /** RawDiskMappingVer1BackingInfo: physicalMode / virtualMode. */
    compatibilityMode?: string;
    changeId?: string;
  };
}

/**
 * The subset of a VirtualMachine's properties the backup diagnostics read. Names follow the
 * vSphere API (VirtualMachine.config / runtime / guest / snapshot); the client fills it with a
 * PropertyCollector retrieval of those paths.
 */
export interface ApiVmConfig {
  name?: string;
  config?: {
    name?: string;
    /** "vmx-07". */
    version?: string;
    /** "windows7Server64Guest". */
    guestId?: string;
    changeTrackingEnabled?: boolean;
    extraConfig?: ApiOptionValue[];
    hardware?: { device?: ApiVirtualDevice[] };
  };
  runtime?: {
    powerState?: PowerState;
    consolidationNeeded?: boolean;
  };
  guest?: {
    toolsRunningStatus?: string;
    toolsVersionStatus2?: string;
    toolsVersionStatus?: string;
    toolsVersion?: string | number;
  };
  /** VirtualMachineSnapshotInfo; absent when the VM has no snapshot. */
  snapshot?: { rootSnapshotList?: ApiSnapshotTree[] };
}

export interface ApiSnapshotTree {
  name?: string;
  childSnapshotList?: ApiSnapshotTree[];
}

function countSnapshots(list: ApiSnapshotTree[] | undefined): number {
  let n = 0;
  for (const s of list ?? []) n += 1 + countSnapshots(s.childSnapshotList);
  return n;
}

function controllerBus(type: string): Bus | undefined {
  if (/IDEController$/i.test(type)) return 'ide';
  if (/AHCIController$|SATAController$/i.test(type)) return 'sata';
  if (/NVMEController$/i.test(type)) return 'nvme';
  if (/(LsiLogic|LsiLogicSAS|BusLogic|ParaVirtualSCSI|SCSI)Controller$/i.test(type)) return 'scsi';
  return undefined;
}

type ApiEvidence = (path: string, value: unknown) => Evidence;

/** The VM-wide config facts (name, guest, hardware, CBT, disk.EnableUUID); returns extraConfig by lower-case key. */
function apiConfigFacts(f: VmFacts, vm: ApiVmConfig, api: ApiEvidence): Map<string, ApiOptionValue> {
  const cfg = vm.config ?? {};
  const name = vm.name ?? cfg.name;
  if (name !== undefined) { f.name = name; f.evidence.name = [api(vm.name !== undefined ? 'name' : 'config.name', name)]; }

  if (cfg.guestId) {
    const g = resolveGuestId(cfg.guestId);
    f.guestIdApi = cfg.guestId;
    f.guestIdVmx = g.vmx;
    f.guestFamily = g.family;
    f.evidence.guestId = [api('config.guestId', cfg.guestId)];
  }
  if (cfg.version) {
    f.hardwareVersion = parseHardwareVersion(cfg.version);
    f.evidence.hardwareVersion = [api('config.version', cfg.version)];
  }
  if (cfg.changeTrackingEnabled !== undefined) {
    f.ctkEnabled = cfg.changeTrackingEnabled;
    f.evidence.ctkEnabled = [api('config.changeTrackingEnabled', cfg.changeTrackingEnabled)];
  }
  const extra = new Map<string, ApiOptionValue>();
  for (const o of cfg.extraConfig ?? []) extra.set(o.key.toLowerCase(), o);
  const uuid = extra.get('disk.enableuuid');
  if (uuid) {
    f.diskEnableUuidRaw = String(uuid.value);
    f.diskEnableUuid = typeof uuid.value === 'boolean' ? uuid.value : parseVmxBool(String(uuid.value));
    f.evidence.diskEnableUuid = [api(`config.extraConfig[${uuid.key}]`, uuid.value)];
  }
  if (f.ctkEnabled === undefined) {
    const ctk = extra.get('ctkenabled');
    if (ctk) { f.ctkEnabled = parseVmxBool(String(ctk.value)); f.evidence.ctkEnabled = [api(`config.extraConfig[${ctk.key}]`, ctk.value)]; }
  }
  return extra;
}

/** A VirtualDisk on a controller of `bus`, with its mode, RDM compatibility and per-disk CBT. */
function apiDisk(d: ApiVirtualDevice, id: string, bus: Bus, cIndex: number, unit: number, extra: Map<string, ApiOptionValue>, api: ApiEvidence): DiskFacts {
  const path = `config.hardware.device[key=${d.key}]`;
  const disk: DiskFacts = { id, bus, controller: cIndex, unit, evidence: [api(path, d.deviceInfo?.label ?? 'VirtualDisk')] };
  const b = d.backing ?? {};
  if (b.fileName) disk.fileName = b.fileName;
  if (b.diskMode) {
    // The API spells modes with underscores: independent_persistent.
    disk.mode = b.diskMode.replace(/_/g, '-');
    disk.evidence.push(api(`${path}.backing.diskMode`, b.diskMode));
  }
  if (b.compatibilityMode) {
    disk.rdm = /physical/i.test(b.compatibilityMode) ? 'physical' : 'virtual';
    disk.evidence.push(api(`${path}.backing.compatibilityMode`, b.compatibilityMode));
  }
  const dctk = extra.get(`${id}.ctkenabled`);
  if (dctk) { disk.ctkEnabled = parseVmxBool(String(dctk.value)); disk.evidence.push(api(`config.extraConfig[${dctk.key}]`, dctk.value)); }
  return disk;
}

/** Controllers, the floppy, disks and other devices on SCSI slots, from config.hardware.device. */
function apiDeviceFacts(f: VmFacts, vm: ApiVmConfig, extra: Map<string, ApiOptionValue>, api: ApiEvidence): void {
  const devices = vm.config?.hardware?.device ?? [];
  if (vm.config?.hardware?.device) f.floppyPresent = false;
  const byKey = new Map<number, ApiVirtualDevice>();
  for (const d of devices) byKey.set(d.key, d);
  for (const d of devices) {
    const bus = controllerBus(d._type);
    if (bus) {
      f.controllers.push({ bus, index: d.busNumber ?? 0, model: d._type, evidence: [api(`config.hardware.device[key=${d.key}]`, d._type)] });
    }
    if (d._type === 'VirtualFloppy') {
      f.floppyPresent = true;
      f.evidence.floppyPresent = [api(`config.hardware.device[key=${d.key}]`, d.deviceInfo?.label ?? d._type)];
    }
  }
  for (const d of devices) {
    if (d.controllerKey === undefined || d.unitNumber === undefined) continue;
    const ctrl = byKey.get(d.controllerKey);
    const bus = ctrl ? controllerBus(ctrl._type) : undefined;
    if (!ctrl || !bus) continue;
    const cIndex = ctrl.busNumber ?? 0;
    const id = `${bus}${cIndex}:${d.unitNumber}`;
    if (d._type === 'VirtualDisk') f.disks.push(apiDisk(d, id, bus, cIndex, d.unitNumber, extra, api));
    else if (bus === 'scsi') f.otherScsiDevices.push({ id, bus: 'scsi', controller: cIndex, unit: d.unitNumber });
  }
}

/** Snapshots, consolidation, power state and VMware Tools. */
function apiRuntimeFacts(f: VmFacts, vm: ApiVmConfig, api: ApiEvidence): void {
  if (vm.snapshot !== undefined) {
    f.snapshotCount = countSnapshots(vm.snapshot.rootSnapshotList);
    f.evidence.snapshotCount = [api('snapshot.rootSnapshotList', f.snapshotCount)];
  } else if (vm.config) {
    f.snapshotCount = 0;
    f.evidence.snapshotCount = [api('snapshot', 'unset')];
  }
  const rt = vm.runtime ?? {};
  if (rt.consolidationNeeded !== undefined) {
    f.consolidationNeeded = rt.consolidationNeeded;
    f.evidence.consolidationNeeded = [api('runtime.consolidationNeeded', rt.consolidationNeeded)];
  }
  if (rt.powerState) { f.powerState = rt.powerState; f.evidence.powerState = [api('runtime.powerState', rt.powerState)]; }
  const g = vm.guest ?? {};
  if (g.toolsRunningStatus) { f.toolsRunningStatus = g.toolsRunningStatus; f.evidence.toolsRunningStatus = [api('guest.toolsRunningStatus', g.toolsRunningStatus)]; }
  const vs = g.toolsVersionStatus2 ?? g.toolsVersionStatus;
  if (vs) {
    f.toolsVersionStatus = vs;
    f.evidence.toolsVersionStatus = [api(g.toolsVersionStatus2 ? 'guest.toolsVersionStatus2' : 'guest.toolsVersionStatus', vs)];
  }
  if (g.toolsVersion !== undefined && g.toolsVersion !== '') {
    f.toolsVersion = decodeToolsVersion(g.toolsVersion);
    f.evidence.toolsVersion = [api('guest.toolsVersion', g.toolsVersion)];
  }
}

/** Builds facts from the API properties listed in `ApiVmConfig`. */
export function factsFromApi(vm: ApiVmConfig, hints?: FactHints): VmFacts {
  const f = emptyFacts('api');
  const api: ApiEvidence = (path, value) => ({ kind: 'api', path, value: String(value) });
  const extra = apiConfigFacts(f, vm, api);
  apiDeviceFacts(f, vm, extra, api);
  apiRuntimeFacts(f, vm, api);
  applyHints(f, hints);
  return f;
}

/** One-line description of an evidence pointer, e.g. `web01.vmx:12 disk.EnableUUID = "TRUE"`. */
export function formatEvidence(e: Evidence): string {
  switch (e.kind) {
    case 'vmx': return `${e.file}:${e.line} ${e.key} = "${e.value}"`;
    case 'api': return `API: ${e.path} = ${e.value}`;
    case 'log': return `${e.file}:${e.line} ${e.text}`;
    case 'option': return `given: ${e.name} = ${e.value}`;
  }
}
