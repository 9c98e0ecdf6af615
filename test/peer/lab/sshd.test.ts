import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { Client } from 'ssh2';
import { withLab, startSshd } from '../../lab';
import { connect, exec, keyboardOnly, pidAlive, sftpOf, sftpRead, sftpWrite } from './helpers';

const isRoot = process.getuid?.() === 0;

describe('lab: real OpenSSH sshd', function () {
  this.timeout(60_000);
  const base = () => ({ host: lab.sshd.host, port: lab.sshd.port, username: lab.sshd.username, hostVerifier: (k: Buffer) => k.equals(lab.sshd.hostKeyBlob) });
  const whoami = async (c: Client) => {
    const r = await exec(c, 'id -un');
    c.end();
    return r.stdout.trim();
  };

  const lab = withLab({ sshd: {} });

  it('reports the host key as OpenSSH prints it', () => {
    assert.match(lab.sshd.hostKeySha256, /^SHA256:[A-Za-z0-9+/]{43}$/);
    assert.match(lab.sshd.hostKey, /^ssh-ed25519 /);
  });

  it('password auth', async function () {
    if (!isRoot) this.skip();
    assert.equal(await whoami(await connect({ ...base(), password: lab.sshd.password, authHandler: ['password'] })), lab.sshd.username);
    await assert.rejects(connect({ ...base(), password: 'wrong-' + lab.sshd.password, authHandler: ['password'] }), /authentication methods failed/);
  });

  it('keyboard-interactive auth (PAM)', async function () {
    if (!isRoot) this.skip();
    assert.equal(await whoami(await connect({ ...base(), authHandler: keyboardOnly(lab.sshd.username, lab.sshd.password!) })), lab.sshd.username);
    await assert.rejects(connect({ ...base(), authHandler: keyboardOnly(lab.sshd.username, 'wrong') }), /authentication methods failed/);
  });

  it('public-key auth', async () => {
    assert.equal(await whoami(await connect({ ...base(), privateKey: lab.sshd.privateKey, authHandler: ['publickey'] })), lab.sshd.username);
  });

  it('SFTP (internal-sftp) writes and reads files', async () => {
    const c = await connect({ ...base(), privateKey: lab.sshd.privateKey });
    const home = (await exec(c, 'echo $HOME')).stdout.trim();
    const file = `${home}/vlab-sftp-${process.pid}.txt`;
    const sftp = await sftpOf(c);
    await sftpWrite(sftp, file, 'through real sshd\n');
    assert.equal((await sftpRead(sftp, file)).toString(), 'through real sshd\n');
    assert.equal((await exec(c, `cat ${file}; rm -f ${file}`)).stdout, 'through real sshd\n');
    sftp.end();
    c.end();
  });

  it('a host-key mismatch is refused by hostVerifier', async () => {
    let offered: Buffer | undefined;
    await assert.rejects(
      connect({
        ...base(),
        privateKey: lab.sshd.privateKey,
        hostVerifier: (k: Buffer) => {
          offered = k;
          return false;
        },
      }),
      /verification failed/i,
    );
    assert.ok(offered?.equals(lab.sshd.hostKeyBlob), 'sshd offered the generated host key');
  });

  it('stop() ends sshd and its session processes', async () => {
    const s = await startSshd({ password: false, keyboardInteractive: false });
    const c = await connect({ host: s.host, port: s.port, username: s.username, privateKey: s.privateKey, hostVerifier: () => true });
    assert.equal((await exec(c, 'echo up')).stdout, 'up\n');
    const dir = s.dir;
    await s.stop();
    await s.stop();
    c.end();
    assert.equal(pidAlive(s.pid), false);
    assert.equal(fs.existsSync(dir), false);
  });
});
