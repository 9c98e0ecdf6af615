/**
 * The api route (HostCertificateManager) against the lab's ESXi 8.0 (vcsim -esx -generation 8.0):
 * the CSR is made on the host, signed by a real `openssl` CA, installed through the API and proven
 * live by a TLS handshake; a failure injected once the new certificate is served rolls back to the
 * old one through the API (old → new → old). A 5.5 host has no certificate manager.
 */
import * as assert from 'node:assert/strict';
import { withLab, servedThumbprints, thumbprintsOfPem } from '../../lab';
import { HostApiRoute } from '../../../src/core/certs/routes/hostApi';
import { chooseRoute } from '../../../src/core/certs/routes';
import { createRequest } from '../../../src/core/certs/request';
import { VimClient } from '../../../src/core/vsphere/client';
import { moref } from '../../../src/core/vsphere/decode';
import { makeTestCa, type TestCa } from '../esxi/ca';

describe('certificate routes: api (HostCertificateManager) on an ESXi 8.0 lab host', function () {
  this.timeout(120_000);
  let ca: TestCa;
  let client: VimClient;
  const lab = withLab({ generation: '8.0', vcsim: { esx: true, vm: 0 } });
  before(async () => {
    ca = makeTestCa();
    client = await VimClient.connect({ url: lab.vcsim.sdkUrl, username: lab.vcsim.username, password: lab.vcsim.password, trust: { mode: 'insecure' }, keepAliveMs: 0 });
  });
  lab.beforeStop(() => client?.close());
  after(() => ca?.dispose());

  const route = (): HostApiRoute => new HostApiRoute({ host: lab.vcsim.host, port: lab.vcsim.port, kind: 'host' }, { vim: { client, host: moref('HostSystem', 'ha-host') }, verifyTimeoutMs: 5000 });

  it('the 8.0 host chooses the api route from its generation', async () => {
    const gen = client.generation!;
    assert.equal(chooseRoute(gen, 'host').method, 'host-api');
  });

  it('reads the current certificate through certificateInfo and a handshake', async () => {
    const cur = await route().readCurrentCertificate();
    assert.equal(cur.source, 'api');
    assert.equal(cur.sha256, (await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256);
    assert.ok(cur.notAfter && !Number.isNaN(Date.parse(cur.notAfter)));
  });

  it('CSR on the host, signed by the CA, installed through the API: the host serves it, the CA is in its trust store', async () => {
    const r0 = route();
    const csr = await r0.requestCsr();
    assert.match(csr, /BEGIN CERTIFICATE REQUEST/);
    assert.doesNotMatch(csr, /PRIVATE KEY/);
    const cert = ca.sign(csr);
    const want = thumbprintsOfPem(cert).sha256;
    const steps: string[] = [];
    const r = await r0.deploy({ cert, chain: [ca.certPem], onStep: (s) => { if (s.status !== 'pending') steps.push(`${s.id}:${s.status}`); } });
    assert.equal(r.ok, true, r.error);
    assert.equal(r.liveSha256, want);
    assert.equal((await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256, want, 'a TLS handshake shows the new certificate');
    const state = await lab.vcsim.certState();
    assert.equal(state.hosts[0].caCerts, 1, 'the CA was pushed with ReplaceCACertificatesAndCRLs');
    assert.ok(steps.includes('install:ok') && steps.includes('verify:ok'));
  });

  it('a failure injected once the new certificate is live: old → new → old through the API, proven by a handshake', async () => {
    const old = (await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256;
    const r0 = route();
    const cert = ca.sign(await r0.requestCsr());
    const want = thumbprintsOfPem(cert).sha256;
    const from = (await lab.vcsim.certState()).served.length;
    await lab.vcsim.injectCertFailure('host', 1);
    const r = await r0.deploy({ cert, chain: [ca.certPem] });
    assert.equal(r.ok, false);
    assert.equal(r.failedStep, 'install');
    assert.equal(r.rolledBack, true);
    assert.equal(r.previousCertServed, true, r.error);
    assert.equal(r.liveSha256, old);
    assert.deepEqual((await lab.vcsim.certState()).served.slice(from - 1), [old, want, old], 'old → new → old');
    assert.equal((await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256, old);
    assert.match(r.error ?? '', /reinstalled through the API/);
  });

  it('our own key is refused by the api route (InstallServerCertificate takes no key); nothing changes', async () => {
    const before = (await lab.vcsim.certState()).served.length;
    const req = await createRequest({ cn: 'esx.lab.local', sans: ['esx.lab.local'], bits: 2048 });
    const r = await route().deploy({ cert: ca.sign(req.csrPem), key: req.keyPkcs1Pem });
    assert.equal(r.ok, false);
    assert.equal(r.failedStep, 'files');
    assert.match(r.error ?? '', /SSH route/);
    assert.equal((await lab.vcsim.certState()).served.length, before);
  });

  it('a certificate for a key the host does not hold is refused by the host: nothing changed, said so', async () => {
    const old = (await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256;
    const req = await createRequest({ cn: 'esx.lab.local', sans: ['esx.lab.local'], bits: 2048 });
    const r = await route().deploy({ cert: ca.sign(req.csrPem) });
    assert.equal(r.ok, false);
    assert.equal(r.failedStep, 'install');
    assert.equal(r.rolledBack, false);
    assert.match(r.error ?? '', /Nothing changed/);
    assert.equal((await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256, old);
  });
});

describe('certificate routes: a 5.5 lab host has no HostCertificateManager', function () {
  this.timeout(60_000);
  let client: VimClient;
  const lab = withLab({ generation: '5.5', vcsim: { esx: true, vm: 0 } });
  before(async () => {
    client = await VimClient.connect({ url: lab.vcsim.sdkUrl, username: lab.vcsim.username, password: lab.vcsim.password, trust: { mode: 'insecure' }, keepAliveMs: 0 });
  });
  lab.beforeStop(() => client?.close());

  it('the generation picks SSH, and the api route says the host has no certificate manager', async () => {
    assert.equal(chooseRoute(client.generation!, 'host').method, 'ssh-rhttpproxy');
    const r = new HostApiRoute({ host: lab.vcsim.host, port: lab.vcsim.port, kind: 'host' }, { vim: { client, host: moref('HostSystem', 'ha-host') } });
    await assert.rejects(r.requestCsr(), /no HostCertificateManager/);
  });
});
