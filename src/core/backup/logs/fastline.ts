/**
 * The appliance and vcbAPI line prefixes read straight from the bytes (no string for the line): the
 * analyzer's fast path for candidate lines. It reads what `parseLogLine` (lines.ts) would give for
 * such a line — its time, where its message starts and (vcbAPI) its level — or says "not here", and
 * the caller then decodes the line and parses it as a string. It says "not here" for anything it is
 * not sure to read exactly as the regexes do: a prefix that does not read, a byte ≥ 0x80 where the
 * regex skips `\s*` (Unicode spaces), lines with a line terminator inside (checked by the caller).
 * A test compares the two on generated and hostile lines.
 */
import type { TimeContext } from './lines';

/** What `readFastLine` found (one reused object: no allocation per line). */
export interface FastLine {
  /** Epoch ms, as parseLogLine computes it. */
  time: number;
  /** Offset in the buffer where the message starts. */
  msg: number;
  /** vcbAPI level, lowercased ('' for appliance lines). */
  level: string;
}

export const FAST_NONE = 0;
export const FAST_APPLIANCE = 1;
export const FAST_VCBAPI = 2;
/** Not read here, but maybe a line of a known shape (a byte ≥ 0x80 where the regex skips `\s*`): parse the string. */
export const FAST_UNSURE = 3;
export const FAST_SYSLOG = 4;

/** Set by `skipSpace` when it stopped at a byte ≥ 0x80. */
let unsure = false;

/** Digit value of b[i] when i < e, else -1. */
function dg(b: Buffer, i: number, e: number): number {
  if (i >= e) return -1;
  const c = b[i] - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

/** Exactly n digits at b[i, i+n) (inside e) as a number, or -1. */
function digits(b: Buffer, i: number, n: number, e: number): number {
  let v = 0;
  for (let k = i; k < i + n; k++) {
    const c = dg(b, k, e);
    if (c < 0) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** Number of digits from i (inside e), at most max. */
function run(b: Buffer, i: number, max: number, e: number): number {
  let n = 0;
  while (n < max && dg(b, i + n, e) >= 0) n++;
  return n;
}

/** Milliseconds from a fraction's n digits at i: the first three, padded with zeros. */
function fraction(b: Buffer, i: number, n: number): number {
  let v = 0;
  for (let k = 0; k < 3; k++) v = v * 10 + (k < n ? b[i + k] - 48 : 0);
  return v;
}

/** Skips ASCII `\s`; -1 when a byte ≥ 0x80 follows (it may be a Unicode space: not read here). */
function skipSpace(b: Buffer, i: number, e: number): number {
  while (i < e) {
    const c = b[i];
    if (c === 32 || (c >= 9 && c <= 13)) i++;
    else if (c >= 0x80) { unsure = true; return -1; }
    else break;
  }
  return i;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** Date.UTC(y, mo, d) of the last day asked (a log's lines share a day). Exact: Date.UTC is linear in h, mi, s, ms. */
let dayKey = -1;
let dayMs = 0;
function day(y: number, mo: number, d: number): number {
  const k = (y * 100 + mo + 1) * 100 + d; // y ≤ 9999, mo + 1 and d ≤ 99: one key per day
  if (k !== dayKey) { dayKey = k; dayMs = Date.UTC(y, mo, d); }
  return dayMs;
}

/** Scratch read position of the field readers. */
let at = 0;
/** `\d{1,2}` at `at` followed by byte `sep`: its value (at moves past sep), or -1. */
function field12(b: Buffer, sep: number, e: number): number {
  const n = run(b, at, 2, e);
  if (n === 0 || at + n >= e || b[at + n] !== sep) return -1;
  const v = digits(b, at, n, e);
  at += n + 1;
  return v;
}

/** Past `M/D/YYYY H:MM:SS(.mmm)?:` (sets the time in `out`), or -1. */
function appliancePrefix(b: Buffer, p: number, e: number, tc: TimeContext, out: FastLine): number {
  at = p;
  let mo = field12(b, 47, e);
  if (mo < 0) return -1;
  let d = field12(b, 47, e);
  if (d < 0) return -1;
  const y = digits(b, at, 4, e);
  if (y < 0 || at + 4 >= e || b[at + 4] !== 32) return -1;
  at += 5;
  const h = field12(b, 58, e);
  if (h < 0) return -1;
  let i = at;
  const mi = digits(b, i, 2, e);
  if (mi < 0 || i + 2 >= e || b[i + 2] !== 58) return -1;
  const se = digits(b, i + 3, 2, e);
  if (se < 0) return -1;
  i += 5;
  let ms = 0;
  if (i < e && b[i] === 46) {
    const n = run(b, i + 1, 3, e);
    if (n === 0) return -1;
    ms = fraction(b, i + 1, n);
    i += 1 + n;
  }
  if (i >= e || b[i] !== 58) return -1;
  if (mo > 12 && d <= 12) { const t = mo; mo = d; d = t; }
  out.time = day(y, mo - 1, d) + h * 3_600_000 + mi * 60_000 + se * 1000 + ms - tc.utcOffsetMinutes * 60_000;
  return i + 1;
}

/** An appliance line: `\s*(?:(0x[0-9a-fA-F]+):\s*)?(?:\$\[\*?([^\]]*)\]\s*)?(.*)$` after the prefix. */
function appliance(b: Buffer, p: number, e: number, tc: TimeContext, out: FastLine): boolean {
  let i = appliancePrefix(b, p, e, tc, out);
  if (i < 0) return false;
  i = skipSpace(b, i, e);
  if (i < 0) return false;
  if (i + 2 < e && b[i] === 48 && b[i + 1] === 120 && isHex(b[i + 2])) {
    let k = i + 3;
    while (k < e && isHex(b[k])) k++;
    if (k < e && b[k] === 58) {
      i = skipSpace(b, k + 1, e);
      if (i < 0) return false;
    }
  }
  if (i + 1 < e && b[i] === 36 && b[i + 1] === 91) {
    const close = b.indexOf(93, i + 2);
    if (close >= 0 && close < e) {
      i = skipSpace(b, close + 1, e);
      if (i < 0) return false;
    }
  }
  out.msg = i;
  out.level = '';
  return true;
}

/** Past `YYYY-MM-DDTHH:MM:SS(.f{1,6})?(Z|±HH:?MM)?` (sets the time in `out`), or -1. */
function vcbapiPrefix(b: Buffer, p: number, e: number, out: FastLine): number {
  const y = digits(b, p, 4, e);
  const mo = digits(b, p + 5, 2, e);
  const d = digits(b, p + 8, 2, e);
  const h = digits(b, p + 11, 2, e);
  const mi = digits(b, p + 14, 2, e);
  const se = digits(b, p + 17, 2, e);
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || se < 0) return -1;
  if (b[p + 4] !== 45 || b[p + 7] !== 45 || b[p + 10] !== 84 || b[p + 13] !== 58 || b[p + 16] !== 58) return -1;
  let i = p + 19;
  let ms = 0;
  if (i < e && b[i] === 46) {
    const n = run(b, i + 1, 6, e);
    if (n === 0) return -1;
    ms = fraction(b, i + 1, n);
    i += 1 + n;
  }
  let offMin = 0;
  const z = i < e ? b[i] : -1;
  if (z === 90) {
    i++;
  } else if (z === 43 || z === 45) {
    const hh = digits(b, i + 1, 2, e);
    if (hh < 0) return -1;
    const colon = i + 3 < e && b[i + 3] === 58 ? 1 : 0;
    const mm = digits(b, i + 3 + colon, 2, e);
    if (mm < 0) return -1;
    offMin = (z === 45 ? -1 : 1) * (hh * 60 + mm);
    i += 5 + colon;
  }
  out.time = day(y, mo - 1, d) + h * 3_600_000 + mi * 60_000 + se * 1000 + ms - offMin * 60_000;
  return i;
}

/** Lowercased vcbAPI levels seen, by their bytes (a handful; past 16 they are decoded each time). */
const levels: { bytes: Buffer; name: string }[] = [];
function level(b: Buffer, s: number, e: number): string {
  const n = e - s;
  outer: for (const l of levels) {
    if (l.bytes.length !== n) continue;
    for (let k = 0; k < n; k++) if (l.bytes[k] !== b[s + k]) continue outer;
    return l.name;
  }
  const name = b.toString('latin1', s, e).toLowerCase();
  if (levels.length < 16) levels.push({ bytes: Buffer.from(b.subarray(s, e)), name });
  return name;
}

const isWord = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

/** A vcbAPI line: ` \[([0-9A-Fa-f]+) (\w+) '([^']*)'[^\]]*\] ?(.*)$` after the prefix. */
function vcbapi(b: Buffer, p: number, e: number, out: FastLine): boolean {
  let i = vcbapiPrefix(b, p, e, out);
  if (i < 0 || i + 1 >= e || b[i] !== 32 || b[i + 1] !== 91) return false;
  i += 2;
  const h0 = i;
  while (i < e && isHex(b[i])) i++;
  if (i === h0 || i >= e || b[i] !== 32) return false;
  const w0 = ++i;
  while (i < e && isWord(b[i])) i++;
  if (i === w0 || i + 1 >= e || b[i] !== 32 || b[i + 1] !== 39) return false;
  const lv = level(b, w0, i);
  const q = b.indexOf(39, i + 2);
  if (q < 0 || q >= e) return false;
  const close = b.indexOf(93, q + 1);
  if (close < 0 || close >= e) return false;
  i = close + 1;
  if (i < e && b[i] === 32) i++;
  out.msg = i;
  out.level = lv;
  return true;
}

/**
 * Reads the line b[p, e) (no line break; the caller has checked it holds no `\r`, U+2028 or U+2029)
 * if it is an appliance or vcbAPI line as `parseLogLine` reads it: FAST_APPLIANCE or FAST_VCBAPI with
 * `out` filled; FAST_NONE when it is neither (parseLogLine would give a raw record), FAST_UNSURE when
 * this reader cannot tell (parse the decoded line).
 */
export function readFastLine(b: Buffer, p: number, e: number, tc: TimeContext, out: FastLine): number {
  const c = b[p];
  if (p >= e || c < 48 || c > 57) return FAST_UNSURE;
  if (p + 4 < e && b[p + 4] === 45) return vcbapi(b, p, e, out) ? FAST_VCBAPI : FAST_NONE;
  unsure = false;
  if (appliance(b, p, e, tc, out)) return FAST_APPLIANCE;
  return unsure ? FAST_UNSURE : FAST_NONE;
}

const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** Month index of the three bytes at p (`Jan`…`Dec`), or -1. */
function month(b: Buffer, p: number): number {
  for (let m = 0; m < 12; m++) {
    const n = MONTH_NAMES[m];
    if (b[p] === n.charCodeAt(0) && b[p + 1] === n.charCodeAt(1) && b[p + 2] === n.charCodeAt(2)) return m;
  }
  return -1;
}

/** The fields of a syslog line read by `readSyslog` (one reused object). */
export interface SyslogFields { mo: number; d: number; h: number; mi: number; s: number; msg: number }

/**
 * A syslog line b[p, e) as RE_SYSLOG (lines.ts) reads it, caller-checked clean like `readFastLine`:
 * `^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\S+) ([^:[\s]+)(?:\[\d+\])?: ?(.*)$` with a
 * known month. True with `out` filled; false when not sure (then parse the string: the time context
 * must see only the lines the regex matches).
 */
export function readSyslog(b: Buffer, p: number, e: number, out: SyslogFields): boolean {
  if (p + 15 > e) return false;
  const mo = month(b, p);
  if (mo < 0 || b[p + 3] !== 32) return false;
  let i = p + 4;
  if (b[i] === 32) i++;
  const n = run(b, i, 2, e);
  if (n === 0 || i + n >= e || b[i + n] !== 32) return false;
  const d = digits(b, i, n, e);
  i += n + 1;
  const h = digits(b, i, 2, e);
  const mi = digits(b, i + 3, 2, e);
  const se = digits(b, i + 6, 2, e);
  if (h < 0 || mi < 0 || se < 0 || b[i + 2] !== 58 || b[i + 5] !== 58 || i + 8 >= e || b[i + 8] !== 32) return false;
  i += 9;
  // host: \S+ then one space
  const h0 = i;
  while (i < e && b[i] > 32 && b[i] < 0x7f) i++;
  if (i === h0 || i >= e || b[i] !== 32) return false;
  // program: [^:[\s]+, then [digits]? then ':'
  const p0 = ++i;
  while (i < e && b[i] > 32 && b[i] < 0x7f && b[i] !== 58 && b[i] !== 91) i++;
  if (i === p0 || i >= e) return false;
  if (b[i] === 91) {
    const d0 = ++i;
    while (i < e && b[i] >= 48 && b[i] <= 57) i++;
    if (i === d0 || i + 1 >= e || b[i] !== 93) return false;
    i++;
  }
  if (i >= e || b[i] !== 58) return false;
  i++;
  if (i < e && b[i] === 32) i++;
  out.mo = mo; out.d = d; out.h = h; out.mi = mi; out.s = se; out.msg = i;
  return true;
}
