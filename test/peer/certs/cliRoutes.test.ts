/**
 * `vlab cert request --on-host` and `vlab cert deploy` choosing the route from the generation,
 * against the lab: an ESXi 8.0 host (api route: the host's own CSR, no key written, deployed
 * through HostCertificateManager) and a vCenter 8.0 appliance (vcsa route, rollback with
 * --previous-key after an injected failure). A forced route the generation cannot take is a usage error.
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { CliIO } from '../../../src/cli/command';
import { commands } from '../../../src/cli/commands/cert';
import { runCli } from '../../../src/cli/main';
import { createRequest } from '../../../src/core/certs/request';
import { withLab, servedThumbprints, thumbprintsOfPem } from '../../lab';
import { makeTestCa, type TestCa } from '../esxi/ca';

function io(cwd: string, env: NodeJS.ProcessEnv): CliIO & { out: string; err: string } {
  const o = { out: '', err: '', env, cwd, stdout(t: string) { o.out += t; }, stderr(t: string) { o.err += t; } };
  return o;
}

describe('vlab cert request --on-host / cert deploy (api route) on an ESXi 8.0 lab host', function () {
  this.timeout(120_000);
  let ca: TestCa;
  let dir: string;
  const lab = withLab({ generation: '8.0', vcsim: { esx: true, vm: 0, username: 'root', password: 'Secret-2' } });
  before(() => { ca = makeTestCa(); dir = mkdtempSync(path.join(tmpdir(), 'vlab-route-cli-')); });
  after(() => { ca?.dispose(); if (dir) rmSync(dir, { recursive: true, force: true }); });
  const target = () => `${lab.vcsim.host}:${lab.vcsim.port}`;
  const env = { HOST_PW: 'Secret-2' };

  it('request --on-host writes the host\'s own CSR (.csr) and no key', async () => {
    const o = io(dir, env);
    const code = await runCli(['cert', 'request', '--on-host', target(), '--user', 'root', '--password-env', 'HOST_PW', '--thumbprint', lab.vcsim.thumbprintSha256, '--out', 'csr'], o, commands);
    assert.equal(code, 0, o.err);
    const files = readdirSync(path.join(dir, 'csr'));
    assert.deepEqual(files, ['127.0.0.1.csr']);
    assert.match(readFileSync(path.join(dir, 'csr', files[0]), 'utf8'), /BEGIN CERTIFICATE REQUEST/);
    assert.match(o.out, /its private key stays on the host/);
  });

  it('deploy picks the api route from the 8.0 generation, installs the signed CSR and proves it live', async () => {
    const csr = readFileSync(path.join(dir, 'csr', '127.0.0.1.csr'), 'utf8');
    const cert = ca.sign(csr);
    writeFileSync(path.join(dir, 'host.crt'), cert);
    writeFileSync(path.join(dir, 'ca.crt'), ca.certPem);
    const o = io(dir, env);
    const code = await runCli(['cert', 'deploy', target(), '--cert', 'host.crt', '--chain', 'ca.crt', '--user', 'root', '--password-env', 'HOST_PW', '--insecure'], o, commands);
    assert.equal(code, 0, o.err + o.out);
    assert.match(o.out, /^Route: api \(host-api\)/m);
    assert.match(o.out, /✔ Install the certificate \(InstallServerCertificate\)/);
    assert.equal((await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256, thumbprintsOfPem(cert).sha256);
  });

  it('--key with the api route, or --route vcsa on a host, is a usage error (exit 2)', async () => {
    writeFileSync(path.join(dir, 'x.key'), 'x');
    const o = io(dir, env);
    assert.equal(await runCli(['cert', 'deploy', target(), '--cert', 'host.crt', '--key', 'x.key', '--user', 'root', '--password-env', 'HOST_PW', '--insecure'], o, commands), 2);
    assert.match(o.err, /--route ssh/);
    const v = io(dir, env);
    assert.equal(await runCli(['cert', 'deploy', target(), '--cert', 'host.crt', '--route', 'vcsa', '--user', 'root', '--insecure'], v, commands), 2);
    assert.match(v.err, /vcsa route is for a vCenter appliance/);
  });
});

describe('vlab cert deploy (vcsa route) on a vCenter 8.0 lab appliance', function () {
  this.timeout(120_000);
  let ca: TestCa;
  let dir: string;
  const lab = withLab({ generation: '8.0', vcsim: { vm: 0, host: 1, cluster: 1, username: 'administrator@vsphere.local', password: 'Secret-3' } });
  before(() => { ca = makeTestCa(); dir = mkdtempSync(path.join(tmpdir(), 'vlab-vcsa-cli-')); });
  after(() => { ca?.dispose(); if (dir) rmSync(dir, { recursive: true, force: true }); });

  it('--json: a failure after the switch rolls back with --previous-key (old → new → old); exit 1', async () => {
    const old = lab.vcsim.thumbprintSha256;
    const req = await createRequest({ cn: 'vc.lab.local', sans: ['vc'], bits: 2048 });
    const cert = ca.sign(req.csrPem);
    writeFileSync(path.join(dir, 'vc.crt'), cert);
    writeFileSync(path.join(dir, 'vc.key'), req.keyPkcs1Pem);
    writeFileSync(path.join(dir, 'ca.crt'), ca.certPem);
    writeFileSync(path.join(dir, 'old.key'), readFileSync(lab.vcsim.keyFile));
    const from = (await lab.vcsim.certState()).served.length;
    await lab.vcsim.injectCertFailure('vcenter', 1);
    const o = io(dir, { VC_PW: 'Secret-3' });
    const code = await runCli(['cert', 'deploy', `${lab.vcsim.host}:${lab.vcsim.port}`, '--cert', 'vc.crt', '--key', 'vc.key', '--chain', 'ca.crt', '--previous-key', 'old.key',
      '--user', 'administrator@vsphere.local', '--password-env', 'VC_PW', '--thumbprint', old, '--json'], o, commands);
    assert.equal(code, 1, o.err);
    const r = JSON.parse(o.out) as { route: string; method: string; rolledBack: boolean; previousCertServed: boolean };
    assert.deepEqual([r.route, r.method, r.rolledBack, r.previousCertServed], ['vcsa', 'vcsa-rest', true, true]);
    assert.deepEqual((await lab.vcsim.certState()).served.slice(from - 1), [old, thumbprintsOfPem(cert).sha256, old]);
    assert.ok(!existsSync(path.join(dir, 'vc.csr')));
  });
});
