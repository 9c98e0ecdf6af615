/**
 * Backup readiness against the lab's vcsim: VMs put into each fault through the lab (the API for
 * extraConfig, CBT and snapshots; POST /lab/vmstate for what the simulator cannot reach) next to
 * clean twins. Each fault is found on its VM, nothing on the twins; the same VM set-up gets its
 * generation's findings on a 4.1 and an 8.0 lab; vmware.log lines become evidence; `vlab backup
 * sweep|fix` through the real dispatcher; the bulk fix in both modes.
 */
import assert from 'node:assert/strict';
import { withLab, setVmState, faultVm, type LabVm, type Vcsim } from '../../lab';
import { VimClient } from '../../../src/core/vsphere/client';
import { uploadFile } from '../../../src/core/vsphere/datastore';
import { parseDatastorePath } from '../../../src/core/vsphere/datastore';
import { sweepBackupReadiness, type SweepResult } from '../../../src/core/backup/sweep';
import { runCli } from '../../../src/cli/main';
import { commands } from '../../../src/cli/commands/backup';
import type { CliIO } from '../../../src/cli/command';

const connect = (sim: Vcsim) => VimClient.connect({ url: sim.sdkUrl, username: sim.username, password: sim.password, trust: { mode: 'pinned', sha256: sim.thumbprintSha256 }, keepAliveMs: 0 });

/** Every VM clean for the rules: Tools running and current, CBT on. */
async function cleanAll(sim: Vcsim, client: VimClient, vms: LabVm[]): Promise<void> {
  await setVmState(sim, ...vms.map((v) => ({ vm: v.moref, toolsRunningStatus: 'guestToolsRunning' as const, toolsVersionStatus2: 'guestToolsCurrent' as const })));
  for (const v of vms) await faultVm(client, v.moref, { changeTracking: true });
}

const codes = (r: SweepResult, name: string): string[] => (r.vms.find((v) => v.name === name)?.findings ?? []).map((f) => f.id).sort();

const VMWARE_LOG = [
  '2024-03-05T02:00:01.120Z| vmx| I005: (lab sample, built from the message texts the rule cites)',
  '2024-03-05T02:00:09.004Z| vmx| I005: Msg_Post: Warning: The guest OS has reported an error during quiescing. Error code was: 2 the error message was: custom quiesce script failed.',
  '2024-03-05T02:00:09.010Z| vmx| I005: An error occurred while saving the snapshot: Failed to quiesce the virtual machine.',
  '',
].join('\n');

describe('backup readiness: each fault found, none on the clean twins (vcsim 8.0)', function () {
  this.timeout(120_000);
  const lab = withLab({ vcsim: { vm: 8, generation: '8.0' } });
  let client: VimClient;
  let vms: LabVm[];
  const FAULTS: Array<[string, string[]]> = [
    ['backup.quiesce.enableuuid', []], ['backup.snapshot.consolidate', []], ['backup.snapshot.old', []],
    ['backup.snapshot.deep', []], ['backup.cbt.off', []], ['backup.disk.independent', []],
    ['backup.disk.physical-rdm', []], ['backup.tools.not-running', []], ['backup.tools.outdated', []],
    ['backup.encrypted', []], ['backup.vtpm', []], ['backup.log.quiesce', ['backup.snapshot.old']],
  ];
  before(async () => {
    client = await connect(lab.vcsim);
    lab.beforeStop(() => client.close());
    vms = (await lab.vcsim.listVms()).filter((v) => v.powerState === 'poweredOn');
    assert.ok(vms.length >= 15, `need 15 powered-on VMs, have ${vms.length}`);
    await cleanAll(lab.vcsim, client, vms);
    const at = (i: number) => vms[i].moref;
    await faultVm(client, at(0), { guestId: 'windows7Server64Guest', extraConfig: { 'disk.EnableUUID': 'FALSE' } });
    await faultVm(client, at(13), { guestId: 'windows7Server64Guest', extraConfig: { 'disk.EnableUUID': 'TRUE' } }); // twin of 0
    await setVmState(lab.vcsim, { vm: at(1), consolidationNeeded: true });
    await faultVm(client, at(2), { snapshots: 1 });
    await setVmState(lab.vcsim, { vm: at(2), snapshotAgeDays: 10 });
    await faultVm(client, at(14), { snapshots: 1 }); // twin of 2: a fresh snapshot is fine
    await faultVm(client, at(3), { snapshots: 4 });
    await faultVm(client, at(4), { changeTracking: false });
    await setVmState(lab.vcsim, { vm: at(5), diskMode: 'independent_persistent' });
    await setVmState(lab.vcsim, { vm: at(6), physicalRdm: true });
    await setVmState(lab.vcsim, { vm: at(7), toolsRunningStatus: 'guestToolsNotRunning' });
    await setVmState(lab.vcsim, { vm: at(8), toolsVersionStatus2: 'guestToolsNeedUpgrade' });
    await setVmState(lab.vcsim, { vm: at(9), encrypted: true });
    await setVmState(lab.vcsim, { vm: at(10), vtpm: true });
    await faultVm(client, at(11), { snapshots: 1 });
    await setVmState(lab.vcsim, { vm: at(11), snapshotAgeDays: 5 });
    const ds = parseDatastorePath(vms[11].vmxPath)!;
    await uploadFile(client, { datacenter: 'DC0', datastore: ds.datastore, path: `${ds.path.split('/')[0]}/vmware.log` }, Buffer.from(VMWARE_LOG));
  });

  it('finds each fault on its VM only, and nothing on the clean twins', async () => {
    const r = await sweepBackupReadiness(client);
    FAULTS.forEach(([code, also], i) => {
      assert.deepEqual(codes(r, vms[i].name), [code, ...also].sort(), `${vms[i].name} should have ${code}`);
    });
    for (const twin of [vms[12], vms[13], vms[14]]) assert.deepEqual(codes(r, twin.name), [], `${twin.name} is a clean twin`);
    for (const c of FAULTS.map(([code]) => code)) assert.ok(r.counts[c] >= 1, c);
  });

  it('reads vmware.log only for VMs with a snapshot finding, and its lines are evidence that opens at the line', async () => {
    const r = await sweepBackupReadiness(client);
    const withLog = r.vms.filter((v) => v.log);
    assert.deepEqual(withLog.map((v) => v.name).sort(), [vms[1], vms[2], vms[3], vms[11]].map((v) => v.name).sort());
    const f = r.vms.find((v) => v.name === vms[11].name)!.findings.find((x) => x.id === 'backup.log.quiesce')!;
    const lines = f.evidence.filter((e) => e.kind === 'log');
    assert.deepEqual(lines.map((e) => e.kind === 'log' ? e.line : 0).sort(), [2, 3]);
    assert.ok(lines.every((e) => e.kind === 'log' && e.file.endsWith('vmware.log') && e.file.startsWith('[')));
    assert.equal(r.logs.read + r.logs.missing, withLog.length);
  });

  it('--under keeps the VMs below a path; the sweep is cancellable', async () => {
    const r = await sweepBackupReadiness(client, { under: '/DC0/vm/DC0_H0_VM0' });
    assert.deepEqual(r.vms.map((v) => v.name), ['DC0_H0_VM0']);
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(sweepBackupReadiness(client, { signal: ac.signal }), (e: unknown) => (e as { code?: string }).code === 'cancelled');
  });

  it('vlab backup sweep --json: the documented shape; exit 1 because some VM has an error', async () => {
    const o = io({ VLAB_PASSWORD: lab.vcsim.password });
    const code = await runCli(['backup', 'sweep', lab.vcsim.sdkUrl, '--user', lab.vcsim.username, '--thumbprint', lab.vcsim.thumbprintSha256, '--json'], o, commands);
    assert.equal(code, 1, o.err);
    const doc = JSON.parse(o.out) as { vms: Array<{ name: string; path: string; findings: Array<{ code: string; severity: string; title: string }> }> };
    const v = doc.vms.find((x) => x.name === vms[7].name)!;
    assert.equal(v.path, `/DC0/vm/${vms[7].name}`);
    assert.deepEqual(Object.keys(v.findings[0]).sort(), ['code', 'severity', 'title']);
    assert.equal(v.findings[0].code, 'backup.tools.not-running');
    const clean = io({ VLAB_PASSWORD: lab.vcsim.password });
    const under = await runCli(['backup', 'sweep', lab.vcsim.sdkUrl, '--user', lab.vcsim.username, '--insecure', '--under', `/DC0/vm/${vms[12].name}`], clean, commands);
    assert.equal(under, 0, clean.out + clean.err);
  });
});

function io(env: Record<string, string>): CliIO & { out: string; err: string } {
  const r = { out: '', err: '', env, cwd: process.cwd(), stdout(t: string) { r.out += t; }, stderr(t: string) { r.err += t; } };
  return r;
}

/** The same VM set-up on two generations of the lab. */
function generationSuite(generation: '4.1' | '8.0', expect: { uuidTrue: string[]; uuidFalse: string[]; encrypted: string[]; consolidation: string[] }): void {
  describe(`backup readiness on a ${generation} lab: the generation's findings for the same VM set-up`, function () {
    this.timeout(120_000);
    const lab = withLab({ vcsim: { vm: 2, generation } });
    let client: VimClient;
    let vms: LabVm[];
    before(async () => {
      client = await connect(lab.vcsim);
      lab.beforeStop(() => client.close());
      vms = (await lab.vcsim.listVms()).filter((v) => v.powerState === 'poweredOn');
      await cleanAll(lab.vcsim, client, vms);
      await faultVm(client, vms[0].moref, { guestId: 'windows7Server64Guest', extraConfig: { 'disk.EnableUUID': 'TRUE' } });
      await faultVm(client, vms[1].moref, { guestId: 'windows7Server64Guest', extraConfig: { 'disk.EnableUUID': 'FALSE' } });
      await setVmState(lab.vcsim, { vm: vms[2].moref, encrypted: true }, { vm: vms[3].moref, consolidationNeeded: true });
    });
    it(`Windows 2008 R2 with disk.EnableUUID TRUE / FALSE, an encrypted VM, a VM needing consolidation`, async () => {
      const r = await sweepBackupReadiness(client);
      assert.match(r.vms[0].generation ?? '', new RegExp(generation.replace('.', '\\.')));
      assert.deepEqual(codes(r, vms[0].name), expect.uuidTrue);
      assert.deepEqual(codes(r, vms[1].name), expect.uuidFalse);
      assert.deepEqual(codes(r, vms[2].name), expect.encrypted);
      assert.deepEqual(codes(r, vms[3].name), expect.consolidation);
      if (generation === '4.1') {
        const f = r.vms.find((v) => v.name === vms[0].name)!.findings[0];
        assert.match(f.title, /Data Recovery cannot back up/);
        assert.ok(f.fix?.some((x) => x.kind === 'setConfig' && x.key === 'disk.EnableUUID' && x.value === 'FALSE'));
      }
    });
  });
}

// 4.1: TRUE is the Data Recovery / VDDK 1.1 failure, FALSE is fine; encryption and consolidationNeeded do not exist.
generationSuite('4.1', { uuidTrue: ['backup.quiesce.vddk11'], uuidFalse: [], encrypted: [], consolidation: [] });
// 8.0: TRUE is what application-consistent backups need, FALSE is the finding.
generationSuite('8.0', { uuidTrue: [], uuidFalse: ['backup.quiesce.enableuuid'], encrypted: ['backup.encrypted'], consolidation: ['backup.snapshot.consolidate'] });
