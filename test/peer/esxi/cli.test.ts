/** `vlab cert deploy` against the lab's vcsim -esx + ESXi SSH simulator. */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { CliIO } from '../../../src/cli/command';
import { commands } from '../../../src/cli/commands/cert';
import { runCli } from '../../../src/cli/main';
import { createRequest } from '../../../src/core/certs/request';
import { withLab, servedThumbprints, thumbprintsOfPem } from '../../lab';
import { makeTestCa, type TestCa } from './ca';

function io(cwd: string, env: NodeJS.ProcessEnv): CliIO & { out: string; err: string } {
  const o = { out: '', err: '', env, cwd, stdout(t: string) { o.out += t; }, stderr(t: string) { o.err += t; } };
  return o;
}

describe('vlab cert deploy (CLI) against the ESXi simulator', function () {
  this.timeout(120_000);
  let ca: TestCa;
  let dir: string;
  let want: string;

  const lab = withLab({ vcsim: { esx: true, vm: 1 }, esxi: { password: 'Secret-1' } });
  before(async () => {
    ca = makeTestCa();
    dir = mkdtempSync(path.join(tmpdir(), 'vlab-deploy-cli-'));
    const req = await createRequest({ cn: 'esx02.lab.local', sans: ['esx02.lab.local', '127.0.0.1'] });
    const cert = ca.sign(req.csrPem);
    want = thumbprintsOfPem(cert).sha256;
    writeFileSync(path.join(dir, 'rui.key'), req.keyPkcs1Pem, { mode: 0o600 });
    writeFileSync(path.join(dir, 'certnew.p7b'), ca.p7b(cert));
    writeFileSync(path.join(dir, 'ca.crt'), ca.certPem);
  });
  after(async () => {
    ca?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const base = () => [`${lab.vcsim.host}:${lab.vcsim.port}`, '--cert', 'certnew.p7b', '--key', 'rui.key', '--ssh-user', 'root', '--ssh-port', String(lab.esxi.port), '--password-env', 'ESX_PW'];

  it('without --host-key: exit 1, prints the fingerprint to pin, nothing changed', async () => {
    const o = io(dir, { ESX_PW: 'Secret-1' });
    const code = await runCli(['cert', 'deploy', ...base()], o, commands);
    assert.equal(code, 1);
    assert.ok(o.err.includes(`--host-key ${lab.esxi.hostKeySha256}`), o.err);
    assert.equal((await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256, lab.vcsim.thumbprintSha256);
  });

  it('no password in the environment: exit 1, clear message; a bad fingerprint is a usage error', async () => {
    const o = io(dir, {});
    assert.equal(await runCli(['cert', 'deploy', ...base(), '--host-key', lab.esxi.hostKeySha256], o, commands), 1);
    assert.match(o.err, /ESX_PW/);
    const u = io(dir, { ESX_PW: 'x' });
    assert.equal(await runCli(['cert', 'deploy', ...base(), '--host-key', 'nope'], u, commands), 2);
  });

  it('--json with a restart that loads the new certificate and fails: exit 1 after rollback, served old → new → old', async () => {
    const old = (await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256;
    const from = lab.esxi.servedCerts.length;
    lab.esxi.restartFailure = { mode: 'after-load', times: 1 };
    try {
      const o = io(dir, { ESX_PW: 'Secret-1' });
      const code = await runCli(['cert', 'deploy', ...base(), '--chain', 'ca.crt', '--host-key', lab.esxi.hostKeySha256, '--json'], o, commands);
      assert.equal(code, 1);
      const r = JSON.parse(o.out) as { ok: boolean; rolledBack: boolean; previousCertServed: boolean; failedStep: string };
      assert.equal(r.ok, false);
      assert.equal(r.rolledBack, true);
      assert.equal(r.failedStep, 'restart');
      assert.equal(r.previousCertServed, true);
      const seq = lab.esxi.servedCerts.slice(from - 1);
      assert.equal(seq.length, 3, seq.join(' → '));
      assert.notEqual(seq[1], old, 'the new certificate was live after the failed restart');
      assert.deepEqual([seq[0], seq[2]], [old, old], 'old → new → old');
      assert.equal((await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256, old);
    } finally {
      lab.esxi.restartFailure = undefined;
    }
  });

  it('deploys from the .p7b: exit 0, each step printed, the host serves the new certificate', async () => {
    const o = io(dir, { ESX_PW: 'Secret-1' });
    const code = await runCli(['cert', 'deploy', ...base(), '--host-key', lab.esxi.hostKeySha256], o, commands);
    assert.equal(code, 0, o.err + o.out);
    assert.match(o.out, /✔ Back up the current certificate and key/);
    // The lab's default host is 6.5: the route takes SSH (only --ssh-user given) with the restarts 5.x+ need.
    assert.match(o.out, /^Route: ssh \(ssh-rhttpproxy\)/m);
    assert.match(o.out, /✔ Restart the management agents \(\/etc\/init\.d\/hostd restart && \/etc\/init\.d\/rhttpproxy restart\)/);
    assert.ok(o.out.includes(`now serves the new certificate (SHA-256 ${want})`));
    assert.equal((await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256, want);
  });
});
