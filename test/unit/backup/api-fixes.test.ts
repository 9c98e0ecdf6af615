import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { isCancellation } from '../../../src/core/errors';
import type { VimValue } from '../../../src/core/vsphere/decode';
import { apiVmConfigFromProps } from '../../../src/core/backup/api';
import { factsFromApi, factsFromVmxDocument } from '../../../src/core/backup/facts';
import { anchorLine, findingKey, fixLabel, planFix } from '../../../src/core/backup/fixes';
import { analyzeLogFiles, type AnalyzeProgress } from '../../../src/core/backup/logs';
import { diagnose } from '../../../src/core/backup/rules';
import { VmxDocument } from '../../../src/core/vmx/document';
import { readFileSync } from 'node:fs';

const FIX = path.join(__dirname, '../../fixtures/vdr');

/** Properties as the property collector decodes them for a Windows 2008 R2 VM. */
const props: Record<string, VimValue | undefined> = {
  name: 'EXCH01',
  'runtime.powerState': 'poweredOn',
  'config.guestId': 'windows7Server64Guest',
  'config.version': 'vmx-07',
  'config.changeTrackingEnabled': false,
  'runtime.consolidationNeeded': true,
  'guest.toolsRunningStatus': 'guestToolsRunning',
  'guest.toolsVersionStatus2': 'guestToolsCurrent',
  'guest.toolsVersion': '8295',
  'config.extraConfig': [
    { _type: 'OptionValue', key: 'disk.EnableUUID', value: 'TRUE' },
    { _type: 'OptionValue', key: 'govcsim', value: 'TRUE' },
  ],
  'config.hardware.device': [
    { _type: 'VirtualLsiLogicSASController', key: 1000, busNumber: 0, device: [2000], deviceInfo: { _type: 'Description', label: 'SCSI controller 0', summary: 'LSI Logic SAS' } },
    { _type: 'VirtualIDEController', key: 201, busNumber: 1, device: [] },
    { _type: 'VirtualFloppy', key: 8000, deviceInfo: { _type: 'Description', label: 'Floppy drive 1', summary: '' } },
    {
      _type: 'VirtualDisk', key: 2000, controllerKey: 1000, unitNumber: 0, capacityInKB: 1024,
      deviceInfo: { _type: 'Description', label: 'Hard disk 1', summary: '1 MB' },
      backing: { _type: 'VirtualDiskFlatVer2BackingInfo', fileName: '[SAN] EXCH01/EXCH01.vmdk', diskMode: 'independent_persistent' },
    },
  ],
  snapshot: { _type: 'VirtualMachineSnapshotInfo', rootSnapshotList: [{ _type: 'VirtualMachineSnapshotTree', name: 'a', childSnapshotList: [{ _type: 'VirtualMachineSnapshotTree', name: 'b' }] }] },
};

describe('backup/api and fixes', () => {
  it('turns retrieved properties into ApiVmConfig that factsFromApi reads fully', () => {
    const f = factsFromApi(apiVmConfigFromProps(props));
    assert.equal(f.name, 'EXCH01');
    assert.equal(f.guestFamily, 'windows2008r2');
    assert.equal(f.hardwareVersion, 7);
    assert.equal(f.diskEnableUuid, true);
    assert.deepEqual(f.evidence.diskEnableUuid, [{ kind: 'api', path: 'config.extraConfig[disk.EnableUUID]', value: 'TRUE' }]);
    assert.equal(f.ctkEnabled, false);
    assert.equal(f.consolidationNeeded, true);
    assert.equal(f.snapshotCount, 2);
    assert.equal(f.floppyPresent, true);
    assert.equal(f.toolsVersion, '8.3.7');
    assert.equal(f.powerState, 'poweredOn');
    assert.deepEqual(f.disks.map((d) => [d.id, d.mode, d.fileName]), [['scsi0:0', 'independent-persistent', '[SAN] EXCH01/EXCH01.vmdk']]);
    const ids = diagnose({ facts: f }).map((x) => x.id);
    for (const id of ['vdr.win2008-app-quiesce', 'vdr.independent-disk', 'vdr.consolidation-needed', 'vdr.existing-snapshots', 'vdr.tools-837-2008r2', 'vdr.floppy-2008r2']) {
      assert.ok(ids.includes(id), `${id} in ${ids.join(', ')}`);
    }
  });

  it('a VM without snapshots or optional properties still reads', () => {
    const f = factsFromApi(apiVmConfigFromProps({ name: 'x', 'config.guestId': 'otherGuest' }));
    assert.equal(f.snapshotCount, 0);
    assert.equal(f.consolidationNeeded, undefined);
    assert.equal(f.toolsVersion, undefined);
  });

  it('plans fixes per target: .vmx edits, extraConfig only for advanced settings', () => {
    const uuid = { kind: 'setConfig', key: 'disk.EnableUUID', value: 'FALSE', requiresPoweredOff: true } as const;
    assert.deepEqual(planFix(uuid, 'vmx'), { kind: 'vmx', changes: [{ key: 'disk.EnableUUID', value: 'FALSE' }], requiresPoweredOff: true });
    assert.deepEqual(planFix(uuid, 'api'), { kind: 'extraConfig', changes: { 'disk.EnableUUID': 'FALSE' }, requiresPoweredOff: true });
    assert.equal(planFix({ kind: 'setConfig', key: 'scsi0:1.ctkEnabled', value: 'TRUE', requiresPoweredOff: false }, 'api').kind, 'extraConfig');
    assert.deepEqual(planFix({ kind: 'setConfig', key: 'scsi0:1.mode', value: 'persistent', requiresPoweredOff: true }, 'api'), { kind: 'none', reason: 'notViaApi' });
    assert.deepEqual(planFix({ kind: 'setConfig', key: 'floppy0.present', value: 'FALSE', requiresPoweredOff: true }, 'api'), { kind: 'none', reason: 'notViaApi' });
    assert.deepEqual(planFix({ kind: 'manual', steps: ['x'] }, 'vmx'), { kind: 'none', reason: 'manual' });
    assert.deepEqual(planFix({ kind: 'upgradeTools' }, 'api'), { kind: 'none', reason: 'notViaApi' });
    assert.equal(fixLabel(uuid), 'Set disk.EnableUUID = "FALSE"');
  });

  it('anchors a .vmx finding on the line its fix changes and keys findings by rule and VM', () => {
    const text = readFileSync(path.join(FIX, 'vmx', 'w2k8r2-41.vmx'), 'utf8');
    const facts = factsFromVmxDocument(VmxDocument.fromText(text), 'file:///w.vmx');
    const f = diagnose({ facts }).find((x) => x.id === 'vdr.win2008-app-quiesce')!;
    const line = text.split('\n').findIndex((l) => l.startsWith('disk.EnableUUID'));
    assert.equal(anchorLine(f, 'file:///w.vmx'), line);
    assert.equal(anchorLine(f, 'file:///other.vmx'), undefined);
    assert.equal(findingKey(f), 'vdr.win2008-app-quiesce@EXCH01');
    assert.equal(findingKey({ id: 'vdr.log.stop-time' }), 'vdr.log.stop-time');
    // After the fix the finding is gone.
    const fixed = VmxDocument.fromText(text);
    fixed.set('disk.EnableUUID', 'FALSE');
    assert.ok(!diagnose({ facts: factsFromVmxDocument(fixed, 'w.vmx') }).some((x) => x.id === 'vdr.win2008-app-quiesce'));
  });

  describe('analyzeLogFiles progress and cancellation', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'vdr-progress-'));
      const line = '7/7/2012 18:04:02.876: 0x0123e6a8: $[*20702]Failed to create snapshot for proxy, error -3960 ( cannot quiesce virtual machine)\n';
      writeFileSync(path.join(dir, 'datarecovery-0.log'), line.repeat(40_000)); // ~5 MB, several chunks
      writeFileSync(path.join(dir, 'vcbAPI-0.log'), readFileSync(path.join(FIX, 'vcbAPI-0.log')));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('reports bytes up to the total, in analysis order', async () => {
      const seen: AnalyzeProgress[] = [];
      const files = [path.join(dir, 'vcbAPI-0.log'), path.join(dir, 'datarecovery-0.log')];
      const r = await analyzeLogFiles(files, { onProgress: (p) => seen.push({ ...p }) });
      assert.ok(seen.length >= 3, `${seen.length} progress calls`);
      const last = seen[seen.length - 1];
      assert.equal(last.bytes, last.totalBytes);
      assert.equal(seen[0].file, files[1], 'the main log is read first');
      assert.ok(seen.every((p, i) => i === 0 || p.bytes >= seen[i - 1].bytes));
      assert.equal(r.errors.find((g) => g.code === '-3960')?.count, 40_000);
    });

    it('stops with a cancellation when the signal fires', async () => {
      const ac = new AbortController();
      await assert.rejects(
        analyzeLogFiles([path.join(dir, 'datarecovery-0.log')], { signal: ac.signal, onProgress: () => ac.abort() }),
        (e: Error) => isCancellation(e),
      );
    });
  });
});
