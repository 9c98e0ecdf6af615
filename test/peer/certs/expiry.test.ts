/**
 * The expiry board against a mixed-generation lab: a vCenter 8.0 whose hosts are their own
 * `vcsim -esx` peers (ESXi 4.1, 5.5, 7.0, 8.0, and one more 8.0 and 5.5 that are stopped), each serving a
 * certificate of another expiry on its own loopback address; one more vCenter host is pointed at a
 * TCP port that never answers TLS. Every row is checked against what the peer really serves.
 */
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { withLab, requestJson } from '../../lab';
import { VimClient } from '../../../src/core/vsphere/client';
import { readExpiryBoard, type ExpiryRow } from '../../../src/core/certs/expiry';

describe('certs/expiry: the board of a mixed-generation lab (peer)', function () {
  this.timeout(120_000);
  const lab = withLab({
    generation: '8.0',
    vcsim: { vm: 0, host: 7 },
    hosts: [
      { generation: '4.1', certDays: 200 },
      { generation: '5.5', certDays: 5 },
      { generation: '7.0', certDays: 45 },
      { generation: '8.0', certDays: -3 },
      { generation: '8.0', certDays: 90 },
      { generation: '5.5', certDays: 60 },
    ],
  });
  let client: VimClient;
  before(async () => {
    client = await VimClient.connect({
      url: lab.vcsim.sdkUrl, username: lab.vcsim.username, password: lab.vcsim.password,
      trust: { mode: 'pinned', sha256: lab.vcsim.thumbprintSha256 }, keepAliveMs: 0,
    });
    lab.beforeStop(() => client.close());
  });

  it('lists the vCenter and every host, sorted by expiry, each as its peer serves it or as the API reports it', async () => {
    // Two hosts stop answering: the 8.0 one is still read through the vCenter's API, the 5.5 one
    // (no HostCertificateManager) becomes an error row, not a failed board.
    await lab.hosts[4].stop();
    await lab.hosts[5].stop();
    const board = await readExpiryBoard(client, { perHostTimeoutMs: 5000 });
    const hostRows = board.rows.filter((r) => r.role === 'host' && !r.error && lab.hosts.some((h) => h.moref === r.moref));
    assert.deepEqual(hostRows.map((r) => r.generation), ['8.0', '5.5', '7.0', '8.0', '4.1']);
    assert.deepEqual(hostRows.map((r) => r.daysLeft), [-4, 4, 44, 89, 199]);
    assert.deepEqual(hostRows.map((r) => r.source), ['api', 'tls', 'api', 'api', 'tls'], 'the API where the generation has HostCertificateManager');
    assert.deepEqual(hostRows.map((r) => r.route), ['host-api', 'ssh-rhttpproxy', 'host-api', 'host-api', 'ssh-hostd'], 'the route each generation takes');
    for (const r of hostRows) {
      const peer = lab.hosts.find((h) => h.moref === r.moref)!;
      assert.equal(r.endpoint, peer.name);
      assert.match(r.cert?.subject ?? '', /CN=esx0\d\.lab\.test/);
      assert.match(r.product ?? '', /^VMware ESXi (4\.1|5\.5|7\.0|8\.0)\.0 build-/);
      if (peer === lab.hosts[4]) {
        assert.equal(r.cert?.sha256, undefined, 'the API gives no thumbprint');
        assert.match(r.notes.join(' '), /Key and SHA-256 unknown/);
        continue;
      }
      assert.equal(r.cert?.sha256, peer.vcsim.thumbprintSha256, `${r.name} SHA-256`);
      assert.equal(r.cert?.key, 'RSA 1024');
      assert.deepEqual(r.notes, [], 'what the API reports is what the host serves');
    }
    const down = board.rows.find((r) => r.moref === lab.hosts[5].moref)!;
    assert.equal(down.error?.code, 'refused');
    const vc = board.rows.find((r) => r.role === 'vcenter')!;
    assert.equal(vc.cert?.sha256, lab.vcsim.thumbprintSha256);
    assert.equal(vc.generation, '8.0');
    assert.equal(vc.route, 'vcsa-rest');
    assert.equal(vc.daysLeft, 364);
    const days = board.rows.map((r) => r.daysLeft ?? Infinity);
    assert.deepEqual(days, [...days].sort((a, b) => a - b), 'sorted by expiry, errors last');
  });

  it('a host that stopped and one that never answers TLS are error rows, within the bound', async () => {
    // A TCP listener that accepts and says nothing: the handshake must give up within the bound.
    const silent = net.createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const vcHosts = await requestJson<Array<{ moref: string; name: string }>>(`${lab.vcsim.url}/lab/hosts`);
    const spare = vcHosts.find((h) => !lab.hosts.some((l) => l.moref === h.moref))!;
    await requestJson(`${lab.vcsim.url}/lab/host`, 'POST', { moref: spare.moref, name: `127.0.0.1:${(silent.address() as net.AddressInfo).port}`, generation: '5.5' });
    try {
      const t0 = Date.now();
      const board = await readExpiryBoard(client, { perHostTimeoutMs: 1500 });
      assert.ok(Date.now() - t0 < 10_000, `bounded: ${Date.now() - t0} ms`);
      const errors = board.rows.filter((r) => r.error);
      const byId = (id: string): ExpiryRow | undefined => errors.find((r) => r.moref === id);
      assert.equal(byId(lab.hosts[5].moref)?.error?.code, 'refused');
      assert.equal(byId(spare.moref)?.error?.code, 'timeout');
      assert.equal(board.rows.filter((r) => !r.error).length, 6, 'the others are read');
      assert.deepEqual(board.rows.slice(-errors.length).map((r) => !!r.error), errors.map(() => true), 'errors last');
    } finally {
      silent.close();
    }
  });
});
