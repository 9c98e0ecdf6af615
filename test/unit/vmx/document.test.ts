import assert from 'node:assert/strict';
import * as iconv from 'iconv-lite';
import { VmxDocument, VmxDuplicateKeyError, VmxEncodingError, parseLine } from '../../../src/core/vmx/document';
import { escapeValue, unescapeValue, codecFor } from '../../../src/core/vmx/encoding';
import { applyTextEdits } from '../../../src/core/vmx/edit';
import { fixture, fixtureNames } from './helpers';

const doc = (s: string) => VmxDocument.parse(Buffer.from(s, 'utf8'));
const text = (d: VmxDocument) => Buffer.from(d.serialize()).toString('utf8');

describe('vmx document: round trip', () => {
  const names = fixtureNames();
  it('has the fixtures the suite expects', () => {
    for (const n of ['ws71-plop.vmx', 'esx41-w2k8r2.vmx', 'fusion-win7.vmx', 'ws-windows-crlf.vmx', 'cp1252-annotation.vmx', 'bom-utf8.vmx', 'dup-case.vmx', 'garbage.vmx']) {
      assert.ok(names.includes(n), n);
    }
  });
  for (const name of names) {
    it(`${name}: serialize(parse(bytes)) is byte-identical`, () => {
      const bytes = fixture(name);
      const d = VmxDocument.parse(bytes);
      assert.ok(Buffer.from(d.serialize()).equals(bytes));
      // and through the editor path: decoded text → document → text
      assert.equal(VmxDocument.fromText(d.toText()).toText(), d.toText());
    });
  }

  it('keeps CRLF, mixed breaks, lone CR, missing final newline, trailing blanks', () => {
    for (const s of ['a = "1"\r\nb = "2"\n\n  \r\nc = "3"', 'x\r\r\n\r', '\n\n\n', '', 'k = "v"   \t', '#c\r']) {
      assert.equal(text(doc(s)), s);
    }
  });

  it('splits lines as VS Code does (CRLF, LF, lone CR)', () => {
    const d = doc('a = "1"\r\nb = "2"\rc = "3"\nd');
    assert.deepEqual(d.lines.map((l) => [l.text, l.eol]), [['a = "1"', '\r\n'], ['b = "2"', '\r'], ['c = "3"', '\n'], ['d', '']]);
  });
});

describe('vmx document: line kinds and spans', () => {
  it('classifies entries, comments, blanks and invalid lines', () => {
    const d = VmxDocument.parse(fixture('garbage.vmx'));
    const kinds = d.lines.map((l) => `${l.kind}${l.reason ? ':' + l.reason : ''}`);
    assert.deepEqual(kinds.slice(0, 10), [
      'entry', 'entry', 'blank', 'entry', 'invalid:missing-equals', 'invalid:missing-equals', 'invalid:missing-key',
      'invalid:unterminated-quote', 'invalid:trailing-text', 'invalid:trailing-text',
    ]);
    assert.equal(d.lines[d.lineCount - 1].kind, 'comment');
    assert.equal(d.lines[d.lineCount - 1].eol, '');
  });

  it('gives key and value spans in UTF-16 columns of the decoded line', () => {
    const l = parseLine('  ide1:0.fileName\t=  "𝄞 café.iso"  # note');
    assert.equal(l.kind, 'entry');
    assert.deepEqual(l.keySpan, { start: 2, end: 17 });
    assert.equal(l.text.slice(l.valueStart, l.valueEnd), '𝄞 café.iso');
    assert.equal(l.valueStart, 22);
    assert.equal(l.valueEnd, 22 + '𝄞 café.iso'.length);
    assert.equal(l.commentStart, l.text.indexOf('#'));
    assert.equal(l.quoted, true);
  });

  it('converts columns to byte offsets in the file encoding', () => {
    const d = VmxDocument.parse(fixture('cp1252-annotation.vmx'));
    const i = d.find('displayName')[0];
    const l = d.line(i);
    // "Serveur de démo": é is one byte in windows-1252, so bytes == chars here
    assert.equal(d.byteColumn(i, l.valueEnd), l.valueEnd);
    const u = doc('displayName = "démo"');
    assert.equal(u.byteColumn(0, u.line(0).valueEnd), u.line(0).valueEnd + 1);
  });

  it('follows VMware grammar: unquoted values, empty values, quotes inside unquoted values', () => {
    assert.equal(parseLine('a = b"c').kind, 'entry');
    assert.equal(parseLine('a = b"c').rawValue, 'b"c');
    assert.equal(parseLine('a =').rawValue, '');
    assert.equal(parseLine('a = # c').rawValue, '');
    assert.equal(parseLine('a="x"#c').kind, 'entry');
    assert.equal(parseLine('a = "x"y').reason, 'trailing-text');
    assert.equal(parseLine('"quoted"key = "v"').key, '"quoted"key');
  });
});

describe('vmx document: get, entries, duplicates', () => {
  it('looks keys up case-insensitively', () => {
    const d = VmxDocument.parse(fixture('esx41-w2k8r2.vmx'));
    assert.equal(d.get('disk.enableuuid'), 'TRUE');
    assert.equal(d.get('DISK.ENABLEUUID'), 'TRUE');
    assert.equal(d.get('scsi0:1.mode'), 'independent-persistent');
    assert.equal(d.get('nope'), undefined);
    assert.equal(d.has('GuestOS'), true);
  });

  it('undoes |XX escapes, either hex case, leaves a lone | alone', () => {
    const d = VmxDocument.parse(fixture('fusion-win7.vmx'));
    assert.equal(d.get('annotation'), 'Lab build 2011-03\r\nOwner: "ops" | do not delete');
    assert.equal(unescapeValue('a|7cb|7Cc|zz|4'), 'a|b|c|zz|4');
    assert.equal(unescapeValue('|C3|A9', codecFor('UTF-8')), 'é');
    assert.equal(unescapeValue('|E9', codecFor('windows-1252')), 'é');
  });

  it('escapes only ", |, DEL and control characters but TAB, upper-case hex', () => {
    assert.equal(escapeValue('a"b|c\r\n\td\u007f\u0001é'), 'a|22b|7Cc|0D|0A\td|7F|01é');
  });

  it('decodes windows-1252, GBK and Shift_JIS values', () => {
    const cp = VmxDocument.parse(fixture('cp1252-annotation.vmx'));
    assert.equal(cp.encoding, 'windows-1252');
    assert.equal(cp.codec.kind, 'iconv');
    assert.equal(cp.get('annotation'), "Café Müller — poste de test\r\nRéservé à l'équipe");
    assert.equal(VmxDocument.parse(fixture('gbk-chinese.vmx')).get('annotation'), '数据库\r\n备份');
    // ポ is 83 7C in Shift_JIS: its trail byte is "|" but it is not an escape
    assert.equal(VmxDocument.parse(fixture('sjis-trail-pipe.vmx')).get('displayName'), 'ポ41 テスト');
  });

  it('reads a BOM file as UTF-8 and remembers the BOM', () => {
    const d = VmxDocument.parse(fixture('bom-utf8.vmx'));
    assert.equal(d.bom, true);
    assert.equal(d.line(0).key, '.encoding');
    assert.equal(d.get('displayName'), 'Prüfstand – Übung');
  });

  it('keeps bytes that are not valid in the encoding (per line)', () => {
    const d = VmxDocument.parse(fixture('garbage.vmx'));
    const bad = d.lines.filter((l) => l.raw);
    assert.equal(bad.length, 1);
    assert.equal(bad[0].key, 'broken');
    // the other lines are still decoded
    assert.equal(d.get('config.version'), '8');
  });

  it('treats an unknown encoding as latin1 so every byte survives', () => {
    const bytes = Buffer.concat([Buffer.from('.encoding = "x-mystery"\nname = "'), Buffer.from([0xff, 0x80, 0x7c, 0x41]), Buffer.from('"\n')]);
    const d = VmxDocument.parse(bytes);
    assert.equal(d.codec.kind, 'binary');
    assert.ok(Buffer.from(d.serialize()).equals(bytes));
    d.set('other', 'x');
    assert.ok(Buffer.from(d.serialize()).subarray(0, bytes.length).equals(bytes));
  });

  it('lists entries and duplicate groups with line numbers', () => {
    const d = VmxDocument.parse(fixture('dup-case.vmx'));
    assert.deepEqual(d.duplicates(), [
      { key: 'memsize', lines: [3, 8] },
      { key: 'ethernet0.present', lines: [5, 9] },
      { key: 'ethernet0.virtualdev', lines: [6, 10] },
    ]);
    const e = d.entries();
    assert.equal(e.length, 12);
    assert.equal(e[8].key, 'memSize');
    assert.equal(e[8].value, '2048');
    assert.equal(e[8].line, 8);
  });
});

describe('vmx document: set and unset', () => {
  it('replaces only the value of an existing key and keeps its spacing and quoting', () => {
    const src = 'a = "1"\nMemSize\t=  "512"   # ram\nc = 3\n';
    const d = doc(src);
    d.set('memsize', '1024');
    assert.equal(text(d), 'a = "1"\nMemSize\t=  "1024"   # ram\nc = 3\n');
    d.set('c', '4');
    assert.equal(text(d), 'a = "1"\nMemSize\t=  "1024"   # ram\nc = 4\n');
    d.set('c', 'two words');
    assert.equal(text(d), 'a = "1"\nMemSize\t=  "1024"   # ram\nc = "two words"\n');
  });

  it('escapes on set and reads back the same value', () => {
    const d = doc('annotation = ""\n');
    const v = 'line 1\r\nsays "hi" | bye\ttab';
    d.set('annotation', v);
    assert.equal(text(d), 'annotation = "line 1|0D|0Asays |22hi|22 |7C bye\ttab"\n');
    assert.equal(doc(text(d)).get('annotation'), v);
  });

  it('inserts a new key after its device, else its controller, else at the end', () => {
    const d = VmxDocument.parse(fixture('ws71-plop.vmx'));
    const before = d.lines.map((l) => l.text);
    d.set('ide1:0.clientDevice', 'FALSE');
    const at = d.find('ide1:0.clientDevice')[0];
    assert.equal(d.line(at - 1).key, 'ide1:0.startConnected');
    d.set('ide1:1.present', 'FALSE');
    assert.equal(d.line(d.find('ide1:1.present')[0] - 1).key, 'ide1:0.clientDevice');
    d.set('scsi0:2.present', 'TRUE');
    assert.equal(d.line(d.find('scsi0:2.present')[0] - 1).key, 'scsi0.pciSlotNumber');
    d.set('disk.EnableUUID', 'TRUE');
    assert.equal(d.find('disk.EnableUUID')[0], d.lineCount - 1);
    // nothing else moved or changed
    const after = d.lines.map((l) => l.text).filter((t) => !/^(ide1:0\.clientDevice|ide1:1\.present|scsi0:2\.present|disk\.EnableUUID) /.test(t));
    assert.deepEqual(after, before);
  });

  it('uses the file line ending and keeps a missing final newline missing', () => {
    const bytes = fixture('ws-windows-crlf.vmx');
    const d = VmxDocument.parse(bytes);
    d.set('ehci.present', 'TRUE');
    const out = Buffer.from(d.serialize()).toString('latin1');
    assert.equal(out, bytes.toString('latin1') + '\r\nehci.present = "TRUE"');
    d.set('usb:0.present', 'TRUE');
    assert.ok(Buffer.from(d.serialize()).toString('latin1').includes('usb.present = "TRUE"\r\nusb:0.present = "TRUE"\r\n'));
  });

  it('round-trips a windows-1252 value through set', () => {
    const d = VmxDocument.parse(fixture('cp1252-annotation.vmx'));
    d.set('displayName', 'Süß — «prod»');
    const bytes = Buffer.from(d.serialize());
    assert.ok(bytes.includes(iconv.encode('displayName = "Süß — «prod»"\r\n', 'windows-1252')));
    assert.equal(VmxDocument.parse(bytes).get('displayName'), 'Süß — «prod»');
    assert.throws(() => d.set('displayName', '测试'), VmxEncodingError);
    assert.equal(VmxDocument.parse(Buffer.from(d.serialize())).get('displayName'), 'Süß — «prod»');
  });

  it('refuses to set a key that is duplicated', () => {
    const d = VmxDocument.parse(fixture('dup-case.vmx'));
    assert.throws(() => d.set('MEMSIZE', '1'), VmxDuplicateKeyError);
  });

  it('unset removes every occurrence and only those lines', () => {
    const d = VmxDocument.parse(fixture('dup-case.vmx'));
    const src = fixture('dup-case.vmx').toString();
    assert.equal(d.unset('memsize'), 2);
    assert.equal(text(d), src.replace('memsize = "1024"\n', '').replace('memSize = "2048"\n', ''));
    assert.equal(d.unset('memsize'), 0);
  });

  it('unset of a last line without newline keeps the file without final newline', () => {
    const d = doc('a = "1"\r\nb = "2"');
    d.unset('b');
    assert.equal(text(d), 'a = "1"');
  });

  it('edits a line holding undecodable bytes without touching them', () => {
    const d = VmxDocument.parse(fixture('garbage.vmx'));
    d.set('broken', 'fixed');
    const out = Buffer.from(d.serialize());
    assert.ok(out.includes(Buffer.from('broken = "fixed"\n')));
  });
});

describe('vmx document: planEdits', () => {
  const changes = [
    { key: 'ide1:0.fileName', value: 'C:\\iso\\plpbt.iso' },
    { key: 'memsize', value: '2048' },
    { key: 'ehci.present', value: 'TRUE' },
    { key: 'workingDir', value: undefined },
  ];

  it('gives edits that, applied to the text, equal applying the changes', () => {
    for (const name of ['ws71-plop.vmx', 'ws-windows-crlf.vmx', 'esx41-w2k8r2.vmx', 'bom-utf8.vmx']) {
      const d = VmxDocument.parse(fixture(name));
      const edits = d.planEdits(changes);
      const viaEdits = applyTextEdits(d.toText(), edits);
      const after = d.clone();
      after.apply(changes);
      assert.equal(viaEdits, after.toText(), name);
      // the original document is unchanged
      assert.ok(Buffer.from(d.serialize()).equals(fixture(name)));
    }
  });

  it('replaces only the characters of a changed value', () => {
    const d = doc('a = "1"\nmemsize = "512"\n');
    assert.deepEqual(d.planEdits([{ key: 'memsize', value: '1024' }]), [
      { range: { start: { line: 1, character: 11 }, end: { line: 1, character: 14 } }, newText: '1024' },
    ]);
  });

  it('inserts a whole line for a new key', () => {
    const d = doc('ide1:0.present = "TRUE"\nmemsize = "512"\n');
    assert.deepEqual(d.planEdits([{ key: 'ide1:0.fileName', value: 'x.iso' }]), [
      { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, newText: 'ide1:0.fileName = "x.iso"\n' },
    ]);
  });

  it('returns no edits when nothing changes', () => {
    const d = doc('a = "1"\n');
    assert.deepEqual(d.planEdits([{ key: 'a', value: '1' }, { key: 'zz', value: undefined }]), []);
  });
});
