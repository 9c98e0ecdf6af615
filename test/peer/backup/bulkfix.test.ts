/**
 * The bulk fix against the lab's vcsim (8.0): disk.EnableUUID on three powered-off VMs and a running
 * one (skipped in powered-off-only mode, then shut down / applied / powered on), re-checked green;
 * Consolidate disks where one VM's consolidation fails (it says why, the others go on); stop; and
 * `vlab backup fix` through the real dispatcher.
 */
import assert from 'node:assert/strict';
import { withLab, setVmState, faultVm, type LabVm } from '../../lab';
import { VimClient } from '../../../src/core/vsphere/client';
import { moref } from '../../../src/core/vsphere/decode';
import { retrieveProperty } from '../../../src/core/vsphere/property';
import { powerOff } from '../../../src/core/vsphere/vm';
import { bulkFix, bulkTarget, recheckVm, type BulkStep } from '../../../src/core/backup/bulkFix';
import { runCli } from '../../../src/cli/main';
import { commands } from '../../../src/cli/commands/backup';
import type { CliIO } from '../../../src/cli/command';

describe('backup bulk fix (vcsim 8.0)', function () {
  this.timeout(120_000);
  const lab = withLab({ vcsim: { vm: 6, generation: '8.0' } });
  let client: VimClient;
  let vms: LabVm[];
  const ref = (v: LabVm) => moref('VirtualMachine', v.moref);
  const power = async (v: LabVm) => retrieveProperty(client, ref(v), 'runtime.powerState');
  before(async () => {
    client = await VimClient.connect({ url: lab.vcsim.sdkUrl, username: lab.vcsim.username, password: lab.vcsim.password, trust: { mode: 'insecure' }, keepAliveMs: 0 });
    lab.beforeStop(() => client.close());
    vms = await lab.vcsim.listVms();
    for (const v of vms.slice(0, 4)) await faultVm(client, v.moref, { guestId: 'windows7Server64Guest', extraConfig: { 'disk.EnableUUID': 'FALSE' } });
    for (const v of vms.slice(0, 3)) await powerOff(client, ref(v));
  });

  it('disk.EnableUUID: three powered-off VMs fixed, the running one skipped with its reason, then shut down / applied / powered on', async () => {
    const targets = vms.slice(0, 4).map((v) => bulkTarget(v.moref, v.name));
    const first = await bulkFix(client, targets, { kind: 'enableUuidTrue', mode: 'poweredOffOnly' });
    assert.deepEqual(first.map((o) => o.state), ['fixed', 'fixed', 'fixed', 'skipped']);
    assert.match(first[3].reason ?? '', /powered on/);
    const steps: BulkStep[] = [];
    const second = await bulkFix(client, [targets[3]], { kind: 'enableUuidTrue', mode: 'shutdownApplyPowerOn', onStep: (s) => steps.push(s), pollMs: 50 });
    assert.equal(second[0].state, 'fixed', second[0].reason);
    assert.deepEqual(steps.map((s) => s.step), ['queued', 'shutdown', 'waitOff', 'apply', 'powerOn', 'recheck', 'done']);
    assert.equal(await power(vms[3]), 'poweredOn');
    for (const v of vms.slice(0, 4)) {
      const f = await recheckVm(client, ref(v));
      assert.ok(!f.some((x) => x.id === 'backup.quiesce.enableuuid'), `${v.name} re-checked green`);
    }
  });

  it('Consolidate disks: a VM whose consolidation fails says why, the others are fixed', async () => {
    const set = vms.slice(4, 7);
    await setVmState(lab.vcsim, ...set.map((v) => ({ vm: v.moref, consolidationNeeded: true })), { vm: set[1].moref, failConsolidate: 'Unable to access file since it is locked' });
    const out = await bulkFix(client, set.map((v) => bulkTarget(v.moref, v.name)), { kind: 'consolidate', mode: 'poweredOffOnly', concurrency: 3 });
    assert.deepEqual(out.map((o) => o.state), ['fixed', 'failed', 'fixed']);
    assert.match(out[1].reason ?? '', /locked/);
  });

  it('a stopped run starts no more VMs', async () => {
    const ac = new AbortController();
    const set = vms.slice(7, 10);
    const out = await bulkFix(client, set.map((v) => bulkTarget(v.moref, v.name)), {
      kind: 'enableCbt', mode: 'poweredOffOnly', concurrency: 1, signal: ac.signal,
      onStep: (s) => { if (s.step === 'done') ac.abort(); },
    });
    assert.equal(out[0].state, 'fixed');
    assert.deepEqual(out.slice(1).map((o) => o.state), ['cancelled', 'cancelled']);
  });

  it('vlab backup fix --rule backup.cbt.off --vm …: each step on stderr, exit 0 when every VM is fixed; an unknown rule is a usage error', async () => {
    const o = io({ VLAB_PASSWORD: lab.vcsim.password });
    const code = await runCli(['backup', 'fix', lab.vcsim.sdkUrl, '--user', lab.vcsim.username, '--insecure', '--rule', 'backup.cbt.off', '--vm', vms[10].name, '--vm', vms[11].name], o, commands);
    assert.equal(code, 0, o.out + o.err);
    assert.match(o.err, new RegExp(`${vms[10].name}: apply`));
    assert.match(o.out, new RegExp(`${vms[11].name}: fixed`));
    const bad = io({ VLAB_PASSWORD: lab.vcsim.password });
    assert.equal(await runCli(['backup', 'fix', lab.vcsim.sdkUrl, '--user', 'u', '--insecure', '--rule', 'backup.vtpm', '--vm', 'x'], bad, commands), 2);
    assert.match(bad.err, /no fix that can be applied/);
  });
});

function io(env: Record<string, string>): CliIO & { out: string; err: string } {
  const r = { out: '', err: '', env, cwd: process.cwd(), stdout(t: string) { r.out += t; }, stderr(t: string) { r.err += t; } };
  return r;
}
