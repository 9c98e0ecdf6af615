/**
 * The agent tool registry without a lab: the manifest agrees with it, inputs are checked, results
 * stay within their budget with evidence rendered as links, the offline tools answer from files,
 * and `vlab mcp`'s config file is read safely.
 */
import * as assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AGENT_TOOLS, agentTool, availableTools, invokeAgentTool } from '../../../src/core/agents/registry';
import { manifestTools } from '../../../src/core/agents/manifest';
import { checkInput } from '../../../src/core/agents/input';
import { FULL_BUDGET, SUMMARY_BUDGET, renderResult } from '../../../src/core/agents/render';
import type { ToolContext } from '../../../src/core/agents/types';
import { readConfig } from '../../../src/cli/agentContext';
import { mcpToolOf } from '../../../src/cli/commands/mcp';

const ROOT = join(__dirname, '..', '..', '..');
const link = (f: string, l?: number) => `${pathToFileURL(f).href}${l ? `#L${l}` : ''}`;

/** Offline: no connection configured (a vSphere tool must say how to configure one). */
function offline(): ToolContext {
  return {
    signal: new AbortController().signal,
    connectionNames: () => [],
    connection: () => Promise.reject(new Error('no connection configured')),
    resolveFile: (f) => join(ROOT, f),
    fileLink: link,
  };
}

describe('agent tools: registry', () => {
  it('package.json declares exactly the registry\'s tools, names and schemas (npx tsx scripts/agent-tools-manifest.ts)', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    assert.deepEqual(pkg.contributes.languageModelTools, JSON.parse(JSON.stringify(manifestTools())));
  });

  it('names are unique snake_case; mutating tools plan their change; flags are consistent', () => {
    const names = AGENT_TOOLS.map((t) => t.name);
    assert.equal(new Set(names).size, names.length);
    for (const t of AGENT_TOOLS) {
      assert.match(t.name, /^[a-z][a-z0-9_]{2,60}$/);
      assert.ok(t.description.length > 80, `${t.name} describes itself for the model`);
      assert.equal(t.inputSchema.additionalProperties, false);
      if (!t.readOnly) assert.ok(t.plan, `${t.name} changes things: it must plan the change for the confirmation`);
      if (t.destructive) assert.equal(t.readOnly, false);
    }
    assert.deepEqual(availableTools(false).filter((t) => !t.readOnly), []);
    assert.ok(availableTools(true).some((t) => !t.readOnly));
  });

  it('MCP annotations say what the tool does: readOnlyHint / destructiveHint', () => {
    const power = mcpToolOf(agentTool('vsphere_vm_power')!);
    assert.equal(power.annotations.readOnlyHint, false);
    assert.equal(power.annotations.destructiveHint, true);
    const lint = mcpToolOf(agentTool('vmx_lint')!);
    assert.equal(lint.annotations.readOnlyHint, true);
    assert.equal(lint.annotations.destructiveHint, false);
    assert.equal(lint.inputSchema.type, 'object');
  });

  it('checkInput rejects wrong types, unknown fields, missing fields and out-of-range values', () => {
    const s = agentTool('vsphere_find_vms')!.inputSchema;
    assert.deepEqual(checkInput({ name: 'web', limit: 3, connection: null }, s), { name: 'web', limit: 3 });
    assert.throws(() => checkInput({ name: 3 }, s), /"name" must be a string/);
    assert.throws(() => checkInput({ nmae: 'x' }, s), /"nmae" is not known/);
    assert.throws(() => checkInput({ limit: 0 }, s), /"limit" must be at least 1/);
    assert.throws(() => checkInput({ limit: 2.5 }, s), /whole number/);
    assert.throws(() => checkInput({ powerState: 'on' }, s), /must be one of/);
    assert.throws(() => checkInput([], s), /must be an object/);
    assert.throws(() => checkInput({}, agentTool('vsphere_vm_power')!.inputSchema), /"vm" is required/);
  });

  it('a result stays within its budget, and says how to get the rest', () => {
    const facts = Array.from({ length: 400 }, (_, i) => ({ text: `fact ${i} ${'x'.repeat(200)}`, evidence: [{ kind: 'file' as const, file: '/tmp/a.vmx', line: i + 1 }] }));
    const r = { summary: 'many', facts, details: { big: 'y'.repeat(100_000) } };
    const summary = renderResult(r, { fileLink: link });
    assert.ok(summary.length <= SUMMARY_BUDGET, `${summary.length}`);
    assert.match(summary, /more fact\(s\) not shown: call again with detail "full"/);
    assert.match(summary, /\[a\.vmx:1\]\(file:\/\/\/tmp\/a\.vmx#L1\)/);
    const full = renderResult(r, { fileLink: link, detail: 'full' });
    assert.ok(full.length <= FULL_BUDGET + 200, `${full.length}`);
    assert.ok(full.length > summary.length);
  });
});

describe('agent tools: offline answers from files', () => {
  it('vmx_lint: duplicate keys with both lines as links', async () => {
    const text = await invokeAgentTool(agentTool('vmx_lint')!, { files: ['test/fixtures/vmx/dup-case.vmx'] }, offline());
    assert.match(text, /3 error\(s\)/);
    assert.match(text, /duplicate-key: "memSize" is already set on line 4/);
    assert.ok(text.includes(`(${link(join(ROOT, 'test/fixtures/vmx/dup-case.vmx'), 9)})`), text);
    assert.ok(text.includes(`(${link(join(ROOT, 'test/fixtures/vmx/dup-case.vmx'), 4)})`));
  });

  it('backup_log_analysis: EXCH01 cannot quiesce (-3960), from the log line', async () => {
    const text = await invokeAgentTool(agentTool('backup_log_analysis')!, { files: ['test/fixtures/vdr/datarecovery-0.log', 'test/fixtures/vdr/datarecovery-1.log'] }, offline());
    assert.match(text, /-3960/);
    assert.match(text, /EXCH01/);
    assert.match(text, /datarecovery-0\.log:\d+\]\(file:\/\/.*datarecovery-0\.log#L\d+\)/);
  });

  it('vsphere_backup_readiness on a .vmx: disk.EnableUUID on Windows 2008 R2, the line as a link and the fix', async () => {
    const text = await invokeAgentTool(agentTool('vsphere_backup_readiness')!, { vmxFiles: ['test/fixtures/vdr/vmx/w2k8r2-41.vmx'] }, offline());
    assert.match(text, /disk\.EnableUUID/);
    assert.match(text, /w2k8r2-41\.vmx:\d+\]\(file:\/\/.*w2k8r2-41\.vmx#L\d+\) `disk\.EnableUUID = "TRUE"`/);
    assert.match(text, /Fix: .*disk\.EnableUUID = "FALSE"/);
  });

  it('a vSphere tool without a connection fails with what to do', async () => {
    await assert.rejects(invokeAgentTool(agentTool('vsphere_find_vms')!, {}, offline()), /no connection configured/);
  });
});

describe('vlab mcp: config file', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'vlab-mcp-cfg-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads connections, takes the password from passwordEnv, refuses a readable file that holds one', async () => {
    const f = join(dir, 'c.json');
    writeFileSync(f, JSON.stringify({ connections: [{ name: 'lab', url: 'https://vc/sdk', user: 'u', passwordEnv: 'PW' }] }));
    assert.deepEqual(await readConfig(f, { PW: 'secret' }), [{ name: 'lab', url: 'https://vc/sdk', user: 'u', password: 'secret', thumbprint: undefined }]);
    await assert.rejects(readConfig(f, {}), /needs "passwordEnv" \(an environment variable that is set\)/);
    writeFileSync(f, JSON.stringify({ connections: [{ url: 'https://vc/sdk', user: 'u', password: 'p' }] }));
    chmodSync(f, 0o644);
    await assert.rejects(readConfig(f, {}), /chmod 600/);
    chmodSync(f, 0o600);
    assert.equal((await readConfig(f, {}))[0].password, 'p');
    writeFileSync(f, '{nope');
    await assert.rejects(readConfig(f, {}), /is not JSON/);
  });
});
