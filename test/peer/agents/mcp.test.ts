/**
 * `vlab mcp` as an MCP client from the official SDK sees it: the CLI bundle (built here the way
 * esbuild.mjs builds dist/cli.js) spawned over stdio, its tools listed and called against vcsim.
 * Without --allow-changes the mutating tools are absent; with it a power-off goes through.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { withLab, REPO_ROOT } from '../../lab/index';

const PASS = 'Lab-pass.1';
type Text = { type: string; text: string };

async function buildCli(dir: string): Promise<string> {
  const outfile = join(dir, 'cli.js');
  await build({
    entryPoints: [join(REPO_ROOT, 'src/cli/main.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20',
    outfile, external: ['vscode', 'cpu-features', '*.node'], logLevel: 'silent', keepNames: true,
  });
  return outfile;
}

interface Session {
  client: Client;
  stderr: () => string;
  close(): Promise<void>;
}

async function start(cli: string, args: string[], env: Record<string, string>): Promise<Session> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [cli, 'mcp', ...args], env: { PATH: process.env.PATH ?? '', ...env }, cwd: REPO_ROOT, stderr: 'pipe' });
  let err = '';
  transport.stderr?.on('data', (d: Buffer) => { err += d.toString(); });
  const client = new Client({ name: 'vlab-peer-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, stderr: () => err, close: () => client.close() };
}

async function call(s: Session, name: string, args: Record<string, unknown>): Promise<{ text: string; isError: boolean }> {
  const r = await s.client.callTool({ name, arguments: args });
  return { text: (r.content as Text[]).map((c) => c.text).join('\n'), isError: r.isError === true };
}

describe('vlab mcp over stdio (SDK client, vcsim)', function () {
  this.timeout(120_000);
  const lab = withLab({ vcsim: { dc: 1, cluster: 1, host: 2, vm: 2, username: 'administrator@vsphere.local', password: PASS } });
  let dir: string;
  let cli: string;
  const sessions: Session[] = [];
  const env = (): Record<string, string> => ({ VLAB_URL: lab.vcsim.sdkUrl, VLAB_USER: lab.vcsim.username, VLAB_PASSWORD: PASS, VLAB_THUMBPRINT: lab.vcsim.thumbprintSha256 });

  before(async function () {
    this.timeout(120_000);
    dir = mkdtempSync(join(tmpdir(), 'vlab-mcp-'));
    cli = await buildCli(dir);
  });
  lab.beforeStop(async () => {
    for (const s of sessions.splice(0)) await s.close().catch(() => undefined);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('starts with no connection, lists the read-only tools with truthful annotations, and the file tools work offline', async () => {
    const s = await start(cli, [], {});
    sessions.push(s);
    const { tools } = await s.client.listTools();
    const names = tools.map((t) => t.name).sort();
    assert.deepEqual(names, ['backup_log_analysis', 'certificate_status', 'vmx_lint', 'vsphere_backup_readiness', 'vsphere_find_vms', 'vsphere_host_memory', 'vsphere_recent_activity', 'vsphere_vm_facts']);
    for (const t of tools) {
      assert.equal(t.annotations?.readOnlyHint, true, t.name);
      assert.equal(t.annotations?.destructiveHint, false, t.name);
      assert.equal(t.inputSchema.type, 'object');
    }
    const lint = await call(s, 'vmx_lint', { files: ['test/fixtures/vmx/dup-case.vmx'] });
    assert.equal(lint.isError, false);
    assert.match(lint.text, /duplicate-key: "memSize" is already set on line 4/);
    assert.match(lint.text, /\(file:\/\/\/.*dup-case\.vmx#L9\)/);
    const find = await call(s, 'vsphere_find_vms', {});
    assert.equal(find.isError, true);
    assert.match(find.text, /No vSphere connection is configured: start `vlab mcp` with VLAB_URL/);
    const power = await call(s, 'vsphere_vm_power', { vm: 'x', action: 'powerOff' });
    assert.equal(power.isError, true);
    assert.match(power.text, /start vlab mcp with --allow-changes/);
    assert.match(s.stderr(), /serving 8 tool\(s\) \(read-only\); connections: none/);
  });

  it('answers from vcsim through the environment\'s connection: VMs, facts, host memory, certificate', async () => {
    const s = await start(cli, [], env());
    sessions.push(s);
    const vms = await lab.vcsim.listVms();
    const find = await call(s, 'vsphere_find_vms', { powerState: 'poweredOn' });
    assert.equal(find.isError, false, find.text);
    for (const v of vms.filter((x) => x.powerState === 'poweredOn')) assert.ok(find.text.includes(v.name), v.name);
    assert.match(find.text, /`runtime\.powerState` = poweredOn/);
    const facts = await call(s, 'vsphere_vm_facts', { vm: vms[0].name });
    assert.match(facts.text, new RegExp(`${vms[0].numCpu} vCPU, ${vms[0].memoryMB} MB`));
    assert.match(facts.text, /`config\.hardware\.memoryMB`/);
    const mem = await call(s, 'vsphere_host_memory', { host: vms[0].hostName });
    assert.equal(mem.isError, false, mem.text);
    assert.match(mem.text, /memory state (high|clear|soft|hard|low)/);
    const cert = await call(s, 'certificate_status', {});
    assert.equal(cert.isError, false, cert.text);
    assert.ok(cert.text.includes(lab.vcsim.thumbprintSha256), 'the handshake\'s thumbprint is the evidence');
    assert.match(cert.text, /vCenter .*RSA 1024/);
    const bad = await call(s, 'vsphere_vm_facts', { vm: 'no-such-vm' });
    assert.equal(bad.isError, true);
    assert.match(bad.text, /No VM named "no-such-vm"/);
    const typo = await call(s, 'vsphere_find_vms', { limit: 'ten' });
    assert.match(typo.text, /"limit" must be a number/);
  });

  it('with --allow-changes the power tool is listed as destructive, and a power-off works', async () => {
    const s = await start(cli, ['--allow-changes'], env());
    sessions.push(s);
    const { tools } = await s.client.listTools();
    const mutating = tools.filter((t) => t.annotations?.readOnlyHint === false).map((t) => t.name).sort();
    assert.deepEqual(mutating, ['vsphere_backup_fix', 'vsphere_certificate_rotation', 'vsphere_vm_power', 'vsphere_vm_snapshot']);
    for (const t of tools) assert.equal(t.annotations?.destructiveHint, t.annotations?.readOnlyHint === false, t.name);
    const vm = (await lab.vcsim.listVms()).find((v) => v.powerState === 'poweredOn')!;
    const r = await call(s, 'vsphere_vm_power', { vm: vm.name, action: 'powerOff' });
    assert.equal(r.isError, false, r.text);
    assert.match(r.text, new RegExp(`${vm.name} is now poweredOff`));
    assert.equal((await lab.vcsim.listVms()).find((v) => v.moref === vm.moref)!.powerState, 'poweredOff');
    const again = await call(s, 'vsphere_vm_power', { vm: vm.name, action: 'powerOff' });
    assert.equal(again.isError, true);
    assert.match(again.text, /is poweredOff: power off needs it poweredOn or suspended\. Nothing was changed\./);
  });
});
