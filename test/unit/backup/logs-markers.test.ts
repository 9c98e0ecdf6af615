import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { LogAnalyzer, readFileChunks, readLogRecords, TimeContext } from '../../../src/core/backup/logs';
import { ByteMemo, hashBytes } from '../../../src/core/backup/logs/bytememo';

const REF = Date.UTC(2012, 7, 20);

/** The events (jobs, VMs, error groups) of the analyzer, which parses only the lines holding a marker. */
async function analyzed(text: string, file: string): Promise<string> {
  const an = new LogAnalyzer({ referenceTime: REF, maxSamplesPerGroup: 2 });
  await an.consume([Buffer.from(text, 'utf8')], file, REF);
  const { jobs, vms, errors, errorsOverflow } = an.result();
  return JSON.stringify({ jobs, vms, errors, errorsOverflow });
}

/** The same from every line parsed and handed over (no marker search): the reference. */
async function everyLine(text: string, file: string): Promise<string> {
  const an = new LogAnalyzer({ referenceTime: REF, maxSamplesPerGroup: 2 });
  await an.consume([], file, REF); // opens the file (its name picks the error source)
  for await (const r of readLogRecords([Buffer.from(text, 'utf8')], file, new TimeContext(0, REF))) an.handle(r);
  const { jobs, vms, errors, errorsOverflow } = an.result();
  return JSON.stringify({ jobs, vms, errors, errorsOverflow });
}

/** Lines that give events, in the cases the classification reads case-insensitively. */
const EVENTS = [
  '7/7/2012 18:06:28.000: 0x0123e6a8: Backup FAILURE on Email, code -3956',
  '7/7/2012 18:06:29.000: 0x0123e6a8: Trouble reading files for SQL01',
  '7/7/2012 18:06:30.000: 0x0123e6a8: ERROR -3960 ( cannot quiesce virtual machine)',
  '7/7/2012 18:06:31.000: 0x0123e6a8: Disk [SAN] DC02/DC02.vmdk: a read failure',
  '2012-07-08T18:04:52.804-04:00 [4B5C7940 ERROR \'Default\'] vcbAPI::Snapshot::Read: could not read',
  '2012-07-08T18:04:53.804-04:00 [4B5C7940 info \'Default\'] VixDiskLib: Error 77 on [SAN] Web/Web.vmdk',
  'Aug  8 14:06:14 vdr datarecovery: Job "Nightly (VM01)" started',
  'Aug  8 14:06:15 vdr datarecovery: job terminated at specified stop time.',
  'Aug  8 14:06:16 vdr datarecovery: Job "Weekly" Failed',
];
/** Lines that give none. */
const QUIET = [
  '7/7/2012 18:06:27.000: 0x0123e6a8: Copying 3678 MB, 569335 blocks changed (CBT)',
  '2012-07-08T18:04:51.804-04:00 [4B5C7940 verbose \'BlockList\'] Read 90 sectors at offset 9452',
  'Aug  8 14:06:13 vdr sshd[1234]: Accepted password for root',
  'a raw line',
];

describe('backup logs: candidate lines are every line that can give an event', () => {
  it('in any case: FAILURE, failure, Trouble, ERROR, job terminated…', async () => {
    for (const file of ['datarecovery-0.log', 'vcbAPI-0.log']) {
      const text = [...QUIET, ...EVENTS, ...QUIET].join('\n') + '\n';
      const got = await analyzed(text, file);
      assert.equal(got, await everyLine(text, file), file);
      const r = JSON.parse(got) as { errors: { key: string; count: number }[]; jobs: { outcome: string }[] };
      // the lines the old case-sensitive markers ("rror", "ailed", "Job") missed are found
      assert.ok(r.errors.some((g) => /FAILURE/.test(g.key)), got);
      assert.ok(r.errors.some((g) => /a read failure/.test(g.key)), got);
      assert.ok(r.errors.some((g) => /could not read/.test(g.key)), got); // level ERROR
      // "trouble" counts in the main log only (a vcbAPI line needs fail/error)
      if (file.startsWith('datarecovery')) assert.ok(r.errors.some((g) => /Trouble reading files/.test(g.key)), got);
      assert.ok(r.jobs.some((j) => j.outcome === 'terminated-at-stop-time'), got);
    }
  });

  it('wherever a marker falls against the windows the chunk is searched in (32 KiB)', async () => {
    const filler = fc.integer({ min: 1, max: 9000 }).map((n) => `7/7/2012 18:00:00.000: 0x1: ${'x'.repeat(n)}`);
    const line = fc.oneof(filler, filler, fc.constantFrom(...EVENTS, ...QUIET));
    await fc.assert(fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 40 }), async (ls) => {
      const text = ls.join('\n') + '\n';
      assert.equal(await analyzed(text, 'datarecovery-0.log'), await everyLine(text, 'datarecovery-0.log'));
    }), { numRuns: Number(process.env.VLAB_FC_RUNS ?? 150) });
  });
});

describe('backup logs: ByteMemo (messages remembered by their bytes)', () => {
  const b = (s: string): Buffer => Buffer.from(s, 'latin1');
  const put = (m: ByteMemo<number>, s: string, v: number): void => { const x = b(s); m.set(x, 0, x.length, hashBytes(x, 0, x.length), v); };
  const get = (m: ByteMemo<number>, s: string): number | undefined => { const x = b(`..${s}..`); return m.get(x, 2, x.length - 2, hashBytes(x, 2, x.length - 2)); };

  it('finds a key inside a larger buffer, and only the exact bytes', () => {
    const m = new ByteMemo<number>(8);
    put(m, 'error -3956', 1);
    put(m, 'error -3960', 2);
    assert.equal(get(m, 'error -3956'), 1);
    assert.equal(get(m, 'error -3960'), 2);
    assert.equal(get(m, 'error -395'), undefined);
    assert.equal(get(m, 'Error -3956'), undefined);
  });

  it('keeps keys of equal hash apart (probing), and empties itself when full', () => {
    const m = new ByteMemo<number>(4);
    const x = b('abc');
    m.set(x, 0, 3, 7, 1);
    const y = b('xyz');
    m.set(y, 0, 3, 7, 2); // the same hash on purpose
    assert.equal(m.get(x, 0, 3, 7), 1);
    assert.equal(m.get(y, 0, 3, 7), 2);
    for (let i = 0; i < 3; i++) put(m, `k${i}`, i);
    assert.ok(m.size <= 4);
    assert.equal(m.get(x, 0, 3, 7), undefined, 'the fifth key emptied it');
    assert.equal(get(m, 'k2'), 2);
  });

  it('bounds a run of colliding keys (crafted messages cost misses, not long lookups)', () => {
    const m = new ByteMemo<number>(1024);
    for (let i = 0; i < 200; i++) { const x = b(`key ${i}`); m.set(x, 0, x.length, 42, i); }
    assert.equal(m.size, 64, 'only the first 64 of one hash are kept');
    const last = b('key 199');
    assert.equal(m.get(last, 0, last.length, 42), undefined);
    const first = b('key 0');
    assert.equal(m.get(first, 0, first.length, 42), 0);
  });

  it('does not remember a key over its byte limit', () => {
    const m = new ByteMemo<number>(4, 16);
    put(m, 'x'.repeat(17), 1);
    assert.equal(get(m, 'x'.repeat(17)), undefined);
    assert.equal(m.size, 0);
  });
});

describe('backup logs: readFileChunks (the next chunk read while this one is scanned)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vdr-chunks-'));
  const file = path.join(dir, 'datarecovery-0.log');
  const bytes = Buffer.from(Array.from({ length: 2500 }, (_, i) => (i * 7) % 251));
  writeFileSync(file, bytes);
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('yields the file in order, and a chunk stays intact until the next is asked for', async () => {
    const seen: Buffer[] = [];
    for await (const c of readFileChunks(file, 1000)) {
      const copy = Buffer.from(c);
      await new Promise((r) => setTimeout(r, 20)); // the read of the next chunk lands meanwhile
      assert.deepEqual(c, copy, 'the chunk being scanned was overwritten');
      seen.push(copy);
    }
    assert.deepEqual(seen.map((c) => c.length), [1000, 1000, 500]);
    assert.deepEqual(Buffer.concat(seen), bytes);
  });

  it('a consumer that stops early closes the file after the read in flight', async () => {
    const open = (): number => readdirSync('/proc/self/fd').length;
    const before = open();
    for (let i = 0; i < 20; i++) {
      for await (const c of readFileChunks(file, 1000)) { assert.equal(c.length, 1000); break; }
    }
    assert.equal(open(), before, 'file descriptors left open');
  });
});
