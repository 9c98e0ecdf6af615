/**
 * Turns an {@link XNode} into typed values. vSphere puts an xsi:type on values whose static type is
 * polymorphic (property values, array items, devices, backings…) but not on fields whose type the
 * WSDL fixes; for those we keep a small schema of the fields this client reads, so that integers,
 * booleans and arrays-of-one come out right without shipping the whole WSDL.
 */
import type { XNode } from './xml';

export interface MoRef {
  readonly type: string;
  readonly value: string;
}

export type VimValue = string | number | boolean | MoRef | VimObject | VimValue[];
export interface VimObject {
  _type?: string;
  [field: string]: VimValue | undefined;
}

export function isMoRef(v: unknown): v is MoRef {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as MoRef).type === 'string'
    && typeof (v as MoRef).value === 'string' && Object.keys(v).length === 2;
}

export function moref(type: string, value: string): MoRef {
  return { type, value };
}

/**
 * Field kinds by type. `name:kind`, kind is an xsd primitive (int, long, boolean, double, dateTime…),
 * a vim type name, or either with `[]` for arrays. Fields without a kind are strings (or objects
 * when they have child elements / an xsi:type).
 */
const SCHEMA_SRC: Record<string, string> = {
  RetrieveResult: 'token objects:ObjectContent[]',
  ObjectContent: 'obj:ManagedObjectReference propSet:DynamicProperty[] missingSet:MissingProperty[]',
  DynamicProperty: 'name val:anyType',
  MissingProperty: 'path fault:LocalizedMethodFault',
  LocalizedMethodFault: 'fault:MethodFault localizedMessage',
  MethodFault: 'faultMessage:LocalizableMessage[]',
  LocalizableMessage: 'key arg:KeyAnyValue[] message',
  KeyAnyValue: 'key value:anyType',
  ServiceContent: 'about:AboutInfo',
  AboutInfo: '',
  UserSession: 'loginTime:dateTime lastActiveTime:dateTime extensionSession:boolean callCount:long',
  TaskInfo: 'task:ManagedObjectReference entity:ManagedObjectReference state cancelled:boolean cancelable:boolean '
    + 'error:LocalizedMethodFault result:anyType progress:int queueTime:dateTime startTime:dateTime '
    + 'completeTime:dateTime eventChainId:int',
  OptionValue: 'key value:anyType',
  ElementDescription: '',
  Description: '',
  PerfCounterInfo: 'key:int nameInfo:ElementDescription groupInfo:ElementDescription unitInfo:ElementDescription '
    + 'level:int perDeviceLevel:int associatedCounterId:int[]',
  PerfEntityMetric: 'entity:ManagedObjectReference sampleInfo:PerfSampleInfo[] value:PerfMetricSeries[]',
  PerfEntityMetricCSV: 'entity:ManagedObjectReference value:PerfMetricSeriesCSV[]',
  PerfSampleInfo: 'timestamp:dateTime interval:int',
  PerfMetricSeries: 'id:PerfMetricId',
  PerfMetricIntSeries: 'id:PerfMetricId value:long[]',
  PerfMetricSeriesCSV: 'id:PerfMetricId',
  PerfMetricId: 'counterId:int',
  PerfInterval: 'key:int samplingPeriod:int length:int level:int enabled:boolean',
  HostHardwareSummary: 'memorySize:long cpuMhz:int numCpuPkgs:short numCpuCores:short numCpuThreads:short numNics:int numHBAs:int',
  VirtualMachineSnapshotInfo: 'currentSnapshot:ManagedObjectReference rootSnapshotList:VirtualMachineSnapshotTree[]',
  VirtualMachineSnapshotTree: 'snapshot:ManagedObjectReference vm:ManagedObjectReference createTime:dateTime id:int '
    + 'quiesced:boolean replaySupported:boolean childSnapshotList:VirtualMachineSnapshotTree[]',
  VirtualDevice: 'key:int deviceInfo:Description backing:VirtualDeviceBackingInfo connectable:VirtualDeviceConnectInfo '
    + 'controllerKey:int unitNumber:int busNumber:int device:int[] capacityInKB:long capacityInBytes:long '
    + 'scsiCtlrUnitNumber:int hotAddRemove:boolean shares:SharesInfo storageIOAllocation:StorageIOAllocationInfo '
    + 'videoRamSizeInKB:long numDisplays:int use3dRenderer enable3DSupport:boolean wakeOnLanEnabled:boolean '
    + 'addressType macAddress',
  VirtualDeviceBackingInfo: 'datastore:ManagedObjectReference thinProvisioned:boolean eagerlyScrub:boolean split:boolean '
    + 'writeThrough:boolean useAutoDetect:boolean digest:boolean parent:VirtualDeviceBackingInfo exclusive:boolean '
    + 'network:ManagedObjectReference port:DistributedVirtualSwitchPortConnection',
  VirtualDeviceConnectInfo: 'startConnected:boolean allowGuestControl:boolean connected:boolean',
  SharesInfo: 'shares:int',
  StorageIOAllocationInfo: 'limit:long shares:SharesInfo reservation:int',
  HostDatastoreBrowserSearchResults: 'datastore:ManagedObjectReference file:FileInfo[]',
  FileInfo: 'fileSize:long modification:dateTime',
  GuestInfo: '',
  ClusterComputeResourceSummary: '',
};

type FieldMap = Record<string, string>;
const SCHEMA: Record<string, FieldMap> = {};
for (const [type, src] of Object.entries(SCHEMA_SRC)) {
  const fields: FieldMap = Object.create(null) as FieldMap;
  for (const part of src.split(/\s+/).filter(Boolean)) {
    const c = part.indexOf(':');
    fields[c < 0 ? part : part.slice(0, c)] = c < 0 ? 'string' : part.slice(c + 1);
  }
  SCHEMA[type] = fields;
}

/** Finds the field table for a type, falling back to the table of its family. */
function schemaFor(type: string): FieldMap | undefined {
  const direct = SCHEMA[type];
  if (direct) return direct;
  if (type.endsWith('BackingInfo') || type.endsWith('BackingOption')) return SCHEMA.VirtualDeviceBackingInfo;
  if (type.endsWith('Fault') || type === 'InvalidLogin' || type === 'NotAuthenticated') return SCHEMA.MethodFault;
  if (type.endsWith('FileInfo')) return SCHEMA.FileInfo;
  if (type.endsWith('ConnectInfo')) return SCHEMA.VirtualDeviceConnectInfo;
  if (type.startsWith('Virtual') && !type.startsWith('VirtualMachine') && !type.startsWith('VirtualApp')) return SCHEMA.VirtualDevice;
  if (type.startsWith('PerfMetric') && type.endsWith('Series')) return SCHEMA.PerfMetricIntSeries;
  return undefined;
}

/** True for XML Schema built-in type names (lower-case first letter, unlike vim types). */
function isPrimitive(type: string): boolean {
  const c = type.charCodeAt(0);
  return c >= 97 && c <= 122;
}

function primitive(type: string, text: string): string | number | boolean {
  switch (type) {
    case 'int': case 'short': case 'byte': case 'long': case 'unsignedInt': case 'unsignedShort':
    case 'unsignedByte': case 'unsignedLong': case 'integer': case 'float': case 'double': case 'decimal': {
      const n = Number(text);
      return Number.isNaN(n) ? text : n;
    }
    case 'boolean':
      return text === 'true' || text === '1';
    default:
      return text;
  }
}

const ARRAY_ITEM: Record<string, string> = {
  String: 'string', Int: 'int', Long: 'long', Short: 'short', Byte: 'byte', Boolean: 'boolean', Double: 'double',
  Float: 'float', DateTime: 'dateTime', AnyType: 'anyType', ManagedObjectReference: 'ManagedObjectReference',
};

/**
 * Decodes a node. `declared` is the static type from the context (schema or caller); an xsi:type on
 * the node wins over it. Arrays of one (or zero) come out as arrays when the type says so.
 */
export function decodeNode(node: XNode, declared?: string): VimValue {
  const type = node.type ?? declared;
  if (type !== undefined && isPrimitive(type) && type !== 'anyType') return primitive(type, node.text);
  if (type === 'ManagedObjectReference' || (node.children.length === 0 && node.attrs?.type !== undefined && type === undefined)) {
    return { type: node.attrs?.type ?? '', value: node.text };
  }
  if (type !== undefined && type.startsWith('ArrayOf')) {
    const rest = type.slice(7);
    const item = ARRAY_ITEM[rest] ?? rest;
    const out: VimValue[] = [];
    for (const c of node.children) out.push(decodeNode(c, item));
    return out;
  }
  if (node.children.length === 0) {
    if (node.text !== '') return node.text;
    if (type !== undefined && type !== 'anyType' && (schemaFor(type) !== undefined || node.type !== undefined)
      && node.text === '' && !isEnumLike(type)) {
      return node.type ? { _type: node.type } : {};
    }
    return node.text;
  }
  const fields = type !== undefined ? schemaFor(type) : undefined;
  const obj: VimObject = {};
  let repeated: Set<string> | undefined;
  if (node.type !== undefined) obj._type = node.type;
  for (const c of node.children) {
    const kind = fields?.[c.name];
    let isArray = false;
    let itemType: string | undefined;
    if (kind !== undefined) {
      isArray = kind.endsWith('[]');
      itemType = isArray ? kind.slice(0, -2) : kind;
      if (itemType === 'string' && c.children.length > 0) itemType = undefined;
    }
    const v = decodeNode(c, itemType);
    const prev = obj[c.name];
    if (isArray) {
      if (prev === undefined) obj[c.name] = [v];
      else (prev as VimValue[]).push(v);
    } else if (prev === undefined) {
      obj[c.name] = v;
    } else if (repeated?.has(c.name)) {
      (prev as VimValue[]).push(v);
    } else {
      obj[c.name] = [prev, v];
      (repeated ??= new Set()).add(c.name);
    }
  }
  return obj;
}

/** Enumerations (e.g. VirtualMachinePowerState) are text; they never have a schema table. */
function isEnumLike(type: string): boolean {
  return /(State|Status|Mode|Type|Reason|Status2|Policy|Action|Kind)$/.test(type);
}

// ------------------------------------------------------------------------------------------------
// accessors that validate what they receive

export function asString(v: VimValue | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

export function asNumber(v: VimValue | undefined): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v !== '' && !Number.isNaN(Number(v))) return Number(v);
  return undefined;
}

export function asBoolean(v: VimValue | undefined): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return undefined;
}

export function asMoRef(v: VimValue | undefined): MoRef | undefined {
  return isMoRef(v) ? v : undefined;
}

export function asArray(v: VimValue | undefined): VimValue[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

export function asObject(v: VimValue | undefined): VimObject | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !isMoRef(v) ? (v as VimObject) : undefined;
}

/** Follows a dotted path through nested objects. */
export function pick(v: VimValue | undefined, path: string): VimValue | undefined {
  let cur: VimValue | undefined = v;
  for (const part of path.split('.')) {
    const o = asObject(cur);
    if (!o) return undefined;
    cur = o[part];
  }
  return cur;
}
