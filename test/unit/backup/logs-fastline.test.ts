import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { LogAnalyzer } from '../../../src/core/backup/logs';
import { generateDenseVdrLog } from '../../fixtures/vdr/dense';
import { generateVdrLog } from '../../fixtures/vdr/generate';
import { normaliseMessage, normaliseMessageRegex } from '../../../src/core/backup/logs/normalise';

const FIXTURES = path.join(__dirname, '../../fixtures/vdr');
const REF = Date.UTC(2012, 7, 20);

/**
 * The analysis of `chunks` (one file) twice: through the byte-level fast path (fastline.ts, the
 * deferred evidence of runs.ts) and through the string parser for every candidate line (an
 * `onRecord` callback turns the fast path off). Both must give the same result, byte for byte.
 */
async function bothWays(chunks: Buffer[], file = 'datarecovery-0.log', opts = { maxSamplesPerGroup: 2 }): Promise<[string, string]> {
  const fast = new LogAnalyzer({ utcOffsetMinutes: -240, referenceTime: REF, ...opts });
  await fast.consume(chunks, file, REF);
  const slow = new LogAnalyzer({ utcOffsetMinutes: -240, referenceTime: REF, ...opts, onRecord: () => undefined });
  await slow.consume(chunks, file, REF);
  return [JSON.stringify(fast.result()), JSON.stringify(slow.result())];
}

/** `buf` cut at the given offsets (chunk boundaries inside lines). */
function cut(buf: Buffer, at: number[]): Buffer[] {
  const out: Buffer[] = [];
  let from = 0;
  for (const a of [...at].sort((x, y) => x - y)) {
    if (a > from && a < buf.length) { out.push(buf.subarray(from, a)); from = a; }
  }
  out.push(buf.subarray(from));
  return out;
}

/** Lines close to the shapes: the fast path must read them as the regexes do, or leave them to the regexes. */
const TRICKY = [
  '7/7/2012 18:06:28.000: 0x0123e6a8: $[*20750]Trouble reading files, error -3956 ( operation failed)',
  '7/7/2012 18:06:28.000:\t0x0123e6a8:  $[*20750]  Failed to create snapshot, error -3960 ( cannot quiesce)',
  '7/7/2012 18:06:28.000: 0x0123e6a8 $[*20750]Trouble, error -3956 (no colon after the thread)',
  '7/7/2012 18:06:28.000: 0x: $[20750 Trouble, error -3956 (no closing bracket)',
  '7/7/2012 18:06:28.000:\u00a0Trouble, error -3956 (a no-break space)',
  '7/7/2012 18:06:28.000: Trouble, error -3956 \u2028 (a line separator)',
  '7/7/2012 18:06:28.000: Trouble, error -3956 \u00e9t\u00e9 (latin letters)',
  '7/7/2012 18:06:28.000: Trouble\r, error -3956 (a CR inside)',
  '13/7/2012 18:06:28.000: day first, error -2249 ( could not find restore point)',
  '7/7/2012 18:06:28.0000: four ms digits, error -3956',
  '2012-07-08T18:04:52.804-04:00 [4B5C7940 error \'Default\'] vcbAPI::Snapshot::Read: Main read failed for disk [SAN] Email/Email-000001.vmdk, error: 2338',
  '2012-07-08T18:04:52.804-04:00 [4B5C7940 ERROR \'Default\' opID=x] Failed, error: 13',
  '2012-07-08T18:04:52Z [4B5C7940 warning \'Def]ault\'] VixDiskLib: Unable to open [SAN] DC02/DC02.vmdk: error 77',
  '2012-07-08T18:04:52.804+05:30 [4B5G warning \'Default\'] not hex, error: 1',
  '2012-07-08T18:04:52.804-04:00 [4B5C7940 error \'Def',
  '2012-07-08T18:04:52.804-04:00 [4B5C7940 error \'Default\']error: 5 (no space)',
  'Aug 17 14:06:14 vdr datarecovery: Job "Nightly (VM01)" completed successfully',
  'Aug  7 14:06:14 vdr datarecovery[1234]: Job "Nightly (VM01)" incomplete',
  'Aug   7 14:06:14 vdr datarecovery: Job "three spaces" failed',
  'Aug 17 14:06:14 vdr datarecovery[12x]: Job "bad pid" failed',
  'Aug 17 14:06:14 vdr datarecovery [1]: Job "space before pid" failed',
  'Aug 17 14:06:14 vdr\tdatarecovery: Job "tab" failed',
  'Aug 17 14:06:14 vdr datarecovery:Job "no space" completed',
  'Aug 17 14:06:14 v\u00e9r datarecovery: Job "non-ASCII host" incomplete',
  'Aug 17 14:06:14 vdr datarecovery: Job terminated at specified stop time.',
  'Dec 31 23:59:59 vdr datarecovery: Job "year end" started',
  'Jan  1 00:00:01 vdr datarecovery: Job "year end" completed',
  'Foo 17 14:06:14 vdr datarecovery: Job "not a month" failed',
  'Job "no prefix" failed',
  'raw line with an error in it',
];

describe('backup logs: the fast path (bytes) gives what the string parser gives', () => {
  it('on the fixtures, whole and cut into small chunks', async () => {
    for (const f of ['datarecovery-0.log', 'datarecovery-1.log', 'vcbAPI-0.log']) {
      const buf = readFileSync(path.join(FIXTURES, f));
      const [a, b] = await bothWays([buf], f);
      assert.equal(a, b, f);
      const [c, d] = await bothWays(cut(buf, Array.from({ length: 40 }, (_, i) => i * 97)), f);
      assert.equal(c, d, `${f} in chunks`);
    }
  });

  it('on generated dense and quiet logs (CRLF too)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vdr-fast-'));
    try {
      await generateDenseVdrLog(path.join(dir, 'dense.log'), 400_000);
      await generateVdrLog(path.join(dir, 'quiet.log'), 400_000, 100_000);
      for (const f of ['dense.log', 'quiet.log']) {
        const buf = readFileSync(path.join(dir, f));
        const crlf = Buffer.from(buf.toString('latin1').replace(/\n/g, '\r\n'), 'latin1');
        for (const b of [buf, crlf]) {
          const [x, y] = await bothWays(cut(b, [65_536, 131_072, 200_001]));
          assert.ok(x.length > 1000);
          assert.equal(x, y, f);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('on mixes of lines near the shapes, cut anywhere', async () => {
    const lines = fc.array(fc.constantFrom(...TRICKY), { minLength: 1, maxLength: 30 });
    await fc.assert(fc.asyncProperty(lines, fc.array(fc.nat(4000), { maxLength: 4 }), fc.boolean(), async (ls, at, vcbName) => {
      const buf = Buffer.from(ls.join('\n') + '\n', 'utf8');
      const [a, b] = await bothWays(cut(buf, at), vcbName ? 'vcbAPI-0.log' : 'datarecovery-0.log', { maxSamplesPerGroup: 1 });
      assert.equal(a, b, JSON.stringify(ls));
    }), { numRuns: 1500 });
  });
});

describe('backup logs: normaliseMessage in one pass equals its regex definition', () => {
  it('on messages of the logs', () => {
    for (const m of [
      'VixDiskLib: Unable to open [SAN] Email/Email-000002.vmdk: error 1234',
      'Main read failed for disk [SAN] Email/Email-000001.vmdk, error: 2338',
      '[a] x.vmdk.bak [b]c d.vmdk  [e]  Failed at 0x1f3 after 12 tries 10x1F 00x0x9 0X',
      '  \u00a0trouble\t\u2028 reading  ', '[unclosed 0x12', 'a]b[c', '',
      'x'.repeat(130) + ' 1',
    ]) assert.equal(normaliseMessage(m), normaliseMessageRegex(m), JSON.stringify(m));
  });

  it('on generated messages made of the characters that matter', () => {
    const piece = fc.constantFrom('[', ']', ',', ' ', '  ', '\t', '\u00a0', '\u2028', '\ufeff', '\u3000', '0', 'x', 'X', '0x', '1', '9', 'a', 'F', 'g',
      '.vmdk', '.vmd', 'vmdk', '/', '\u2026', '#', 'é', 'Failed', 'error');
    fc.assert(fc.property(fc.array(piece, { maxLength: 40 }), (ps) => {
      const m = ps.join('');
      assert.equal(normaliseMessage(m), normaliseMessageRegex(m), JSON.stringify(m));
    }), { numRuns: 30000 });
  });
});
