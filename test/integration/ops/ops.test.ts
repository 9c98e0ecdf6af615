/**
 * Everyday operations inside the real VS Code, against the lab (a vcsim -esx paired with the ESXi SSH
 * simulator): take, revert to and delete snapshots from the tree (the VM's node grows the snapshot
 * tree, its description the count, "you are here" moves); Open Console's links; Open SSH Terminal
 * runs `vmware -v` on the ESXi simulator, and a host refusing SSH is told in words.
 */
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import * as vscode from 'vscode';
import { setVmState, withLab } from '../../lab/index';
import type { VsphereLabApi } from '../../../src/extension/extension';
import type { Node } from '../../../src/extension/inventory/provider';
import type { SshTerminalHandle } from '../../../src/extension/terminal/index';
import type { ConsoleLinks } from '../../../src/core/vsphere/console';

const EXTENSION_ID = 'vsphere-lab.vsphere-lab';

async function until<T>(what: string, f: () => T | undefined | Promise<T | undefined>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('operations: snapshots, console, SSH terminal (real VS Code)', function () {
  this.timeout(120_000);
  const lab = withLab({ vcsim: { esx: true, vm: 2, username: 'root', password: 'Ops-pass.1' }, esxi: { hostname: 'esx-ops' } });
  let a: VsphereLabApi;
  let conn: string;
  let vmNode: Node;

  before(async () => {
    a = await vscode.extensions.getExtension<VsphereLabApi>(EXTENSION_ID)!.activate();
    conn = await vscode.commands.executeCommand<string>('vsphereLab.addConnection', { url: lab.vcsim.sdkUrl, username: lab.vcsim.username, password: lab.vcsim.password });
    assert.ok(await vscode.commands.executeCommand<boolean>('vsphereLab.trustCertificate', { conn, thumbprint: lab.vcsim.thumbprintSha256 }));
    const snap = await a.inventory.sessions.load(conn, true);
    const vm = [...snap.inventory.vms].sort((x, y) => x.name.localeCompare(y.name))[0];
    vmNode = a.inventory.provider.itemNode(conn, snap.tree.vmKey(vm.ref)!);
  });
  lab.beforeStop(async () => {
    if (conn) await vscode.commands.executeCommand('vsphereLab.removeConnection', conn, { confirm: false });
  });

  const p = () => a.inventory.provider;
  const snapshotNodes = async (): Promise<Node[]> => {
    const out: Node[] = [];
    const walk = async (ns: Node[]) => {
      for (const n of ns) {
        if (n.type !== 'child') continue;
        out.push(n);
        await walk(await p().getChildren(n));
      }
    };
    await walk(await p().getChildren(vmNode));
    return out;
  };
  const label = (n: Node) => String(p().getTreeItem(n).label);
  const byLabel = async (name: string) => (await snapshotNodes()).find((n) => label(n) === name)!;

  it('take two snapshots from the VM node: the tree under it, the count, "you are here" on the last', async () => {
    let t = p().getTreeItem(vmNode);
    assert.equal(t.collapsibleState, vscode.TreeItemCollapsibleState.None, 'no snapshots: nothing to expand');
    await vscode.commands.executeCommand('vsphereLab.takeSnapshot', vmNode, { name: 'it-base', description: 'before the test', memory: false, quiesce: true });
    await vscode.commands.executeCommand('vsphereLab.takeSnapshot', vmNode, { name: 'it-next', description: '', memory: false, quiesce: false });
    t = p().getTreeItem(vmNode);
    assert.equal(t.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    assert.match(String(t.description), /2 snapshots/);
    assert.match(String(t.contextValue), /;snapshots(;|$)/);
    const nodes = await snapshotNodes();
    assert.deepEqual(nodes.map(label), ['it-base', 'it-next'], 'it-next nested under it-base');
    assert.equal(p().getParent(nodes[1]), nodes[0]);
    const next = p().getTreeItem(nodes[1]);
    assert.match(String(next.description), /you are here/);
    assert.match(String(next.contextValue), /^snapshot;current/);
    const base = p().getTreeItem(nodes[0]);
    assert.doesNotMatch(String(base.description), /you are here/);
    assert.match((base.tooltip as vscode.MarkdownString).value, /before the test[\s\S]*Quiesced: yes/);
  });

  it('revert (confirm skipped) moves "you are here"; delete one, then delete all', async () => {
    await vscode.commands.executeCommand('vsphereLab.revertSnapshot', await byLabel('it-base'), { confirm: false });
    assert.match(String(p().getTreeItem(await byLabel('it-base')).description), /you are here/);
    assert.doesNotMatch(String(p().getTreeItem(await byLabel('it-next')).description), /you are here/);

    await vscode.commands.executeCommand('vsphereLab.deleteSnapshot', await byLabel('it-next'), { children: false });
    assert.deepEqual((await snapshotNodes()).map(label), ['it-base']);
    assert.match(String(p().getTreeItem(vmNode).description), /1 snapshot/);

    await vscode.commands.executeCommand('vsphereLab.takeSnapshot', vmNode, { name: 'it-third', description: '', memory: false, quiesce: false });
    await vscode.commands.executeCommand('vsphereLab.deleteAllSnapshots', vmNode, { confirm: false });
    assert.deepEqual(await snapshotNodes(), []);
    const t = p().getTreeItem(vmNode);
    assert.equal(t.collapsibleState, vscode.TreeItemCollapsibleState.None);
    assert.doesNotMatch(String(t.description), /snapshot/);
  });

  it('old snapshots are marked; Consolidate shows when runtime.consolidationNeeded and clears it; a failed one says why', async () => {
    await vscode.commands.executeCommand('vsphereLab.takeSnapshot', vmNode, { name: 'it-old', description: '', memory: false, quiesce: false });
    const it = p().item(vmNode)!;
    await setVmState(lab.vcsim, { vm: it.kind === 'vm' ? it.ref.value : '', consolidationNeeded: true, snapshotAgeDays: 30 });
    await a.inventory.sessions.load(conn, true);
    let t = p().getTreeItem(vmNode);
    assert.match(String(t.description), /1 snapshot · 1 old · consolidation needed/);
    assert.match(String(t.contextValue), /;consolidate(;|$)/);
    assert.match(String(p().getTreeItem(await byLabel('it-old')).description), /(29|30) days old/);

    await setVmState(lab.vcsim, { vm: it.kind === 'vm' ? it.ref.value : '', failConsolidate: 'the disk is locked by another process' });
    await vscode.commands.executeCommand('vsphereLab.consolidateDisks', vmNode);
    assert.ok(a.recentLogLines().some((l) => l.includes('the disk is locked by another process')), 'the task\'s error in words');
    await setVmState(lab.vcsim, { vm: it.kind === 'vm' ? it.ref.value : '', failConsolidate: '' });
    await vscode.commands.executeCommand('vsphereLab.consolidateDisks', vmNode);
    t = p().getTreeItem(vmNode);
    assert.doesNotMatch(String(t.contextValue), /consolidate/);
    assert.doesNotMatch(String(t.description), /consolidation/);
    await vscode.commands.executeCommand('vsphereLab.deleteAllSnapshots', vmNode, { confirm: false });
  });

  it('Open Console: a VMRC link from a clone ticket; the HTML5 console explained as unavailable on vcsim', async () => {
    const links = await vscode.commands.executeCommand<ConsoleLinks>('vsphereLab.openConsole', vmNode, { open: false });
    assert.ok(links && 'url' in links.vmrc, JSON.stringify(links?.vmrc));
    assert.match(links.vmrc.url, /^vmrc:\/\/clone:[^@]+@127\.0\.0\.1:\d+\/\?moid=/);
    assert.ok(!('url' in links.webmks));
    assert.ok(links.webmks.message.length > 20);
    const ticket = /clone:([^@]+)@/.exec(links.vmrc.url)![1];
    assert.ok(!a.recentLogLines().some((l) => l.includes(ticket)), 'the ticket is never logged');
  });

  it('Open SSH Terminal runs `vmware -v` on the ESXi simulator and closes with `exit`', async () => {
    const h = await vscode.commands.executeCommand<SshTerminalHandle>('vsphereLab.openSshTerminal', {
      sshHost: `${lab.esxi.host}:${lab.esxi.port}`, username: lab.esxi.username, password: lab.esxi.password, hostKey: lab.esxi.hostKeySha256,
    });
    assert.ok(h, 'the command returns the terminal handle');
    assert.match(h.terminal.name, /^SSH root@127\.0\.0\.1:\d+$/);
    await until('the prompt', () => /\[root@esx-ops:~\] $/.test(h.output()));
    h.send('vmware -v\r');
    await until('vmware -v output', () => /VMware ESXi \d+\.\d+\.\d+ build-\d+/.test(h.output()));
    assert.ok(lab.esxi.commands.includes('vmware -v'));
    h.send('exit\r');
    assert.equal(await h.closed, 0);
    assert.match(h.output(), /\[Connection to root@127\.0\.0\.1:\d+ closed\]/);
    h.terminal.dispose();
  });

  it('a host with SSH stopped: no terminal, and the log says how to start SSH', async () => {
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const port = (srv.address() as net.AddressInfo).port;
    await new Promise<void>((r) => srv.close(() => r()));
    const h = await vscode.commands.executeCommand<SshTerminalHandle | undefined>('vsphereLab.openSshTerminal', { sshHost: `127.0.0.1:${port}`, username: 'root', password: 'x' });
    assert.equal(h, undefined);
    assert.ok(!vscode.window.terminals.some((t) => t.name.endsWith(`:${port}`)), 'no terminal opened');
    const line = a.recentLogLines().find((l) => l.includes('refused the SSH connection'));
    assert.ok(line, 'logged');
    assert.match(line, /SSH service is stopped on the host/);
    assert.match(line, /vim-cmd hostsvc\/enable_ssh/);
  });
});
