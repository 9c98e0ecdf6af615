/**
 * The USB boot helper: make a VMware Workstation VM boot from a USB key by editing its .vmx, and
 * take the change back exactly.
 *
 * Facts (DOMAIN.md §4–5 and the sources cited there):
 * - Workstation's BIOS cannot boot from USB. Workaround ("Plop route"): attach the Plop Boot Manager
 *   ISO as a CD-ROM, boot the CD first, give the VM a USB controller with the key connected, and pick
 *   USB in Plop's menu (ivobeerens.nl 2009-10-16 "Boot from USB in VMware Workstation").
 * - Plop Boot Manager 5 brings its own USB 1.1 (UHCI/OHCI) and USB 2.0 (EHCI) drivers but none for
 *   USB 3 (xHCI) (blog.zs64.net 2012-02 "Booting from an USB disk"; grokipedia "Plop Boot Manager",
 *   feature list of PBM 5.0.15), and it is a BIOS program: so the Plop route uses EHCI, turns an
 *   existing xHCI controller off while applied, and is not offered on UEFI firmware.
 * - UEFI VMs ("firmware route"): power on to the firmware, connect the key, choose "EFI USB"
 *   (communities.vmware.com thread 948667). `bios.forceSetupOnce = "TRUE"` enters the firmware setup
 *   at the next power-on and the product sets it back to FALSE afterwards (findcomputerstuff.com 2012
 *   "Accessing the VMware BIOS screen at startup", citing the VMware KB; 1310nm.net 2018-05-01 "How
 *   to enter that VMware BIOS Setup Prompt"; a Workstation forum post uses it with firmware = "efi",
 *   workstation207.rssing.com article 1588). Confirmed by those sources, not by VMware documentation.
 * - Hardware versions (catalog `virtualHW.version`, VMware KB 1003746): 7 = Workstation 6.5/7.x,
 *   8 = Workstation 8 / ESXi 5.0, 10 = Workstation 10 / ESXi 5.5. The USB 3 controller
 *   (VirtualUSBXHCIController, `usb_xhci.present`) exists since vSphere API 5.0, i.e. hardware 8;
 *   SATA (AHCI) needs hardware 10 (catalog `sata{n}.present`). USB 2.0 (EHCI) came with
 *   Workstation 6 (hardware 6); older hardware gets the USB 1.1 controller only.
 * - Keys are case-insensitive and a key present twice makes the VM fail to start (DOMAIN.md §4), so
 *   a file with duplicates is refused. VMware keeps unknown keys when it rewrites the file but not
 *   comments, so what we changed is recorded in a key of ours, `vsphereLab.usbBoot.undo`.
 *
 * Everything here is pure (a VmxDocument in, changes out) except `preflightVmxFile`, which looks at
 * the file system (locks, permissions).
 */
import { promises as fsp, constants as fsc } from 'node:fs';
import * as path from 'node:path';
import { parseLine, VmxEncodingError, type VmxDocument, type VmxLine } from './document';
import { escapeValue } from './encoding';
import { findVmLocks } from './locks';

export const USB_BOOT_UNDO_KEY = 'vsphereLab.usbBoot.undo';

export type UsbBootRoute = 'plop' | 'firmware';
export type UsbControllerKind = 'usb1' | 'usb2' | 'usb3';
export type VmFirmware = 'bios' | 'efi';

export interface UsbBootOptions {
  /** The boot manager ISO (Plop) as it will be written in `fileName`: give an absolute path. */
  iso?: string;
  /** 'auto' (default): Plop on BIOS VMs, the firmware route on UEFI VMs. */
  route?: 'auto' | UsbBootRoute;
  /** 'auto' (default): USB 2.0 for Plop (USB 1.1 before hardware 6), USB 3 for the firmware route from hardware 8. */
  usb?: 'auto' | UsbControllerKind;
}

export type UsbBootRole = 'cdrom' | 'boot-order' | 'usb' | 'firmware-setup';

export interface UsbBootChange {
  key: string;
  /** The decoded value now, or undefined when the key is absent (it will be added). */
  before: string | undefined;
  after: string;
  role: UsbBootRole;
}

export type UsbBootNoteCode =
  /** Another CD-ROM is connected; the BIOS might boot it rather than Plop. */
  | 'other-cdrom'
  /** The Plop route turned the USB 3 controller off (Plop has no xHCI driver). */
  | 'xhci-disabled'
  /** USB 3 was asked for the Plop route, which cannot use it. */
  | 'usb3-with-plop'
  /** Hardware older than 6: USB 1.1 only (slow). */
  | 'usb1-only'
  /** No virtualHW.version in the file. */
  | 'hardware-unknown'
  /** The CD-ROM went on SATA because every IDE slot is taken. */
  | 'sata-cdrom';

export interface UsbBootNote {
  code: UsbBootNoteCode;
  /** English text (the CLI prints it; the extension localises from `code` and the fields). */
  message: string;
  slot?: string;
  fileName?: string;
}

export interface UsbBootPlan {
  route: UsbBootRoute;
  firmware: VmFirmware;
  /** virtualHW.version, when the file has one. */
  hardwareVersion: number | undefined;
  /** Where the CD-ROM goes (Plop route), e.g. "ide1:0" or "sata0:1". */
  cdSlot: string | undefined;
  controller: UsbControllerKind;
  iso: string | undefined;
  changes: UsbBootChange[];
  notes: UsbBootNote[];
}

export type UsbBootErrorCode =
  | 'already-applied'
  | 'not-applied'
  | 'duplicate-keys'
  | 'no-free-cd-slot'
  | 'iso-required'
  | 'route-unsupported'
  | 'usb-unsupported'
  | 'encoding'
  | 'undecodable-line'
  | 'undo-record-invalid'
  | 'stale-plan'
  | 'vm-running'
  | 'read-only';

export interface UsbBootErrorDetails {
  key?: string;
  /** Duplicate keys (lower case) with their 0-based lines. */
  duplicates?: { key: string; lines: number[] }[];
  /** 0-based line. */
  line?: number;
  locks?: string[];
  file?: string;
  hardwareVersion?: number;
  firmware?: VmFirmware;
  route?: UsbBootRoute;
  usb?: UsbControllerKind;
}

/** A refusal: nothing was changed. `code` is stable; the message says what to do. */
export class UsbBootError extends Error {
  constructor(
    readonly code: UsbBootErrorCode,
    message: string,
    readonly details: UsbBootErrorDetails = {},
  ) {
    super(message);
    this.name = 'UsbBootError';
  }
}

/** What the undo key holds. */
interface UndoRecord {
  v: 1;
  route: UsbBootRoute;
  /** [key, the whole original line (null: the key was added), the value we set], in the order applied. */
  keys: [string, string | null, string][];
}

const IDE_SLOTS = ['ide1:0', 'ide1:1', 'ide0:1', 'ide0:0'];
const SATA_CONTROLLERS = 4;
const SATA_UNITS = 30;

/** VMware's reading of a boolean value (TRUE/FALSE, also yes/no, 1/0). */
export function isTrue(v: string | undefined): boolean {
  return v !== undefined && /^\s*(true|yes|on|1)\s*$/i.test(v);
}

export function vmFirmware(doc: VmxDocument): VmFirmware {
  return (doc.get('firmware') ?? '').trim().toLowerCase() === 'efi' ? 'efi' : 'bios';
}

export function hardwareVersion(doc: VmxDocument): number | undefined {
  const v = doc.get('virtualHW.version');
  if (v === undefined || !/^\s*\d+\s*$/.test(v)) return undefined;
  return Number(v.trim());
}

/** Whether the helper is applied (our undo key is in the file). */
export function isUsbBootApplied(doc: VmxDocument): boolean {
  return doc.has(USB_BOOT_UNDO_KEY);
}

function duplicatesError(doc: VmxDocument, only?: Set<string>): UsbBootError | undefined {
  const dups = doc.duplicates().filter((d) => !only || only.has(d.key));
  if (dups.length === 0) return undefined;
  const list = dups.map((d) => `"${doc.line(d.lines[0]).key ?? d.key}" on lines ${d.lines.map((l) => l + 1).join(', ')}`).join('; ');
  return new UsbBootError(
    'duplicate-keys',
    `the file sets the same key more than once (${list}); VMware refuses such a file and "its value" is ambiguous. Remove the duplicates first (the .vmx lint's quick fix "Remove this line", or vlab vmx lint to list them)`,
    { duplicates: dups.map((d) => ({ key: d.key, lines: d.lines })) },
  );
}

/** The line of `key`, refusing lines whose bytes are not valid in the file's encoding (we could not restore them exactly). */
function lineOf(doc: VmxDocument, key: string): { index: number; line: VmxLine } | undefined {
  const at = doc.find(key);
  if (at.length === 0) return undefined;
  const line = doc.line(at[0]);
  if (line.raw) {
    throw new UsbBootError('undecodable-line', `line ${at[0] + 1} (${key}) has bytes that are not valid ${doc.encoding ?? 'UTF-8'}; fix that line first`, { key, line: at[0] });
  }
  return { index: at[0], line };
}

/** The boot order with the CD-ROM first; undefined when it already is. */
export function bootOrderWithCdFirst(current: string | undefined): string | undefined {
  const items = (current ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (items.length > 0 && items[0].toLowerCase() === 'cdrom') return undefined;
  if (items.length === 0) return 'cdrom,hdd';
  return ['cdrom', ...items.filter((s) => s.toLowerCase() !== 'cdrom')].join(',');
}

function isCdrom(doc: VmxDocument, slot: string): boolean {
  return isTrue(doc.get(`${slot}.present`)) && /cdrom/i.test(doc.get(`${slot}.deviceType`) ?? '');
}

/** Slots ("ide1:0", "sata0:2"…) holding a present CD-ROM. */
function presentCdroms(doc: VmxDocument): string[] {
  const out = new Set<string>();
  for (const e of doc.entries()) {
    const m = /^((?:ide|sata|scsi)\d+:\d+)\.present$/i.exec(e.key);
    if (m && isCdrom(doc, m[1].toLowerCase())) out.add(m[1].toLowerCase());
  }
  return [...out];
}

/** A free slot for the CD-ROM: IDE first (every hardware version), else SATA from hardware 10. */
function chooseCdSlot(doc: VmxDocument, hw: number | undefined): { slot: string; controllerKey?: string } {
  for (const s of IDE_SLOTS) if (!isTrue(doc.get(`${s}.present`))) return { slot: s };
  if (hw !== undefined && hw >= 10) {
    const present = [...Array(SATA_CONTROLLERS).keys()].filter((n) => isTrue(doc.get(`sata${n}.present`)));
    const controllers = present.length > 0 ? present : [0];
    for (const n of controllers) {
      for (let u = 0; u < SATA_UNITS; u++) {
        if (!isTrue(doc.get(`sata${n}:${u}.present`))) return { slot: `sata${n}:${u}`, controllerKey: present.length > 0 ? undefined : `sata${n}.present` };
      }
    }
  }
  throw new UsbBootError(
    'no-free-cd-slot',
    hw !== undefined && hw >= 10
      ? 'no free CD-ROM slot: the four IDE slots (ide0:0–ide1:1) and every SATA slot hold devices; remove one (or free ide1:0) and try again'
      : `no free CD-ROM slot: the four IDE slots (ide0:0–ide1:1) hold devices and SATA needs hardware version 10 (this VM: ${hw ?? 'unknown'}); remove a device from ide1:0 or ide1:1 and try again`,
    { hardwareVersion: hw },
  );
}

/**
 * What the helper would change in `doc`. Throws UsbBootError (nothing changed) when it cannot:
 * already applied, duplicate keys, no free CD slot, no ISO for the Plop route, a route or USB
 * controller this VM cannot use, an ISO path the file's encoding cannot hold.
 */
export function planUsbBoot(doc: VmxDocument, options: UsbBootOptions = {}): UsbBootPlan {
  if (isUsbBootApplied(doc)) {
    throw new UsbBootError('already-applied', `the USB boot helper is already applied to this file (key ${USB_BOOT_UNDO_KEY}); remove it first (vlab vmx usb-boot FILE --undo, or "Remove USB Boot Helper")`);
  }
  const dup = duplicatesError(doc);
  if (dup) throw dup;

  const firmware = vmFirmware(doc);
  const hw = hardwareVersion(doc);
  const requested = options.route ?? 'auto';
  const route: UsbBootRoute = requested === 'auto' ? (firmware === 'efi' ? 'firmware' : 'plop') : requested;
  if (route === 'plop' && firmware === 'efi') {
    throw new UsbBootError(
      'route-unsupported',
      'this VM uses UEFI firmware (firmware = "efi") and the Plop Boot Manager only runs on BIOS firmware; use the firmware route instead (power on to the firmware setup and choose "EFI USB")',
      { route, firmware },
    );
  }
  if (route === 'firmware' && firmware !== 'efi') {
    throw new UsbBootError(
      'route-unsupported',
      'this VM uses BIOS firmware, whose setup cannot boot from USB; use the Plop route (a boot manager ISO on a CD-ROM)',
      { route, firmware },
    );
  }

  const notes: UsbBootNote[] = [];
  if (hw === undefined) notes.push({ code: 'hardware-unknown', message: 'the file has no virtualHW.version; assuming a hardware version that supports USB 2.0' });
  const requestedUsb = options.usb ?? 'auto';
  let controller: UsbControllerKind;
  if (requestedUsb === 'auto') {
    if (route === 'firmware') controller = hw !== undefined && hw >= 8 ? 'usb3' : 'usb2';
    else controller = hw !== undefined && hw < 6 ? 'usb1' : 'usb2';
  } else {
    controller = requestedUsb;
  }
  if (controller === 'usb3' && (hw === undefined || hw < 8)) {
    throw new UsbBootError('usb-unsupported', `a USB 3 (xHCI) controller needs hardware version 8 or later (Workstation 8); this VM has ${hw ?? 'no virtualHW.version'}. Choose USB 2.0`, { usb: controller, hardwareVersion: hw });
  }
  if (controller === 'usb2' && hw !== undefined && hw < 6) {
    throw new UsbBootError('usb-unsupported', `a USB 2.0 (EHCI) controller needs hardware version 6 or later (Workstation 6); this VM has ${hw}. Choose USB 1.1`, { usb: controller, hardwareVersion: hw });
  }
  if (controller === 'usb1') notes.push({ code: 'usb1-only', message: 'USB 1.1 only (this hardware version has no USB 2.0 controller): booting from the key will be slow' });
  if (controller === 'usb3' && route === 'plop') notes.push({ code: 'usb3-with-plop', message: 'Plop has no USB 3 (xHCI) driver: it will not see a key attached to the USB 3 controller' });

  const changes: UsbBootChange[] = [];
  const want = (key: string, after: string, role: UsbBootRole, kind: 'bool' | 'string' = 'string'): void => {
    const found = lineOf(doc, key);
    const before = found ? doc.decodeValue(found.line.rawValue ?? '') : undefined;
    // a boolean already meaning the same (TRUE, "true", "yes"…) is left as written
    if (before !== undefined && (kind === 'bool' ? isTrue(before) === isTrue(after) : before === after)) return;
    changes.push({ key: found ? (found.line.key ?? key) : key, before, after, role });
  };

  let cdSlot: string | undefined;
  let iso: string | undefined;
  if (route === 'plop') {
    iso = options.iso;
    if (iso === undefined || iso.trim() === '') {
      throw new UsbBootError('iso-required', 'the Plop route needs the boot manager ISO (plpbt.iso): give its path');
    }
    if (!doc.codec.canEncode(iso)) {
      throw new UsbBootError('encoding', `the ISO path cannot be written in this file's encoding (${doc.encoding ?? 'UTF-8'}); move the ISO to a folder whose name it can hold`, { file: iso });
    }
    const others = presentCdroms(doc);
    const { slot, controllerKey } = chooseCdSlot(doc, hw);
    cdSlot = slot;
    if (controllerKey) want(controllerKey, 'TRUE', 'cdrom', 'bool');
    if (slot.startsWith('sata')) notes.push({ code: 'sata-cdrom', slot, message: `every IDE slot is taken: the CD-ROM goes on SATA (${slot})` });
    want(`${slot}.present`, 'TRUE', 'cdrom', 'bool');
    want(`${slot}.deviceType`, 'cdrom-image', 'cdrom');
    want(`${slot}.fileName`, iso, 'cdrom');
    want(`${slot}.startConnected`, 'TRUE', 'cdrom', 'bool');
    if (isTrue(doc.get(`${slot}.clientDevice`))) want(`${slot}.clientDevice`, 'FALSE', 'cdrom', 'bool');
    const order = bootOrderWithCdFirst(doc.get('bios.bootOrder'));
    if (order !== undefined) want('bios.bootOrder', order, 'boot-order');
    for (const other of others) {
      if (isTrue(doc.get(`${other}.startConnected`)) || doc.get(`${other}.startConnected`) === undefined) {
        const fileName = doc.get(`${other}.fileName`);
        notes.push({ code: 'other-cdrom', slot: other, fileName, message: `the VM has another CD-ROM at ${other}${fileName ? ` (${fileName})` : ''}; if the BIOS boots it instead of Plop, disconnect it for this boot` });
      }
    }
  }

  want('usb.present', 'TRUE', 'usb', 'bool');
  if (controller === 'usb2') want('ehci.present', 'TRUE', 'usb', 'bool');
  if (controller === 'usb3') want('usb_xhci.present', 'TRUE', 'usb', 'bool');
  if (route === 'plop' && controller !== 'usb3' && isTrue(doc.get('usb_xhci.present'))) {
    want('usb_xhci.present', 'FALSE', 'usb', 'bool');
    notes.push({ code: 'xhci-disabled', message: 'the USB 3 (xHCI) controller is turned off while the helper is applied, so the key attaches to USB 2.0 where Plop can see it' });
  }
  want('usb.generic.autoconnect', 'TRUE', 'usb', 'bool');
  if (route === 'firmware') want('bios.forceSetupOnce', 'TRUE', 'firmware-setup', 'bool');

  return { route, firmware, hardwareVersion: hw, cdSlot, controller, iso, changes, notes };
}

/** JSON with every non-ASCII character escaped, so the record fits any file encoding. */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/**
 * Applies `plan` (from `planUsbBoot` on this same document) and records what it changed under
 * `vsphereLab.usbBoot.undo`. Throws UsbBootError when the document changed since the plan.
 */
export function applyUsbBootPlan(doc: VmxDocument, plan: UsbBootPlan): void {
  if (isUsbBootApplied(doc)) throw new UsbBootError('already-applied', 'the USB boot helper is already applied to this file');
  const record: UndoRecord = { v: 1, route: plan.route, keys: [] };
  // check everything first, so that a refusal leaves the document as it was
  const dup = duplicatesError(doc, new Set(plan.changes.map((c) => c.key.toLowerCase())));
  if (dup) throw dup;
  for (const c of plan.changes) {
    const found = lineOf(doc, c.key);
    const now = found ? doc.decodeValue(found.line.rawValue ?? '') : undefined;
    if (now !== c.before) throw new UsbBootError('stale-plan', `${c.key} changed since the plan was made; plan again`, { key: c.key });
    if (!doc.codec.canEncode(escapeValue(c.after))) {
      throw new UsbBootError('encoding', `the value for ${c.key} cannot be written in this file's encoding (${doc.encoding ?? 'UTF-8'})`, { key: c.key });
    }
    record.keys.push([c.key, found ? found.line.text : null, c.after]);
  }
  try {
    for (const c of plan.changes) doc.set(c.key, c.after);
    doc.set(USB_BOOT_UNDO_KEY, asciiJson(record));
  } catch (e) {
    // not expected after the checks above
    if (e instanceof VmxEncodingError) throw new UsbBootError('encoding', e.message);
    throw e;
  }
}

/** Plans and applies in one go; returns the plan. */
export function applyUsbBoot(doc: VmxDocument, options: UsbBootOptions = {}): UsbBootPlan {
  const plan = planUsbBoot(doc, options);
  applyUsbBootPlan(doc, plan);
  return plan;
}

function readRecord(doc: VmxDocument): UndoRecord {
  const at = doc.find(USB_BOOT_UNDO_KEY);
  if (at.length === 0) {
    throw new UsbBootError('not-applied', `the USB boot helper is not applied to this file (no ${USB_BOOT_UNDO_KEY} key): nothing to remove`);
  }
  if (at.length > 1) {
    throw new UsbBootError('duplicate-keys', `${USB_BOOT_UNDO_KEY} is set on lines ${at.map((l) => l + 1).join(', ')}; keep one and try again`, {
      duplicates: [{ key: USB_BOOT_UNDO_KEY.toLowerCase(), lines: at }],
    });
  }
  const bad = (why: string) => new UsbBootError('undo-record-invalid', `the record in ${USB_BOOT_UNDO_KEY} (line ${at[0] + 1}) is damaged (${why}); undo the change by hand`, { line: at[0] });
  let r: unknown;
  try {
    r = JSON.parse(doc.get(USB_BOOT_UNDO_KEY) ?? '');
  } catch {
    throw bad('not JSON');
  }
  const o = r as Partial<UndoRecord>;
  if (!o || typeof o !== 'object' || o.v !== 1) throw bad('unknown version');
  if (o.route !== 'plop' && o.route !== 'firmware') throw bad('unknown route');
  if (!Array.isArray(o.keys)) throw bad('no key list');
  for (const k of o.keys) {
    if (!Array.isArray(k) || k.length !== 3 || typeof k[0] !== 'string' || !/^[^\s=#\0]+$/.test(k[0]) || (k[1] !== null && typeof k[1] !== 'string') || typeof k[2] !== 'string') throw bad('bad entry');
    if (typeof k[1] === 'string' && (/[\r\n]/.test(k[1]) || parseLine(k[1]).key?.toLowerCase() !== k[0].toLowerCase())) throw bad(`the saved line for ${k[0]} does not hold that key`);
  }
  return o as UndoRecord;
}

export interface UsbBootRemovalChange {
  key: string;
  /** The decoded value now (undefined: absent). */
  before: string | undefined;
  /** The value restored (undefined: the key is removed, as it was absent before). */
  after: string | undefined;
}

export interface UsbBootRemovalPlan {
  route: UsbBootRoute;
  changes: UsbBootRemovalChange[];
  /** Keys whose value is no longer the one the helper set (restored anyway). */
  drift: { key: string; expected: string; actual: string | undefined }[];
}

/** What "remove" would restore. Throws UsbBootError ('not-applied', 'undo-record-invalid', 'duplicate-keys'). */
export function planUsbBootRemoval(doc: VmxDocument): UsbBootRemovalPlan {
  const record = readRecord(doc);
  const dup = duplicatesError(doc, new Set(record.keys.map(([k]) => k.toLowerCase())));
  if (dup) throw dup;
  const changes: UsbBootRemovalChange[] = [];
  const drift: UsbBootRemovalPlan['drift'] = [];
  for (const [key, original, set] of record.keys) {
    const found = lineOf(doc, key);
    const before = found ? doc.decodeValue(found.line.rawValue ?? '') : undefined;
    if (original !== null && !doc.codec.canEncode(original)) {
      throw new UsbBootError('encoding', `the saved line for ${key} cannot be written in this file's encoding (${doc.encoding ?? 'UTF-8'}); restore it by hand`, { key });
    }
    const after = original === null ? undefined : doc.decodeValue(parseLine(original).rawValue ?? '');
    // the product turns bios.forceSetupOnce back to FALSE once it entered the setup: expected
    const expectedDrift = key.toLowerCase() === 'bios.forcesetuponce' && before !== undefined && !isTrue(before);
    if (before !== set && !expectedDrift) drift.push({ key, expected: set, actual: before });
    changes.push({ key, before, after });
  }
  return { route: record.route, changes, drift };
}

/**
 * Restores every value the helper changed and removes every line it added (and its record). On a
 * file nobody touched since, the result is byte-identical to the file before the helper.
 */
export function removeUsbBoot(doc: VmxDocument): UsbBootRemovalPlan {
  const plan = planUsbBootRemoval(doc);
  const record = readRecord(doc);
  for (let i = record.keys.length - 1; i >= 0; i--) {
    const [key, original] = record.keys[i];
    const at = doc.find(key);
    if (original === null) {
      doc.unset(key);
    } else if (at.length === 1) {
      if (doc.line(at[0]).text !== original) doc.replaceLine(at[0], original);
    } else {
      doc.insertLine(doc.insertionLine(key), original);
    }
  }
  doc.unset(USB_BOOT_UNDO_KEY);
  return plan;
}

/**
 * File-system checks before touching a .vmx: refuses (UsbBootError) when the VM is running (a
 * `*.lck` beside the file) or the file is read-only. Does not read the file.
 */
export async function preflightVmxFile(vmxPath: string): Promise<void> {
  const locks = await findVmLocks(vmxPath);
  if (locks.length > 0) {
    throw new UsbBootError(
      'vm-running',
      `the VM is running or was not shut down cleanly (lock ${locks.map((l) => path.basename(l)).join(', ')}); power it off in Workstation and try again (after a host crash, delete the stale .lck)`,
      { locks, file: vmxPath },
    );
  }
  let st;
  try {
    st = await fsp.stat(vmxPath);
  } catch {
    return; // reading the file reports a missing one
  }
  let writable = (st.mode & 0o222) !== 0;
  if (writable) {
    try {
      await fsp.access(vmxPath, fsc.W_OK);
    } catch {
      writable = false;
    }
  }
  if (!writable) {
    throw new UsbBootError('read-only', `${path.basename(vmxPath)} is read-only; make it writable (and check it is not on a read-only share) and try again`, { file: vmxPath });
  }
}

/**
 * A unified diff of two versions of one document, `after` derived from `before` by edits (a clone
 * then changed), so unchanged lines are the same objects. `context` lines around each change.
 */
export function unifiedDiff(before: VmxDocument, after: VmxDocument, name: string, context = 2): string {
  const a = before.lines;
  const b = after.lines;
  const inB = new Set(b);
  const inA = new Set(a);
  // a line-by-line script: ' ' keep, '-' removed, '+' added
  const ops: { op: ' ' | '-' | '+'; text: string; ai: number; bi: number }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ op: ' ', text: a[i].text, ai: i, bi: j });
      i++;
      j++;
      continue;
    }
    const i0 = i;
    const j0 = j;
    while (i < a.length && !inB.has(a[i])) ops.push({ op: '-', text: a[i].text, ai: i++, bi: j });
    while (j < b.length && !inA.has(b[j])) ops.push({ op: '+', text: b[j].text, ai: i, bi: j++ });
    if (i === i0 && j === j0) {
      i++;
      j++;
    }
  }
  const changed = ops.map((o, k) => (o.op !== ' ' ? k : -1)).filter((k) => k >= 0);
  if (changed.length === 0) return '';
  const out = [`--- ${name}`, `+++ ${name}`];
  let k = 0;
  while (k < changed.length) {
    const start = Math.max(0, changed[k] - context);
    let end = Math.min(ops.length - 1, changed[k] + context);
    while (k + 1 < changed.length && changed[k + 1] - context <= end + 1) {
      k++;
      end = Math.min(ops.length - 1, changed[k] + context);
    }
    k++;
    const hunk = ops.slice(start, end + 1);
    const aStart = hunk[0].ai + 1;
    const bStart = hunk[0].bi + 1;
    const aLen = hunk.filter((o) => o.op !== '+').length;
    const bLen = hunk.filter((o) => o.op !== '-').length;
    out.push(`@@ -${aLen ? aStart : aStart - 1},${aLen} +${bLen ? bStart : bStart - 1},${bLen} @@`);
    for (const o of hunk) out.push(o.op + o.text);
  }
  return out.join('\n') + '\n';
}
