/**
 * VMware `.encoding` names → VS Code encoding ids (the ids `workspace.openTextDocument(uri, { encoding })`
 * and `TextDocument.encoding` use). Pure: no `vscode` import, unit-tested.
 *
 * VMware writes charset names (DOMAIN.md §4: "UTF-8", "windows-1252", "GBK", "Shift_JIS"); VS Code's
 * ids are the names in its encoding picker without separators (the SUPPORTED_ENCODINGS table of VS Code
 * 1.100's workbench: windows1252, gbk, shiftjis, iso88591…). Names VS Code has no id for give
 * undefined: the user then picks an encoding by hand.
 */

/** Every id in VS Code 1.100's encoding table (read from the shipped workbench, labels left out). */
export const VSCODE_ENCODING_IDS: readonly string[] = [
  'utf8', 'utf8bom', 'utf16le', 'utf16be',
  'windows1250', 'windows1251', 'windows1252', 'windows1253', 'windows1254', 'windows1255', 'windows1256', 'windows1257', 'windows1258', 'windows874',
  'iso88591', 'iso88592', 'iso88593', 'iso88594', 'iso88595', 'iso88596', 'iso88597', 'iso88598', 'iso88599',
  'iso885910', 'iso885911', 'iso885913', 'iso885914', 'iso885915', 'iso885916',
  'cp437', 'cp850', 'cp852', 'cp865', 'cp866', 'cp950', 'cp1125',
  'koi8r', 'koi8u', 'koi8ru', 'koi8t', 'macroman',
  'gbk', 'gb18030', 'gb2312', 'big5hkscs', 'shiftjis', 'eucjp', 'euckr',
];

/** Other spellings of the same charsets (IANA aliases and Windows code-page numbers). */
const ALIASES: Record<string, string> = {
  utf8: 'utf8',
  latin1: 'iso88591',
  l1: 'iso88591',
  cp1250: 'windows1250', cp1251: 'windows1251', cp1252: 'windows1252', cp1253: 'windows1253', cp1254: 'windows1254',
  cp1255: 'windows1255', cp1256: 'windows1256', cp1257: 'windows1257', cp1258: 'windows1258', cp874: 'windows874',
  sjis: 'shiftjis', mskanji: 'shiftjis', cp932: 'shiftjis', windows31j: 'shiftjis',
  cp936: 'gbk', windows936: 'gbk', euccn: 'gb2312',
  big5: 'cp950', cp950: 'cp950',
  cp949: 'euckr', ksc56011987: 'euckr',
  macintosh: 'macroman', mac: 'macroman',
  ibm437: 'cp437', ibm850: 'cp850', ibm852: 'cp852', ibm865: 'cp865', ibm866: 'cp866',
  koi8: 'koi8r',
};

function squash(name: string): string {
  return name.trim().toLowerCase().replace(/[-_.\s]/g, '');
}

/** True for the names of UTF-8 ("UTF-8", "utf8", "UTF_8"). */
export function isUtf8Name(name: string): boolean {
  return squash(name) === 'utf8';
}

/** The VS Code encoding id for a VMware `.encoding` value, or undefined when VS Code has none. */
export function vscodeEncodingId(vmxName: string): string | undefined {
  const s = squash(vmxName);
  if (!s) return undefined;
  if (VSCODE_ENCODING_IDS.includes(s)) return s;
  return ALIASES[s];
}

/** True when the bytes are well-formed UTF-8 (the WHATWG decoder in fatal mode accepts them). */
export function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** True when `text` has characters outside ASCII (which the byte encodings disagree on). */
export function hasNonAscii(text: string): boolean {
  return /[\u0080-\uffff]/.test(text);
}
