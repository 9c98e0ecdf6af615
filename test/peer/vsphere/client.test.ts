/**
 * The vSphere client against vcsim (test/lab): session, inventory, tasks, reconfigure, diagnostics,
 * re-login, perf, datastore files, TLS pinning. Lab-side truth comes from vcsim's /lab/vms.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { withLab, makeSelfSignedCert } from '../../lab';
import { requestJson } from '../../lab/vcsim';
import { VimClient } from '../../../src/core/vsphere/client';
import {
  CertificateChangedError, InvalidLoginError, InvalidStateError, TaskError, HttpStatusError, UntrustedCertificateError,
} from '../../../src/core/vsphere/errors';
import { getInventory, listVms, listHosts, listDatacenters, listClusters, listStandaloneHosts, listVmFolders } from '../../../src/core/vsphere/inventory';
import { retrieve, retrieveProperty } from '../../../src/core/vsphere/property';
import { getExtraConfig, getVmDiagnostics, powerOff, powerOn, reset, setExtraConfig, shutdownGuest } from '../../../src/core/vsphere/vm';
import { runTask } from '../../../src/core/vsphere/tasks';
import { getPerfCatalog, queryPerf } from '../../../src/core/vsphere/perf';
import { downloadFile, listFolder, readFile, uploadFile } from '../../../src/core/vsphere/datastore';
import type { MoRef } from '../../../src/core/vsphere/decode';
import { Writable } from 'node:stream';

const USER = 'administrator@vsphere.local';
const PASS = 'VMware1!';
// 2 DCs × (2 clusters × 3 hosts + 1 standalone host); 2 VMs per cluster pool and per standalone host
const MODEL = { dc: 2, cluster: 2, host: 3, standaloneHost: 1, vm: 2 };
const EXPECT = { dcs: 2, clusters: 4, standalone: 2, hosts: 2 * (2 * 3 + 1), vms: 2 * (2 + 1) * 2 };

describe('vsphere client against vcsim', function () {
  this.timeout(60_000);
  const lab = withLab({ vcsim: { ...MODEL, username: USER, password: PASS } });
  let client: VimClient;
  const opts = () => ({ url: lab.vcsim.sdkUrl, username: USER, password: PASS, trust: { mode: 'pinned' as const, sha256: lab.vcsim.thumbprintSha256 }, keepAliveMs: 0 });

  before(async () => {
    client = await VimClient.connect(opts());
    lab.beforeStop(() => client.close());
  });

  it('RetrieveServiceContent without a session describes a vCenter', async () => {
    const c = await VimClient.open(opts());
    try {
      assert.equal(c.serviceContent.about.apiType, 'VirtualCenter');
      assert.match(c.serviceContent.about.apiVersion, /^\d+\.\d+/);
      assert.equal(c.serviceContent.rootFolder.type, 'Folder');
      assert.equal(c.hasSession, false);
    } finally {
      await c.close();
    }
  });

  it('Login with the right password opens a session; a wrong password is InvalidLoginError', async () => {
    assert.equal(client.userSession?.userName, USER);
    assert.equal(client.hasSession, true);
    await assert.rejects(VimClient.connect({ ...opts(), password: 'wrong' }), (e: unknown) => {
      assert.ok(e instanceof InvalidLoginError);
      assert.ok(!e.message.includes('wrong'), 'the password must not appear in messages');
      return true;
    });
  });

  it('inventory counts match the model, and VMs match the lab\'s own listing', async () => {
    const inv = await getInventory(client);
    assert.equal(inv.datacenters.length, EXPECT.dcs);
    assert.equal(inv.computeResources.filter((c) => c.cluster).length, EXPECT.clusters);
    assert.equal(inv.computeResources.filter((c) => !c.cluster).length, EXPECT.standalone);
    assert.equal(inv.hosts.length, EXPECT.hosts);
    assert.equal(inv.vms.length, EXPECT.vms);
    const labVms = await lab.vcsim.listVms();
    assert.equal(labVms.length, EXPECT.vms);
    for (const l of labVms) {
      const v = inv.vms.find((x) => x.ref.value === l.moref);
      assert.ok(v, l.name);
      assert.equal(v.name, l.name);
      assert.equal(v.powerState, l.powerState);
      assert.equal(v.vmPathName, l.vmxPath);
      assert.equal(v.guestId, l.guestId);
      assert.equal(v.numCpu, l.numCpu);
      assert.equal(v.memoryMB, l.memoryMB);
      assert.equal(v.host?.value, l.host);
      assert.equal(inv.pathOf(v.ref), `/${l.name.split('_')[0]}/vm/${l.name}`);
    }
    const h = inv.hosts[0];
    assert.equal(typeof h.memoryBytes, 'number');
    assert.ok((h.memoryBytes ?? 0) > 0 && (h.cpuMhz ?? 0) > 0);
    assert.equal(h.connectionState, 'connected');
    // the per-kind helpers agree
    assert.equal((await listDatacenters(client)).length, EXPECT.dcs);
    assert.equal((await listClusters(client)).length, EXPECT.clusters);
    assert.equal((await listStandaloneHosts(client)).length, EXPECT.standalone);
    assert.equal((await listHosts(client)).length, EXPECT.hosts);
    assert.equal((await listVms(client)).length, EXPECT.vms);
    assert.equal((await listVmFolders(client)).length, EXPECT.dcs);
  });

  it('pages as a vCenter does: small pages give the same objects as one page; a stopped retrieve releases its token', async () => {
    const paths = ['name', 'runtime.powerState', 'config.hardware.device'];
    const whole = await retrieve(client, 'VirtualMachine', paths, undefined, { maxObjects: 100_000 });
    const counts: number[] = [];
    const paged = await retrieve(client, 'VirtualMachine', paths, undefined, { maxObjects: 3, onPage: (n) => counts.push(n) });
    assert.equal(whole.length, EXPECT.vms);
    assert.deepEqual(paged, whole);
    assert.deepEqual(counts, Array.from({ length: Math.ceil(EXPECT.vms / 3) }, (_, i) => Math.min(EXPECT.vms, 3 * (i + 1))));
    // stopped after the first page (more than one page is refused): the lab drops what it kept
    await assert.rejects(retrieve(client, 'VirtualMachine', ['name'], undefined, { maxObjects: 3, maxPages: 1 }), /more than 1 pages/);
    const left = await requestJson<{ retained: number }>(`${lab.vcsim.url}/lab/paging`);
    assert.equal(left.retained, 0);
  });

  it('extra paths (inventory decorations) come back in the same load, in info.extra, standard ones included', async () => {
    const inv = await getInventory(client, { extraPaths: { VirtualMachine: ['config.annotation', 'summary.config.numEthernetCards', 'config.hardware.numCPU'], HostSystem: ['summary.config.name'] } });
    const labVms = await lab.vcsim.listVms();
    for (const v of inv.vms) {
      assert.ok(v.extra, v.name);
      assert.equal(v.extra['config.hardware.numCPU'], labVms.find((l) => l.moref === v.ref.value)?.numCpu, 'a standard path asked for is in extra too');
      assert.equal(typeof v.extra['summary.config.numEthernetCards'], 'number');
    }
    assert.ok(inv.hosts.every((h) => h.extra?.['summary.config.name'] === h.name));
    assert.equal((await getInventory(client)).vms[0].extra, undefined, 'nothing extra unless asked');
  });

  it('PowerOffVM_Task completes with progress, the VM is off; powering off again is a TaskError (InvalidPowerState)', async () => {
    const vm = (await lab.vcsim.listVms()).find((v) => v.powerState === 'poweredOn')!;
    const ref: MoRef = { type: 'VirtualMachine', value: vm.moref };
    const states: string[] = [];
    const r = await powerOff(client, ref, { onProgress: (p) => states.push(p.state) });
    assert.equal(r.info.state, 'success');
    assert.equal(states.at(-1), 'success');
    assert.equal((await lab.vcsim.listVms()).find((v) => v.moref === vm.moref)!.powerState, 'poweredOff');
    await assert.rejects(powerOff(client, ref), (e: unknown) => e instanceof TaskError && e.faultType === 'InvalidPowerState');
    // ShutdownGuest is not a task; on a powered-off VM it faults with InvalidPowerState
    await assert.rejects(shutdownGuest(client, ref), InvalidStateError);
    await powerOn(client, ref);
    assert.equal((await lab.vcsim.listVms()).find((v) => v.moref === vm.moref)!.powerState, 'poweredOn');
    await reset(client, ref);
    await shutdownGuest(client, ref);
    assert.equal(await retrieveProperty(client, ref, 'runtime.powerState'), 'poweredOff');
    await powerOn(client, ref);
  });

  it('ReconfigVM_Task extraConfig round trip (special characters survive)', async () => {
    const vm = (await lab.vcsim.listVms())[1];
    const ref: MoRef = { type: 'VirtualMachine', value: vm.moref };
    const odd = 'a<b & "c" \'d\' é ✓';
    await setExtraConfig(client, ref, { 'disk.EnableUUID': 'TRUE', 'vlab.test': odd });
    const ec = await getExtraConfig(client, ref);
    assert.equal(ec['disk.EnableUUID'], 'TRUE');
    assert.equal(ec['vlab.test'], odd);
  });

  it('backup diagnostics: devices (controllers, disk backing mode), snapshot tree, tools status', async () => {
    const vm = (await lab.vcsim.listVms())[2];
    const ref: MoRef = { type: 'VirtualMachine', value: vm.moref };
    await runTask(client, 'CreateSnapshot_Task', ref, [['name', 'before-fix'], ['description', 'lab'], ['memory', false], ['quiesce', false]]);
    const d = await getVmDiagnostics(client, ref);
    assert.equal(d.name, vm.name);
    const disks = d.devices.filter((x) => x.kind === 'disk');
    assert.ok(disks.length >= 1, 'a disk');
    const disk = disks[0];
    assert.ok(disk.kind === 'disk');
    assert.equal(disk.diskMode, 'persistent');
    assert.equal(disk.rdm, false);
    assert.match(disk.fileName ?? '', /\.vmdk$/);
    const ctl = d.devices.find((x) => x.key === disk.controllerKey);
    assert.ok(ctl && ctl.kind === 'controller', `the disk's controller ${disk.controllerKey} is a controller`);
    assert.equal(d.snapshots.length, 1);
    assert.equal(d.snapshots[0].name, 'before-fix');
    assert.deepEqual(d.currentSnapshot, d.snapshots[0].ref);
    assert.equal(typeof d.toolsRunningStatus, 'string');
  });

  it('re-logs in transparently after the session was terminated (missingSet path and fault path)', async () => {
    const admin = await VimClient.connect(opts());
    try {
      const c = await VimClient.connect(opts());
      const firstKey = c.userSession?.key as string;
      const vm: MoRef = { type: 'VirtualMachine', value: (await lab.vcsim.listVms())[0].moref };
      const terminate = async (key: string) => {
        await admin.invoke('TerminateSession', admin.serviceContent.sessionManager!, [['sessionId', [key]]]);
      };
      // RetrievePropertiesEx on an object: vcsim answers NotAuthenticated inside missingSet
      await terminate(firstKey);
      assert.equal((await getExtraConfig(c, vm)).govcsim, 'TRUE');
      const secondKey = c.userSession?.key as string;
      assert.notEqual(secondKey, firstKey);
      // CreateContainerView without a session: NotAuthenticated as a SOAP fault
      await terminate(secondKey);
      assert.equal((await listVms(c)).length, EXPECT.vms);
      assert.notEqual(c.userSession?.key, secondKey);
      await c.close();
    } finally {
      await admin.close();
    }
  });

  it('perfCounter list resolves mem.vmmemctl.average; QueryPerf returns several entities × counters in one call', async () => {
    const cat = await getPerfCatalog(client);
    const balloon = cat.byName.get('mem.vmmemctl.average');
    assert.ok(balloon, 'mem.vmmemctl.average');
    assert.equal(balloon.unit, 'kiloBytes');
    const vms = (await lab.vcsim.listVms()).slice(0, 2).map((v) => ({ type: 'VirtualMachine', value: v.moref }));
    await lab.vcsim.injectPerf({ entity: vms[0].value, counter: 'mem.vmmemctl.average', values: [1024, 2048, 4096] });
    try {
      const series = await queryPerf(client, { entities: vms, counters: ['mem.vmmemctl.average', 'mem.consumed.average'], intervalId: 20, maxSample: 3 }, cat);
      assert.equal(series.length, 4);
      const b0 = series.find((s) => s.entity.value === vms[0].value && s.counterName === 'mem.vmmemctl.average')!;
      assert.ok(b0.values.length > 0 && b0.values.length <= 3);
      assert.ok(b0.values.every((v) => [1024, 2048, 4096].includes(v)), `injected samples, got ${b0.values}`);
      assert.equal(b0.timestamps.length, b0.values.length);
      // historical interval: short or empty series are tolerated
      const hist = await queryPerf(client, { entities: vms, counters: [balloon.id], intervalId: 300, maxSample: 2 }, cat);
      assert.ok(hist.every((s) => s.values.length <= 2));
    } finally {
      await lab.vcsim.clearPerf();
    }
  });

  it('datastore files: PUT then GET round trip, listing via SearchDatastore_Task, 404 for a missing file', async () => {
    const loc = { datacenter: 'DC0', datastore: 'LocalDS_0', path: 'vlab-peer/hello world.txt' };
    const data = Buffer.from(`hello from vsphere lab ${Date.now()}\n`.repeat(1000));
    await uploadFile(client, loc, data);
    assert.deepEqual(await readFile(client, loc), data);
    let n = 0;
    const bytes = await downloadFile(client, loc, new Writable({ write(c: Buffer, _e, cb) { n += c.length; cb(); } }));
    assert.equal(bytes, data.length);
    assert.equal(n, data.length);
    const ds = (await retrieve(client, 'Datastore', ['name'])).find((o) => o.props.name === 'LocalDS_0')!;
    const listing = await listFolder(client, ds.obj, 'LocalDS_0', 'vlab-peer');
    const f = listing.files.find((x) => x.path === 'hello world.txt');
    assert.ok(f, JSON.stringify(listing));
    assert.equal(f.size, data.length);
    await assert.rejects(readFile(client, { ...loc, path: 'vlab-peer/missing.txt' }), (e: unknown) => e instanceof HttpStatusError && e.status === 404);
  });

  it('a cancelled download stops with an error', async () => {
    const loc = { datacenter: 'DC0', datastore: 'LocalDS_0', path: 'vlab-peer/big.bin' };
    await uploadFile(client, loc, Buffer.alloc(4 << 20, 7));
    const ac = new AbortController();
    let got = 0;
    const sink = new Writable({ write(c: Buffer, _e, cb) { got += c.length; if (got > 65536) ac.abort(); setTimeout(cb, 1); } });
    await assert.rejects(downloadFile(client, loc, sink, { signal: ac.signal }));
    assert.ok(got < 4 << 20);
  });
});

describe('vsphere TLS trust against vcsim', function () {
  this.timeout(60_000);
  const lab = withLab({ vcsim: { vm: 1 } });

  it('system trust refuses the self-signed RSA-1024 certificate and describes it', async () => {
    await assert.rejects(VimClient.connect({ url: lab.vcsim.sdkUrl, username: lab.vcsim.username, password: lab.vcsim.password }), (e: unknown) => {
      assert.ok(e instanceof UntrustedCertificateError);
      assert.equal(e.certificate?.sha256, lab.vcsim.thumbprintSha256);
      assert.equal(e.certificate?.sha1, lab.vcsim.thumbprintSha1);
      assert.equal(e.certificate?.keyBits, 1024);
      assert.ok(e.certificate?.warnings.some((w) => /1024-bit/.test(w)));
      return true;
    });
  });

  it('the pinned thumbprint is accepted, another is refused with CertificateChangedError', async () => {
    const ok = await VimClient.connect({ url: lab.vcsim.sdkUrl, username: lab.vcsim.username, password: lab.vcsim.password, trust: { mode: 'pinned', sha256: lab.vcsim.thumbprintSha256 }, keepAliveMs: 0 });
    await ok.close();
    const other = makeSelfSignedCert().thumbprintSha256;
    await assert.rejects(VimClient.connect({ url: lab.vcsim.sdkUrl, username: lab.vcsim.username, password: lab.vcsim.password, trust: { mode: 'pinned', sha256: other } }), (e: unknown) => {
      assert.ok(e instanceof CertificateChangedError);
      assert.equal(e.expectedSha256, other);
      assert.equal(e.actualSha256, lab.vcsim.thumbprintSha256);
      return true;
    });
  });

  it('a certificate replaced on the live server stops the pinned connection on its next socket', async () => {
    const c = await VimClient.connect({ url: lab.vcsim.sdkUrl, username: lab.vcsim.username, password: lab.vcsim.password, trust: { mode: 'pinned', sha256: lab.vcsim.thumbprintSha256 }, keepAliveMs: 0 });
    try {
      await c.currentTime();
      const old = lab.vcsim.thumbprintSha256;
      const next = makeSelfSignedCert({ commonName: 'vcsim.lab.local', bits: 2048 });
      fs.writeFileSync(lab.vcsim.certFile, next.certPem);
      fs.writeFileSync(lab.vcsim.keyFile, next.keyPem);
      await lab.vcsim.reloadCert();
      // drop idle keep-alive sockets so the next call needs a new TLS handshake
      for (const list of Object.values(c.agent.freeSockets)) for (const s of list ?? []) s.destroy();
      await assert.rejects(c.currentTime({ noRelogin: true }), (e: unknown) => {
        assert.ok(e instanceof CertificateChangedError, String(e));
        assert.equal(e.expectedSha256, old);
        assert.equal(e.actualSha256, next.thumbprintSha256);
        assert.equal(e.certificate?.keyBits, 2048);
        return true;
      });
    } finally {
      await c.close();
    }
  });
});

describe('vsphere client against vcsim in ESXi mode', function () {
  this.timeout(60_000);
  const lab = withLab({ vcsim: { esx: true, vm: 3 } });

  it('a standalone ESXi (HostAgent): one host, its VMs with ha-datacenter paths', async () => {
    const c = await VimClient.connect({ url: lab.vcsim.sdkUrl, username: lab.vcsim.username, password: lab.vcsim.password, trust: { mode: 'pinned', sha256: lab.vcsim.thumbprintSha256 }, keepAliveMs: 0 });
    try {
      assert.equal(c.serviceContent.about.apiType, 'HostAgent');
      const inv = await getInventory(c);
      assert.equal(inv.hosts.length, 1);
      assert.equal(inv.datacenters.length, 1);
      const labVms = await lab.vcsim.listVms();
      assert.equal(inv.vms.length, labVms.length);
      assert.equal(inv.vms.length, 3);
      for (const v of inv.vms) assert.equal(inv.pathOf(v.ref), `/ha-datacenter/vm/${v.name}`);
    } finally {
      await c.close();
    }
  });
});
