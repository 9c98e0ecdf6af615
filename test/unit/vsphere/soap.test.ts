import assert from 'node:assert/strict';
import { buildEnvelope, readEnvelope, readReturn, xsdString } from '../../../src/core/vsphere/soap';
import { parseXml, parseXmlFast } from '../../../src/core/vsphere/xml';
import {
  faultToError, InvalidArgumentError, InvalidLoginError, InvalidStateError, ManagedObjectNotFoundError,
  NoPermissionError, NotAuthenticatedError, VimFaultError,
} from '../../../src/core/vsphere/errors';

const ENV = 'xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"';

function fault(type: string, inner = '', msg = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope ${ENV}><soapenv:Body><soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>${msg}</faultstring><detail><${type}Fault xmlns="urn:vim25" xsi:type="${type}">${inner}</${type}Fault></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>`;
}

describe('vsphere soap: envelopes', () => {
  it('writes _this, ordered arguments, MoRefs, arrays, xsi:type and escapes text', () => {
    const xml = buildEnvelope('ReconfigVM_Task', { type: 'VirtualMachine', value: 'vm-1' }, [
      ['spec', { extraConfig: [{ key: 'a<b', value: xsdString('x & "y"') }, { key: 'c', value: xsdString('') }] }],
    ]);
    assert.match(xml, /<soapenv:Body><ReconfigVM_Task xmlns="urn:vim25"><_this type="VirtualMachine">vm-1<\/_this><spec>/);
    assert.ok(xml.includes('<extraConfig><key>a&lt;b</key><value xsi:type="xsd:string">x &amp; &quot;y&quot;</value></extraConfig>'));
    assert.ok(xml.includes('<extraConfig><key>c</key><value xsi:type="xsd:string"></value></extraConfig>'));
    // our own envelope is well-formed and namespace-correct for both readers
    for (const parse of [parseXml, parseXmlFast]) {
      const body = parse(xml).children[0].children[0];
      assert.equal(body.name, 'ReconfigVM_Task');
      assert.equal(body.ns, 'urn:vim25');
    }
  });

  it('writes TraversalSpec with xsi:type, booleans and numbers', () => {
    const xml = buildEnvelope('RetrievePropertiesEx', { type: 'PropertyCollector', value: 'propertyCollector' }, [
      ['specSet', { propSet: { type: 'VirtualMachine', pathSet: ['name'] }, objectSet: { obj: { type: 'ContainerView', value: 'v1' }, skip: true, selectSet: { _type: 'TraversalSpec', name: 'view', type: 'ContainerView', path: 'view', skip: false } } }],
      ['options', { maxObjects: 100 }],
    ]);
    assert.ok(xml.includes('<selectSet xsi:type="TraversalSpec"><name>view</name><type>ContainerView</type><path>view</path><skip>false</skip></selectSet>'));
    assert.ok(xml.includes('<options><maxObjects>100</maxObjects></options>'));
    assert.ok(xml.includes('<obj type="ContainerView">v1</obj><skip>true</skip>'));
  });

  it('reads return values with the declared type, arrays forced by []', () => {
    const xml = `<soapenv:Envelope ${ENV}><soapenv:Body><QueryPerfCounterResponse xmlns="urn:vim25"><returnval><key>90</key><nameInfo><label>Balloon</label><key>vmmemctl</key></nameInfo><level>1</level></returnval></QueryPerfCounterResponse></soapenv:Body></soapenv:Envelope>`;
    const r = readEnvelope(parseXml(xml));
    assert.ok(r.ok);
    assert.deepEqual(readReturn(r.response, 'PerfCounterInfo[]'), [{ key: 90, nameInfo: { label: 'Balloon', key: 'vmmemctl' }, level: 1 }]);
  });
});

describe('vsphere soap: faults → typed errors', () => {
  const cases: Array<[string, string, new (...a: never[]) => VimFaultError, RegExp]> = [
    ['InvalidLogin', '', InvalidLoginError, /user name or password is incorrect/],
    ['NotAuthenticated', '<object type="Folder">group-d1</object><privilegeId>System.View</privilegeId>', NotAuthenticatedError, /not authenticated or has expired.*Reconnect/],
    ['NoPermission', '<object type="VirtualMachine">vm-1</object><privilegeId>VirtualMachine.Interact.PowerOff</privilegeId>', NoPermissionError, /missing privilege VirtualMachine\.Interact\.PowerOff/],
    ['ManagedObjectNotFound', '<obj type="VirtualMachine">vm-9</obj>', ManagedObjectNotFoundError, /VirtualMachine:vm-9 no longer exists/],
    ['InvalidArgument', '<invalidProperty>container</invalidProperty>', InvalidArgumentError, /\(container\)/],
    ['InvalidPowerState', '<requestedState>poweredOn</requestedState><existingState>poweredOff</existingState>', InvalidStateError, /current state: poweredOff/],
    ['InvalidState', '', InvalidStateError, /not in a state that allows it/],
  ];
  for (const [type, inner, cls, msg] of cases) {
    it(`${type} (vcsim fault shape)`, () => {
      const r = readEnvelope(parseXml(fault(type, inner, type === 'InvalidLogin' ? 'Login failure' : '')));
      assert.equal(r.ok, false);
      if (r.ok) return;
      assert.equal(r.fault.faultType, type);
      const e = faultToError(r.fault.faultType, r.fault.message, r.fault.detail, 'PowerOffVM_Task on VirtualMachine:vm-1', 'vc01:443');
      assert.ok(e instanceof cls, `${e.name} is not ${cls.name}`);
      assert.match(e.message, msg);
    });
  }

  it('a fault without xsi:type takes its type from the element name; unknown types stay generic', () => {
    const xml = `<soapenv:Envelope ${ENV}><soapenv:Body><soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>boom</faultstring><detail><FileNotFoundFault xmlns="urn:vim25"><file>x.vmdk</file></FileNotFoundFault></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>`;
    const r = readEnvelope(parseXml(xml));
    assert.ok(!r.ok);
    if (r.ok) return;
    assert.equal(r.fault.faultType, 'FileNotFound');
    const e = faultToError(r.fault.faultType, r.fault.message, r.fault.detail, 'X', 's');
    assert.equal(e.constructor, VimFaultError);
    assert.match(e.message, /FileNotFound.*boom/);
  });
});
