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
import { createInterface } from 'node:readline';
import { analyzeLogFiles } from '../src/core/backup/logs';
import { generateVdrLog } from '../test/fixtures/vdr/generate';
import { standalone, type Harness } from './harness';

const SIZE = 200e6;

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

/** bench/vdr through the harness. */
export async function run(h: Harness): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vdr-bench-'));
  try {
    const file = path.join(dir, 'datarecovery-0.log');
    const gen = await generateVdrLog(file, SIZE);
    h.note(`vdr: generated ${(gen.bytes / 1e6).toFixed(1)} MB, ${gen.counts.lines} lines`);
    await h.bench({
      name: 'vdr-quiet-inproc', what: 'Data Recovery log analysis, in process, quiet log',
      ours: { label: 'analyzeLogFiles() in process', run: async () => { await analyzeLogFiles([file], { maxJobs: 100_000 }); }, bytes: gen.bytes },
      peer: { kind: 'peer', label: 'grep -c error (process)', run: () => { grepCount(file); }, bytes: gen.bytes },
      warmup: 1, target: { minMBps: 600 },
    });
    await h.bench({
      name: 'vdr-ref-readline', what: 'reference: Node readline + one regex per line over the same file',
      ours: { label: 'readline + regex', run: async () => { await readlineRegex(file); }, bytes: gen.bytes },
      warmup: 1, target: {},
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) standalone('vdr', run);
