import assert from 'node:assert/strict';
import type { PerfCatalog, PerfCounter, PerfSeries } from '../../../src/core/vsphere/perf';
import { assembleSeries, deriveFree, metricsFor, planCalls, resolveMemoryCounters, type EntitySeries, type MetricKey } from '../../../src/core/memory/counters';

function catalog(entries: Array<[number, string, string]>): PerfCatalog {
  const counters: PerfCounter[] = entries.map(([id, fullName, unit]) => {
    const [group, name, rollup] = fullName.split('.');
    return { id, fullName, group, name, rollup, unit, statsType: 'absolute', label: name };
  });
  return { counters, byName: new Map(counters.map((c) => [c.fullName, c])), byId: new Map(counters.map((c) => [c.id, c])) };
}

describe('memory: counters by name', () => {
  it('resolves ids through the catalog (whatever the ids), reporting unknown counters', () => {
    const cat = catalog([[90, 'mem.vmmemctl.average', 'kiloBytes'], [70, 'mem.swapped.average', 'kiloBytes'], [7001, 'mem.consumed.average', 'kiloBytes']]);
    const { ids, missing } = resolveMemoryCounters(cat, ['balloon', 'swapped', 'consumed', 'compressed']);
    assert.deepEqual([...ids], [['balloon', 90], ['swapped', 70], ['consumed', 7001]]);
    assert.deepEqual(missing, ['mem.compressed.average']);
    // Another server, other ids: same names resolve to its ids.
    const other = catalog([[5, 'mem.vmmemctl.average', 'kiloBytes']]);
    assert.equal(resolveMemoryCounters(other, ['balloon']).ids.get('balloon'), 5);
  });

  it('host-only counters are not asked of VMs', () => {
    const vm = metricsFor('vm').map((m) => m.counter);
    const host = metricsFor('host').map((m) => m.counter);
    assert.ok(!vm.includes('mem.state.latest'));
    assert.ok(host.includes('mem.state.latest') && host.includes('mem.sharedcommon.average'));
    assert.ok(vm.includes('mem.vmmemctltarget.average'));
    assert.ok(!host.includes(undefined));
  });

  it('plans calls: many entities and counters per call, split only above the limit', () => {
    const ents = Array.from({ length: 100 }, (_, i) => i);
    assert.equal(planCalls(ents, 8, Infinity).length, 1);
    const capped = planCalls(ents, 8, 64);
    assert.equal(capped.length, 13);
    assert.ok(capped.every((g) => g.length * 8 <= 64));
    assert.equal(planCalls(ents, 100, 64).length, 100, 'at least one entity per call');
  });

  it('assembles short, unordered series (newest first, as vcsim answers) into KB → MB on one timeline', () => {
    const vm = { type: 'VirtualMachine', value: 'vm-42' };
    const ts = (s: number) => new Date(Date.UTC(2024, 0, 1, 0, 0, s)).toISOString();
    const raw: PerfSeries[] = [
      { entity: vm, counterId: 90, instance: '', timestamps: [ts(40), ts(20), ts(0)], values: [2048, 1024, 512] },
      // Zero samples omitted: a shorter series.
      { entity: vm, counterId: 70, instance: '', timestamps: [ts(40)], values: [102400] },
      // An empty series and a per-instance series are ignored.
      { entity: vm, counterId: 7001, instance: '', timestamps: [], values: [] },
      { entity: vm, counterId: 90, instance: '0', timestamps: [ts(0)], values: [1] },
      // -1 = no data.
      { entity: vm, counterId: 81, instance: '', timestamps: [ts(0), ts(20)], values: [-1, 4096] },
    ];
    const keyById = new Map<number, MetricKey>([[90, 'balloon'], [70, 'swapped'], [7001, 'consumed'], [81, 'swapInRate']]);
    const out = assembleSeries(raw, keyById).get('vm-42')!;
    assert.deepEqual(out.t, [0, 20, 40].map((s) => Date.UTC(2024, 0, 1, 0, 0, s)));
    assert.deepEqual(out.values.balloon, [0.5, 1, 2]);
    assert.deepEqual(out.values.swapped, [null, null, 100]);
    assert.deepEqual(out.values.swapInRate, [null, 4, null]);
    assert.deepEqual(out.values.consumed, [null, null, null]);
  });

  it('free memory of a host = total − consumed', () => {
    const s: EntitySeries = { entity: { type: 'HostSystem', value: 'host-1' }, t: [1, 2], values: { consumed: [3000, null] } };
    deriveFree(s, 4096);
    assert.deepEqual(s.values.free, [1096, null]);
  });
});
