/**
 * VMware Data Recovery appliance logs: `datarecovery-N.log` (main log) and `vcbAPI-N.log` (VDDK layer).
 *
 * Line shapes (DOMAIN.md §1, from elatov.github.io 2012-09-01 and 2012-05 posts on VDR):
 *   appliance  `7/7/2012 18:06:28.000: 0x0123e6a8: $[*20750]Trouble reading files, error -3956 ( operation failed)`
 *   syslog     `Aug 17 14:06:14 vdr datarecovery: Job "Integrity Check" incomplete`
 *   vcbAPI     `2012-07-08T18:04:52.804-04:00 [4B5C7940 error 'Default'] vcbAPI::Snapshot::Read: Main read failed … error: 2338`
 * Anything else is kept as a `raw` record with its line number.
 *
 * Speed: the analyzer works on bytes. It walks lines with `Buffer.indexOf(10)` (native) and finds
 * candidate lines by native substring search for a few markers ("rror", "Job", "ailed", "-39",
 * "-22") across the whole chunk, so a line that has none of them costs only the newline search and
 * a first-byte shape check. Only candidate lines are decoded to strings and run through a regex.
 * Memory stays flat: one chunk at a time, the split line at a chunk boundary is the only carry, and
 * every collection in the result is bounded (see `LogAnalysisOptions`).
 *
 * Timestamps → epoch ms:
 *   appliance  month/day/year (US order; if the first number is > 12 it is taken as the day),
 *              wall clock of the appliance, converted with `utcOffsetMinutes`.
 *   vcbAPI     ISO 8601 with its own offset (exact). Its offset is also the appliance's local offset,
 *              so `analyzeLogFiles` uses the first one it sees as the default `utcOffsetMinutes`.
 *   syslog     no year. The year is inferred: (1) if a line with a full date (appliance or vcbAPI)
 *              was seen earlier in the run, the year that puts the syslog time nearest to it;
 *              (2) otherwise from the file's reference time (its mtime, or now): the latest year that
 *              does not put the line more than a day after the reference; (3) afterwards, a month
 *              going back by more than six (Dec → Jan) moves to the next year.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { CancelledError } from '../errors';

export type LogShape = 'appliance' | 'syslog' | 'vcbapi' | 'raw';

/** One parsed line. */
export interface LogRecord {
  file: string;
  /** 1-based line number. */
  line: number;
  shape: LogShape;
  /** Epoch ms, when the shape carries a time. */
  time?: number;
  /** vcbAPI level ("error", "info", "verbose"…). */
  level?: string;
  /** Thread / context id: appliance `0x0123e6a8`, vcbAPI `4B5C7940`. */
  thread?: string;
  /** Appliance session tag `$[*20750]` → "20750". */
  session?: string;
  /** syslog host and program. */
  host?: string;
  program?: string;
  /** vcbAPI logger name ('Default'). */
  logger?: string;
  /** The text after the prefix (the whole line for raw). */
  message: string;
  /** The whole line (without the line break). */
  text: string;
}

export type JobOutcome = 'completed' | 'incomplete' | 'terminated-at-stop-time' | 'failed' | 'running';

/** A position in the logs. */
export interface LogPos {
  file: string;
  line: number;
  time?: number;
}

/** One run of a job. A run starts at the first line that mentions it and ends at its outcome line. */
export interface JobRun {
  /** The name as logged, e.g. `All_Other_VMs_Backup_Job (VM0)`. */
  name: string;
  /** The job without the VM suffix: `All_Other_VMs_Backup_Job`. */
  job: string;
  vms: string[];
  outcome: JobOutcome;
  start: LogPos;
  end?: LogPos;
  /** The outcome line. */
  evidence?: EvidenceLine;
  /** Error codes (group keys) logged while this run was open. */
  errorKeys: string[];
}

export interface EvidenceLine extends LogPos {
  text: string;
}

export interface ErrorGroup {
  /** Grouping key: "-3956", "vcbAPI:2338", or "msg:<normalised message>". */
  key: string;
  /** Numeric code as printed ("-3960", "2338"), when there is one. */
  code?: string;
  /** Which layer printed it. */
  source: 'datarecovery' | 'vcbAPI';
  /** The meaning the log prints next to the code, e.g. "cannot quiesce virtual machine". */
  meaning?: string;
  count: number;
  first: EvidenceLine;
  last: EvidenceLine;
  /** The first few lines, bounded by `maxSamplesPerGroup`. */
  samples: EvidenceLine[];
  /** VMs named on these lines (vcbAPI disk paths, job names), bounded. */
  vms: string[];
  /**
   * For lines that name no VM: the VMs whose job runs were open when each was logged, with how many
   * such lines (bounded). A line logged while runs of several VMs were open counts for each of them.
   */
  duringRuns: { vm: string; lines: number }[];
  /** Lines naming no VM that were logged while runs of more than one VM were open. */
  linesSeveralVms: number;
  /** Lines naming no VM that were logged while no job run of a VM was open. */
  linesNoRun: number;
}

export interface VmOutcome {
  vm: string;
  runs: number;
  outcomes: Partial<Record<JobOutcome, number>>;
  last?: { outcome: JobOutcome; pos: LogPos };
  errorKeys: string[];
}

export interface LogFileSummary {
  file: string;
  kind: LogKind;
  lines: number;
  bytes: number;
}

export interface LogAnalysis {
  files: LogFileSummary[];
  lines: { total: number; appliance: number; syslog: number; vcbapi: number; raw: number };
  /** A few unrecognised lines, for the curious. */
  rawSample: EvidenceLine[];
  jobs: JobRun[];
  /** Runs dropped from `jobs` (oldest first) to keep it bounded. */
  jobsDropped: number;
  vms: VmOutcome[];
  /** Sorted by count, highest first. */
  errors: ErrorGroup[];
  /** Error lines folded into "(other)" once `maxGroups` was reached. */
  errorsOverflow: number;
}

export interface LogAnalysisOptions {
  /** Offset of the appliance's local time from UTC, for shapes without one. Default 0 (or from vcbAPI). */
  utcOffsetMinutes?: number;
  /** Reference time for syslog year inference when no full date was seen. Default: file mtime / now. */
  referenceTime?: number;
  maxSamplesPerGroup?: number;
  maxGroups?: number;
  maxJobs?: number;
  maxVms?: number;
  maxRawSample?: number;
  /** Called for every candidate line the analyzer parses (not every line; use `readLogRecords` for that). */
  onRecord?: (r: LogRecord) => void;
}

export type LogKind = 'datarecovery' | 'vcbapi' | 'other';

// ---------------------------------------------------------------------------------------------
// Time
// ---------------------------------------------------------------------------------------------

const MONTHS: Record<string, number> = {
  Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11,
};
const DAY = 86_400_000;

/** Carries what timestamp parsing needs from line to line (see the module comment for syslog years). */
export class TimeContext {
  utcOffsetMinutes: number;
  /** Fallback reference for syslog years: file mtime or now. */
  reference: number;
  private lastFull?: number;
  private anchorStale = false;
  private syslogYear?: number;
  private lastSyslogMonth = -1;

  constructor(utcOffsetMinutes = 0, reference = Date.now()) {
    this.utcOffsetMinutes = utcOffsetMinutes;
    this.reference = reference;
  }

  /** A new file begins; its reference time is its mtime (when known). */
  beginFile(reference?: number): void {
    if (reference !== undefined) this.reference = reference;
    if (this.lastFull === undefined) { this.syslogYear = undefined; this.lastSyslogMonth = -1; }
  }

  /** True once a line with a full date has been seen. */
  get hasFullDate(): boolean {
    return this.lastFull !== undefined;
  }

  /** Records a time that carried a full date. */
  sawFull(t: number): void {
    this.lastFull = t;
    this.anchorStale = true;
  }

  wall(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number {
    return Date.UTC(y, mo, d, h, mi, s, ms) - this.utcOffsetMinutes * 60_000;
  }

  syslog(mo: number, d: number, h: number, mi: number, s: number): number {
    if (this.lastFull !== undefined && (this.anchorStale || this.syslogYear === undefined)) {
      const y0 = new Date(this.lastFull).getUTCFullYear();
      let best = y0;
      let bestDist = Infinity;
      for (const y of [y0 - 1, y0, y0 + 1]) {
        const dist = Math.abs(this.wall(y, mo, d, h, mi, s, 0) - this.lastFull);
        if (dist < bestDist) { bestDist = dist; best = y; }
      }
      this.syslogYear = best;
      this.anchorStale = false;
    } else if (this.syslogYear === undefined) {
      let y = new Date(this.reference).getUTCFullYear();
      if (this.wall(y, mo, d, h, mi, s, 0) > this.reference + DAY) y -= 1;
      this.syslogYear = y;
    } else if (this.lastSyslogMonth >= 0 && mo < this.lastSyslogMonth - 6) {
      this.syslogYear += 1;
    }
    this.lastSyslogMonth = mo;
    return this.wall(this.syslogYear, mo, d, h, mi, s, 0);
  }
}

// ---------------------------------------------------------------------------------------------
// Line parsing (string level; used on candidate lines and by readLogRecords)
// ---------------------------------------------------------------------------------------------

const RE_APPLIANCE = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?:\s*(?:(0x[0-9a-fA-F]+):\s*)?(?:\$\[\*?([^\]]*)\]\s*)?(.*)$/;
const RE_SYSLOG = /^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\S+) ([^:[\s]+)(?:\[\d+\])?: ?(.*)$/;
const RE_VCBAPI = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}:?\d{2})? \[([0-9A-Fa-f]+) (\w+) '([^']*)'[^\]]*\] ?(.*)$/;

function msPart(s: string | undefined): number {
  if (!s) return 0;
  return Number((s + '00').slice(0, 3));
}

/** Parses one line in any known shape; unknown shapes come back as `raw`. */
export function parseLogLine(text: string, file: string, line: number, tc: TimeContext): LogRecord {
  const c = text.charCodeAt(0);
  if (c >= 48 && c <= 57) {
    if (text.charCodeAt(4) === 45) {
      const m = RE_VCBAPI.exec(text);
      if (m) {
        let offMin = 0;
        const z = m[8];
        if (z && z !== 'Z') {
          const sign = z[0] === '-' ? -1 : 1;
          const digits = z.slice(1).replace(':', '');
          offMin = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
        }
        const time = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], msPart(m[7])) - offMin * 60_000;
        tc.sawFull(time);
        return { file, line, shape: 'vcbapi', time, thread: m[9], level: m[10].toLowerCase(), logger: m[11], message: m[12], text };
      }
    } else {
      const m = RE_APPLIANCE.exec(text);
      if (m) {
        let mo = +m[1];
        let d = +m[2];
        if (mo > 12 && d <= 12) { const t = mo; mo = d; d = t; }
        const time = tc.wall(+m[3], mo - 1, d, +m[4], +m[5], +m[6], msPart(m[7]));
        tc.sawFull(time);
        const r: LogRecord = { file, line, shape: 'appliance', time, message: m[10], text };
        if (m[8]) r.thread = m[8];
        if (m[9] !== undefined) r.session = m[9];
        return r;
      }
    }
  } else if (c >= 65 && c <= 90) {
    const m = RE_SYSLOG.exec(text);
    if (m && MONTHS[m[1]] !== undefined) {
      const time = tc.syslog(MONTHS[m[1]], +m[2], +m[3], +m[4], +m[5]);
      return { file, line, shape: 'syslog', time, host: m[6], program: m[7], message: m[8], text };
    }
  }
  return { file, line, shape: 'raw', message: text, text };
}

// ---------------------------------------------------------------------------------------------
// Message classification
// ---------------------------------------------------------------------------------------------

/** `error -3956 ( operation failed)` — VDR's code with its printed meaning. */
const RE_VDR_CODE = /error\s+(-\d+)\s*(?:\(\s*([^)]*?)\s*\))?/i;
/** vcbAPI `…, error: 2338`. */
const RE_VCB_CODE = /error:\s*(-?\d+)/i;
/** `Job "NAME" rest` or `Job terminated at specified stop time.` */
const RE_JOB = /\bJob\s+"([^"]+)"\s*(.*)$/;
const RE_JOB_STOP = /\bJob terminated at specified stop time/i;
/** VM suffix inside a job name: `All_Other_VMs_Backup_Job (VM0)`. */
const RE_JOB_VM = /^(.*?)\s*\(([^()]+)\)$/;
/** A datastore path `[SAN] Email/Email-000001.vmdk` → VM folder "Email". */
const RE_DS_PATH = /\[([^\]]+)\]\s*([^/\s,]+)\/[^\s,]*\.vmdk/i;

export interface JobEvent {
  name: string;
  job: string;
  vm?: string;
  /** undefined: a mention that is not an outcome (the run is in progress). */
  outcome?: JobOutcome;
  /** True for `Job terminated at specified stop time.` without a name. */
  stopTime?: boolean;
}

export interface ErrorEvent {
  key: string;
  code?: string;
  meaning?: string;
  source: 'datarecovery' | 'vcbAPI';
  vm?: string;
}

export function classifyOutcome(rest: string): JobOutcome | undefined {
  const r = rest.toLowerCase();
  if (r.includes('completed successfully') || /^completed\b/.test(r) || /^succeeded\b/.test(r)) return 'completed';
  if (r.includes('terminated at specified stop time')) return 'terminated-at-stop-time';
  if (r.includes('incomplete')) return 'incomplete';
  if (r.includes('fail') || r.includes('error') || r.includes('aborted')) return 'failed';
  return undefined;
}

export function jobEvent(message: string): JobEvent | undefined {
  const m = RE_JOB.exec(message);
  if (m) {
    const name = m[1];
    const vm = RE_JOB_VM.exec(name);
    const ev: JobEvent = { name, job: vm ? vm[1] : name, outcome: classifyOutcome(m[2]) };
    if (vm) ev.vm = vm[2];
    return ev;
  }
  if (RE_JOB_STOP.test(message)) return { name: '', job: '', outcome: 'terminated-at-stop-time', stopTime: true };
  return undefined;
}

/** Lowercases nothing; replaces numbers and hex with `#` and trims, so similar messages group together. */
export function normaliseMessage(msg: string): string {
  return msg
    .replace(/\[[^\]]*\][^,\s]*(?:\s[^,\s]*\.vmdk)?/g, '[…]')
    .replace(/0x[0-9a-f]+/gi, '#')
    .replace(/\d+/g, '#')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 120);
}

/** Does this record report an error? Returns how to group it. */
export function errorEvent(r: LogRecord): ErrorEvent | undefined {
  const msg = r.message;
  const source: ErrorEvent['source'] = r.shape === 'vcbapi' || /vcbAPI/i.test(r.file) ? 'vcbAPI' : 'datarecovery';
  const ds = RE_DS_PATH.exec(msg);
  const vm = ds ? ds[2] : undefined;
  let ev: ErrorEvent | undefined;
  const vdr = RE_VDR_CODE.exec(msg);
  if (vdr) {
    ev = { key: vdr[1], code: vdr[1], source };
    if (vdr[2]) ev.meaning = vdr[2];
  } else if (source === 'vcbAPI') {
    const vcb = RE_VCB_CODE.exec(msg);
    if (vcb) ev = { key: `vcbAPI:${vcb[1]}`, code: vcb[1], source };
    else if (r.level === 'error' || /\bfail(?:ed|ure)\b|\berror\b/i.test(msg)) ev = { key: `msg:${normaliseMessage(msg)}`, source };
  } else if (/\b(?:fail(?:ed|ure)?|error|trouble)\b/i.test(msg) && !jobEvent(msg)) {
    ev = { key: `msg:${normaliseMessage(msg)}`, source };
  }
  if (ev && vm) ev.vm = vm;
  return ev;
}

// ---------------------------------------------------------------------------------------------
// The analyzer
// ---------------------------------------------------------------------------------------------

const MARKERS = ['rror', 'Job', 'ailed', '-39', '-22'].map((s) => Buffer.from(s, 'latin1'));
const MAX_LINE = 1 << 20;
const NEWLINE = Buffer.from('\n');

function fileKind(file: string): LogKind {
  const b = path.basename(file).toLowerCase();
  if (b.includes('vcbapi')) return 'vcbapi';
  if (b.includes('datarecovery')) return 'datarecovery';
  return 'other';
}

function pushBounded<T>(arr: T[], v: T, max: number): void {
  if (arr.length < max && !arr.includes(v)) arr.push(v);
}

/**
 * Streaming analyzer: feed it files (in time order) with `consume`, then read `result()`.
 * Memory is bounded by the options, not by the input size.
 */
export class LogAnalyzer {
  readonly tc: TimeContext;
  private readonly opts: Required<Omit<LogAnalysisOptions, 'onRecord' | 'utcOffsetMinutes' | 'referenceTime'>> & Pick<LogAnalysisOptions, 'onRecord'>;
  private readonly files: LogFileSummary[] = [];
  private readonly lines = { total: 0, appliance: 0, syslog: 0, vcbapi: 0, raw: 0 };
  private readonly rawSample: EvidenceLine[] = [];
  private readonly jobs: JobRun[] = [];
  private jobsDropped = 0;
  private readonly open = new Map<string, JobRun>();
  private readonly vms = new Map<string, VmOutcome>();
  private readonly groups = new Map<string, ErrorGroup>();
  private errorsOverflow = 0;
  // Per-file state.
  private file = '';
  private lineNo = 0;
  private cur?: LogFileSummary;
  /** Head of the last full-dated line of an earlier chunk that was not parsed. */
  private fullHead?: string;

  constructor(opts: LogAnalysisOptions = {}) {
    this.tc = new TimeContext(opts.utcOffsetMinutes ?? 0, opts.referenceTime ?? Date.now());
    this.opts = {
      maxSamplesPerGroup: opts.maxSamplesPerGroup ?? 5,
      maxGroups: opts.maxGroups ?? 200,
      maxJobs: opts.maxJobs ?? 5000,
      maxVms: opts.maxVms ?? 5000,
      maxRawSample: opts.maxRawSample ?? 20,
      onRecord: opts.onRecord,
    };
  }

  /** Reads one file's bytes (a Readable or any async iterable of chunks). */
  async consume(source: AsyncIterable<Buffer | Uint8Array | string> | Iterable<Buffer | Uint8Array | string>, file: string, reference?: number): Promise<void> {
    this.beginFile(file, reference);
    let carry: Buffer | undefined;
    for await (const raw of source) {
      const chunk = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
      this.cur!.bytes += chunk.length;
      let start = 0;
      if (carry) {
        // A line split across chunks. Lines longer than MAX_LINE keep only their head.
        const nl = chunk.indexOf(10);
        if (nl < 0) {
          if (carry.length < MAX_LINE) carry = Buffer.concat([carry, chunk.subarray(0, MAX_LINE - carry.length)]);
          continue;
        }
        const head = carry.length < MAX_LINE ? chunk.subarray(0, Math.min(nl, MAX_LINE - carry.length)) : chunk.subarray(0, 0);
        const joined = Buffer.concat([carry, head, NEWLINE]);
        this.scan(joined, 0, joined.length);
        carry = undefined;
        start = nl + 1;
      }
      const lastNl = chunk.lastIndexOf(10);
      if (lastNl < start) {
        // Own copy: a stream may reuse its buffer.
        if (start < chunk.length) carry = Buffer.from(chunk.subarray(start, start + MAX_LINE));
        continue;
      }
      this.scan(chunk, start, lastNl + 1);
      if (lastNl + 1 < chunk.length) carry = Buffer.from(chunk.subarray(lastNl + 1, lastNl + 1 + MAX_LINE));
    }
    if (carry && carry.length) {
      const withNl = Buffer.concat([carry, NEWLINE]);
      this.scan(withNl, 0, withNl.length);
    }
  }

  /** Consumes lines already split (small inputs, tests). */
  async consumeText(text: string, file: string, reference?: number): Promise<void> {
    await this.consume([Buffer.from(text, 'utf8')], file, reference);
  }

  private beginFile(file: string, reference?: number): void {
    this.file = file;
    this.lineNo = 0;
    this.cur = { file, kind: fileKind(file), lines: 0, bytes: 0 };
    this.fullHead = undefined;
    this.files.push(this.cur);
    this.tc.beginFile(reference);
  }

  /** Walks complete lines in b[start, end) (end is just after a newline). */
  private scan(b: Buffer, start: number, end: number): void {
    const nm = MARKERS.length;
    const next = new Array<number>(nm);
    let hit = Infinity;
    for (let k = 0; k < nm; k++) {
      const i = b.indexOf(MARKERS[k], start);
      next[k] = i < 0 || i >= end ? Infinity : i;
      if (next[k] < hit) hit = next[k];
    }
    const lines = this.lines;
    // Per-shape counters in locals (cheap first-bytes check for lines that are not parsed).
    let cApp = 0;
    let cSys = 0;
    let cVcb = 0;
    let cRaw = 0;
    // The last full-dated line that was not parsed: syslog lines need a recent one for their year.
    let fullPos = -1;
    let fullEnd = 0;
    let pos = start;
    const firstLine = this.lineNo;
    let n = firstLine;
    while (pos < end) {
      const nl = b.indexOf(10, pos);
      n++;
      if (hit < nl) {
        let e = nl;
        if (e > pos && b[e - 1] === 13) e--;
        const c = b[pos];
        if (c >= 65 && c <= 90) {
          // Possibly syslog: give the time context the latest full date first.
          if (fullPos >= 0) this.anchor(b.toString('latin1', fullPos, Math.min(fullEnd, fullPos + 48)));
          else if (this.fullHead !== undefined) this.anchor(this.fullHead);
          fullPos = -1;
          this.fullHead = undefined;
        }
        const rec = parseLogLine(b.toString('utf8', pos, e), this.file, n, this.tc);
        switch (rec.shape) {
          case 'appliance': cApp++; fullPos = -1; this.fullHead = undefined; break;
          case 'vcbapi': cVcb++; fullPos = -1; this.fullHead = undefined; break;
          case 'syslog': cSys++; break;
          default: cRaw++; this.sampleRaw(rec);
        }
        this.handle(rec);
        hit = Infinity;
        for (let k = 0; k < nm; k++) {
          if (next[k] <= nl) {
            const i = b.indexOf(MARKERS[k], nl + 1);
            next[k] = i < 0 || i >= end ? Infinity : i;
          }
          if (next[k] < hit) hit = next[k];
        }
      } else {
        const c = b[pos];
        if (c >= 48 && c <= 57 && b[pos + 4] === 45 && b[pos + 10] === 84) {
          cVcb++; fullPos = pos; fullEnd = nl;
        } else if (c >= 48 && c <= 57 && (b[pos + 1] === 47 || b[pos + 2] === 47)) {
          cApp++; fullPos = pos; fullEnd = nl;
        } else if (c >= 65 && c <= 90 && b[pos + 3] === 32) {
          cSys++;
        } else {
          cRaw++;
          if (this.rawSample.length < this.opts.maxRawSample) {
            let e = nl;
            if (e > pos && b[e - 1] === 13) e--;
            if (e > pos) this.rawSample.push({ file: this.file, line: n, text: b.toString('utf8', pos, Math.min(e, pos + 300)) });
          }
        }
      }
      pos = nl + 1;
    }
    // The chunk's memory may be reused by the reader: keep only the head of the pending line.
    if (fullPos >= 0) this.fullHead = b.toString('latin1', fullPos, Math.min(fullEnd, fullPos + 48));
    lines.appliance += cApp;
    lines.syslog += cSys;
    lines.vcbapi += cVcb;
    lines.raw += cRaw;
    lines.total += n - firstLine;
    this.cur!.lines += n - firstLine;
    this.lineNo = n;
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
    const job = jobEvent(r.message);
    if (job) {
      this.onJob(job, pos, r.text);
      return;
    }
    const err = errorEvent(r);
    if (err) this.onError(err, pos, r.text);
  }

  private onJob(j: JobEvent, pos: LogPos, text: string): void {
    if (j.stopTime) {
      // The backup window closed: every run still open stops here.
      if (this.open.size === 0) {
        this.finish({ name: '(backup window)', job: '(backup window)', vms: [], outcome: 'terminated-at-stop-time', start: pos, end: pos, evidence: { ...pos, text }, errorKeys: [] });
      }
      for (const run of [...this.open.values()]) {
        run.outcome = 'terminated-at-stop-time';
        run.end = pos;
        run.evidence = { ...pos, text };
        this.open.delete(run.name);
        this.finish(run);
      }
      return;
    }
    let run = this.open.get(j.name);
    if (!run) {
      run = { name: j.name, job: j.job, vms: j.vm ? [j.vm] : [], outcome: 'running', start: pos, errorKeys: [] };
      if (j.outcome === undefined) {
        if (this.open.size >= this.opts.maxJobs) return;
        this.open.set(j.name, run);
        return;
      }
    }
    if (j.outcome === undefined) return;
    run.outcome = j.outcome;
    run.end = pos;
    run.evidence = { ...pos, text };
    this.open.delete(j.name);
    this.finish(run);
  }

  private finish(run: JobRun): void {
    if (this.jobs.length >= this.opts.maxJobs) { this.jobs.shift(); this.jobsDropped++; }
    this.jobs.push(run);
    for (const vm of run.vms) {
      const o = this.vmOutcome(vm);
      if (!o) continue;
      o.runs++;
      o.outcomes[run.outcome] = (o.outcomes[run.outcome] ?? 0) + 1;
      o.last = { outcome: run.outcome, pos: run.end ?? run.start };
      for (const k of run.errorKeys) pushBounded(o.errorKeys, k, 50);
    }
  }

  private vmOutcome(vm: string): VmOutcome | undefined {
    let o = this.vms.get(vm);
    if (!o) {
      if (this.vms.size >= this.opts.maxVms) return undefined;
      o = { vm, runs: 0, outcomes: {}, errorKeys: [] };
      this.vms.set(vm, o);
    }
    return o;
  }

  private onError(e: ErrorEvent, pos: LogPos, text: string): void {
    let g = this.groups.get(e.key);
    const line: EvidenceLine = { ...pos, text: text.length > 500 ? text.slice(0, 500) + '…' : text };
    if (!g) {
      if (this.groups.size >= this.opts.maxGroups) {
        this.errorsOverflow++;
        return;
      }
      g = { key: e.key, source: e.source, count: 0, first: line, last: line, samples: [], vms: [], duringRuns: [], linesSeveralVms: 0, linesNoRun: 0 };
      if (e.code) g.code = e.code;
      if (e.meaning) g.meaning = e.meaning;
      this.groups.set(e.key, g);
    }
    g.count++;
    g.last = line;
    if (g.samples.length < this.opts.maxSamplesPerGroup) g.samples.push(line);
    if (e.vm) {
      pushBounded(g.vms, e.vm, 50);
      const o = this.vmOutcome(e.vm);
      if (o) pushBounded(o.errorKeys, e.key, 50);
    } else {
      // The line names no VM: the VMs whose job runs are open now are the candidates.
      const open = new Set<string>();
      for (const run of this.open.values()) for (const vm of run.vms) open.add(vm);
      if (open.size === 0) g.linesNoRun++;
      else if (open.size > 1) g.linesSeveralVms++;
      for (const vm of open) {
        const d = g.duringRuns.find((x) => x.vm === vm);
        if (d) d.lines++;
        else if (g.duringRuns.length < 50) g.duringRuns.push({ vm, lines: 1 });
      }
    }
    for (const run of this.open.values()) pushBounded(run.errorKeys, e.key, 50);
  }

  result(): LogAnalysis {
    const jobs = [...this.jobs, ...[...this.open.values()].map((r) => ({ ...r }))];
    const errors = [...this.groups.values()].sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
    return {
      files: this.files.map((f) => ({ ...f })),
      lines: { ...this.lines },
      rawSample: [...this.rawSample],
      jobs,
      jobsDropped: this.jobsDropped,
      vms: [...this.vms.values()].sort((a, b) => a.vm.localeCompare(b.vm)),
      errors,
      errorsOverflow: this.errorsOverflow,
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Every record (slow path: every line decoded)
// ---------------------------------------------------------------------------------------------

/** Yields every line of a source as a record, raw ones included. */
export async function* readLogRecords(
  source: AsyncIterable<Buffer | Uint8Array | string> | Iterable<Buffer | Uint8Array | string>, file: string, tc: TimeContext = new TimeContext(),
): AsyncGenerator<LogRecord> {
  let carry = '';
  let n = 0;
  const decoder = new TextDecoder('utf-8');
  for await (const raw of source) {
    const s = carry + (typeof raw === 'string' ? raw : decoder.decode(raw, { stream: true }));
    const parts = s.split('\n');
    carry = parts.pop() ?? '';
    for (const p of parts) {
      n++;
      yield parseLogLine(p.endsWith('\r') ? p.slice(0, -1) : p, file, n, tc);
    }
  }
  carry += decoder.decode();
  if (carry) yield parseLogLine(carry.endsWith('\r') ? carry.slice(0, -1) : carry, file, n + 1, tc);
}

// ---------------------------------------------------------------------------------------------
// Files: rotation order and the whole set
// ---------------------------------------------------------------------------------------------

export interface LogFileInfo {
  file: string;
  kind: LogKind;
  /** N in `name-N.log`, when present. */
  rotation?: number;
  /** First full-dated (or mtime-anchored syslog) time found in the file's head. */
  firstTime?: number;
  /** First time from a line that carries its year (appliance or vcbAPI shape) in the head. */
  firstFullTime?: number;
  /** UTC offset printed by a vcbAPI line in the head, in minutes. */
  utcOffsetMinutes?: number;
  mtime?: number;
}

/** Reads the head of a file for its first timestamp (and a vcbAPI offset). */
export async function peekLogFile(file: string, headBytes = 65536): Promise<LogFileInfo> {
  const info: LogFileInfo = { file, kind: fileKind(file) };
  const rot = /-(\d+)\.log$/i.exec(path.basename(file));
  if (rot) info.rotation = Number(rot[1]);
  const fh = await fsp.open(file, 'r');
  try {
    const st = await fh.stat();
    info.mtime = st.mtimeMs;
    const buf = Buffer.alloc(Math.min(headBytes, st.size));
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const tc = new TimeContext(0, st.mtimeMs);
    const lines = buf.toString('utf8', 0, bytesRead).split('\n');
    if (bytesRead === headBytes) lines.pop();
    let n = 0;
    for (const l of lines) {
      const r = parseLogLine(l.replace(/\r$/, ''), file, ++n, tc);
      if (r.shape === 'vcbapi' && info.utcOffsetMinutes === undefined) {
        const z = /(Z|[+-]\d{2}:?\d{2}) \[/.exec(l);
        if (z) {
          const t = z[1];
          info.utcOffsetMinutes = t === 'Z' ? 0 : (t[0] === '-' ? -1 : 1) * (Number(t.slice(1, 3)) * 60 + Number(t.replace(':', '').slice(3, 5)));
        }
      }
      if (r.time !== undefined && info.firstTime === undefined) info.firstTime = r.time;
      if (r.time !== undefined && r.shape !== 'syslog' && info.firstFullTime === undefined) info.firstFullTime = r.time;
      if (info.firstFullTime !== undefined && (info.kind !== 'vcbapi' || info.utcOffsetMinutes !== undefined)) break;
    }
  } finally {
    await fh.close();
  }
  return info;
}

/**
 * Orders files for analysis: main-log files first, then vcbAPI, then others; within a kind in time
 * order. When every file of a kind has a first timestamp, that decides; otherwise the rotation
 * number does, higher numbers first (rotation renames the current file to the next number, so a
 * higher number is older), then the modification time.
 */
export function orderLogFiles(infos: LogFileInfo[]): LogFileInfo[] {
  const kindRank: Record<LogKind, number> = { datarecovery: 0, other: 1, vcbapi: 2 };
  const byKind = new Map<LogKind, LogFileInfo[]>();
  for (const i of infos) {
    const list = byKind.get(i.kind) ?? [];
    list.push(i);
    byKind.set(i.kind, list);
  }
  const out: LogFileInfo[] = [];
  for (const kind of [...byKind.keys()].sort((a, b) => kindRank[a] - kindRank[b])) {
    const list = byKind.get(kind)!;
    const allTimed = list.every((i) => i.firstTime !== undefined);
    list.sort((a, b) => {
      if (allTimed) return a.firstTime! - b.firstTime! || (b.rotation ?? -1) - (a.rotation ?? -1);
      const ra = a.rotation ?? -1;
      const rb = b.rotation ?? -1;
      if (ra !== rb) return rb - ra;
      return (a.mtime ?? 0) - (b.mtime ?? 0) || a.file.localeCompare(b.file);
    });
    out.push(...list);
  }
  return out;
}

/**
 * Reads a file in chunks into one reused buffer (no allocation per chunk, so no GC churn). Each
 * chunk is valid only until the consumer asks for the next one, which `LogAnalyzer.consume` honours.
 */
export async function* readFileChunks(file: string, chunkSize = 1 << 20): AsyncGenerator<Buffer> {
  const fh = await fsp.open(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(chunkSize);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, chunkSize, null);
      if (bytesRead <= 0) break;
      yield buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}

/** Where `analyzeLogFiles` is: bytes read so far over every file. */
export interface AnalyzeProgress {
  file: string;
  /** 0-based index of `file` in analysis order. */
  index: number;
  files: number;
  bytes: number;
  totalBytes: number;
}

export interface AnalyzeFilesOptions extends LogAnalysisOptions {
  /** Called after each chunk. */
  onProgress?: (p: AnalyzeProgress) => void;
  /** Stops between chunks; the promise rejects with a `CancelledError`. */
  signal?: AbortSignal;
}

function abortError(): Error {
  return new CancelledError('The log analysis');
}

/** Analyzes a set of log files (any order given; see `orderLogFiles`), streaming each. */
export async function analyzeLogFiles(files: string[], opts: AnalyzeFilesOptions = {}): Promise<LogAnalysis> {
  if (opts.signal?.aborted) throw abortError();
  const infos = orderLogFiles(await Promise.all(files.map((f) => peekLogFile(f))));
  const sizes = await Promise.all(infos.map(async (i) => (await fsp.stat(i.file)).size));
  const totalBytes = sizes.reduce((a, b) => a + b, 0);
  let done = 0;
  const watched = async function* (file: string, index: number): AsyncGenerator<Buffer> {
    for await (const chunk of readFileChunks(file)) {
      if (opts.signal?.aborted) throw abortError();
      yield chunk;
      done += chunk.length;
      opts.onProgress?.({ file, index, files: infos.length, bytes: done, totalBytes });
    }
  };
  const offset = opts.utcOffsetMinutes ?? infos.find((i) => i.utcOffsetMinutes !== undefined)?.utcOffsetMinutes ?? 0;
  const an = new LogAnalyzer({ ...opts, utcOffsetMinutes: offset });
  for (const i of infos) {
    // Syslog lines before the first dated line of the run take their year from the nearest dated
    // line in the file's head rather than from the file's mtime (which may be much later). Hours of
    // UTC offset do not matter here: only the year is taken from it.
    if (!an.tc.hasFullDate && i.firstFullTime !== undefined) an.tc.sawFull(i.firstFullTime);
    const index = infos.indexOf(i);
    await an.consume(opts.onProgress || opts.signal ? watched(i.file, index) : readFileChunks(i.file), i.file, opts.referenceTime ?? i.mtime);
  }
  if (opts.signal?.aborted) throw abortError();
  return an.result();
}
