/**
 * Byte <-> text conversion for .vmx files, and VMware's `|XX` value escapes.
 *
 * Facts used here (sources):
 * - `.encoding = "…"` names the file's character set: "UTF-8", or a Windows code page such as
 *   "windows-1252", "GBK", "Shift_JIS" (DOMAIN.md §4; real files seen with all three).
 * - VMware's dictionary line reader skips a leading UTF-8 BOM (open-vm-tools
 *   lib/dict/dictll.c, DictLL_ReadUTF8BOM).
 * - Value escaping (open-vm-tools lib/dict/dictll.c DictLL_MarshalLine and lib/misc/escape.c):
 *   the escape byte is `|`, followed by two hex digits; VMware escapes `"`, `|`, 0x7F and every
 *   control character except TAB, and writes upper-case hex. On reading, either case of hex is
 *   accepted and a `|` not followed by two hex digits stays as it is. libvirt writes lower-case
 *   hex (libvirt tests/vmx2xmldata/annotation.vmx).
 *
 * Only ASCII-compatible encodings are honoured (the line structure `key = "value"` is found on
 * ASCII bytes, which multi-byte code pages such as GBK and Shift_JIS never use as lead bytes and
 * never use as trail bytes for CR, LF, `"`, `=`, `#`, space or tab). Anything else — unknown names,
 * UTF-16/32 — is handled as "binary": one byte = one char (latin1), which keeps every byte.
 */
import type * as IconvLite from 'iconv-lite';
import { lazy } from '../lazy';

/**
 * iconv-lite and its code-page tables (most of their size is CJK tables) are loaded on first use,
 * i.e. only for a file that declares a non-UTF-8 `.encoding`. The bundles ship it as a separate
 * file (dist/codepages.js, see esbuild.mjs) so activation never reads it.
 */
const iconvLib = lazy(() => require('iconv-lite') as typeof IconvLite);

export type CodecKind = 'utf8' | 'iconv' | 'binary';

/** How a document's bytes are turned into text and back. */
export interface VmxCodec {
  /** What the file declared (`.encoding`), or undefined when it declares nothing. */
  readonly declared: string | undefined;
  readonly kind: CodecKind;
  /** The name passed to iconv-lite (kind 'iconv'), 'utf-8' or 'latin1'. */
  readonly name: string;
  decode(bytes: Uint8Array): string;
  encode(text: string): Buffer;
  /** True when `text` can be written in this encoding without loss. */
  canEncode(text: string): boolean;
}

const asciiProbe = (() => {
  let s = '\t\n\r';
  for (let c = 0x20; c < 0x7f; c++) s += String.fromCharCode(c);
  return s;
})();

const asciiCompatCache = new Map<string, boolean>();

/** True when iconv-lite knows `name` and it maps printable ASCII, TAB, CR and LF byte for byte. */
export function isAsciiCompatible(name: string): boolean {
  const k = name.toLowerCase();
  const hit = asciiCompatCache.get(k);
  if (hit !== undefined) return hit;
  let ok = false;
  try {
    if (iconvLib().encodingExists(name)) {
      const b = iconvLib().encode(asciiProbe, name);
      ok = b.length === asciiProbe.length && b.toString('latin1') === asciiProbe;
    }
  } catch {
    ok = false;
  }
  asciiCompatCache.set(k, ok);
  return ok;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** False when the string holds a lone surrogate (which no encoding can write). */
export function isWellFormed(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

function isUtf8Name(name: string): boolean {
  return /^utf-?8$/i.test(name.trim());
}

/** A codec over one of Node's own encodings (no iconv-lite needed). */
function bufferCodec(kind: 'utf8' | 'binary', name: string, encoding: 'utf8' | 'latin1', canEncode: (text: string) => boolean): VmxCodec {
  return {
    declared: undefined, kind, name, canEncode,
    decode: (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString(encoding),
    encode: (text) => Buffer.from(text, encoding),
  };
}

const utf8Codec = bufferCodec('utf8', 'utf-8', 'utf8', isWellFormed);
// eslint-disable-next-line no-control-regex
const binaryCodec = bufferCodec('binary', 'latin1', 'latin1', (text) => /^[\u0000-\u00ff]*$/.test(text));

/**
 * The codec for a declared `.encoding` value. No declaration → UTF-8 (what current VMware
 * products write). Unknown or non-ASCII-compatible names → binary (bytes kept as they are).
 */
export function codecFor(declared: string | undefined): VmxCodec {
  if (declared === undefined || declared.trim() === '') return { ...utf8Codec, declared };
  if (isUtf8Name(declared)) return { ...utf8Codec, declared };
  const name = declared.trim();
  if (isAsciiCompatible(name)) {
    return {
      declared,
      kind: 'iconv',
      name,
      decode: (bytes) => iconvLib().decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), name, { stripBOM: false }),
      encode: (text) => iconvLib().encode(text, name),
      canEncode: (text) => isWellFormed(text) && iconvLib().decode(iconvLib().encode(text, name), name, { stripBOM: false }) === text,
    };
  }
  return { ...binaryCodec, declared };
}

/** Decodes and checks the result encodes back to the same bytes. Returns undefined when lossy. */
export function decodeLossless(codec: VmxCodec, bytes: Uint8Array): string | undefined {
  const text = codec.decode(bytes);
  if (codec.kind === 'binary') return text;
  // A UTF-8 decode without U+FFFD met only valid sequences (the WHATWG decoder Node uses rejects
  // overlong forms and surrogates), so it re-encodes to the same bytes.
  if (codec.kind === 'utf8' && !text.includes('\uFFFD')) return text;
  const back = codec.encode(text);
  return Buffer.compare(back, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) === 0 ? text : undefined;
}

// ---------------------------------------------------------------------------------------------
// `|XX` escapes

function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/**
 * Undoes `|XX` escapes in a value already decoded to text. Each escape stands for one byte of the
 * file's encoding; a run of escapes holding bytes ≥ 0x80 is decoded with `codec` as a whole (so
 * `|C3|A9` is "é" in a UTF-8 file). A `|` without two hex digits after it is kept (VMware does the
 * same).
 */
export function unescapeValue(raw: string, codec: VmxCodec = utf8Codec): string {
  if (!raw.includes('|')) return raw;
  let out = '';
  let i = 0;
  const n = raw.length;
  while (i < n) {
    const p = raw.indexOf('|', i);
    if (p < 0) {
      out += raw.slice(i);
      break;
    }
    out += raw.slice(i, p);
    // collect a run of consecutive escapes
    const bytes: number[] = [];
    let q = p;
    while (q + 2 < n && raw.charCodeAt(q) === 0x7c) {
      const h = hexVal(raw.charCodeAt(q + 1));
      const l = hexVal(raw.charCodeAt(q + 2));
      if (h < 0 || l < 0) break;
      bytes.push((h << 4) | l);
      q += 3;
    }
    if (bytes.length === 0) {
      out += '|';
      i = p + 1;
      continue;
    }
    if (bytes.every((b) => b < 0x80)) {
      out += String.fromCharCode(...bytes);
    } else {
      out += codec.decode(Uint8Array.from(bytes));
    }
    i = q;
  }
  return out;
}

/** Characters VMware escapes in values: `"`, `|`, DEL and control characters other than TAB. */
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /["|\u0000-\u0008\u000a-\u001f\u007f]/g;

/** Escapes what VMware escapes (see above), with upper-case hex as VMware writes it. */
export function escapeValue(value: string): string {
  return value.replace(NEEDS_ESCAPE, (c) => '|' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
}

export const UTF8_BOM = Uint8Array.of(0xef, 0xbb, 0xbf);

export function hasUtf8Bom(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}
