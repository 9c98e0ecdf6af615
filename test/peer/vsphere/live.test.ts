/**
 * Live updates, events and recent tasks against vcsim: our model (LiveInventory on
 * WaitForUpdatesEx) sees what another SOAP client does; events of a VM after a power action name
 * the user; the feed is re-created after the session was lost.
 */
import assert from 'node:assert/strict';
import { withLab } from '../../lab';
import { VimClient } from '../../../src/core/vsphere/client';
import type { MoRef } from '../../../src/core/vsphere/decode';
import { LiveInventory, type LiveChange } from '../../../src/core/vsphere/live';
import { EventCollector, recentTasks, RecentTasks, type TaskRecord } from '../../../src/core/vsphere/events';
import { powerOff, powerOn } from '../../../src/core/vsphere/vm';
import { retrieve } from '../../../src/core/vsphere/property';
import { runTask } from '../../../src/core/vsphere/tasks';

const USER = 'administrator@vsphere.local';
const PASS = 'VMware1!';

async function until<T>(what: string, ms: number, probe: () => T | undefined): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

for (const incrementalUpdates of [false, true]) {describe(`live updates, events and tasks against vcsim (${incrementalUpdates ? 'the lab\'s incremental WaitForUpdatesEx' : 'upstream WaitForUpdatesEx'})`, function () {
  this.timeout(60_000);
  const lab = withLab({ vcsim: { dc: 1, cluster: 1, host: 2, standaloneHost: 1, vm: 2, username: USER, password: PASS, incrementalUpdates } });
  let ours: VimClient;
  let other: VimClient;
  let live: LiveInventory;
  const seen: LiveChange[] = [];
  let resets = 0;
  const connect = (): Promise<VimClient> => VimClient.connect({
    url: lab.vcsim.sdkUrl, username: USER, password: PASS, trust: { mode: 'pinned', sha256: lab.vcsim.thumbprintSha256 }, keepAliveMs: 0,
  });

  before(async () => {
    ours = await connect();
    other = await connect();
    lab.beforeStop(async () => { await live?.stop(); await ours.close(); await other.close(); });
    live = await LiveInventory.start(ours, {
      maxWaitSeconds: 2,
      onChange: (changes, reset) => { seen.push(...changes); if (reset) resets++; },
    });
  });

  it('the first answer is the whole inventory, as getInventory lists it', async () => {
    const labVms = await lab.vcsim.listVms();
    const inv = live.inventory();
    assert.equal(inv.vms.length, labVms.length);
    for (const l of labVms) assert.equal(inv.vms.find((v) => v.ref.value === l.moref)?.powerState, l.powerState, l.name);
    assert.equal(inv.hosts.length, 3);
  });

  it('sees a power-off made by another client', async () => {
    const vm = (await lab.vcsim.listVms()).find((v) => v.powerState === 'poweredOn')!;
    const ref: MoRef = { type: 'VirtualMachine', value: vm.moref };
    const t0 = Date.now();
    await powerOff(other, ref);
    const change = await until('the power-off in the live model', 10_000,
      () => seen.find((c) => c.object.value === vm.moref && c.property === 'runtime.powerState' && c.value === 'poweredOff'));
    assert.equal(change.name, vm.name);
    assert.equal(change.kind, 'changed');
    assert.equal(live.inventory().vms.find((v) => v.ref.value === vm.moref)?.powerState, 'poweredOff');
    assert.ok(Date.now() - t0 < 10_000);
  });

  it('sees a VM created by another client enter, and leave when destroyed', async () => {
    const [folder] = await retrieve(other, 'Folder', ['name', 'childType']).then((fs) => fs.filter((f) => String(f.props.childType).includes('VirtualMachine') && f.props.name === 'vm'));
    const [pool] = await retrieve(other, 'ResourcePool', ['name']);
    const created = await runTask(other, 'CreateVM_Task', folder.obj, [
      ['config', { name: 'live-created', guestId: 'otherGuest', files: { vmPathName: '[LocalDS_0]' }, numCPUs: 1, memoryMB: 64 }],
      ['pool', pool.obj],
    ]);
    const ref = created.result as MoRef;
    const entered = await until('the new VM in the live model', 10_000, () => seen.find((c) => c.object.value === ref.value && c.kind === 'entered'));
    assert.equal(entered.object.type, 'VirtualMachine');
    await until('its name', 5000, () => live.inventory().vms.find((v) => v.ref.value === ref.value && v.name === 'live-created'));
    await runTask(other, 'Destroy_Task', ref);
    const left = await until('the VM leaving', 10_000, () => seen.find((c) => c.object.value === ref.value && c.kind === 'left'));
    assert.equal(left.name, 'live-created');
    assert.equal(live.inventory().vms.some((v) => v.ref.value === ref.value), false);
  });

  it('re-creates the feed after the session was lost (re-login) and goes on', async () => {
    const before = live.stats!.recreated;
    // Our session ends under the feed: its collector belonged to it.
    await ours.invoke('Logout', ours.serviceContent.sessionManager!, [], undefined, { noRelogin: true });
    await until('the feed re-created', 20_000, () => live.stats!.recreated > before);
    await until('a reset batch after the re-creation', 10_000, () => resets >= 1);
    const vm = (await lab.vcsim.listVms()).find((v) => v.powerState === 'poweredOn')!;
    seen.length = 0;
    await powerOff(other, { type: 'VirtualMachine', value: vm.moref });
    await until('a power-off after the re-creation', 10_000,
      () => seen.find((c) => c.object.value === vm.moref && c.property === 'runtime.powerState' && c.value === 'poweredOff'));
  });

  it('the events of a VM after a power action name the user, newest first, and follow new ones', async () => {
    const vm = (await lab.vcsim.listVms()).find((v) => v.powerState === 'poweredOff')!;
    const ref: MoRef = { type: 'VirtualMachine', value: vm.moref };
    await powerOn(other, ref);
    const col = await EventCollector.create(ours, { entity: ref }, { pageSize: 50 });
    try {
      const latest = await col.latest();
      assert.ok(latest.length > 0, 'some events');
      const on = latest.find((e) => e.type === 'VmPoweredOnEvent');
      assert.ok(on, `a VmPoweredOnEvent among ${latest.map((e) => e.type).join(', ')}`);
      assert.equal(on.user, USER);
      assert.equal(on.object?.ref.value, vm.moref);
      assert.match(on.message, new RegExp(vm.name));
      for (let i = 1; i < latest.length; i++) assert.ok(latest[i - 1].time >= latest[i].time, 'newest first');
      assert.ok(latest.every((e) => e.object === undefined || e.object.ref.value === vm.moref), 'only this VM');
      const older = await col.older(10);
      assert.ok(older.every((e) => !latest.some((l) => l.key === e.key)), 'pages do not repeat events');
      const followed: string[] = [];
      await col.follow((events) => followed.push(...events.map((e) => e.type)), { maxWaitSeconds: 2 });
      await powerOff(other, ref);
      await until('the power-off event followed', 10_000, () => followed.includes('VmPoweredOffEvent'));
    } finally {
      await col.destroy();
    }
  });

  it('filters events by type and by user', async () => {
    const col = await EventCollector.create(ours, { types: ['VmPoweredOffEvent'] });
    const nobody = await EventCollector.create(ours, { users: ['nobody'] });
    try {
      const off = await col.latest();
      assert.ok(off.length > 0 && off.every((e) => e.type === 'VmPoweredOffEvent'));
      assert.deepEqual(await nobody.latest(), []);
    } finally {
      await col.destroy();
      await nobody.destroy();
    }
  });

  it('recent tasks list the power task (what, object, state) and follow new ones', async () => {
    const tasks = await recentTasks(ours);
    const t = tasks.find((x) => /powerOff/i.test(x.what));
    assert.ok(t, `a power-off task among ${tasks.map((x) => x.what).join(', ')}`);
    assert.equal(t.state, 'success');
    assert.equal(t.object?.ref.type, 'VirtualMachine');
    let list: TaskRecord[] = [];
    const watch = await RecentTasks.start(ours, { maxWaitSeconds: 2, onChange: (l) => { list = l; } });
    try {
      const vm = (await lab.vcsim.listVms()).find((v) => v.powerState === 'poweredOff')!;
      const known = new Set(watch.list().map((x) => x.id));
      await powerOn(other, { type: 'VirtualMachine', value: vm.moref });
      const fresh = await until('the new task in the feed', 10_000, () => list.find((x) => !known.has(x.id) && /powerOn/i.test(x.what) && x.state === 'success'));
      // vcsim names a task's entity by its moref (simulator/task.go: EntityName = ref.Value)
      assert.equal(fresh.object?.ref.value, vm.moref);
    } finally {
      await watch.stop();
    }
  });
});}
