/**
 * Line shapes and their parsing (string level: used on the analyzer's candidate lines and by
 * `readLogRecords`), and the timestamps they carry.
 *
 * Line shapes (DOMAIN.md §1, from elatov.github.io 2012-09-01 and 2012-05 posts on VDR):
 *   appliance  `7/7/2012 18:06:28.000: 0x0123e6a8: $[*20750]Trouble reading files, error -3956 ( operation failed)`
 *   syslog     `Aug 17 14:06:14 vdr datarecovery: Job "Integrity Check" incomplete`
 *   vcbAPI     `2012-07-08T18:04:52.804-04:00 [4B5C7940 error 'Default'] vcbAPI::Snapshot::Read: Main read failed … error: 2338`
 * Anything else is kept as a `raw` record with its line number.
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
import * as path from 'node:path';
import type { LogKind, LogRecord } from './types';

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
    const clock = h * 3_600_000 + mi * 60_000 + s * 1000 - this.utcOffsetMinutes * 60_000;
    if (this.lastFull !== undefined && (this.anchorStale || this.syslogYear === undefined)) {
      const y0 = this.yearOf(this.lastFull);
      let best = y0;
      let bestDist = Infinity;
      for (let y = y0 - 1; y <= y0 + 1; y++) {
        const dist = Math.abs(this.day(y, mo, d) + clock - this.lastFull);
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
    return this.day(this.syslogYear, mo, d) + clock;
  }

  /*
   * Speed (a syslog line asks for three years' days): Date.UTC(y, mo, d, h, mi, s) is Date.UTC(y, mo, d)
   * plus h, mi and s in ms, exactly (the spec's MakeDate/MakeTime are sums of integers), so the day
   * is remembered and the clock added; and the UTC year of the last full time is remembered with its
   * bounds.
   */
  private readonly days = new Map<number, number>();
  private day(y: number, mo: number, d: number): number {
    const k = (y * 100 + mo + 1) * 100 + d; // d ≤ 99 (two digits), mo 0…11
    let v = this.days.get(k);
    if (v === undefined) {
      if (this.days.size >= 1024) this.days.clear();
      v = Date.UTC(y, mo, d);
      this.days.set(k, v);
    }
    return v;
  }

  private yearSpan: [number, number, number] = [0, 0, NaN];
  private yearOf(t: number): number {
    const [from, to, y] = this.yearSpan;
    if (t >= from && t < to) return y;
    const y0 = new Date(t).getUTCFullYear();
    this.yearSpan = [Date.UTC(y0, 0, 1), Date.UTC(y0 + 1, 0, 1), y0];
    return y0;
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

/*
 * Speed: the appliance and vcbAPI prefixes (date and time) are read digit by digit rather than by
 * RE_APPLIANCE / RE_VCBAPI, which allocate a capture string per field; the rest of the line goes
 * through the same sub-patterns as those regexes (sticky, from where the prefix ended). Both prefixes
 * are deterministic (each field is a run of digits ended by a fixed separator), so the result is
 * exactly the regex's: a prefix that does not read falls back to the full regex, which then fails
 * the same way. A test checks the two agree on generated lines.
 */
const RE_APPLIANCE_REST = /\s*(?:(0x[0-9a-fA-F]+):\s*)?(?:\$\[\*?([^\]]*)\]\s*)?(.*)$/y;
const RE_VCBAPI_REST = / \[([0-9A-Fa-f]+) (\w+) '([^']*)'[^\]]*\] ?(.*)$/y;

/** Digits at text[i, i+n) as a number, or -1 if any is not a digit (or is past the end). */
function digitsAt(text: string, i: number, n: number): number {
  let v = 0;
  for (let k = i; k < i + n; k++) {
    const c = text.charCodeAt(k) - 48;
    if (!(c >= 0 && c <= 9)) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** Number of digits from i, at most max. */
function digitRun(text: string, i: number, max: number): number {
  let n = 0;
  while (n < max) {
    const c = text.charCodeAt(i + n);
    if (!(c >= 48 && c <= 57)) break;
    n++;
  }
  return n;
}

/** Milliseconds from a fraction's n digits at i, as msPart: the first three, padded with zeros. */
function fractionMs(text: string, i: number, n: number): number {
  let v = 0;
  for (let k = 0; k < 3; k++) v = v * 10 + (k < n ? text.charCodeAt(i + k) - 48 : 0);
  return v;
}

/** Scratch for the hand-read fields (no allocation per line). */
let pos = 0;
/** `\d{1,2}` at `pos` followed by the char `sep`: the value (pos moves past sep), or -1. */
function field12(text: string, sep: number): number {
  const n = digitRun(text, pos, 2);
  if (n === 0 || text.charCodeAt(pos + n) !== sep) return -1;
  const v = digitsAt(text, pos, n);
  pos += n + 1;
  return v;
}

/** The appliance line `M/D/YYYY H:MM:SS(.mmm)?:` read by hand; undefined when RE_APPLIANCE would not match it. */
function parseAppliance(text: string, file: string, line: number, tc: TimeContext): LogRecord | undefined {
  pos = 0;
  let mo = field12(text, 47);
  if (mo < 0) return undefined;
  let d = field12(text, 47);
  if (d < 0) return undefined;
  const y = digitsAt(text, pos, 4);
  if (y < 0 || text.charCodeAt(pos + 4) !== 32) return undefined;
  pos += 5;
  const h = field12(text, 58);
  if (h < 0) return undefined;
  let i = pos;
  const mi = digitsAt(text, i, 2);
  if (mi < 0 || text.charCodeAt(i + 2) !== 58) return undefined;
  const se = digitsAt(text, i + 3, 2);
  if (se < 0) return undefined;
  i += 5;
  let ms = 0;
  if (text.charCodeAt(i) === 46) {
    const n = digitRun(text, i + 1, 3);
    if (n === 0) return undefined;
    ms = fractionMs(text, i + 1, n);
    i += 1 + n;
  }
  if (text.charCodeAt(i) !== 58) return undefined;
  RE_APPLIANCE_REST.lastIndex = i + 1;
  const m = RE_APPLIANCE_REST.exec(text);
  if (!m) return undefined;
  if (mo > 12 && d <= 12) { const t = mo; mo = d; d = t; }
  const time = tc.wall(y, mo - 1, d, h, mi, se, ms);
  tc.sawFull(time);
  const r: LogRecord = { file, line, shape: 'appliance', time, message: m[3], text };
  if (m[1]) r.thread = m[1];
  if (m[2] !== undefined) r.session = m[2];
  return r;
}

/** The vcbAPI line `YYYY-MM-DDTHH:MM:SS(.f{1,6})?(Z|±HH:?MM)? [thread level 'logger'…]` read by hand. */
function parseVcbapi(text: string, file: string, line: number, tc: TimeContext): LogRecord | undefined {
  const y = digitsAt(text, 0, 4);
  const mo = digitsAt(text, 5, 2);
  const d = digitsAt(text, 8, 2);
  const h = digitsAt(text, 11, 2);
  const mi = digitsAt(text, 14, 2);
  const se = digitsAt(text, 17, 2);
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || se < 0) return undefined;
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 84 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return undefined;
  let i = 19;
  let ms = 0;
  if (text.charCodeAt(i) === 46) {
    const n = digitRun(text, i + 1, 6);
    if (n === 0) return undefined;
    ms = fractionMs(text, i + 1, n);
    i += 1 + n;
  }
  let offMin = 0;
  const z = text.charCodeAt(i);
  if (z === 90) {
    i++;
  } else if (z === 43 || z === 45) {
    const hh = digitsAt(text, i + 1, 2);
    if (hh < 0) return undefined;
    const colon = text.charCodeAt(i + 3) === 58 ? 1 : 0;
    const mm = digitsAt(text, i + 3 + colon, 2);
    if (mm < 0) return undefined;
    offMin = (z === 45 ? -1 : 1) * (hh * 60 + mm);
    i += 5 + colon;
  }
  RE_VCBAPI_REST.lastIndex = i;
  const m = RE_VCBAPI_REST.exec(text);
  if (!m) return undefined;
  const time = Date.UTC(y, mo - 1, d, h, mi, se, ms) - offMin * 60_000;
  tc.sawFull(time);
  return { file, line, shape: 'vcbapi', time, thread: m[1], level: m[2].toLowerCase(), logger: m[3], message: m[4], text };
}

/** Parses one line in any known shape; unknown shapes come back as `raw`. */
export function parseLogLine(text: string, file: string, line: number, tc: TimeContext): LogRecord {
  const c = text.charCodeAt(0);
  if (c >= 48 && c <= 57) {
    if (text.charCodeAt(4) === 45) {
      const fast = parseVcbapi(text, file, line, tc);
      if (fast) return fast;
    } else {
      const fast = parseAppliance(text, file, line, tc);
      if (fast) return fast;
    }
    return parseLogLineRegex(text, file, line, tc);
  } else if (c >= 65 && c <= 90) {
    const m = RE_SYSLOG.exec(text);
    if (m && MONTHS[m[1]] !== undefined) {
      const time = tc.syslog(MONTHS[m[1]], +m[2], +m[3], +m[4], +m[5]);
      return { file, line, shape: 'syslog', time, host: m[6], program: m[7], message: m[8], text };
    }
  }
  return { file, line, shape: 'raw', message: text, text };
}

/**
 * The reference parser for lines starting with a digit: the full regexes. `parseLogLine` reads the
 * prefixes by hand and lands here only when they do not read (where these regexes fail too); tests
 * compare the two.
 */
export function parseLogLineRegex(text: string, file: string, line: number, tc: TimeContext): LogRecord {
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
    return { file, line, shape: 'raw', message: text, text };
  }
  return parseLogLine(text, file, line, tc);
}

/** Which log a file is, from its name. */
export function fileKind(file: string): LogKind {
  const b = path.basename(file).toLowerCase();
  if (b.includes('vcbapi')) return 'vcbapi';
  if (b.includes('datarecovery')) return 'datarecovery';
  if (/^vmware(?:-\d+)?\.log$/.test(b)) return 'vmware';
  return 'other';
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
