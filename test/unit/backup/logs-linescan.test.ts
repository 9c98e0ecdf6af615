import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { LogAnalyzer, readFileChunks } from '../../../src/core/backup/logs';
import { lineScan, PIECE_MAX } from '../../../src/core/backup/logs/linescan';
import { MARKERS } from '../../../src/core/backup/logs/analyzer';
import { generateDenseVdrLog } from '../../fixtures/vdr/dense';
import { generateVdrLog } from '../../fixtures/vdr/generate';

const ROOT = path.resolve(__dirname, '../../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/vdr');
const REF = Date.UTC(2012, 7, 20);
const RUNS = Number(process.env.VLAB_FC_RUNS ?? 150);

/** The whole analysis of `chunks` as one file, through the WebAssembly scanner or the JavaScript loop. */
async function analysis(chunks: Buffer[], file: string, scanner: 'wasm' | 'js', maxRawSample?: number): Promise<unknown> {
  const an = new LogAnalyzer({ referenceTime: REF, maxSamplesPerGroup: 3, maxRawSample }, scanner);
  await an.consume(chunks, file, REF);
  return an.result();
}

async function sameBothWays(chunks: Buffer[], file = 'datarecovery-0.log', maxRawSample?: number): Promise<unknown> {
  const wasm = await analysis(chunks, file, 'wasm', maxRawSample);
  assert.deepEqual(wasm, await analysis(chunks, file, 'js', maxRawSample));
  return wasm;
}

/** Cuts `b` into pieces at the given fractions (chunk boundaries anywhere, mid-line included). */
function cut(b: Buffer, at: number[]): Buffer[] {
  const pos = [...new Set(at.map((f) => Math.floor(f * b.length)))].sort((x, y) => x - y);
  const out: Buffer[] = [];
  let s = 0;
  for (const p of pos) { out.push(b.subarray(s, p)); s = p; }
  out.push(b.subarray(s));
  return out;
}

describe('backup logs: the WebAssembly line scanner (linescan.wat)', () => {
  it('runs here (Node has WebAssembly with SIMD): the tests below compare it, not the loop with itself', () => {
    assert.ok(lineScan(), 'lineScan() is undefined: WebAssembly with SIMD did not load');
  });

  it('where WebAssembly is off (node --jitless) the analysis runs its JavaScript scanner, same result', () => {
    const code = `
      const { lineScan } = require(${JSON.stringify(path.join(ROOT, 'src/core/backup/logs/linescan.ts'))});
      const { LogAnalyzer } = require(${JSON.stringify(path.join(ROOT, 'src/core/backup/logs/index.ts'))});
      const fs = require('node:fs');
      (async () => {
        const an = new LogAnalyzer({ referenceTime: ${REF}, maxSamplesPerGroup: 3 });
        await an.consume([fs.readFileSync(${JSON.stringify(path.join(FIXTURES, 'datarecovery-0.log'))})], 'datarecovery-0.log', ${REF});
        process.stdout.write(JSON.stringify({ wasm: lineScan() !== undefined, result: an.result() }));
      })();`;
    const r = spawnSync(process.execPath, ['--jitless', '--require', 'tsx/cjs', '-e', code], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { wasm: boolean; result: unknown };
    assert.equal(out.wasm, false, 'WebAssembly should be off under --jitless');
    return analysis([readFileSync(path.join(FIXTURES, 'datarecovery-0.log'))], 'datarecovery-0.log', 'wasm').then((here) => {
      assert.deepEqual(out.result, JSON.parse(JSON.stringify(here)));
    });
  });

  it('linescan.wasm.ts is the build of linescan.wat (node scripts/wasm.mjs)', async () => {
    const tool = (await import(path.join(ROOT, 'scripts/wasm.mjs'))) as { buildWasmModule(f: string): Promise<string>; outFile(f: string): string };
    const wat = path.join(ROOT, 'src/core/backup/logs/linescan.wat');
    assert.equal(readFileSync(tool.outFile(wat), 'utf8'), await tool.buildWasmModule(wat), 'stale: run node scripts/wasm.mjs');
  });

  it('gives the same analysis as the JavaScript loop on the fixtures, whole and cut anywhere', async () => {
    for (const f of ['datarecovery-0.log', 'datarecovery-1.log', 'vcbAPI-0.log']) {
      const b = readFileSync(path.join(FIXTURES, f));
      await sameBothWays([b], f);
      await sameBothWays(cut(b, [0.13, 0.5, 0.51, 0.9]), f);
      await sameBothWays([b], f, 0); // no raw samples wanted
    }
  });

  it('gives the same analysis on a generated bad night and a good one (2 MB each), in 1 MiB chunks', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vlab-linescan-'));
    try {
      const dense = path.join(dir, 'datarecovery-0.log');
      await generateDenseVdrLog(dense, 2e6);
      const quiet = path.join(dir, 'datarecovery-1.log');
      await generateVdrLog(quiet, 2e6);
      for (const f of [dense, quiet]) {
        const chunks: Buffer[] = [];
        for await (const c of readFileChunks(f)) chunks.push(Buffer.from(c)); // own copies: the reader reuses its buffers
        const r = (await sameBothWays(chunks, path.basename(f))) as { errors: unknown[]; lines: { total: number } };
        assert.ok(r.errors.length > 0 && r.lines.total > 10_000);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a chunk with more candidate and raw lines than one scan call hands back (4096 records)', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 9000; i++) lines.push(i % 3 ? `job ${i}` : `raw ${i}`);
    const r = (await sameBothWays([Buffer.from(lines.join('\n') + '\n')], 'datarecovery-0.log', 5000)) as { rawSample: unknown[]; lines: { total: number; raw: number } };
    assert.equal(r.lines.total, 9000);
    assert.equal(r.lines.raw, 9000);
    assert.equal(r.rawSample.length, 5000);
  });

  it('a line longer than a piece (1 MiB) goes through the JavaScript loop in the same run', async () => {
    const long = `7/7/2012 18:06:28.000: 0x0123e6a8: ${'x'.repeat(PIECE_MAX + 10)} error -3956 ( operation failed)`;
    const text = ['7/7/2012 18:06:27.000: 0x0123e6a8: Trouble reading files, error -3956 ( operation failed)', long,
      'Aug  8 14:06:16 vdr datarecovery: Job "Weekly" Failed', 'a raw line'].join('\n') + '\n';
    const big = Buffer.from(text);
    const r = (await sameBothWays([big], 'datarecovery-0.log')) as { errors: { key: string; count: number }[]; lines: { total: number } };
    assert.equal(r.lines.total, 4);
    assert.equal(r.errors.find((g) => g.key === '-3956')?.count, 2);
    await sameBothWays(cut(big, [0.3, 0.7]), 'datarecovery-0.log');
  });

  it('vmware.log words (quiesc, snapshot, frozen) and CRLF, U+2028, bytes ≥ 0x80, NUL', async () => {
    const text = [
      '2012-07-08T18:04:52.804Z| vmx| I120: Failed to QUIESCE the virtual machine',
      '2012-07-08T18:04:53.804Z| vmx| I120: An error occurred while saving the SNAPSHOT: x\r',
      'frozen\u2028 time limit for holding off I/O in the frozen virtual machine',
      '\u00c9RROR \u00ff\u00e9rror\u0000error',
      'nothing here',
    ].join('\n') + '\n';
    for (const f of ['vmware.log', 'datarecovery-0.log', 'vcbAPI-0.log']) await sameBothWays([Buffer.from(text, 'utf8')], f);
  });

  it('property: any lines of marker words in any case, split anywhere, give the same analysis both ways', async () => {
    const piece = fc.constantFrom('error', 'ERROR', 'Fail', 'faiL', 'TROUBLE', 'job', 'Job "N (VM1)" incomplete', 'Job terminated at specified stop time.',
      'erro', 'rror', 'fai', 'jo', 'trouble'.slice(1), ' ', '\r', 'x', '\u00e9', '\u2028', '7/7/2012 18:06:28.000: 0x0123e6a8: ',
      'Aug  8 14:06:16 vdr datarecovery: ', '2012-07-08T18:04:52.804-04:00 [4B5C7940 error \'Default\'] ', '[SAN] DC02/DC02.vmdk', 'error -3956 ( operation failed)');
    const line = fc.array(piece, { maxLength: 8 }).map((a) => a.join(''));
    await fc.assert(fc.asyncProperty(fc.array(line, { maxLength: 60 }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 4 }), fc.constantFrom('datarecovery-0.log', 'vcbAPI-0.log', 'vmware.log'),
      async (ls, at, file) => {
        const b = Buffer.from(ls.join('\n') + '\n', 'utf8');
        await sameBothWays(cut(b, at), file);
      }), { numRuns: RUNS });
  });

  it('property: a word is found wherever it lies against the 32-byte blocks, and only a whole word', () => {
    const scan = lineScan()!;
    scan.setWords(MARKERS.source.split('|'));
    fc.assert(fc.property(fc.nat(70), fc.constantFrom(...MARKERS.source.split('|')), fc.nat(70), fc.boolean(), fc.boolean(), (before, w, after, broken, upper) => {
      const word = broken ? w.slice(0, -1) : upper ? w.toUpperCase() : w;
      // the word, then a line without one (whose bytes the filter's look-ahead reads)
      const text = `${'.'.repeat(before)}${word}${'.'.repeat(after)}\n${w.slice(1)}${'.'.repeat(after)}\n`;
      const b = Buffer.from(text);
      scan.load(b, 0, b.length);
      assert.equal(scan.scan(0, 0, 0), b.length);
      const m = scan.ints;
      assert.equal(m[39], broken ? 0 : 1, text);
      assert.equal(m[36], 2, 'two lines');
    }), { numRuns: RUNS });
  });
});

describe('backup logs: the WebAssembly message memo', () => {
  const scan = lineScan()!;
  /** Loads `text` as a piece and returns the memo's answer for bytes [s, e) under `kind`. */
  const memo = (text: string, kind: number, s = 0, e = Buffer.byteLength(text)): number => {
    const b = Buffer.from(text + '\n');
    scan.load(b, 0, b.length);
    return scan.memo(kind, s, e);
  };

  beforeEach(() => scan.memoClear());
  after(() => scan.memoClear());

  it('remembers a key by kind and bytes, wherever the bytes lie', () => {
    const a = memo('Trouble reading files', 0);
    assert.ok(a <= -2, 'a new key is remembered');
    assert.equal(memo('..Trouble reading files..', 0, 2, 23), -2 - a);
    assert.ok(memo('Trouble reading files', 1) <= -2, 'another kind is another key');
    assert.ok(memo('Trouble reading filez', 0) <= -2, 'one byte differs');
    assert.ok(memo('Trouble reading file', 0) <= -2, 'shorter');
    for (const n of [0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 512]) {
      const k = 'k'.repeat(n);
      const first = memo(k, 3);
      assert.ok(first <= -2, `length ${n}`);
      assert.equal(memo(`${k}`, 3), -2 - first, `length ${n} found`);
    }
  });

  it('does not remember a key over 512 bytes; empties itself when 8192 keys are held', () => {
    assert.equal(memo('x'.repeat(513), 0), -1);
    const first = -2 - memo('key 0', 0);
    for (let i = 1; i < 8192; i++) assert.ok(memo(`key ${i}`, 0) <= -2);
    assert.equal(memo('key 0', 0), first, 'still there at 8192 keys');
    const next = memo('key 8192', 0); // full: emptied, then remembered first
    assert.equal(next, -2);
    assert.ok(memo('key 0', 0) <= -2, 'gone after emptying');
  });
});
