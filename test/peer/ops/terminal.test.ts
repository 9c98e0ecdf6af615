/**
 * The SSH terminal's channel (core `SshSession.shell`) against the lab's ESXi simulator: a pty
 * shell whose prompt runs the simulator's command table line by line, `vmware -v` answered, the
 * window size sent at open and on resize, `exit` closing the channel with its code; and a host that
 * refuses SSH (nothing listening) failing with the `refused` code and how to start the service.
 */
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { withLab } from '../../lab';
import { SshSession, type SshShell } from '../../../src/core/esxi/ssh';

const PASS = 'VMware1!';

function collect(shell: SshShell): { text: () => string; waitFor: (re: RegExp, ms?: number) => Promise<string> } {
  let buf = '';
  const waiters: (() => void)[] = [];
  shell.onData((d) => {
    buf += d.toString('utf8');
    for (const w of waiters.splice(0)) w();
  });
  const waitFor = async (re: RegExp, ms = 10_000): Promise<string> => {
    const until = Date.now() + ms;
    while (!re.test(buf)) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${re}; got:\n${buf}`);
      await new Promise<void>((r) => { waiters.push(r); setTimeout(r, 200); });
    }
    return buf;
  };
  return { text: () => buf, waitFor };
}

describe('SSH terminal channel against the ESXi simulator', function () {
  this.timeout(60_000);
  const lab = withLab({ vcsim: { esx: true, vm: 1 }, esxi: { password: PASS } });

  it('a pty shell runs `vmware -v` line by line, follows resizes and ends with `exit`', async () => {
    const s = await SshSession.connect({ host: lab.esxi.host, port: lab.esxi.port, username: 'root', password: PASS, hostKey: lab.esxi.hostKeySha256 });
    try {
      const before = lab.esxi.windowSizes.length;
      const shell = await s.shell({ cols: 100, rows: 30 });
      const out = collect(shell);
      await out.waitFor(/\[root@[^:\]]+:~\] $/);
      shell.write('vmware -v\r');
      const text = await out.waitFor(/VMware ESXi \d+\.\d+\.\d+ build-\d+\r\n\[root@/);
      assert.match(text, /vmware -v\r\n/, 'the typed line is echoed');
      assert.ok(lab.esxi.commands.includes('vmware -v'), 'the simulator ran the command');
      shell.resize(132, 43);
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(lab.esxi.windowSizes.slice(before), [{ cols: 100, rows: 30 }, { cols: 132, rows: 43 }]);
      shell.write('no-such-command\r');
      await out.waitFor(/no-such-command: not found/);
      const closed = new Promise<number | undefined>((r) => shell.onClose(r));
      shell.write('exit 3\r');
      assert.equal(await closed, 3, 'the exit code comes back');
      assert.ok(!s.isClosed, 'the session outlives its shell channel');
    } finally {
      s.close();
    }
  });

  it('closing from our side ends the channel', async () => {
    const s = await SshSession.connect({ host: lab.esxi.host, port: lab.esxi.port, username: 'root', password: PASS, hostKey: lab.esxi.hostKeySha256 });
    try {
      const shell = await s.shell();
      const closed = new Promise<number | undefined>((r) => shell.onClose(r));
      shell.close();
      await closed;
    } finally {
      s.close();
    }
  });

  it('a host with SSH stopped (connection refused) says so and how to start it', async () => {
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const port = (srv.address() as net.AddressInfo).port;
    await new Promise<void>((r) => srv.close(() => r()));
    await assert.rejects(SshSession.connect({ host: '127.0.0.1', port, username: 'root', password: PASS }), (e: unknown) => {
      const err = e as { code?: string; message?: string };
      assert.equal(err.code, 'refused');
      assert.match(err.message ?? '', /start the SSH service/);
      return true;
    });
  });
});
