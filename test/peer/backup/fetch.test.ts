/**
 * Fetching Data Recovery logs over SSH from a real OpenSSH sshd (the appliance's directories are
 * temp folders here), through the project's SshSession with a pinned host key.
 */
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startSshd, type Sshd } from '../../lab';
import { SshSession } from '../../../src/core/esxi/ssh';
import { fetchRemoteLogs, listRemoteLogs } from '../../../src/core/backup/fetch';
import { analyzeLogFiles } from '../../../src/core/backup/logs';

const FIX = path.join(__dirname, '../../fixtures/vdr');

describe('backup: fetch Data Recovery logs over SSH (OpenSSH sshd)', function () {
  this.timeout(60_000);
  let sshd: Sshd;
  let root: string;
  let session: SshSession;
  before(async () => {
    sshd = await startSshd();
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
      host: sshd.host, port: sshd.port, username: sshd.username,
      ...(sshd.password ? { password: sshd.password } : { privateKey: sshd.privateKey }),
      hostKey: sshd.hostKeySha256,
    });
  });
  after(async () => {
    session?.close();
    await sshd?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  const dirs = () => [path.join(root, 'var/vmware/datarecovery'), path.join(root, 'var/log/datarecovery'), path.join(root, 'missing')];

  it('lists only the Data Recovery logs, skipping a missing directory', async () => {
    const list = await listRemoteLogs(session, dirs());
    assert.deepEqual(list.map((f) => path.basename(f)).sort(), ['datarecovery-0.log', 'datarecovery-1.log', 'vcbAPI-0.log'].sort());
    assert.ok(list.every((f) => !f.endsWith('.ini') && !f.endsWith('.txt')));
  });

  it('fetches them byte for byte, and the analysis of the copies finds the -3960 line', async () => {
    const got = await fetchRemoteLogs(session, dirs());
    assert.equal(got.length, 3);
    const out = mkdtempSync(path.join(tmpdir(), 'vdr-fetched-'));
    try {
      for (const g of got) {
        const local = path.join(FIX, g.name);
        assert.deepEqual(g.data, readFileSync(local), `${g.name} identical`);
        writeFileSync(path.join(out, g.name), g.data);
      }
      const a = await analyzeLogFiles(got.map((g) => path.join(out, g.name)));
      const g3960 = a.errors.find((e) => e.code === '-3960')!;
      assert.equal(g3960.first.line, 4);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('a wrong pinned host key stops before anything is read', async () => {
    await assert.rejects(SshSession.connect({
      host: sshd.host, port: sshd.port, username: sshd.username,
      ...(sshd.password ? { password: sshd.password } : { privateKey: sshd.privateKey }),
      hostKey: 'SHA256:' + 'A'.repeat(43),
    }), (e: Error) => e.name === 'HostKeyChangedError');
  });
});
