/**
 * src/core/esxi/ssh.ts against real peers: the lab's ESXi SSH simulator (ssh2 server) and Debian's
 * OpenSSH sshd — password and keyboard-interactive logins, host-key pinning (unknown / changed),
 * exec with exit codes, timeouts and cancellation, SFTP read/write/rename/stat.
 */
import * as assert from 'node:assert/strict';
import { withLab, startSshd, type Sshd } from '../../lab';
import {
  HostKeyChangedError, SshAuthError, SshSession, UnknownHostKeyError, fingerprintOfKey, hostKeyFile, normaliseFingerprint, parseSshTarget,
} from '../../../src/core/esxi/ssh';

describe('esxi/ssh: against the ESXi simulator', function () {
  this.timeout(60_000);
  const lab = withLab({ vcsim: { esx: true, vm: 1 }, esxi: { password: 'VMware1!' } });

  it('reads SSH targets as people type them', () => {
    assert.deepEqual(parseSshTarget('esx01'), { host: 'esx01', port: 22 });
    assert.deepEqual(parseSshTarget(' root@esx01.lab.local:2222 '), { host: 'esx01.lab.local', port: 2222 });
    assert.deepEqual(parseSshTarget('ssh://vdr/var/log'), { host: 'vdr', port: 22 });
    assert.deepEqual(parseSshTarget('[fe80::1]:22'), { host: 'fe80::1', port: 22 });
    for (const bad of ['', 'host:0', 'host:70000', 'a b', 'fe80::1']) assert.equal(parseSshTarget(bad), undefined, bad);
  });

  it('names the host key file of each key type', () => {
    assert.equal(hostKeyFile('ssh-ed25519'), '/etc/ssh/ssh_host_ed25519_key.pub');
    assert.equal(hostKeyFile('ecdsa-sha2-nistp256'), '/etc/ssh/ssh_host_ecdsa_key.pub');
    assert.equal(hostKeyFile('ssh-rsa'), '/etc/ssh/ssh_host_rsa_key.pub');
    assert.equal(hostKeyFile(undefined), '/etc/ssh/ssh_host_*_key.pub');
  });

  it('fingerprints match the OpenSSH form the lab computes', () => {
    assert.equal(fingerprintOfKey(lab.esxi.hostKeyBlob), lab.esxi.hostKeySha256);
    assert.equal(normaliseFingerprint(lab.esxi.hostKeySha256.slice(7) + '='), lab.esxi.hostKeySha256);
    assert.throws(() => normaliseFingerprint('AA:BB'), /not an SSH host key fingerprint/);
  });

  it('an unknown host key stops the connection and carries the fingerprint', async () => {
    await assert.rejects(SshSession.connect({ host: lab.esxi.host, port: lab.esxi.port, username: 'root', password: 'VMware1!' }), (e: unknown) => {
      assert.ok(e instanceof UnknownHostKeyError);
      assert.equal(e.fingerprint, lab.esxi.hostKeySha256);
      assert.equal(e.keyType, 'ssh-ed25519');
      assert.match(e.message, /not known yet/);
      // The file to compare with is the one of the key type presented (ed25519 here), not RSA.
      assert.match(e.message, /ssh-keygen -lf \/etc\/ssh\/ssh_host_ed25519_key\.pub/);
      return true;
    });
    // Nothing ran on the host.
    assert.equal(lab.esxi.commands.length, 0);
  });

  it('trustUnknownHostKey can accept the key (the UI asks the user)', async () => {
    const asked: string[] = [];
    const s = await SshSession.connect({ host: lab.esxi.host, port: lab.esxi.port, username: 'root', password: 'VMware1!', trustUnknownHostKey: (fp) => { asked.push(fp); return true; } });
    assert.deepEqual(asked, [lab.esxi.hostKeySha256]);
    assert.equal(s.hostKey, lab.esxi.hostKeySha256);
    s.close();
    await assert.rejects(SshSession.connect({ host: lab.esxi.host, port: lab.esxi.port, username: 'root', password: 'VMware1!', trustUnknownHostKey: async () => false }), UnknownHostKeyError);
  });

  it('a changed host key is refused', async () => {
    const other = 'SHA256:' + 'A'.repeat(43);
    await assert.rejects(SshSession.connect({ host: lab.esxi.host, port: lab.esxi.port, username: 'root', password: 'VMware1!', hostKey: other }), (e: unknown) => {
      assert.ok(e instanceof HostKeyChangedError);
      assert.equal(e.expected, other);
      assert.equal(e.fingerprint, lab.esxi.hostKeySha256);
      return true;
    });
  });

  it('password login (ESXi accepts it), exec with stdout, stderr and exit codes', async () => {
    const s = await SshSession.connect({ host: lab.esxi.host, port: lab.esxi.port, username: 'root', password: 'VMware1!', hostKey: lab.esxi.hostKeySha256 });
    try {
      const v = await s.exec('vmware -v');
      assert.equal(v.code, 0);
      assert.match(v.stdout, /^VMware ESXi 6\.5\.0 build-5969303/);
      const bad = await s.exec('no-such-command');
      assert.equal(bad.code, 127);
      assert.match(bad.stderr, /not found/);
      const t = await s.exec('test -f /etc/vmware/ssl/rui.crt && echo yes');
      assert.equal(t.stdout, 'yes\n');
      const f = await s.exec('test -f /etc/vmware/ssl/nothing');
      assert.equal(f.code, 1);
    } finally {
      s.close();
    }
  });

  it('a wrong password is a typed auth error', async () => {
    await assert.rejects(SshSession.connect({ host: lab.esxi.host, port: lab.esxi.port, username: 'root', password: 'wrong', hostKey: lab.esxi.hostKeySha256 }), SshAuthError);
  });

  it('SFTP: write with mode, stat, read back, rename over an existing file', async () => {
    const s = await SshSession.connect({ host: lab.esxi.host, port: lab.esxi.port, username: 'root', password: 'VMware1!', hostKey: lab.esxi.hostKeySha256 });
    try {
      await s.writeFile('/tmp-a.txt', 'hello\n', 0o600);
      const st = await s.stat('/tmp-a.txt');
      assert.equal(st?.size, 6);
      assert.equal((st!.mode & 0o777), 0o600);
      assert.equal((await s.readFile('/tmp-a.txt')).toString(), 'hello\n');
      await s.writeFile('/tmp-b.txt', 'old\n');
      await s.rename('/tmp-a.txt', '/tmp-b.txt', true);
      assert.equal((await s.readFile('/tmp-b.txt')).toString(), 'hello\n');
      assert.equal(await s.stat('/tmp-a.txt'), undefined);
      await assert.rejects(s.readFile('/nope'), /does not exist/);
      const crt = (await s.readFile('/etc/vmware/ssl/rui.crt')).toString();
      assert.match(crt, /BEGIN CERTIFICATE/);
    } finally {
      s.close();
    }
  });
});

describe('esxi/ssh: against OpenSSH sshd', function () {
  this.timeout(60_000);
  let pw: Sshd;
  let kbd: Sshd;

  before(async function () {
    if (process.getuid?.() !== 0) this.skip();
    pw = await startSshd({ password: true, keyboardInteractive: false, publickey: false });
    kbd = await startSshd({ password: false, keyboardInteractive: true, publickey: false });
  });
  after(async () => {
    await pw?.stop();
    await kbd?.stop();
  });

  it('password authentication only', async () => {
    const s = await SshSession.connect({ host: pw.host, port: pw.port, username: pw.username, password: pw.password!, hostKey: pw.hostKeySha256 });
    try {
      const r = await s.exec('id -un; echo err >&2; exit 3');
      assert.equal(r.stdout, `${pw.username}\n`);
      assert.equal(r.stderr, 'err\n');
      assert.equal(r.code, 3);
    } finally {
      s.close();
    }
  });

  it('keyboard-interactive only (as ESXi offers root)', async () => {
    const s = await SshSession.connect({ host: kbd.host, port: kbd.port, username: kbd.username, password: kbd.password!, hostKey: kbd.hostKeySha256 });
    try {
      assert.equal((await s.exec('echo ok')).stdout, 'ok\n');
    } finally {
      s.close();
    }
    await assert.rejects(SshSession.connect({ host: kbd.host, port: kbd.port, username: kbd.username, password: 'wrong-' + kbd.password, hostKey: kbd.hostKeySha256 }), SshAuthError);
  });

  it('a mismatching host key is refused before authentication', async () => {
    const accepted = (): number => (pw.log().match(/Accepted \w+ for /g) ?? []).length;
    const before = accepted();
    await assert.rejects(SshSession.connect({ host: pw.host, port: pw.port, username: pw.username, password: pw.password!, hostKey: kbd.hostKeySha256 }), (e: unknown) => {
      assert.ok(e instanceof HostKeyChangedError);
      assert.equal(e.fingerprint, pw.hostKeySha256);
      return true;
    });
    assert.equal(accepted(), before, 'no login happened');
  });

  it('exec timeout and cancellation', async () => {
    const s = await SshSession.connect({ host: pw.host, port: pw.port, username: pw.username, password: pw.password!, hostKey: pw.hostKeySha256 });
    try {
      const t0 = Date.now();
      await assert.rejects(s.exec('sleep 5', { timeoutMs: 300 }), (e: unknown) => (e as { code?: string }).code === 'timeout');
      assert.ok(Date.now() - t0 < 3000);
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 200);
      await assert.rejects(s.exec('sleep 5', { signal: ac.signal }), (e: unknown) => (e as { code?: string }).code === 'cancelled');
      // The session is still usable.
      assert.equal((await s.exec('echo still')).stdout, 'still\n');
    } finally {
      s.close();
    }
  });

  it('SFTP on OpenSSH: atomic posix-rename over an existing file, mode kept', async () => {
    const s = await SshSession.connect({ host: pw.host, port: pw.port, username: pw.username, password: pw.password!, hostKey: pw.hostKeySha256 });
    try {
      const home = (await s.exec('echo $HOME')).stdout.trim();
      await s.writeFile(`${home}/rui.key.new`, 'secret\n', 0o600);
      await s.writeFile(`${home}/rui.key`, 'old\n', 0o600);
      await s.rename(`${home}/rui.key.new`, `${home}/rui.key`, true);
      assert.equal((await s.readFile(`${home}/rui.key`)).toString(), 'secret\n');
      assert.equal(((await s.stat(`${home}/rui.key`))!.mode & 0o777), 0o600);
      await s.exec(`rm -f ${home}/rui.key`);
    } finally {
      s.close();
    }
  });
});
