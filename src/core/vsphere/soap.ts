/**
 * SOAP envelopes for vim25: requests written by us, responses read namespace-aware.
 */
import { isMoRef, decodeNode, type MoRef, type VimObject, type VimValue } from './decode';
import { escapeXml, NS_SOAP_ENV, NS_XSD, type XNode } from './xml';

/** A value to serialise. Objects are written in key order (vim25 checks sequence order). */
export type SoapValue = string | number | boolean | MoRef | SoapTyped | SoapObject | SoapValue[] | undefined;
/** An object; `_type` becomes its xsi:type. */
export interface SoapObject {
  _type?: string;
  [field: string]: SoapValue;
}
/** A value with an explicit xsi:type (e.g. `{ $xsi: 'xsd:string', value: 'x' }` for anyType). */
export interface SoapTyped {
  $xsi: string;
  value: SoapValue;
}

function isTyped(v: SoapValue): v is SoapTyped {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && '$xsi' in v;
}

export function xsdString(value: string): SoapTyped {
  return { $xsi: 'xsd:string', value };
}

function writeElement(out: string[], name: string, v: SoapValue, xsi?: string): void {
  if (v === undefined) return;
  if (Array.isArray(v)) {
    for (const item of v) writeElement(out, name, item, xsi);
    return;
  }
  const typeAttr = (t: string | undefined): string => (t ? ` xsi:type="${escapeXml(t)}"` : '');
  if (typeof v === 'string') {
    out.push(`<${name}${typeAttr(xsi)}>${escapeXml(v)}</${name}>`);
  } else if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new TypeError(`cannot serialise ${v} in <${name}>`);
    out.push(`<${name}${typeAttr(xsi)}>${String(v)}</${name}>`);
  } else if (typeof v === 'boolean') {
    out.push(`<${name}${typeAttr(xsi)}>${v ? 'true' : 'false'}</${name}>`);
  } else if (isTyped(v)) {
    writeElement(out, name, v.value, v.$xsi);
  } else if (isMoRef(v)) {
    out.push(`<${name}${typeAttr(xsi)} type="${escapeXml(v.type)}">${escapeXml(v.value)}</${name}>`);
  } else {
    const obj = v as SoapObject;
    out.push(`<${name}${typeAttr(xsi ?? obj._type)}>`);
    for (const k of Object.keys(obj)) {
      if (k !== '_type') writeElement(out, k, obj[k]);
    }
    out.push(`</${name}>`);
  }
}

/** Builds a vim25 request envelope for `method` on `thisRef` with ordered arguments. */
export function buildEnvelope(method: string, thisRef: MoRef, args: ReadonlyArray<readonly [string, SoapValue]> = []): string {
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<soapenv:Envelope xmlns:soapenv="${NS_SOAP_ENV}" xmlns:xsd="${NS_XSD}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`,
    `<soapenv:Body><${method} xmlns="urn:vim25">`,
  ];
  writeElement(out, '_this', thisRef);
  for (const [k, v] of args) writeElement(out, k, v);
  out.push(`</${method}></soapenv:Body></soapenv:Envelope>`);
  return out.join('');
}

export interface SoapFault {
  faultType: string;
  message: string;
  detail: VimObject | undefined;
}

export type SoapResult = { ok: true; response: XNode } | { ok: false; fault: SoapFault };

/** Finds the Body's payload in an envelope; returns the response element or the decoded fault. */
export function readEnvelope(root: XNode): SoapResult {
  if (root.name !== 'Envelope' || root.ns !== NS_SOAP_ENV) {
    throw new Error(`expected a SOAP envelope, got <${root.name}> in namespace '${root.ns}'`);
  }
  const body = root.children.find((c) => c.name === 'Body' && c.ns === NS_SOAP_ENV);
  if (!body) throw new Error('SOAP envelope without Body');
  const payload = body.children[0];
  if (!payload) throw new Error('empty SOAP Body');
  if (payload.name === 'Fault' && payload.ns === NS_SOAP_ENV) return { ok: false, fault: readFault(payload) };
  return { ok: true, response: payload };
}

export function readFault(fault: XNode): SoapFault {
  let message = '';
  let faultType = '';
  let detail: VimObject | undefined;
  for (const c of fault.children) {
    if (c.name === 'faultstring') message = c.text;
    else if (c.name === 'detail') {
      const d = c.children[0];
      if (d) {
        faultType = d.type ?? (d.name.endsWith('Fault') ? d.name.slice(0, -5) : d.name);
        const v = decodeNode(d, faultType);
        detail = typeof v === 'object' && !Array.isArray(v) ? (v as VimObject) : {};
      }
    }
  }
  if (!faultType) faultType = message.includes('NotAuthenticated') ? 'NotAuthenticated' : 'SystemError';
  return { faultType, message, detail };
}

/**
 * Decodes the `returnval`s of a response element. `returnType` is the method's declared return type
 * (`'ServiceContent'`, `'ManagedObjectReference'`, `'PerfCounterInfo[]'`…); `[]` forces an array.
 */
export function readReturn(response: XNode, returnType?: string): VimValue | undefined {
  const isArray = returnType?.endsWith('[]') ?? false;
  const itemType = isArray ? returnType?.slice(0, -2) : returnType;
  const values: VimValue[] = [];
  for (const c of response.children) {
    if (c.name === 'returnval') values.push(decodeNode(c, itemType));
  }
  if (isArray) return values;
  if (values.length > 1) return values;
  return values[0];
}

/** A reader fed the response text piece by piece while it arrives (see `invokeText`). */
export interface TextSink<T> {
  push(piece: string): void;
  /** The result for the whole text (`whole()` joins every piece: call it only to fall back), or undefined for the generic reader. */
  result(whole: () => string): T | undefined;
}
