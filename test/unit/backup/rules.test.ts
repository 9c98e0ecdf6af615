import assert from 'node:assert/strict';
import type { ApiVmConfig, VmFacts, VmxEntry } from '../../../src/core/backup/facts';
import { factsFromApi, factsFromVmxEntries } from '../../../src/core/backup/facts';
import { LogAnalyzer } from '../../../src/core/backup/logs';
import type { Finding } from '../../../src/core/backup/rules';
import { appQuiesceLayout, diagnose } from '../../../src/core/backup/rules';

/** A .vmx from `key = "value"` lines; base is a clean HW7 VM with CBT on and one SCSI disk. */
function vmx(extra: string[], base = true, hints?: Parameters<typeof factsFromVmxEntries>[2]): VmFacts {
  const lines = [
    ...(base ? [
      'displayName = "VM1"', 'virtualHW.version = "7"', 'ctkEnabled = "TRUE"',
      'scsi0.present = "TRUE"', 'scsi0.virtualDev = "lsisas1068"',
      'scsi0:0.present = "TRUE"', 'scsi0:0.fileName = "VM1.vmdk"', 'scsi0:0.ctkEnabled = "TRUE"',
    ] : []),
    ...extra,
  ];
  const entries: VmxEntry[] = lines.map((l, i) => {
    const m = /^(\S+) = "(.*)"$/.exec(l)!;
    return { key: m[1], value: m[2], line: i + 1 };
  });
  return factsFromVmxEntries(entries, 'vm1.vmx', hints);
}
const ids = (f: Finding[]) => f.map((x) => `${x.id}/${x.severity}`);
const only = (f: Finding[], id: string) => f.filter((x) => x.id === id);

async function logs(text: string, file = 'datarecovery-0.log') {
  const a = new LogAnalyzer({ referenceTime: Date.UTC(2012, 7, 31) });
  await a.consumeText(text, file);
  return a.result();
}

describe('backup/rules', () => {
  it('a clean Linux VM has no findings', () => {
    assert.deepEqual(diagnose({ facts: vmx(['guestOS = "rhel5-64"']) }), []);
  });

  describe('vdr.win2008-app-quiesce', () => {
    it('errors on 2008 R2 with disk.EnableUUID TRUE, with the key as evidence and a setConfig fix', () => {
      const f = only(diagnose({ facts: vmx(['guestOS = "windows7srv-64"', 'disk.EnableUUID = "TRUE"']) }), 'vdr.win2008-app-quiesce');
      assert.equal(f.length, 1);
      assert.equal(f[0].severity, 'error');
      assert.equal(f[0].vm, 'VM1');
      assert.ok(f[0].evidence.some((e) => e.kind === 'vmx' && e.key === 'disk.EnableUUID' && e.line === 10));
      assert.deepEqual(f[0].fix![0], { kind: 'setConfig', key: 'disk.EnableUUID', value: 'FALSE', requiresPoweredOff: true });
      assert.match(f[0].explanation, /known issue/);
      assert.doesNotMatch(f[0].explanation, /KB ?\d/);
      assert.ok(f[0].source.some((s) => /Data Recovery 2\.0 Administration Guide/.test(s)));
    });
    it('errors on 2008 (longhorn) created on 4.1 with the key absent', () => {
      const f = only(diagnose({ facts: vmx(['guestOS = "longhorn-64"'], true, { createdOnVersion: '4.1' }) }), 'vdr.win2008-app-quiesce');
      assert.deepEqual(ids(f), ['vdr.win2008-app-quiesce/error']);
      assert.ok(f[0].evidence.some((e) => e.kind === 'option' && e.name === 'createdOnVersion'));
    });
    it('stays quiet for FALSE, for absent on 4.0, and for other guests', () => {
      assert.deepEqual(only(diagnose({ facts: vmx(['guestOS = "windows7srv-64"', 'disk.EnableUUID = "FALSE"'], true, { createdOnVersion: '4.1' }) }), 'vdr.win2008-app-quiesce'), []);
      assert.deepEqual(only(diagnose({ facts: vmx(['guestOS = "windows7srv-64"'], true, { createdOnVersion: '4.0' }) }), 'vdr.win2008-app-quiesce'), []);
      assert.deepEqual(only(diagnose({ facts: vmx(['guestOS = "windows7-64"', 'disk.EnableUUID = "TRUE"']) }), 'vdr.win2008-app-quiesce'), []);
      assert.deepEqual(only(diagnose({ facts: vmx(['guestOS = "rhel5-64"', 'disk.EnableUUID = "TRUE"']) }), 'vdr.win2008-app-quiesce'), []);
    });
    it('is only a note when the appliance VDDK is 1.2 or later', () => {
      const f = only(diagnose({ facts: vmx(['guestOS = "windows7srv-64"', 'disk.EnableUUID = "TRUE"']), vddkVersion: '1.2.1' }), 'vdr.win2008-app-quiesce');
      assert.equal(f[0].severity, 'info');
      const g = only(diagnose({ facts: vmx(['guestOS = "windows7srv-64"', 'disk.EnableUUID = "TRUE"']), vddkVersion: '1.1.1' }), 'vdr.win2008-app-quiesce');
      assert.equal(g[0].severity, 'error');
    });
    it('adds the -3960 line and the VM\'s incomplete job from the logs', async () => {
      const l = await logs([
        'Jul  7 18:00:01 vdr datarecovery: Job "Nightly (VM1)" started',
        '7/7/2012 18:04:02.876: 0x0123e6a8: $[*20702]Failed to create snapshot for proxy, error -3960 ( cannot quiesce virtual machine)',
        'Jul  7 18:04:03 vdr datarecovery: Job "Nightly (VM1)" incomplete',
      ].join('\n'));
      const f = only(diagnose({ facts: vmx(['guestOS = "windows7srv-64"', 'disk.EnableUUID = "TRUE"']), logs: l }), 'vdr.win2008-app-quiesce');
      const logEv = f[0].evidence.filter((e) => e.kind === 'log');
      assert.deepEqual(logEv.map((e) => e.kind === 'log' && e.line), [2, 3]);
    });
    it('does not borrow another VM\'s -3960 line', async () => {
      const l = await logs([
        'Jul  7 18:00:01 vdr datarecovery: Job "Nightly (OTHER)" started',
        '7/7/2012 18:04:02.876: 0x0123e6a8: $[*20702]Failed to create snapshot for proxy, error -3960 ( cannot quiesce virtual machine)',
        'Jul  7 18:04:03 vdr datarecovery: Job "Nightly (OTHER)" incomplete',
        'Jul  7 18:05:00 vdr datarecovery: Job "Nightly (VM1)" completed successfully',
      ].join('\n'));
      const f = only(diagnose({ facts: vmx(['guestOS = "windows7srv-64"', 'disk.EnableUUID = "TRUE"']), logs: l }), 'vdr.win2008-app-quiesce');
      assert.deepEqual(f[0].evidence.filter((e) => e.kind === 'log'), []);
    });
    it('drops to a warning when IDE disks rule application-consistent quiescing out', () => {
      const f = diagnose({ facts: vmx(['guestOS = "longhorn"', 'disk.EnableUUID = "TRUE"', 'ide0:0.present = "TRUE"', 'ide0:0.fileName = "d.vmdk"']) });
      assert.equal(only(f, 'vdr.win2008-app-quiesce')[0].severity, 'warning');
      assert.equal(only(f, 'vdr.app-quiesce-layout').length, 1);
    });
  });

  describe('vdr.app-quiesce-layout', () => {
    it('warns for IDE disks on 2008', () => {
      const f = only(diagnose({ facts: vmx(['guestOS = "longhorn-64"', 'ide0:0.present = "TRUE"', 'ide0:0.fileName = "d.vmdk"']) }), 'vdr.app-quiesce-layout');
      assert.deepEqual(ids(f), ['vdr.app-quiesce-layout/warning']);
      assert.match(f[0].explanation, /IDE disks \(ide0:0 \(d\.vmdk\)\)/);
    });
    it('warns when free SCSI slots are fewer than disks', () => {
      const lines = ['guestOS = "windows7srv-64"'];
      for (let u = 1; u <= 15; u++) if (u !== 7) lines.push(`scsi0:${u}.present = "TRUE"`, `scsi0:${u}.fileName = "d${u}.vmdk"`);
      const facts = vmx(lines);
      assert.equal(facts.disks.length, 15);
      assert.deepEqual(appQuiesceLayout(facts).freeScsiSlots, 0);
      const f = only(diagnose({ facts }), 'vdr.app-quiesce-layout');
      assert.match(f[0].explanation, /0 free SCSI slot\(s\) for 15 disk\(s\)/);
    });
    it('is quiet for SCSI-only 2008 VMs with room and for non-2008 guests with IDE', () => {
      assert.deepEqual(only(diagnose({ facts: vmx(['guestOS = "windows7srv-64"']) }), 'vdr.app-quiesce-layout'), []);
      assert.deepEqual(only(diagnose({ facts: vmx(['guestOS = "rhel5-64"', 'ide0:0.present = "TRUE"', 'ide0:0.fileName = "d.vmdk"']) }), 'vdr.app-quiesce-layout'), []);
    });
  });

  describe('vdr.hw-version and CBT', () => {
    it('hardware 4 → warning with an upgrade fix, and no separate CBT finding', () => {
      const f = diagnose({ facts: vmx(['virtualHW.version = "4"', 'guestOS = "winnetstandard"', 'ide0:0.present = "TRUE"', 'ide0:0.fileName = "a.vmdk"'], false) });
      assert.deepEqual(ids(f), ['vdr.hw-version/warning']);
      assert.deepEqual(f[0].fix, [{ kind: 'upgradeHardware', version: 7, requiresPoweredOff: true }]);
    });
    it('hardware 7 is fine', () => {
      assert.deepEqual(only(diagnose({ facts: vmx([]) }), 'vdr.hw-version'), []);
    });
    it('ctkEnabled FALSE → warning; absent → info; both fix the VM and disk keys', () => {
      const off = diagnose({ facts: vmx(['virtualHW.version = "7"', 'ctkEnabled = "FALSE"', 'scsi0.present = "TRUE"', 'scsi0:0.present = "TRUE"', 'scsi0:0.fileName = "a.vmdk"'], false) });
      assert.deepEqual(ids(off), ['vdr.cbt-off/warning']);
      assert.deepEqual(off[0].fix!.map((x) => x.kind === 'setConfig' && x.key), ['ctkEnabled', 'scsi0:0.ctkEnabled']);
      const absent = diagnose({ facts: vmx(['virtualHW.version = "7"'], false) });
      assert.deepEqual(ids(absent), ['vdr.cbt-off/info']);
    });
    it('per-disk CBT off → warning naming the disk', () => {
      const f = only(diagnose({ facts: vmx(['scsi0:1.present = "TRUE"', 'scsi0:1.fileName = "b.vmdk"']) }), 'vdr.cbt-disk-off');
      assert.match(f[0].explanation, /scsi0:1 \(b\.vmdk\)/);
      assert.deepEqual(only(diagnose({ facts: vmx([]) }), 'vdr.cbt-disk-off'), []);
    });
  });

  describe('disks', () => {
    it('independent disks → warning with a fix per disk', () => {
      const f = only(diagnose({ facts: vmx(['scsi0:1.present = "TRUE"', 'scsi0:1.fileName = "b.vmdk"', 'scsi0:1.mode = "independent-nonpersistent"', 'scsi0:1.ctkEnabled = "TRUE"']) }), 'vdr.independent-disk');
      assert.deepEqual(ids(f), ['vdr.independent-disk/warning']);
      assert.deepEqual(f[0].fix, [{ kind: 'setConfig', key: 'scsi0:1.mode', value: 'persistent', requiresPoweredOff: true }]);
      assert.deepEqual(only(diagnose({ facts: vmx(['scsi0:0.mode = "persistent"']) }), 'vdr.independent-disk'), []);
    });
    it('physical RDM → error; virtual RDM or independent physical RDM → no RDM error', () => {
      const phys = vmx(['scsi0:1.present = "TRUE"', 'scsi0:1.fileName = "x-rdmp.vmdk"']);
      assert.deepEqual(ids(only(diagnose({ facts: phys }), 'vdr.physical-rdm')), ['vdr.physical-rdm/error']);
      const virt = vmx(['scsi0:1.present = "TRUE"', 'scsi0:1.fileName = "x-rdm.vmdk"', 'scsi0:1.ctkEnabled = "TRUE"']);
      assert.deepEqual(diagnose({ facts: virt }), []);
      const indep = vmx(['scsi0:1.present = "TRUE"', 'scsi0:1.fileName = "x-rdmp.vmdk"', 'scsi0:1.mode = "independent-persistent"']);
      assert.deepEqual(ids(diagnose({ facts: indep })), ['vdr.independent-disk/warning']);
    });
  });

  describe('API-only facts: snapshots, Tools, power', () => {
    const base = (over: Partial<ApiVmConfig>): VmFacts => factsFromApi({
      name: 'VM2',
      config: { version: 'vmx-07', guestId: 'windows7Server64Guest', changeTrackingEnabled: true, hardware: { device: [] } },
      runtime: { powerState: 'poweredOn', consolidationNeeded: false },
      guest: { toolsRunningStatus: 'guestToolsRunning', toolsVersionStatus2: 'guestToolsCurrent', toolsVersion: 8384 },
      ...over,
    });
    it('a healthy VM has no findings', () => {
      assert.deepEqual(diagnose({ facts: base({}) }), []);
    });
    it('snapshots and consolidation', () => {
      const f = diagnose({ facts: base({ snapshot: { rootSnapshotList: [{ name: 's1' }] }, runtime: { powerState: 'poweredOn', consolidationNeeded: true } }) });
      assert.deepEqual(ids(f), ['vdr.consolidation-needed/warning', 'vdr.existing-snapshots/warning']);
      assert.deepEqual(f[0].fix, [{ kind: 'consolidateDisks' }]);
    });
    it('Tools not running on a powered-on VM → error; on a powered-off VM → nothing', () => {
      const on = diagnose({ facts: base({ guest: { toolsRunningStatus: 'guestToolsNotRunning', toolsVersionStatus2: 'guestToolsCurrent' } }) });
      assert.deepEqual(ids(on), ['vdr.tools-not-running/error']);
      const off = diagnose({ facts: base({ runtime: { powerState: 'poweredOff' }, guest: { toolsRunningStatus: 'guestToolsNotRunning', toolsVersionStatus2: 'guestToolsCurrent' } }) });
      assert.deepEqual(off, []);
    });
    it('Tools not installed → error; outdated → warning; 8.3.7 on 2008 R2 → warning', () => {
      assert.deepEqual(ids(diagnose({ facts: base({ guest: { toolsRunningStatus: 'guestToolsNotRunning', toolsVersionStatus2: 'guestToolsNotInstalled' } }) })), ['vdr.tools-missing/error']);
      assert.deepEqual(ids(diagnose({ facts: base({ guest: { toolsRunningStatus: 'guestToolsRunning', toolsVersionStatus2: 'guestToolsNeedUpgrade' } }) })), ['vdr.tools-outdated/warning']);
      assert.deepEqual(ids(diagnose({ facts: base({ guest: { toolsRunningStatus: 'guestToolsRunning', toolsVersionStatus2: 'guestToolsCurrent', toolsVersion: 8295 } }) })), ['vdr.tools-837-2008r2/warning']);
    });
  });

  describe('vdr.floppy-2008r2', () => {
    it('warns on 2008 R2 with a floppy, not on other guests or without one', () => {
      assert.deepEqual(ids(diagnose({ facts: vmx(['guestOS = "windows7srv-64"', 'floppy0.present = "TRUE"']) })), ['vdr.floppy-2008r2/warning']);
      assert.deepEqual(diagnose({ facts: vmx(['guestOS = "windows7srv-64"', 'floppy0.present = "FALSE"']) }), []);
      assert.deepEqual(diagnose({ facts: vmx(['guestOS = "rhel5-64"', 'floppy0.present = "TRUE"']) }), []);
    });
  });

  describe('log rules', () => {
    it('-3960, -3956 with vcbAPI read failures, -2249, incomplete and stopped jobs', async () => {
      const a = new LogAnalyzer({ referenceTime: Date.UTC(2012, 7, 31) });
      await a.consumeText([
        'Jul  7 18:00:01 vdr datarecovery: Job "Nightly (EXCH01)" started',
        '7/7/2012 18:04:02.876: 0x0123e6a8: $[*20702]Failed to create snapshot for proxy, error -3960 ( cannot quiesce virtual machine)',
        'Jul  7 18:04:03 vdr datarecovery: Job "Nightly (EXCH01)" incomplete',
        '7/7/2012 18:06:28.000: 0x0123e6a8: $[*20750]Trouble reading files, error -3956 ( operation failed)',
        '7/8/2012 05:12:40.318: 0x0142a9c0: $[*20791]Failed to load restore point, error -2249 ( could not find restore point)',
        'Jul  8 04:30:00 vdr datarecovery: Job "All (FILE02)" started',
        'Jul  8 06:00:00 vdr datarecovery: Job terminated at specified stop time.',
        '7/8/2012 06:00:01.000: 0x0142a9c0: $[*20791]Failed to unmount destination, error -1234 ( something new)',
      ].join('\n'), 'datarecovery-0.log');
      await a.consumeText("2012-07-07T18:04:52.804-04:00 [4B5C7940 error 'Default'] vcbAPI::Snapshot::Read: Main read failed for disk [SAN] Email/Email-000001.vmdk, error: 2338\n", 'vcbAPI-0.log');
      const f = diagnose({ logs: a.result() });
      assert.deepEqual(ids(f), [
        'vdr.log.quiesce-3960/error', 'vdr.log.read-errors/error',
        'vdr.log.restore-point-2249/warning', 'vdr.log.jobs-incomplete/warning', 'vdr.log.stop-time/warning',
        'vdr.log.other-errors/info',
      ]);
      const read = only(f, 'vdr.log.read-errors')[0];
      assert.ok(read.evidence.some((e) => e.kind === 'log' && e.file === 'vcbAPI-0.log' && e.line === 1));
      assert.match(read.explanation, /vcbAPI error 2338\) 1 time.* on Email/);
      assert.match(only(f, 'vdr.log.other-errors')[0].explanation, /-1234 \(something new\): 1×/);
    });
    it('-3960 from the logs alone names the VM whose job run was open at those lines', async () => {
      const l = await logs([
        'Jul  7 18:00:01 vdr datarecovery: Job "Nightly (EXCH01)" started',
        '7/7/2012 18:04:02.876: 0x0123e6a8: $[*20702]Failed to create snapshot for proxy, error -3960 ( cannot quiesce virtual machine)',
        '7/7/2012 18:04:12.876: 0x0123e6a8: $[*20702]Failed to create snapshot for proxy, error -3960 ( cannot quiesce virtual machine)',
        'Jul  7 18:04:13 vdr datarecovery: Job "Nightly (EXCH01)" incomplete',
        'Jul  7 18:05:00 vdr datarecovery: Job "Nightly (FILE02)" started',
        'Jul  7 18:25:00 vdr datarecovery: Job "Nightly (FILE02)" completed successfully',
      ].join('\n'));
      const g = l.errors.find((x) => x.code === '-3960')!;
      assert.deepEqual(g.duringRuns, [{ vm: 'EXCH01', lines: 2 }]);
      assert.deepEqual([g.linesSeveralVms, g.linesNoRun], [0, 0]);
      const f = only(diagnose({ logs: l }), 'vdr.log.quiesce-3960')[0];
      assert.equal(f.vm, 'EXCH01', 'the finding names the VM');
      assert.equal(f.vms, undefined);
      assert.match(f.explanation, /The lines name no VM; they were logged while the backup job run of EXCH01 \(2 lines\) was open\./);
      assert.doesNotMatch(f.explanation, /FILE02/, 'a VM whose run was not open is not blamed');
    });
    it('-3960 while runs of two VMs overlap: both named, and the ambiguity said', async () => {
      const l = await logs([
        'Jul  7 18:00:01 vdr datarecovery: Job "Nightly (EXCH01)" started',
        'Jul  7 18:00:02 vdr datarecovery: Job "Nightly (SQL01)" started',
        '7/7/2012 18:04:02.876: 0x0123e6a8: $[*20702]Failed to create snapshot for proxy, error -3960 ( cannot quiesce virtual machine)',
        'Jul  7 18:04:13 vdr datarecovery: Job "Nightly (SQL01)" completed successfully',
        '7/7/2012 18:05:02.876: 0x0123e6a8: $[*20702]Failed to create snapshot for proxy, error -3960 ( cannot quiesce virtual machine)',
        'Jul  7 18:06:13 vdr datarecovery: Job "Nightly (EXCH01)" incomplete',
        '7/7/2012 18:07:02.876: 0x0123e6a8: $[*20702]Failed to create snapshot for proxy, error -3960 ( cannot quiesce virtual machine)',
      ].join('\n'));
      const g = l.errors.find((x) => x.code === '-3960')!;
      assert.deepEqual(g.duringRuns, [{ vm: 'EXCH01', lines: 2 }, { vm: 'SQL01', lines: 1 }]);
      assert.deepEqual([g.linesSeveralVms, g.linesNoRun], [1, 1]);
      const f = only(diagnose({ logs: l }), 'vdr.log.quiesce-3960')[0];
      assert.equal(f.vm, undefined);
      assert.deepEqual(f.vms, ['EXCH01', 'SQL01']);
      assert.match(f.explanation, /job runs of EXCH01 \(2 lines\), SQL01 \(1 line\) were open/);
      assert.match(f.explanation, /1 line was logged while runs of several VMs were open at once/);
      assert.match(f.explanation, /1 line was logged while no backup run of a VM was open/);
    });
    it('-3960 with no VM run open (an integrity check): no VM named', async () => {
      const l = await logs([
        'Jul  8 02:00:00 vdr datarecovery: Job "Integrity Check" started',
        '7/8/2012 02:04:02.876: 0x0123e6a8: $[*20702]Failed to create snapshot for proxy, error -3960 ( cannot quiesce virtual machine)',
        'Jul  8 02:14:06 vdr datarecovery: Job "Integrity Check" incomplete',
      ].join('\n'));
      const f = only(diagnose({ logs: l }), 'vdr.log.quiesce-3960')[0];
      assert.equal(f.vm, undefined);
      assert.equal(f.vms, undefined);
      assert.equal(f.title, 'Snapshots failed: the guest could not be quiesced (-3960)');
    });
    it('a clean night gives no findings', async () => {
      const l = await logs([
        'Jul  7 18:00:01 vdr datarecovery: Job "Nightly (VM1)" started',
        'Jul  7 18:30:01 vdr datarecovery: Job "Nightly (VM1)" completed successfully',
      ].join('\n'));
      assert.deepEqual(diagnose({ logs: l }), []);
    });
    it('a failed job outcome is an error', async () => {
      const l = await logs('Jul  7 18:30:01 vdr datarecovery: Job "Nightly (VM1)" failed\n');
      assert.deepEqual(ids(diagnose({ logs: l })), ['vdr.log.jobs-incomplete/error']);
    });
  });

  it('sorts by severity, keeping rule order within one', () => {
    const f = diagnose({ facts: [vmx(['guestOS = "windows7srv-64"', 'floppy0.present = "TRUE"', 'disk.EnableUUID = "TRUE"']), vmx(['virtualHW.version = "4"'])] });
    assert.deepEqual(ids(f), ['vdr.win2008-app-quiesce/error', 'vdr.floppy-2008r2/warning', 'vdr.hw-version/warning']);
  });
});
