import assert from 'node:assert/strict';
import { decimateMinMax, seriesToCsv } from '../../../src/core/memory/decimate';

describe('memory: min/max decimation', () => {
  it('keeps every bucket minimum and maximum (a one-sample spike survives)', () => {
    const n = 43200;
    const x = Array.from({ length: n }, (_, i) => i * 2000);
    const y = x.map((_, i) => 100 + Math.sin(i / 500) * 10);
    y[31000] = 812.5; // a swap spike
    y[123] = -5;
    const d = decimateMinMax(x, [y], 800);
    assert.ok(d.x.length <= 1600, `${d.x.length} points`);
    assert.equal(d.x.length, d.ys[0].length);
    assert.equal(Math.max(...(d.ys[0] as number[])), 812.5);
    assert.equal(Math.min(...(d.ys[0] as number[])), -5);
    // The spike stays at (nearly) its time: inside its bucket.
    const at = d.ys[0].indexOf(812.5);
    assert.ok(Math.abs(d.x[at] - 31000 * 2000) <= (n * 2000) / 800);
    // x stays ascending.
    for (let i = 1; i < d.x.length; i++) assert.ok(d.x[i] >= d.x[i - 1]);
  });

  it('per bucket, min and max of every series, in the order they occurred', () => {
    const x = [0, 1, 2, 3, 4, 5, 6, 7];
    const a = [5, 1, 9, 2, 3, 8, 0, 4];
    const b = [null, null, null, null, 1, 2, 3, 4];
    const d = decimateMinMax(x, [a, b], 2);
    assert.deepEqual(d.x, [0, 3, 4, 7]);
    assert.deepEqual(d.ys[0], [1, 9, 8, 0]);
    assert.deepEqual(d.ys[1], [null, null, 1, 4]);
  });

  it('short series pass through; NaN becomes null', () => {
    const d = decimateMinMax([1, 2, 3], [[1, NaN, 3]], 100);
    assert.deepEqual(d, { x: [1, 2, 3], ys: [[1, null, 3]] });
  });

  it('CSV export: ISO times, blanks for gaps, quoted names', () => {
    const csv = seriesToCsv([0, 20000], ['web01 balloon (MB)', 'a,b'], [[1.23456, null], [2, 3]]);
    assert.equal(csv, 'time,web01 balloon (MB),"a,b"\n1970-01-01T00:00:00.000Z,1.235,2\n1970-01-01T00:00:20.000Z,,3\n');
  });
});
