import assert from 'node:assert/strict';
import { buildQuerySpecs, resolveCounterIds, queryPerf, type PerfCatalog, type PerfCounter } from '../../../src/core/vsphere/perf';
import { datastoreFileUrlPath, datastorePath, parseDatastorePath } from '../../../src/core/vsphere/datastore';
import { VimClient } from '../../../src/core/vsphere/client';
import { buildEnvelope } from '../../../src/core/vsphere/soap';
import { response, startStub, type Stub } from './stub-server';

function catalog(): PerfCatalog {
  const counters: PerfCounter[] = [
    { id: 90, fullName: 'mem.vmmemctl.average', group: 'mem', name: 'vmmemctl', rollup: 'average', unit: 'kiloBytes', statsType: 'absolute', label: 'Balloon' },
    { id: 98, fullName: 'mem.consumed.average', group: 'mem', name: 'consumed', rollup: 'average', unit: 'kiloBytes', statsType: 'absolute', label: 'Consumed' },
  ];
  return { counters, byName: new Map(counters.map((c) => [c.fullName, c])), byId: new Map(counters.map((c) => [c.id, c])) };
}

describe('vsphere perf (pure parts)', () => {
  it('resolves counter names to ids and refuses unknown names', () => {
    assert.deepEqual(resolveCounterIds(['mem.vmmemctl.average', 98], catalog()), [90, 98]);
    assert.throws(() => resolveCounterIds(['mem.nope.average'], catalog()), /not known/);
  });

  it('builds one spec per entity with every counter, and a sample limit for real-time', () => {
    const specs = buildQuerySpecs({ entities: [{ type: 'VirtualMachine', value: 'vm-1' }, { type: 'HostSystem', value: 'host-1' }], counters: [], intervalId: 20 }, [90, 98]);
    assert.equal(specs.length, 2);
    assert.deepEqual(specs[0].metricId, [{ counterId: 90, instance: '' }, { counterId: 98, instance: '' }]);
    assert.equal(specs[0].maxSample, 15);
    const xml = buildEnvelope('QueryPerf', { type: 'PerformanceManager', value: 'PerfMgr' }, [['querySpec', specs]]);
    assert.ok(xml.includes('<querySpec><entity type="VirtualMachine">vm-1</entity><maxSample>15</maxSample><metricId><counterId>90</counterId><instance></instance></metricId>'));
    const hist = buildQuerySpecs({ entities: [{ type: 'VirtualMachine', value: 'vm-1' }], counters: [], intervalId: 300, startTime: new Date('2024-01-01T00:00:00Z') }, [90]);
    assert.equal(hist[0].startTime, '2024-01-01T00:00:00.000Z');
    assert.equal(hist[0].maxSample, undefined);
  });
});

describe('vsphere perf against a stub (short and empty series)', () => {
  let stub: Stub | undefined;
  afterEach(async () => { await stub?.close(); stub = undefined; });

  it('stub: series per entity/counter, oldest first, a one-sample series stays an array, empty series tolerated', async () => {
    stub = await startStub((method) => (method === 'QueryPerf' ? response(method,
      '<returnval xsi:type="PerfEntityMetric"><entity type="VirtualMachine">vm-1</entity>'
      + '<sampleInfo><timestamp>2024-01-01T00:00:40Z</timestamp><interval>20</interval></sampleInfo>'
      + '<sampleInfo><timestamp>2024-01-01T00:00:20Z</timestamp><interval>20</interval></sampleInfo>'
      + '<value xsi:type="PerfMetricIntSeries"><id><counterId>90</counterId><instance></instance></id><value>200</value><value>100</value></value>'
      + '<value xsi:type="PerfMetricIntSeries"><id><counterId>98</counterId><instance></instance></id><value>7</value></value></returnval>'
      + '<returnval xsi:type="PerfEntityMetric"><entity type="HostSystem">host-1</entity></returnval>') : undefined));
    const c = await VimClient.connect({ url: stub.url, username: 'u', password: 'p', trust: { mode: 'pinned', sha256: stub.cert.thumbprintSha256 }, keepAliveMs: 0 });
    const s = await queryPerf(c, { entities: [{ type: 'VirtualMachine', value: 'vm-1' }, { type: 'HostSystem', value: 'host-1' }], counters: ['mem.vmmemctl.average', 'mem.consumed.average'], intervalId: 20 }, catalog());
    assert.equal(s.length, 2);
    assert.deepEqual(s[0].values, [100, 200]);
    assert.deepEqual(s[0].timestamps, ['2024-01-01T00:00:20Z', '2024-01-01T00:00:40Z']);
    assert.equal(s[0].counterName, 'mem.vmmemctl.average');
    assert.deepEqual(s[1].values, [7]);
    assert.equal(s[1].interval, 20);
    await c.close();
  });

  it('stub: the keep-alive calls CurrentTime periodically', async () => {
    let n = 0;
    stub = await startStub((method) => (method === 'CurrentTime' ? (n++, response(method, '<returnval>2024-01-01T00:00:00Z</returnval>')) : undefined));
    const c = await VimClient.connect({ url: stub.url, username: 'u', password: 'p', trust: { mode: 'pinned', sha256: stub.cert.thumbprintSha256 }, keepAliveMs: 50 });
    await new Promise((r) => setTimeout(r, 400));
    await c.close();
    assert.ok(n >= 2, `CurrentTime called ${n} times`);
  });
});

describe('vsphere datastore paths', () => {
  it('builds /folder URLs with encoded path and query', () => {
    assert.equal(datastoreFileUrlPath({ datacenter: 'Folder/DC 1', datastore: 'ds&1', path: '/vm 1/a#b.vmx' }),
      '/folder/vm%201/a%23b.vmx?dcPath=Folder%2FDC+1&dsName=ds%261');
  });
  it('parses and formats [ds] paths', () => {
    assert.deepEqual(parseDatastorePath('[LocalDS_0] vm/vm.vmx'), { datastore: 'LocalDS_0', path: 'vm/vm.vmx' });
    assert.equal(parseDatastorePath('vm.vmx'), undefined);
    assert.equal(datastorePath('ds1', '/a/b'), '[ds1] a/b');
  });
});
