/**
 * The certificate deploy executor against the lab: vcsim -esx serving the weak default (1024-bit,
 * self-signed) paired with the ESXi SSH simulator, whose "hostd restart" makes vcsim load
 * /etc/vmware/ssl/rui.crt + rui.key. The new certificate is a real CA-signed 2048-bit one: key and
 * CSR from our request code, signed by `openssl` acting as the CA.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { withLab, servedThumbprints, thumbprintsOfPem } from '../../lab';
import { createRequest } from '../../../src/core/certs/request';
import { deployEsxCertificate, type StepReport } from '../../../src/core/esxi/deploy';
import { SshSession } from '../../../src/core/esxi/ssh';
import { makeTestCa, type TestCa } from './ca';

describe('esxi/deploy: replace the certificate of the ESXi simulator', function () {
  this.timeout(120_000);
  let ca: TestCa;
  let keyPem: string;
  let certPem: string;

  const lab = withLab({ vcsim: { esx: true, vm: 1 }, esxi: { password: 'VMware1!' } });
  before(async () => {
    ca = makeTestCa();
    const req = await createRequest({ cn: 'esx01.lab.local', sans: ['esx01.lab.local', 'esx01', '127.0.0.1'], bits: 2048, o: 'Lab' });
    keyPem = req.keyPkcs1Pem;
    certPem = ca.sign(req.csrPem);
  });
  after(async () => {
    ca?.dispose();
  });

  const ssh = () => ({ host: lab.esxi.host, port: lab.esxi.port, username: 'root', password: 'VMware1!', hostKey: lab.esxi.hostKeySha256 });

  it('the lab starts with the weak self-signed default', async () => {
    const live = await servedThumbprints(lab.vcsim.host, lab.vcsim.port);
    assert.equal(live.sha256, lab.vcsim.thumbprintSha256);
    const { X509Certificate } = await import('node:crypto');
    const x = new X509Certificate(live.der);
    assert.equal(x.publicKey.asymmetricKeyDetails?.modulusLength, 1024);
    assert.equal(x.issuer, x.subject);
  });

  it('a key that does not match the certificate is refused before anything is touched', async () => {
    const other = await createRequest({ cn: 'x.lab.local', bits: 2048 });
    const before = lab.esxi.commands.length;
    const r = await deployEsxCertificate({ host: lab.vcsim.host, port: lab.vcsim.port, ssh: ssh(), cert: certPem, key: other.keyPkcs1Pem });
    assert.equal(r.ok, false);
    assert.equal(r.failedStep, 'files');
    assert.match(r.error ?? '', /key/i);
    assert.equal(lab.esxi.commands.length, before, 'no SSH command ran');
  });

  it('with a failing restart: rolls back, the old certificate is served again', async () => {
    const old = (await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256;
    const oldCrt = fs.readFileSync(path.join(lab.esxi.root, 'etc/vmware/ssl/rui.crt'), 'utf8');
    lab.esxi.failRestart = true;
    const seen: StepReport[] = [];
    const r = await deployEsxCertificate({
      host: lab.vcsim.host, port: lab.vcsim.port, ssh: ssh(), cert: certPem, key: keyPem, verifyTimeoutMs: 2000,
      // The agent comes back for the rollback's restart (as after a transient failure).
      onStep: (s) => { seen.push(s); if (s.phase === 'deploy' && s.id === 'restart' && s.status === 'failed') lab.esxi.failRestart = false; },
    });
    assert.equal(r.ok, false);
    assert.equal(r.rolledBack, true);
    assert.equal(r.failedStep, 'restart');
    assert.equal(r.previousCertServed, true);
    assert.equal(r.previousSha256, old);
    assert.equal(r.liveSha256, old);
    assert.match(r.error ?? '', /hostd failed to start/);
    assert.equal((await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256, old, 'vcsim serves the old certificate');
    assert.equal(fs.readFileSync(path.join(lab.esxi.root, 'etc/vmware/ssl/rui.crt'), 'utf8'), oldCrt, 'rui.crt restored');
    assert.ok(!fs.existsSync(path.join(lab.esxi.root, 'etc/vmware/ssl/rui.crt.new')), 'temp files removed');
    assert.ok(fs.existsSync(path.join(lab.esxi.root, r.backups!.crt)), 'backup kept');
    const ids = r.steps.map((s) => `${s.phase}:${s.id}:${s.status}`);
    assert.deepEqual(ids, [
      'prepare:files:ok', 'prepare:inspect-before:ok', 'prepare:connect:ok',
      'deploy:precheck:ok', 'deploy:backup:ok', 'deploy:upload-crt:ok', 'deploy:upload-key:ok', 'deploy:install:ok',
      'deploy:restart:failed', 'deploy:wait:skipped', 'deploy:verify:skipped',
      'rollback:restore:ok', 'rollback:cleanup:ok', 'rollback:restart:ok', 'rollback:wait:ok', 'rollback:verify-old:ok',
    ]);
    assert.ok(seen.some((s) => s.id === 'restart' && s.status === 'running'), 'live progress reported');
    for (const s of r.steps.filter((x) => x.status === 'ok' || x.status === 'failed')) assert.ok(typeof s.ms === 'number' && s.startedAt);
  });

  it('a restart that loads the new certificate and then fails: served old → new → old, rollback proven', async () => {
    const old = (await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256;
    const want = thumbprintsOfPem(certPem).sha256;
    assert.notEqual(want, old);
    const from = lab.esxi.servedCerts.length;
    assert.equal(lab.esxi.servedCerts[from - 1], old, 'the lab records what it serves now');
    lab.esxi.restartFailure = { mode: 'after-load', times: 1 };
    // The lab's reloadCert() checks over TLS that vcsim serves each pair before recording it.
    const r = await deployEsxCertificate({ host: lab.vcsim.host, port: lab.vcsim.port, ssh: ssh(), cert: certPem, key: keyPem, verifyTimeoutMs: 2000, now: new Date(Date.now() + 30_000) });
    assert.equal(r.ok, false);
    assert.equal(r.failedStep, 'restart');
    assert.match(r.error ?? '', /hostd failed to start/);
    assert.equal(r.rolledBack, true);
    assert.deepEqual(lab.esxi.servedCerts.slice(from - 1), [old, want, old], 'old → new → old');
    assert.equal(r.previousCertServed, true);
    assert.equal(r.liveSha256, old);
    assert.equal((await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256, old);
    assert.equal(thumbprintsOfPem(fs.readFileSync(path.join(lab.esxi.root, 'etc/vmware/ssl/rui.crt'), 'utf8')).sha256, old, 'rui.crt restored');
    assert.equal(lab.esxi.restartFailure, undefined, 'the one failure was used');
    const rb = r.steps.filter((s) => s.phase === 'rollback').map((s) => `${s.id}:${s.status}`);
    assert.deepEqual(rb, ['restore:ok', 'cleanup:ok', 'restart:ok', 'wait:ok', 'verify-old:ok']);
  });

  it('a restart that ends the SSH session once the new certificate is live: the rollback logs in again, old → new → old', async () => {
    const old = (await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256;
    const want = thumbprintsOfPem(certPem).sha256;
    assert.notEqual(want, old);
    const from = lab.esxi.servedCerts.length;
    lab.esxi.restartFailure = { mode: 'drops-ssh', times: 1 };
    let logins = 0;
    const opener = async () => { logins++; return SshSession.connect(ssh()); };
    const r = await deployEsxCertificate({ host: lab.vcsim.host, port: lab.vcsim.port, ssh: opener, cert: certPem, key: keyPem, verifyTimeoutMs: 5000, now: new Date(Date.now() + 50_000) });
    assert.equal(r.ok, false);
    assert.equal(r.failedStep, 'restart');
    assert.equal(r.rolledBack, true);
    assert.equal(logins, 2, 'one login for the deploy, one for the rollback');
    assert.deepEqual(lab.esxi.servedCerts.slice(from - 1), [old, want, old], 'old → new → old');
    assert.equal(r.previousCertServed, true, r.error);
    assert.equal((await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256, old);
    const rb = r.steps.filter((s) => s.phase === 'rollback').map((s) => `${s.id}:${s.status}`);
    assert.deepEqual(rb, ['reconnect:ok', 'restore:ok', 'cleanup:ok', 'restart:ok', 'wait:ok', 'verify-old:ok']);
  });

  it('a host that stops answering after loading the new certificate: the wait times out, rollback serves the old one again', async () => {
    const old = (await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256;
    const want = thumbprintsOfPem(certPem).sha256;
    assert.notEqual(want, old, 'the host serves another certificate before the deploy');
    const from = lab.esxi.servedCerts.length;
    lab.esxi.restartFailure = { mode: 'stops-answering', times: 1 };
    let hungDuringWait = false;
    const t0 = Date.now();
    const r = await deployEsxCertificate({
      host: lab.vcsim.host, port: lab.vcsim.port, ssh: ssh(), cert: certPem, key: keyPem, waitTimeoutMs: 500, verifyTimeoutMs: 2000, now: new Date(Date.now() + 40_000),
      onStep: (s) => { if (s.phase === 'deploy' && s.id === 'wait' && s.status === 'running') hungDuringWait = lab.esxi.unresponsive; },
    });
    assert.equal(hungDuringWait, true, 'the host was not answering while the deploy waited');
    assert.equal(r.ok, false);
    assert.equal(r.failedStep, 'wait');
    assert.match(r.error ?? '', /did not answer HTTPS/);
    assert.equal(r.rolledBack, true);
    assert.deepEqual(lab.esxi.servedCerts.slice(from - 1), [old, want, old], 'old → new → old');
    assert.equal(lab.esxi.unresponsive, false, 'the rollback restart brought the host back');
    assert.equal(r.previousCertServed, true);
    assert.equal((await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256, old);
    assert.ok(Date.now() - t0 < 30_000, 'short timeouts keep the test short');
  });

  it('when the agent stays down, the rollback restart is reported failed; the old certificate is still served', async () => {
    const old = (await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256;
    lab.esxi.failRestart = true;
    try {
      const r = await deployEsxCertificate({ host: lab.vcsim.host, port: lab.vcsim.port, ssh: ssh(), cert: certPem, key: keyPem, verifyTimeoutMs: 1000, now: new Date(Date.now() + 5000) });
      assert.equal(r.rolledBack, true);
      assert.equal(r.steps.find((s) => s.phase === 'rollback' && s.id === 'restart')?.status, 'failed');
      // hostd never loaded the new files, so the old certificate is still what the host serves.
      assert.equal(r.previousCertServed, true);
      assert.equal((await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256, old);
    } finally {
      lab.esxi.failRestart = false;
    }
  });

  it('deploys the CA-signed 2048-bit certificate: the live thumbprint is the new one', async () => {
    const want = thumbprintsOfPem(certPem).sha256;
    const restarts = lab.esxi.restarts;
    const r = await deployEsxCertificate({ host: lab.vcsim.host, port: lab.vcsim.port, ssh: ssh(), cert: certPem, key: keyPem, chain: ca.certPem, now: new Date(Date.now() + 10_000) });
    assert.equal(r.ok, true, r.error);
    assert.equal(r.rolledBack, false);
    assert.equal(r.newSha256, want);
    assert.equal(r.liveSha256, want);
    assert.equal(r.sshHostKey, lab.esxi.hostKeySha256);
    assert.equal((await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256, want, 'measured independently');
    assert.equal(lab.esxi.restarts, restarts + 1);
    assert.ok(lab.esxi.commands.includes('/etc/init.d/hostd restart'));
    const key = fs.statSync(path.join(lab.esxi.root, 'etc/vmware/ssl/rui.key'));
    assert.equal(key.mode & 0o777, 0o600, 'rui.key is private');
    assert.match(fs.readFileSync(path.join(lab.esxi.root, 'etc/vmware/ssl/rui.key'), 'utf8'), /BEGIN RSA PRIVATE KEY/);
    assert.ok(r.steps.every((s) => s.status === 'ok'), r.steps.filter((s) => s.status !== 'ok').map((s) => s.id).join());
  });

  it('a session factory (the extension\'s SSH service) is called in the connect step with the deploy\'s signal; its session is closed after; its failure is the connect step\'s', async () => {
    const ac = new AbortController();
    let opened: SshSession | undefined;
    let given: AbortSignal | undefined;
    const r = await deployEsxCertificate({
      host: lab.vcsim.host, port: lab.vcsim.port, cert: certPem, key: keyPem, signal: ac.signal, now: new Date(Date.now() + 30_000),
      ssh: async (signal) => {
        given = signal;
        opened = await SshSession.connect({ ...ssh(), ...(signal ? { signal } : {}) });
        return opened;
      },
    });
    assert.equal(r.ok, true, r.error);
    assert.equal(given, ac.signal);
    assert.equal(opened?.isClosed, true, 'a session opened for the deploy is closed by it');
    const before = lab.esxi.commands.length;
    const failed = await deployEsxCertificate({
      host: lab.vcsim.host, port: lab.vcsim.port, cert: certPem, key: keyPem,
      ssh: async () => { throw new Error('No password for root@esx: none was given and none is remembered.'); },
    });
    assert.equal(failed.ok, false);
    assert.equal(failed.failedStep, 'connect');
    assert.equal(failed.steps.find((s) => s.id === 'connect')?.status, 'failed');
    assert.match(failed.error ?? '', /No password/);
    assert.equal(lab.esxi.commands.length, before, 'no SSH command ran');
  });

  it('an unknown SSH host key stops before anything changes', async () => {
    const before = lab.esxi.commands.length;
    const r = await deployEsxCertificate({ host: lab.vcsim.host, port: lab.vcsim.port, ssh: { host: lab.esxi.host, port: lab.esxi.port, username: 'root', password: 'VMware1!' }, cert: certPem, key: keyPem });
    assert.equal(r.ok, false);
    assert.equal(r.failedStep, 'connect');
    assert.match(r.error ?? '', new RegExp(lab.esxi.hostKeySha256.replace(/[+/]/g, '\\$&')));
    assert.equal(lab.esxi.commands.length, before);
  });

  it('cancelled before the files are moved: nothing changes on the host', async () => {
    const live = (await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256;
    const ac = new AbortController();
    const r = await deployEsxCertificate({
      host: lab.vcsim.host, port: lab.vcsim.port, ssh: ssh(), cert: certPem, key: keyPem, signal: ac.signal, now: new Date(Date.now() + 20_000),
      onStep: (s) => { if (s.id === 'backup' && s.status === 'ok') ac.abort(); },
    });
    assert.equal(r.ok, false);
    assert.equal(r.rolledBack, false);
    assert.match(r.error ?? '', /cancelled/);
    assert.equal((await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256, live);
  });
});
