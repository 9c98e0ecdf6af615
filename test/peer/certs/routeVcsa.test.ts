/**
 * The vcsa route (TLS REST API) against the lab's vCenter 8.0 appliance (vcsim -generation 8.0):
 * the root chain added through trusted-root-chains, the machine certificate replaced with
 * PUT …/vcenter/tls, proven live by a TLS handshake; a failure injected once the new certificate
 * is served puts the previous one back (old → new → old). A 6.7 vCenter has no such API.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { withLab, servedThumbprints, thumbprintsOfPem } from '../../lab';
import { VcsaRestRoute } from '../../../src/core/certs/routes/vcsaRest';
import { chooseRoute } from '../../../src/core/certs/routes';
import { createRequest } from '../../../src/core/certs/request';
import { Generation } from '../../../src/core/vsphere/generation';
import { makeTestCa, type TestCa } from '../esxi/ca';

describe('certificate routes: vcsa (TLS REST API) on a vCenter 8.0 lab appliance', function () {
  this.timeout(120_000);
  let ca: TestCa;
  const lab = withLab({ generation: '8.0', vcsim: { vm: 0, host: 1, cluster: 1, username: 'administrator@vsphere.local', password: 'VMware1!' } });
  before(() => { ca = makeTestCa(); });
  after(() => ca?.dispose());

  // Pinned to what the appliance serves now (as the extension's connection would be).
  const route = async (password?: string): Promise<VcsaRestRoute> => new VcsaRestRoute({ host: lab.vcsim.host, port: lab.vcsim.port, kind: 'vcenter' }, {
    rest: { username: lab.vcsim.username, password: password ?? lab.vcsim.password, trust: { mode: 'pinned', sha256: (await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256 } }, verifyTimeoutMs: 5000,
  });
  const issue = async (cn: string): Promise<{ cert: string; key: string }> => {
    const req = await createRequest({ cn, sans: [cn], bits: 2048 });
    return { cert: ca.sign(req.csrPem), key: req.keyPkcs1Pem };
  };

  it('an 8.0 appliance chooses the vcsa route', () => {
    const gen = Generation.fromAbout({ version: '8.0.0', apiVersion: '8.0.0.0', productLineId: 'vpx', apiType: 'VirtualCenter', osType: 'linux-x64' });
    assert.equal(chooseRoute(gen, 'vcenter').method, 'vcsa-rest');
  });

  it('reads the machine certificate through GET …/tls', async () => {
    const cur = await (await route()).readCurrentCertificate();
    assert.equal(cur.source, 'rest');
    assert.equal(cur.sha256, lab.vcsim.thumbprintSha256);
    assert.ok(cur.notAfter);
  });

  it('a wrong password is refused in words', async () => {
    const r = await (await route('wrong')).deploy({ ...(await issue('vc.lab.local')), chain: [ca.certPem] });
    assert.equal(r.ok, false);
    assert.equal(r.failedStep, 'login');
    assert.match(r.error ?? '', /refused the login of administrator@vsphere\.local/);
  });

  it('a failure injected once the new certificate is live: old → new → old, the added root chain removed', async () => {
    const old = (await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256;
    const previousKey = fs.readFileSync(lab.vcsim.keyFile, 'utf8');
    const { cert, key } = await issue('vc.lab.local');
    const want = thumbprintsOfPem(cert).sha256;
    const from = (await lab.vcsim.certState()).served.length;
    await lab.vcsim.injectCertFailure('vcenter', 1);
    const r = await (await route()).deploy({ cert, key, chain: [ca.certPem], previousKey });
    assert.equal(r.ok, false);
    assert.equal(r.failedStep, 'replace');
    assert.equal(r.rolledBack, true);
    assert.equal(r.previousCertServed, true, r.error);
    assert.deepEqual((await lab.vcsim.certState()).served.slice(from - 1), [old, want, old], 'old → new → old');
    assert.equal((await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256, old);
    assert.equal((await lab.vcsim.certState()).trustedRootChains, 0, 'the chain this deploy added is gone');
    assert.deepEqual(r.steps.filter((s) => s.phase === 'rollback').map((s) => `${s.id}:${s.status}`), ['reinstall:ok', 'trusted-roots-restore:ok', 'verify-old:ok']);
  });

  it('without the previous key the failure is reported with what to do, not hidden', async () => {
    const { cert, key } = await issue('vc.lab.local');
    await lab.vcsim.injectCertFailure('vcenter', 1);
    const r = await (await route()).deploy({ cert, key, chain: [ca.certPem] });
    assert.equal(r.ok, false);
    assert.equal(r.previousCertServed, false);
    assert.match(r.error ?? '', /previous certificate's key|BACKUP_STORE/);
    assert.equal((await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256, thumbprintsOfPem(cert).sha256, 'the new certificate stays in service');
  });

  it('replaces the machine certificate and adds the root chain: the appliance serves it', async () => {
    const { cert, key } = await issue('vc.lab.local');
    const want = thumbprintsOfPem(cert).sha256;
    const r = await (await route()).deploy({ cert, key, chain: [ca.certPem] });
    assert.equal(r.ok, true, r.error);
    assert.equal(r.liveSha256, want);
    assert.equal((await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256, want);
    assert.equal((await lab.vcsim.certState()).trustedRootChains, 1);
  });

  it('a certificate whose root is not trusted (no chain given) is refused by the appliance: nothing changed', async () => {
    const other = makeTestCa('Other Root');
    try {
      const req = await createRequest({ cn: 'vc.lab.local', sans: ['vc.lab.local'], bits: 2048 });
      const before = (await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256;
      const r = await (await route()).deploy({ cert: other.sign(req.csrPem), key: req.keyPkcs1Pem });
      assert.equal(r.ok, false);
      assert.equal(r.failedStep, 'replace');
      assert.match(r.error ?? '', /trusted root/);
      assert.match(r.error ?? '', /Nothing changed/);
      assert.equal((await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256, before);
    } finally {
      other.dispose();
    }
  });
});
