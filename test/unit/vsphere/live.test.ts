/**
 * Readers of the live feed, events, tasks and VM facts, on answers shaped as vcsim and vCenter send
 * them (a type attribute under any prefix bound to the XML Schema instance namespace).
 */
import assert from 'node:assert/strict';
import { parseXml } from '../../../src/core/vsphere/xml';
import { readUpdateSet } from '../../../src/core/vsphere/updates';
import { toEventRecord, toTaskRecord } from '../../../src/core/vsphere/events';
import { vmFacts, entityFacts } from '../../../src/core/vsphere/facts';
import { decodeNode } from '../../../src/core/vsphere/decode';

const env = (body: string): string => `<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:XMLSchema-instance="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soapenv:Body><WaitForUpdatesExResponse xmlns="urn:vim25">${body}</WaitForUpdatesExResponse></soapenv:Body></soapenv:Envelope>`;

function returnval(xml: string) {
  const body = parseXml(xml).children[0].children[0];
  return body.children.find((c) => c.name === 'returnval');
}

describe('live feed readers', () => {
  it('reads an UpdateSet: version, truncated, enter / modify / leave with typed values', () => {
    const rv = returnval(env(`<returnval><version>7</version><filterSet><filter type="PropertyFilter">f-1</filter>
      <objectSet><kind>modify</kind><obj type="VirtualMachine">vm-42</obj>
        <changeSet><name>runtime.powerState</name><op>assign</op><val XMLSchema-instance:type="VirtualMachinePowerState">poweredOff</val></changeSet>
        <changeSet><name>summary.quickStats.balloonedMemory</name><op>assign</op><val XMLSchema-instance:type="xsd:int">12</val></changeSet>
        <changeSet><name>guest.ipAddress</name><op>remove</op></changeSet></objectSet>
      <objectSet><kind>enter</kind><obj type="VirtualMachine">vm-43</obj>
        <changeSet><name>runtime.host</name><op>assign</op><val XMLSchema-instance:type="ManagedObjectReference" type="HostSystem">host-9</val></changeSet></objectSet>
      <objectSet><kind>leave</kind><obj type="VirtualMachine">vm-7</obj></objectSet>
      </filterSet><truncated>true</truncated></returnval>`));
    const set = readUpdateSet(rv)!;
    assert.equal(set.version, '7');
    assert.equal(set.truncated, true);
    assert.deepEqual(set.updates.map((u) => [u.kind, u.obj.value]), [['modify', 'vm-42'], ['enter', 'vm-43'], ['leave', 'vm-7']]);
    assert.deepEqual(set.updates[0].changes, [
      { name: 'runtime.powerState', op: 'assign', value: 'poweredOff' },
      { name: 'summary.quickStats.balloonedMemory', op: 'assign', value: 12 },
      { name: 'guest.ipAddress', op: 'remove' },
    ]);
    assert.deepEqual(set.updates[1].changes[0].value, { type: 'HostSystem', value: 'host-9' });
  });

  it('an empty answer (nothing changed within maxWaitSeconds) is undefined; unknown kinds and ops are skipped', () => {
    assert.equal(readUpdateSet(returnval(env(''))), undefined);
    const set = readUpdateSet(returnval(env(`<returnval><version>2</version><filterSet><objectSet><kind>weird</kind><obj type="VirtualMachine">vm-1</obj></objectSet>
      <objectSet><kind>modify</kind><obj type="VirtualMachine">vm-2</obj><changeSet><name>name</name><op>explode</op></changeSet></objectSet></filterSet></returnval>`)))!;
    assert.deepEqual(set.updates.map((u) => [u.obj.value, u.changes.length]), [['vm-2', 0]]);
  });

  it('an event record names its type, user, time, message and object', () => {
    const xml = `<x xmlns:XMLSchema-instance="http://www.w3.org/2001/XMLSchema-instance" XMLSchema-instance:type="VmPoweredOffEvent"><key>31</key><chainId>31</chainId>
      <createdTime>2026-12-06T22:00:01Z</createdTime><userName>administrator@vsphere.local</userName>
      <vm><name>DC0_H0_VM0</name><vm type="VirtualMachine">vm-54</vm></vm><fullFormattedMessage>DC0_H0_VM0 on host is powered off</fullFormattedMessage></x>`;
    const e = toEventRecord(decodeNode(parseXml(xml), 'Event'))!;
    assert.deepEqual(e, {
      key: 31, type: 'VmPoweredOffEvent', time: '2026-12-06T22:00:01Z', user: 'administrator@vsphere.local',
      message: 'DC0_H0_VM0 on host is powered off', object: { ref: { type: 'VirtualMachine', value: 'vm-54' }, name: 'DC0_H0_VM0' }, chainId: 31,
    });
    assert.equal(toEventRecord({ nothing: 'here' }), undefined);
  });

  it('a task record: what, object, who, state, progress, error in the server\'s words', () => {
    const ref = { type: 'Task', value: 'task-5' };
    const t = toTaskRecord(ref, {
      descriptionId: 'VirtualMachine.powerOff', entity: { type: 'VirtualMachine', value: 'vm-1' }, entityName: 'web01',
      reason: { _type: 'TaskReasonUser', userName: 'alice' }, state: 'error', progress: 40,
      error: { fault: { _type: 'InvalidPowerState' }, localizedMessage: 'The attempted operation cannot be performed in the current state (Powered off).' },
      queueTime: '2026-12-06T22:00:00Z',
    });
    assert.equal(t.what, 'VirtualMachine.powerOff');
    assert.deepEqual(t.object, { ref: { type: 'VirtualMachine', value: 'vm-1' }, name: 'web01' });
    assert.equal(t.who, 'alice');
    assert.equal(t.state, 'error');
    assert.equal(t.progress, 40);
    assert.match(t.error!, /current state/);
    assert.equal(toTaskRecord(ref, { reason: { _type: 'TaskReasonSystem' }, state: 'running' }).who, 'system');
  });

  it('VM facts: every IP (IPv4 first, no duplicates), host name, Tools, status and triggered alarms', () => {
    const f = vmFacts({
      'guest.ipAddress': '10.0.0.5',
      'guest.net': [{ ipAddress: ['fe80::1', '10.0.0.5'] }, { ipAddress: '192.168.1.9' }],
      'guest.hostName': 'web01.lab', 'guest.toolsRunningStatus': 'guestToolsRunning', 'guest.toolsVersionStatus2': 'guestToolsCurrent',
      overallStatus: 'yellow',
      triggeredAlarmState: [{ alarm: { type: 'Alarm', value: 'alarm-7' }, overallStatus: 'yellow', acknowledged: false, time: '2026-12-06T21:00:00Z' }],
    });
    assert.deepEqual(f.ips, ['10.0.0.5', '192.168.1.9', 'fe80::1']);
    assert.equal(f.hostName, 'web01.lab');
    assert.equal(f.toolsRunning, 'guestToolsRunning');
    assert.equal(f.status, 'yellow');
    assert.deepEqual(f.alarms.map((a) => [a.alarm.value, a.status, a.acknowledged]), [['alarm-7', 'yellow', false]]);
    assert.deepEqual(vmFacts(undefined).ips, []);
    assert.equal(entityFacts({ overallStatus: 'purple' }).status, undefined);
  });
});
