import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { apiDeviceFromValue, deviceToApi } from '../../../src/core/backup/api';
import { readDevicesLean } from '../../../src/core/vsphere/deviceReader';
import { asArray, asObject, type VimValue } from '../../../src/core/vsphere/decode';
import { extractRetrieveResult, RetrieveStream } from '../../../src/core/vsphere/property';
import { toDevice } from '../../../src/core/vsphere/vm';
import { XmlPull, XmlEvent } from '../../../src/core/vsphere/xml';

const HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><RetrievePropertiesExResponse xmlns="urn:vim25"><returnval>';
const TAIL = '</returnval></RetrievePropertiesExResponse></soapenv:Body></soapenv:Envelope>';
const XSI = 'xmlns:XMLSchema-instance="http://www.w3.org/2001/XMLSchema-instance"';

/** Devices shaped as vCenter and vcsim send them: typed, nested, with fields the sweep does not read. */
const DEVICES = [
  '<VirtualDevice xsi:type="VirtualIDEController"><key>200</key><deviceInfo xsi:type="Description"><label>IDE 0</label><summary>IDE 0</summary></deviceInfo><busNumber>0</busNumber><device>3000</device></VirtualDevice>',
  '<VirtualDevice xsi:type="ParaVirtualSCSIController"><key>1000</key><deviceInfo><label>SCSI controller 0</label><summary>VMware paravirtual SCSI</summary></deviceInfo><slotInfo xsi:type="VirtualDevicePciBusSlotInfo"><pciSlotNumber>160</pciSlotNumber></slotInfo><controllerKey>100</controllerKey><unitNumber>3</unitNumber><busNumber>0</busNumber><device>2000</device><device>2001</device><device>2002</device><hotAddRemove>true</hotAddRemove><sharedBus>noSharing</sharedBus><scsiCtlrUnitNumber>7</scsiCtlrUnitNumber></VirtualDevice>',
  // a disk: persistent, with shares, IO allocation, a nested parent backing and a comment
  '<VirtualDevice xsi:type="VirtualDisk"><key>2000</key><deviceInfo xsi:type="Description"><label>Hard disk 1</label><summary>16,777,216 KB</summary></deviceInfo>'
    + '<backing xsi:type="VirtualDiskFlatVer2BackingInfo"><fileName>[ds1] web01/web01.vmdk</fileName><datastore type="Datastore">datastore-11</datastore><backingObjectId></backingObjectId><diskMode>persistent</diskMode><split>false</split><writeThrough>false</writeThrough><thinProvisioned>true</thinProvisioned><uuid>6000C29a</uuid><contentId>ab&amp;cd</contentId><changeId>52 1a/42</changeId>'
    + '<parent xsi:type="VirtualDiskFlatVer2BackingInfo"><fileName>[ds1] web01/base.vmdk</fileName><diskMode>persistent</diskMode></parent><!-- a > comment <x> --><digestEnabled>false</digestEnabled></backing>'
    + '<controllerKey>1000</controllerKey><unitNumber>0</unitNumber><capacityInKB>16777216</capacityInKB><capacityInBytes>17179869184</capacityInBytes><shares><shares>1000</shares><level>normal</level></shares><storageIOAllocation><limit>-1</limit><shares><shares>1000</shares><level>normal</level></shares><reservation>0</reservation></storageIOAllocation><nativeUnmanagedLinkedClone>false</nativeUnmanagedLinkedClone></VirtualDevice>',
  // independent, and a physical RDM with an attribute holding ">" and a CDATA section
  '<VirtualDevice xsi:type="VirtualDisk"><key>2001</key><deviceInfo><label>Hard disk 2</label></deviceInfo><backing xsi:type="VirtualDiskFlatVer2BackingInfo"><fileName>[ds1] web01/data.vmdk</fileName><diskMode>independent_persistent</diskMode></backing><controllerKey>1000</controllerKey><unitNumber>1</unitNumber></VirtualDevice>',
  '<VirtualDevice xsi:type="VirtualDisk"><key>2002</key><deviceInfo><label>Hard disk 3</label><summary><![CDATA[<rdm>]]></summary></deviceInfo><backing xsi:type="VirtualDiskRawDiskMappingVer1BackingInfo"><fileName>[ds1] web01/web01_2.vmdk</fileName><lunUuid note="a>b">0200</lunUuid><deviceName>vml.0200</deviceName><compatibilityMode>physicalMode</compatibilityMode><diskMode>independent_persistent</diskMode></backing><controllerKey>1000</controllerKey><unitNumber>2</unitNumber><connectable/></VirtualDevice>',
  '<VirtualDevice xsi:type="VirtualFloppy"><key>8000</key><deviceInfo><label>Floppy drive 1</label><summary>Remote</summary></deviceInfo><backing xsi:type="VirtualFloppyRemoteDeviceBackingInfo"><deviceName/></backing><connectable><startConnected>false</startConnected><allowGuestControl>true</allowGuestControl><connected>false</connected><status>ok</status></connectable><controllerKey>400</controllerKey><unitNumber>0</unitNumber></VirtualDevice>',
  '<VirtualDevice xsi:type="VirtualTPM"><key>11000</key><deviceInfo><label>Virtual TPM</label><summary>Virtual TPM</summary></deviceInfo><endorsementKeyCertificateSigningRequest>MIIB</endorsementKeyCertificateSigningRequest></VirtualDevice>',
  '<VirtualDevice xsi:type="VirtualCdrom"><key>3000</key><deviceInfo><label>CD/DVD drive 1</label></deviceInfo><backing xsi:type="VirtualCdromIsoBackingInfo"><fileName>[ds1] iso/x.iso</fileName></backing><controllerKey>200</controllerKey><unitNumber>0</unitNumber></VirtualDevice>',
  `<VirtualDevice ${XSI} XMLSchema-instance:type="VirtualVmxnet3"><key>4000</key><deviceInfo XMLSchema-instance:type="Description"><label>Network adapter 1</label><summary>VM Network</summary></deviceInfo><backing XMLSchema-instance:type="VirtualEthernetCardNetworkBackingInfo"><deviceName>VM Network</deviceName></backing><addressType>assigned</addressType><macAddress>00:50:56:aa:bb:cc</macAddress></VirtualDevice>`,
];

function doc(devices: string[], vms = 1): string {
  const objs = Array.from({ length: vms }, (_, i) => `<objects><obj type="VirtualMachine">vm-${i}</obj><propSet><name>config.hardware.device</name><val xsi:type="ArrayOfVirtualDevice">${devices.join('')}</val></propSet><propSet><name>name</name><val xsi:type="xsd:string">vm ${i}</val></propSet></objects>`);
  return HEAD + objs.join('') + TAIL;
}

const READERS = { 'config.hardware.device': readDevicesLean };

function devicesOf(r: ReturnType<typeof extractRetrieveResult>, i = 0): VimValue[] {
  return asArray(r!.objects[i].props['config.hardware.device']);
}

describe('vsphere: lean reader of config.hardware.device (the sweep\'s)', () => {
  it('gives the backup facts the same devices as the generic decoder', () => {
    const xml = doc(DEVICES);
    const lean = devicesOf(extractRetrieveResult(xml, READERS));
    const full = devicesOf(extractRetrieveResult(xml));
    assert.equal(lean.length, DEVICES.length);
    assert.deepEqual(lean.map(apiDeviceFromValue), full.map(apiDeviceFromValue));
    // and the one-step conversion equals the two-step one it replaces
    assert.deepEqual(full.map(apiDeviceFromValue), full.map((d) => deviceToApi(toDevice(d), d)));
  });

  it('keeps the fields the rules read and drops the rest', () => {
    const lean = devicesOf(extractRetrieveResult(doc(DEVICES), READERS));
    const rdm = asObject(lean[4])!;
    assert.deepEqual(rdm.backing, { _type: 'VirtualDiskRawDiskMappingVer1BackingInfo', fileName: '[ds1] web01/web01_2.vmdk', compatibilityMode: 'physicalMode', diskMode: 'independent_persistent' });
    assert.deepEqual(asObject(lean[0]), { _type: 'VirtualIDEController', key: 200, deviceInfo: { _type: 'Description', label: 'IDE 0', summary: 'IDE 0' }, busNumber: 0, device: [3000] });
    assert.equal(asObject(lean[2])!.capacityInKB, undefined);
    assert.equal(asObject(asObject(lean[2])!.backing)!.changeId, '52 1a/42');
    assert.equal(asObject(asObject(lean[4])!.deviceInfo)!.summary, '<rdm>');
    assert.equal(asObject(lean[6])!._type, 'VirtualTPM');
  });

  it('reads the rest of the object after a skipped subtree (the next property is intact)', () => {
    const r = extractRetrieveResult(doc(DEVICES, 3), READERS)!;
    assert.deepEqual(r.objects.map((o) => o.props.name), ['vm 0', 'vm 1', 'vm 2']);
    assert.deepEqual(extractRetrieveResult(doc([]), READERS)!.objects[0].props['config.hardware.device'], []);
  });

  it('streams with the reader however the text is cut', () => {
    const whole = doc(DEVICES, 4);
    const expected = extractRetrieveResult(whole, READERS);
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: whole.length }), { maxLength: 10 }), (cuts) => {
      const s = new RetrieveStream(READERS);
      let at = 0;
      for (const c of [...cuts].sort((a, b) => a - b)) { s.push(whole.slice(at, c)); at = c; }
      s.push(whole.slice(at));
      assert.deepEqual(s.result(() => whole), expected);
    }), { numRuns: 200 });
  });

  it('skipRaw refuses a document cut short or an end tag that does not match', () => {
    for (const bad of ['<a><b x="1"><c>', '<a><b><c></c></x>', '<a><b><!-- open', '<a><b><!DOCTYPE x></b></a>']) {
      const p = new XmlPull(bad);
      assert.equal(p.next(), XmlEvent.Start);
      assert.equal(p.next(), XmlEvent.Start);
      assert.throws(() => p.skipRaw(), /unterminated|mismatched|DOCTYPE/);
    }
    const p = new XmlPull('<a><b q=\'x"/>\'><c/><d>t</d></b><e>after</e></a>');
    p.next(); p.next();
    p.skipRaw();
    assert.equal(p.depth, 1);
    assert.equal(p.next(), XmlEvent.Start);
    assert.equal(p.name, 'e');
    assert.equal(p.leafText(), 'after');
  });
});
