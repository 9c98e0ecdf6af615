/**
 * The tree's balloon/swap warning without any memory panel: the inventory load reads every VM's
 * summary.quickStats (balloonedMemory, swappedMemory, MB), set in vcsim through /lab/quickstats.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { withLab, type LabVm } from '../../lab/index';
import type { VsphereLabApi } from '../../../src/extension/extension';

const EXTENSION_ID = 'vsphere-lab.vsphere-lab';

describe('memory tree warnings from quick stats (real VS Code)', function () {
  this.timeout(120_000);
  const lab = withLab({ vcsim: { dc: 1, cluster: 1, host: 1, vm: 3, username: 'administrator@vsphere.local', password: 'Lab-pass.1' } });
  let a: VsphereLabApi;
  let conn: string;
  let vms: LabVm[];

  before(async () => {
    a = await vscode.extensions.getExtension<VsphereLabApi>(EXTENSION_ID)!.activate();
    conn = await vscode.commands.executeCommand<string>('vsphereLab.addConnection', { url: lab.vcsim.sdkUrl, username: lab.vcsim.username, password: lab.vcsim.password });
    assert.ok(await vscode.commands.executeCommand<boolean>('vsphereLab.trustCertificate', { conn, thumbprint: lab.vcsim.thumbprintSha256 }));
    vms = (await lab.vcsim.listVms()).filter((v) => v.powerState === 'poweredOn');
    assert.ok(vms.length >= 2);
  });
  lab.beforeStop(async () => {
    if (conn) await vscode.commands.executeCommand('vsphereLab.removeConnection', conn, { confirm: false });
  });

  async function item(vm: LabVm): Promise<vscode.TreeItem> {
    const key = a.inventory.sessions.snapshot(conn)!.tree.vmKey({ type: 'VirtualMachine', value: vm.moref })!;
    return a.inventory.provider.getTreeItem(a.inventory.provider.itemNode(conn, key));
  }
  const colour = (t: vscode.TreeItem) => ((t.iconPath as vscode.ThemeIcon).color as vscode.ThemeColor | undefined)?.id;

  it('a VM that balloons or swaps (quick stats) gets its warning on a tree refresh, no panel opened', async () => {
    await a.inventory.sessions.load(conn);
    const before = await item(vms[0]);
    assert.doesNotMatch(String(before.description), /balloon|swapped/, 'no warning before the injection');

    await lab.vcsim.setQuickStats({ vm: vms[0].moref, balloonedMemory: 300 }, { vm: vms[1].moref, swappedMemory: 42 });
    await vscode.commands.executeCommand('vsphereLab.refresh');
    await a.inventory.sessions.load(conn);
    const ballooned = await item(vms[0]);
    assert.match(String(ballooned.description), /balloon 300 MB/);
    assert.doesNotMatch(String(ballooned.description), /swapped/);
    assert.equal(colour(ballooned), 'problemsWarningIcon.foreground');
    const swapped = await item(vms[1]);
    assert.match(String(swapped.description), /swapped 42 MB/);
    assert.equal(colour(swapped), 'problemsWarningIcon.foreground');
    assert.ok(a.inventory.sessions.snapshot(conn)!.inventory.vms.some((v) => v.balloonedMB === 300), 'the inventory carries the quick stats');
  });

  it('the warning goes away on the next refresh once the quick stats are back to zero', async () => {
    await lab.vcsim.setQuickStats({ vm: vms[0].moref, balloonedMemory: 0 });
    await vscode.commands.executeCommand('vsphereLab.refresh');
    await a.inventory.sessions.load(conn);
    assert.doesNotMatch(String((await item(vms[0])).description), /balloon/);
    assert.match(String((await item(vms[1])).description), /swapped 42 MB/, 'the other VM keeps its warning');
  });
});
