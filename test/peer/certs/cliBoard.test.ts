/**
 * `vlab cert expiry` and `vlab cert rotate` through the real dispatcher: the board of a vCenter
 * whose hosts are their own peers (ESXi 4.1 and 8.0), and a rotation of an ESXi 8.0 host reached
 * directly — its CSR made on the host (HostCertificateManager), signed by `openssl` as the CA,
 * deployed through the API route and proven by a TLS handshake; then one more run with a failure
 * injected after the new certificate went live: rolled back, old certificate served, exit 1.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { withLab, servedThumbprints, startVcsim, type Vcsim } from '../../lab';
import { runCli } from '../../../src/cli/main';
import { commands } from '../../../src/cli/commands/certBoard';
import type { CliIO } from '../../../src/cli/command';
import { makeTestCa, type TestCa } from '../esxi/ca';

function io(env: Record<string, string>, cwd = process.cwd()): CliIO & { out: string; err: string } {
  const r = { out: '', err: '', env, cwd, stdout(t: string) { r.out += t; }, stderr(t: string) { r.err += t; } };
  return r;
}

describe('vlab cert expiry / cert rotate (peer)', function () {
  this.timeout(120_000);
  const lab = withLab({ generation: '8.0', vcsim: { vm: 0, username: 'admin', password: 'pw' }, hosts: [{ generation: '4.1', certDays: 20 }, { generation: '8.0', certDays: 400 }] });

  it('cert expiry --json: every host and the vCenter with endpoint, subject, issuer, notAfter, days left, SHA-256', async () => {
    const o = io({ VLAB_PASSWORD: 'pw' });
    const code = await runCli(['cert', 'expiry', lab.vcsim.sdkUrl, '--user', 'admin', '--thumbprint', lab.vcsim.thumbprintSha256, '--json'], o, commands);
    const doc = JSON.parse(o.out) as { servers: Array<Record<string, unknown>> };
    const mine = doc.servers.filter((s) => s.role === 'vcenter' || lab.hosts.some((h) => h.name === s.name));
    assert.deepEqual(mine.map((s) => [s.role, s.daysLeft]), [['host', 19], ['vcenter', 364], ['host', 399]]);
    const h41 = mine[0];
    assert.equal(h41.endpoint, lab.hosts[0].name);
    assert.equal(h41.sha256, lab.hosts[0].vcsim.thumbprintSha256);
    assert.match(String(h41.subject), /CN=esx01\.lab\.test/);
    assert.equal(h41.issuer, h41.subject, 'self-signed');
    assert.ok(!Number.isNaN(Date.parse(String(h41.notAfter))) && String(h41.notAfter).endsWith('Z'), 'notAfter ISO');
    assert.equal(code, doc.servers.some((s) => s.error) ? 1 : 0);
  });

  it('cert expiry prints a table sorted by expiry', async () => {
    const o = io({ VLAB_PASSWORD: 'pw' });
    await runCli(['cert', 'expiry', lab.vcsim.sdkUrl, '--user', 'admin', '--thumbprint', lab.vcsim.thumbprintSha256], o, commands);
    assert.match(o.out, /^ROLE +NAME +ENDPOINT +SUBJECT/m);
    assert.ok(o.out.indexOf(lab.hosts[0].name) < o.out.indexOf(lab.hosts[1].name), 'the host expiring first comes first');
  });
});

describe('vlab cert rotate on an ESXi 8.0 host (API route, peer)', function () {
  this.timeout(120_000);
  let host: Vcsim;
  let ca: TestCa;
  let dir: string;
  before(async () => {
    host = await startVcsim({ esx: true, generation: '8.0', vm: 0, username: 'root', password: 'pw' });
    ca = makeTestCa();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-cli-rotate-'));
  });
  after(async () => {
    await host?.stop();
    ca?.dispose();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  // The host's certificate is what the run replaces: pin what it serves now.
  let pin = '';
  const args = (...more: string[]) => ['cert', 'rotate', host.sdkUrl, '--user', 'root', '--thumbprint', pin || host.thumbprintSha256, ...more];

  it('--requests writes the host\'s own CSR (no key), --certs deploys it: the host serves the new certificate', async () => {
    const o1 = io({ VLAB_PASSWORD: 'pw' }, dir);
    assert.equal(await runCli(args('--requests', 'req', '--json'), o1, commands), 0, o1.err + o1.out);
    const req = (JSON.parse(o1.out) as { requests: Array<{ mode: string; csr: string; key?: string }> }).requests;
    assert.equal(req.length, 1);
    assert.equal(req[0].mode, 'on-host');
    assert.equal(req[0].key, undefined, 'the key stays on the host');
    fs.mkdirSync(path.join(dir, 'signed'));
    const cert = ca.sign(fs.readFileSync(req[0].csr, 'utf8'));
    fs.writeFileSync(path.join(dir, 'signed', 'from-the-ca.cer'), cert);
    fs.writeFileSync(path.join(dir, 'signed', 'root.pem'), ca.certPem);
    const o2 = io({ VLAB_PASSWORD: 'pw' }, dir);
    const code = await runCli(args('--certs', 'signed', '--json'), o2, commands);
    const doc = JSON.parse(o2.out) as { hosts: Array<{ status: string; route: string; liveSha256: string; newSha256: string }> };
    assert.equal(code, 0, o2.out);
    assert.equal(doc.hosts[0].status, 'new');
    assert.equal(doc.hosts[0].route, 'host-api');
    assert.equal((await servedThumbprints(host.host, host.port)).sha256, doc.hosts[0].newSha256);
  });

  it('a failure after the new certificate went live: rolled back, the old one served, exit 1', async () => {
    const before = (await servedThumbprints(host.host, host.port)).sha256;
    pin = before;
    const o1 = io({ VLAB_PASSWORD: 'pw' }, dir);
    assert.equal(await runCli(args('--requests', 'req2', '--json'), o1, commands), 0, o1.err + o1.out);
    const csr = (JSON.parse(o1.out) as { requests: Array<{ csr: string }> }).requests[0].csr;
    fs.mkdirSync(path.join(dir, 'signed2'));
    fs.writeFileSync(path.join(dir, 'signed2', 'new.pem'), ca.sign(fs.readFileSync(csr, 'utf8')) + ca.certPem);
    await host.injectCertFailure('host', 1);
    const o2 = io({ VLAB_PASSWORD: 'pw' }, dir);
    const code = await runCli(args('--certs', 'signed2'), o2, commands);
    assert.equal(code, 1);
    assert.match(o2.out, /↺ .* old/);
    assert.match(o2.out, /0 new, 1 rolled back/);
    assert.equal((await servedThumbprints(host.host, host.port)).sha256, before);
  });
});
