/**
 * The inventory's decoration hook, as a feature uses it: a decorator registered through the API
 * asks for an extra property, gets it with the next load, and adds a description suffix, tooltip
 * lines, an icon colour and a contextValue flag to the VM nodes; disposing it takes them away.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { startVcsim, type Vcsim } from '../../lab/index';
import type { VsphereLabApi } from '../../../src/extension/extension';
import type { InventoryDecorator } from '../../../src/extension/inventory/decorations';

const EXTENSION_ID = 'vsphere-lab.vsphere-lab';

describe('inventory decorations (real VS Code)', function () {
  this.timeout(120_000);
  let lab: Vcsim;
  let a: VsphereLabApi;
  let conn: string;

  before(async () => {
    a = await vscode.extensions.getExtension<VsphereLabApi>(EXTENSION_ID)!.activate();
    lab = await startVcsim({ dc: 1, cluster: 1, host: 1, vm: 2, username: 'administrator@vsphere.local', password: 'Lab-pass.1' });
    conn = await vscode.commands.executeCommand<string>('vsphereLab.addConnection', { url: lab.sdkUrl, username: lab.username, password: lab.password });
    assert.ok(await vscode.commands.executeCommand<boolean>('vsphereLab.trustCertificate', { conn, thumbprint: lab.thumbprintSha256 }));
  });
  after(async () => {
    if (conn) await vscode.commands.executeCommand('vsphereLab.removeConnection', conn, { confirm: false });
    await lab?.stop();
  });

  it('a registered decorator gets its extra property and decorates VM nodes until disposed', async () => {
    const seen: string[] = [];
    const decorator: InventoryDecorator = {
      id: 'test',
      properties: { VirtualMachine: ['summary.config.numEthernetCards'] },
      loaded: (c) => seen.push(c),
      decorate: (_c, item) => item.kind === 'vm'
        ? { description: `nics ${String(item.info.extra?.['summary.config.numEthernetCards'])}`, tooltip: ['decorated'], badge: { color: 'charts.purple' }, contextFlags: ['decorated'] }
        : undefined,
    };
    const reg = a.inventory.decorations.register(decorator);
    try {
      const snap = await a.inventory.sessions.load(conn, true);
      assert.deepEqual(seen, [conn], 'told of the fresh inventory');
      const vm = snap.inventory.vms[0];
      const node = a.inventory.provider.itemNode(conn, snap.tree.vmKey(vm.ref)!);
      const t = a.inventory.provider.getTreeItem(node);
      assert.match(String(t.description), / · nics \d+$/);
      assert.match(String(t.contextValue), /^vm;[^;]+(;vmx)?;decorated$/);
      assert.match((t.tooltip as vscode.MarkdownString).value, /\n\ndecorated$/);
      assert.equal(((t.iconPath as vscode.ThemeIcon).color as vscode.ThemeColor).id, 'charts.purple');
    } finally {
      reg.dispose();
    }
    const snap = a.inventory.sessions.snapshot(conn)!;
    const t = a.inventory.provider.getTreeItem(a.inventory.provider.itemNode(conn, snap.tree.vmKey(snap.inventory.vms[0].ref)!));
    assert.doesNotMatch(String(t.description), /nics/);
    assert.doesNotMatch(String(t.contextValue), /decorated/);
  });
});
