/**
 * The streaming analyzer: feed it files (in time order) with `consume`, then read `result()`.
 *
 * Speed: it works on bytes. The line scanner (linescan.wat, WebAssembly with 128-bit SIMD) walks a
 * chunk 32 bytes at a time, finds the candidate lines — lines holding a word an event needs ("error",
 * "fail", "trouble", "job", in any case) — and counts the others by shape, so JavaScript visits only
 * candidate lines. A candidate line of a known shape is read from its bytes (fastline.ts: time, where
 * the message starts); its message is looked up by its bytes in the scanner's memo and classified
 * (classify.ts) only the first time it is seen, then handed to the run state (runs.ts), which reads an
 * error line's text only when it keeps it (a group's first lines, or its latest once per chunk). Other
 * candidate lines are decoded and parsed as strings (lines.ts), as is every line when an `onRecord`
 * callback wants the records. Where WebAssembly cannot run (`--jitless`), `walkJs` does the same with
 * `Buffer.indexOf` and one regex search per 32 KiB window, and `ByteMemo` remembers the messages; a
 * unit test compares the two ways (test/unit/backup/logs-linescan.test.ts).
 * Memory stays flat: one chunk at a time (handed to the scanner in pieces of at most 1 MiB), the split
 * line at a chunk boundary is the only carry, and every collection in the result is bounded (see
 * `LogAnalysisOptions`).
 *
 * Measured (2026-12-07, 200 MB log with 28 % candidate lines, 2-vCPU Xeon, warm, in process): the
 * JavaScript loop 0.77 s, the scanner 0.65 s, the scanner and its memo 0.50 s. Measured and not kept:
 * reading the second half in a worker thread and replaying its recorded events in order (exact, but
 * 2.5 s against 1.8 s on one thread: two busy threads each ran ~1.5× slower there); a warm-up pass on
 * the file's head (no change).
 */
import { errorEvent, jobEvent, vmwareLogEvent, type ErrorEvent, type JobEvent } from './classify';
import { fileKind, parseLogLine, TimeContext } from './lines';
import { FAST_APPLIANCE, FAST_NONE, FAST_VCBAPI, readFastLine, readSyslog, type FastLine, type SyslogFields } from './fastline';
import { JobRuns, type LineSource } from './runs';
import { ByteMemo, hashBytes } from './bytememo';
import { IN, KIND_CANDIDATE, lineScan, PIECE_MAX, REC_AT, REC_INTS, type LineScan } from './linescan';
import type { EvidenceLine, LogAnalysis, LogAnalysisOptions, LogFileSummary, LogPos, LogRecord } from './types';

/**
 * Candidate lines: every word a job or error event needs (classify.ts), in any case — `jobEvent`
 * needs "Job", `errorEvent` "error", "fail" or "trouble" (or a vcbAPI level "error", which is in the
 * line too). A line without one of them gives no event, so it is only counted.
 */
export const MARKERS = /error|fail|trouble|job/gi;
/** A VM's vmware.log: the quiesce and snapshot texts of classify.ts `VMWARE_LOG_PATTERNS`. */
const VMWARE_MARKERS = /quiesc|snapshot|frozen/gi;
/** The same words for the WebAssembly scanner (linescan.ts). */
const words = (re: RegExp): readonly string[] => re.source.split('|');
const MARKER_WORDS = words(MARKERS);
const VMWARE_WORDS = words(VMWARE_MARKERS);
/** Longest marker (either set), and the window of a chunk searched as one string (young-generation sized). */
const MARKER_MAX = 8;
const MARKER_WINDOW = 32 * 1024;
const MAX_LINE = 1 << 20;
/** Largest piece of a chunk scanned at once (positions stay below NONE). */
const MAX_CHUNK = 1 << 28;
const NEWLINE = Buffer.from('\n');
/** The first two bytes of U+2028 and U+2029 in UTF-8 (line terminators for a regex `.`). */
const LS_LEAD = Buffer.from([0xe2, 0x80]);
/** "Not in this chunk" for a search position: past any chunk, and a small integer (no double in the hot loop). */
const NONE = 0x3fffffff;
/** Line shapes, as indexes of scan's counters. */
const APP = 0;
const SYS = 1;
const VCB = 2;
const RAW = 3;
/** Distinct messages remembered per memo (a memo is emptied when full: memory stays flat). */
const MEMO_MAX = 4096;
/** vcbAPI levels with a memo of their own (all are emptied when a new one would exceed this). */
const MEMO_LEVELS = 16;

interface Classified { job?: JobEvent; error?: ErrorEvent }

/**
 * Error classes seen, one object per content: many messages (a VixDiskLib warning naming a disk and
 * an error number) share a class, so the memos hold few objects that live long (no garbage to
 * promote), and the runs compare the same key string (`includes` is then a pointer compare).
 */
const classes = new Map<string, Classified[]>();

/** `jobEvent(message)`, else `errorEvent` of the line: what the memos remember. */
function classifyOnce(shape: LogRecord['shape'], level: string | undefined, message: string, file: string): Classified {
  const job = jobEvent(message);
  if (job) return { job };
  const e = errorEvent({ file, line: 0, shape, level, message, text: '' });
  if (!e) return NONE_CLASS;
  let same = classes.get(e.key);
  if (!same) {
    if (classes.size >= MEMO_MAX) classes.clear();
    classes.set(e.key, (same = []));
  }
  for (const c of same) {
    const x = c.error!;
    if (x.source === e.source && x.vm === e.vm && x.code === e.code && x.meaning === e.meaning) return c;
  }
  const c = { error: e };
  if (same.length < 64) same.push(c);
  return c;
}

/** The class of a message that is neither a job nor an error line. */
const NONE_CLASS: Classified = {};

/**
 * The classified messages of one error source (and vcbAPI level): by text, and by bytes for the fast
 * path — in the WebAssembly scanner's process-wide memo under `kind` (-1: not there), else in `bytes`.
 */
interface Memo { kind: number; text: Map<string, Classified>; bytes?: ByteMemo<Classified> }
const newMemo = (kind: number): Memo => ({ kind, text: new Map() });

/** Kinds of the WebAssembly message memo: 0 the datarecovery source, 1 + i the i-th vcbAPI level seen (at most 64). */
const VDR_KIND = 0;
const vcbKinds = new Map<string, number>();
const vcbKind = (level: string): number => {
  let k = vcbKinds.get(level);
  if (k === undefined) {
    // a log inventing levels without end: the later ones use the analyzer's own memo
    if (vcbKinds.size >= 64) return -1;
    vcbKinds.set(level, (k = vcbKinds.size + 1));
  }
  return k;
};
/**
 * What each key of the WebAssembly message memo means, by its index (process-wide, as the memo is);
 * undefined while a new key is being classified (a classification that throws leaves no stale meaning).
 */
const memoValues: (Classified | undefined)[] = [];

/**
 * Streaming analyzer: feed it files (in time order) with `consume`, then read `result()`.
 * Memory is bounded by the options, not by the input size.
 */
export class LogAnalyzer implements LineSource {
  readonly tc: TimeContext;
  private readonly opts: { maxRawSample: number; onRecord?: LogAnalysisOptions['onRecord'] };
  private readonly files: LogFileSummary[] = [];
  private readonly lines = { total: 0, appliance: 0, syslog: 0, vcbapi: 0, raw: 0 };
  private readonly rawSample: EvidenceLine[] = [];
  private readonly runs: JobRuns;
  // Per-file state.
  private file = '';
  private lineNo = 0;
  private cur?: LogFileSummary;
  /** Head of the last full-dated line of an earlier chunk that was not parsed. */
  private fullHead?: string;
  /** The last full-dated line of this chunk that was not parsed (start, end), or -1. */
  private fullPos = -1;
  private fullEnd = 0;
  /** Next `\r` and next E2 80 at or after the last line checked by `clean` (-1: not searched in this chunk). */
  private nextCr = -1;
  private nextLs = -1;
  /** The fast path (fastline.ts) is for the main and vcbAPI logs with no `onRecord` (which wants every record). */
  private fast = false;
  private readonly fl: FastLine = { time: 0, msg: 0, level: '' };
  private readonly sl: SyslogFields = { mo: 0, d: 0, h: 0, mi: 0, s: 0, msg: 0 };
  /** The line `fastRecord` hands to the runs (LineSource). */
  private lb: Buffer = Buffer.alloc(0);
  lineStart = 0;
  lineEnd = 0;
  private markers = MARKERS;
  private markerWords = MARKER_WORDS;
  /** The WebAssembly line scanner, or undefined: the JavaScript line loop (`walkJs`). */
  private readonly ls: LineScan | undefined;
  /** The scanner while b[pieceAt, …) is loaded in it (`walkPiece`): `fastRecord` looks messages up there. */
  private piece: LineScan | undefined;
  private pieceAt = 0;
  /** Lines of each shape in the chunk being scanned. */
  private readonly count = new Int32Array(4);
  /** The window of the chunk being scanned that `nextMarker` searches, as latin1 text. */
  private win = '';
  private winStart = -1;
  private winEnd = -1;
  /** The split line at the end of the last chunk (own copy, at most MAX_LINE bytes). */
  private carry?: Buffer;
  private vmwareLog = false;
  /** The last record's file and whether its name says vcbAPI (errorEvent's source for any shape in it). */
  private vcbFile: [string, boolean] = ['', false];
  /** Classified messages: of the datarecovery source, and of the vcbAPI source per level. */
  private readonly memoVdr = newMemo(VDR_KIND);
  private readonly memoVcb = new Map<string, Memo>();

  /** `scanner`: 'js' runs the JavaScript line loop even where WebAssembly runs (tests compare the two). */
  constructor(opts: LogAnalysisOptions = {}, scanner: 'wasm' | 'js' = 'wasm') {
    this.ls = scanner === 'wasm' ? lineScan() : undefined;
    this.tc = new TimeContext(opts.utcOffsetMinutes ?? 0, opts.referenceTime ?? Date.now());
    this.opts = { maxRawSample: opts.maxRawSample ?? 20, onRecord: opts.onRecord };
    this.runs = new JobRuns({
      maxSamplesPerGroup: opts.maxSamplesPerGroup ?? 5,
      maxGroups: opts.maxGroups ?? 200,
      maxJobs: opts.maxJobs ?? 5000,
      maxVms: opts.maxVms ?? 5000,
    });
  }

  /** Reads one file's bytes (a Readable or any async iterable of chunks). */
  async consume(source: AsyncIterable<Buffer | Uint8Array | string> | Iterable<Buffer | Uint8Array | string>, file: string, reference?: number): Promise<void> {
    this.beginFile(file, reference);
    this.carry = undefined;
    for await (const raw of source) {
      const whole = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
      // positions in a chunk stay below NONE: a huge one is fed in pieces (the carry joins the split line)
      for (let o = 0; o < whole.length; o += MAX_CHUNK) this.feed(o === 0 && whole.length <= MAX_CHUNK ? whole : whole.subarray(o, o + MAX_CHUNK));
    }
    const carry = this.carry as Buffer | undefined; // feed() sets it
    this.carry = undefined;
    if (carry && carry.length) {
      const withNl = Buffer.concat([carry, NEWLINE]);
      this.scan(withNl, 0, withNl.length);
    }
  }

  /** One chunk of the file being consumed: its complete lines scanned, the split line at its end carried. */
  private feed(chunk: Buffer): void {
    this.cur!.bytes += chunk.length;
    let start = 0;
    const carry = this.carry;
    if (carry) {
      // A line split across chunks. Lines longer than MAX_LINE keep only their head.
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        if (carry.length < MAX_LINE) this.carry = Buffer.concat([carry, chunk.subarray(0, MAX_LINE - carry.length)]);
        return;
      }
      const head = carry.length < MAX_LINE ? chunk.subarray(0, Math.min(nl, MAX_LINE - carry.length)) : chunk.subarray(0, 0);
      const joined = Buffer.concat([carry, head, NEWLINE]);
      this.scan(joined, 0, joined.length);
      this.carry = undefined;
      start = nl + 1;
    }
    const lastNl = chunk.lastIndexOf(10);
    if (lastNl < start) {
      // Own copy: a stream may reuse its buffer.
      if (start < chunk.length) this.carry = Buffer.from(chunk.subarray(start, start + MAX_LINE));
      return;
    }
    this.scan(chunk, start, lastNl + 1);
    if (lastNl + 1 < chunk.length) this.carry = Buffer.from(chunk.subarray(lastNl + 1, lastNl + 1 + MAX_LINE));
  }

  /** Consumes lines already split (small inputs, tests). */
  async consumeText(text: string, file: string, reference?: number): Promise<void> {
    await this.consume([Buffer.from(text, 'utf8')], file, reference);
  }

  private beginFile(file: string, reference?: number): void {
    this.file = file;
    this.lineNo = 0;
    this.cur = { file, kind: fileKind(file), lines: 0, bytes: 0 };
    this.vmwareLog = this.cur.kind === 'vmware';
    this.markers = this.vmwareLog ? VMWARE_MARKERS : MARKERS;
    this.markerWords = this.vmwareLog ? VMWARE_WORDS : MARKER_WORDS;
    this.fast = !this.vmwareLog && !this.opts.onRecord;
    this.fullHead = undefined;
    this.files.push(this.cur);
    this.tc.beginFile(reference);
  }

  /** Walks complete lines in b[start, end) (end is just after a newline). */
  private scan(b: Buffer, start: number, end: number): void {
    this.winStart = this.winEnd = -1;
    this.fullPos = -1;
    this.nextCr = -1;
    this.nextLs = -1;
    // Per-shape counters (cheap first-bytes check for lines that are not parsed).
    const count = this.count;
    count.fill(0);
    const firstLine = this.lineNo;
    const n = this.walk(b, start, end, firstLine, count);
    this.runs.flush((s, e) => b.toString('utf8', s, e));
    // The chunk's memory may be reused by the reader: keep only the head of the pending line.
    if (this.fullPos >= 0) this.fullHead = b.toString('latin1', this.fullPos, Math.min(this.fullEnd, this.fullPos + 48));
    const lines = this.lines;
    lines.appliance += count[APP];
    lines.syslog += count[SYS];
    lines.vcbapi += count[VCB];
    lines.raw += count[RAW];
    lines.total += n - firstLine;
    this.cur!.lines += n - firstLine;
    this.lineNo = n;
  }

  /**
   * The lines of b[start, end): through the WebAssembly scanner in pieces of at most PIECE_MAX bytes
   * (a line longer than that goes through `walkJs`), else all through `walkJs`. Returns the number
   * of the last line.
   */
  private walk(b: Buffer, start: number, end: number, n: number, count: Int32Array): number {
    const ls = this.ls;
    if (!ls) return this.walkJs(b, start, end, n, count);
    ls.setWords(this.markerWords);
    let s = start;
    while (s < end) {
      let e = end;
      if (e - s > PIECE_MAX) {
        const k = b.lastIndexOf(10, s + PIECE_MAX - 1);
        if (k < s) {
          // one line longer than a piece
          e = b.indexOf(10, s + PIECE_MAX) + 1;
          n = this.walkJs(b, s, e, n, count);
          s = e;
          continue;
        }
        e = k + 1;
      }
      n = this.walkPiece(ls, b, s, e, n, count);
      s = e;
    }
    return n;
  }

  /** The lines of b[s, e) (at most PIECE_MAX bytes) through the WebAssembly scanner: it hands back candidate lines and raw lines to sample. */
  private walkPiece(ls: LineScan, b: Buffer, s: number, e: number, n: number, count: Int32Array): number {
    ls.load(b, s, e);
    this.piece = ls;
    this.pieceAt = s;
    try {
      return this.walkLoaded(ls, b, s, e, n, count);
    } finally {
      this.piece = undefined;
    }
  }

  private walkLoaded(ls: LineScan, b: Buffer, s: number, e: number, n: number, count: Int32Array): number {
    const m = ls.ints;
    const base = s - IN;
    const maxRaw = this.opts.maxRawSample;
    for (let from = 0; ;) {
      const next = ls.scan(from, n, Math.max(0, maxRaw - this.rawSample.length));
      const records = m[39];
      for (let r = 0, o = REC_AT; r < records; r++, o += REC_INTS) {
        const pos = m[o + 1] + base;
        const nl = m[o + 2] + base;
        if (m[o] === KIND_CANDIDATE) {
          if (m[o + 4] >= 0) { this.fullPos = m[o + 4] + base; this.fullEnd = m[o + 5] + base; }
          count[this.candidate(b, pos, nl, m[o + 3])]++;
        } else if (this.rawSample.length < maxRaw) {
          this.sampleRawAt(b, pos, nl, m[o + 3]);
        }
      }
      count[APP] += m[32];
      count[SYS] += m[33];
      count[VCB] += m[34];
      count[RAW] += m[35];
      if (m[37] >= 0) { this.fullPos = m[37] + base; this.fullEnd = m[38] + base; }
      n = m[36];
      if (next >= e - s) return n;
      from = next;
    }
  }

  /**
   * The JavaScript line loop (its own function: the optimizing compiler replaces it mid-loop on the
   * first chunk, and a loop with nothing after it has no cold code there to fall back from).
   * Returns the number of the last line.
   */
  private walkJs(b: Buffer, start: number, end: number, n: number, count: Int32Array): number {
    this.winStart = this.winEnd = -1;
    let hit = this.nextMarker(b, start, end);
    let pos = start;
    while (pos < end) {
      const nl = b.indexOf(10, pos);
      n++;
      if (hit < nl) {
        count[this.candidate(b, pos, nl, n)]++;
        hit = this.nextMarker(b, nl + 1, end);
      } else {
        const c = b[pos];
        if (c >= 48 && c <= 57 && b[pos + 4] === 45 && b[pos + 10] === 84) {
          count[VCB]++; this.fullPos = pos; this.fullEnd = nl;
        } else if (c >= 48 && c <= 57 && (b[pos + 1] === 47 || b[pos + 2] === 47)) {
          count[APP]++; this.fullPos = pos; this.fullEnd = nl;
        } else if (c >= 65 && c <= 90 && b[pos + 3] === 32) {
          count[SYS]++;
        } else {
          count[RAW]++;
          if (this.rawSample.length < this.opts.maxRawSample) this.sampleRawAt(b, pos, nl, n);
        }
      }
      pos = nl + 1;
    }
    return n;
  }

  /** A raw line b[pos, nl) for the sample (at most 300 bytes of it). */
  private sampleRawAt(b: Buffer, pos: number, nl: number, n: number): void {
    let e = nl;
    if (e > pos && b[e - 1] === 13) e--;
    if (e > pos) this.rawSample.push({ file: this.file, line: n, text: b.toString('utf8', pos, Math.min(e, pos + 300)) });
  }

  /**
   * A position inside the first marker at or after `from` in b[from, end), or NONE. The bytes are
   * searched as latin1 text (one character per byte, so positions match; bytes ≥ 0x80 never fold
   * to ASCII letters) in windows small enough to be short-lived strings; windows overlap by the
   * longest marker less one, so a marker across a window's edge is found.
   */
  private nextMarker(b: Buffer, from: number, end: number): number {
    const re = this.markers;
    while (from < end) {
      if (from < this.winStart || from >= this.winEnd) {
        this.winStart = from;
        this.winEnd = Math.min(end, from + MARKER_WINDOW);
        this.win = b.toString('latin1', from, this.winEnd);
      }
      re.lastIndex = from - this.winStart;
      if (re.test(this.win)) return this.winStart + re.lastIndex - 1;
      if (this.winEnd >= end) break;
      // the next window starts early enough to hold a marker across this one's edge (none before `from`)
      from = Math.max(from, this.winEnd - (MARKER_MAX - 1));
      this.winStart = this.winEnd = -1;
    }
    return NONE;
  }

  /** One candidate line b[pos, nl) (line `n`): parsed and handled. Returns its shape (APP, SYS, VCB, RAW). */
  private candidate(b: Buffer, pos: number, nl: number, n: number): number {
    let e = nl;
    if (e > pos && b[e - 1] === 13) e--;
    const c = b[pos];
    const upper = c >= 65 && c <= 90;
    if (upper) {
      // Possibly syslog: give the time context the latest full date first.
      if (this.fullPos >= 0) this.anchorAt(b);
      else if (this.fullHead !== undefined) this.anchor(this.fullHead);
      this.fullPos = -1;
      this.fullHead = undefined;
    }
    if (this.fast && this.clean(b, pos, e)) {
      if (upper) {
        const sl = this.sl;
        if (readSyslog(b, pos, e, sl)) {
          this.fastRecord(b, pos, e, n, 'syslog', this.tc.syslog(sl.mo, sl.d, sl.h, sl.mi, sl.s), sl.msg, undefined);
          return SYS;
        }
      } else {
        const fl = this.fl;
        const k = readFastLine(b, pos, e, this.tc, fl);
        if (k === FAST_APPLIANCE || k === FAST_VCBAPI) {
          this.tc.sawFull(fl.time);
          this.fullPos = -1;
          this.fullHead = undefined;
          const vcb = k === FAST_VCBAPI;
          this.fastRecord(b, pos, e, n, vcb ? 'vcbapi' : 'appliance', fl.time, fl.msg, vcb ? fl.level : undefined);
          return vcb ? VCB : APP;
        }
      }
    }
    const rec = parseLogLine(b.toString('utf8', pos, e), this.file, n, this.tc);
    let shape = RAW;
    switch (rec.shape) {
      case 'appliance': shape = APP; this.fullPos = -1; this.fullHead = undefined; break;
      case 'vcbapi': shape = VCB; this.fullPos = -1; this.fullHead = undefined; break;
      case 'syslog': shape = SYS; break;
      default: this.sampleRaw(rec);
    }
    this.handle(rec);
    return shape;
  }

  /** `anchor` on the head (48 bytes, as latin1) of this chunk's last unparsed full-dated line, from the bytes when it reads there. */
  private anchorAt(b: Buffer): void {
    const p = this.fullPos;
    const e = Math.min(this.fullEnd, p + 48);
    if (this.fast && this.clean(b, p, e)) {
      const k = readFastLine(b, p, e, this.tc, this.fl);
      if (k === FAST_APPLIANCE || k === FAST_VCBAPI) { this.tc.sawFull(this.fl.time); return; }
      if (k === FAST_NONE) return; // a raw record: parsing it records no time
    }
    this.anchor(b.toString('latin1', p, e));
  }

  /** True when b[p, e) holds no `\r` and no E2 80 (the lead of U+2028/U+2029): the fast path may read it. */
  private clean(b: Buffer, p: number, e: number): boolean {
    if (this.nextCr < p) { const i = b.indexOf(13, p); this.nextCr = i < 0 ? NONE : i; }
    if (this.nextCr < e) return false;
    if (this.nextLs < p) { const i = b.indexOf(LS_LEAD, p); this.nextLs = i < 0 ? NONE : i; }
    return this.nextLs >= e;
  }

  /** A line read from the bytes (its time, where its message starts, its vcbAPI level): classified and handed to the runs. */
  private fastRecord(b: Buffer, pos: number, e: number, n: number, shape: LogRecord['shape'], time: number, msg: number, level: string | undefined): void {
    // The message is looked up by its bytes: a message seen before makes no string.
    const memo = this.memoFor(shape, level, this.file);
    let c: Classified | undefined;
    const ls = this.piece;
    if (ls && memo.kind >= 0) {
      const r = ls.memo(memo.kind, msg - this.pieceAt, e - this.pieceAt);
      // a new key's index may hold what an emptied memo's key meant: forget that before classifying
      if (r <= -2) memoValues[-2 - r] = undefined;
      c = r >= 0 ? memoValues[r] : undefined;
      if (!c) {
        c = classifyOnce(shape, level, b.toString('utf8', msg, e), this.file);
        if (r !== -1) memoValues[r >= 0 ? r : -2 - r] = c;
      }
    } else {
      const bytes = (memo.bytes ??= new ByteMemo(MEMO_MAX));
      const h = hashBytes(b, msg, e);
      c = bytes.get(b, msg, e, h);
      if (!c) {
        c = classifyOnce(shape, level, b.toString('utf8', msg, e), this.file);
        bytes.set(b, msg, e, h, c);
      }
    }
    if (c.job) {
      this.runs.job(c.job, { file: this.file, line: n, time }, b.toString('utf8', pos, e));
    } else if (c.error) {
      this.lb = b;
      this.lineStart = pos;
      this.lineEnd = e;
      this.runs.errorAt(c.error, this.file, n, time, this);
    }
  }

  /** The line `fastRecord` is handing to the runs (LineSource). */
  lineText(): string {
    return this.lb.toString('utf8', this.lineStart, this.lineEnd);
  }

  /** Feeds the time context the timestamp of a full-dated line that was otherwise skipped. */
  private anchor(head: string): void {
    parseLogLine(head, this.file, 0, this.tc); // records the time in the context as a side effect
  }

  private sampleRaw(r: LogRecord): void {
    if (r.text.length && this.rawSample.length < this.opts.maxRawSample) {
      this.rawSample.push({ file: r.file, line: r.line, text: r.text.slice(0, 300) });
    }
  }

  /** Updates jobs, VMs and error groups from one parsed record. */
  handle(r: LogRecord): void {
    this.opts.onRecord?.(r);
    const pos: LogPos = { file: r.file, line: r.line };
    if (r.time !== undefined) pos.time = r.time;
    if (this.vmwareLog) {
      const ev = vmwareLogEvent(r);
      if (ev) this.runs.error(ev, pos, r.text);
      return;
    }
    const c = this.classify(r);
    if (c.job) this.runs.job(c.job, pos, r.text);
    else if (c.error) this.runs.error(c.error, pos, r.text);
  }

  /**
   * `jobEvent(message)` then `errorEvent(record)`, remembered per message: a bad night repeats the
   * same few messages hundreds of thousands of times. Both are pure functions of the message, the
   * error source (the shape, or the file's name) and the vcbAPI level, which pick the memo; the runs
   * only read the events, so one event object serves every line with that message.
   */
  private classify(r: LogRecord): Classified {
    return this.classifyMsg(r.shape, r.level, r.message, r.file);
  }

  private classifyMsg(shape: LogRecord['shape'], level: string | undefined, message: string, file: string): Classified {
    const memo = this.memoFor(shape, level, file).text;
    let c = memo.get(message);
    if (!c) {
      c = classifyOnce(shape, level, message, file);
      if (memo.size >= MEMO_MAX) memo.clear();
      memo.set(message, c);
    }
    return c;
  }

  /** The memo of a line's error source: the datarecovery one, or the vcbAPI one of its level. */
  private memoFor(shape: LogRecord['shape'], level: string | undefined, file: string): Memo {
    if (file !== this.vcbFile[0]) this.vcbFile = [file, /vcbAPI/i.test(file)];
    if (shape !== 'vcbapi' && !this.vcbFile[1]) return this.memoVdr;
    const lv = level ?? '';
    let memo = this.memoVcb.get(lv);
    if (!memo) {
      // levels are a handful (error, warning, info, verbose…); a log inventing more cannot grow this
      if (this.memoVcb.size >= MEMO_LEVELS) this.memoVcb.clear();
      this.memoVcb.set(lv, (memo = newMemo(vcbKind(lv))));
    }
    return memo;
  }

  result(): LogAnalysis {
    return {
      files: this.files.map((f) => ({ ...f })),
      lines: { ...this.lines },
      rawSample: [...this.rawSample],
      ...this.runs.result(),
    };
  }
}
