/**
 * The vSphere transport against hostile peers: every request ends within its wall-clock deadline,
 * no response body grows past its cap, paging that repeats or never ends is stopped, and every trust
 * path bounds the TLS handshake. Each error names the bound that was hit.
 */
import * as assert from 'node:assert/strict';
import { VimClient } from '../../../src/core/vsphere/client';
import { readFile } from '../../../src/core/vsphere/datastore';
import {
  ConnectionError, PagingError, ProtocolError, ResponseTooLargeError, TimeoutError,
} from '../../../src/core/vsphere/errors';
import { retrievePropertiesEx } from '../../../src/core/vsphere/property';
import { fetchPeerCertificate } from '../../../src/core/vsphere/tls';
import { inspectEndpoint } from '../../../src/core/certs/inspect';
import { LOGIN, SERVICE_CONTENT, response } from '../../unit/vsphere/stub-server';
import { flood, garbage, hostileCert, hostileHttps, trickle, tricklingHandshake, type Peer } from './servers';

const pinned = (): { mode: 'pinned'; sha256: string } => ({ mode: 'pinned', sha256: hostileCert().thumbprintSha256 });

/** Answers the login, then lets `rest` answer every other method. */
function soap(rest: Parameters<typeof hostileHttps>[0]): Parameters<typeof hostileHttps>[0] {
  return (method, body, res, t) => {
    if (method === 'RetrieveServiceContent') { res.writeHead(200, { 'content-type': 'text/xml' }); res.end(SERVICE_CONTENT); return; }
    if (method === 'Login') {
      res.writeHead(200, { 'content-type': 'text/xml', 'set-cookie': 'vmware_soap_session="s"; Path=/' });
      res.end(LOGIN);
      return;
    }
    if (method === 'Logout' || method === 'CancelRetrievePropertiesEx') { res.writeHead(200, { 'content-type': 'text/xml' }); res.end(response(method, '')); return; }
    rest(method, body, res, t);
  };
}

async function timed<T>(p: Promise<T>): Promise<{ ms: number; error: unknown }> {
  const t0 = Date.now();
  try {
    await p;
    return { ms: Date.now() - t0, error: undefined };
  } catch (error) {
    return { ms: Date.now() - t0, error };
  }
}

const PAGE = (token: string | undefined, n: number): string => response('RetrievePropertiesEx',
  `<returnval>${token ? `<token>${token}</token>` : ''}<objects><obj type="VirtualMachine">vm-${n}</obj><propSet><name>name</name><val xsi:type="xsd:string">vm${n}</val></propSet></objects></returnval>`);

describe('hostile: the vSphere transport is bounded in time and size', function () {
  this.timeout(30_000);
  let peer: Peer | undefined;
  afterEach(async () => { await peer?.close(); peer = undefined; });

  it('a slow-loris response (one byte every 100 ms) ends at the wall-clock deadline, not never', async () => {
    peer = await hostileHttps(soap((_m, _b, res, t) => trickle(res, t, Buffer.from(' '), 100)));
    const c = await VimClient.connect({ url: peer.url, username: 'u', password: 'p', trust: pinned(), timeoutMs: 800, keepAliveMs: 0 });
    try {
      const r = await timed(c.currentTime());
      assert.ok(r.error instanceof TimeoutError, String(r.error));
      assert.match((r.error as Error).message, /timed out after 800 ms \(the deadline for the whole request/);
      assert.match((r.error as Error).message, /--timeout/);
      assert.ok(r.ms < 2500, `ended after ${r.ms} ms`);
    } finally {
      await c.close();
    }
  });

  for (const trust of [{ mode: 'system' as const }, { mode: 'insecure' as const }, 'pinned' as const]) {
    const name = typeof trust === 'string' ? trust : trust.mode;
    it(`a TLS handshake that never completes (${name} trust) ends within the deadline`, async () => {
      peer = await tricklingHandshake(100);
      const r = await timed(VimClient.connect({ url: `https://127.0.0.1:${peer.port}/sdk`, username: 'u', password: 'p', trust: trust === 'pinned' ? pinned() : trust, timeoutMs: 700 }));
      assert.ok(r.error instanceof TimeoutError, String(r.error));
      assert.ok(r.ms < 1200, `ended after ${r.ms} ms (deadline 700 ms; an idle timer after a handshake timer took twice that)`);
    });
  }

  it('the trust prompt\'s certificate read and the certificate inspection bound a trickling handshake', async () => {
    peer = await tricklingHandshake(100);
    const a = await timed(fetchPeerCertificate({ host: '127.0.0.1', port: peer.port }, { timeoutMs: 600 }));
    assert.ok(a.error instanceof TimeoutError, String(a.error));
    assert.ok(a.ms < 1500, `fetchPeerCertificate ${a.ms} ms`);
    const b = await timed(inspectEndpoint('127.0.0.1', peer.port, { timeoutMs: 600 }));
    assert.ok(b.error, 'inspection must fail');
    assert.ok(b.ms < 1500, `inspectEndpoint ${b.ms} ms`);
  });

  it('a 300 MB response is stopped at the cap while it streams, in flat memory', async () => {
    peer = await hostileHttps(soap((_m, _b, res) => flood(res, 300 * 1048576)));
    const c = await VimClient.connect({ url: peer.url, username: 'u', password: 'p', trust: pinned(), timeoutMs: 20_000, maxResponseBytes: 4 * 1048576, keepAliveMs: 0 });
    try {
      const before = process.memoryUsage().rss;
      const r = await timed(c.currentTime());
      const grew = process.memoryUsage().rss - before;
      assert.ok(r.error instanceof ResponseTooLargeError, String(r.error));
      assert.match((r.error as Error).message, /larger than 4 MB.*maxResponseMB.*--max-response-mb/s);
      assert.ok(grew < 64 * 1048576, `RSS grew by ${Math.round(grew / 1048576)} MB`);
    } finally {
      await c.close();
    }
  });

  it('a declared Content-Length over the cap is refused before the body is read', async () => {
    let wrote = 0;
    peer = await hostileHttps(soap((_m, _b, res) => {
      res.writeHead(200, { 'content-type': 'text/xml', 'content-length': String(2 * 1024 ** 3) });
      const timer = setInterval(() => { if (res.destroyed) clearInterval(timer); else { wrote++; res.write(Buffer.alloc(1024)); } }, 50);
    }));
    const c = await VimClient.connect({ url: peer.url, username: 'u', password: 'p', trust: pinned(), timeoutMs: 10_000, maxResponseBytes: 1048576, keepAliveMs: 0 });
    try {
      const r = await timed(c.currentTime());
      assert.ok(r.error instanceof ResponseTooLargeError, String(r.error));
      assert.ok(r.ms < 2000, `${r.ms} ms`);
    } finally {
      await c.close();
    }
    assert.ok(wrote < 40, `the server wrote ${wrote} chunks`);
  });

  it('a datastore file read into memory stops at its cap', async () => {
    peer = await hostileHttps(soap((m, _b, res) => (m.startsWith('GET /folder/') ? flood(res, 64 * 1048576, { 'content-type': 'application/octet-stream' }) : res.end())));
    const c = await VimClient.connect({ url: peer.url, username: 'u', password: 'p', trust: pinned(), timeoutMs: 10_000, keepAliveMs: 0 });
    try {
      const r = await timed(readFile(c, { datacenter: 'DC0', datastore: 'ds', path: 'big.log' }, { maxBytes: 2 * 1048576 }));
      assert.ok(r.error instanceof ResponseTooLargeError, String(r.error));
      assert.match((r.error as Error).message, /Download of \[ds\] big\.log/);
    } finally {
      await c.close();
    }
  });

  it('a server repeating its continuation token is stopped on the second sight, and the token released', async () => {
    const seen: string[] = [];
    peer = await hostileHttps(soap((m, _b, res) => {
      seen.push(m);
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(PAGE('same-token', seen.length).replace(/RetrievePropertiesEx/g, m));
    }));
    const c = await VimClient.connect({ url: peer.url, username: 'u', password: 'p', trust: pinned(), timeoutMs: 5000, keepAliveMs: 0 });
    try {
      const r = await timed(retrievePropertiesEx(c, [{ propSet: [{ type: 'VirtualMachine', pathSet: ['name'] }], objectSet: [{ obj: c.serviceContent.rootFolder }] }]));
      assert.ok(r.error instanceof PagingError, String(r.error));
      assert.match((r.error as Error).message, /came back a second time/);
      assert.equal(seen.filter((m) => m === 'ContinueRetrievePropertiesEx').length, 1);
    } finally {
      await c.close();
    }
  });

  it('endless paging (a new token every page) is stopped at the page cap', async () => {
    let n = 0;
    peer = await hostileHttps(soap((m, _b, res) => {
      n++;
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(PAGE(`t${n}`, n).replace(/RetrievePropertiesEx/g, m));
    }));
    const c = await VimClient.connect({ url: peer.url, username: 'u', password: 'p', trust: pinned(), timeoutMs: 5000, keepAliveMs: 0 });
    try {
      const r = await timed(retrievePropertiesEx(c, [{ propSet: [{ type: 'VirtualMachine', pathSet: ['name'] }], objectSet: [{ obj: c.serviceContent.rootFolder }] }], { maxPages: 50 }));
      assert.ok(r.error instanceof PagingError, String(r.error));
      assert.match((r.error as Error).message, /more than 50 pages/);
      assert.ok(n <= 53, `${n} requests`);
    } finally {
      await c.close();
    }
  });

  it('garbage instead of TLS is a connection error; garbage XML is a protocol error', async () => {
    peer = await garbage();
    const a = await timed(VimClient.connect({ url: `https://127.0.0.1:${peer.port}/sdk`, username: 'u', password: 'p', trust: pinned(), timeoutMs: 3000 }));
    assert.ok(a.error instanceof ConnectionError, String(a.error));
    await peer.close();
    peer = await hostileHttps(soap((_m, _b, res) => { res.writeHead(200, { 'content-type': 'text/xml' }); res.end('<a><b><c></a>\u0007'); }));
    const c = await VimClient.connect({ url: peer.url, username: 'u', password: 'p', trust: pinned(), timeoutMs: 3000, keepAliveMs: 0 });
    try {
      const r = await timed(c.currentTime());
      assert.ok(r.error instanceof ProtocolError, String(r.error));
    } finally {
      await c.close();
    }
  });
});
