/**
 * The VS Code encoding id for a `.vmx`'s declared `.encoding` (VMware writes charset names such as
 * "windows-1252", "Shift_JIS", "GBK"; VS Code's ids are its picker's names without separators:
 * windows1252, shiftjis, gbk — the table of VS Code 1.100's SUPPORTED_ENCODINGS). Pure.
 */

/** VS Code 1.100's encoding ids (those a .vmx may declare). */
const IDS = new Set([
  'utf8', 'utf16le', 'utf16be',
  'windows1250', 'windows1251', 'windows1252', 'windows1253', 'windows1254', 'windows1255', 'windows1256', 'windows1257', 'windows1258', 'windows874',
  'iso88591', 'iso88592', 'iso88593', 'iso88594', 'iso88595', 'iso88596', 'iso88597', 'iso88598', 'iso88599',
  'iso885910', 'iso885911', 'iso885913', 'iso885914', 'iso885915', 'iso885916',
  'cp437', 'cp850', 'cp852', 'cp865', 'cp866', 'cp950', 'cp1125',
  'koi8r', 'koi8u', 'koi8ru', 'koi8t', 'macroman',
  'gbk', 'gb18030', 'gb2312', 'big5hkscs', 'shiftjis', 'eucjp', 'euckr',
]);

/** Other spellings (IANA aliases, Windows code-page numbers). */
const ALIASES: Record<string, string> = {
  latin1: 'iso88591', cp1250: 'windows1250', cp1251: 'windows1251', cp1252: 'windows1252', cp1253: 'windows1253',
  cp1254: 'windows1254', cp1255: 'windows1255', cp1256: 'windows1256', cp1257: 'windows1257', cp1258: 'windows1258',
  cp874: 'windows874', sjis: 'shiftjis', cp932: 'shiftjis', windows31j: 'shiftjis', cp936: 'gbk', big5: 'cp950',
  cp949: 'euckr', macintosh: 'macroman', ibm437: 'cp437', ibm850: 'cp850', ibm852: 'cp852', ibm866: 'cp866',
};

function squash(name: string): string {
  return name.trim().toLowerCase().replace(/[-_.\s]/g, '');
}

export function isUtf8Name(name: string): boolean {
  return squash(name) === 'utf8';
}

/** `windows-1252` → `windows1252`; undefined when VS Code cannot decode that encoding. */
export function editorEncodingId(declared: string): string | undefined {
  const s = squash(declared);
  return IDS.has(s) ? s : ALIASES[s];
}

/** True when `text` has characters outside ASCII (which the byte encodings disagree on). */
export function hasNonAscii(text: string): boolean {
  return /[\u0080-\uffff]/.test(text);
}
