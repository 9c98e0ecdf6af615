import assert from 'node:assert/strict';
import type { EntitySeries } from '../../../src/core/memory/counters';
import { hostMemory, vmMemory } from '../../../src/core/memory/model';
import { Generation } from '../../../src/core/vsphere/generation';

const series = (values: EntitySeries['values']): EntitySeries => ({ entity: { type: 'VirtualMachine', value: 'x' }, t: [1, 2, 3], values });

describe('memory: model of a host and its VMs', () => {
  it('a VM: latest and peak figures, ballooning / swapping, idle memory, overhead measured vs documented', () => {
    const v = vmMemory('vm-1', 'web01', series({ balloon: [0, 300, 250], swapped: [0, 0, null], granted: [2048, 1900, 1800], active: [400, 500, 300], overhead: [130, 131, 132] }), { memoryMB: 2048, numCpu: 2 });
    assert.equal(v.latest.balloon, 250);
    assert.equal(v.max.balloon, 300);
    assert.equal(v.latest.swapped, 0);
    assert.equal(v.ballooning, true);
    assert.equal(v.swapping, false);
    assert.equal(v.idleMB, 1500);
    assert.equal(v.overhead.measuredMB, 132);
    assert.deepEqual(v.overhead.estimates.map((e) => [e.table, e.method, e.overheadMB]), [['4.0', 'exact', 198.2], ['6.5', 'interpolated', 37.51]]);
    assert.deepEqual(vmMemory('vm-2', 'big', undefined, { memoryMB: 8192, numCpu: 8 }).overhead.estimates.map((e) => e.method), ['unknown', 'interpolated']);
  });

  it('a host: state from mem.state when present, else from free memory; savings; who reclaims and who is next', () => {
    const vms = [
      vmMemory('vm-1', 'a', series({ balloon: [0, 0, 200], granted: [1024, 1024, 1024], active: [100, 100, 100] })),
      vmMemory('vm-2', 'b', series({ balloon: [0, 0, 100], swapped: [0, 50, 80] })),
      vmMemory('vm-3', 'c', series({ granted: [4096, 4096, 4096], active: [96, 96, 96] })),
      vmMemory('vm-4', 'd', series({ granted: [2048, 2048, 2048], active: [1048, 1048, 1048] })),
    ];
    const h = hostMemory('host-1', 'esx01', { entity: { type: 'HostSystem', value: 'host-1' }, t: [1, 2, 3], values: { consumed: [90000, 95000, 97000], shared: [3000, 3100, 3200], sharedCommon: [1000, 1000, 1200] } }, vms, 100000);
    assert.equal(h.freeMB, 3000);
    assert.equal(h.freePct, 3);
    assert.equal(h.state, 'soft', 'no generation: the 4.x table, soft below 3840 MB of 100000');
    assert.equal(h.stateModel, 'pct-of-host');
    assert.equal(h.minFreeMB, 6000);
    assert.deepEqual(h.pageSharing, { scope: 'inter-vm', from: 'default' });
    assert.equal(h.stateSource, 'free');
    assert.equal(h.sharingSavedMB, 2000);
    assert.deepEqual(h.reclaiming.map((v) => v.name), ['b', 'a'], 'swapping first, then ballooning');
    assert.deepEqual(h.likelyNext.map((v) => v.name), ['c', 'd'], 'most idle first');
    assert.deepEqual(h.ladder!.map((s) => [s.step, s.active, s.seenOnly, s.seenOnVms, s.next]),
      [['tps', true, false, undefined, false], ['balloon', true, false, 2, false], ['compress', false, false, undefined, true], ['swap', false, true, 1, true], ['block', false, false, undefined, false]],
      'a soft host: balloon now (2 VMs); swap only seen on 1 VM, and still the next step');

    const byCounter = hostMemory('host-1', 'esx01', { entity: { type: 'HostSystem', value: 'host-1' }, t: [1], values: { state: [2], consumed: [1000] } }, [], 100000);
    assert.equal(byCounter.state, 'hard');
    assert.equal(byCounter.stateSource, 'counter');
    // 8.0: the five-state table; its mem.state mapping is unconfirmed, so free memory wins when known.
    const g80 = Generation.fromAbout({ version: '8.0.2', build: '22380479' })!;
    const h80 = hostMemory('host-1', 'esx01', { entity: { type: 'HostSystem', value: 'host-1' }, t: [1], values: { state: [3], consumed: [16384 - 500], shared: [300], sharedCommon: [100] } }, [], 16384, 'latest', { generation: g80 });
    assert.deepEqual([h80.state, h80.stateSource, h80.stateModel, h80.generation?.version], ['clear', 'free', 'minfree-clear', '8.0.2']);
    assert.deepEqual(h80.thresholds!.map((t) => t.state), ['high', 'clear', 'soft', 'hard', 'low']);
    assert.deepEqual(h80.pageSharing, { scope: 'within-vm', from: 'default' }, 'page sharing saves within VMs only');
    assert.deepEqual(h80.ladder!.filter((s) => s.active).map((s) => s.step), ['largePages', 'tps']);
    const h41 = hostMemory('host-1', 'esx01', { entity: { type: 'HostSystem', value: 'host-1' }, t: [1], values: { consumed: [16384 - 500] } }, [], 16384, 'latest', { generation: Generation.fromAbout({ version: '4.1.0' }), shareForceSalting: 2 });
    assert.equal(h41.state, 'soft', 'the same free memory on a 4.1 host');
    assert.equal(h41.pageSharing.from, 'option');
    const unknown = hostMemory('h', 'h', undefined, []);
    assert.equal(unknown.state, undefined);
    assert.equal(unknown.ladder, undefined);
  });
});
