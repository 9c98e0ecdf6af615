import assert from 'node:assert/strict';
import { parseXml, parseXmlFast, XmlError, NS_XSI, type XNode } from '../../../src/core/vsphere/xml';
import { decodeNode } from '../../../src/core/vsphere/decode';

const parsers: Array<[string, (x: string) => XNode]> = [['fast-xml-parser', parseXml], ['pull scanner', parseXmlFast]];

/** A RetrievePropertiesEx body shaped like vcsim writes it (per-value XMLSchema-instance prefix). */
export const VCSIM_STYLE = `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><RetrievePropertiesExResponse xmlns="urn:vim25"><returnval><objects><obj type="VirtualMachine">vm-42</obj><propSet><name>config.hardware.numCPU</name><val xmlns:XMLSchema-instance="http://www.w3.org/2001/XMLSchema-instance" XMLSchema-instance:type="xsd:int">4</val></propSet><propSet><name>name</name><val xmlns:XMLSchema-instance="http://www.w3.org/2001/XMLSchema-instance" XMLSchema-instance:type="xsd:string">db &amp; &#34;web&#34;&#xA;01</val></propSet><propSet><name>runtime.host</name><val xmlns:XMLSchema-instance="http://www.w3.org/2001/XMLSchema-instance" XMLSchema-instance:type="ManagedObjectReference" type="HostSystem">host-21</val></propSet><propSet><name>config.template</name><val xmlns:XMLSchema-instance="http://www.w3.org/2001/XMLSchema-instance" XMLSchema-instance:type="xsd:boolean">false</val></propSet></objects></returnval></RetrievePropertiesExResponse></soapenv:Body></soapenv:Envelope>`;

/** The same with vCenter's style: xsi prefix declared once on the envelope. */
export const VCENTER_STYLE = `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/"
 xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
 xmlns:xsd="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<soapenv:Body>
<RetrievePropertiesExResponse xmlns="urn:vim25"><returnval><objects><obj type="VirtualMachine">vm-42</obj><propSet><name>config.hardware.numCPU</name><val xsi:type="xsd:int">4</val></propSet><propSet><name>name</name><val xsi:type="xsd:string">db &amp; "web"
01</val></propSet><propSet><name>runtime.host</name><val type="HostSystem" xsi:type="ManagedObjectReference">host-21</val></propSet><propSet><name>config.template</name><val xsi:type="xsd:boolean">false</val></propSet></objects></returnval></RetrievePropertiesExResponse>
</soapenv:Body>
</soapenv:Envelope>`;

function vals(root: XNode): XNode[] {
  const out: XNode[] = [];
  const walk = (n: XNode): void => { if (n.name === 'val') out.push(n); n.children.forEach(walk); };
  walk(root);
  return out;
}

for (const [label, parse] of parsers) {
  describe(`vsphere xml (${label})`, () => {
    it('recognises the type attribute by namespace whatever the prefix (vcsim and vCenter shapes)', () => {
      for (const doc of [VCSIM_STYLE, VCENTER_STYLE]) {
        const v = vals(parse(doc));
        assert.deepEqual(v.map((n) => n.type), ['int', 'string', 'ManagedObjectReference', 'boolean']);
        assert.deepEqual(v.map((n) => decodeNode(n, 'anyType')), [4, 'db & "web"\n01', { type: 'HostSystem', value: 'host-21' }, false]);
      }
    });

    it('resolves element namespaces (default and prefixed)', () => {
      const root = parse(VCSIM_STYLE);
      assert.equal(root.name, 'Envelope');
      assert.equal(root.ns, 'http://schemas.xmlsoap.org/soap/envelope/');
      assert.equal(root.children[0].children[0].ns, 'urn:vim25');
    });

    it('an xsi: prefix bound to another namespace is not a type attribute; any prefix bound to XSI is', () => {
      const doc = `<a xmlns:xsi="urn:other" xmlns:q="${NS_XSI}"><b xsi:type="xsd:int">1</b><c q:type="xsd:int">2</c></a>`;
      const root = parse(doc);
      assert.equal(root.children[0].type, undefined);
      assert.equal(root.children[1].type, 'int');
    });

    it('decodes entities, numeric character references and CDATA; skips comments', () => {
      const root = parse('<a><b>&lt;x&gt; &#65;&#x42; <![CDATA[<raw>&amp;]]></b><!-- note --><c attr="&quot;q&apos;"/></a>');
      assert.equal(root.children[0].text, '<x> AB <raw>&amp;');
      assert.equal(root.children.length, 2);
      assert.deepEqual(root.children[1].attrs, { attr: '"q\'' });
    });

    it('rejects an undeclared prefix and mismatched tags', () => {
      assert.throws(() => parse('<a><p:b>1</p:b></a>'), XmlError);
      assert.throws(() => parse('<a><b>1</c></a>'), XmlError);
    });
  });
}

describe('vsphere xml: both readers agree', () => {
  it('produce identical trees for both envelope shapes', () => {
    for (const doc of [VCSIM_STYLE, VCENTER_STYLE]) assert.deepEqual(parseXmlFast(doc), parseXml(doc));
  });
  it('the pull scanner refuses DOCTYPE (no entity expansion)', () => {
    assert.throws(() => parseXmlFast('<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>'), XmlError);
  });
});
