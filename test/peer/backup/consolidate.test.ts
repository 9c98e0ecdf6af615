/**
 * ConsolidateVMDisks_Task against the lab's vcsim (test/lab/vcsim/backup.go adds it): the flag the
 * lab sets is cleared by a consolidation; a consolidation the lab makes fail raises TaskError with
 * its message; without a session the call is refused like any other.
 */
import assert from 'node:assert/strict';
import { withLab, setVmState } from '../../lab';
import { VimClient } from '../../../src/core/vsphere/client';
import { consolidateVmDisks } from '../../../src/core/vsphere/consolidate';
import { moref } from '../../../src/core/vsphere/decode';
import { TaskError, NotAuthenticatedError } from '../../../src/core/vsphere/errors';
import { retrieveProperty } from '../../../src/core/vsphere/property';

describe('vsphere: ConsolidateVMDisks_Task (lab vcsim)', function () {
  this.timeout(60_000);
  const lab = withLab({ vcsim: { vm: 2 } });
  let client: VimClient;
  before(async () => {
    client = await VimClient.connect({ url: lab.vcsim.sdkUrl, username: lab.vcsim.username, password: lab.vcsim.password, trust: { mode: 'insecure' }, keepAliveMs: 0 });
    lab.beforeStop(() => client.close());
  });
  const needed = async (vm: string) => retrieveProperty(client, moref('VirtualMachine', vm), 'runtime.consolidationNeeded');

  it('clears runtime.consolidationNeeded set through the lab', async () => {
    const [vm] = await lab.vcsim.listVms();
    await setVmState(lab.vcsim, { vm: vm.moref, consolidationNeeded: true });
    assert.equal(await needed(vm.moref), true);
    const r = await consolidateVmDisks(client, moref('VirtualMachine', vm.moref));
    assert.equal(r.task.type, 'Task');
    assert.equal(await needed(vm.moref), false);
  });

  it('a failing consolidation is a TaskError carrying the message, and the flag stays', async () => {
    const vm = (await lab.vcsim.listVms())[1];
    await setVmState(lab.vcsim, { vm: vm.moref, consolidationNeeded: true, failConsolidate: 'Unable to access file since it is locked' });
    await assert.rejects(consolidateVmDisks(client, moref('VirtualMachine', vm.moref)), (e: unknown) => {
      assert.ok(e instanceof TaskError);
      assert.match(e.message, /locked/);
      return true;
    });
    assert.equal(await needed(vm.moref), true);
    await setVmState(lab.vcsim, { vm: vm.moref, failConsolidate: '' });
    await consolidateVmDisks(client, moref('VirtualMachine', vm.moref));
    assert.equal(await needed(vm.moref), false);
  });

  it('without a session the simulator refuses it (NotAuthenticated)', async () => {
    const [vm] = await lab.vcsim.listVms();
    const anon = await VimClient.open({ url: lab.vcsim.sdkUrl, username: '', password: '', trust: { mode: 'insecure' }, keepAliveMs: 0 });
    try {
      await assert.rejects(consolidateVmDisks(anon, moref('VirtualMachine', vm.moref)), (e: unknown) => e instanceof NotAuthenticatedError);
    } finally {
      await anon.close();
    }
  });
});
