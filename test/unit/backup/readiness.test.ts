/**
 * Readiness rules per generation: the same .vmx read on a 4.1 host and an 8.0 host gets the findings
 * its generation calls for; every rule names its generations and sources; the 6.0 CBT reset, old
 * hardware, snapshot age/depth thresholds; vmware.log texts through the log analyzer.
 */
import assert from 'node:assert/strict';
import { factsFromVmxEntries } from '../../../src/core/backup/facts';
import { checkReadiness, READINESS_RULES, type ReadinessVm } from '../../../src/core/backup/readiness';
import { diagnose } from '../../../src/core/backup/rules';
import { Generation } from '../../../src/core/vsphere/generation';
import { LogAnalyzer } from '../../../src/core/backup/logs';

function vmx(text: string) {
  return text.trim().split('\n').map((l, i) => {
    const m = /^([^=]+?)\s*=\s*"(.*)"$/.exec(l.trim())!;
    return { key: m[1], value: m[2], line: i + 1 };
  });
}

// A Windows 2008 R2 VM created on 4.1 (hardware 7), disk.EnableUUID not written (the 4.1 default is on).
const W2K8R2 = vmx(`
displayName = "w2k8r2"
guestOS = "windows7srv-64"
virtualHW.version = "7"
ctkEnabled = "TRUE"
scsi0.present = "TRUE"
scsi0.virtualDev = "lsisas1068"
scsi0:0.present = "TRUE"
scsi0:0.fileName = "w2k8r2.vmdk"
scsi0:0.ctkEnabled = "TRUE"
`);

const on = (id: string): Generation => Generation.fromId(id)!;
const codes = (vm: ReadinessVm) => checkReadiness(vm, { now: Date.parse('2024-03-10T00:00:00Z') }).map((f) => f.id);
const vmOn = (gen: Generation, entries = W2K8R2, extra: Partial<ReadinessVm> = {}): ReadinessVm =>
  ({ facts: factsFromVmxEntries(entries, 'w2k8r2.vmx', { createdOnVersion: '4.1', powerState: 'poweredOff' }), generation: gen, snapshots: [], ...extra });

describe('backup readiness rules per generation', () => {
  it('every rule names its generations, guests and at least one source', () => {
    for (const r of READINESS_RULES) {
      assert.ok(r.generations.length > 3 && r.guests.length > 3, r.code);
      assert.ok(r.source.length >= 1 && r.source.every((s) => s.length > 10), r.code);
    }
  });

  it('the same .vmx: 4.1 gets the Data Recovery application-quiescing error, 8.0 nothing', () => {
    assert.deepEqual(codes(vmOn(on('4.1'))), ['backup.quiesce.vddk11']);
    assert.deepEqual(codes(vmOn(on('8.0'))), []);
    // …and exactly the Data Recovery rule's verdict on 4.1 (the 4.1 case stays as it was).
    const vdr = diagnose({ facts: vmOn(on('4.1')).facts }).find((f) => f.id === 'vdr.win2008-app-quiesce')!;
    const ours = checkReadiness(vmOn(on('4.1')))[0];
    assert.equal(ours.severity, vdr.severity);
    assert.equal(ours.title, vdr.title);
  });

  it('with disk.EnableUUID = FALSE: nothing on 4.1 (the fix), file-system-consistent warning on 8.0', () => {
    const off = [...W2K8R2, { key: 'disk.EnableUUID', value: 'FALSE', line: 20 }];
    assert.deepEqual(codes(vmOn(on('4.1'), off)), []);
    const f = checkReadiness(vmOn(on('8.0'), off));
    assert.deepEqual(f.map((x) => x.id), ['backup.quiesce.enableuuid']);
    assert.equal(f[0].evidence.find((e) => e.kind === 'vmx' && e.key === 'disk.EnableUUID')?.kind, 'vmx');
  });

  it('created on 4.0 with the key absent: off by default, so 8.0 warns and 4.1 does not', () => {
    const vm = (g: Generation): ReadinessVm => ({ facts: factsFromVmxEntries(W2K8R2, 'w.vmx', { createdOnVersion: '4.0' }), generation: g, snapshots: [] });
    assert.deepEqual(codes(vm(on('4.1'))), []);
    assert.deepEqual(codes(vm(on('8.0'))), ['backup.quiesce.enableuuid']);
  });

  it('generation-only rules: consolidation (5.0+), encryption (6.5+), vTPM (6.7+), CBT reset (6.0.x)', () => {
    const base = vmOn(on('4.1'));
    base.facts.consolidationNeeded = true;
    assert.ok(!codes({ ...base, generation: on('4.1'), encrypted: true, vtpm: true }).some((c) => /consolidate|encrypted|vtpm/.test(c)));
    assert.ok(codes({ ...base, generation: on('5.5') }).includes('backup.snapshot.consolidate'));
    assert.ok(!codes({ ...base, generation: on('5.5'), encrypted: true }).includes('backup.encrypted'));
    assert.ok(codes({ ...base, generation: on('8.0'), encrypted: true, vtpm: true }).includes('backup.vtpm'));
    const six = Generation.fromAbout({ version: '6.0.0', name: 'VMware ESXi' })!;
    assert.ok(codes({ ...vmOn(six) }).includes('backup.cbt.reset'));
    assert.ok(!codes({ ...vmOn(Generation.fromAbout({ version: '6.5.0', name: 'VMware ESXi' })!) }).includes('backup.cbt.reset'));
  });

  it('snapshot age and depth thresholds; hardware 4 has neither CBT nor HotAdd', () => {
    const now = Date.parse('2024-03-10T00:00:00Z');
    const day = 86_400_000;
    const snaps = [{ name: 'a', depth: 1, createTime: now - 5 * day }, { name: 'b', depth: 2, createTime: now - day }];
    assert.deepEqual(codes(vmOn(on('8.0'), W2K8R2, { snapshots: snaps })), ['backup.snapshot.old']);
    const deep = Array.from({ length: 32 }, (_, i) => ({ name: `s${i}`, depth: i + 1, createTime: now }));
    const f = checkReadiness(vmOn(on('8.0'), W2K8R2, { snapshots: deep }), { now });
    assert.equal(f.find((x) => x.id === 'backup.snapshot.deep')?.severity, 'error');
    const hw4 = W2K8R2.map((e) => (e.key === 'virtualHW.version' ? { ...e, value: '4' } : e));
    assert.ok(codes(vmOn(on('8.0'), hw4)).includes('backup.hw.old'));
  });

  it('vmware.log: the quiesce texts are found through the log analyzer, other lines are not', async () => {
    const an = new LogAnalyzer();
    await an.consumeText([
      '2024-03-05T02:00:01.120Z| vmx| I005: Tools: started',
      '2024-03-05T02:00:09.004Z| vmx| I005: Msg_Post: The guest OS has reported an error during quiescing. Error code was: 2',
      '2024-03-05T02:00:09.500Z| vmx| I005: SnapshotVMX: snapshot taken',
      'Mar 05 02:00:10.000: vmx| Cannot create a quiesced snapshot because the create snapshot operation exceeded the time limit for holding off I/O in the frozen virtual machine.',
    ].join('\n'), '[ds] vm/vmware.log');
    const log = an.result();
    assert.deepEqual(log.errors.map((g) => [g.key, g.first.line]).sort(), [['vmware:freeze-timeout', 4], ['vmware:quiesce-guest-error', 2]]);
    const f = checkReadiness(vmOn(on('8.0'), W2K8R2, { log }));
    assert.deepEqual(f.map((x) => x.id), ['backup.log.quiesce']);
  });
});
