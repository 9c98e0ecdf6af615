import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { extractRetrieveResult, RetrieveStream } from '../../../src/core/vsphere/property';

const HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><RetrievePropertiesExResponse xmlns="urn:vim25"><returnval>';
const TAIL = '</returnval></RetrievePropertiesExResponse></soapenv:Body></soapenv:Envelope>';

function vm(i: number, extra = ''): string {
  return `<objects><obj type="VirtualMachine">vm-${i}</obj><propSet><name>name</name><val xsi:type="xsd:string">VM ${i} «é» &amp; co</val></propSet>`
    + `<propSet><name>runtime.host</name><val xsi:type="ManagedObjectReference" type="HostSystem">host-${i % 7}</val></propSet>${extra}</objects>`;
}

/** Feeds `whole` to a RetrieveStream cut at `cuts` (the way chunks arrive) and returns its result. */
function streamed(whole: string, cuts: number[]): unknown {
  const s = new RetrieveStream();
  let at = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    s.push(whole.slice(at, c));
    at = c;
  }
  s.push(whole.slice(at));
  return s.result(() => whole);
}

describe('vsphere: RetrievePropertiesEx read while it streams', () => {
  const docs: Record<string, string> = {
    plain: HEAD + Array.from({ length: 40 }, (_, i) => vm(i)).join('') + TAIL,
    token: HEAD + '<token>tok-1</token>' + Array.from({ length: 10 }, (_, i) => vm(i)).join('') + TAIL,
    missingSet: HEAD + vm(1, '<missingSet><path>config</path><fault><fault xsi:type="NoPermission"></fault><localizedMessage>no</localizedMessage></fault></missingSet>') + vm(2) + TAIL,
    // a value holding an element named "objects": a cut there is not between objects
    nestedObjects: HEAD + vm(1) + '<objects><obj type="X">x-1</obj><propSet><name>p</name><val xsi:type="Thing"><objects>inner</objects><more>1</more></val></propSet></objects>' + vm(3) + TAIL,
    prefixed: HEAD.replace('<returnval>', '<vim:returnval xmlns:vim="urn:vim25">') + vm(1).replace(/objects>/g, 'vim:objects>') + TAIL.replace('</returnval>', '</vim:returnval>'),
    fault: '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><soapenv:Fault><faultcode>x</faultcode></soapenv:Fault></soapenv:Body></soapenv:Envelope>',
    header: HEAD.replace('<soapenv:Body>', '<soapenv:Header><x/></soapenv:Header><soapenv:Body>') + vm(1) + TAIL,
    emptyReturnval: HEAD.replace('<returnval>', '<returnval/>') + TAIL.replace('</returnval>', ''),
  };

  for (const [name, whole] of Object.entries(docs)) {
    it(`gives exactly what the whole-text reader gives, however the text is cut (${name})`, () => {
      const expected = extractRetrieveResult(whole);
      assert.deepEqual(streamed(whole, []), expected);
      fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: whole.length }), { maxLength: 12 }), (cuts) => {
        assert.deepEqual(streamed(whole, cuts), expected);
      }), { numRuns: 300 });
    });
  }

  it('reads the objects as the runs arrive, before the end', () => {
    const whole = docs.plain;
    const s = new RetrieveStream();
    s.push(whole.slice(0, whole.length >> 1));
    assert.ok((s as unknown as { objects: unknown[] }).objects.length > 10);
    s.push(whole.slice(whole.length >> 1));
    assert.equal(s.result(() => whole)?.objects.length, 40);
  });
});
