/**
 * The agents' certificate-rotation tool against the lab, through the same registry and CLI tool
 * context `vlab mcp` uses: an ESXi 8.0 host (HostCertificateManager) makes its own CSR, `openssl` as
 * the CA signs it, the tool deploys it through the API and a TLS handshake proves it; a failure
 * injected after the new certificate went live is rolled back. An ESXi 5.5 host (SSH route) is refused:
 * no key or SSH password passes through an agent.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { servedThumbprints, startVcsim, type Vcsim } from '../../lab';
import { agentTool, invokeAgentTool, planAgentTool } from '../../../src/core/agents/registry';
import { CliConnections, cliToolContext } from '../../../src/cli/agentContext';
import { makeTestCa, type TestCa } from '../esxi/ca';

describe('agent tool vsphere_certificate_rotation (peer)', function () {
  this.timeout(120_000);
  const tool = agentTool('vsphere_certificate_rotation')!;
  let host: Vcsim;
  let old55: Vcsim;
  let ca: TestCa;
  let dir: string;
  const conns: CliConnections[] = [];
  const ctxFor = (v: Vcsim, thumbprint: string) => {
    const c = new CliConnections([{ name: 'lab', url: v.sdkUrl, user: 'root', password: 'pw', thumbprint }], () => undefined);
    conns.push(c);
    return cliToolContext(c, dir, new AbortController().signal);
  };

  before(async () => {
    host = await startVcsim({ esx: true, generation: '8.0', vm: 0, username: 'root', password: 'pw' });
    old55 = await startVcsim({ esx: true, generation: '5.5', vm: 0, username: 'root', password: 'pw' });
    ca = makeTestCa();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-agent-rotate-'));
  });
  after(async () => {
    for (const c of conns) await c.close();
    await host?.stop();
    await old55?.stop();
    ca?.dispose();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is a destructive tool that plans its change; the plan changes nothing', async () => {
    assert.equal(tool.readOnly, false);
    assert.equal(tool.destructive, true);
    const before = (await servedThumbprints(host.host, host.port)).sha256;
    const ctx = ctxFor(host, before);
    const name = (await ctx.connection()).client.endpoint.host;
    const plan = (await planAgentTool(tool, { action: 'deploy', hosts: [name], folder: 'nowhere' }, ctx))!;
    assert.match(plan.changes[0], /replaces the one it serves \(InstallServerCertificate\)/);
    assert.equal((await servedThumbprints(host.host, host.port)).sha256, before);
    assert.equal(fs.existsSync(path.join(dir, 'nowhere')), false);
  });

  it('request → CSR made on the host (no key), deploy → the signed certificate is live, proven by a handshake', async () => {
    const before = (await servedThumbprints(host.host, host.port)).sha256;
    const ctx = ctxFor(host, before);
    const name = (await ctx.connection()).client.endpoint.host;
    const req = await invokeAgentTool(tool, { action: 'request', hosts: [name], folder: 'csr' }, ctx);
    assert.match(req, /1 of 1 host\(s\) generated a CSR/);
    const files = fs.readdirSync(path.join(dir, 'csr'));
    assert.equal(files.length, 1, 'one CSR, no key');
    assert.match(files[0], /\.csr$/);
    fs.mkdirSync(path.join(dir, 'signed'));
    fs.writeFileSync(path.join(dir, 'signed', 'host.cer'), ca.sign(fs.readFileSync(path.join(dir, 'csr', files[0]), 'utf8')));
    fs.writeFileSync(path.join(dir, 'signed', 'root.pem'), ca.certPem);
    const out = await invokeAgentTool(tool, { action: 'deploy', hosts: [name], folder: 'signed', detail: 'full' }, ctx);
    assert.match(out, /1 of 1 host\(s\) serve their new certificate/);
    const live = (await servedThumbprints(host.host, host.port)).sha256;
    assert.notEqual(live, before);
    assert.ok(out.includes(live), 'the answer names the served SHA-256 as its evidence');
  });

  it('a failure after the new certificate went live is rolled back: the previous one is served', async () => {
    const before = (await servedThumbprints(host.host, host.port)).sha256;
    const ctx = ctxFor(host, before);
    const name = (await ctx.connection()).client.endpoint.host;
    await invokeAgentTool(tool, { action: 'request', hosts: [name], folder: 'csr2' }, ctx);
    const csr = fs.readdirSync(path.join(dir, 'csr2'))[0];
    fs.mkdirSync(path.join(dir, 'signed2'));
    fs.writeFileSync(path.join(dir, 'signed2', 'new.pem'), ca.sign(fs.readFileSync(path.join(dir, 'csr2', csr), 'utf8')) + ca.certPem);
    await host.injectCertFailure('host', 1);
    const out = await invokeAgentTool(tool, { action: 'deploy', hosts: [name], folder: 'signed2' }, ctx);
    assert.match(out, /0 of 1 host\(s\) serve their new certificate/);
    assert.match(out, /rolled back/);
    assert.equal((await servedThumbprints(host.host, host.port)).sha256, before);
  });

  it('a 5.5 host (SSH route) is refused with the way to rotate it; nothing changes', async () => {
    const before = (await servedThumbprints(old55.host, old55.port)).sha256;
    const ctx = ctxFor(old55, before);
    const name = (await ctx.connection()).client.endpoint.host;
    await assert.rejects(planAgentTool(tool, { action: 'request', hosts: [name], folder: 'csr55' }, ctx), /No named host can be rotated here: .*Certificates board/);
    const out = await invokeAgentTool(tool, { action: 'request', hosts: [name], folder: 'csr55' }, ctx);
    assert.match(out, /nothing was changed/);
    assert.equal(fs.existsSync(path.join(dir, 'csr55')), false);
    assert.equal((await servedThumbprints(old55.host, old55.port)).sha256, before);
  });
});
