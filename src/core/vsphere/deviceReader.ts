/**
 * A lean reader of `config.hardware.device` for RetrievePropertiesEx (a {@link ValueReader}): of each
 * device it keeps the type, `key`, `controllerKey`, `unitNumber`, `busNumber`, `device` (a
 * controller's children), `deviceInfo.label` and `.summary`, and of the backing its type,
 * `fileName`, `diskMode`, `compatibilityMode` and `changeId`, with the values the generic decoder
 * gives for them (decode.ts: ints as numbers, `device` always an array, `_type` only from xsi:type).
 * Everything else in a device (connectable, slot info, shares, video and NIC settings…) is
 * skipped unread. The device array is most of the bytes of a VM; a sweep over thousands of VMs
 * needs only this part of it.
 */
import type { VimObject, VimValue } from './decode';
import type { ValueReader } from './property';
import { XmlError, XmlEvent, type XmlPull } from './xml';

// local copies: imported enum members are getter calls under per-file transpilers
const START = XmlEvent.Start;
const END = XmlEvent.End;

const INT_FIELDS = new Set(['key', 'controllerKey', 'unitNumber', 'busNumber']);
const INFO_FIELDS = new Set(['label', 'summary']);
const BACKING_FIELDS = new Set(['fileName', 'diskMode', 'compatibilityMode', 'changeId']);

function int(text: string): number | string {
  const n = Number(text);
  return Number.isNaN(n) ? text : n;
}

function nextChild(p: XmlPull, what: string): boolean {
  const ev = p.next();
  if (ev === END) return false;
  if (ev !== START) throw new XmlError(`unexpected end of document in ${what}`);
  return true;
}

/** After Start of an object element: its string fields named in `keep`, the rest skipped. */
function readPicked(p: XmlPull, keep: ReadonlySet<string>, what: string): VimObject {
  const o: VimObject = {};
  if (p.type !== undefined) o._type = p.type;
  while (nextChild(p, what)) {
    if (keep.has(p.name)) o[p.name] = p.leafText();
    else p.skipRaw();
  }
  return o;
}

function readDevice(p: XmlPull): VimObject {
  const d: VimObject = {};
  if (p.type !== undefined) d._type = p.type;
  let children: VimValue[] | undefined;
  while (nextChild(p, 'a device')) {
    const name = p.name;
    if (INT_FIELDS.has(name)) d[name] = int(p.leafText());
    else if (name === 'device') (children ??= []).push(int(p.leafText()));
    else if (name === 'deviceInfo') d.deviceInfo = readPicked(p, INFO_FIELDS, 'deviceInfo');
    else if (name === 'backing') d.backing = readPicked(p, BACKING_FIELDS, 'a device backing');
    else p.skipRaw();
  }
  if (children) d.device = children;
  return d;
}

/** The reader: an array of lean device objects (one per child of `<val>`). */
export const readDevicesLean: ValueReader = (p) => {
  const out: VimValue[] = [];
  while (nextChild(p, 'config.hardware.device')) out.push(readDevice(p));
  return out;
};
