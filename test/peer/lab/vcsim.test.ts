import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { withLab, makeSelfSignedCert, servedThumbprints, startVcsim, type Vcsim } from '../../lab';
import { login, pidAlive, soap, soapBody } from './helpers';

function countRefs(body: Record<string, unknown>): number {
  const res = (body.RetrievePropertiesExResponse as { returnval?: { objects?: unknown } }).returnval;
  const obj = res?.objects as { propSet?: { val?: { ManagedObjectReference?: unknown } } } | undefined;
  const refs = obj?.propSet?.val?.ManagedObjectReference;
  return Array.isArray(refs) ? refs.length : refs ? 1 : 0;
}

async function countByType(sim: Vcsim, cookie: string, type: string): Promise<number> {
  const view = await soap(
    sim.sdkUrl,
    `<vim25:CreateContainerView><vim25:_this type="ViewManager">ViewManager</vim25:_this><vim25:container type="Folder">group-d1</vim25:container><vim25:type>${type}</vim25:type><vim25:recursive>true</vim25:recursive></vim25:CreateContainerView>`,
    cookie,
  );
  assert.equal(view.status, 200, view.body);
  const viewRef = String((soapBody(view.body).CreateContainerViewResponse as { returnval: { '#text': string } }).returnval['#text']);
  const r = await soap(
    sim.sdkUrl,
    `<vim25:RetrievePropertiesEx><vim25:_this type="PropertyCollector">propertyCollector</vim25:_this><vim25:specSet><vim25:propSet><vim25:type>ContainerView</vim25:type><vim25:pathSet>view</vim25:pathSet></vim25:propSet><vim25:objectSet><vim25:obj type="ContainerView">${viewRef}</vim25:obj></vim25:objectSet></vim25:specSet><vim25:options/></vim25:RetrievePropertiesEx>`,
    cookie,
  );
  assert.equal(r.status, 200, r.body);
  return countRefs(soapBody(r.body));
}

describe('lab: vcsim', function () {
  this.timeout(60_000);

  const lab = withLab({ vcsim: { dc: 2, cluster: 3, host: 2, vm: 4, standaloneHost: 0, username: 'alice', password: 's3cret!' } });

  it('answers RetrieveServiceContent and Login over hand-written SOAP', async () => {
    const sc = await soap(lab.vcsim.sdkUrl, '<vim25:RetrieveServiceContent><vim25:_this type="ServiceInstance">ServiceInstance</vim25:_this></vim25:RetrieveServiceContent>');
    assert.equal(sc.status, 200);
    const about = (soapBody(sc.body).RetrieveServiceContentResponse as { returnval: { about: { apiType: string; name: string } } }).returnval.about;
    assert.equal(about.apiType, 'VirtualCenter');

    const bad = await soap(
      lab.vcsim.sdkUrl,
      '<vim25:Login><vim25:_this type="SessionManager">SessionManager</vim25:_this><vim25:userName>alice</vim25:userName><vim25:password>wrong</vim25:password></vim25:Login>',
    );
    assert.equal(bad.status, 500);
    assert.match(bad.body, /InvalidLogin/);

    const ok = await soap(
      lab.vcsim.sdkUrl,
      '<vim25:Login><vim25:_this type="SessionManager">SessionManager</vim25:_this><vim25:userName>alice</vim25:userName><vim25:password>s3cret!</vim25:password></vim25:Login>',
    );
    assert.equal(ok.status, 200, ok.body);
    const session = (soapBody(ok.body).LoginResponse as { returnval: { userName: string } }).returnval;
    assert.equal(session.userName, 'alice');
    assert.ok(ok.cookie, 'session cookie set');
  });

  it('builds the inventory the flags ask for (-dc 2 -cluster 3 -host 2 -vm 4)', async () => {
    const cookie = await login(lab.vcsim.sdkUrl, 'alice', 's3cret!');
    assert.equal(await countByType(lab.vcsim, cookie, 'HostSystem'), 2 * 3 * 2);
    assert.equal(await countByType(lab.vcsim, cookie, 'VirtualMachine'), 2 * 3 * 4);
    assert.equal(await countByType(lab.vcsim, cookie, 'ClusterComputeResource'), 2 * 3);
    const vms = await lab.vcsim.listVms();
    assert.equal(vms.length, 24);
    for (const vm of vms) {
      assert.match(vm.moref, /^vm-\d+$/);
      assert.match(vm.vmxPath, /^\[[^\]]+\] .+\/.+\.vmx$/);
      assert.equal(vm.powerState, 'poweredOn');
      assert.match(vm.version, /^vmx-\d+$/);
    }
  });

  it('swaps the served certificate on SIGHUP (measured over TLS)', async () => {
    const before = await servedThumbprints(lab.vcsim.host, lab.vcsim.port);
    assert.equal(before.sha256, lab.vcsim.thumbprintSha256);
    const next = makeSelfSignedCert({ commonName: 'swapped.lab.local', bits: 2048 });
    fs.writeFileSync(lab.vcsim.certFile, next.certPem);
    fs.writeFileSync(lab.vcsim.keyFile, next.keyPem);
    await lab.vcsim.reloadCert();
    const after = await servedThumbprints(lab.vcsim.host, lab.vcsim.port);
    assert.notEqual(after.sha256, before.sha256);
    assert.equal(after.sha256, next.thumbprintSha256);
    assert.equal(after.sha1, next.thumbprintSha1);
    assert.equal(lab.vcsim.thumbprintSha256, next.thumbprintSha256);
    // The SOAP endpoint still answers on the same port.
    await login(lab.vcsim.sdkUrl, 'alice', 's3cret!');
  });

  it('serves injected perf samples through QueryPerf', async () => {
    const cookie = await login(lab.vcsim.sdkUrl, 'alice', 's3cret!');
    const [vm, other] = await lab.vcsim.listVms();
    await lab.vcsim.injectPerf(
      { entity: vm.moref, counter: 'mem.vmmemctl.average', values: [100, 200, 300] },
      { entity: 'VirtualMachine', counter: 'mem.swapped.average', values: [7] },
    );
    // Resolve counter ids by name through perfCounter.
    const pc = await soap(
      lab.vcsim.sdkUrl,
      '<vim25:RetrievePropertiesEx><vim25:_this type="PropertyCollector">propertyCollector</vim25:_this><vim25:specSet><vim25:propSet><vim25:type>PerformanceManager</vim25:type><vim25:pathSet>perfCounter</vim25:pathSet></vim25:propSet><vim25:objectSet><vim25:obj type="PerformanceManager">PerfMgr</vim25:obj></vim25:objectSet></vim25:specSet><vim25:options/></vim25:RetrievePropertiesEx>',
      cookie,
    );
    type Info = { key: number; nameInfo: { key: string }; groupInfo: { key: string }; rollupType: string };
    const infos = ((soapBody(pc.body).RetrievePropertiesExResponse as { returnval: { objects: { propSet: { val: { PerfCounterInfo: Info[] } } } } }).returnval.objects.propSet.val.PerfCounterInfo);
    const id = (g: string, n: string) => infos.find((i) => i.groupInfo.key === g && i.nameInfo.key === n && i.rollupType === 'average')!.key;
    const balloon = id('mem', 'vmmemctl');
    const swapped = id('mem', 'swapped');

    const query = async (moref: string) => {
      const r = await soap(
        lab.vcsim.sdkUrl,
        `<vim25:QueryPerf><vim25:_this type="PerformanceManager">PerfMgr</vim25:_this><vim25:querySpec><vim25:entity type="VirtualMachine">${moref}</vim25:entity><vim25:maxSample>3</vim25:maxSample><vim25:metricId><vim25:counterId>${balloon}</vim25:counterId><vim25:instance></vim25:instance></vim25:metricId><vim25:metricId><vim25:counterId>${swapped}</vim25:counterId><vim25:instance></vim25:instance></vim25:metricId><vim25:intervalId>20</vim25:intervalId></vim25:querySpec></vim25:QueryPerf>`,
        cookie,
      );
      assert.equal(r.status, 200, r.body);
      type Series = { id: { counterId: number }; value: number[] };
      const rv = (soapBody(r.body).QueryPerfResponse as { returnval: { sampleInfo: { timestamp: string }[]; value: Series[] } }).returnval;
      const byCounter = new Map(rv.value.map((s) => [Number(s.id.counterId), ([] as number[]).concat(s.value).map(Number)]));
      // Order samples oldest → newest by timestamp.
      const order = rv.sampleInfo.map((s, i) => ({ t: Date.parse(s.timestamp), i })).sort((a, b) => a.t - b.t).map((x) => x.i);
      return (c: number) => order.map((i) => byCounter.get(c)![i]);
    };
    const mine = await query(vm.moref);
    assert.deepEqual(mine(balloon), [100, 200, 300]);
    assert.deepEqual(mine(swapped), [7, 7, 7]);
    const theirs = await query(other.moref);
    assert.deepEqual(theirs(swapped), [7, 7, 7], 'type-wide injection reaches every VM');
    assert.notDeepEqual(theirs(balloon), [100, 200, 300], 'per-moref injection stays on its VM');

    await assert.rejects(lab.vcsim.injectPerf({ entity: vm.moref, counter: 'mem.nope.average', values: [1] }), /unknown counter/);
    await lab.vcsim.clearPerf();
    assert.deepEqual(await lab.vcsim.injectedPerf(), []);
  });

  it('-delay slows every SOAP call', async () => {
    const slow = await startVcsim({ esx: true, delay: 250 });
    try {
      const t = Date.now();
      const r = await soap(slow.sdkUrl, '<vim25:RetrieveServiceContent><vim25:_this type="ServiceInstance">ServiceInstance</vim25:_this></vim25:RetrieveServiceContent>');
      assert.equal(r.status, 200);
      assert.ok(Date.now() - t >= 240, `took ${Date.now() - t} ms`);
    } finally {
      await slow.stop();
    }
  });

  it('stop() is idempotent and the process is gone', async () => {
    const s = await startVcsim({ esx: true, builtinCert: true });
    assert.ok(pidAlive(s.pid));
    await Promise.all([s.stop(), s.stop()]);
    await s.stop();
    assert.equal(pidAlive(s.pid), false);
  });

  it('serves vcsim\'s built-in self-signed RSA-1024 certificate without -tlscert', async () => {
    const s = await startVcsim({ builtinCert: true });
    try {
      const served = await servedThumbprints(s.host, s.port);
      const x = new crypto.X509Certificate(served.der);
      assert.equal(x.publicKey.asymmetricKeyDetails?.modulusLength, 1024);
      assert.equal(x.subject, x.issuer, 'self-signed');
      await assert.rejects(s.reloadCert(), /built-in certificate/);
    } finally {
      await s.stop();
    }
  });
});
