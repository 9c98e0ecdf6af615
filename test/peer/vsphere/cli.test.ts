/**
 * `vlab inventory` against vcsim, through the real dispatcher (runCli) with the inventory module's
 * commands (registration in src/cli/commands/index.ts is the CLI owner's).
 */
import assert from 'node:assert/strict';
import { withLab } from '../../lab';
import { runCli } from '../../../src/cli/main';
import { commands } from '../../../src/cli/commands/inventory';
import type { CliIO } from '../../../src/cli/command';

const PASS = 'Sup3r-s3cret!';

function io(env: Record<string, string>): CliIO & { out: string; err: string } {
  const r = {
    out: '', err: '', env, cwd: process.cwd(),
    stdout(t: string) { r.out += t; },
    stderr(t: string) { r.err += t; },
  };
  return r;
}

describe('vlab inventory against vcsim', function () {
  this.timeout(60_000);
  const lab = withLab({ vcsim: { dc: 1, cluster: 1, host: 2, standaloneHost: 1, vm: 2, username: 'admin', password: PASS } });

  it('--json lists every host and VM with path, power, host, guest, vCPU, memory, vmx', async () => {
    const o = io({ VLAB_PASSWORD: PASS });
    const code = await runCli(['inventory', lab.vcsim.sdkUrl, '--user', 'admin', '--thumbprint', lab.vcsim.thumbprintSha256, '--json'], o, commands);
    assert.equal(code, 0, o.err);
    const doc = JSON.parse(o.out) as { hosts: Array<{ name: string; path: string }>; vms: Array<Record<string, unknown>> };
    const labVms = await lab.vcsim.listVms();
    assert.equal(doc.hosts.length, 3);
    assert.equal(doc.vms.length, labVms.length);
    for (const l of labVms) {
      const v = doc.vms.find((x) => x.name === l.name)!;
      assert.ok(v, l.name);
      assert.equal(v.path, `/DC0/vm/${l.name}`);
      assert.equal(v.powerState, l.powerState);
      assert.equal(v.host, l.hostName);
      assert.equal(v.vcpu, l.numCpu);
      assert.equal(v.memoryMB, l.memoryMB);
      assert.equal(v.vmxPath, l.vmxPath);
      assert.ok(typeof v.guestOs === 'string' && v.guestOs.length > 0);
    }
    assert.ok(!o.out.includes(PASS) && !o.err.includes(PASS), 'password never printed');
  });

  it('human output is a table; the password comes from --password-env', async () => {
    const o = io({ MY_PW: PASS });
    const code = await runCli(['inventory', lab.vcsim.sdkUrl, '-u', 'admin', '--password-env', 'MY_PW', '--thumbprint', lab.vcsim.thumbprintSha256.replace(/:/g, '').toLowerCase()], o, commands);
    assert.equal(code, 0, o.err);
    assert.match(o.out, /3 hosts, \d+ VMs/);
    assert.match(o.out, /^VM +PATH +POWER +HOST +GUEST OS +VCPU +MEMORY MB +VMX$/m);
    assert.ok(!o.out.includes(PASS));
  });

  it('an untrusted certificate prints its description and thumbprint and exits 1', async () => {
    const o = io({ VLAB_PASSWORD: PASS });
    const code = await runCli(['inventory', lab.vcsim.sdkUrl, '--user', 'admin'], o, commands);
    assert.equal(code, 1);
    assert.ok(o.err.includes(lab.vcsim.thumbprintSha256), o.err);
    assert.ok(o.err.includes(lab.vcsim.thumbprintSha1));
    assert.match(o.err, /RSA 1024 bits/);
    assert.match(o.err, /--thumbprint/);
    const j = io({ VLAB_PASSWORD: PASS });
    assert.equal(await runCli(['inventory', lab.vcsim.sdkUrl, '--user', 'admin', '--json'], j, commands), 1);
    const err = JSON.parse(j.out) as { error: { code: string; certificate: { sha256: string } } };
    assert.equal(err.error.code, 'untrustedCertificate');
    assert.equal(err.error.certificate.sha256, lab.vcsim.thumbprintSha256);
  });

  it('a wrong password exits 1 with a clear message and never echoes it; --insecure connects', async () => {
    const o = io({ VLAB_PASSWORD: 'not-it' });
    assert.equal(await runCli(['inventory', lab.vcsim.sdkUrl, '--user', 'admin', '--insecure'], o, commands), 1);
    assert.match(o.err, /user name or password is incorrect/);
    assert.ok(!o.err.includes('not-it'));
    const ok = io({ VLAB_PASSWORD: PASS });
    assert.equal(await runCli(['inventory', lab.vcsim.sdkUrl, '--user', 'admin', '--insecure', '--json'], ok, commands), 0, ok.err);
  });

  it('usage errors exit 2: missing --user, bad thumbprint, --thumbprint with --insecure', async () => {
    assert.equal(await runCli(['inventory', lab.vcsim.sdkUrl], io({ VLAB_PASSWORD: PASS }), commands), 2);
    assert.equal(await runCli(['inventory', lab.vcsim.sdkUrl, '--user', 'a', '--thumbprint', '12:34'], io({ VLAB_PASSWORD: PASS }), commands), 2);
    assert.equal(await runCli(['inventory', lab.vcsim.sdkUrl, '--user', 'a', '--thumbprint', lab.vcsim.thumbprintSha256, '--insecure'], io({ VLAB_PASSWORD: PASS }), commands), 2);
  });

  it('nothing listening → exit 1 with a network hint', async () => {
    const o = io({ VLAB_PASSWORD: PASS });
    assert.equal(await runCli(['inventory', 'https://127.0.0.1:1/sdk', '--user', 'admin', '--insecure'], o, commands), 1);
    assert.match(o.err, /nothing is listening/);
  });
});
