/**
 * Rotation of 10 lab hosts in one run, one failure injected: a vCenter 8.0 whose 10 hosts are their
 * own `vcsim -esx` peers (ESXi 5.5, each on its own loopback address), each paired with an ESXi
 * shell: their generation's route (core/certs/routes) is SSH with rhttpproxy. One CSR each (local
 * key + CSR: 5.5 has no HostCertificateManager), signed by `openssl` as the CA, imported as a
 * folder and matched to the hosts by their SANs, then deployed three at a time through the route.
 * The tenth host's agent restart fails: it must roll back on its own while the
 * other nine go live. Proven by our own TLS handshakes: 9 serve their new certificate, 1 its old.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { withLab, servedThumbprints, type LabHost } from '../../lab';
import { VimClient } from '../../../src/core/vsphere/client';
import { listCertificateHosts } from '../../../src/core/certs/expiry';
import {
  matchCertificates, requestCertificates, rotateCertificates, routeDeployer, routeRequester, type AccessFor, type HostRequest, type RotationHost,
} from '../../../src/core/certs/rotate';
import { makeTestCa, type TestCa } from '../esxi/ca';

/**
 * How the run reaches each lab host for its route. Stub only in where SSH listens: each lab host's
 * shell is on its own port, not 22; the route itself (core/certs/routes) is the product's.
 */
function labAccess(hosts: readonly LabHost[]): AccessFor {
  return (h) => {
    const esxi = hosts.find((x) => x.moref === h.id)!.esxi!;
    return { ssh: { host: esxi.host, port: esxi.port, username: 'root', password: esxi.password, hostKey: esxi.hostKeySha256 }, verifyTimeoutMs: 3000 };
  };
}

describe('certs/rotate: 10 lab hosts in one run, one failure injected (peer)', function () {
  this.timeout(300_000);
  const lab = withLab({ generation: '8.0', vcsim: { vm: 0 }, hosts: Array.from({ length: 10 }, () => ({ generation: '5.5' as const, esxi: true })) }, { timeoutMs: 240_000 });
  let client: VimClient;
  let ca: TestCa;
  let dir: string;
  before(async () => {
    client = await VimClient.connect({
      url: lab.vcsim.sdkUrl, username: lab.vcsim.username, password: lab.vcsim.password,
      trust: { mode: 'pinned', sha256: lab.vcsim.thumbprintSha256 }, keepAliveMs: 0,
    });
    lab.beforeStop(() => client.close());
    ca = makeTestCa();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-rotate-'));
  });
  after(() => {
    ca?.dispose();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('ends with 9 hosts serving their new certificate and 1 its old one', async () => {
    const facts = await listCertificateHosts(client);
    const hosts: RotationHost[] = facts.filter((h) => h.endpoint).map((h) => ({ id: h.ref.value, name: h.name, endpoint: h.endpoint!, generation: h.generation }));
    assert.equal(hosts.length, 10);
    const before = new Map(await Promise.all(lab.hosts.map(async (h) => [h.moref, (await servedThumbprints(h.vcsim.host, h.vcsim.port)).sha256] as const)));

    // 1. a CSR each: ESXi 5.5 has no HostCertificateManager, so its route (SSH) takes a local key + CSR
    const requests = await requestCertificates({ hosts, subject: { o: 'vSphere Lab' }, requestOnHost: routeRequester(labAccess(lab.hosts)) });
    assert.ok(requests.every((r) => !r.error && r.mode === 'local' && r.keyPem), 'ten local requests');
    const keys = new Map((requests as HostRequest[]).map((r) => [r.hostId, r.keyPem!]));

    // 2. the CA signs them; the user imports the folder (certificates in another order, and the CA file)
    (requests as HostRequest[]).reverse().forEach((r, i) => fs.writeFileSync(path.join(dir, `signed-${i}.cer`), ca.sign(r.csrPem)));
    fs.writeFileSync(path.join(dir, 'root-ca.crt'), ca.certPem);
    const files = fs.readdirSync(dir).map((name) => ({ name, bytes: fs.readFileSync(path.join(dir, name)) }));
    const matched = matchCertificates(hosts, files);
    assert.equal(matched.matches.length, 10);
    assert.deepEqual(matched.missing, []);
    assert.deepEqual(matched.unmatched, []);
    for (const m of matched.matches) {
      const h = hosts.find((x) => x.id === m.hostId)!;
      assert.equal(m.matchedBy, `IP:${h.endpoint.host}`, 'matched by the host\'s own address');
      assert.equal(m.chainPems.length, 1, 'the CA goes along as the chain');
    }

    // 3. one run: the last host's restart fails
    const failing = lab.hosts[9];
    failing.esxi!.failRestart = true;
    const seen: string[] = [];
    const result = await rotateCertificates({
      hosts, matches: matched.matches, keys, deploy: routeDeployer(labAccess(lab.hosts)), concurrency: 3,
      onHost: (h) => seen.push(`${h.name}:${h.status}`),
    });
    assert.equal(result.counts.new, 9, JSON.stringify(result.hosts.filter((h) => h.status !== 'new'), null, 1));
    assert.equal(result.counts.old, 1);
    const bad = result.hosts.find((h) => h.status === 'old')!;
    assert.equal(bad.id, failing.moref);
    assert.ok(bad.error, 'the failure is shown');
    assert.equal(bad.liveSha256, before.get(failing.moref));
    assert.ok(seen.some((s) => s.endsWith(':running')), 'progress per host');
    assert.ok(result.hosts.every((h) => h.route === 'ssh-rhttpproxy'), 'the route of ESXi 5.5');
    assert.equal(bad.rolledBack, true);

    // Proven independently of the run: a TLS handshake with each peer.
    for (const h of lab.hosts) {
      const live = (await servedThumbprints(h.vcsim.host, h.vcsim.port)).sha256;
      const m = matched.matches.find((x) => x.hostId === h.moref)!;
      if (h === failing) assert.equal(live, before.get(h.moref), `${h.name} serves its old certificate`);
      else assert.equal(live, m.sha256, `${h.name} serves its new certificate`);
    }
  });
});
