import assert from 'node:assert/strict';
import { editorEncodingId, hasNonAscii, isUtf8Name } from '../../../src/extension/usbBoot/editorEncoding';

describe('usb boot: the editor encoding for a declared .encoding', () => {
  it('maps VMware charset names to VS Code encoding ids', () => {
    assert.equal(editorEncodingId('windows-1252'), 'windows1252');
    assert.equal(editorEncodingId('Windows-1250'), 'windows1250');
    assert.equal(editorEncodingId('Shift_JIS'), 'shiftjis');
    assert.equal(editorEncodingId('GBK'), 'gbk');
    assert.equal(editorEncodingId('ISO-8859-1'), 'iso88591');
    assert.equal(editorEncodingId('cp1252'), 'windows1252');
    assert.equal(editorEncodingId('Big5'), 'cp950');
    assert.equal(editorEncodingId('EBCDIC-XYZ'), undefined);
  });
  it('recognises UTF-8 spellings and non-ASCII text', () => {
    assert.ok(isUtf8Name('UTF-8') && isUtf8Name('utf8') && !isUtf8Name('windows-1252'));
    assert.equal(hasNonAscii('C:\\ISO\\plpbt.iso'), false);
    assert.equal(hasNonAscii('C:\\Images Réseau\\plpbt.iso'), true);
  });
});
