import assert from 'node:assert/strict';
import { parseXml } from '../../../src/core/vsphere/xml';
import { decodeNode, asArray, isMoRef, pick } from '../../../src/core/vsphere/decode';
import { toDevice, toSnapshotTree, extraConfigToRecord } from '../../../src/core/vsphere/vm';

const X = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"';

function val(inner: string, attrs = ''): ReturnType<typeof decodeNode> {
  return decodeNode(parseXml(`<val ${X} ${attrs}>${inner}</val>`), 'anyType');
}

describe('vsphere decode', () => {
  it('types primitives from xsi:type', () => {
    assert.equal(val('42', 'xsi:type="xsd:long"'), 42);
    assert.equal(val('true', 'xsi:type="xsd:boolean"'), true);
    assert.equal(val('007', 'xsi:type="xsd:string"'), '007');
    assert.equal(val('poweredOff', 'xsi:type="VirtualMachinePowerState"'), 'poweredOff');
  });

  it('keeps arrays of one as arrays (ArrayOf…)', () => {
    assert.deepEqual(val('<string>only</string>', 'xsi:type="ArrayOfString"'), ['only']);
    assert.deepEqual(val('<int>3</int>', 'xsi:type="ArrayOfInt"'), [3]);
    assert.deepEqual(val('', 'xsi:type="ArrayOfString"'), []);
    assert.deepEqual(val('<ManagedObjectReference type="HostSystem">host-1</ManagedObjectReference>', 'xsi:type="ArrayOfManagedObjectReference"'),
      [{ type: 'HostSystem', value: 'host-1' }]);
  });

  it('uses the schema for untyped fields: ints, booleans, array fields with one element', () => {
    const v = val(`<rootSnapshotList><snapshot type="VirtualMachineSnapshot">snapshot-1</snapshot><name>base</name><description></description><id>1</id>
      <createTime>2024-01-02T03:04:05Z</createTime><state>poweredOff</state><quiesced>true</quiesced>
      <childSnapshotList><snapshot type="VirtualMachineSnapshot">snapshot-2</snapshot><name>child</name><id>2</id><quiesced>false</quiesced></childSnapshotList>
      </rootSnapshotList>`, 'xsi:type="VirtualMachineSnapshotInfo"');
    const tree = toSnapshotTree(pick(v, 'rootSnapshotList'));
    assert.equal(tree.length, 1);
    assert.equal(tree[0].id, 1);
    assert.equal(tree[0].quiesced, true);
    assert.equal(tree[0].children.length, 1);
    assert.equal(tree[0].children[0].name, 'child');
    assert.equal(tree[0].children[0].quiesced, false);
    assert.deepEqual(tree[0].children[0].ref, { type: 'VirtualMachineSnapshot', value: 'snapshot-2' });
  });

  it('decodes devices: RDM disk with compatibility mode, CD-ROM, controller', () => {
    const devices = asArray(val(`
      <VirtualDevice xsi:type="VirtualLsiLogicController"><key>1000</key><deviceInfo><label>SCSI controller 0</label><summary>LSI Logic</summary></deviceInfo>
        <controllerKey>100</controllerKey><unitNumber>3</unitNumber><busNumber>0</busNumber><device>2000</device><hotAddRemove>true</hotAddRemove><sharedBus>noSharing</sharedBus><scsiCtlrUnitNumber>7</scsiCtlrUnitNumber></VirtualDevice>
      <VirtualDevice xsi:type="VirtualDisk"><key>2000</key><deviceInfo><label>Hard disk 1</label><summary>10,485,760 KB</summary></deviceInfo>
        <backing xsi:type="VirtualDiskRawDiskMappingVer1BackingInfo"><fileName>[ds1] vm/vm_1.vmdk</fileName><datastore type="Datastore">datastore-1</datastore>
        <lunUuid>0200</lunUuid><deviceName>vml.0200</deviceName><compatibilityMode>physicalMode</compatibilityMode><diskMode>independent_persistent</diskMode></backing>
        <controllerKey>1000</controllerKey><unitNumber>0</unitNumber><capacityInKB>10485760</capacityInKB></VirtualDevice>
      <VirtualDevice xsi:type="VirtualCdrom"><key>3002</key><deviceInfo><label>CD/DVD drive 1</label><summary>ISO</summary></deviceInfo>
        <backing xsi:type="VirtualCdromIsoBackingInfo"><fileName>[ds1] iso/plpbt.iso</fileName></backing>
        <connectable><startConnected>true</startConnected><allowGuestControl>true</allowGuestControl><connected>false</connected></connectable>
        <controllerKey>201</controllerKey><unitNumber>0</unitNumber></VirtualDevice>`, 'xsi:type="ArrayOfVirtualDevice"')).map(toDevice);
    assert.deepEqual(devices.map((d) => d.kind), ['controller', 'disk', 'cdrom']);
    const [ctl, disk, cd] = devices;
    assert.ok(ctl.kind === 'controller' && ctl.busNumber === 0 && ctl.devices.length === 1 && ctl.devices[0] === 2000);
    assert.ok(disk.kind === 'disk');
    assert.equal(disk.rdm, true);
    assert.equal(disk.compatibilityMode, 'physicalMode');
    assert.equal(disk.diskMode, 'independent_persistent');
    assert.equal(disk.capacityBytes, 10485760 * 1024);
    assert.deepEqual(disk.datastore, { type: 'Datastore', value: 'datastore-1' });
    assert.ok(cd.kind === 'cdrom' && cd.startConnected === true && cd.connected === false && cd.fileName === '[ds1] iso/plpbt.iso');
  });

  it('reads extraConfig (OptionValue with typed value) into a record', () => {
    const v = val(`<OptionValue><key>disk.EnableUUID</key><value xsi:type="xsd:string">TRUE</value></OptionValue>`, 'xsi:type="ArrayOfOptionValue"');
    assert.deepEqual(extraConfigToRecord(v), { 'disk.EnableUUID': 'TRUE' });
  });

  it('recognises MoRefs and nothing else as MoRefs', () => {
    assert.equal(isMoRef({ type: 'VirtualMachine', value: 'vm-1' }), true);
    assert.equal(isMoRef({ key: 'a', value: 'b' }), false);
    assert.equal(isMoRef({ _type: 'X', type: 'a', value: 'b' }), false);
  });
});
