/**
 * esxtop batch-mode CSV (`esxtop -b -d 2 -n N > capture.csv`), streaming, memory columns only.
 *
 * Shape (DOMAIN.md §3; repo rach-sharp/esxtopd esxtop-data.csv, an ESXi 6 host): every field quoted;
 * the first header cell is `(PDH-CSV 4.0) (TZ)(BIAS)`, the first column of each row the time as
 * `MM/DD/YYYY HH:MM:SS`; other columns are `\\HOST\OBJECT\COUNTER`, e.g.
 * `\\esx01\Memory\Free MBytes` and `\\esx01\Group Memory(1000100:web01)\Memctl MBytes`.
 * Columns are matched by NAME, never by position; unknown columns (CPU, disk, network… thousands on
 * a real host) are skipped without being stored.
 *
 * Column names CONFIRMED against real ESXi 6 captures in the public repo rach-sharp/esxtopd:
 * - host `Memory` object: small-esxtop-data.csv (default counter set) has `Machine MBytes`,
 *   `Free MBytes`, `Kernel State`, `PShare Shared/Common/Savings MBytes`, `Swap Used MBytes`,
 *   `Swap Target MBytes`, `Swap MBytes Read/sec`, `Swap MBytes Write/sec`, `Total Compressed MBytes`,
 *   `Memctl Current/Target/Max MBytes`;
 * - VM `Group Memory(GID:NAME)` object: small-esxtop-data.csv has only the default fields (Memory
 *   Size / Granted Size / Consumed Size, Target Size, Touched, Swapped, Swap Target, Swap Read and
 *   Swap Written MBytes/sec, Overhead); esxtop-data.csv (all counters, `esxtop -a`) adds `Memctl
 *   MBytes`, `Memctl Target MBytes`, `Memctl Max MBytes`, `Zero MBytes`, `Shared MBytes`, `Shared
 *   Saved MBytes`, `Compressed Memory MBytes`. So balloon, sharing and compression per VM appear only
 *   in captures taken with every counter (`esxtop -b -a`).
 * ESX 4.1 names remain *unconfirmed* (no 4.x capture seen).
 */
import * as fs from 'node:fs';
import { CancelledError } from '../errors';
import { printable } from '../text';
import type { EntitySeries, MetricKey } from './counters';

/** esxtop counter name (lower case) → metric, for `Group Memory(GID:NAME)` objects. */
const VM_COLUMNS: Record<string, MetricKey> = {
  'memory size mbytes': 'size',
  'memory granted size mbytes': 'granted',
  'memory consumed size mbytes': 'consumed',
  'touched mbytes': 'active',
  'memctl mbytes': 'balloon',
  'memctl target mbytes': 'balloonTarget',
  'memctl max mbytes': 'balloonMax',
  'swapped mbytes': 'swapped',
  'swap target mbytes': 'swapTarget',
  'swap read mbytes/sec': 'swapInRate',
  'swap written mbytes/sec': 'swapOutRate',
  'shared mbytes': 'shared',
  'shared saved mbytes': 'sharedSaved',
  'zero mbytes': 'zero',
  'overhead mbytes': 'overhead',
  'compressed memory mbytes': 'compressed',
};

/**
 * Host-wide `Memory` object counters (names confirmed, see the module comment). `Kernel State` is kept
 * as the raw number esxtop writes: its encoding on 5.x/6.x hosts is not confirmed here, so it never
 * feeds the memory state (which comes from free memory).
 */
const HOST_COLUMNS: Record<string, MetricKey> = {
  'machine mbytes': 'size',
  'free mbytes': 'free',
  'kernel state': 'kernelState',
  'memctl current mbytes': 'balloon',
  'memctl target mbytes': 'balloonTarget',
  'memctl max mbytes': 'balloonMax',
  'swap used mbytes': 'swapped',
  'swap target mbytes': 'swapTarget',
  'swap mbytes read/sec': 'swapInRate',
  'swap mbytes write/sec': 'swapOutRate',
  'pshare shared mbytes': 'shared',
  'pshare common mbytes': 'sharedCommon',
  'pshare savings mbytes': 'sharedSaved',
  'total compressed mbytes': 'compressed',
};

/** A growable typed-array column: doubles its buffer when full, hands out a view of what it holds. */
class GrowableColumn<A extends Float32Array | Float64Array> {
  length = 0;
  constructor(public data: A, private readonly grow: (size: number) => A) {}
  push(v: number): void {
    if (this.length === this.data.length) {
      const d = this.grow(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = v;
  }
  view(): A {
    return this.data.subarray(0, this.length) as A;
  }
}

/** A metric's Float32 column (NaN where a sample was empty). */
class Column extends GrowableColumn<Float32Array> {
  constructor() { super(new Float32Array(1024), (n) => new Float32Array(n)); }
}

/** The sample times (ms since the epoch need Float64). */
class Column64 extends GrowableColumn<Float64Array> {
  constructor() { super(new Float64Array(1024), (n) => new Float64Array(n)); }
}

export interface EsxtopEntity {
  /** `host` or the VM's group id. */
  id: string;
  name: string;
  kind: 'host' | 'vm';
  series: Partial<Record<MetricKey, Float32Array>>;
}

export interface EsxtopCapture {
  /** Host name from the column names (`\\HOST\…`). */
  host: string;
  /** Timezone label and bias (minutes) from the first header cell. */
  timezone: string;
  biasMinutes: number;
  /** Sample times, ms since epoch (UTC), ascending as captured. */
  t: Float64Array;
  hostEntity: EsxtopEntity;
  vms: EsxtopEntity[];
  rows: number;
  columns: number;
  /** Memory columns recognised. */
  used: number;
  /** Median interval between samples (s). */
  intervalSeconds?: number;
}

export class EsxtopFormatError extends Error {
  constructor(message: string, readonly line?: number) {
    super(line ? `${message} (line ${line})` : message);
    this.name = 'EsxtopFormatError';
  }
}

/** Splits one CSV record into fields (RFC 4180 quoting: `""` is a quote inside a quoted field). */
export function splitCsvRecord(line: string): string[] {
  // Fast path: every field quoted and no quote inside any field (esxtop data rows).
  if (line.length >= 2 && line.charCodeAt(0) === 34 && line.charCodeAt(line.length - 1) === 34 && line.indexOf('""', 1) < 0) {
    const parts = line.slice(1, -1).split('","');
    let clean = true;
    for (const f of parts) if (f.indexOf('"') >= 0) { clean = false; break; }
    if (clean) return parts;
  }
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (q) {
      if (c === '"') {
        if (line[i + 1] === '"') {
          cur += '"';
          i++;
        } else q = false;
      } else cur += c;
    } else if (c === '"') q = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/**
 * `MM/DD/YYYY HH:MM:SS` (PDH local time) + bias (minutes, UTC = local + bias) → ms UTC; NaN when the
 * text is not such a time or names an impossible one (month 13, 31 April, 25:00, :61) — never
 * normalised into another date.
 */
export function parsePdhTime(s: string, biasMinutes = 0): number {
  const m = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?\s*$/.exec(s);
  if (!m) return NaN;
  const [mo, d, y, h, mi, se] = [+m[1], +m[2], +m[3], +m[4], +m[5], +m[6]];
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || se > 59) return NaN;
  const ms = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
  return Date.UTC(y, mo - 1, d, h, mi, se, ms) + biasMinutes * 60000;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Time-zone biases that exist: UTC+14 (-840 min) to UTC-12 (+720 min). */
export const MIN_BIAS_MINUTES = -840;
export const MAX_BIAS_MINUTES = 720;
/** Longest record (one CSV line, or a quoted field spanning lines): a header of every counter on a large host is a few MB. */
export const MAX_RECORD_CHARS = 16 * 1048576;
/** Most lines one record may span (a quoted field holding newlines; esxtop writes none). */
export const MAX_RECORD_LINES = 64;
/** Most memory samples (rows × memory columns) one capture may hold: 64 M Float32 values, 256 MB. */
export const MAX_CAPTURE_CELLS = 64 * 1048576;

interface Target {
  index: number;
  column: Column;
}

/** Streaming parser: feed text chunks, then `end()`. Lines may be split anywhere across chunks. */
export class EsxtopParser {
  private rest = '';
  private lineNo = 0;
  private header?: string[];
  private targets: Target[] = [];
  private readonly times = new Column64();
  private hostName = '';
  private timezone = 'UTC';
  private bias = 0;
  private hostEntity: EsxtopEntity = { id: 'host', name: '', kind: 'host', series: {} };
  private readonly vmById = new Map<string, EsxtopEntity>();
  private readonly columns = new Map<EsxtopEntity, Map<MetricKey, Column>>();
  /** Lines of a record whose quoted field spans lines (rare; esxtop writes none). */
  private pending: string[] = [];
  private pendingChars = 0;
  private pendingStart = 0;

  push(chunk: string): void {
    const text = this.rest + chunk;
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      let line = text.slice(start, nl);
      start = nl + 1;
      if (line.endsWith('\r')) line = line.slice(0, -1);
      this.lineNo++;
      this.line(line);
    }
    this.rest = text.slice(start);
    // A file with no newline (or one endless line) stops here instead of growing without bound.
    if (this.rest.length + this.pendingChars > MAX_RECORD_CHARS) {
      throw new EsxtopFormatError(`a record longer than ${MAX_RECORD_CHARS / 1048576} M characters without a line end; this is not an esxtop batch capture`, this.lineNo + 1);
    }
  }

  /**
   * One physical line. Quote parity is carried from line to line (each line is counted once), so
   * a stray quote costs linear time; a record may span at most MAX_RECORD_LINES lines.
   */
  private line(line: string): void {
    if (this.pending.length === 0 && countQuotes(line) % 2 === 0) {
      this.record(line);
      return;
    }
    if (this.pending.length === 0) this.pendingStart = this.lineNo;
    this.pending.push(line);
    this.pendingChars += line.length + 1;
    if (this.pending.length > 1 && countQuotes(line) % 2 === 1) {
      const record = this.pending.join('\n');
      this.pending = [];
      this.pendingChars = 0;
      this.record(record, this.pendingStart);
      return;
    }
    if (this.pending.length > MAX_RECORD_LINES || this.pendingChars > MAX_RECORD_CHARS) {
      throw new EsxtopFormatError(`unbalanced quote: the field opened on line ${this.pendingStart} is not closed within ${MAX_RECORD_LINES} lines (esxtop writes every field on one line)`, this.pendingStart);
    }
  }

  end(): EsxtopCapture {
    if (this.rest) {
      this.lineNo++;
      this.line(this.rest.replace(/\r$/, ''));
      this.rest = '';
    }
    if (this.pending.length) {
      throw new EsxtopFormatError(`unbalanced quote: the field opened on line ${this.pendingStart} is never closed`, this.pendingStart);
    }
    if (!this.header) throw new EsxtopFormatError('empty file: no esxtop header');
    const entities = [this.hostEntity, ...this.vmById.values()];
    for (const e of entities) {
      for (const [k, c] of this.columns.get(e) ?? []) e.series[k] = c.view();
    }
    const t = this.times.view();
    const gaps: number[] = [];
    for (let i = 1; i < Math.min(t.length, 200); i++) gaps.push((t[i] - t[i - 1]) / 1000);
    gaps.sort((a, b) => a - b);
    return {
      host: this.hostName, timezone: this.timezone, biasMinutes: this.bias, t,
      hostEntity: this.hostEntity, vms: [...this.vmById.values()].filter((v) => Object.keys(v.series).length),
      rows: t.length, columns: this.header.length, used: this.targets.length,
      intervalSeconds: gaps.length ? gaps[gaps.length >> 1] : undefined,
    };
  }

  private record(line: string, lineNo = this.lineNo): void {
    if (!line.trim()) return;
    const fields = splitCsvRecord(line);
    if (!this.header) {
      this.readHeader(fields);
      return;
    }
    const t = parsePdhTime(fields[0], this.bias);
    if (!Number.isFinite(t)) {
      // esxtop repeats nothing mid-file, but concatenated captures repeat the header: accept it if identical.
      if (/^\(PDH-CSV/.test(fields[0])) return;
      throw new EsxtopFormatError(`bad time "${printable(fields[0].slice(0, 40))}" (expected a real date and time as MM/DD/YYYY HH:MM:SS)`, lineNo);
    }
    if ((this.times.length + 1) * Math.max(1, this.targets.length) > MAX_CAPTURE_CELLS) {
      throw new EsxtopFormatError(`the capture holds more than ${MAX_CAPTURE_CELLS / 1048576} M memory samples; take a shorter capture (esxtop -n) or a longer interval (-d)`, lineNo);
    }
    this.times.push(t);
    for (const tg of this.targets) {
      const f = fields[tg.index];
      tg.column.push(f === undefined || f === '' ? NaN : Number(f));
    }
  }

  private readHeader(fields: string[]): void {
    const m = /^\(PDH-CSV [\d.]+\)\s*\(([^)]*)\)\((-?\d+)\)/.exec(fields[0] ?? '');
    if (!m) throw new EsxtopFormatError(`not an esxtop batch capture: the first cell is "${printable((fields[0] ?? '').slice(0, 60))}", expected "(PDH-CSV 4.0) (UTC)(0)"`, this.lineNo);
    const bias = Number(m[2]);
    if (!Number.isSafeInteger(bias) || bias < MIN_BIAS_MINUTES || bias > MAX_BIAS_MINUTES) {
      throw new EsxtopFormatError(`the time-zone bias ${printable(m[2].slice(0, 20))} minutes is not a time zone (expected ${MIN_BIAS_MINUTES} to ${MAX_BIAS_MINUTES})`, this.lineNo);
    }
    this.timezone = m[1];
    this.bias = bias;
    this.header = fields;
    for (let i = 1; i < fields.length; i++) {
      const col = parseColumnName(fields[i]);
      if (!col) continue;
      if (!this.hostName) {
        this.hostName = col.host;
        this.hostEntity.name = col.host;
      }
      let entity: EsxtopEntity | undefined;
      let key: MetricKey | undefined;
      if (col.object === 'Memory') {
        entity = this.hostEntity;
        key = HOST_COLUMNS[col.counter.toLowerCase()];
      } else {
        const g = /^Group Memory\((\d+):(.*)\)$/.exec(col.object);
        if (!g) continue;
        key = VM_COLUMNS[col.counter.toLowerCase()];
        if (!key) continue;
        entity = this.vmById.get(g[1]);
        if (!entity) this.vmById.set(g[1], (entity = { id: g[1], name: g[2], kind: 'vm', series: {} }));
      }
      if (!key || !entity) continue;
      let cols = this.columns.get(entity);
      if (!cols) this.columns.set(entity, (cols = new Map()));
      if (cols.has(key)) continue;
      const column = new Column();
      cols.set(key, column);
      this.targets.push({ index: i, column });
    }
  }
}

function countQuotes(s: string): number {
  let n = 0;
  for (let i = s.indexOf('"'); i >= 0; i = s.indexOf('"', i + 1)) n++;
  return n;
}

/** `\\HOST\OBJECT\COUNTER` → parts (the counter is after the last backslash). */
export function parseColumnName(name: string): { host: string; object: string; counter: string } | undefined {
  if (!name.startsWith('\\\\')) return undefined;
  const hostEnd = name.indexOf('\\', 2);
  const last = name.lastIndexOf('\\');
  if (hostEnd < 0 || last <= hostEnd) return undefined;
  return { host: name.slice(2, hostEnd), object: name.slice(hostEnd + 1, last), counter: name.slice(last + 1) };
}

export function parseEsxtopText(text: string): EsxtopCapture {
  const p = new EsxtopParser();
  p.push(text);
  return p.end();
}

/** Streams a capture file (any size) through the parser. */
export async function parseEsxtopFile(file: string, opts: { signal?: AbortSignal } = {}): Promise<EsxtopCapture> {
  const p = new EsxtopParser();
  const stream = fs.createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
  for await (const chunk of stream) {
    if (opts.signal?.aborted) {
      stream.destroy();
      throw new CancelledError('Reading the esxtop capture');
    }
    p.push(chunk as string);
  }
  return p.end();
}

/** One entity as normalised series (NaN → null) for the memory model. */
export function entitySeries(cap: EsxtopCapture, e: EsxtopEntity): EntitySeries {
  const values: EntitySeries['values'] = {};
  for (const [k, arr] of Object.entries(e.series) as Array<[MetricKey, Float32Array]>) {
    values[k] = Array.from(arr, (v) => (Number.isNaN(v) ? null : v));
  }
  return { entity: { type: e.kind === 'host' ? 'HostSystem' : 'VirtualMachine', value: e.id }, t: Array.from(cap.t), values };
}

export interface EsxtopVmSummary {
  gid: string;
  name: string;
  sizeMB?: number;
  maxBalloonMB: number;
  maxSwappedMB: number;
  /** When the swapped figure peaked (ISO), if it ever was above zero. */
  swapPeakAt?: string;
  /** Page-sharing savings: the `Shared Saved MBytes` column when present (latest). */
  sharedSavedMB?: number;
  /** `Shared MBytes` (latest): pages of this VM that are shared. */
  sharedMB?: number;
}

export interface EsxtopSummary {
  host: string;
  rows: number;
  start?: string;
  end?: string;
  intervalSeconds?: number;
  /** Host machine memory (MB), its last sample. */
  hostMB?: number;
  hostMinFreeMB?: number;
  hostMaxSwapUsedMB?: number;
  hostMaxBalloonMB?: number;
  vms: EsxtopVmSummary[];
}

function maxOf(a: Float32Array | undefined): { max: number; at: number } {
  let max = 0;
  let at = -1;
  if (a) for (let i = 0; i < a.length; i++) if (a[i] > max) { max = a[i]; at = i; }
  return { max, at };
}

function lastOf(a: Float32Array | undefined): number | undefined {
  if (!a) return undefined;
  for (let i = a.length - 1; i >= 0; i--) if (!Number.isNaN(a[i])) return a[i];
  return undefined;
}

const round = (v: number | undefined) => (v === undefined ? undefined : Math.round(v * 100) / 100);

export function summarizeCapture(cap: EsxtopCapture): EsxtopSummary {
  const iso = (t: number | undefined) => (t === undefined || !Number.isFinite(t) ? undefined : new Date(t).toISOString());
  let minFree: number | undefined;
  const free = cap.hostEntity.series.free;
  if (free) for (const v of free) if (!Number.isNaN(v) && (minFree === undefined || v < minFree)) minFree = v;
  const vms = cap.vms.map((v): EsxtopVmSummary => {
    const sw = maxOf(v.series.swapped);
    return {
      gid: v.id, name: v.name, sizeMB: round(lastOf(v.series.size)),
      maxBalloonMB: round(maxOf(v.series.balloon).max)!, maxSwappedMB: round(sw.max)!,
      swapPeakAt: sw.at >= 0 ? iso(cap.t[sw.at]) : undefined,
      sharedSavedMB: round(lastOf(v.series.sharedSaved)), sharedMB: round(lastOf(v.series.shared)),
    };
  });
  vms.sort((a, b) => b.maxSwappedMB - a.maxSwappedMB || b.maxBalloonMB - a.maxBalloonMB || a.name.localeCompare(b.name));
  return {
    host: cap.host, rows: cap.rows, start: iso(cap.t[0]), end: iso(cap.t[cap.t.length - 1]), intervalSeconds: cap.intervalSeconds,
    hostMB: round(lastOf(cap.hostEntity.series.size)), hostMinFreeMB: round(minFree), hostMaxSwapUsedMB: cap.hostEntity.series.swapped ? round(maxOf(cap.hostEntity.series.swapped).max) : undefined,
    hostMaxBalloonMB: cap.hostEntity.series.balloon ? round(maxOf(cap.hostEntity.series.balloon).max) : undefined,
    vms,
  };
}
