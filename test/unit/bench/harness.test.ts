import * as assert from 'node:assert/strict';
import { formatTable, Harness, machine, mbps, MIN_RUNS, stats } from '../../../bench/harness';

/** A side whose samples are given times (the `{ ms }` a side reports itself), so verdicts are exact. */
const fixed = (times: number[]) => {
  let i = 0;
  return () => ({ ms: times[i++ % times.length] });
};

describe('bench harness (smoke: no benchmark runs here)', () => {
  const quiet = () => new Harness({ log: () => undefined });

  it('stats gives min / median / max, the median of an even count being the mean of the middle two', () => {
    assert.deepEqual(stats([5, 1, 3, 2]), { n: 4, min: 1, median: 2.5, max: 5 });
    assert.equal(stats([]).n, 0);
  });

  it('MB/s counts MB as 10^6 bytes', () => {
    assert.equal(mbps(250e6, 1000), 250);
    assert.equal(mbps(1048576, 1000), 1.048576);
  });

  it('runs at least 15 interleaved rounds after the warm-up, and checks the ratio target on the per-round median', async () => {
    const h = quiet();
    const order: string[] = [];
    const row = await h.bench({
      name: 'x', what: 'x', warmup: 1, runs: 3,
      ours: { label: 'o', run: () => { order.push('o'); return { ms: 12 }; } },
      peer: { kind: 'peer', label: 'p', run: () => { order.push('p'); return { ms: 10 }; } },
      target: { maxRatio: 1.3 },
    });
    assert.equal(row.ours.n, MIN_RUNS);
    assert.equal(row.status, 'met');
    assert.equal(row.ratio, 1.2);
    // warm-up o,p then rounds alternate who goes first
    assert.deepEqual(order.slice(0, 6), ['o', 'p', 'o', 'p', 'p', 'o']);
    const miss = await h.bench({ name: 'y', what: 'y', ours: { label: 'o', run: () => ({ ms: 14 }) }, peer: { kind: 'peer', label: 'p', run: () => ({ ms: 10 }) }, target: { maxRatio: 1.3 } });
    assert.equal(miss.status, 'MISSED');
    assert.equal(h.ok, false);
  });

  it('counts rounds where ours beats a floor as invalid, leaves them out, and fails a row dominated by them', async () => {
    const h = quiet();
    // one round in five has ours below the floor
    const row = await h.bench({
      name: 'f', what: 'f', warmup: 0,
      ours: { label: 'o', run: fixed([12, 12, 12, 12, 8]) },
      peer: { kind: 'floor', label: 'f', run: () => ({ ms: 10 }) },
      target: { maxRatio: 1.3 },
    });
    assert.ok(row.invalid >= 3, `invalid ${row.invalid}`);
    assert.equal(row.ours.n, MIN_RUNS);
    assert.equal(row.ours.min, 12);
    assert.equal(row.status, 'met');
    const bad = await h.bench({
      name: 'g', what: 'g', warmup: 0,
      ours: { label: 'o', run: fixed([8, 12]) }, peer: { kind: 'floor', label: 'f', run: () => ({ ms: 10 }) }, target: { maxRatio: 1.3 },
    });
    assert.equal(bad.status, 'INVALID');
  });

  it('checks a throughput target in MB/s and prints one table with every row and check', async () => {
    const h = quiet();
    await h.bench({ name: 't', what: 't', warmup: 0, ours: { label: 'o', run: () => ({ ms: 1000 }), bytes: 300e6 }, target: { minMBps: 250 } });
    h.check({ name: 'calls', what: 'c', value: 1, unit: 'calls', target: '≤ 10', ok: true });
    assert.equal(h.rows[0].ours.median, 300);
    assert.equal(h.ok, true);
    const table = formatTable(h, machine());
    assert.match(table, /\| t +\| MB\/s +\| 300 \/ 300 \/ 300/);
    assert.match(table, /\| calls /);
    h.check({ name: 'calls2', what: 'c', value: 20, unit: 'calls', target: '≤ 10', ok: false });
    assert.equal(h.ok, false);
  });

  it('marks quick (smoke) rows QUICK, which never count as met', async () => {
    const h = new Harness({ quick: true, log: () => undefined });
    const row = await h.bench({ name: 'q', what: 'q', ours: { label: 'o', run: () => ({ ms: 1 }) }, target: { maxMs: 50 } });
    assert.equal(row.status, 'QUICK');
    assert.equal(row.ours.n, 3);
    assert.equal(h.ok, false);
  });
});
