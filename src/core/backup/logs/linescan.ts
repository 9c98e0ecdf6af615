/**
 * The analyzer's line scanner in WebAssembly (linescan.wat, 128-bit SIMD, 32 bytes a step): it finds
 * the candidate lines of a piece of a chunk (lines holding a marker word in any case) and counts the
 * others' shapes, so the JavaScript side visits only candidate lines (and raw lines it samples). It
 * also holds the message memo (`memo`). One instance serves every analyzer in the process: a piece is
 * loaded, scanned and read back in one synchronous call of the analyzer. Memory stays flat: a piece
 * is at most `PIECE_MAX` bytes, the memo has a fixed size.
 *
 * `lineScan()` is undefined where WebAssembly (or its SIMD) is not available: the analyzer then runs
 * its JavaScript line loop, which gives the same result (a unit test compares the two).
 */
import { WASM_BASE64 } from './linescan.wasm';

/** Where the piece starts in the module's memory (linescan.wat's layout): positions in records are + IN. */
export const IN = 1 << 20;
/** Bytes after a piece the module may read (loads past its end: the next bytes of the chunk, else zeros). */
const PAD = 64;
/** Records read back per scan call (linescan.wat writes them from offset 256, 24 bytes each). */
const REC_MAX = 4096;
export const REC_AT = 256 >> 2;
export const REC_INTS = 6;
/** Most bytes of a chunk handed to the module at once. */
export const PIECE_MAX = 1 << 20;
const PAGE = 65536;
/** Most marker words, and their longest length (the module compares a word's 16 bytes at once). */
const WORDS_MAX = 4;
const WORD_BYTES = 16;

/** A record's kind: a candidate line (2: a raw line to sample). */
export const KIND_CANDIDATE = 1;

type ScanFn = (start: number, end: number, rawLeft: number, recMax: number) => number;
type MemoFn = (kind: number, start: number, end: number) => number;

/** The part of the WebAssembly API used here (the Node typings of this project declare no DOM). */
interface WasmMemory { readonly buffer: ArrayBuffer; grow(pages: number): number }
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const wasmApi = (): WasmApi | undefined => (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

export class LineScan {
  private readonly memory: WasmMemory;
  private readonly scanFn: ScanFn;
  private readonly memoFn: MemoFn;
  private readonly clearFn: () => void;
  private u8: Uint8Array;
  private i32: Int32Array;
  private wordsKey = '';
  private end = 0;

  constructor(api: WasmApi, module: object) {
    const inst = new api.Instance(module, {});
    this.memory = inst.exports.memory as WasmMemory;
    this.scanFn = inst.exports.scan as ScanFn;
    this.memoFn = inst.exports.memo as MemoFn;
    this.clearFn = inst.exports.memoClear as () => void;
    this.u8 = new Uint8Array(this.memory.buffer);
    this.i32 = new Int32Array(this.memory.buffer);
  }

  /**
   * The marker words (lowercase ASCII letters, at most four, each 3–16 bytes): what a candidate line
   * holds, in any case.
   */
  setWords(words: readonly string[]): void {
    const key = words.join('|');
    if (key === this.wordsKey) return;
    if (words.length > WORDS_MAX || words.some((w) => !/^[a-z]{3,16}$/.test(w))) throw new Error(`linescan: words must be 1–${WORDS_MAX} of 3–${WORD_BYTES} lowercase letters: ${key}`);
    const { u8, i32 } = this;
    u8.fill(0, 0, 128);
    for (let k = 0; k < WORDS_MAX; k++) {
      const w = words[k];
      if (!w) { i32[16 + k] = 0x10000; continue; }
      for (let i = 0; i < w.length; i++) u8[k * WORD_BYTES + i] = w.charCodeAt(i);
      i32[16 + k] = (1 << w.length) - 1;
      i32[20 + k] = w.charCodeAt(0);
      i32[28 + k] = w.charCodeAt(2);
    }
    this.wordsKey = key;
  }

  /** Copies b[start, end) (complete lines; at most PIECE_MAX bytes) and the bytes after it the module may read. */
  load(b: Uint8Array, start: number, end: number): void {
    const len = end - start;
    const need = IN + len + PAD;
    if (need > this.memory.buffer.byteLength) {
      this.memory.grow(Math.ceil((need - this.memory.buffer.byteLength) / PAGE));
      this.u8 = new Uint8Array(this.memory.buffer);
      this.i32 = new Int32Array(this.memory.buffer);
    }
    const tail = Math.min(b.length, end + PAD);
    this.u8.set(b.subarray(start, tail), IN);
    if (tail < end + PAD) this.u8.fill(0, IN + tail - start, IN + len + PAD);
    this.end = len;
  }

  /**
   * Scans the loaded piece's lines from `from` (a position in the piece where a line starts), line
   * numbers following `line`, until the records are full or the piece ends. Returns where the next
   * line starts (the piece's length when done); `ints` then holds the records and counts.
   */
  scan(from: number, line: number, rawLeft: number): number {
    this.i32[36] = line;
    return this.scanFn(IN + from, IN + this.end, rawLeft, REC_MAX) - IN;
  }

  /**
   * The message memo, process-wide (what a key means is the caller's, a pure function of the key):
   * the key (`kind`, bytes [start, end) of the loaded piece) → its index when remembered; else it is
   * remembered and -2 - its new index is returned (the memo may have been emptied first, so indexes
   * handed out before are gone: a caller keeps what index i means until it is handed out again), or
   * -1 when it is not remembered (longer than 512 bytes, or crafted collisions).
   */
  memo(kind: number, start: number, end: number): number {
    return this.memoFn(kind, IN + start, IN + end);
  }

  /** Empties the message memo (the module also does when it is full). */
  memoClear(): void {
    this.clearFn();
  }

  /**
   * The module's memory as ints, valid until the next `load`: after a `scan`, at 32–35 the counts of
   * lines that were not candidates by shape (appliance, syslog, vcbAPI, raw), at 36 the number of the
   * last line scanned, at 37–38 start and end (+ IN) of the latest full-dated line after the last
   * record (37 < 0: none), at 39 the number of records; records from REC_AT, REC_INTS each: kind,
   * start, newline, line number, start and end of the latest full-dated line before it (positions + IN;
   * start < 0: none).
   */
  get ints(): Int32Array {
    return this.i32;
  }
}

let shared: LineScan | null | undefined;

/** The process's scanner, or undefined where WebAssembly with SIMD cannot run here (the JavaScript loop is used). */
export function lineScan(): LineScan | undefined {
  if (shared === undefined) {
    shared = null;
    try {
      const api = wasmApi();
      if (api) shared = new LineScan(api, new api.Module(Buffer.from(WASM_BASE64, 'base64')));
    } catch {
      // no SIMD (an old engine) or WebAssembly turned off (--jitless): the JavaScript loop
    }
  }
  return shared ?? undefined;
}
