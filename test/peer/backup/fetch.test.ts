/**
 * Fetching Data Recovery logs over SSH from a real OpenSSH sshd (the appliance's directories are
 * temp folders here), through the project's SshSession with a pinned host key.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, createReadStream, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { withLab } from '../../lab';
import { isCancellation } from '../../../src/core/errors';
import { HostKeyChangedError, SshSession } from '../../../src/core/esxi/ssh';
import { downloadToFile, fetchRemoteLogs, listRemoteLogs } from '../../../src/core/backup/fetch';
import { analyzeLogFiles } from '../../../src/core/backup/logs';

const FIX = path.join(__dirname, '../../fixtures/vdr');

describe('backup: fetch Data Recovery logs over SSH (OpenSSH sshd)', function () {
  this.timeout(60_000);
  const lab = withLab({ sshd: {} });
  let root: string;
  let session: SshSession;
  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'vdr-appliance-'));
    const main = path.join(root, 'var/vmware/datarecovery');
    const vddk = path.join(root, 'var/log/datarecovery');
    mkdirSync(main, { recursive: true });
    mkdirSync(vddk, { recursive: true });
    for (const f of ['datarecovery-0.log', 'datarecovery-1.log']) copyFileSync(path.join(FIX, f), path.join(main, f));
    copyFileSync(path.join(FIX, 'vcbAPI-0.log'), path.join(vddk, 'vcbAPI-0.log'));
    writeFileSync(path.join(main, 'datarecovery.ini'), '[Options]\nSetVCBLogging=6\n');
    writeFileSync(path.join(main, 'notes.txt'), 'not a log');
    // The sshd user must be able to read them.
    for (let d = main; d.startsWith(root); d = path.dirname(d)) chmodSync(d, 0o755);
    for (let d = vddk; d.startsWith(root); d = path.dirname(d)) chmodSync(d, 0o755);
    session = await SshSession.connect({
      host: lab.sshd.host, port: lab.sshd.port, username: lab.sshd.username,
      ...(lab.sshd.password ? { password: lab.sshd.password } : { privateKey: lab.sshd.privateKey }),
      hostKey: lab.sshd.hostKeySha256,
    });
  });
  after(async () => {
    session?.close();
    rmSync(root, { recursive: true, force: true });
  });

  const dirs = () => [path.join(root, 'var/vmware/datarecovery'), path.join(root, 'var/log/datarecovery'), path.join(root, 'missing')];

  it('lists only the Data Recovery logs, skipping a missing directory', async () => {
    const list = await listRemoteLogs(session, dirs());
    assert.deepEqual(list.map((f) => path.basename(f)).sort(), ['datarecovery-0.log', 'datarecovery-1.log', 'vcbAPI-0.log'].sort());
    assert.ok(list.every((f) => !f.endsWith('.ini') && !f.endsWith('.txt')));
  });

  it('fetches them byte for byte, and the analysis of the copies finds the -3960 line', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'vdr-fetched-'));
    try {
      const got = await fetchRemoteLogs(session, out, { dirs: dirs() });
      assert.equal(got.length, 3);
      for (const g of got) {
        const local = path.join(FIX, g.name);
        assert.equal(g.file, path.join(out, g.name));
        assert.deepEqual(readFileSync(g.file), readFileSync(local), `${g.name} identical`);
        assert.equal(g.bytes, readFileSync(local).length);
      }
      assert.deepEqual(readdirSync(out).sort(), got.map((g) => g.name).sort(), 'no temporary files left');
      const a = await analyzeLogFiles(got.map((g) => g.file));
      const g3960 = a.errors.find((e) => e.code === '-3960')!;
      assert.equal(g3960.first.line, 4);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  describe('a 50 MB log', () => {
    const SIZE = 50 * 1024 * 1024;
    let big: string;
    let bigSha: string;
    before(() => {
      // Generated: the fixture night's lines repeated with a changing sequence number, to 50 MB.
      const dir = path.join(root, 'big');
      mkdirSync(dir);
      chmodSync(dir, 0o755);
      big = path.join(dir, 'datarecovery-0.log');
      const lines = readFileSync(path.join(FIX, 'datarecovery-0.log'), 'utf8').split('\n').filter(Boolean);
      const fd = openSync(big, 'w', 0o644);
      const h = createHash('sha256');
      let size = 0;
      for (let i = 0; size < SIZE; i++) {
        const chunk: string[] = [];
        for (let k = 0; k < 1000; k++) chunk.push(`${lines[(i * 1000 + k) % lines.length]} #${i * 1000 + k}`);
        const b = Buffer.from(chunk.join('\n') + '\n');
        writeSync(fd, b);
        h.update(b);
        size += b.length;
      }
      closeSync(fd);
      bigSha = h.digest('hex');
    });

    const sha = (file: string) => new Promise<string>((resolve, reject) => {
      const h = createHash('sha256');
      createReadStream(file).on('data', (d) => h.update(d)).on('end', () => resolve(h.digest('hex'))).on('error', reject);
    });

    it('streams to the local file: same bytes, progress reported, memory does not grow with the file', async () => {
      const out = mkdtempSync(path.join(tmpdir(), 'vdr-fetched-big-'));
      try {
        // Live memory, not garbage waiting for a collection: collect before each sample.
        v8.setFlagsFromString('--expose-gc');
        const gc = runInNewContext('gc') as () => void;
        gc();
        const base = process.memoryUsage();
        let peakRss = base.rss;
        let peakBuffers = base.arrayBuffers;
        const seen: number[] = [];
        const got = await fetchRemoteLogs(session, out, {
          dirs: [path.dirname(big)],
          onProgress: (p) => {
            seen.push(p.bytes);
            if (seen.length % 25 !== 0) return;
            gc();
            const m = process.memoryUsage();
            peakRss = Math.max(peakRss, m.rss);
            peakBuffers = Math.max(peakBuffers, m.arrayBuffers);
          },
        });
        assert.equal(got.length, 1);
        assert.equal(got[0].bytes, statSync(big).size);
        assert.equal(await sha(got[0].file), bigSha, 'identical bytes');
        assert.ok(seen.length > 50, `progress reported along the way (${seen.length} times)`);
        assert.equal(seen[seen.length - 1], statSync(big).size);
        const mb = (n: number) => (n / 1048576).toFixed(1);
        // Holding the file (the old readFile path) would add at least its 50 MB to both figures; a
        // streaming copy stays well under half of it (up to ~20 MB in flight seen on a loaded machine).
        assert.ok(peakBuffers - base.arrayBuffers < 25 * 1048576, `buffers grew by ${mb(peakBuffers - base.arrayBuffers)} MB`);
        assert.ok(peakRss - base.rss < 40 * 1048576, `RSS grew by ${mb(peakRss - base.rss)} MB`);
        console.log(`      (50 MB log: RSS +${mb(peakRss - base.rss)} MB, buffers +${mb(peakBuffers - base.arrayBuffers)} MB at peak)`);
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    });

    it('cancelled half way: no partial log, an earlier copy is left as it was', async () => {
      const out = mkdtempSync(path.join(tmpdir(), 'vdr-fetched-cancel-'));
      try {
        const dest = path.join(out, 'datarecovery-0.log');
        writeFileSync(dest, 'the copy from last week\n');
        const ac = new AbortController();
        await assert.rejects(downloadToFile(session, big, dest, {
          signal: ac.signal, onBytes: (n) => { if (n > SIZE / 2) ac.abort(); },
        }), (e: Error) => isCancellation(e));
        assert.equal(readFileSync(dest, 'utf8'), 'the copy from last week\n');
        assert.deepEqual(readdirSync(out), ['datarecovery-0.log'], 'temporary file removed');
        // The session still works after a cancelled stream.
        assert.deepEqual((await listRemoteLogs(session, [path.dirname(big)])).map((f) => path.basename(f)), ['datarecovery-0.log']);
        assert.ok(!existsSync(path.join(out, '.part')));
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    });
  });

  it('a wrong pinned host key stops before anything is read', async () => {
    await assert.rejects(SshSession.connect({
      host: lab.sshd.host, port: lab.sshd.port, username: lab.sshd.username,
      ...(lab.sshd.password ? { password: lab.sshd.password } : { privateKey: lab.sshd.privateKey }),
      hostKey: 'SHA256:' + 'A'.repeat(43),
    }), (e: Error) => e instanceof HostKeyChangedError);
  });
});
