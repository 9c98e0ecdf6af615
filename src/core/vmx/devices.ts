/**
 * Which virtual device a .vmx key belongs to: `scsi0:1.fileName` → SCSI controller 0, unit 1;
 * `ethernet0.virtualDev` → Ethernet adapter 0; `sched.scsi0:0.shares` → SCSI 0:0.
 *
 * Pure (no 'vscode' import). The extension turns the family ids into localised labels
 * (src/extension/language/labels.ts).
 */

export type DeviceFamilyId =
  | 'ide' | 'scsi' | 'sata' | 'nvme' | 'ethernet' | 'serial' | 'parallel' | 'floppy'
  | 'sharedFolder' | 'pciBridge' | 'pciPassthru' | 'vmci' | 'usb' | 'usbXhci' | 'ehci';

export interface VmxDeviceRef {
  family: DeviceFamilyId;
  /** Controller / device index: 0 in `scsi0:1.fileName`. */
  index: number;
  /** Unit on the controller: 1 in `scsi0:1.fileName`; undefined for controller-level keys. */
  unit?: number;
  /** The controller id as written in the file (case kept): `scsi0`, `usb:0`. */
  controllerId: string;
  /** The unit id as written (`scsi0:1`), or undefined. */
  unitId?: string;
}

interface FamilySpec {
  id: DeviceFamilyId;
  /** Lower-case prefix before the index. */
  prefix: string;
  /** Whether `prefix{n}:{m}.` names a unit on the controller. */
  units: boolean;
}

const FAMILIES: FamilySpec[] = [
  { id: 'ide', prefix: 'ide', units: true },
  { id: 'scsi', prefix: 'scsi', units: true },
  { id: 'sata', prefix: 'sata', units: true },
  { id: 'nvme', prefix: 'nvme', units: true },
  { id: 'ethernet', prefix: 'ethernet', units: false },
  { id: 'serial', prefix: 'serial', units: false },
  { id: 'parallel', prefix: 'parallel', units: false },
  { id: 'floppy', prefix: 'floppy', units: false },
  { id: 'sharedFolder', prefix: 'sharedfolder', units: false },
  { id: 'pciBridge', prefix: 'pcibridge', units: true },
  { id: 'pciPassthru', prefix: 'pcipassthru', units: false },
  { id: 'vmci', prefix: 'vmci', units: false },
  { id: 'usb', prefix: 'usb:', units: false },
  { id: 'usbXhci', prefix: 'usb_xhci:', units: false },
  { id: 'ehci', prefix: 'ehci:', units: false },
];

const BY_PREFIX = new Map(FAMILIES.map((f) => [f.prefix, f]));

// `<letters or letters_letters>[:]<digits>[:<digits>].` after an optional `sched.`
const DEVICE_RE = /^(sched\.)?([a-z][a-z_]*:?)(\d+)(?::(\d+))?\./i;

/** The device a key belongs to, or undefined for keys that are not about an indexed device. */
export function deviceOf(key: string): VmxDeviceRef | undefined {
  const m = DEVICE_RE.exec(key.trim());
  if (!m) return undefined;
  const fam = BY_PREFIX.get(m[2].toLowerCase());
  if (!fam) return undefined;
  const start = m[1]?.length ?? 0;
  const controllerId = key.trim().slice(start, start + m[2].length + m[3].length);
  const index = Number(m[3]);
  if (m[4] === undefined || !fam.units) {
    if (m[4] !== undefined) return undefined; // `ethernet0:1.` is not a form the families use
    return { family: fam.id, index, controllerId };
  }
  return { family: fam.id, index, unit: Number(m[4]), controllerId, unitId: `${controllerId}:${m[4]}` };
}

/** One key = value line, as the outline sees it. */
export interface OutlineEntry {
  key: string;
  value: string;
  line: number;
}

export interface OutlineUnit {
  id: string;
  ref: VmxDeviceRef;
  entries: OutlineEntry[];
}

export interface OutlineController {
  id: string;
  ref: VmxDeviceRef;
  /** Keys of the controller itself (`scsi0.virtualDev`). */
  entries: OutlineEntry[];
  /** Units in order of first appearance (`scsi0:0`, `scsi0:1`). */
  units: OutlineUnit[];
}

export type OutlineNode =
  | { kind: 'entry'; entry: OutlineEntry }
  | { kind: 'controller'; controller: OutlineController };

/**
 * Groups entries by device, in order of first appearance: one node per controller (holding its
 * own keys and its units, each with their keys) and one node per key that is not about a device.
 * Ids are compared case-insensitively (`SCSI0` and `scsi0` are one controller).
 */
export function groupByDevice(entries: readonly OutlineEntry[]): OutlineNode[] {
  const out: OutlineNode[] = [];
  const controllers = new Map<string, OutlineController>();
  for (const e of entries) {
    const ref = deviceOf(e.key);
    if (!ref) {
      out.push({ kind: 'entry', entry: e });
      continue;
    }
    const cid = ref.controllerId.toLowerCase();
    let c = controllers.get(cid);
    if (!c) {
      c = { id: ref.controllerId, ref: { family: ref.family, index: ref.index, controllerId: ref.controllerId }, entries: [], units: [] };
      controllers.set(cid, c);
      out.push({ kind: 'controller', controller: c });
    }
    if (ref.unitId === undefined) {
      c.entries.push(e);
      continue;
    }
    const uid = ref.unitId.toLowerCase();
    let u = c.units.find((x) => x.id.toLowerCase() === uid);
    if (!u) {
      u = { id: ref.unitId, ref, entries: [] };
      c.units.push(u);
    }
    u.entries.push(e);
  }
  return out;
}
