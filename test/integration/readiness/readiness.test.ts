/**
 * Backup readiness in the real VS Code: "Check Backup Readiness…" on a cluster node of a vcsim 8.0
 * opens the matrix, whose webview runs the sweep; a VM with a backup error gets its tree badge and
 * the Fix flag; the bulk fix sets disk.EnableUUID on three powered-off VMs and a running one (shut
 * down, apply, power on), and every one is re-checked green.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { startVcsim, setVmState, faultVm, type Vcsim } from '../../lab/index';
import type { VsphereLabApi } from '../../../src/extension/extension';
import type { ReadinessHost } from '../../../src/extension/readiness/panel';
import { VimClient } from '../../../src/core/vsphere/client';
import { moref } from '../../../src/core/vsphere/decode';
import { powerOff } from '../../../src/core/vsphere/vm';
import { retrieveProperty } from '../../../src/core/vsphere/property';

const EXTENSION_ID = 'vsphere-lab.vsphere-lab';

async function until<T>(what: string, fn: () => T | undefined, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('backup readiness: sweep a cluster, bulk fix (real VS Code)', function () {
  this.timeout(180_000);
  let lab: Vcsim;
  let a: VsphereLabApi;
  let conn: string;
  let client: VimClient;

  before(async () => {
    a = await vscode.extensions.getExtension<VsphereLabApi>(EXTENSION_ID)!.activate();
    lab = await startVcsim({ dc: 1, cluster: 1, host: 2, vm: 5, generation: '8.0', username: 'administrator@vsphere.local', password: 'Lab-pass.1' });
    client = await VimClient.connect({ url: lab.sdkUrl, username: lab.username, password: lab.password, trust: { mode: 'insecure' }, keepAliveMs: 0 });
    const vms = (await lab.listVms()).filter((v) => v.name.startsWith('DC0_C0_'));
    // Every cluster VM clean (Tools running and current, CBT on); four Windows 2008 R2 VMs with
    // disk.EnableUUID = FALSE, three of them powered off; the fifth with Tools not running (an error).
    await setVmState(lab, ...vms.map((v) => ({ vm: v.moref, toolsRunningStatus: 'guestToolsRunning' as const, toolsVersionStatus2: 'guestToolsCurrent' as const })));
    for (const v of vms) await faultVm(client, v.moref, { changeTracking: true });
    for (const v of vms.slice(0, 4)) await faultVm(client, v.moref, { guestId: 'windows7Server64Guest', extraConfig: { 'disk.EnableUUID': 'FALSE' } });
    for (const v of vms.slice(0, 3)) await powerOff(client, moref('VirtualMachine', v.moref));
    await setVmState(lab, { vm: vms[4].moref, toolsRunningStatus: 'guestToolsNotRunning' });
    conn = await vscode.commands.executeCommand<string>('vsphereLab.addConnection', { url: lab.sdkUrl, username: lab.username, password: lab.password });
    assert.ok(await vscode.commands.executeCommand<boolean>('vsphereLab.trustCertificate', { conn, thumbprint: lab.thumbprintSha256 }));
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    if (conn) await vscode.commands.executeCommand('vsphereLab.removeConnection', conn, { confirm: false });
    await client?.close();
    await lab?.stop();
  });

  it('sweeps the cluster from its tree node, badges the VM in error, and bulk-fixes disk.EnableUUID on 3 off + 1 running VM', async () => {
    const snap = await a.inventory.sessions.load(conn, true);
    const cluster = snap.inventory.computeResources.find((c) => c.cluster)!;
    const node = a.inventory.provider.itemNode(conn, `cluster:${cluster.ref.value}`);
    const host = await vscode.commands.executeCommand<ReadinessHost>('vsphereLab.checkBackupReadiness', node);
    assert.ok(host, 'the panel opened');
    const result = await until('the webview-driven sweep', () => host.controller.result);
    const names = result.vms.map((v) => v.name).sort();
    assert.deepEqual(names, snap.inventory.vms.filter((v) => v.name.startsWith('DC0_C0_')).map((v) => v.name).sort(), 'the cluster\'s VMs only');
    const faulty = result.vms.filter((v) => v.findings.some((f) => f.id === 'backup.quiesce.enableuuid'));
    assert.equal(faulty.length, 4);
    const bad = result.vms.find((v) => v.findings.some((f) => f.id === 'backup.tools.not-running'))!;

    // The tree: the VM in error carries the badge and the flag of its node command.
    const t = a.inventory.provider.getTreeItem(a.inventory.provider.itemNode(conn, snap.tree.vmKey(bad.ref)!));
    assert.equal(((t.iconPath as vscode.ThemeIcon).color as vscode.ThemeColor).id, 'problemsErrorIcon.foreground');
    assert.match(String(t.contextValue), /;backupError(;|$)/);

    const r = await host.controller.handlers.fix({ kind: 'enableUuidTrue', vms: faulty.map((v) => v.ref.value), mode: 'shutdownApplyPowerOn', concurrency: 2 }, new AbortController().signal);
    assert.deepEqual(r.outcomes.map((o) => o.state), ['fixed', 'fixed', 'fixed', 'fixed'], JSON.stringify(r.outcomes));
    for (const v of faulty) {
      const row = r.view.vms.find((x) => x.ref === v.ref.value)!;
      assert.deepEqual(row.findings, [], `${v.name} re-checked green`);
    }
    const running = faulty.find((v) => v.powerState === 'poweredOn')!;
    assert.equal(await retrieveProperty(client, running.ref, 'runtime.powerState'), 'poweredOn', 'the running VM is on again');
    assert.equal(r.view.counts['backup.quiesce.enableuuid'], 0);
  });
});
