import assert from 'node:assert/strict';
import { estimateAll, estimateOverhead, OVERHEAD_TABLES } from '../../../src/core/memory/overhead';

describe('memory: documented overhead tables', () => {
  it('exact cells of the vSphere 4.0 table (Table 3-2)', () => {
    const cases: Array<[number, number, number]> = [
      [256, 1, 113.17], [256, 8, 416.5], [1024, 2, 176.05], [2048, 4, 280.53], [4096, 1, 165.98], [4096, 2, 242.51],
      [4096, 3, 283.75], [8192, 1, 222.3], [8192, 4, 413.91], [262144, 1, 3714.99], [512, 6, 343.88],
    ];
    for (const [mem, cpu, want] of cases) {
      const e = estimateOverhead(mem, cpu, '4.0');
      assert.equal(e.method, 'exact', `${mem}×${cpu}`);
      assert.equal(e.overheadMB, want, `${mem}×${cpu}`);
      assert.equal(e.table, '4.0');
      assert.match(e.note, /4\.0 table/);
    }
  });

  it('exact cells of the 6.5 sample table', () => {
    assert.equal(estimateOverhead(256, 1, '6.5').overheadMB, 20.29);
    assert.equal(estimateOverhead(4096, 4, '6.5').overheadMB, 60.67);
    assert.equal(estimateOverhead(16384, 8, '6.5').overheadMB, 168.6);
    assert.equal(estimateOverhead(1024, 2, '6.5').overheadMB, 29.91);
  });

  it('interpolates only between two known rows of the same column, and says so', () => {
    const e = estimateOverhead(3072, 2, '4.0');
    assert.equal(e.method, 'interpolated');
    assert.deepEqual(e.between, [2048, 4096]);
    assert.equal(e.overheadMB, Math.round(((198.2 + 242.51) / 2) * 100) / 100);
    assert.match(e.note, /interpolated linearly between the 2048 MB and 4096 MB rows/);
    assert.match(e.note, /not a documented value/);
    const six = estimateOverhead(2048, 1, '6.5');
    assert.equal(six.method, 'interpolated');
    assert.deepEqual(six.between, [1024, 4096]);
    assert.ok(six.overheadMB! > 25.9 && six.overheadMB! < 48.64);
  });

  it('unknown cells, missing neighbours, absent vCPU columns and out-of-range sizes give no estimate', () => {
    for (const [mem, cpu, table, why] of [
      [4096, 8, '4.0', /No documented value/], [8192, 2, '4.0', /No documented value/],
      [6144, 2, '4.0', /lacks 8192 MB × 2 vCPU/], [16384, 4, '4.0', /No documented value/],
      [1024, 3, '6.5', /no column for 3 vCPUs/], [128, 1, '4.0', /outside/], [32768, 1, '6.5', /outside/],
      [524288, 1, '4.0', /outside/], [1024, 0, '4.0', /positive/],
    ] as Array<[number, number, '4.0' | '6.5', RegExp]>) {
      const e = estimateOverhead(mem, cpu, table);
      assert.equal(e.method, 'unknown', `${mem}×${cpu} ${table}`);
      assert.equal(e.overheadMB, undefined);
      assert.match(e.note, why);
    }
  });

  it('every table row has one value (or null) per vCPU column, rows ascending', () => {
    for (const t of Object.values(OVERHEAD_TABLES)) {
      let prev = 0;
      for (const [m, vals] of t.rows) {
        assert.equal(vals.length, t.vcpus.length);
        assert.ok(m > prev);
        prev = m;
      }
    }
    assert.equal(estimateAll(1024, 1).length, 2);
  });
});
