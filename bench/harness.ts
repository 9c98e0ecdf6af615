/**
 * The bench harness: every benchmark in bench/ measures through it, so every figure in the table is
 * taken the same honest way.
 *
 * A bench file exports `run(h: Harness)`: it sets up what it needs (a vcsim, a generated log…), calls
 * `h.bench({...})` once per measured target (and `h.check({...})` for counted, untimed facts such as
 * "QueryPerf calls"), then tears down. `bench/run.ts` runs every file (or the named ones), prints ONE
 * table and writes test-results/bench.json; its exit code is 1 when any target is missed, any row is
 * invalid, or any bench fails. `npx tsx bench/NAME.ts` runs one file the same way (see `standalone`).
 *
 * How a `bench` is measured:
 * - warm-up: `warmup` untimed rounds of every side (default 2): JIT tiers, page cache, server caches.
 * - N timed rounds (default and minimum 15; pass `runs: 30` where the goal says ≥ 30), **interleaved**:
 *   each round runs ours and the peer once, the order alternating round by round, so a load swing on
 *   this shared machine hits both sides alike.
 * - a sample is the wall time of `run()` (performance.now around an await), unless `run()` returns
 *   `{ ms }`: a time the side measured itself (another process's own timer, the extension host's marks).
 * - the **ratio** is the median of the per-round ratios ours/peer (pairs taken in the same round), not
 *   a ratio of medians taken minutes apart.
 * - **invalid samples**: when the peer is a `floor` — something doing strictly less than ours (a bare
 *   request of the same bytes, no parsing) — a round where ours is faster than the floor breaks physics
 *   (the floor was stalled by something else). That pair is counted as invalid and left out; more rounds
 *   are run (up to 2 × N in all) so N valid pairs are kept. A row with more than a third of its rounds
 *   invalid is reported INVALID and fails: its figures say more about the machine than about us.
 * - throughput: a side with `bytes` reports MB/s where **MB = 10⁶ bytes** (MiB = 2²⁰ is never printed
 *   as MB). min/median/max are printed in the row's unit, the target is checked on the median.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

export const MIN_RUNS = 15;

/** What one sample of a side may return: nothing (wall-timed by the harness) or its own time. */
export type SampleResult = void | undefined | { ms: number };

export interface Side {
  /** Short label for the table, e.g. "analyzeLogFiles in process" or "openssl req (process)". */
  label: string;
  /** One sample. Throws to fail the bench (a wrong answer is a failure, not a fast sample). */
  run: () => SampleResult | Promise<SampleResult> | unknown;
  /** Bytes processed per sample: the row then reads in MB/s (10⁶ bytes per second). */
  bytes?: number;
}

export interface Target {
  /** median of per-round ours/peer time ratios ≤ this */
  maxRatio?: number;
  /** median ours time (ms) < this */
  maxMs?: number;
  /** median ours throughput (MB/s, 10⁶ bytes) ≥ this; needs `ours.bytes` */
  minMBps?: number;
}

export interface BenchDef {
  /** Row id, e.g. "vdr-dense-cli"; unique in the table. */
  name: string;
  /** One line saying what is measured. */
  what: string;
  ours: Side;
  /** The peer measured in the same rounds; `floor` = it does strictly less than ours (see invalid samples). */
  peer?: Side & { kind: 'peer' | 'floor' };
  runs?: number;
  warmup?: number;
  /**
   * Runs per sample (default 1): a sample is the mean of this many back-to-back runs of a side. For a
   * side whose time is mostly a shared server's (vcsim pausing for its garbage collector), so that one
   * stall does not decide a round against a floor.
   */
  batch?: number;
  target: Target;
  /** Printed under the table for this row (e.g. why a target is what it is). */
  note?: string;
}

export interface Stats { n: number; min: number; median: number; max: number }

export interface Row {
  name: string;
  what: string;
  unit: 'ms' | 'MB/s' | string;
  ours: Stats;
  oursLabel: string;
  peer?: Stats;
  peerLabel?: string;
  peerKind?: 'peer' | 'floor';
  /** median of per-round ours/peer time ratios */
  ratio?: number;
  target: string;
  rounds: number;
  invalid: number;
  /** 'reported': a row with no target (a figure printed beside a checked one). */
  status: 'met' | 'reported' | 'MISSED' | 'INVALID' | 'ERROR' | 'QUICK';
  detail?: string;
  note?: string;
}

export interface CheckDef {
  name: string;
  what: string;
  value: number;
  unit: string;
  /** e.g. "≤ 13 calls (≥ 10× fewer than 100)" */
  target: string;
  ok: boolean;
  note?: string;
}

export function stats(xs: readonly number[]): Stats {
  if (xs.length === 0) return { n: 0, min: NaN, median: NaN, max: NaN };
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return { n: s.length, min: s[0], median: s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2, max: s[s.length - 1] };
}

/** MB/s with MB = 10⁶ bytes. */
export const mbps = (bytes: number, ms: number): number => bytes / 1e6 / (ms / 1000);

async function sample(side: Side, batch = 1): Promise<number> {
  let total = 0;
  for (let i = 0; i < batch; i++) {
    const t0 = performance.now();
    const r = (await side.run()) as SampleResult;
    const wall = performance.now() - t0;
    total += r && typeof r === 'object' && typeof (r as { ms?: unknown }).ms === 'number' ? (r as { ms: number }).ms : wall;
  }
  return total / batch;
}

function targetText(t: Target): string {
  const parts: string[] = [];
  if (t.maxRatio !== undefined) parts.push(`ratio ≤ ${t.maxRatio}`);
  if (t.maxMs !== undefined) parts.push(`< ${t.maxMs} ms`);
  if (t.minMBps !== undefined) parts.push(`≥ ${t.minMBps} MB/s`);
  return parts.join(', ') || '(report only)';
}

export interface HarnessOptions {
  /** Override every bench's run count (never below MIN_RUNS unless `quick`). */
  runs?: number;
  /** Smoke mode (unit tests, `--quick`): few rounds allowed, every row marked QUICK, never a result. */
  quick?: boolean;
  log?: (line: string) => void;
}

export class Harness {
  readonly rows: Row[] = [];
  readonly checks: CheckDef[] = [];
  readonly notes: string[] = [];
  readonly log: (line: string) => void;

  constructor(readonly opts: HarnessOptions = {}) {
    this.log = opts.log ?? ((l) => console.log(l));
  }

  /** A free line printed under the table (a fact the reader needs, e.g. the input's shape). */
  note(line: string): void {
    this.notes.push(line);
    this.log(`  note: ${line}`);
  }

  /** A counted, untimed fact checked against a target (e.g. QueryPerf calls per range). */
  check(c: CheckDef): void {
    this.checks.push(c);
    this.log(`  ${c.name}: ${c.value} ${c.unit} (target ${c.target}) ${c.ok ? 'met' : 'MISSED'}`);
  }

  /** Records a bench that could not run (setup failed): an ERROR row, which fails the run. */
  error(name: string, what: string, err: unknown): void {
    // one line, no terminal colours (Playwright's messages carry both)
    // eslint-disable-next-line no-control-regex
    const detail = (err instanceof Error ? err.message : String(err)).replace(/\x1b\[[0-9;]*m/g, '').split('\n')[0];
    this.rows.push({ name, what, unit: '', ours: stats([]), oursLabel: '', target: '', rounds: 0, invalid: 0, status: 'ERROR', detail });
    this.log(`  ${name}: ERROR ${detail}`);
  }

  async bench(def: BenchDef): Promise<Row> {
    const quick = !!this.opts.quick;
    const runs = quick ? Math.max(1, this.opts.runs ?? 3) : Math.max(this.opts.runs ?? 0, def.runs ?? 0, MIN_RUNS);
    const warmupDefault = quick ? 1 : 2;
    const warmup = quick ? Math.min(def.warmup ?? 1, 1) : def.warmup ?? warmupDefault;
    const tp = def.ours.bytes !== undefined;
    if (def.target.minMBps !== undefined && !tp) throw new Error(`${def.name}: a MB/s target needs ours.bytes`);
    if (def.target.maxRatio !== undefined && !def.peer) throw new Error(`${def.name}: a ratio target needs a peer`);
    this.log(`▶ ${def.name}: ${def.what} (${runs} interleaved rounds after ${warmup} warm-up${def.batch && def.batch > 1 ? `, each sample the mean of ${def.batch} runs` : ''})`);
    const sides = def.peer ? [def.ours, def.peer] : [def.ours];
    const batch = def.batch ?? 1;
    for (let w = 0; w < warmup; w++) for (const s of sides) await sample(s);
    const ours: number[] = [];
    const peer: number[] = [];
    const ratios: number[] = [];
    let invalid = 0;
    let rounds = 0;
    const maxRounds = def.peer?.kind === 'floor' ? runs * 2 : runs;
    while (ours.length < runs && rounds < maxRounds) {
      let o: number;
      let p = NaN;
      if (def.peer && rounds % 2 === 1) {
        p = await sample(def.peer, batch);
        o = await sample(def.ours, batch);
      } else {
        o = await sample(def.ours, batch);
        if (def.peer) p = await sample(def.peer, batch);
      }
      rounds++;
      if (def.peer?.kind === 'floor' && o < p) {
        invalid++;
        this.log(`    round ${rounds}: INVALID ours ${o.toFixed(1)} ms < floor ${p.toFixed(1)} ms (left out)`);
        continue;
      }
      ours.push(o);
      if (def.peer) {
        peer.push(p);
        ratios.push(o / p);
      }
    }
    const row = this.summarise(def, ours, peer, ratios, rounds, invalid, quick, tp);
    this.rows.push(row);
    this.log(`  ${formatRowLine(row)}`);
    return row;
  }

  private summarise(def: BenchDef, ours: number[], peer: number[], ratios: number[], rounds: number, invalid: number, quick: boolean, tp: boolean): Row {
    const conv = (side: Side | undefined, ms: number[]): Stats | undefined => {
      if (!side) return undefined;
      return side.bytes !== undefined ? stats(ms.map((t) => mbps(side.bytes!, t))) : stats(ms);
    };
    const o = conv(def.ours, ours)!;
    const p = conv(def.peer, peer);
    const ratio = ratios.length ? stats(ratios).median : undefined;
    const oursMsMedian = stats(ours).median;
    const misses: string[] = [];
    const t = def.target;
    if (t.maxRatio !== undefined && !(ratio! <= t.maxRatio)) misses.push(`ratio ${ratio?.toFixed(2)} > ${t.maxRatio}`);
    if (t.maxMs !== undefined && !(oursMsMedian < t.maxMs)) misses.push(`${oursMsMedian.toFixed(1)} ms ≥ ${t.maxMs} ms`);
    if (t.minMBps !== undefined && !(o.median >= t.minMBps)) misses.push(`${o.median.toFixed(0)} MB/s < ${t.minMBps} MB/s`);
    const hasTarget = t.maxRatio !== undefined || t.maxMs !== undefined || t.minMBps !== undefined;
    let status: Row['status'] = misses.length ? 'MISSED' : hasTarget ? 'met' : 'reported';
    let detail = misses.join('; ') || undefined;
    if (invalid * 3 > rounds || ours.length === 0) {
      status = 'INVALID';
      detail = `${invalid} of ${rounds} rounds had ours faster than the floor: the machine's noise dominates`;
    }
    if (quick) status = 'QUICK';
    return {
      name: def.name, what: def.what, unit: tp ? 'MB/s' : 'ms', ours: o, oursLabel: def.ours.label,
      peer: p, peerLabel: def.peer?.label, peerKind: def.peer?.kind, ratio, target: targetText(t),
      rounds, invalid, status, detail, note: def.note,
    };
  }

  /** Whether every row and check met its target (QUICK rows never do: they are not results). */
  get ok(): boolean {
    return this.rows.every((r) => r.status === 'met' || r.status === 'reported') && this.checks.every((c) => c.ok);
  }
}

const f = (x: number | undefined): string => (x === undefined || Number.isNaN(x) ? '–' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const mmm = (s: Stats | undefined): string => (s ? `${f(s.min)} / ${f(s.median)} / ${f(s.max)}` : '–');

export function formatRowLine(r: Row): string {
  const peer = r.peer ? ` ${r.peerKind} ${mmm(r.peer)}` : '';
  return `${r.status} ${r.name}: ours ${mmm(r.ours)} ${r.unit}${peer}${r.ratio !== undefined ? ` ratio ${r.ratio.toFixed(2)}` : ''} (target ${r.target}; n=${r.ours.n}, invalid ${r.invalid})${r.detail ? ` — ${r.detail}` : ''}`;
}

export interface MachineInfo { host: string; cpu: string; cores: number; memGB: number; node: string; date: string; loadStart: number[]; loadEnd?: number[] }

export function machine(): MachineInfo {
  const cpus = os.cpus();
  return {
    host: os.hostname(), cpu: cpus[0]?.model.trim() ?? 'unknown', cores: cpus.length,
    memGB: Math.round(os.totalmem() / 1e9), node: process.version, date: new Date().toISOString(), loadStart: os.loadavg(),
  };
}

/** The one table: every row and check, min / median / max in the row's unit, the target, the verdict. */
export function formatTable(h: Harness, m: MachineInfo): string {
  const head = ['bench', 'unit', 'ours min / median / max', 'peer (min / median / max)', 'ratio', 'target', 'n', 'invalid', 'result'];
  const body: string[][] = h.rows.map((r) => [
    r.name, r.unit, mmm(r.ours), r.peer ? `${r.peerKind}: ${mmm(r.peer)}` : '–', r.ratio !== undefined ? r.ratio.toFixed(2) : '–',
    r.target, String(r.ours.n), r.rounds ? `${r.invalid}/${r.rounds}` : '–', r.status,
  ]);
  for (const c of h.checks) body.push([c.name, c.unit, String(c.value), '–', '–', c.target, '1', '–', c.ok ? 'met' : 'MISSED']);
  const w = head.map((_, i) => Math.max(head[i].length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(w[i])).join(' | ')} |`;
  const out = [
    `Machine: ${m.host} — ${m.cpu}, ${m.cores} cores, ${m.memGB} GB, Node ${m.node}; ${m.date}; load average ${m.loadStart.map((x) => x.toFixed(1)).join(' ')} at start${m.loadEnd ? `, ${m.loadEnd.map((x) => x.toFixed(1)).join(' ')} at end` : ''}`,
    'MB = 10^6 bytes. ratio = median over rounds of ours/peer time (lower is faster). invalid = rounds where ours beat a floor doing strictly less (left out).',
    line(head), line(w.map((n) => '-'.repeat(n))), ...body.map(line),
  ];
  const details = h.rows.filter((r) => r.detail || r.note).map((r) => `  ${r.name}: ${[r.detail, r.note].filter(Boolean).join(' — ')}`);
  details.push(...h.rows.map((r) => `  ${r.name}: ours = ${r.oursLabel}${r.peerLabel ? `; ${r.peerKind} = ${r.peerLabel}` : ''}`));
  details.push(...h.checks.filter((c) => c.note).map((c) => `  ${c.name}: ${c.note}`));
  details.push(...h.notes.map((n) => `  ${n}`));
  return [...out, '', ...details].join('\n');
}

export function writeJson(h: Harness, m: MachineInfo, file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ machine: m, ok: h.ok, rows: h.rows, checks: h.checks, notes: h.notes }, null, 2) + '\n');
}

/** A bench file's entry point. */
export type BenchFile = (h: Harness) => Promise<void>;

/**
 * `if (require.main === module) standalone(run)` at the end of a bench file: runs it alone through
 * the same runner (one table, JSON, exit code).
 */
export function standalone(name: string, run: BenchFile): void {
  // Loaded lazily so the harness has no import cycle with the runner.
  void import('./run').then((r) => r.runFiles([{ name, run }], process.argv.slice(2))).then(
    (code) => process.exit(code),
    (e: unknown) => { console.error(e); process.exit(1); },
  );
}

export const REPO_ROOT = path.resolve(__dirname, '..');
export const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
export const EXTENSION_BUNDLE = path.join(REPO_ROOT, 'dist', 'extension.js');
let built = false;

/** Builds dist/ as it ships (esbuild --production: minified, no source maps) once per run, so process-level benches measure this tree's code as users get it. */
export function buildDist(): void {
  if (built) return;
  const r = spawnSync(process.execPath, ['esbuild.mjs', '--production'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`node esbuild.mjs failed:\n${r.stderr}`);
  built = true;
}

let packaged: string | undefined;

/**
 * Packs this tree's .vsix (scripts/package.sh: the production build, then vsce) once per run and
 * returns its path, so benches that install the extension measure this tree's code, never a stale
 * package (or fail on a fresh clone that has none).
 */
export function packageVsix(): string {
  if (packaged) return packaged;
  const r = spawnSync('bash', ['scripts/package.sh'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bash scripts/package.sh failed:\n${r.stdout}\n${r.stderr}`);
  const m = /package: (\S+\.vsix)/.exec(r.stdout);
  if (!m) throw new Error(`bash scripts/package.sh printed no .vsix: ${r.stdout}`);
  built = true; // package.sh made the production build of dist/
  packaged = path.join(REPO_ROOT, m[1]);
  return packaged;
}
