/**
 * Hostile input for the readers: esxtop CSV, PEM / certificates, .vmx. Each case ends within a time
 * bound, in bounded memory, with an error that names the line — or a result; never a hang, a crash
 * or a silent drop. Fuzzing is seeded (repeatable).
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EsxtopFormatError, EsxtopParser, parseEsxtopText, parsePdhTime } from '../../../src/core/memory/esxtop';
import { CertificateParseError, readCertificates, pemBlocks } from '../../../src/core/certs/x509';
import { VmxDocument } from '../../../src/core/vmx/document';
import { lintVmx } from '../../../src/core/vmx/lint';
import { runCli } from '../../../src/cli/main';
import { allCommands } from '../../../src/cli/commands/index';
import { printable } from '../../../src/core/text';
import { rng } from '../../fixtures/rng';


function timed<T>(f: () => T): { ms: number; value?: T; error?: unknown } {
  const t0 = performance.now();
  try {
    const value = f();
    return { ms: performance.now() - t0, value };
  } catch (error) {
    return { ms: performance.now() - t0, error };
  }
}

const HEADER = '"(PDH-CSV 4.0) (UTC)(0)","\\\\esx01\\Memory\\Free MBytes","\\\\esx01\\Group Memory(100:web01)\\Memctl MBytes"';
const row = (i: number): string => {
  const s = i % 60;
  const m = Math.floor(i / 60) % 60;
  return `"09/14/2010 ${String(Math.floor(i / 3600) % 24).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}","${1000 + (i % 7)}","${i % 3}"`;
};

async function cli(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, { stdout: (t) => { out += t; }, stderr: (t) => { err += t; }, env: {}, cwd }, allCommands);
  return { code, out, err };
}

describe('hostile: esxtop CSV reader', () => {
  it('one stray quote: an error naming its line, in linear time (200 000 rows after it)', () => {
    const lines = [HEADER, row(0), '"09/14/2010 00:00:01","10"00","1"'];
    for (let i = 2; i < 200_000; i++) lines.push(row(i));
    const r = timed(() => parseEsxtopText(lines.join('\n')));
    assert.ok(r.error instanceof EsxtopFormatError, String(r.error));
    assert.match((r.error as Error).message, /unbalanced quote.*line 3/);
    assert.ok(r.ms < 3000, `${r.ms.toFixed(0)} ms`);
  });

  it('a file with no newline stops at the record cap instead of growing without bound', () => {
    const p = new EsxtopParser();
    const chunk = 'x'.repeat(1 << 20);
    let fed = 0;
    const r = timed(() => { for (;;) { p.push(chunk); fed++; if (fed > 64) return; } });
    assert.ok(r.error instanceof EsxtopFormatError, String(r.error));
    assert.match((r.error as Error).message, /without a line end/);
    assert.ok(fed <= 17, `${fed} MB taken before refusing`);
  });

  it('impossible times and biases are errors with the line, not normalised', () => {
    for (const bad of ['13/01/2010 00:00:00', '04/31/2010 00:00:00', '02/29/2010 00:00:00', '01/01/2010 24:00:00', '01/01/2010 00:60:00', '01/01/2010 00:00:61', '00/10/2010 00:00:00']) {
      assert.ok(Number.isNaN(parsePdhTime(bad)), bad);
      assert.throws(() => parseEsxtopText(`${HEADER}\n${row(0)}\n"${bad}","1","2"\n`), (e: unknown) => e instanceof EsxtopFormatError && /line 3/.test(e.message), bad);
    }
    assert.equal(parsePdhTime('02/29/2012 23:59:59'), Date.UTC(2012, 1, 29, 23, 59, 59));
    for (const bias of ['99999999', '-100000', '1441', '-841', '123456789012345678901234567890']) {
      assert.throws(() => parseEsxtopText(HEADER.replace('(UTC)(0)', `(UTC)(${bias})`) + '\n'), (e: unknown) => e instanceof EsxtopFormatError && /bias .* is not a time zone/.test(e.message), bias);
    }
    assert.equal(parseEsxtopText(HEADER.replace('(UTC)(0)', '(UTC)(-840)') + `\n${row(0)}\n`).biasMinutes, -840);
  });

  it('fuzz: 400 mutated captures end in a result or an EsxtopFormatError, each fast', () => {
    const base = [HEADER, ...Array.from({ length: 50 }, (_, i) => row(i))].join('\n');
    const rand = rng(17);
    const alphabet = '"\n\r,\\()/:0123456789 ';
    let worst = 0;
    for (let k = 0; k < 400; k++) {
      const chars = base.split('');
      const n = 1 + Math.floor(rand() * 12);
      for (let j = 0; j < n; j++) {
        const at = Math.floor(rand() * chars.length);
        const c = alphabet[Math.floor(rand() * alphabet.length)];
        if (rand() < 0.5) chars[at] = c; else chars.splice(at, 0, c.repeat(1 + Math.floor(rand() * 50)));
      }
      const r = timed(() => parseEsxtopText(chars.join('')));
      worst = Math.max(worst, r.ms);
      if (r.error) assert.ok(r.error instanceof EsxtopFormatError, `case ${k}: ${String(r.error)}`);
    }
    assert.ok(worst < 500, `slowest case ${worst.toFixed(0)} ms`);
  });

  it('vlab memory esxtop: an absurd bias is an error (exit 1, no stack), /dev/zero is refused', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vlab-hostile-'));
    try {
      writeFileSync(path.join(dir, 'bias.csv'), HEADER.replace('(UTC)(0)', '(UTC)(99999999)') + `\n${row(0)}\n`);
      const r = await cli(['memory', 'esxtop', 'bias.csv'], dir);
      assert.equal(r.code, 1);
      assert.match(r.err, /not a time zone/);
      assert.doesNotMatch(r.err, /unexpected error|\n\s+at /);
      const z = await cli(['memory', 'esxtop', '/dev/zero'], dir);
      assert.equal(z.code, 1);
      assert.match(z.err, /not a file|not a regular file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('hostile: PEM and certificate reader', () => {
  it('100 000 unterminated BEGIN lines: refused in linear time', () => {
    const text = '-----BEGIN CERTIFICATE-----\nMIIB\n'.repeat(100_000);
    const r = timed(() => readCertificates(text));
    assert.ok(r.error instanceof CertificateParseError, String(r.error));
    assert.ok(r.ms < 1500, `${r.ms.toFixed(0)} ms`);
    assert.equal(pemBlocks(text + '-----END CERTIFICATE-----').length, 1, 'only the last BEGIN pairs with the END');
  });

  it('an input larger than the cap is refused before it is parsed', () => {
    const r = timed(() => readCertificates(Buffer.alloc(17 * 1048576, 0x41)));
    assert.ok(r.error instanceof CertificateParseError);
    assert.match((r.error as Error).message, /larger than 16 MB/);
    assert.ok(r.ms < 500, `${r.ms.toFixed(0)} ms`);
  });

  it('fuzz: 300 mutated PEM texts end in certificates or a CertificateParseError', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ2\n-----END CERTIFICATE-----\n-----BEGIN PKCS7-----\nMIAGCSqG\n-----END PKCS7-----\n';
    const rand = rng(5);
    const alphabet = '-BEGINDCRTFA \n=+/0123456789';
    for (let k = 0; k < 300; k++) {
      const chars = pem.split('');
      for (let j = 0; j < 1 + Math.floor(rand() * 8); j++) {
        chars.splice(Math.floor(rand() * chars.length), rand() < 0.3 ? 1 : 0, alphabet[Math.floor(rand() * alphabet.length)].repeat(1 + Math.floor(rand() * 30)));
      }
      const r = timed(() => readCertificates(chars.join('')));
      assert.ok(r.ms < 200, `case ${k}: ${r.ms.toFixed(0)} ms`);
      if (r.error) assert.ok(r.error instanceof CertificateParseError, `case ${k}: ${String(r.error)}`);
    }
  });
});

describe('hostile: .vmx reader and lint output', () => {
  it('fuzz: 300 random byte files parse or refuse, never crash', () => {
    const rand = rng(99);
    for (let k = 0; k < 300; k++) {
      const bytes = Buffer.from(Array.from({ length: Math.floor(rand() * 400) }, () => Math.floor(rand() * 256)));
      const r = timed(() => lintVmx(VmxDocument.parse(bytes)));
      assert.ok(r.ms < 200, `case ${k}: ${r.ms.toFixed(0)} ms`);
      if (r.error) assert.ok((r.error as { code?: unknown }).code !== undefined || (r.error as Error).name !== 'TypeError', `case ${k}: ${String(r.error)}`);
    }
  });

  it('vlab vmx lint on 100 000 duplicate lines: output bounded, exit 1, memory flat', async function () {
    this.timeout(60_000);
    const dir = mkdtempSync(path.join(tmpdir(), 'vlab-hostile-'));
    try {
      writeFileSync(path.join(dir, 'dup.vmx'), 'config.version = "8"\n' + 'displayName = "x"\n'.repeat(100_000));
      const before = process.memoryUsage().heapUsed;
      const r = await cli(['vmx', 'lint', 'dup.vmx'], dir);
      const grew = process.memoryUsage().heapUsed - before;
      assert.equal(r.code, 1);
      const lines = r.out.trimEnd().split('\n');
      assert.ok(lines.length <= 1002, `${lines.length} lines`);
      const more = /… and (\d+) more finding\(s\) not listed/.exec(r.out);
      assert.ok(more && Number(more[1]) >= 98_000, 'the rest are counted, not listed');
      assert.ok(grew < 400 * 1048576, `heap grew by ${Math.round(grew / 1048576)} MB`);
      // /dev/zero and a folder are refused before any read.
      assert.match((await cli(['vmx', 'lint', '/dev/zero'], dir)).err, /not a regular file/);
      assert.match((await cli(['vmx', 'lint', dir], dir)).err, /is a directory/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('file content in lint output is printed without terminal control characters', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vlab-hostile-'));
    try {
      writeFileSync(path.join(dir, 'esc.vmx'), 'config.version = "8"\n\u001b]0;owned\u0007key\u001b[2J = "1"\nkey\u001b[2J = "2"\n');
      const r = await cli(['vmx', 'lint', 'esc.vmx'], dir);
      // eslint-disable-next-line no-control-regex
      assert.doesNotMatch(r.out + r.err, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      assert.equal(printable('a\u001b[31mb\u009bc\u202ed\r\ne'), 'a\\u001b[31mb\\u009bc\\u202ed\r\ne');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
