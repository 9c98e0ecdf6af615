/**
 * The live tree, the Tasks view and Show Events inside the real VS Code, against vcsim: a power-off
 * made by another SOAP client shows on the VM's node without a refresh (the node alone is redrawn);
 * the events of a VM after a power action name the user; the Tasks view lists the task.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { withLab } from '../../lab/index';
import type { VsphereLabApi } from '../../../src/extension/extension';
import type { Node } from '../../../src/extension/inventory/provider';
import type { EventsHost } from '../../../src/extension/live';
import { VimClient } from '../../../src/core/vsphere/client';
import { powerOff, powerOn } from '../../../src/core/vsphere/vm';

const EXTENSION_ID = 'vsphere-lab.vsphere-lab';
const USER = 'administrator@vsphere.local';
const PASS = 'Lab-pass.1';

async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('live tree, tasks and events against vcsim (real VS Code)', function () {
  this.timeout(120_000);
  const lab = withLab({ vcsim: { dc: 1, cluster: 1, host: 2, vm: 2, username: USER, password: PASS } });
  let a: VsphereLabApi;
  let conn: string;
  let other: VimClient;
  const fired: Array<Node | undefined> = [];
  let sub: vscode.Disposable | undefined;

  before(async () => {
    a = await vscode.extensions.getExtension<VsphereLabApi>(EXTENSION_ID)!.activate();
    conn = await vscode.commands.executeCommand<string>('vsphereLab.addConnection', { url: lab.vcsim.sdkUrl, username: USER, password: PASS, thumbprint: lab.vcsim.thumbprintSha256 });
    await a.inventory.sessions.load(conn);
    other = await VimClient.connect({ url: lab.vcsim.sdkUrl, username: USER, password: PASS, trust: { mode: 'pinned', sha256: lab.vcsim.thumbprintSha256 }, keepAliveMs: 0 });
    sub = a.inventory.provider.onDidChangeTreeData((n) => fired.push(n ?? undefined));
  });
  lab.beforeStop(async () => {
    sub?.dispose();
    await other?.close();
    if (conn) await vscode.commands.executeCommand('vsphereLab.removeConnection', conn, { confirm: false });
  });

  const vmNode = (moref: string): Node => {
    const key = a.inventory.sessions.snapshot(conn)!.tree.vmKey({ type: 'VirtualMachine', value: moref })!;
    return a.inventory.provider.itemNode(conn, key);
  };

  it('a power-off made by another SOAP client shows on the node without a refresh', async () => {
    assert.ok(a.inventory.sessions.isLive(conn), 'the connection follows the server by live updates');
    const vm = (await lab.vcsim.listVms()).find((v) => v.powerState === 'poweredOn')!;
    const node = vmNode(vm.moref);
    assert.match((await a.inventory.provider.getTreeItem(node)).contextValue ?? '', /^vm;poweredOn/);
    const loadedAt = a.inventory.sessions.snapshot(conn)!.loadedAt;
    fired.length = 0;
    await powerOff(other, { type: 'VirtualMachine', value: vm.moref });
    const item = await until('the node to show poweredOff', 15_000, async () => {
      const t = await a.inventory.provider.getTreeItem(node);
      return /^vm;poweredOff/.test(t.contextValue ?? '') ? t : undefined;
    });
    assert.ok(item, 'redrawn');
    assert.ok(fired.includes(node), 'the VM node itself was redrawn');
    assert.ok(!fired.includes(undefined) && !fired.includes(a.inventory.provider.connectionNode(conn)), 'no refresh of the tree or the connection');
    assert.ok(a.inventory.sessions.snapshot(conn)!.loadedAt >= loadedAt);
  });

  it('Show Events on a VM lists its events after a power action, naming the user, newest first', async () => {
    const vm = (await lab.vcsim.listVms()).find((v) => v.powerState === 'poweredOff')!;
    await powerOn(other, { type: 'VirtualMachine', value: vm.moref });
    const host = await vscode.commands.executeCommand<EventsHost>('vsphereLab.showEvents', vmNode(vm.moref));
    try {
      assert.equal(host.state.entity?.value, vm.moref);
      const page = await host.call('open', { types: [], users: [] });
      const on = page.events.find((e) => e.type === 'VmPoweredOnEvent');
      assert.ok(on, page.events.map((e) => e.type).join(', '));
      assert.equal(on.user, USER);
      const filtered = await host.call('open', { types: ['VmPoweredOffEvent'], users: [] });
      assert.ok(filtered.events.every((e) => e.type === 'VmPoweredOffEvent'));
    } finally {
      host.panel.dispose();
    }
  });

  it('the Tasks view lists the power task (what, object, who, result)', async () => {
    await vscode.commands.executeCommand('vsphereLab.tasks.focus');
    const vm = (await lab.vcsim.listVms()).find((v) => v.powerState === 'poweredOn')!;
    await powerOff(other, { type: 'VirtualMachine', value: vm.moref });
    const task = await until('the task in the Tasks view', 15_000,
      () => a.tasks.tasks(conn).find((t) => /powerOff/i.test(t.what) && t.object?.ref.value === vm.moref && t.state === 'success'));
    const [group] = a.tasks.getChildren().filter((n) => n.conn === conn);
    const rows = a.tasks.getChildren(group);
    const row = rows.find((r) => r.type === 'task' && r.task.id === task.id)!;
    const item = a.tasks.getTreeItem(row);
    assert.match(String(item.label), /power off/i);
    assert.match(String(item.description), new RegExp(vm.name));
  });
});
