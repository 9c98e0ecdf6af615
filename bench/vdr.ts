/**
 * VMware Data Recovery log analysis throughput on a generated 200 MB log (temp file, deleted after).
 *
 * ours: analyzeLogFiles() — streaming, every line counted and shape-classified, candidate lines
 *       parsed (jobs, per-VM outcomes, error groups with first/last/samples).
 * peer: `grep -c error FILE` over the same file in the same run (the floor: a native substring count).
 * ref:  a bare Node readline + one regex per line (what a straightforward JS parser costs).
 *
 * Each is run 3 times after a warm-up (page cache hot for all); the median is reported.
 * Run: npx tsx bench/vdr.ts   (last line: BENCH vdr ours=…MB/s peer=…MB/s ratio=…)
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { analyzeLogFiles } from '../src/core/backup/logs';
import { generateVdrLog } from '../test/fixtures/vdr/generate';

const SIZE = 200 * 1024 * 1024;
const ROUNDS = 3;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function timeIt(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

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

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vdr-bench-'));
  try {
    const file = path.join(dir, 'datarecovery-0.log');
    const gen = await generateVdrLog(file, SIZE);
    const mb = gen.bytes / 1048576;
    console.log(`generated ${mb.toFixed(1)} MB, ${gen.counts.lines} lines`);

    // Warm-up: page cache and JIT.
    const grepHits = grepCount(file);
    await analyzeLogFiles([file]);

    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => { rssPeak = Math.max(rssPeak, process.memoryUsage().rss); }, 10);
    const oursT: number[] = [];
    const grepT: number[] = [];
    let groups = 0;
    for (let i = 0; i < ROUNDS; i++) {
      oursT.push(await timeIt(async () => { groups = (await analyzeLogFiles([file], { maxJobs: 100_000 })).errors.length; }));
      grepT.push(await timeIt(() => grepCount(file)));
    }
    clearInterval(sampler);
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    const rlT: number[] = [];
    let rlHits = 0;
    for (let i = 0; i < ROUNDS; i++) rlT.push(await timeIt(async () => { rlHits = await readlineRegex(file); }));

    const ours = mb / median(oursT);
    const peer = mb / median(grepT);
    const rl = mb / median(rlT);
    console.log(`ours   analyzeLogFiles       ${ours.toFixed(0).padStart(6)} MB/s  (runs ${oursT.map((t) => (mb / t).toFixed(0)).join(', ')}; ${groups} error groups)`);
    console.log(`peer   grep -c error         ${peer.toFixed(0).padStart(6)} MB/s  (runs ${grepT.map((t) => (mb / t).toFixed(0)).join(', ')}; ${grepHits} lines)`);
    console.log(`ref    readline + regex      ${rl.toFixed(0).padStart(6)} MB/s  (runs ${rlT.map((t) => (mb / t).toFixed(0)).join(', ')}; ${rlHits} lines)`);
    console.log(`ours peak RSS ${(rssPeak / 1048576).toFixed(0)} MB (baseline ${(rssBefore / 1048576).toFixed(0)} MB, +${((rssPeak - rssBefore) / 1048576).toFixed(1)} MB over a ${mb.toFixed(0)} MB input)`);
    console.log(`BENCH vdr ours=${ours.toFixed(0)}MB/s peer=${peer.toFixed(0)}MB/s ratio=${(ours / peer).toFixed(3)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
