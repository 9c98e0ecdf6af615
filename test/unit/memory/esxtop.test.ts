import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EsxtopFormatError, EsxtopParser, parseColumnName, parseEsxtopFile, parseEsxtopText, parsePdhTime, splitCsvRecord, summarizeCapture } from '../../../src/core/memory/esxtop';
import { captureText, writeCapture } from '../../fixtures/esxtop/generate';

describe('memory: esxtop batch CSV', () => {
  it('splits quoted records, with doubled quotes and commas inside fields', () => {
    assert.deepEqual(splitCsvRecord('"a","b c","1.00"'), ['a', 'b c', '1.00']);
    assert.deepEqual(splitCsvRecord('"x ""y"", z","2"'), ['x "y", z', '2']);
    assert.deepEqual(splitCsvRecord('"a",,"c"'), ['a', '', 'c']);
    assert.deepEqual(splitCsvRecord('plain,1'), ['plain', '1']);
  });

  it('reads PDH times (MM/DD/YYYY HH:MM:SS) with the header bias', () => {
    assert.equal(parsePdhTime('09/14/2010 02:10:00'), Date.UTC(2010, 8, 14, 2, 10, 0));
    assert.equal(parsePdhTime('09/14/2010 02:10:00', 60), Date.UTC(2010, 8, 14, 3, 10, 0));
    assert.ok(Number.isNaN(parsePdhTime('2010-09-14 02:10:00')));
  });

  it('column names: host, object (parentheses in VM names kept), counter', () => {
    assert.deepEqual(parseColumnName('\\\\esx01\\Group Memory(1000:app (x))\\Memctl MBytes'), { host: 'esx01', object: 'Group Memory(1000:app (x))', counter: 'Memctl MBytes' });
    assert.deepEqual(parseColumnName('\\\\h\\Memory\\Free MBytes'), { host: 'h', object: 'Memory', counter: 'Free MBytes' });
    assert.equal(parseColumnName('(PDH-CSV 4.0) (UTC)(0)'), undefined);
  });

  it('parses a realistic capture by column name: any host, N VMs, odd names, noise columns skipped', () => {
    const names = ['web 01', 'db,"main"', 'app (x)', 'ünïcode-vm'];
    const { text, truth } = captureText({ host: 'esx-lab-7', names, samples: 90, spikeAt: 63, swapVms: [0, 2], seed: 7 });
    const cap = parseEsxtopText(text);
    assert.equal(cap.host, 'esx-lab-7');
    assert.equal(cap.timezone, 'UTC');
    assert.equal(cap.rows, 90);
    assert.equal(cap.intervalSeconds, 2);
    assert.equal(cap.t[0], truth.times[0]);
    assert.deepEqual(cap.vms.map((v) => v.name), names);
    assert.deepEqual(cap.vms.map((v) => v.id), truth.gids);
    // Noise columns (CPU, disk) are not stored.
    assert.ok(cap.columns > cap.used + names.length * 3);
    const s = summarizeCapture(cap);
    for (let i = 0; i < names.length; i++) {
      const v = s.vms.find((x) => x.name === names[i])!;
      assert.equal(v.maxSwappedMB, truth.maxSwappedMB[i], `${names[i]} swapped`);
      assert.equal(v.maxBalloonMB, truth.maxBalloonMB[i], `${names[i]} balloon`);
      assert.equal(v.sizeMB, truth.sizeMB[i]);
      assert.equal(v.sharedSavedMB, truth.sharedSavedMB[i]);
      if (truth.swapPeakIndex[i] >= 0) assert.equal(v.swapPeakAt, new Date(truth.times[truth.swapPeakIndex[i]]).toISOString());
      else assert.equal(v.swapPeakAt, undefined);
    }
    assert.equal(s.vms[0].maxSwappedMB, 812.5, 'swapping VMs sort first');
    assert.equal(s.hostMinFreeMB, truth.minFreeMB);
    assert.equal(s.hostMaxSwapUsedMB, 812.5 * 2);
  });

  it('real ESXi 6 column names: every host Memory and VM Group Memory column maps to its metric', () => {
    // Column names as written by esxtop on an ESXi 6 host (facts from the captures in repo
    // rach-sharp/esxtopd: host columns in small-esxtop-data.csv, VM columns in esxtop-data.csv,
    // taken with every counter). Each column gets a distinct value so a wrong mapping shows.
    const host = ['Machine MBytes', 'Kernel MBytes', 'NonKernel MBytes', 'Free MBytes', 'Kernel Managed MBytes', 'Kernel MinFree MBytes',
      'Kernel Reserved MBytes', 'Kernel Unreserved MBytes', 'Kernel State', 'PShare Shared MBytes', 'PShare Common MBytes',
      'PShare Savings MBytes', 'Swap Used MBytes', 'Swap Target MBytes', 'Swap MBytes Read/sec', 'Swap MBytes Write/sec',
      'Total Compressed MBytes', 'Total Saved By Compression MBytes', 'Memctl Current MBytes', 'Memctl Target MBytes', 'Memctl Max MBytes'];
    const vm = ['Members', 'Memory Size MBytes', 'Memory Granted Size MBytes', 'Memory Consumed Size MBytes', 'Target Size MBytes',
      'Touched MBytes', 'Touched Write MBytes', '% Active Estimate', 'Memctl?', 'Memctl MBytes', 'Memctl Target MBytes', 'Memctl Max MBytes',
      'Swapped MBytes', 'Swap Target MBytes', 'Swap Read MBytes/sec', 'Swap Written MBytes/sec', 'Llswap Read MBytes/sec',
      'Llswap Written MBytes/sec', 'Zero MBytes', 'Shared MBytes', 'Shared Saved MBytes', 'Overhead UW MBytes', 'Overhead MBytes',
      'Overhead Max MBytes', 'Compressed Memory MBytes', 'Used Compressed Memory MBytes'];
    const H = '\\\\localhost.home';
    const cols = ['(PDH-CSV 4.0) (UTC)(0)', `${H}\\Memory\\Memory Overcommit (1 Minute Avg)`, ...host.map((c) => `${H}\\Memory\\${c}`),
      `${H}\\Group Cpu(1423953:poseidon)\\% Used`, ...vm.map((c) => `${H}\\Group Memory(1423953:poseidon)\\${c}`)];
    const values = cols.map((_, i) => (i === 0 ? '11/26/2026 10:00:00' : `${i}.25`));
    const at = (c: string) => `${cols.indexOf(c)}.25`;
    const cap = parseEsxtopText([cols, values].map((r) => r.map((x) => `"${x}"`).join(',')).join('\r\n'));
    assert.equal(cap.host, 'localhost.home');
    const hs = cap.hostEntity.series;
    const hv = (k: keyof typeof hs) => (hs[k] ? String(hs[k]![0]) : undefined);
    const hostWant: Array<[keyof typeof hs, string]> = [['size', 'Machine MBytes'], ['free', 'Free MBytes'], ['kernelState', 'Kernel State'],
      ['shared', 'PShare Shared MBytes'], ['sharedCommon', 'PShare Common MBytes'], ['sharedSaved', 'PShare Savings MBytes'],
      ['swapped', 'Swap Used MBytes'], ['swapTarget', 'Swap Target MBytes'], ['swapInRate', 'Swap MBytes Read/sec'],
      ['swapOutRate', 'Swap MBytes Write/sec'], ['compressed', 'Total Compressed MBytes'], ['balloon', 'Memctl Current MBytes'],
      ['balloonTarget', 'Memctl Target MBytes'], ['balloonMax', 'Memctl Max MBytes']];
    for (const [k, c] of hostWant) assert.equal(hv(k), at(`${H}\\Memory\\${c}`), `host ${k} ← ${c}`);
    assert.equal(Object.keys(hs).length, hostWant.length, 'no other host column is taken');
    assert.equal(cap.vms.length, 1);
    assert.deepEqual([cap.vms[0].id, cap.vms[0].name], ['1423953', 'poseidon']);
    const vs = cap.vms[0].series;
    const vmWant: Array<[keyof typeof vs, string]> = [['size', 'Memory Size MBytes'], ['granted', 'Memory Granted Size MBytes'],
      ['consumed', 'Memory Consumed Size MBytes'], ['active', 'Touched MBytes'], ['balloon', 'Memctl MBytes'],
      ['balloonTarget', 'Memctl Target MBytes'], ['balloonMax', 'Memctl Max MBytes'], ['swapped', 'Swapped MBytes'],
      ['swapTarget', 'Swap Target MBytes'], ['swapInRate', 'Swap Read MBytes/sec'], ['swapOutRate', 'Swap Written MBytes/sec'],
      ['zero', 'Zero MBytes'], ['shared', 'Shared MBytes'], ['sharedSaved', 'Shared Saved MBytes'], ['overhead', 'Overhead MBytes'],
      ['compressed', 'Compressed Memory MBytes']];
    for (const [k, c] of vmWant) assert.equal(vs[k] ? String(vs[k]![0]) : undefined, at(`${H}\\Group Memory(1423953:poseidon)\\${c}`), `vm ${k} ← ${c}`);
    assert.equal(Object.keys(vs).length, vmWant.length, 'no other VM column is taken');
  });

  it('generated captures carry the real host columns: sharing savings and swap rates', () => {
    const { text, truth } = captureText({ vms: 3, samples: 40, spikeAt: 20, swapVms: [1], noise: false });
    const cap = parseEsxtopText(text);
    const last = (a: Float32Array | undefined) => a![a!.length - 1];
    assert.ok(Math.abs(last(cap.hostEntity.series.sharedSaved) - truth.hostSharedSavedMB) < 0.01);
    const max = (a: Float32Array | undefined) => Math.max(...Array.from(a!));
    assert.ok(truth.hostMaxSwapOutRate > 0 && truth.hostMaxSwapInRate > 0);
    assert.ok(Math.abs(max(cap.hostEntity.series.swapOutRate) - truth.hostMaxSwapOutRate) < 0.01);
    assert.ok(Math.abs(max(cap.hostEntity.series.swapInRate) - truth.hostMaxSwapInRate) < 0.01);
    assert.ok(max(cap.vms[1].series.swapOutRate) > 0);
  });

  it('columns in another order give the same result (names, not positions)', () => {
    const { text } = captureText({ vms: 3, samples: 20, noise: false });
    const lines = text.trim().split('\r\n').map(splitCsvRecord);
    // Reverse every column but the time.
    const shuffled = lines.map((f) => [f[0], ...f.slice(1).reverse()].map((x) => `"${x.replace(/"/g, '""')}"`).join(',')).join('\n');
    assert.deepEqual(summarizeCapture(parseEsxtopText(shuffled)), summarizeCapture(parseEsxtopText(text)));
  });

  it('streams: chunks split anywhere (even inside a quoted field or a CRLF) give the same capture', () => {
    const { text } = captureText({ vms: 2, samples: 30, names: ['a "quoted", name', 'b'] });
    const whole = summarizeCapture(parseEsxtopText(text));
    for (const size of [1, 7, 64, 1000]) {
      const p = new EsxtopParser();
      for (let i = 0; i < text.length; i += size) p.push(text.slice(i, i + size));
      assert.deepEqual(summarizeCapture(p.end()), whole, `chunk ${size}`);
    }
  });

  it('empty cells become gaps; a missing newline at the end is fine', () => {
    const H = '\\\\h';
    const text = [`"(PDH-CSV 4.0) (UTC)(0)","${H}\\Group Memory(5:v)\\Memctl MBytes","${H}\\Group Memory(5:v)\\Swapped MBytes"`,
      '"01/01/2011 00:00:00","10.00",""', '"01/01/2011 00:00:02","","3.50"'].join('\n');
    const cap = parseEsxtopText(text);
    assert.equal(cap.rows, 2);
    assert.ok(Number.isNaN(cap.vms[0].series.balloon![1]));
    assert.equal(summarizeCapture(cap).vms[0].maxSwappedMB, 3.5);
  });

  it('refuses what is not an esxtop capture, with the reason and line', () => {
    assert.throws(() => parseEsxtopText(''), EsxtopFormatError);
    assert.throws(() => parseEsxtopText('name,value\na,1\n'), /not an esxtop batch capture.*\(PDH-CSV 4\.0\)/);
    assert.throws(() => parseEsxtopText('"(PDH-CSV 4.0) (UTC)(0)","\\\\h\\Memory\\Free MBytes"\n"yesterday","1"\n'), /bad time "yesterday".*line 2/);
  });

  it('parses a 24 h capture at 2 s from a file, streaming', async function () {
    this.timeout(60000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-esxtop-'));
    try {
      const file = path.join(dir, 'day.csv');
      const truth = writeCapture(file, { vms: 6, samples: 43200, spikeAt: 4500 * 8, noise: false });
      const cap = await parseEsxtopFile(file);
      assert.equal(cap.rows, 43200);
      assert.equal(cap.t[cap.rows - 1] - cap.t[0], 43199 * 2000);
      const s = summarizeCapture(cap);
      assert.equal(s.vms.find((v) => v.name === truth.names[0])!.maxSwappedMB, truth.maxSwappedMB[0]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
