import assert from 'node:assert/strict';
import * as net from 'node:net';
import { VimClient, parseSdkUrl } from '../../../src/core/vsphere/client';
import { retrieve } from '../../../src/core/vsphere/property';
import { CancelledError } from '../../../src/core/errors';
import {
  CertificateChangedError, ConnectionError, InvalidLoginError, TimeoutError, UntrustedCertificateError,
} from '../../../src/core/vsphere/errors';
import { extractRetrieveResult, readRetrieveResult } from '../../../src/core/vsphere/property';
import { parseXml } from '../../../src/core/vsphere/xml';
import { readEnvelope } from '../../../src/core/vsphere/soap';
import { makeSelfSignedCert } from '../../lab/certs';
import { faultXml, response, startStub, stubCert, type Stub } from './stub-server';

function objectsXml(from: number, to: number, style: 'vcsim' | 'vcenter'): string {
  let s = '';
  for (let i = from; i < to; i++) {
    const t = (x: string) => (style === 'vcsim'
      ? `xmlns:XMLSchema-instance="http://www.w3.org/2001/XMLSchema-instance" XMLSchema-instance:type="${x}"`
      : `xsi:type="${x}"`);
    s += `<objects><obj type="VirtualMachine">vm-${i}</obj><propSet><name>name</name><val ${t('xsd:string')}>VM ${i}</val></propSet>`
      + `<propSet><name>config.hardware.numCPU</name><val ${t('xsd:int')}>${i}</val></propSet></objects>`;
  }
  return s;
}

function page(method: string, from: number, to: number, token?: string): string {
  return response(method, `<returnval>${token ? `<token>${token}</token>` : ''}${objectsXml(from, to, from % 2 ? 'vcenter' : 'vcsim')}</returnval>`);
}

const creds = (s: Stub) => ({ url: s.url, username: 'u', password: 'p', trust: { mode: 'pinned' as const, sha256: s.cert.thumbprintSha256 }, keepAliveMs: 0 });

describe('vsphere client against a stub HTTPS server', () => {
  let stub: Stub | undefined;
  afterEach(async () => { await stub?.close(); stub = undefined; });

  it('stub: follows the paging token through ContinueRetrievePropertiesEx and destroys the view', async () => {
    stub = await startStub((method, body) => {
      if (method === 'RetrievePropertiesEx') return page(method, 0, 2, 'tok-1');
      if (method === 'ContinueRetrievePropertiesEx') {
        if (body.includes('<token>tok-1</token>')) return page(method, 2, 4, 'tok-2');
        if (body.includes('<token>tok-2</token>')) return page(method, 4, 5);
      }
      return undefined;
    });
    const c = await VimClient.connect(creds(stub));
    const pages: number[] = [];
    const objs = await retrieve(c, 'VirtualMachine', ['name', 'config.hardware.numCPU'], undefined, { onPage: (n) => pages.push(n) });
    assert.deepEqual(objs.map((o) => o.props.name), ['VM 0', 'VM 1', 'VM 2', 'VM 3', 'VM 4']);
    assert.deepEqual(objs.map((o) => o.props['config.hardware.numCPU']), [0, 1, 2, 3, 4]);
    assert.deepEqual(pages, [2, 4, 5]);
    assert.deepEqual(stub.methods().slice(2), ['CreateContainerView', 'RetrievePropertiesEx', 'ContinueRetrievePropertiesEx', 'ContinueRetrievePropertiesEx', 'DestroyView']);
    // session cookie from Login sent back, never before
    assert.equal(stub.received[0].cookie, undefined);
    assert.equal(stub.received[2].cookie, 'vmware_soap_session="s3cr3t-session"');
    await c.close();
    assert.equal(stub.methods().at(-1), 'Logout');
  });

  it('stub: asks for the next page as soon as a page\'s token has arrived, before the rest of the page (one page ahead)', async () => {
    // The first page's objects are held back until the second page is asked for: a client that
    // waits for a whole page before continuing never gets it (and times out).
    let finishFirst: (() => void) | undefined;
    stub = await startStub((method, body, _req, res) => {
      if (method === 'RetrievePropertiesEx') {
        assert.ok(body.includes('<maxObjects>'), 'a page size is asked for');
        const whole = page(method, 0, 2, 'tok-1');
        const cut = whole.indexOf('<objects>');
        res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' });
        res.write(whole.slice(0, cut));
        finishFirst = () => res.end(whole.slice(cut));
        return 'hang';
      }
      if (method === 'ContinueRetrievePropertiesEx' && body.includes('<token>tok-1</token>')) {
        setTimeout(() => finishFirst?.(), 10);
        return page(method, 2, 3);
      }
      return undefined;
    });
    const c = await VimClient.connect(creds(stub));
    const objs = await retrieve(c, 'VirtualMachine', ['name'], undefined, { timeoutMs: 3000 });
    assert.deepEqual(objs.map((o) => o.props.name), ['VM 0', 'VM 1', 'VM 2']);
    assert.equal(stub.methods().filter((m) => m === 'ContinueRetrievePropertiesEx').length, 1);
    await c.close();
  });

  it('stub: cancelling between pages releases the token (CancelRetrievePropertiesEx) and destroys the view', async () => {
    const ac = new AbortController();
    stub = await startStub((method) => {
      if (method === 'RetrievePropertiesEx') return page(method, 0, 2, 'tok-1');
      if (method === 'ContinueRetrievePropertiesEx') { setTimeout(() => ac.abort(), 20); return 'hang'; }
      return undefined;
    });
    const c = await VimClient.connect(creds(stub));
    await assert.rejects(retrieve(c, 'VirtualMachine', ['name'], undefined, { signal: ac.signal }), CancelledError);
    assert.ok(stub.methods().includes('CancelRetrievePropertiesEx'));
    assert.ok(stub.received.find((r) => r.method === 'CancelRetrievePropertiesEx')!.body.includes('<token>tok-1</token>'));
    assert.equal(stub.methods().at(-1), 'DestroyView');
    await c.close();
  });

  it('stub: NotAuthenticated in missingSet → one re-login and the whole retrieve again', async () => {
    let first = true;
    stub = await startStub((method) => {
      if (method === 'RetrievePropertiesEx') {
        if (first) {
          first = false;
          return response(method, '<returnval><objects><obj type="VirtualMachine">vm-1</obj><missingSet><path>name</path><fault><fault xsi:type="NotAuthenticated"><object type="VirtualMachine">vm-1</object><privilegeId>System.Read</privilegeId></fault><localizedMessage></localizedMessage></fault></missingSet></objects></returnval>');
        }
        return page(method, 0, 1);
      }
      return undefined;
    });
    const c = await VimClient.connect(creds(stub));
    const objs = await retrieve(c, 'VirtualMachine', ['name']);
    assert.equal(objs[0].props.name, 'VM 0');
    assert.equal(stub.methods().filter((m) => m === 'Login').length, 2);
    assert.equal(stub.methods().filter((m) => m === 'CreateContainerView').length, 2);
    await c.close();
  });

  it('stub: NotAuthenticated as a SOAP fault → re-login once, and only once', async () => {
    let n = 0;
    stub = await startStub((method) => {
      if (method === 'CurrentTime') {
        n++;
        return n === 1 ? { status: 500, body: faultXml('NotAuthenticated') } : response(method, '<returnval>2024-01-01T00:00:00Z</returnval>');
      }
      return undefined;
    });
    const c = await VimClient.connect(creds(stub));
    assert.equal(await c.currentTime(), '2024-01-01T00:00:00Z');
    assert.equal(stub.methods().filter((m) => m === 'Login').length, 2);
    await c.close();
  });

  it('stub: InvalidLogin fault → InvalidLoginError saying what to do', async () => {
    stub = await startStub((method) => (method === 'Login' ? { status: 500, body: faultXml('InvalidLogin', 'Login failure') } : undefined));
    await assert.rejects(VimClient.connect(creds(stub)), (e: unknown) => e instanceof InvalidLoginError && /Check the credentials/.test(e.message));
  });

  it('stub: a request that gets no answer times out with TimeoutError', async () => {
    stub = await startStub((method) => (method === 'CurrentTime' ? 'hang' : undefined));
    const c = await VimClient.connect({ ...creds(stub), timeoutMs: 300 });
    await assert.rejects(c.currentTime(), (e: unknown) => e instanceof TimeoutError && /timed out after 300 ms/.test(e.message));
    await c.close();
  });

  it('a server that never finishes the TLS handshake times out (pinned agent)', async () => {
    const sockets: net.Socket[] = [];
    const srv = net.createServer((s) => { sockets.push(s); });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as net.AddressInfo).port;
    try {
      await assert.rejects(VimClient.connect({ url: `https://127.0.0.1:${port}/sdk`, username: 'u', password: 'p', timeoutMs: 300, trust: { mode: 'pinned', sha256: stubCert().thumbprintSha256 } }),
        (e: unknown) => e instanceof TimeoutError);
    } finally {
      sockets.forEach((s) => s.destroy());
      await new Promise<void>((r) => srv.close(() => r()));
    }
  });

  it('nothing listening → ConnectionError (ECONNREFUSED) with a hint', async () => {
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as net.AddressInfo).port;
    await new Promise<void>((r) => srv.close(() => r()));
    await assert.rejects(VimClient.connect({ url: `https://127.0.0.1:${port}/sdk`, username: 'u', password: 'p' }),
      (e: unknown) => e instanceof ConnectionError && e.sysCode === 'ECONNREFUSED' && /nothing is listening/.test(e.message));
  });

  it('stub: system trust refuses a self-signed certificate and describes it', async () => {
    stub = await startStub(() => undefined);
    await assert.rejects(VimClient.connect({ url: stub.url, username: 'u', password: 'p' }), (e: unknown) => {
      assert.ok(e instanceof UntrustedCertificateError);
      assert.equal(e.certificate?.sha256, stub!.cert.thumbprintSha256);
      assert.equal(e.certificate?.selfSigned, true);
      return true;
    });
    assert.equal(stub.received.length, 0, 'no request may reach an untrusted server');
  });

  it('stub: pinning is checked on every new socket; a swapped certificate stops the next call before it is sent', async () => {
    stub = await startStub((method) => (method === 'CurrentTime' ? response(method, '<returnval>2024-01-01T00:00:00Z</returnval>') : undefined), { closeConnections: true });
    const c = await VimClient.connect(creds(stub));
    const pinned = stub.cert.thumbprintSha256;
    await c.currentTime();
    const before = stub.received.length;
    const other = makeSelfSignedCert({ commonName: 'evil.lab.local', bits: 2048 });
    stub.setCert(other);
    await assert.rejects(c.currentTime({ noRelogin: true }), (e: unknown) => {
      assert.ok(e instanceof CertificateChangedError, String(e));
      assert.equal(e.expectedSha256, pinned);
      assert.equal(e.actualSha256, other.thumbprintSha256);
      assert.match(e.certificate?.subject ?? '', /evil\.lab\.local/);
      return true;
    });
    assert.equal(stub.received.length, before, 'the request (and its cookie) must not reach the new certificate');
    await c.close();
  });

  it('stub: a wrong pin is refused at connect time', async () => {
    stub = await startStub(() => undefined);
    const wrong = makeSelfSignedCert({ bits: 2048 }).thumbprintSha256;
    await assert.rejects(VimClient.connect({ ...creds(stub), trust: { mode: 'pinned', sha256: wrong } }), CertificateChangedError);
    assert.equal(stub.received.length, 0);
  });
});

describe('vsphere retrieve result readers', () => {
  it('the streaming extractor and the generic reader agree (both envelope shapes, token, missingSet)', () => {
    const xml = response('RetrievePropertiesEx', `<returnval><token>t9</token>${objectsXml(0, 3, 'vcsim')}${objectsXml(3, 5, 'vcenter')}<objects><obj type="VirtualMachine">vm-x</obj><missingSet><path>config</path><fault><fault xsi:type="NoPermission"><privilegeId>System.Read</privilegeId></fault><localizedMessage>no</localizedMessage></fault></missingSet></objects></returnval>`);
    const fast = extractRetrieveResult(xml);
    const r = readEnvelope(parseXml(xml));
    assert.ok(r.ok && fast);
    if (!r.ok) return;
    const generic = readRetrieveResult(r.response.children[0]);
    assert.deepEqual(fast, generic);
    assert.equal(fast.token, 't9');
    assert.equal(fast.objects.length, 6);
    assert.deepEqual(fast.objects[5].missing, [{ path: 'config', faultType: 'NoPermission', message: 'no' }]);
  });

  it('the extractor declines faults and foreign documents (generic path handles them)', () => {
    assert.equal(extractRetrieveResult(faultXml('NotAuthenticated')), undefined);
    assert.equal(extractRetrieveResult('<a/>'), undefined);
  });

  it('parses sdk URLs', () => {
    assert.deepEqual(parseSdkUrl('vc01'), { host: 'vc01', port: 443, path: '/sdk', display: 'vc01' });
    assert.deepEqual(parseSdkUrl('https://127.0.0.1:8989/sdk'), { host: '127.0.0.1', port: 8989, path: '/sdk', display: '127.0.0.1:8989' });
    assert.throws(() => parseSdkUrl('http://vc01'), /must use https/);
  });
});

