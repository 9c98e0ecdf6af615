/**
 * Streams a generated 200 MB log through the analyzer and checks that memory stays flat and the
 * counts are exact. Takes a few seconds (generation + analysis); the file is deleted afterwards.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { analyzeLogFiles } from '../../../src/core/backup/logs';
import { generateVdrLog } from '../../fixtures/vdr/generate';

describe('backup/logs: 200 MB streamed with flat memory', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => { dir = mkdtempSync(path.join(tmpdir(), 'vdr-big-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('analyzes 200 MB without memory growing with the input', async () => {
    const file = path.join(dir, 'datarecovery-0.log');
    const gen = await generateVdrLog(file, 200 * 1024 * 1024);
    global.gc?.();
    const before = process.memoryUsage();
    let peakRss = before.rss;
    let peakHeap = before.heapUsed;
    const timer = setInterval(() => {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
    }, 20);
    const t0 = performance.now();
    const r = await analyzeLogFiles([file], { maxJobs: 100_000 });
    const secs = (performance.now() - t0) / 1000;
    clearInterval(timer);
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
    const mb = (n: number) => (n / 1048576).toFixed(1);
    console.log(`      ${mb(gen.bytes)} MB in ${secs.toFixed(2)} s (${(gen.bytes / 1048576 / secs).toFixed(0)} MB/s); ` +
      `rss +${mb(peakRss - before.rss)} MB, heap peak +${mb(peakHeap - before.heapUsed)} MB`);

    assert.ok(gen.bytes >= 200 * 1024 * 1024);
    assert.equal(r.lines.total, gen.counts.lines);
    const count = (k: string) => r.errors.find((g) => g.key === k)?.count;
    assert.equal(count('-3956'), gen.counts.e3956);
    assert.equal(count('-3960'), gen.counts.e3960);
    assert.equal(count('vcbAPI:2338'), gen.counts.v2338);
    assert.equal(count('-2249'), gen.counts.e2249);
    assert.equal(r.jobs.length, gen.counts.jobRuns);
    assert.equal(r.jobs.filter((j) => j.outcome === 'incomplete').length, gen.counts.incomplete);
    assert.equal(r.jobs.filter((j) => j.outcome === 'terminated-at-stop-time').length, gen.counts.stopped);
    // Reading the file into memory would need > 200 MB; streaming needs a few chunks.
    assert.ok(peakRss - before.rss < 96 * 1024 * 1024, `rss grew by ${mb(peakRss - before.rss)} MB`);
    assert.ok(peakHeap - before.heapUsed < 64 * 1024 * 1024, `heap grew by ${mb(peakHeap - before.heapUsed)} MB`);
  });
});
