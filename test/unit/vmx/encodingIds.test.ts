import assert from 'node:assert/strict';
import { hasNonAscii, isUtf8Name, isValidUtf8, vscodeEncodingId, VSCODE_ENCODING_IDS } from '../../../src/core/vmx/encodingIds';

describe('vmx .encoding names → VS Code encoding ids', () => {
  it('maps the names VMware writes (DOMAIN.md §4) to VS Code ids', () => {
    assert.equal(vscodeEncodingId('windows-1252'), 'windows1252');
    assert.equal(vscodeEncodingId('GBK'), 'gbk');
    assert.equal(vscodeEncodingId('Shift_JIS'), 'shiftjis');
    assert.equal(vscodeEncodingId('UTF-8'), 'utf8');
    assert.equal(vscodeEncodingId('ISO-8859-15'), 'iso885915');
    assert.equal(vscodeEncodingId(' windows-1251 '), 'windows1251');
  });

  it('maps common aliases and code-page numbers', () => {
    assert.equal(vscodeEncodingId('cp1252'), 'windows1252');
    assert.equal(vscodeEncodingId('latin1'), 'iso88591');
    assert.equal(vscodeEncodingId('Big5'), 'cp950');
    assert.equal(vscodeEncodingId('EUC-JP'), 'eucjp');
    assert.equal(vscodeEncodingId('cp936'), 'gbk');
  });

  it('gives undefined for names VS Code has no id for, and every mapped id is one VS Code knows', () => {
    assert.equal(vscodeEncodingId('x-klingon'), undefined);
    assert.equal(vscodeEncodingId(''), undefined);
    for (const n of ['windows-1252', 'GBK', 'Shift_JIS', 'cp1252', 'latin1', 'Big5', 'cp949', 'koi8', 'mac']) {
      assert.ok(VSCODE_ENCODING_IDS.includes(vscodeEncodingId(n)!), n);
    }
  });

  it('recognises UTF-8 names and UTF-8 bytes', () => {
    assert.ok(isUtf8Name('UTF-8') && isUtf8Name('utf8') && isUtf8Name('utf_8'));
    assert.ok(!isUtf8Name('windows-1252'));
    assert.ok(isValidUtf8(Buffer.from('Café\n', 'utf8')));
    assert.ok(!isValidUtf8(Buffer.from([0x43, 0x61, 0x66, 0xe9])), 'CP1252 é alone is not UTF-8');
  });
  it('tells ASCII-only text (the same bytes in every code page) from text that is not', () => {
    assert.equal(hasNonAscii('C:\\ISO\\plpbt.iso'), false);
    assert.equal(hasNonAscii('C:\\Images Réseau\\plpbt.iso'), true);
  });
});
