import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { VmxDocument } from '../../../src/core/vmx/document';
import type { ApiVmConfig, VmxEntry } from '../../../src/core/backup/facts';
import {
  decodeToolsVersion, factsFromApi, factsFromVmxDocument, factsFromVmxEntries, formatEvidence, parseHardwareVersion,
  rdmFromDescriptor, resolveGuestId,
} from '../../../src/core/backup/facts';

const FIX = path.join(__dirname, '../../fixtures/vdr/vmx');
const doc = (name: string) => VmxDocument.parse(readFileSync(path.join(FIX, name)));
const entries = (lines: string[]): VmxEntry[] => lines.map((l, i) => {
  const m = /^(\S+) = "(.*)"$/.exec(l)!;
  return { key: m[1], value: m[2], line: i + 1 };
});

describe('backup/facts', () => {
  it('resolves guest ids both ways and their family', () => {
    assert.deepEqual(resolveGuestId('windows7srv-64'), { vmx: 'windows7srv-64', api: 'windows7Server64Guest', family: 'windows2008r2' });
    assert.deepEqual(resolveGuestId('winLonghorn64Guest'), { vmx: 'longhorn-64', api: 'winLonghorn64Guest', family: 'windows2008' });
    assert.equal(resolveGuestId('LONGHORN').family, 'windows2008');
    assert.equal(resolveGuestId('rhel5-64').family, 'linux');
    assert.deepEqual(resolveGuestId('windows9srv-64'), { vmx: 'windows9srv-64', family: 'windows-other' });
    assert.deepEqual(resolveGuestId(undefined), { family: 'unknown' });
  });

  it('parses hardware versions and Tools version numbers', () => {
    assert.equal(parseHardwareVersion('vmx-07'), 7);
    assert.equal(parseHardwareVersion('4'), 4);
    assert.equal(parseHardwareVersion('seven'), undefined);
    assert.equal(decodeToolsVersion(8295), '8.3.7');
    assert.equal(decodeToolsVersion('8384'), '8.6.0');
  });

  it('reads the Windows 2008 R2 fixture with evidence lines (1-based)', () => {
    const f = factsFromVmxDocument(doc('w2k8r2-41.vmx'), 'w2k8r2-41.vmx', { createdOnVersion: '4.1' });
    assert.equal(f.name, 'EXCH01');
    assert.equal(f.guestIdVmx, 'windows7srv-64');
    assert.equal(f.guestIdApi, 'windows7Server64Guest');
    assert.equal(f.guestFamily, 'windows2008r2');
    assert.equal(f.hardwareVersion, 7);
    assert.equal(f.diskEnableUuid, true);
    assert.equal(f.ctkEnabled, true);
    assert.equal(f.floppyPresent, true);
    assert.equal(f.createdOnVersion, '4.1');
    assert.deepEqual(f.disks.map((d) => [d.id, d.bus, d.ctkEnabled]), [['scsi0:0', 'scsi', true], ['scsi0:1', 'scsi', true]]);
    assert.deepEqual(f.controllers.map((c) => [c.bus, c.index, c.model]), [['scsi', 0, 'lsisas1068']]);
    assert.equal(f.otherScsiDevices.length, 0, 'the CD-ROM is on IDE');
    assert.equal(formatEvidence(f.evidence.diskEnableUuid![0]), 'w2k8r2-41.vmx:23 disk.EnableUUID = "TRUE"');
  });

  it('keys are case-insensitive and the last duplicate wins', () => {
    const f = factsFromVmxEntries(entries(['DISK.enableuuid = "TRUE"', 'disk.EnableUUID = "FALSE"']), 'x.vmx');
    assert.equal(f.diskEnableUuid, false);
    assert.equal(f.diskEnableUuidRaw, 'FALSE');
    assert.equal((f.evidence.diskEnableUuid![0] as { line: number }).line, 2);
  });

  it('absent keys stay undefined', () => {
    const f = factsFromVmxEntries(entries(['guestOS = "longhorn-64"']), 'x.vmx');
    assert.equal(f.diskEnableUuid, undefined);
    assert.equal(f.diskEnableUuidRaw, undefined);
    assert.equal(f.ctkEnabled, undefined);
    assert.equal(f.floppyPresent, undefined);
    assert.equal(f.hardwareVersion, undefined);
  });

  it('finds independent disks and RDMs (descriptor createType, rawDisk, -rdmp naming)', () => {
    const d = doc('rdm-independent.vmx');
    const desc = (n: string) => ({ file: n, text: readFileSync(path.join(FIX, n), 'latin1') });
    const f = factsFromVmxDocument(d, 'rdm.vmx', { descriptors: { 'FILE02_2.vmdk': desc('FILE02_2.vmdk'), 'FILE02_3.vmdk': desc('FILE02_3.vmdk') } });
    assert.deepEqual(f.disks.map((x) => [x.id, x.mode, x.rdm]), [
      ['scsi0:0', undefined, undefined],
      ['scsi0:1', 'independent-persistent', undefined],
      ['scsi1:0', undefined, 'physical'],
      ['scsi1:1', undefined, 'virtual'],
    ]);
    // Without descriptors the mapping files cannot be told from ordinary disks.
    assert.deepEqual(factsFromVmxDocument(d, 'rdm.vmx').disks.map((x) => x.rdm), [undefined, undefined, undefined, undefined]);
    const g = factsFromVmxEntries(entries([
      'scsi0.present = "TRUE"', 'scsi0:0.present = "TRUE"', 'scsi0:0.deviceType = "rawDisk"', 'scsi0:0.fileName = "lun.vmdk"',
      'scsi0:1.present = "TRUE"', 'scsi0:1.fileName = "vm_1-rdmp.vmdk"', 'scsi0:2.present = "TRUE"', 'scsi0:2.fileName = "vm_2-rdm.vmdk"',
    ]), 'x.vmx');
    assert.deepEqual(g.disks.map((x) => x.rdm), ['physical', 'physical', 'virtual']);
    assert.equal(rdmFromDescriptor('createType="monolithicFlat"'), undefined);
  });

  it('ignores devices on absent controllers and counts SCSI CD-ROMs as slot users', () => {
    const f = factsFromVmxEntries(entries([
      'scsi0.present = "TRUE"', 'scsi0:0.present = "TRUE"', 'scsi0:0.fileName = "a.vmdk"',
      'scsi0:1.present = "TRUE"', 'scsi0:1.deviceType = "cdrom-image"', 'scsi0:1.fileName = "x.iso"',
      'scsi1.present = "FALSE"', 'scsi1:0.present = "TRUE"', 'scsi1:0.fileName = "b.vmdk"',
      'ide0:0.present = "TRUE"', 'ide0:0.fileName = "c.vmdk"', 'ide0:1.present = "FALSE"', 'ide0:1.fileName = "d.vmdk"',
    ]), 'x.vmx');
    assert.deepEqual(f.disks.map((d) => d.id), ['ide0:0', 'scsi0:0']);
    assert.deepEqual(f.otherScsiDevices.map((d) => d.id), ['scsi0:1']);
  });

  it('builds the same picture from the API shape', () => {
    const api = JSON.parse(readFileSync(path.join(FIX, 'api-w2k8r2.json'), 'utf8')) as ApiVmConfig;
    const f = factsFromApi(api);
    assert.equal(f.source, 'api');
    assert.equal(f.name, 'EXCH01');
    assert.equal(f.guestIdVmx, 'windows7srv-64');
    assert.equal(f.guestFamily, 'windows2008r2');
    assert.equal(f.hardwareVersion, 7);
    assert.equal(f.diskEnableUuid, true);
    assert.deepEqual(f.evidence.diskEnableUuid, [{ kind: 'api', path: 'config.extraConfig[disk.EnableUUID]', value: 'TRUE' }]);
    assert.equal(f.ctkEnabled, true);
    assert.equal(f.floppyPresent, true);
    assert.equal(f.powerState, 'poweredOn');
    assert.equal(f.toolsRunningStatus, 'guestToolsRunning');
    assert.equal(f.toolsVersionStatus, 'guestToolsCurrent');
    assert.equal(f.toolsVersion, '8.3.7');
    assert.equal(f.snapshotCount, 0);
    assert.equal(f.consolidationNeeded, false);
    assert.deepEqual(f.disks.map((d) => [d.id, d.mode, d.ctkEnabled, d.fileName]), [['scsi0:0', 'persistent', true, '[SAN] EXCH01/EXCH01.vmdk']]);
    assert.deepEqual(f.controllers.map((c) => c.bus).sort(), ['ide', 'ide', 'scsi']);
  });

  it('API: RDM compatibility, independent modes, snapshot trees', () => {
    const f = factsFromApi({
      config: {
        hardware: { device: [
          { _type: 'VirtualLsiLogicController', key: 1000, busNumber: 0 },
          { _type: 'VirtualDisk', key: 2000, controllerKey: 1000, unitNumber: 0, backing: { diskMode: 'independent_persistent' } },
          { _type: 'VirtualDisk', key: 2001, controllerKey: 1000, unitNumber: 1, backing: { diskMode: 'persistent', compatibilityMode: 'physicalMode' } },
          { _type: 'VirtualDisk', key: 2002, controllerKey: 1000, unitNumber: 2, backing: { compatibilityMode: 'virtualMode' } },
        ] },
      },
      snapshot: { rootSnapshotList: [{ name: 'a', childSnapshotList: [{ name: 'b' }, { name: 'VCB-SNAPSHOT' }] }] },
      runtime: { consolidationNeeded: true },
    });
    assert.deepEqual(f.disks.map((d) => [d.id, d.mode, d.rdm]), [
      ['scsi0:0', 'independent-persistent', undefined], ['scsi0:1', 'persistent', 'physical'], ['scsi0:2', undefined, 'virtual'],
    ]);
    assert.equal(f.snapshotCount, 3);
    assert.equal(f.consolidationNeeded, true);
    assert.equal(f.floppyPresent, false);
  });
});
