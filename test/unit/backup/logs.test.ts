import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import type { LogRecord } from '../../../src/core/backup/logs';
import {
  analyzeLogFiles, errorEvent, jobEvent, LogAnalyzer, normaliseMessage, orderLogFiles, parseLogLine, peekLogFile,
  readLogRecords, TimeContext,
} from '../../../src/core/backup/logs';

const FIX = path.join(__dirname, '../../fixtures/vdr');
const REF = Date.UTC(2012, 7, 31);
const parse = (text: string, tc = new TimeContext(0, REF)) => parseLogLine(text, 'f.log', 7, tc);

describe('backup/logs: line shapes', () => {
  it('appliance shape: M/D/YYYY time, thread, session tag, message', () => {
    const r = parse('7/7/2012 18:06:28.000: 0x0123e6a8: $[*20750]Trouble reading files, error -3956 ( operation failed)');
    assert.equal(r.shape, 'appliance');
    assert.equal(r.time, Date.UTC(2012, 6, 7, 18, 6, 28));
    assert.equal(r.thread, '0x0123e6a8');
    assert.equal(r.session, '20750');
    assert.equal(r.message, 'Trouble reading files, error -3956 ( operation failed)');
    assert.equal(r.line, 7);
  });
  it('appliance shape honours the UTC offset, milliseconds and a day-first date', () => {
    const tc = new TimeContext(-240, REF);
    assert.equal(parse('7/7/2012 18:06:28.5: 0x1: msg', tc).time, Date.UTC(2012, 6, 7, 22, 6, 28, 500));
    assert.equal(parse('25/12/2012 01:02:03.000: 0x1: msg').time, Date.UTC(2012, 11, 25, 1, 2, 3));
    const bare = parse('7/7/2012 18:06:28: plain message');
    assert.equal(bare.shape, 'appliance');
    assert.equal(bare.message, 'plain message');
    assert.equal(bare.thread, undefined);
  });
  it('syslog shape: host, program, message; year inferred', () => {
    const r = parse('Aug 17 14:06:14 vdr datarecovery: Job "Integrity Check" incomplete');
    assert.equal(r.shape, 'syslog');
    assert.equal(r.host, 'vdr');
    assert.equal(r.program, 'datarecovery');
    assert.equal(r.message, 'Job "Integrity Check" incomplete');
    assert.equal(r.time, Date.UTC(2012, 7, 17, 14, 6, 14));
    const pid = parse('Aug  7 04:06:14 vdr datarecovery[1234]: hello');
    assert.equal(pid.program, 'datarecovery');
    assert.equal(pid.time, Date.UTC(2012, 7, 7, 4, 6, 14));
  });
  it('vcbAPI shape: ISO time with offset, thread, level, logger', () => {
    const r = parse("2012-07-08T18:04:52.804-04:00 [4B5C7940 error 'Default'] vcbAPI::Snapshot::Read: Main read failed for disk [SAN] Email/Email-000001.vmdk, error: 2338");
    assert.equal(r.shape, 'vcbapi');
    assert.equal(r.time, Date.UTC(2012, 6, 8, 22, 4, 52, 804));
    assert.equal(r.thread, '4B5C7940');
    assert.equal(r.level, 'error');
    assert.equal(r.logger, 'Default');
    assert.match(r.message, /^vcbAPI::Snapshot::Read: Main read failed/);
    assert.equal(parse("2012-07-08T18:04:52Z [4B5C7940 info 'Default' opID=ab] x").time, Date.UTC(2012, 6, 8, 18, 4, 52));
  });
  it('anything else is raw, with the whole line as message', () => {
    for (const t of ['', '   (continued) retry', '-----', 'Aug bogus', '12345 not a date', 'Foo 17 14:06:14 vdr x: y']) {
      const r = parse(t);
      assert.equal(r.shape, 'raw', t);
      assert.equal(r.message, t);
      assert.equal(r.time, undefined);
    }
  });
});

describe('backup/logs: syslog year inference', () => {
  it('takes the year nearest to the last full-dated line', () => {
    const tc = new TimeContext(0, Date.UTC(2020, 0, 1));
    parse('12/31/2011 23:59:00.000: 0x1: before', tc);
    assert.equal(parse('Jan  1 00:01:00 vdr d: after', tc).time, Date.UTC(2012, 0, 1, 0, 1));
  });
  it('without one, the latest year not after the reference (mtime) + a day', () => {
    const tc = new TimeContext(0, Date.UTC(2013, 0, 2));
    assert.equal(parse('Dec 30 10:00:00 vdr d: x', tc).time, Date.UTC(2012, 11, 30, 10));
    const tc2 = new TimeContext(0, Date.UTC(2013, 0, 2));
    assert.equal(parse('Jan  1 10:00:00 vdr d: x', tc2).time, Date.UTC(2013, 0, 1, 10));
  });
  it('rolls over to the next year when the month goes back', () => {
    const tc = new TimeContext(0, Date.UTC(2013, 0, 2));
    assert.equal(parse('Dec 31 23:00:00 vdr d: a', tc).time, Date.UTC(2012, 11, 31, 23));
    assert.equal(parse('Jan  1 01:00:00 vdr d: b', tc).time, Date.UTC(2013, 0, 1, 1));
  });
});

describe('backup/logs: classification', () => {
  it('job events with VM suffix and outcomes', () => {
    assert.deepEqual(jobEvent('Job "All_Other_VMs_Backup_Job (VM0)" completed successfully'), { name: 'All_Other_VMs_Backup_Job (VM0)', job: 'All_Other_VMs_Backup_Job', vm: 'VM0', outcome: 'completed' });
    assert.deepEqual(jobEvent('Job "Integrity Check" incomplete'), { name: 'Integrity Check', job: 'Integrity Check', outcome: 'incomplete' });
    assert.deepEqual(jobEvent('Job terminated at specified stop time.'), { name: '', job: '', outcome: 'terminated-at-stop-time', stopTime: true });
    assert.equal(jobEvent('Job "X" started')!.outcome, undefined);
    assert.equal(jobEvent('Job "X" failed')!.outcome, 'failed');
    assert.equal(jobEvent('Trouble reading files'), undefined);
  });
  it('error events: VDR code + meaning, vcbAPI code + VM from the disk path, message groups', () => {
    const rec = (text: string, file = 'datarecovery-0.log'): LogRecord => parseLogLine(text, file, 1, new TimeContext(0, REF));
    assert.deepEqual(errorEvent(rec('7/7/2012 18:04:02.876: 0x1: $[*2]Failed to create snapshot for proxy, error -3960 ( cannot quiesce virtual machine)')),
      { key: '-3960', code: '-3960', meaning: 'cannot quiesce virtual machine', source: 'datarecovery' });
    assert.deepEqual(errorEvent(rec("2012-07-08T18:04:52.804-04:00 [4B5C7940 error 'Default'] vcbAPI::Snapshot::Read: Main read failed for disk [SAN] Email/Email-000001.vmdk, error: 2338", 'vcbAPI-0.log')),
      { key: 'vcbAPI:2338', code: '2338', source: 'vcbAPI', vm: 'Email' });
    const m = errorEvent(rec("2012-07-08T18:04:52.804-04:00 [4B5C7940 error 'Default'] Could not open disk [SAN] Web/Web.vmdk after 3 tries", 'vcbAPI-0.log'));
    assert.equal(m!.key, 'msg:Could not open disk […] after # tries');
    assert.equal(m!.vm, 'Web');
    assert.equal(errorEvent(rec("2012-07-08T18:04:52.804-04:00 [4B5C7940 info 'Default'] opened disk", 'vcbAPI-0.log')), undefined);
    assert.equal(errorEvent(rec('7/7/2012 18:04:02.876: 0x1: Backed up 3 GB')), undefined);
    assert.equal(normaliseMessage('Failed at 0x1f3 after 12 tries'), 'Failed at # after # tries');
  });
});

describe('backup/logs: analyzer', () => {
  const NIGHT = [
    '7/7/2012 17:59:57.004: 0x0123e6a8: $[*20701]Data Recovery service ready',
    'Jul  7 18:00:01 vdr datarecovery: Job "Nightly (EXCH01)" started',
    '7/7/2012 18:04:02.876: 0x0123e6a8: $[*20702]Failed to create snapshot for proxy, error -3960 ( cannot quiesce virtual machine)',
    'Jul  7 18:04:03 vdr datarecovery: Job "Nightly (EXCH01)" incomplete',
    '7/7/2012 18:06:28.000: 0x0123e6a8: $[*20750]Trouble reading files, error -3956 ( operation failed)',
    '7/7/2012 18:06:29.000: 0x0123e6a8: $[*20750]Trouble reading files, error -3956 ( operation failed)',
    '   (continued) something',
    '7/7/2012 18:07:29.000: 0x0123e6a8: $[*20750]Trouble reading files, error -3956 ( operation failed)',
    'Jul  8 04:30:00 vdr datarecovery: Job "All (FILE02)" started',
    'Jul  8 04:30:01 vdr datarecovery: Job "All (WEB01)" started',
    'Jul  8 06:00:00 vdr datarecovery: Job terminated at specified stop time.',
  ];

  it('groups errors by code with counts, first/last and bounded samples', async () => {
    const a = new LogAnalyzer({ referenceTime: REF, maxSamplesPerGroup: 2 });
    await a.consumeText(NIGHT.join('\n') + '\n', 'datarecovery-0.log');
    const r = a.result();
    assert.deepEqual(r.lines, { total: 11, appliance: 5, syslog: 5, vcbapi: 0, raw: 1 });
    assert.deepEqual(r.rawSample, [{ file: 'datarecovery-0.log', line: 7, text: '   (continued) something' }]);
    assert.deepEqual(r.errors.map((g) => [g.key, g.count, g.first.line, g.last.line, g.samples.length]), [['-3956', 3, 5, 8, 2], ['-3960', 1, 3, 3, 1]]);
    const g = r.errors[0];
    assert.equal(g.meaning, 'operation failed');
    assert.equal(g.first.time, Date.UTC(2012, 6, 7, 18, 6, 28));
    assert.equal(g.last.time, Date.UTC(2012, 6, 7, 18, 7, 29));
  });

  it('builds a job timeline and per-VM outcomes, cutting open runs at the stop time', async () => {
    const a = new LogAnalyzer({ referenceTime: REF });
    await a.consumeText(NIGHT.join('\r\n'), 'datarecovery-0.log'); // CRLF, no final newline
    const r = a.result();
    assert.deepEqual(r.jobs.map((j) => [j.name, j.outcome, j.start.line, j.end?.line, j.errorKeys]), [
      ['Nightly (EXCH01)', 'incomplete', 2, 4, ['-3960']],
      ['All (FILE02)', 'terminated-at-stop-time', 9, 11, []],
      ['All (WEB01)', 'terminated-at-stop-time', 10, 11, []],
    ]);
    assert.equal(r.jobs[0].start.time, Date.UTC(2012, 6, 7, 18, 0, 1));
    assert.equal(r.jobs[1].end!.time, Date.UTC(2012, 6, 8, 6));
    assert.deepEqual(r.vms.map((v) => [v.vm, v.outcomes, v.errorKeys]), [
      ['EXCH01', { incomplete: 1 }, ['-3960']], ['FILE02', { 'terminated-at-stop-time': 1 }, []], ['WEB01', { 'terminated-at-stop-time': 1 }, []],
    ]);
    assert.equal(r.lines.total, 11);
  });

  it('gives the same result however the bytes are chunked', async () => {
    const text = NIGHT.join('\n') + '\n' + "2012-07-08T18:04:52.804-04:00 [4B5C7940 error 'Default'] Main read failed for disk [SAN] Email/Email.vmdk, error: 2338\n";
    const whole = new LogAnalyzer({ referenceTime: REF });
    await whole.consumeText(text, 'datarecovery-0.log');
    const bytes = Buffer.from(text);
    for (const size of [1, 3, 17, 64]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      const a = new LogAnalyzer({ referenceTime: REF });
      await a.consume(Readable.from(chunks), 'datarecovery-0.log');
      assert.deepEqual(a.result(), whole.result(), `chunk size ${size}`);
    }
  });

  it('bounds groups, jobs and keeps a very long line as one', async () => {
    const a = new LogAnalyzer({ referenceTime: REF, maxGroups: 2, maxJobs: 2 });
    const lines: string[] = [];
    for (let i = 1; i <= 5; i++) lines.push(`7/7/2012 18:00:0${i}.000: 0x1: x, error -${1000 + i} ( e${i})`);
    for (let i = 1; i <= 3; i++) lines.push(`Jul  7 19:00:0${i} vdr d: Job "J${i}" completed successfully`);
    lines.push('x'.repeat(3 << 20) + ' error -1 (long)');
    lines.push('after');
    // Streamed in 64 KiB chunks: a line longer than 1 MiB keeps only its head, so the code at its end is not seen.
    const bytes = Buffer.from(lines.join('\n'));
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += 65536) chunks.push(bytes.subarray(i, i + 65536));
    await a.consume(Readable.from(chunks), 'datarecovery-0.log');
    const r = a.result();
    assert.equal(r.errors.length, 2);
    assert.equal(r.errorsOverflow, 3);
    assert.deepEqual(r.jobs.map((j) => j.name), ['J2', 'J3']);
    assert.equal(r.jobsDropped, 1);
    assert.equal(r.lines.total, 10);
  });

  it('readLogRecords yields every line, unknown ones as raw with line numbers', async () => {
    const out: LogRecord[] = [];
    for await (const r of readLogRecords(Readable.from([Buffer.from(NIGHT.slice(4, 8).join('\n').slice(0, 50)), Buffer.from(NIGHT.slice(4, 8).join('\n').slice(50))]), 'f.log', new TimeContext(0, REF))) out.push(r);
    assert.deepEqual(out.map((r) => [r.line, r.shape]), [[1, 'appliance'], [2, 'appliance'], [3, 'raw'], [4, 'appliance']]);
  });
});

describe('backup/logs: rotated sets', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(path.join(tmpdir(), 'vdr-rot-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('merges -2, -1, -0 in time order whatever order they are given', async () => {
    const f = (n: number) => path.join(dir, `datarecovery-${n}.log`);
    writeFileSync(f(2), '7/5/2012 18:00:00.000: 0x1: first, error -3956 ( operation failed)\n');
    writeFileSync(f(1), '7/6/2012 18:00:00.000: 0x1: second, error -3956 ( operation failed)\n');
    writeFileSync(f(0), '7/7/2012 18:00:00.000: 0x1: third, error -3956 ( operation failed)\n');
    const r = await analyzeLogFiles([f(0), f(2), f(1)]);
    assert.deepEqual(r.files.map((x) => path.basename(x.file)), ['datarecovery-2.log', 'datarecovery-1.log', 'datarecovery-0.log']);
    assert.equal(r.errors[0].count, 3);
    assert.equal(path.basename(r.errors[0].first.file), 'datarecovery-2.log');
    assert.equal(path.basename(r.errors[0].last.file), 'datarecovery-0.log');
  });

  it('orders by time even when numbering runs the other way, and vcbAPI after the main log', async () => {
    const infos = [
      { file: 'vcbAPI-0.log', kind: 'vcbapi' as const, rotation: 0, firstTime: 1 },
      { file: 'datarecovery-0.log', kind: 'datarecovery' as const, rotation: 0, firstTime: 10 },
      { file: 'datarecovery-1.log', kind: 'datarecovery' as const, rotation: 1, firstTime: 20 },
    ];
    assert.deepEqual(orderLogFiles(infos).map((i) => i.file), ['datarecovery-0.log', 'datarecovery-1.log', 'vcbAPI-0.log']);
    // Without times: higher rotation number first.
    const untimed = infos.map(({ firstTime: _t, ...i }) => i);
    assert.deepEqual(orderLogFiles(untimed).map((i) => i.file), ['datarecovery-1.log', 'datarecovery-0.log', 'vcbAPI-0.log']);
  });

  it('syslog-only files get their year from the file time, and the fixture set reads in order', async () => {
    const f = path.join(dir, 'datarecovery-9.log');
    writeFileSync(f, 'Dec 31 23:59:00 vdr datarecovery: Job "A" incomplete\n');
    utimesSync(f, new Date(Date.UTC(2013, 0, 1, 8)), new Date(Date.UTC(2013, 0, 1, 8)));
    const info = await peekLogFile(f);
    assert.equal(info.firstTime, Date.UTC(2012, 11, 31, 23, 59));
    const r = await analyzeLogFiles([f]);
    assert.equal(r.jobs[0].end!.time, Date.UTC(2012, 11, 31, 23, 59));

    // Syslog lines before the first dated line: the year comes from that line, not from a late mtime.
    const g2 = path.join(dir, 'datarecovery-8.log');
    writeFileSync(g2, 'Jul  7 18:00:01 vdr datarecovery: Job "B (VM1)" incomplete\n7/7/2012 18:04:02.876: 0x1: ready\n');
    utimesSync(g2, new Date(Date.UTC(2026, 0, 1)), new Date(Date.UTC(2026, 0, 1)));
    assert.equal((await analyzeLogFiles([g2])).jobs[0].end!.time, Date.UTC(2012, 6, 7, 18, 0, 1));

    const set = await analyzeLogFiles(['vcbAPI-0.log', 'datarecovery-0.log', 'datarecovery-1.log'].map((n) => path.join(FIX, n)));
    assert.deepEqual(set.files.map((x) => path.basename(x.file)), ['datarecovery-1.log', 'datarecovery-0.log', 'vcbAPI-0.log']);
    // The vcbAPI offset (-04:00) is applied to the appliance's wall-clock lines.
    const g = set.errors.find((e) => e.key === '-3960')!;
    assert.equal(g.first.time, Date.UTC(2012, 6, 7, 22, 4, 2, 876));
    assert.ok(set.jobs.every((j) => new Date(j.start.time!).getUTCFullYear() === 2012));
  });
});
