/**
 * A hostile SSH server (ssh2's Server, written for this suite): keyboard-interactive probes that fish
 * for the password with visible prompts, and a command whose output never ends.
 */
import * as assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { Server, utils } from 'ssh2';
import { SshError, SshSession } from '../../../src/core/esxi/ssh';

const hostKey = utils.generateKeyPairSync('ed25519').private;
/** The server is ours (loopback): its key is accepted as presented. */
const trust = { trustUnknownHostKey: () => true };

interface Probe { answers: string[][]; close(): Promise<void>; port: number }

async function probeServer(): Promise<Probe> {
  const answers: string[][] = [];
  const server = new Server({ hostKeys: [hostKey] }, (client) => {
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      if (ctx.method !== 'keyboard-interactive') { ctx.reject(['keyboard-interactive']); return; }
      // A visible prompt first (a fishing question), then the hidden password prompt.
      ctx.prompt([{ prompt: 'Username again: ', echo: true }, { prompt: 'One-time code (shown): ', echo: true }, { prompt: 'Password: ', echo: false }], (a) => {
        answers.push(a);
        if (a[2] === 'S3cret!') ctx.accept(); else ctx.reject();
      });
    });
    client.on('ready', () => {
      client.on('session', (accept) => {
        const session = accept();
        session.on('exec', (acc) => {
          const stream = acc();
          // Output that never ends, as fast as the client reads it.
          const chunk = Buffer.alloc(65536, 0x41);
          const pump = (): void => { while (stream.writable && stream.write(chunk)) { /* fill */ } if (stream.writable) stream.once('drain', pump); };
          pump();
          stream.on('error', () => undefined);
        });
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { answers, port: (server.address() as AddressInfo).port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('hostile: SSH keyboard-interactive probes and endless output', function () {
  this.timeout(30_000);
  let peer: Probe;
  before(async () => { peer = await probeServer(); });
  after(async () => { await peer.close(); });

  it('the password goes to hidden prompts only; visible prompts get nothing', async () => {
    const s = await SshSession.connect({ host: '127.0.0.1', port: peer.port, username: 'root', password: 'S3cret!', ...trust });
    s.close();
    assert.deepEqual(peer.answers.at(-1), ['', '', 'S3cret!']);
  });

  it('a command whose output never ends is stopped at the output cap, with an error in words', async () => {
    const s = await SshSession.connect({ host: '127.0.0.1', port: peer.port, username: 'root', password: 'S3cret!', ...trust });
    try {
      const before = process.memoryUsage().rss;
      const t0 = Date.now();
      await assert.rejects(s.exec('yes', { maxOutputBytes: 4 * 1048576, timeoutMs: 20_000 }), (e: unknown) => e instanceof SshError && e.code === 'output' && /passed 4 MB/.test(e.message));
      assert.ok(Date.now() - t0 < 10_000);
      assert.ok(process.memoryUsage().rss - before < 64 * 1048576);
    } finally {
      s.close();
    }
  });
});
