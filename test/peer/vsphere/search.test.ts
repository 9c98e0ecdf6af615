/**
 * Live VM look-up by .vmx path (SearchIndex) against vcsim: the owner and its power state now.
 */
import assert from 'node:assert/strict';
import { withLab } from '../../lab';
import { VimClient } from '../../../src/core/vsphere/client';
import { findByInventoryPath, findVmxOwner } from '../../../src/core/vsphere/search';
import { powerOff, powerOn } from '../../../src/core/vsphere/vm';

describe('vsphere search: the VM that owns a .vmx', function () {
  this.timeout(60_000);
  const lab = withLab({ vcsim: { dc: 2, cluster: 1, host: 1, vm: 2 } });
  let client: VimClient;

  before(async () => {
    client = await VimClient.connect({ url: lab.vcsim.sdkUrl, username: 'u', password: 'p', trust: { mode: 'pinned', sha256: lab.vcsim.thumbprintSha256 }, keepAliveMs: 0 });
    lab.beforeStop(() => client.close());
  });

  it('finds the datacenter by inventory path, and nothing for a path that does not exist', async () => {
    assert.equal((await findByInventoryPath(client, 'DC1'))?.type, 'Datacenter');
    assert.equal(await findByInventoryPath(client, 'NoSuchDC'), undefined);
  });

  it('returns the owner with its live power state, following a power change', async () => {
    const vm = (await lab.vcsim.listVms()).find((v) => v.powerState === 'poweredOn')!;
    const dc = vm.name.replace(/_.*/, '');
    const owner = await findVmxOwner(client, dc, vm.vmxPath);
    assert.equal(owner?.ref.value, vm.moref);
    assert.equal(owner?.name, vm.name);
    assert.equal(owner?.powerState, 'poweredOn');
    await powerOff(client, owner!.ref);
    assert.equal((await findVmxOwner(client, dc, vm.vmxPath))?.powerState, 'poweredOff');
    await powerOn(client, owner!.ref);
  });

  it('a .vmx no VM uses has no owner; an unknown datacenter path falls back to comparing every VM', async () => {
    const vm = (await lab.vcsim.listVms())[0];
    assert.equal(await findVmxOwner(client, 'DC0', vm.vmxPath.replace(/\.vmx$/, '-copy.vmx')), undefined);
    assert.equal((await findVmxOwner(client, 'Renamed/DC', vm.vmxPath))?.ref.value, vm.moref);
  });
});
