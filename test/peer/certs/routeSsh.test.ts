/**
 * The ssh route per generation against the lab: ESX 4.1 (hostd serves port 443, today's deploy)
 * and ESXi 5.5 (rhttpproxy serves it: hostd alone leaves the old certificate in service), each
 * deploying a CA-signed certificate proven live, and rolling back after a failure injected once the
 * new certificate is served (old → new → old, by TLS handshake).
 */
import * as assert from 'node:assert/strict';
import { withLab, servedThumbprints, thumbprintsOfPem, type LabGeneration } from '../../lab';
import { chooseRoute, createRoute } from '../../../src/core/certs/routes';
import { createRequest } from '../../../src/core/certs/request';
import { deployEsxCertificate } from '../../../src/core/esxi/deploy';
import { Generation } from '../../../src/core/vsphere/generation';
import { makeTestCa, type TestCa } from '../esxi/ca';

for (const [gen, method, agent] of [['4.1', 'ssh-hostd', 'hostd'], ['5.5', 'ssh-rhttpproxy', 'rhttpproxy']] as const) {
  describe(`certificate routes: ssh on an ESX(i) ${gen} lab host`, function () {
    this.timeout(120_000);
    let ca: TestCa;
    const lab = withLab({ generation: gen as LabGeneration, vcsim: { esx: true, vm: 0 }, esxi: { password: 'VMware1!' } });
    before(() => { ca = makeTestCa(); });
    after(() => ca?.dispose());

    const ssh = () => ({ host: lab.esxi.host, port: lab.esxi.port, username: 'root', password: 'VMware1!', hostKey: lab.esxi.hostKeySha256 });
    const route = () => createRoute(chooseRoute(Generation.fromId(gen), 'host'), { host: lab.vcsim.host, port: lab.vcsim.port, kind: 'host' }, { ssh: ssh(), verifyTimeoutMs: 3000 });
    const issue = async () => {
      const req = await createRequest({ cn: 'esx01.lab.local', sans: ['esx01.lab.local', '127.0.0.1'], bits: 2048 });
      return { cert: ca.sign(req.csrPem), key: req.keyPkcs1Pem };
    };

    it(`the generation picks ${method}`, () => {
      assert.equal(route().method, method);
    });

    if (gen === '5.5') {
      it('on 5.5 a hostd restart alone leaves the old certificate in service (the 4.x plan fails there and rolls back)', async () => {
        const old = (await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256;
        const r = await deployEsxCertificate({ host: lab.vcsim.host, port: lab.vcsim.port, ssh: ssh(), ...(await issue()), verifyTimeoutMs: 2000 });
        assert.equal(r.ok, false);
        assert.equal(r.failedStep, 'verify');
        assert.equal((await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256, old);
      });
    }

    it('a failure once the new certificate is live: old → new → old, proven by handshake', async () => {
      const old = (await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256;
      const { cert, key } = await issue();
      const want = thumbprintsOfPem(cert).sha256;
      const from = lab.esxi.servedCerts.length;
      lab.esxi.restartFailure = { mode: 'after-load', times: 1 };
      const r = await route().deploy({ cert, key, chain: [ca.certPem] });
      assert.equal(r.ok, false);
      assert.equal(r.failedStep, 'restart');
      assert.match(r.error ?? '', new RegExp(`${agent} failed to start`));
      assert.equal(r.rolledBack, true);
      assert.equal(r.previousCertServed, true);
      assert.deepEqual(lab.esxi.servedCerts.slice(from - 1), [old, want, old]);
      assert.equal((await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256, old);
    });

    it('deploys a CA-signed certificate and proves it live', async () => {
      const { cert, key } = await issue();
      const r = await route().deploy({ cert, key, chain: [ca.certPem] });
      assert.equal(r.ok, true, r.error);
      assert.equal(r.route, 'ssh');
      assert.equal(r.liveSha256, thumbprintsOfPem(cert).sha256);
      assert.equal((await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256, r.liveSha256);
      const restart = r.steps.find((s) => s.id === 'restart' && s.phase === 'deploy');
      assert.match(restart?.detail ?? '', gen === '4.1' ? /^\$ \/etc\/init\.d\/hostd restart$/m : /rhttpproxy restart/);
    });
  });
}
