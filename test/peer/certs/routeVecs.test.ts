/**
 * The vecs-cli route on the lab's vCenter 6.7 appliance: vcsim (vCenter, -generation 6.7) paired
 * with the SSH simulator playing the appliance's shell (vecs-cli, service-control; test/lab/esxi/vecs.ts).
 * A failure once the new certificate is served rolls back from the VECS backup (old → new → old);
 * then the deploy goes through and is proven live.
 */
import * as assert from 'node:assert/strict';
import { withLab, servedThumbprints, thumbprintsOfPem } from '../../lab';
import { chooseRoute, createRoute } from '../../../src/core/certs/routes';
import { createRequest } from '../../../src/core/certs/request';
import { Generation } from '../../../src/core/vsphere/generation';
import { makeTestCa, type TestCa } from '../esxi/ca';

describe('certificate routes: vecs-cli over SSH on a vCenter 6.7 lab appliance', function () {
  this.timeout(120_000);
  let ca: TestCa;
  const lab = withLab({ generation: '6.7', vcsim: { vm: 0, host: 1, cluster: 1 }, esxi: { password: 'Vcsa-1!' } });
  before(() => { ca = makeTestCa(); });
  after(() => ca?.dispose());

  const gen = (): Generation => Generation.fromAbout({ version: '6.7.0', apiVersion: '6.7', productLineId: 'vpx', apiType: 'VirtualCenter', osType: 'linux-x64' })!;
  const route = () => createRoute(chooseRoute(gen(), 'vcenter'), { host: lab.vcsim.host, port: lab.vcsim.port, kind: 'vcenter' },
    { ssh: { host: lab.esxi.host, port: lab.esxi.port, username: 'root', password: 'Vcsa-1!', hostKey: lab.esxi.hostKeySha256 }, verifyTimeoutMs: 3000 });
  const issue = async () => {
    const req = await createRequest({ cn: 'vc67.lab.local', sans: ['vc67'], bits: 2048 });
    return { cert: ca.sign(req.csrPem), key: req.keyPkcs1Pem };
  };

  it('the 6.7 appliance takes the vecs-cli route over SSH', () => {
    assert.deepEqual([route().id, route().method], ['ssh', 'vcsa-vecs']);
  });

  it('a failure once the new certificate is live: old → new → old from the VECS backup, the added root removed', async () => {
    const old = (await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256;
    const { cert, key } = await issue();
    const from = lab.esxi.servedCerts.length;
    lab.esxi.restartFailure = { mode: 'after-load', times: 1 };
    const r = await route().deploy({ cert, key, chain: [ca.certPem] });
    assert.equal(r.ok, false);
    assert.equal(r.failedStep, 'start');
    assert.equal(r.rolledBack, true);
    assert.equal(r.previousCertServed, true, r.error);
    assert.deepEqual(lab.esxi.servedCerts.slice(from - 1), [old, thumbprintsOfPem(cert).sha256, old]);
    assert.equal((await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256, old);
    assert.deepEqual(r.steps.filter((s) => s.phase === 'rollback').map((s) => `${s.id}:${s.status}`), ['restore:ok', 'untrust-root:ok', 'start:ok', 'verify-old:ok']);
    assert.ok(lab.esxi.commands.some((c) => c.includes('vecs-cli entry getkey --store MACHINE_SSL_CERT --alias __MACHINE_CERT')), 'backed up first');
  });

  it('replaces the machine certificate with vecs-cli and proves it live', async () => {
    const { cert, key } = await issue();
    const r = await route().deploy({ cert, key, chain: [ca.certPem] });
    assert.equal(r.ok, true, r.error);
    assert.equal((await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256, thumbprintsOfPem(cert).sha256);
  });
});
