/**
 * VMware Data Recovery log analysis throughput on two generated 200 MB logs (temp files, deleted after):
 *   dense – a bad night: the grammar bench's VDR model, ≥ 25 % candidate lines (test/fixtures/vdr/dense.ts);
 *           target ≥ 250 MB/s
 *   quiet – a good night: ~2 % candidate lines (test/fixtures/vdr/generate.ts); target ≥ 600 MB/s
 * each measured two ways, interleaved with the peer through bench/harness.ts (MB = 10⁶ bytes):
 *   inproc – analyzeLogFiles() in this process (what the extension runs); its RSS growth checked flat in a
 *            fresh process (bench/vdr-memory.ts)
 *   cli    – `node dist/cli.js vdr analyze FILE` as a whole process, its peak RSS checked
 * peer: `grep -c error FILE` (a native substring count) in the same rounds; ref: readline + one regex.
 * Run: npm run bench -- vdr   (or npx tsx bench/vdr.ts)
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { analyzeLogFiles } from '../src/core/backup/logs';
import { generateVdrLog } from '../test/fixtures/vdr/generate';
import { CANDIDATE, generateDenseVdrLog } from '../test/fixtures/vdr/dense';
import { buildDist, CLI, standalone, type Harness } from './harness';

/** 200 MB (the figure); VLAB_BENCH_VDR_MB overrides it for a quick look only. */
const SIZE = Number(process.env.VLAB_BENCH_VDR_MB ?? 200) * 1e6;

function grepCount(file: string): number {
  const r = spawnSync('grep', ['-c', 'error', file], { encoding: 'utf8' });
  if (r.status !== 0 && r.status !== 1) throw new Error(`grep failed: ${r.stderr}`);
  return Number(r.stdout.trim());
}

const RE = /error[: ]+(-?\d+)|Job "([^"]+)"/;
async function readlineRegex(file: string): Promise<number> {
  let hits = 0;
  const rl = createInterface({ input: createReadStream(file, { highWaterMark: 1 << 20 }), crlfDelay: Infinity });
  for await (const line of rl) if (RE.test(line)) hits++;
  return hits;
}

/** bench/vdr-memory.ts in a fresh process: its RSS before and at most during three in-process analyses of `file`. */
function memoryInChild(file: string): { base: number; peak: number } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'vdr-memory.ts'), file], { cwd: path.join(__dirname, '..'), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bench/vdr-memory.ts failed (${r.status}): ${r.stderr.slice(-500)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { base: number; peak: number };
}

/** `vlab vdr analyze FILE` as a user runs it (whole process); its peak RSS in kB from /usr/bin/time. */
function cliOnce(file: string, rss: number[]): void {
  const r = spawnSync('/usr/bin/time', ['-f', 'MAXRSS %M', process.execPath, CLI, 'vdr', 'analyze', file], { encoding: 'utf8', maxBuffer: 1 << 24 });
  // exit 1 = error-level findings (the logs are a bad night): a result, not a failure
  if (r.status !== 0 && r.status !== 1) throw new Error(`vlab vdr analyze failed (${r.status}): ${r.stderr.slice(-500)}`);
  if (!/Read 1 log file\(s\)/.test(r.stdout)) throw new Error(`vlab vdr analyze printed no summary: ${r.stdout.slice(0, 300)}`);
  const m = /MAXRSS (\d+)/.exec(r.stderr);
  if (m) rss.push(Number(m[1]));
}

async function oneDensity(h: Harness, label: 'dense' | 'quiet', file: string, bytes: number, target: number): Promise<void> {
  const grep = { kind: 'peer' as const, label: 'grep -c error FILE (process)', run: () => { grepCount(file); }, bytes };
  await h.bench({
    name: `vdr-${label}-inproc`, what: `Data Recovery log analysis in process, ${(bytes / 1e6).toFixed(0)} MB ${label} log`,
    ours: { label: 'analyzeLogFiles() in process (the extension\'s path)', run: async () => { await analyzeLogFiles([file]); }, bytes },
    peer: grep, warmup: 1, target: { minMBps: target },
  });
  const mem = memoryInChild(file);
  const grow = (mem.peak - mem.base) / 1e6;
  h.check({ name: `vdr-${label}-memory`, what: 'RSS growth while analysing in process (a fresh process, three analyses)', value: Number(grow.toFixed(1)), unit: 'MB',
    target: `< 64 MB over a ${(bytes / 1e6).toFixed(0)} MB input (flat)`, ok: grow < 64, note: `peak RSS ${(mem.peak / 1e6).toFixed(0)} MB, baseline ${(mem.base / 1e6).toFixed(0)} MB (sampled every 20 ms; bench/vdr-memory.ts)` });
  const cliRss: number[] = [];
  await h.bench({
    name: `vdr-${label}-cli`, what: `\`vlab vdr analyze\` whole process, ${(bytes / 1e6).toFixed(0)} MB ${label} log`,
    ours: { label: 'node dist/cli.js vdr analyze FILE (process: Node start, bundle load, analysis, report)', run: () => { cliOnce(file, cliRss); }, bytes },
    peer: grep, warmup: 1, target: { minMBps: target },
  });
  if (cliRss.length) {
    const peak = Math.max(...cliRss) / 1000;
    h.check({ name: `vdr-${label}-cli-memory`, what: 'peak RSS of the vlab process', value: Number(peak.toFixed(0)), unit: 'MB',
      target: '< 160 MB (flat: Node itself is ~45 MB)', ok: peak < 160 });
  }
}

/** bench/vdr through the harness: a dense (bad night) and a quiet 200 MB log, in process and as the CLI. */
export async function run(h: Harness): Promise<void> {
  buildDist();
  const dir = mkdtempSync(path.join(tmpdir(), 'vdr-bench-'));
  try {
    const dense = path.join(dir, 'datarecovery-0.log');
    const d = await generateDenseVdrLog(dense, SIZE);
    h.note(`vdr dense: ${(d.bytes / 1e6).toFixed(1)} MB, ${d.lines} lines, ${((d.candidates / d.lines) * 100).toFixed(1)} % candidate lines (errors, job lines: the grammar bench's VDR model)`);
    if (d.candidates / d.lines < 0.25) throw new Error('the dense log has under 25 % candidate lines');
    await oneDensity(h, 'dense', dense, d.bytes, 250);
    rmSync(dense);
    const quiet = path.join(dir, 'datarecovery-1.log');
    const q = await generateVdrLog(quiet, SIZE);
    const qc = grepCandidates(quiet);
    h.note(`vdr quiet: ${(q.bytes / 1e6).toFixed(1)} MB, ${q.counts.lines} lines, ${((qc / q.counts.lines) * 100).toFixed(1)} % candidate lines`);
    await oneDensity(h, 'quiet', quiet, q.bytes, 600);
    await h.bench({
      name: 'vdr-ref-readline', what: 'reference: Node readline + one regex per line over the quiet log',
      ours: { label: 'readline + regex', run: async () => { await readlineRegex(quiet); }, bytes: q.bytes },
      warmup: 1, target: {},
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Lines holding one of the analyzer's candidate words in any case (grep -c -i -E). */
function grepCandidates(file: string): number {
  const r = spawnSync('grep', ['-c', '-i', '-E', CANDIDATE.source, file], { encoding: 'utf8' });
  return Number(r.stdout.trim());
}

if (require.main === module) standalone('vdr', run);
