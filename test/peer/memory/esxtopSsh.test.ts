/**
 * `esxtop -b -a -d D -n N` over SSH (SshSession, host key pinned), streamed into the esxtop parser:
 * against the lab's ESXi simulator (which answers from vcsim's VMs and injected perf), and against a
 * real OpenSSH sshd where esxtop does not exist.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { withLab } from '../../lab';
import { CancelledError } from '../../../src/core/errors';
import { SshSession } from '../../../src/core/esxi/ssh';
import { parseEsxtopFile, summarizeCapture } from '../../../src/core/memory/esxtop';
import { captureEsxtopOverSsh, esxtopCommand, EsxtopRunError, type CaptureProgress } from '../../../src/core/memory/esxtopSsh';
import { runCli } from '../../../src/cli/main';
import type { CliIO } from '../../../src/cli/command';

function cliIo(env: NodeJS.ProcessEnv, cwd: string): CliIO & { out: string; err: string } {
  const io = { out: '', err: '', env, cwd, stdout(t: string) { io.out += t; }, stderr(t: string) { io.err += t; } };
  return io;
}

describe('memory: esxtop capture over SSH (SshSession → parser)', function () {
  this.timeout(90_000);
  const lab = withLab({ vcsim: { esx: true, vm: 3 }, esxi: { hostname: 'esx-ssh-capture' } });
  let session: SshSession;
  let tmp: string;

  before(async () => {
    const esxi = lab.esxi;
    session = await SshSession.connect({ host: esxi.host, port: esxi.port, username: esxi.username, password: esxi.password, hostKey: esxi.hostKeySha256 });
    lab.beforeStop(() => session.close());
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-esxtop-ssh-'));
  });
  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });
  afterEach(() => lab.vcsim.clearPerf());

  it('the command: every counter, delay and samples; esxtop\'s 2 s minimum delay enforced', () => {
    assert.equal(esxtopCommand({ samples: 30, delaySeconds: 2 }), 'esxtop -b -a -d 2 -n 30');
    assert.equal(esxtopCommand({ samples: 1, delaySeconds: 5, allCounters: false }), 'esxtop -b -d 5 -n 1');
    assert.throws(() => esxtopCommand({ samples: 3, delaySeconds: 1 }), /at least 2 seconds/);
    assert.throws(() => esxtopCommand({ samples: 0, delaySeconds: 2 }), EsxtopRunError);
    assert.throws(() => esxtopCommand({ samples: 2.5, delaySeconds: 2 }), /whole number/);
    // Longer than a week would overflow the run's timer: refused with a clear message.
    assert.throws(() => esxtopCommand({ samples: 100_000, delaySeconds: 30 }), /at most 7 days/);
    assert.equal(esxtopCommand({ samples: 20_160, delaySeconds: 30 }), 'esxtop -b -a -d 30 -n 20160'); // exactly a week
  });

  it('a failing sink (disk full) fails the capture with its own error', async () => {
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    await assert.rejects(captureEsxtopOverSsh(session, { samples: 2, delaySeconds: 2, sink: () => { throw full; } }), /ENOSPC/);
    // The session still works afterwards.
    assert.equal((await captureEsxtopOverSsh(session, { samples: 1, delaySeconds: 2 })).capture.rows, 1);
  });

  it('streams the capture into the parser: host, every powered-on VM, injected balloon and swap in MB; the saved CSV parses the same', async () => {
    const vms = (await lab.vcsim.listVms()).filter((v) => v.powerState === 'poweredOn');
    await lab.vcsim.injectPerf(
      { entity: vms[0].moref, counter: 'mem.vmmemctl.average', values: [102400, 204800, 307200] },
      { entity: vms[1].moref, counter: 'mem.swapped.average', values: [0, 51200, 0] },
    );
    const progress: CaptureProgress[] = [];
    const saved = path.join(tmp, 'capture.csv');
    const fd = fs.openSync(saved, 'w');
    let r;
    try {
      r = await captureEsxtopOverSsh(session, { samples: 3, delaySeconds: 2, onProgress: (p) => progress.push(p), sink: (c) => { fs.writeSync(fd, c); } });
    } finally {
      fs.closeSync(fd);
    }
    assert.equal(r.command, 'esxtop -b -a -d 2 -n 3');
    assert.ok(lab.esxi.commands.includes('esxtop -b -a -d 2 -n 3'), 'the host ran exactly that command');
    const cap = r.capture;
    assert.equal(cap.host, 'esx-ssh-capture');
    assert.equal(cap.rows, 3);
    assert.deepEqual(cap.vms.map((v) => v.name).sort(), vms.map((v) => v.name).sort());
    const s = summarizeCapture(cap);
    assert.equal(s.vms.find((v) => v.name === vms[0].name)!.maxBalloonMB, 300, '307200 KB = 300 MB');
    assert.equal(s.vms.find((v) => v.name === vms[1].name)!.maxSwappedMB, 50);
    assert.ok(progress.length >= 1 && progress[progress.length - 1].rows === 3, `progress ends at 3 rows: ${JSON.stringify(progress.at(-1))}`);
    assert.equal(progress[progress.length - 1].bytes, r.bytes);
    assert.equal(fs.statSync(saved).size, r.bytes, 'the sink got every byte');
    assert.deepEqual(summarizeCapture(await parseEsxtopFile(saved)), s, 'the saved CSV reads back the same');
  });

  it('vlab memory esxtop --ssh: summary per VM, --out saves the CSV, exit 1 when a VM swapped; the host key must be pinned', async () => {
    const vms = (await lab.vcsim.listVms()).filter((v) => v.powerState === 'poweredOn');
    await lab.vcsim.injectPerf({ entity: vms[2].moref, counter: 'mem.swapped.average', values: [20480] });
    const env = { ESX_PW: lab.esxi.password };
    const base = ['memory', 'esxtop', '--ssh', `${lab.esxi.host}:${lab.esxi.port}`, '--user', lab.esxi.username, '--password-env', 'ESX_PW', '--samples', '2', '--delay', '2'];
    // No pinned key: stops, printing the fingerprint to pin.
    let io = cliIo(env, tmp);
    assert.equal(await runCli(base, io), 1);
    assert.ok(io.err.includes(`--host-key ${lab.esxi.hostKeySha256}`), io.err);
    assert.equal(io.out, '', 'no capture without a pinned key');
    // Pinned: runs, saves, summarises.
    io = cliIo(env, tmp);
    const code = await runCli([...base, '--host-key', lab.esxi.hostKeySha256, '--out', 'cli.csv', '--json'], io);
    assert.equal(code, 1, `a VM swapped → exit 1 (stderr: ${io.err})`);
    const j = JSON.parse(io.out) as { rows: number; command: string; file: string; vms: Array<{ name: string; maxSwappedMB: number }> };
    assert.equal(j.rows, 2);
    assert.equal(j.command, 'esxtop -b -a -d 2 -n 2');
    assert.equal(j.vms.find((v) => v.name === vms[2].name)!.maxSwappedMB, 20);
    assert.equal(summarizeCapture(await parseEsxtopFile(path.join(tmp, 'cli.csv'))).rows, 2);
    assert.ok(!fs.existsSync(path.join(tmp, 'cli.csv.part')));
    // Usage errors exit 2: delay under esxtop's minimum, FILE and --ssh together, no password.
    assert.equal(await runCli([...base.slice(0, -1), '1'], cliIo(env, tmp)), 2);
    assert.equal(await runCli([...base, 'x.csv'], cliIo(env, tmp)), 2);
    io = cliIo({}, tmp);
    assert.notEqual(await runCli([...base, '--host-key', lab.esxi.hostKeySha256], io), 0);
    assert.match(io.err, /ESX_PW/);
  });

  it('cancelling stops the run (CancelledError) well before it would end', async () => {
    const ac = new AbortController();
    const started = Date.now();
    setTimeout(() => ac.abort(), 300);
    await assert.rejects(captureEsxtopOverSsh(session, { samples: 20, delaySeconds: 2, signal: ac.signal }), CancelledError);
    assert.ok(Date.now() - started < 10_000, 'did not wait for 20 × 2 s');
    // The session still works afterwards.
    assert.equal((await captureEsxtopOverSsh(session, { samples: 1, delaySeconds: 2 })).capture.rows, 1);
  });
});

describe('memory: esxtop over SSH on a host without esxtop (OpenSSH sshd)', function () {
  this.timeout(60_000);
  const lab = withLab({ sshd: {} });
  let session: SshSession;
  before(async () => {
    const sshd = lab.sshd;
    session = await SshSession.connect({
      host: sshd.host, port: sshd.port, username: sshd.username, hostKey: sshd.hostKeySha256,
      ...(sshd.password ? { password: sshd.password } : { privateKey: sshd.privateKey }),
    });
    lab.beforeStop(() => session.close());
  });

  it('a missing esxtop fails with the command and the shell\'s reason', async () => {
    await assert.rejects(captureEsxtopOverSsh(session, { samples: 1, delaySeconds: 2 }),
      (e: Error) => e instanceof EsxtopRunError && e.code === 'exit' && /"esxtop -b -a -d 2 -n 1" failed on .*not found/i.test(e.message));
  });
});
