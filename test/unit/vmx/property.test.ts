import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as iconv from 'iconv-lite';
import { VmxDocument } from '../../../src/core/vmx/document';
import { applyTextEdits } from '../../../src/core/vmx/edit';
import { escapeValue, unescapeValue, codecFor } from '../../../src/core/vmx/encoding';

const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

// Pieces that make .vmx-looking lines, including the awkward ones.
const keyArb = fc.constantFrom('memsize', 'MemSize', 'ide1:0.fileName', 'scsi0:1.mode', '.encoding', 'annotation', 'a', 'k=', '#x', '');
const valueArb = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', ' ', '"', '|', '#', '=', '\t', 'é', '7', 'C', '\u00ff', '测', '𝄞') , maxLength: 8 }),
  fc.constantFrom('TRUE', '|22', '|0D|0A', 'UTF-8', 'windows-1252', 'GBK', 'Shift_JIS'),
);
const wsArb = fc.constantFrom('', ' ', '\t', '  ');
const lineArb = fc.oneof(
  fc.tuple(wsArb, keyArb, wsArb, wsArb, valueArb, fc.boolean(), fc.boolean(), wsArb).map(([w1, k, w2, w3, v, q, close, w4]) =>
    `${w1}${k}${w2}=${w3}${q ? '"' : ''}${v}${q && close ? '"' : ''}${w4}`,
  ),
  fc.constantFrom('', '   ', '# comment', '\t# indented', 'garbage line', '= "x"', 'key "v"', '\u0000'),
  fc.string({ maxLength: 12 }),
);
const eolArb = fc.constantFrom('\n', '\r\n', '\r');
const docTextArb = fc
  .tuple(fc.array(fc.tuple(lineArb, eolArb), { maxLength: 25 }), fc.boolean(), fc.boolean())
  .map(([ls, finalBreak, bom]) => {
    let s = ls.map(([l, e]) => l + e).join('');
    if (!finalBreak && ls.length) s = s.slice(0, s.length - ls[ls.length - 1][1].length);
    return (bom ? '\uFEFF' : '') + s;
  });

describe('vmx document: properties', () => {
  it('parse∘serialize is the identity on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => same(VmxDocument.parse(bytes).serialize(), bytes)),
      { numRuns: 2000 },
    );
  });

  it('parse∘serialize is the identity on arbitrary bytes that look like lines', () => {
    const byteLine = fc.uint8Array({ maxLength: 30 }).chain((b) =>
      fc.constantFrom('\n', '\r\n', '\r', '').map((e) => Buffer.concat([Buffer.from(b), Buffer.from(e)])),
    );
    fc.assert(
      fc.property(fc.array(byteLine, { maxLength: 20 }), fc.constantFrom('', '.encoding = "windows-1252"\n', '.encoding = "GBK"\r\n', '.encoding = "Shift_JIS"\n', '.encoding = "nope"\n'), (ls, head) => {
        const bytes = Buffer.concat([Buffer.from(head), ...ls]);
        return same(VmxDocument.parse(bytes).serialize(), bytes);
      }),
      { numRuns: 1000 },
    );
  });

  it('parse∘serialize is the identity on line-structured text in several encodings', () => {
    fc.assert(
      fc.property(docTextArb, fc.constantFrom('utf8', 'windows-1252', 'gbk', 'shift_jis'), (s, enc) => {
        const head = enc === 'utf8' ? '' : `.encoding = "${enc}"\n`;
        const bytes = iconv.encode(head + s, enc);
        const d = VmxDocument.parse(bytes);
        if (!same(d.serialize(), bytes)) return false;
        // the editor path too
        return VmxDocument.fromText(head + s).toText() === (head + s).replace(/^\uFEFF/, '');
      }),
      { numRuns: 1000 },
    );
  });

  it('line count and kinds agree with a line split the way VS Code splits', () => {
    fc.assert(
      fc.property(docTextArb, (s) => {
        const body = s.replace(/^\uFEFF/, '');
        const d = VmxDocument.fromText(s);
        const expected = body === '' ? [] : body.split(/\r\n|\n|\r/);
        if (/(\r\n|\n|\r)$/.test(body)) expected.pop();
        assert.deepEqual(d.lines.map((l) => l.text), expected);
      }),
      { numRuns: 500 },
    );
  });

  it('escape then unescape gives the value back', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (v) => unescapeValue(escapeValue(v), codecFor('UTF-8')) === v),
      { numRuns: 1000 },
    );
  });

  it('set then get gives the value back, and changes nothing else', () => {
    fc.assert(
      fc.property(docTextArb, keyArb.filter((k) => /^[^\s=#]+$/.test(k) && k !== '.encoding'), fc.string({ unit: 'grapheme', maxLength: 20 }), (s, key, value) => {
        const d = VmxDocument.fromText(s);
        if (d.find(key).length > 1) return true;
        const before = d.toText();
        const edits = d.planEdits([{ key, value }]);
        const copy = d.clone();
        copy.set(key, value);
        assert.equal(copy.get(key), value);
        assert.equal(applyTextEdits(before, edits), copy.toText());
        // unset then restores the other lines: every other line's text is still there, in order
        const others = d.lines.filter((l) => l.kind !== 'entry' || l.key?.toLowerCase() !== key.toLowerCase()).map((l) => l.text);
        copy.unset(key);
        const rest = copy.lines.map((l) => l.text);
        assert.deepEqual(rest.filter((t) => others.includes(t)).length, rest.length);
        assert.equal(copy.get(key), undefined);
        return true;
      }),
      { numRuns: 500 },
    );
  });
});
