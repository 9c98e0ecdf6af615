/**
 * The protocol floor of a property retrieve, shared by the benches that compare against it: the
 * same SOAP calls as the client (CreateContainerView, RetrievePropertiesEx with the same page size,
 * ContinueRetrievePropertiesEx asked for as soon as a page's token has arrived, DestroyView) on the
 * same keep-alive agent, but nothing parsed: objects are counted in the raw bytes. It does strictly
 * less than the client, so a client faster than it is a measuring error (the harness's "invalid").
 */
import type { VimClient } from '../src/core/vsphere/client';
import { DEFAULT_MAX_OBJECTS } from '../src/core/vsphere/property';
import { buildEnvelope, type SoapObject } from '../src/core/vsphere/soap';

/** One SOAP call on the client's agent; `onChunk` sees the body as it arrives. */
export async function soap(client: VimClient, method: string, body: string, onChunk?: (c: Buffer) => void): Promise<Buffer> {
  const b = Buffer.from(body);
  const r = await client.request({
    method: 'POST', path: client.endpoint.path, body: b, what: method, onChunk,
    headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"urn:vim25/${client.apiVersion}"`, 'content-length': String(b.length) },
  });
  if (r.status !== 200) throw new Error(`${method}: HTTP ${r.status}`);
  return r.body;
}

function countObjects(res: Buffer): number {
  let n = 0;
  for (let i = res.indexOf('<objects'); i >= 0; i = res.indexOf('<objects', i + 8)) n++;
  return n;
}

/** A page's call; `next` is called with its token as soon as the bytes holding it have arrived. */
function page(client: VimClient, method: string, body: string, next: (token: string) => void): Promise<Buffer> {
  let head = '';
  let told = false;
  return soap(client, method, body, (c) => {
    if (told) return;
    head += c.toString('latin1');
    const m = /<returnval>(?:<token>([^<]*)<\/token>|<)/.exec(head);
    if (m) {
      told = true;
      if (m[1]) next(m[1]);
    } else if (head.length > 65536) {
      told = true;
    }
  });
}

/** CreateContainerView over `types`, the paged retrieve of `propSet` (bytes only), DestroyView. */
export async function bareRetrieve(client: VimClient, types: string[], propSet: SoapObject[], maxObjects = DEFAULT_MAX_OBJECTS): Promise<{ objects: number; bytes: number }> {
  const sc = client.serviceContent;
  const cv = (await soap(client, 'CreateContainerView', buildEnvelope('CreateContainerView', sc.viewManager!, [
    ['container', sc.rootFolder], ['type', types], ['recursive', true]]))).toString('utf8');
  const m = /<returnval[^>]*>([^<]*)<\/returnval>/.exec(cv);
  if (!m) throw new Error('no view in the CreateContainerView response');
  const view = { type: 'ContainerView', value: m[1] };
  const pages: Array<Promise<Buffer>> = [];
  const next = (token: string): void => {
    if (pages.length > 10_000) throw new Error('floor: more than 10,000 pages');
    pages.push(page(client, 'ContinueRetrievePropertiesEx', buildEnvelope('ContinueRetrievePropertiesEx', sc.propertyCollector, [['token', token]]), next));
  };
  pages.push(page(client, 'RetrievePropertiesEx', buildEnvelope('RetrievePropertiesEx', sc.propertyCollector, [
    ['specSet', { propSet, objectSet: { obj: view, skip: true, selectSet: { _type: 'TraversalSpec', name: 'view', type: 'ContainerView', path: 'view', skip: false } } }],
    ['options', { maxObjects }]]), next));
  let objects = 0;
  let bytes = 0;
  for (let i = 0; i < pages.length; i++) {
    const res = await pages[i];
    objects += countObjects(res);
    bytes += res.length;
  }
  await soap(client, 'DestroyView', buildEnvelope('DestroyView', view));
  return { objects, bytes };
}
