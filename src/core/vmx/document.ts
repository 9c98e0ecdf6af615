/**
 * A lossless .vmx document: every byte of the file is kept, lines are classified, values can be
 * read and changed while leaving every other byte alone.
 *
 * Line grammar (follows VMware's own reader, open-vm-tools lib/dict/dictll.c DictLL_UnmarshalLine):
 *
 *     <ws> <name> <ws> = <ws> <value> <ws> <comment>
 *     <ws> <name> <ws> = <ws> " <quoted-value> " <ws> <comment>
 *     <ws> <comment>
 *
 * <ws> is spaces and tabs; <name> has no whitespace, `=` or `#`; an unquoted <value> runs up to
 * whitespace or `#` (and may be empty); a quoted value has no `"`; <comment> starts with `#`.
 * Anything else is a line VMware does not understand ("invalid" here); it is kept as it is.
 *
 * Positions: every column in this module (key/value spans, `VmxLine.text`) is a UTF-16 code-unit
 * offset into the line's decoded text, with 0-based line numbers — what a VS Code TextDocument
 * uses when it decodes the file with the same encoding. Lines break at CRLF, LF and a lone CR, as
 * VS Code breaks them. `byteColumn()` converts a column to a byte offset within the line. A line
 * whose bytes are not valid in the file's encoding keeps its bytes (`raw`) and its text is their
 * latin1 reading (one char per byte), so its columns are byte offsets.
 */
import { codecFor, decodeLossless, escapeValue, hasUtf8Bom, unescapeValue, UTF8_BOM, type VmxCodec } from './encoding';
import { minimalEdit, type PositionLike, type TextEditLike } from './edit';

export type VmxLineKind = 'entry' | 'comment' | 'blank' | 'invalid';
export type VmxEol = '' | '\n' | '\r\n' | '\r';
export type VmxInvalidReason =
  /** `= "x"`: nothing before the `=`. */
  | 'missing-key'
  /** `key "x"` or `key`: no `=` after the name. */
  | 'missing-equals'
  /** `key = "x`: the closing quote is missing. */
  | 'unterminated-quote'
  /** `key = "x" y` or `key = a b`: text after the value that is not a comment. */
  | 'trailing-text'
  /** A NUL character before any comment. */
  | 'nul-character';

export interface Span {
  /** First column (UTF-16 code units, 0-based). */
  readonly start: number;
  /** Column after the last one. */
  readonly end: number;
}

/** One line of the file. Immutable: edits replace line objects. */
export class VmxLine {
  constructor(
    readonly kind: VmxLineKind,
    /** Decoded content without the line break. */
    readonly text: string,
    readonly eol: VmxEol,
    /** Columns of the key, or -1 when the line has none. */
    readonly keyStart: number,
    readonly keyEnd: number,
    /** Columns of the `=`, or -1. */
    readonly eqColumn: number,
    /** Columns of the value as written (inside the quotes when quoted), or -1. */
    readonly valueStart: number,
    readonly valueEnd: number,
    readonly quoted: boolean,
    /** Column of the `#` that starts a comment (whole-line or after the value), or -1. */
    readonly commentStart: number,
    /** For invalid lines: why, and where the problem starts. */
    readonly reason: VmxInvalidReason | undefined,
    readonly errorColumn: number,
    /** The line's bytes (without line break) when they could not be decoded losslessly. */
    readonly raw: Uint8Array | undefined,
  ) {}

  /** The key as written, or undefined when the line has none. */
  get key(): string | undefined {
    return this.keyStart >= 0 ? this.text.slice(this.keyStart, this.keyEnd) : undefined;
  }

  /** The value as written (escapes not undone), or undefined. */
  get rawValue(): string | undefined {
    return this.valueStart >= 0 ? this.text.slice(this.valueStart, this.valueEnd) : undefined;
  }

  get keySpan(): Span | undefined {
    return this.keyStart >= 0 ? { start: this.keyStart, end: this.keyEnd } : undefined;
  }

  /** Span of the value as written (inside the quotes when quoted). */
  get valueSpan(): Span | undefined {
    return this.valueStart >= 0 ? { start: this.valueStart, end: this.valueEnd } : undefined;
  }
}

const SP = 32;
const TAB = 9;
const HASH = 35;
const EQ = 61;
const QUOTE = 34;
const NUL = 0;

function invalidLine(
  text: string, eol: VmxEol, raw: Uint8Array | undefined, keyStart: number, keyEnd: number,
  reason: VmxInvalidReason, at: number, eqColumn = -1, vs = -1, ve = -1, quoted = false,
): VmxLine {
  const hasKey = keyEnd > keyStart;
  return new VmxLine('invalid', text, eol, hasKey ? keyStart : -1, hasKey ? keyEnd : -1, eqColumn, vs, ve, quoted, -1, reason, at, raw);
}

/** Classifies one line (text without its line break). Never throws. */
export function parseLine(text: string, eol: VmxEol = '', raw?: Uint8Array): VmxLine {
  const n = text.length;
  let i = 0;
  let c = 0;
  while (i < n && ((c = text.charCodeAt(i)) === SP || c === TAB)) i++;
  if (i === n) return new VmxLine('blank', text, eol, -1, -1, -1, -1, -1, false, -1, undefined, -1, raw);
  if (c === HASH) return new VmxLine('comment', text, eol, -1, -1, -1, -1, -1, false, i, undefined, -1, raw);
  const keyStart = i;
  while (i < n && (c = text.charCodeAt(i)) !== SP && c !== TAB && c !== EQ && c !== HASH && c !== NUL) i++;
  const keyEnd = i;
  if (i < n && c === NUL) return invalidLine(text, eol, raw, keyStart, keyEnd, 'nul-character', i);
  while (i < n && ((c = text.charCodeAt(i)) === SP || c === TAB)) i++;
  if (keyEnd === keyStart) return invalidLine(text, eol, raw, keyStart, keyEnd, c === EQ ? 'missing-key' : 'missing-equals', keyStart, c === EQ ? i : -1);
  if (i === n || c !== EQ) return invalidLine(text, eol, raw, keyStart, keyEnd, 'missing-equals', i);
  const eq = i++;
  while (i < n && ((c = text.charCodeAt(i)) === SP || c === TAB)) i++;
  let valueStart: number;
  let valueEnd: number;
  let quoted = false;
  if (i < n && c === QUOTE) {
    valueStart = i + 1;
    const close = text.indexOf('"', valueStart);
    if (close < 0) {
      let end = n;
      while (end > valueStart && ((c = text.charCodeAt(end - 1)) === SP || c === TAB)) end--;
      return invalidLine(text, eol, raw, keyStart, keyEnd, 'unterminated-quote', i, eq, valueStart, end, true);
    }
    valueEnd = close;
    quoted = true;
    i = close + 1;
    const nul = text.indexOf('\0', valueStart);
    if (nul >= 0 && nul < valueEnd) return invalidLine(text, eol, raw, keyStart, keyEnd, 'nul-character', nul, eq, valueStart, valueEnd, true);
  } else {
    valueStart = i;
    while (i < n && (c = text.charCodeAt(i)) !== SP && c !== TAB && c !== HASH && c !== NUL) i++;
    valueEnd = i;
    if (i < n && c === NUL) return invalidLine(text, eol, raw, keyStart, keyEnd, 'nul-character', i, eq, valueStart, valueEnd);
  }
  while (i < n && ((c = text.charCodeAt(i)) === SP || c === TAB)) i++;
  let commentStart = -1;
  if (i < n) {
    if (c !== HASH) return invalidLine(text, eol, raw, keyStart, keyEnd, 'trailing-text', i, eq, valueStart, valueEnd, quoted);
    commentStart = i;
  }
  return new VmxLine('entry', text, eol, keyStart, keyEnd, eq, valueStart, valueEnd, quoted, commentStart, undefined, -1, raw);
}

/**
 * How line `l` reads with its value replaced by `escaped` (already escaped): the text before the
 * new value, the value as written (quoted when it has to be) and the text after. The quoting and
 * spacing style of the line is kept; an unterminated quote gets its closing quote.
 */
export function valueReplacement(l: VmxLine, escaped: string): { prefix: string; body: string; suffix: string } {
  if (l.valueStart < 0) throw new Error('the line has no value');
  let prefix = l.text.slice(0, l.valueStart);
  let suffix = l.text.slice(l.valueEnd);
  let body = escaped;
  if (l.kind === 'invalid' && l.reason === 'unterminated-quote') {
    suffix = '"' + suffix;
  } else if (!l.quoted) {
    const mustQuote = /[ \t#]/.test(escaped);
    if (mustQuote || (l.valueStart === l.valueEnd && escaped !== '')) {
      if (l.valueStart === l.eqColumn + 1) prefix += ' ';
      body = `"${escaped}"`;
    }
  }
  return { prefix, body, suffix };
}

/** A key = value line, with its decoded value. */
export interface VmxEntry {
  /** The key as written. */
  readonly key: string;
  /** The value with `|XX` escapes undone (and escaped bytes decoded in the file's encoding). */
  readonly value: string;
  /** The value as written. */
  readonly rawValue: string;
  /** 0-based line number. */
  readonly line: number;
  readonly keySpan: Span;
  readonly valueSpan: Span;
  readonly quoted: boolean;
}

export interface VmxDuplicateGroup {
  /** The key in lower case. */
  readonly key: string;
  /** 0-based line numbers, in file order (two or more). */
  readonly lines: number[];
}

export interface VmxChange {
  key: string;
  /** The new value (unescaped); undefined removes the key. */
  value: string | undefined;
}

/** A value that the file's encoding cannot hold, e.g. Chinese text in a windows-1252 file. */
export class VmxEncodingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VmxEncodingError';
  }
}

/** The key appears on more than one line, so "its value" is ambiguous. */
export class VmxDuplicateKeyError extends Error {
  constructor(
    readonly key: string,
    readonly lines: number[],
  ) {
    super(`key "${key}" appears ${lines.length} times (lines ${lines.map((l) => l + 1).join(', ')}); remove the duplicates first`);
    this.name = 'VmxDuplicateKeyError';
  }
}

const ENCODING_KEY = '.encoding';

/** Finds the `.encoding` declaration in a latin1 reading of the file (ASCII-level search). */
function findDeclaredEncoding(latin1: string): string | undefined {
  const m = /^[ \t]*\.encoding[ \t]*=[ \t]*(?:"([^"\r\n]*)"|([^ \t#\r\n]*))/im.exec(latin1);
  if (!m) return undefined;
  return m[1] ?? m[2];
}

/** Splits decoded text into lines the way VS Code does (CRLF, LF, lone CR). */
function splitText(text: string, raw: undefined | ((start: number, end: number) => Uint8Array)): VmxLine[] {
  const lines: VmxLine[] = [];
  const n = text.length;
  if (n === 0) return lines;
  let pos = 0;
  let nextCr = text.indexOf('\r');
  if (nextCr < 0) nextCr = n;
  while (pos < n) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = n;
    if (nextCr < pos) {
      nextCr = text.indexOf('\r', pos);
      if (nextCr < 0) nextCr = n;
    }
    let end: number;
    let eol: VmxEol;
    let next: number;
    if (nextCr < nl) {
      end = nextCr;
      if (nl < n && nextCr + 1 === nl) {
        eol = '\r\n';
        next = nl + 1;
      } else {
        eol = '\r';
        next = nextCr + 1;
      }
    } else if (nl < n) {
      end = nl;
      eol = '\n';
      next = nl + 1;
    } else {
      end = n;
      eol = '';
      next = n;
    }
    lines.push(parseLine(text.slice(pos, end), eol, raw ? raw(pos, end) : undefined));
    pos = next;
  }
  return lines;
}

/** Splits bytes into lines (CRLF, LF, lone CR) for per-line decoding. */
function splitBytes(bytes: Uint8Array, codec: VmxCodec): VmxLine[] {
  const lines: VmxLine[] = [];
  const n = bytes.length;
  let pos = 0;
  while (pos < n) {
    let i = pos;
    while (i < n && bytes[i] !== 10 && bytes[i] !== 13) i++;
    let eol: VmxEol = '';
    let next = i;
    if (i < n) {
      if (bytes[i] === 13) {
        if (i + 1 < n && bytes[i + 1] === 10) {
          eol = '\r\n';
          next = i + 2;
        } else {
          eol = '\r';
          next = i + 1;
        }
      } else {
        eol = '\n';
        next = i + 1;
      }
    }
    const chunk = bytes.subarray(pos, i);
    const text = decodeLossless(codec, chunk);
    if (text !== undefined) {
      lines.push(parseLine(text, eol));
    } else {
      const copy = Uint8Array.from(chunk);
      lines.push(parseLine(Buffer.from(copy).toString('latin1'), eol, copy));
    }
    pos = next;
  }
  return lines;
}

function concatBytes(parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}

export class VmxDocument {
  private lines_: VmxLine[];
  private codec_: VmxCodec;
  private bom_: boolean;
  private index_: Map<string, number[]> | undefined;

  private constructor(
    lines: VmxLine[],
    codec: VmxCodec,
    bom: boolean,
    /**
     * 'bytes' (from `parse`): values are checked against the file's encoding on every change.
     * 'text' (from `fromText`): the text belongs to an editor, which does its own encoding on save,
     * so values are not checked.
     */
    readonly source: 'bytes' | 'text',
  ) {
    this.lines_ = lines;
    this.codec_ = codec;
    this.bom_ = bom;
  }

  /**
   * Reads a file's bytes. Never throws: lines that are not `key = value`, comments or blanks are
   * kept as invalid lines, bytes that are not valid in the declared encoding are kept as they are.
   */
  static parse(bytes: Uint8Array): VmxDocument {
    const bom = hasUtf8Bom(bytes);
    const body = bom ? bytes.subarray(3) : bytes;
    // Decode as UTF-8 first (the common case). ASCII bytes come through a UTF-8 decode unchanged
    // even next to invalid sequences, so the `.encoding` line can be found in that text.
    const utf8 = codecFor(undefined).decode(body);
    const codec = codecFor(findDeclaredEncoding(utf8));
    let lines: VmxLine[];
    if (codec.kind === 'binary') {
      lines = splitText(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1'), undefined);
    } else {
      const text = codec.kind === 'utf8' && !utf8.includes('\uFFFD') ? utf8 : decodeLossless(codec, body);
      lines = text !== undefined ? splitText(text, undefined) : splitBytes(body, codec);
    }
    return new VmxDocument(lines, codec, bom, 'bytes');
  }

  /**
   * A document over text that is already decoded (an editor buffer). A leading U+FEFF is taken as
   * a BOM. `serialize()` encodes with the declared `.encoding`; `toText()` gives the text back.
   */
  static fromText(text: string): VmxDocument {
    const bom = text.charCodeAt(0) === 0xfeff;
    const body = bom ? text.slice(1) : text;
    const declared = findDeclaredEncoding(body);
    return new VmxDocument(splitText(body, undefined), codecFor(declared), bom, 'text');
  }

  /** A copy sharing nothing mutable with this one. */
  clone(): VmxDocument {
    return new VmxDocument(this.lines_.slice(), this.codec_, this.bom_, this.source);
  }

  get lineCount(): number {
    return this.lines_.length;
  }

  line(i: number): VmxLine {
    const l = this.lines_[i];
    if (!l) throw new RangeError(`line ${i} out of range 0..${this.lines_.length - 1}`);
    return l;
  }

  get lines(): readonly VmxLine[] {
    return this.lines_;
  }

  /** Whether the file starts with a UTF-8 byte order mark. */
  get bom(): boolean {
    return this.bom_;
  }

  /** The declared `.encoding`, or undefined. */
  get encoding(): string | undefined {
    return this.codec_.declared;
  }

  /** How bytes are read and written: 'utf8', 'iconv' (a code page) or 'binary' (unknown encoding, bytes kept). */
  get codec(): VmxCodec {
    return this.codec_;
  }

  /** The line break new lines get: the most common one in the file, LF when there is none. */
  get eol(): '\n' | '\r\n' {
    let lf = 0;
    let crlf = 0;
    for (const l of this.lines_) {
      if (l.eol === '\n') lf++;
      else if (l.eol === '\r\n') crlf++;
    }
    return crlf > lf ? '\r\n' : '\n';
  }

  /** The file's bytes. Byte-identical to the input of `parse` when nothing was changed. */
  serialize(): Uint8Array {
    const parts: Uint8Array[] = [];
    if (this.bom_) parts.push(UTF8_BOM);
    let pending = '';
    for (const l of this.lines_) {
      if (l.raw) {
        if (pending) parts.push(this.codec_.encode(pending));
        parts.push(l.raw);
        pending = l.eol;
      } else {
        pending += l.text + l.eol;
      }
    }
    if (pending) parts.push(this.codec_.encode(pending));
    return parts.length === 1 ? parts[0] : concatBytes(parts);
  }

  /** The decoded text (what an editor shows; without the BOM). */
  toText(): string {
    let s = '';
    for (const l of this.lines_) s += l.text + l.eol;
    return s;
  }

  /** Byte offset within line `line` of UTF-16 column `character`. */
  byteColumn(line: number, character: number): number {
    const l = this.line(line);
    if (l.raw) return character;
    return this.codec_.encode(l.text.slice(0, character)).length;
  }

  private index(): Map<string, number[]> {
    if (!this.index_) {
      const m = new Map<string, number[]>();
      this.lines_.forEach((l, i) => {
        if (l.kind !== 'entry') return;
        const k = l.text.slice(l.keyStart, l.keyEnd).toLowerCase();
        const a = m.get(k);
        if (a) a.push(i);
        else m.set(k, [i]);
      });
      this.index_ = m;
    }
    return this.index_;
  }

  /** 0-based line numbers of the entries for `key` (case-insensitive), in file order. */
  find(key: string): number[] {
    return (this.index().get(key.toLowerCase()) ?? []).slice();
  }

  has(key: string): boolean {
    return this.index().has(key.toLowerCase());
  }

  /** Undoes escapes in a value as written in this file. */
  decodeValue(rawValue: string): string {
    return unescapeValue(rawValue, this.codec_);
  }

  /**
   * The decoded value of `key` (case-insensitive), or undefined when absent. When the key appears
   * more than once (which VMware refuses), the last one is returned; see `duplicates()`.
   */
  get(key: string): string | undefined {
    const at = this.index().get(key.toLowerCase());
    if (!at) return undefined;
    return this.decodeValue(this.lines_[at[at.length - 1]].rawValue ?? '');
  }

  entries(): VmxEntry[] {
    const out: VmxEntry[] = [];
    this.lines_.forEach((l, i) => {
      if (l.kind !== 'entry') return;
      const rawValue = l.text.slice(l.valueStart, l.valueEnd);
      out.push({
        key: l.text.slice(l.keyStart, l.keyEnd),
        value: this.decodeValue(rawValue),
        rawValue,
        line: i,
        keySpan: { start: l.keyStart, end: l.keyEnd },
        valueSpan: { start: l.valueStart, end: l.valueEnd },
        quoted: l.quoted,
      });
    });
    return out;
  }

  /** Keys that appear on more than one line (compared case-insensitively), in order of first appearance. */
  duplicates(): VmxDuplicateGroup[] {
    const out: VmxDuplicateGroup[] = [];
    for (const [key, lines] of this.index()) if (lines.length > 1) out.push({ key, lines: lines.slice() });
    return out.sort((a, b) => a.lines[0] - b.lines[0]);
  }

  // -------------------------------------------------------------------------------------------
  // Changes. Each touches only the lines concerned.

  private changed(): void {
    this.index_ = undefined;
  }

  private checkEncodable(text: string, what: string): void {
    if (this.source === 'bytes' && !this.codec_.canEncode(text)) {
      throw new VmxEncodingError(`${what} cannot be written in this file's encoding (${this.codec_.declared ?? this.codec_.name})`);
    }
  }

  /** Replaces line `i`'s text (its line break stays). */
  replaceLine(i: number, text: string): void {
    const old = this.line(i);
    this.checkEncodable(text, `line ${i + 1}`);
    this.lines_[i] = parseLine(text, old.eol);
    this.changed();
  }

  /** Removes line `i` with its line break (or, for a last line without one, the break before it). */
  deleteLine(i: number): void {
    const old = this.line(i);
    this.lines_.splice(i, 1);
    if (old.eol === '' && i === this.lines_.length && i > 0) {
      const prev = this.lines_[i - 1];
      this.lines_[i - 1] = parseLine(prev.text, '', prev.raw);
    }
    this.changed();
  }

  /** Inserts a line so that it becomes line `i` (0 ≤ i ≤ lineCount), using the file's line break. */
  insertLine(i: number, text: string): void {
    if (i < 0 || i > this.lines_.length) throw new RangeError(`insert position ${i} out of range`);
    this.checkEncodable(text, 'the new line');
    const eol = this.eol;
    if (i === this.lines_.length && i > 0 && this.lines_[i - 1].eol === '') {
      // the file had no final line break: give the old last line one, the new last line none
      const prev = this.lines_[i - 1];
      this.lines_[i - 1] = parseLine(prev.text, eol, prev.raw);
      this.lines_.push(parseLine(text, ''));
    } else {
      this.lines_.splice(i, 0, parseLine(text, eol));
    }
    this.changed();
  }

  /**
   * Sets the value of the entry on line `i`, keeping its quoting and spacing: only the characters
   * of the value change (an unquoted value gets quotes when the new one needs them).
   */
  setLineValue(i: number, value: string): void {
    const l = this.line(i);
    if (l.kind !== 'entry' && !(l.kind === 'invalid' && l.valueStart >= 0)) throw new Error(`line ${i + 1} has no value`);
    const escaped = escapeValue(value);
    this.checkEncodable(escaped, `the value for ${l.key ?? 'this key'}`);
    const { prefix, body, suffix } = valueReplacement(l, escaped);
    if (l.raw) {
      // keep the undecodable bytes around the value as they are (raw text is latin1: column = byte)
      const raw = Uint8Array.from(Buffer.concat([Buffer.from(prefix, 'latin1'), this.codec_.encode(body), Buffer.from(suffix, 'latin1')]));
      this.lines_[i] = parseLine(Buffer.from(raw).toString('latin1'), l.eol, raw);
    } else {
      this.lines_[i] = parseLine(prefix + body + suffix, l.eol);
    }
    this.changed();
  }

  /** Where a new `key` goes: after its device's last line, else its controller's, else the end. */
  insertionLine(key: string): number {
    const k = key.toLowerCase();
    const dot = k.indexOf('.');
    let lastDevice = -1;
    let lastController = -1;
    let lastContent = -1;
    const device = dot > 0 ? k.slice(0, dot) : undefined;
    const colon = device ? device.indexOf(':') : -1;
    const controller = device ? (colon > 0 ? device.slice(0, colon) : device) : undefined;
    this.lines_.forEach((l, i) => {
      if (l.kind !== 'blank') lastContent = i;
      if (l.kind !== 'entry' || !device || !controller) return;
      const lk = l.text.slice(l.keyStart, l.keyEnd).toLowerCase();
      if (lk.startsWith(device + '.')) lastDevice = i;
      if (lk.startsWith(controller + '.') || lk.startsWith(controller + ':')) lastController = i;
    });
    if (lastDevice >= 0) return lastDevice + 1;
    if (lastController >= 0) return lastController + 1;
    return lastContent + 1;
  }

  /**
   * Sets `key` (case-insensitive) to `value`. An existing entry keeps its line, key spelling,
   * quoting and spacing; a new one is inserted by `insertionLine`. Throws VmxDuplicateKeyError
   * when the key is on several lines, VmxEncodingError when the value cannot be written in the
   * file's encoding. Setting `.encoding` changes how the file is written from then on.
   */
  set(key: string, value: string): void {
    if (!/^[^\s=#\0]+$/.test(key)) throw new Error(`invalid key ${JSON.stringify(key)}`);
    const at = this.find(key);
    if (at.length > 1) throw new VmxDuplicateKeyError(key, at);
    let nextCodec: VmxCodec | undefined;
    if (key.toLowerCase() === ENCODING_KEY) {
      nextCodec = codecFor(value);
      const all = this.lines_.filter((l) => !l.raw).map((l) => l.text).join('\n');
      if (this.source === 'bytes' && !nextCodec.canEncode(all)) throw new VmxEncodingError(`the file's text cannot be written in ${value}`);
    }
    if (at.length === 1) {
      this.setLineValue(at[0], value);
    } else {
      const escaped = escapeValue(value);
      this.checkEncodable(escaped, `the value for ${key}`);
      this.insertLine(this.insertionLine(key), `${key} = "${escaped}"`);
    }
    if (nextCodec) this.codec_ = nextCodec;
  }

  /** Removes every line holding `key` (case-insensitive). Returns how many were removed. */
  unset(key: string): number {
    const at = this.find(key);
    for (let j = at.length - 1; j >= 0; j--) this.deleteLine(at[j]);
    if (at.length && key.toLowerCase() === ENCODING_KEY) this.codec_ = codecFor(undefined);
    return at.length;
  }

  /** Applies several changes in order. */
  apply(changes: readonly VmxChange[]): void {
    for (const c of changes) {
      if (c.value === undefined) this.unset(c.key);
      else this.set(c.key, c.value);
    }
  }

  /**
   * The minimal text edits (against this document's current text) that `mutate` would make, for
   * an editor to apply as one WorkspaceEdit. This document is not changed.
   */
  planWith(mutate: (d: VmxDocument) => void): TextEditLike[] {
    const next = this.clone();
    mutate(next);
    return diffLines(this.lines_, next.lines_);
  }

  /** The minimal text edits for `changes` (see `apply`); this document is not changed. */
  planEdits(changes: readonly VmxChange[]): TextEditLike[] {
    return this.planWith((d) => d.apply(changes));
  }
}

/**
 * Edits turning `oldLines` into `newLines`, where `newLines` is `oldLines` with some line objects
 * removed, replaced or inserted (never reordered). Unchanged lines are those kept by identity.
 */
function diffLines(oldLines: readonly VmxLine[], newLines: readonly VmxLine[]): TextEditLike[] {
  const inNew = new Set(newLines);
  const inOld = new Set(oldLines);
  const edits: TextEditLike[] = [];
  let i = 0;
  let j = 0;
  while (i < oldLines.length || j < newLines.length) {
    if (i < oldLines.length && j < newLines.length && oldLines[i] === newLines[j]) {
      i++;
      j++;
      continue;
    }
    const i0 = i;
    const j0 = j;
    while (i < oldLines.length && !inNew.has(oldLines[i])) i++;
    while (j < newLines.length && !inOld.has(newLines[j])) j++;
    let oldText = '';
    for (let k = i0; k < i; k++) oldText += oldLines[k].text + oldLines[k].eol;
    let newText = '';
    for (let k = j0; k < j; k++) newText += newLines[k].text + newLines[k].eol;
    const at: PositionLike = { line: i0, character: 0 };
    const e = minimalEdit(at, oldText, newText);
    if (e) edits.push(e);
    if (i === i0 && j === j0) {
      // defensive: identity order broken; should not happen
      i++;
      j++;
    }
  }
  return edits;
}
