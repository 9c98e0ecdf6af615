import assert from 'node:assert/strict';
import fc from 'fast-check';
import { NS_XSI, TagMemo, XmlEvent, XmlPull, parseXml, parseXmlFast } from '../../../src/core/vsphere/xml';
import { extractRetrieveResult, extractReturnvalRun, RetrieveMemo, RetrieveStream } from '../../../src/core/vsphere/property';
import { VCENTER_STYLE, VCSIM_STYLE } from './xml.test';

/** Every event the scanner reports, with what it sets (or the error it throws), as plain data. */
function events(xml: string, memo?: TagMemo | false): unknown[] {
  const out: unknown[] = [];
  try {
    const p = new XmlPull(xml, memo);
    for (;;) {
      const e = p.next();
      if (e === XmlEvent.Eof) break;
      out.push(e === XmlEvent.Start
        ? ['start', p.qname, p.name, p.ns, p.type ?? null, p.typeNs ?? null, p.attrs ? { ...p.attrs } : null, p.depth]
        : ['end', p.text, p.depth]);
    }
  } catch (e) {
    out.push(['error', (e as Error).name]);
  }
  return out;
}

/** With a memo (cold, then warm: every tag seen before) the events are those of the scanner reading every tag in full. */
function assertSameAsFull(xml: string): void {
  const full = events(xml, false);
  const memo = new TagMemo();
  assert.deepEqual(events(xml, memo), full, 'cold memo');
  assert.deepEqual(events(xml, memo), full, 'warm memo');
}

const ODD: Record<string, string> = {
  // the same tag text, the prefix bound to XSI in one place and to something else in another
  rebound: `<r xmlns:a="urn:1"><x a:type="xsd:int"/><s xmlns:a="${NS_XSI}"><x a:type="xsd:int"/><x a:type="xsd:int">1</x></s><x a:type="xsd:int"/></r>`,
  // the same declaring tag under parents with different bindings of the type's prefix
  declUnderOther: `<r xmlns:t="urn:t1"><v xmlns:i="${NS_XSI}" i:type="t:A">1</v><q xmlns:t="urn:t2"><v xmlns:i="${NS_XSI}" i:type="t:A">2</v></q><v xmlns:i="${NS_XSI}" i:type="t:A">3</v></r>`,
  // default namespace redeclared, undeclared, redeclared again
  defaultNs: '<r xmlns="urn:a"><e/><m xmlns="urn:b"><e/><n xmlns=""><e/></n><e/></m><e/></r>',
  // attributes in odd order, quotes of both kinds, blanks around '=', entities, '>' inside a value
  oddAttrs: `<r xmlns:x="${NS_XSI}"><v type = 'Host&amp;System' x:type="ManagedObjectReference">h</v><v x:type='ManagedObjectReference' type="HostSystem">h</v><v a="1>2" x:type="xsd:int">3</v><v a="1>2" x:type="xsd:int">3</v></r>`,
  cdataEntities: '<r><a>x &lt;&#65;&#x42;&gt; <![CDATA[<b>&amp;</b>]]> y</a><!-- <a> --><a>x &lt;&#65;&#x42;&gt; <![CDATA[<b>&amp;</b>]]> y</a><?pi <a>?></r>',
  selfClosing: '<r><a/><a /><a></a><a/><b x="1"/><b x="1"/></r>',
  endBlanks: '<r><a>1</a ><a>2</a\n><a>3</a></r>',
  mismatched: '<r><a>1</a><a>2</b></r>',
  mismatchedPrefix: '<r xmlns:p="urn:p"><p:a>1</p:a><p:a>2</a></r>',
  undeclared: '<r><p:a/><s xmlns:p="urn:p"><p:a/></s><p:a/></r>',
  unterminated: '<r><a x="1">',
  vcsim: VCSIM_STYLE,
  vcenter: VCENTER_STYLE,
};

describe('vsphere xml: memo of start tags (fast path) against every tag read in full', () => {
  for (const [name, xml] of Object.entries(ODD)) {
    it(`the same events, cold and warm (${name})`, () => assertSameAsFull(xml));
  }

  it('the memo of one document does not leak bindings into another (shared memo)', () => {
    const memo = new TagMemo();
    const a = `<r xmlns:a="${NS_XSI}"><x a:type="xsd:int"/></r>`;
    const b = '<r xmlns:a="urn:other"><x a:type="xsd:int"/></r>';
    assert.deepEqual(events(a, memo), events(a, false));
    assert.deepEqual(events(b, memo), events(b, false));
    assert.deepEqual(events(a, memo), events(a, false));
    const typeOfX = (evs: unknown[]): unknown => (evs[1] as unknown[])[4];
    assert.equal(typeOfX(events(a, memo)), 'int');
    assert.equal(typeOfX(events(b, memo)), null);
  });

  it('a run read apart in an element\'s context reads as inside it; a context from another memo never matches that memo\'s entries', () => {
    const m1 = new TagMemo();
    const outer = new XmlPull(`<r xmlns:a="${NS_XSI}"><x a:type="xsd:int">1</x></r>`, m1);
    outer.next();
    const ctx = outer.context();
    const run = '<x a:type="xsd:int">1</x><x a:type="xsd:int">2</x>';
    const typeIn = (memo: TagMemo): unknown => { const p = new XmlPull(run, memo, ctx); p.next(); return p.type; };
    assert.equal(typeIn(m1), 'int');
    // a memo whose first declaring scope holds `a` bound elsewhere, and the same tag text in it
    const m2 = new TagMemo();
    assert.deepEqual(events('<y xmlns:a="urn:other"><x a:type="xsd:int">1</x></y>', m2)[1], ['start', 'x', 'x', '', null, null, null, 2]);
    assert.equal(typeIn(m2), 'int');
  });

  it('a document of tags all different turns the memo off (it would only cost), and reads the same', () => {
    const xml = '<r>' + Array.from({ length: 3000 }, (_, i) => `<e k="${i}">t</e>`).join('') + '<e k="0">t</e></r>';
    const memo = new TagMemo();
    assert.deepEqual(events(xml, memo), events(xml, false));
    assert.equal(memo.off, true);
    const repeated = '<r>' + '<e k="0">t</e>'.repeat(3000) + '</r>';
    const warm = new TagMemo();
    assert.deepEqual(events(repeated, warm), events(repeated, false));
    assert.equal(warm.off, false);
  });

  it('attributes handed out from the memo cannot be changed by a reader', () => {
    const memo = new TagMemo();
    const xml = '<r><o type="VirtualMachine">vm-1</o><o type="VirtualMachine">vm-2</o></r>';
    const p = new XmlPull(xml, memo);
    p.next();
    p.next();
    assert.throws(() => { (p.attrs as Record<string, string>).type = 'x'; }, TypeError);
    assert.equal(p.attrs?.type, 'VirtualMachine');
  });

  it('parseXmlFast (with its memo) and fast-xml-parser agree on repeated odd tags', () => {
    for (const name of ['rebound', 'declUnderOther', 'defaultNs', 'oddAttrs', 'cdataEntities', 'selfClosing', 'vcsim', 'vcenter']) {
      assert.deepEqual(parseXmlFast(ODD[name]), parseXml(ODD[name]), name);
    }
  });

  it('random documents: the memo never changes what is read (tags repeated under changing bindings)', () => {
    const prefix = fc.constantFrom('', 'a', 'b');
    const uri = fc.constantFrom('urn:1', NS_XSI, '');
    const attr = fc.record({ p: prefix, local: fc.constantFrom('type', 'k'), v: fc.constantFrom('xsd:int', 'a:T', 'b:U', 'x&amp;y', '1>2') });
    const tag = fc.record({
      p: prefix, local: fc.constantFrom('v', 'w'),
      decls: fc.array(fc.record({ p: prefix, u: uri }), { maxLength: 2 }),
      attrs: fc.array(attr, { maxLength: 2 }),
    });
    type Tree = { t: { p: string; local: string; decls: Array<{ p: string; u: string }>; attrs: Array<{ p: string; local: string; v: string }> }; kids: Tree[]; text: string };
    const text = fc.constantFrom('', 'x', '&lt;');
    let tree: fc.Arbitrary<Tree> = fc.record({ t: tag, kids: fc.constant([]), text });
    for (let depth = 0; depth < 3; depth++) tree = fc.record({ t: tag, kids: fc.array(tree, { maxLength: 3 }), text });
    const write = (n: Tree): string => {
      const q = n.t.p ? `${n.t.p}:${n.t.local}` : n.t.local;
      const seen = new Set<string>();
      const decls = n.t.decls.filter((d) => !seen.has('xmlns:' + d.p) && seen.add('xmlns:' + d.p) && !(d.p !== '' && d.u === ''))
        .map((d) => (d.p ? ` xmlns:${d.p}="${d.u}"` : ` xmlns="${d.u}"`)).join('');
      const attrs = n.t.attrs.filter((a) => { const k = (a.p ? a.p + ':' : '') + a.local; return !seen.has(k) && seen.add(k); })
        .map((a) => ` ${a.p ? a.p + ':' : ''}${a.local}="${a.v}"`).join('');
      return n.kids.length === 0 && n.text === '' ? `<${q}${decls}${attrs}/>` : `<${q}${decls}${attrs}>${n.text}${n.kids.map(write).join('')}</${q}>`;
    };
    fc.assert(fc.property(tree, tree, (x, y) => {
      const xml = `<root xmlns:a="urn:1" xmlns:b="${NS_XSI}">${write(x)}${write(y)}${write(x)}</root>`;
      assertSameAsFull(xml);
    }), { numRuns: 400 });
  });
});

describe('vsphere: RetrievePropertiesEx fast path (memo, property-name keys) against the general path', () => {
  const HEAD = `<?xml version="1.0" encoding="UTF-8"?>\n<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="${NS_XSI}"><soapenv:Body><RetrievePropertiesExResponse xmlns="urn:vim25"><returnval>`;
  const TAIL = '</returnval></RetrievePropertiesExResponse></soapenv:Body></soapenv:Envelope>';
  const val = (t: string, v: string, extra = ''): string => `<val xmlns:XMLSchema-instance="${NS_XSI}" XMLSchema-instance:type="${t}"${extra}>${v}</val>`;
  const obj = (i: number): string => `<objects><obj type="VirtualMachine">vm-${i}</obj>`
    + `<propSet><name>name</name>${val('xsd:string', `VM ${i} «é» &amp; <![CDATA[<x>]]>`)}</propSet>`
    + `<propSet><name>config.hardware.numCPU</name>${val('xsd:int', String(i))}</propSet>`
    + `<propSet><name>runtime.host</name>${val('ManagedObjectReference', `host-${i}`, ' type="HostSystem"')}</propSet>`
    // the same tag text with the prefix bound elsewhere: not a type attribute there
    + `<propSet><name>odd</name><val xmlns:XMLSchema-instance="urn:not-xsi" XMLSchema-instance:type="xsd:int">0${i}</val></propSet>`
    + `<propSet><name>config.template</name><val type="x" xsi:type="xsd:boolean">false</val></propSet></objects>`;
  const whole = HEAD + '<token>t-1</token>' + [0, 1, 2, 3].map(obj).join('') + TAIL;

  it('the same objects with and without the memo, and from a stream cut at every single position', () => {
    const general = extractRetrieveResult(whole, undefined, new RetrieveMemo(false));
    assert.ok(general && general.objects.length === 4);
    assert.deepEqual(general.objects[1].props, { name: 'VM 1 «é» & <x>', 'config.hardware.numCPU': 1, 'runtime.host': { type: 'HostSystem', value: 'host-1' }, odd: '01', 'config.template': false });
    assert.deepEqual(extractRetrieveResult(whole), general);
    for (let cut = 0; cut <= whole.length; cut++) {
      const s = new RetrieveStream();
      s.push(whole.slice(0, cut));
      s.push(whole.slice(cut));
      assert.deepEqual(s.result(() => whole), general, `cut at ${cut}`);
    }
  });

  it('a run that is not a sequence of whole elements is refused (then the whole text is read)', () => {
    const ctx = (() => { const p = new XmlPull(HEAD + TAIL); for (let k = 0; k < 4; k++) p.next(); return p.context(); })();
    const one = obj(1);
    assert.equal(extractReturnvalRun(one + one, ctx)?.objects.length, 2);
    const refused = (run: string): boolean => { try { return extractReturnvalRun(run, ctx) === undefined; } catch { return true; } };
    assert.ok(refused(one + one.slice(0, 40)));
    assert.ok(refused(one + '</returnval>'));
    assert.ok(refused('<!-- ' + one));
    assert.ok(!refused(one + '<!-- a comment -->' + one));
  });

  it('a stream fed one character at a time reads the same', () => {
    const s = new RetrieveStream();
    for (const ch of whole) s.push(ch);
    assert.deepEqual(s.result(() => whole), extractRetrieveResult(whole, undefined, new RetrieveMemo(false)));
  });

  it('property names are keys equal to the names in the text, however many there are', () => {
    const many = HEAD + Array.from({ length: 300 }, (_, i) => `<objects><obj type="VirtualMachine">vm-${i}</obj><propSet><name>p${i}</name>${val('xsd:int', String(i))}</propSet><propSet><name>name</name>${val('xsd:string', 'n')}</propSet></objects>`).join('') + TAIL;
    const r = extractRetrieveResult(many)!;
    assert.deepEqual(r, extractRetrieveResult(many, undefined, new RetrieveMemo(false)));
    assert.deepEqual(r.objects[299].props, { p299: 299, name: 'n' });
  });
});
