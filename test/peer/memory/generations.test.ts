/**
 * The memory picture per generation against real peers: a standalone ESX 4.1 and an ESXi 8.0 (vcsim
 * -esx -generation G), the same free memory injected on both, read through loadLive (the code the
 * panel runs): each host gets its generation's table, state and ladder.
 */
import assert from 'node:assert/strict';
import { withLab, type LabFixture } from '../../lab';
import { VimClient } from '../../../src/core/vsphere/client';
import { getInventory } from '../../../src/core/vsphere/inventory';
import { HOST_PRODUCT_PATH } from '../../../src/core/vsphere/generation';
import { loadLive } from '../../../src/core/memory/data';
import { minFreeMB, stateModel } from '../../../src/core/memory/state';

async function live(lab: LabFixture, freeOf: (hostMB: number) => number, extra: boolean) {
  const vc = lab.vcsim;
  const client = await VimClient.connect({ url: vc.sdkUrl, username: vc.username, password: vc.password, trust: { mode: 'pinned', sha256: vc.thumbprintSha256 }, keepAliveMs: 0 });
  try {
    const inv = await getInventory(client, extra ? { extraPaths: { HostSystem: [HOST_PRODUCT_PATH] } } : {});
    const host = inv.hosts[0];
    const hostMB = host.memoryBytes! / 2 ** 20;
    await vc.injectHostFreeMemory(host.ref.value, freeOf(hostMB));
    const r = await loadLive({ client, entity: host.ref, hosts: inv.hosts, vms: inv.vms, range: 'realtime' });
    return { view: r.view, hostMB, about: client.generation };
  } finally {
    await client.close();
  }
}

describe('memory per generation: a 4.1 host and an 8.0 host under the same pressure', function () {
  this.timeout(90_000);
  const old = withLab({ generation: '4.1', vcsim: { esx: true, vm: 1 } });
  const now = withLab({ generation: '8.0', vcsim: { esx: true, vm: 1 } });

  it('each gets its own table, state and ladder for the same free memory', async () => {
    // 90 % of the 6.0+ minFree: clear on 8.0; on 4.1 above its soft threshold (64 % of 6 %), so high.
    const freeOf = (hostMB: number) => Math.round(0.9 * minFreeMB(stateModel('minfree-clear'), hostMB));
    const a = await live(old, freeOf, true);
    const b = await live(now, freeOf, false);
    assert.equal(a.about?.family, '4.x');
    assert.equal(b.about?.family, '8.x');
    const ha = a.view.host!;
    const hb = b.view.host!;
    assert.equal(ha.generation?.version, '4.1.0', 'from the product the inventory retrieved');
    assert.equal(hb.generation?.version.split('.').slice(0, 2).join('.'), '8.0', 'from one retrieve of the host product');
    assert.equal(Math.round(ha.freeMB!), Math.round(hb.freeMB!), 'the same free memory');
    assert.deepEqual([ha.stateModel, ha.state], ['pct-of-host', 'high']);
    assert.deepEqual([hb.stateModel, hb.state], ['minfree-clear', 'clear']);
    assert.deepEqual(a.view.states.map((s) => s.state), ['high', 'soft', 'hard', 'low']);
    assert.deepEqual(b.view.states.map((s) => s.state), ['high', 'clear', 'soft', 'hard', 'low']);
    assert.deepEqual(ha.ladder!.filter((s) => s.active).map((s) => s.step), ['tps']);
    assert.deepEqual(hb.ladder!.filter((s) => s.active).map((s) => s.step), ['largePages', 'tps']);
    assert.equal(ha.pageSharing.scope, 'inter-vm');
    assert.equal(hb.pageSharing.scope, 'within-vm', 'salting on by default since 6.0');
    const lines = (v: typeof a.view) => v.charts.find((c) => c.id === 'hostFree')!.series.filter((s) => s.dash).map((s) => s.label.split(' ')[0]);
    assert.deepEqual(lines(a.view), ['high', 'soft', 'hard', 'low']);
    assert.deepEqual(lines(b.view), ['high', 'clear', 'soft', 'hard', 'low']);
  });
});
