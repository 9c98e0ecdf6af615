/**
 * The inventory inside the real VS Code extension host, against vcsim (govmomi's simulator).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { withLab, startVcsim, makeSelfSignedCert } from '../../lab/index';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VsphereLabApi } from '../../../src/extension/extension';
import type { Node } from '../../../src/extension/inventory/provider';

const EXTENSION_ID = 'vsphere-lab.vsphere-lab';

async function api(): Promise<VsphereLabApi> {
  const ext = vscode.extensions.getExtension<VsphereLabApi>(EXTENSION_ID)!;
  return ext.activate();
}

/** Every node under `n`, depth first, through the provider the view uses. */
async function walk(a: VsphereLabApi, n: Node | undefined, out: Node[] = []): Promise<Node[]> {
  for (const c of await a.inventory.provider.getChildren(n)) {
    out.push(c);
    const item = await a.inventory.provider.getTreeItem(c);
    if (item.collapsibleState !== vscode.TreeItemCollapsibleState.None) await walk(a, c, out);
  }
  return out;
}

describe('inventory against vcsim (real VS Code)', function () {
  this.timeout(120_000);
  const lab = withLab({ vcsim: { dc: 1, cluster: 2, host: 2, vm: 2, standaloneHost: 1, username: 'administrator@vsphere.local', password: 'Lab-pass.1' } });
  let a: VsphereLabApi;
  let conn: string;

  before(async () => {
    a = await api();
  });
  lab.beforeStop(async () => {
    if (conn) await vscode.commands.executeCommand('vsphereLab.removeConnection', conn, { confirm: false });
  });

  it('adds a connection; its self-signed certificate is not trusted until pinned', async () => {
    conn = await vscode.commands.executeCommand<string>('vsphereLab.addConnection', { url: lab.vcsim.sdkUrl, username: lab.vcsim.username, password: lab.vcsim.password });
    assert.ok(conn, 'a connection id is returned');
    const children = await a.inventory.provider.getChildren(a.inventory.provider.connectionNode(conn));
    assert.equal(children.length, 1);
    const msg = children[0];
    assert.equal(msg.type, 'message');
    assert.equal(msg.type === 'message' && msg.problem?.kind, 'untrusted');
    const item = await a.inventory.provider.getTreeItem(msg);
    assert.equal(item.command?.command, 'vsphereLab.trustCertificate', 'the error node offers the fix');
    assert.equal(a.inventory.sessions.state(conn).status, 'error');
  });

  it('a wrong thumbprint is refused; the right one is pinned and the tree fills', async () => {
    const wrong = await vscode.commands.executeCommand<boolean>('vsphereLab.trustCertificate', { conn, thumbprint: 'AA'.repeat(32) });
    assert.equal(wrong, false);
    assert.equal(a.inventory.store.get(conn)?.thumbprintSha256, undefined);
    const ok = await vscode.commands.executeCommand<boolean>('vsphereLab.trustCertificate', { conn, thumbprint: lab.vcsim.thumbprintSha256 });
    assert.equal(ok, true);
    assert.equal(a.inventory.store.get(conn)?.thumbprintSha256, lab.vcsim.thumbprintSha256);
    assert.equal(a.inventory.sessions.state(conn).status, 'connected');
  });

  it('the tree shows the datacenter, clusters, hosts and VMs the vcsim flags imply', async () => {
    const nodes = await walk(a, a.inventory.provider.connectionNode(conn));
    const kinds = new Map<string, number>();
    const vmRefs = new Set<string>();
    for (const n of nodes) {
      const it = a.inventory.provider.item(n);
      if (!it) continue;
      kinds.set(it.kind, (kinds.get(it.kind) ?? 0) + 1);
      if (it.kind === 'vm') vmRefs.add(it.ref.value);
    }
    const labVms = await lab.vcsim.listVms();
    assert.equal(kinds.get('datacenter'), 1);
    assert.equal(kinds.get('cluster'), 2);
    // 2 clusters × 2 hosts + 1 standalone host.
    assert.equal(kinds.get('host'), 5);
    assert.equal(vmRefs.size, labVms.length, 'every VM of vcsim appears');
    // Each VM shows under its host and in the VM folders.
    assert.equal(kinds.get('vm'), labVms.length * 2);
    const hostNames = new Set<string>();
    for (const n of nodes) { const it = a.inventory.provider.item(n); if (it?.kind === 'host') hostNames.add(it.name); }
    for (const vm of labVms) assert.ok(hostNames.has(vm.hostName), `${vm.name}'s host ${vm.hostName} is in the tree`);
    // Counts read in words: "5 hosts · N VMs" on the connection, "2 hosts" on a cluster.
    const connItem = await a.inventory.provider.getTreeItem(a.inventory.provider.connectionNode(conn));
    assert.equal(String(connItem.description), `5 hosts · ${labVms.length} VMs`);
  });

  it('VM nodes carry description, power icon and a context value by state', async () => {
    const labVm = (await lab.vcsim.listVms()).find((v) => v.powerState === 'poweredOn')!;
    const snap = a.inventory.sessions.snapshot(conn)!;
    const key = snap.tree.vmKey({ type: 'VirtualMachine', value: labVm.moref })!;
    const item = await a.inventory.provider.getTreeItem(a.inventory.provider.itemNode(conn, key));
    assert.equal(item.label, labVm.name);
    assert.match(String(item.description), new RegExp(`${labVm.numCpu} vCPU`));
    assert.equal((item.iconPath as vscode.ThemeIcon).id, 'vm-running');
    assert.match(item.contextValue ?? '', /^vm;poweredOn;vmx$/);
  });

  it('power off a VM: the task completes, its icon and context change', async () => {
    const labVm = (await lab.vcsim.listVms()).find((v) => v.powerState === 'poweredOn')!;
    const key = a.inventory.sessions.snapshot(conn)!.tree.vmKey({ type: 'VirtualMachine', value: labVm.moref })!;
    const node = a.inventory.provider.itemNode(conn, key);
    await vscode.commands.executeCommand('vsphereLab.powerOff', node, { confirm: false });
    const after = (await lab.vcsim.listVms()).find((v) => v.moref === labVm.moref)!;
    assert.equal(after.powerState, 'poweredOff', 'vcsim says the VM is off');
    // The tree follows the server's change feed (no reload after the task): the node turns within 2 s.
    let item = await a.inventory.provider.getTreeItem(node);
    for (const t0 = Date.now(); (item.iconPath as vscode.ThemeIcon).id !== 'vm-outline' && Date.now() - t0 < 2000;) {
      await new Promise((r) => setTimeout(r, 50));
      item = await a.inventory.provider.getTreeItem(node);
    }
    assert.equal((item.iconPath as vscode.ThemeIcon).id, 'vm-outline');
    assert.match(item.contextValue ?? '', /^vm;poweredOff/);
    await vscode.commands.executeCommand('vsphereLab.powerOn', node);
    assert.equal((await lab.vcsim.listVms()).find((v) => v.moref === labVm.moref)!.powerState, 'poweredOn');
  });

  it('Open .vmx opens the datastore file with the vmx language', async () => {
    const labVm = (await lab.vcsim.listVms())[0];
    const key = a.inventory.sessions.snapshot(conn)!.tree.vmKey({ type: 'VirtualMachine', value: labVm.moref })!;
    await vscode.commands.executeCommand('vsphereLab.openVmx', a.inventory.provider.itemNode(conn, key));
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor, 'an editor opened');
    assert.equal(editor.document.uri.scheme, 'vsphere-ds');
    assert.equal(editor.document.languageId, 'vmx');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('saving a datastore .vmx is refused while the VM runs, and written through when it is off', async () => {
    const labVm = (await lab.vcsim.listVms()).find((v) => v.powerState === 'poweredOn')!;
    const key = a.inventory.sessions.snapshot(conn)!.tree.vmKey({ type: 'VirtualMachine', value: labVm.moref })!;
    const node = a.inventory.provider.itemNode(conn, key);
    await vscode.commands.executeCommand('vsphereLab.openVmx', node);
    const doc = vscode.window.activeTextEditor!.document;
    const original = doc.getText();
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, new vscode.Position(doc.lineCount, 0), 'annotation = "edited by vSphere Lab tests"\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.equal(await doc.save(), false, 'the save is refused while the VM is powered on');
    assert.equal(Buffer.from(await vscode.workspace.fs.readFile(doc.uri)).toString('utf8'), original, 'the datastore file is unchanged');
    await vscode.commands.executeCommand('vsphereLab.powerOff', node, { confirm: false });
    assert.equal(await doc.save(), true, 'saved once the VM is off');
    const stored = Buffer.from(await vscode.workspace.fs.readFile(doc.uri)).toString('utf8');
    assert.match(stored, /edited by vSphere Lab tests/);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await vscode.commands.executeCommand('vsphereLab.powerOn', node);
  });

  it('after Disconnect (no cached inventory) saving a running VM\'s .vmx is still refused, checked live', async () => {
    const labVm = (await lab.vcsim.listVms()).find((v) => v.powerState === 'poweredOn')!;
    const key = a.inventory.sessions.snapshot(conn)!.tree.vmKey({ type: 'VirtualMachine', value: labVm.moref })!;
    await vscode.commands.executeCommand('vsphereLab.openVmx', a.inventory.provider.itemNode(conn, key));
    const doc = vscode.window.activeTextEditor!.document;
    const original = Buffer.from(await vscode.workspace.fs.readFile(doc.uri));
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, new vscode.Position(doc.lineCount, 0), 'annotation = "saved while running"\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    await vscode.commands.executeCommand('vsphereLab.disconnect', conn);
    assert.equal(a.inventory.sessions.snapshot(conn), undefined, 'no cached inventory to consult');
    assert.equal(await doc.save(), false, 'the save is refused');
    assert.deepEqual(Buffer.from(await vscode.workspace.fs.readFile(doc.uri)), original, 'the datastore file is unchanged');
    assert.ok(a.recentLogLines().some((l) => l.includes(`refused: ${labVm.name} is poweredOn`)), 'the refusal names the VM and its state');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await a.inventory.sessions.load(conn, true);
  });

  it('a wrong password gives a login error node with its fix; the right one recovers', async () => {
    await vscode.commands.executeCommand('vsphereLab.enterPassword', conn, 'not-the-password');
    const [msg] = await a.inventory.provider.getChildren(a.inventory.provider.connectionNode(conn));
    assert.equal(msg.type === 'message' && msg.problem?.kind, 'login');
    assert.equal((await a.inventory.provider.getTreeItem(msg)).command?.command, 'vsphereLab.enterPassword');
    const ok = await vscode.commands.executeCommand<boolean>('vsphereLab.enterPassword', conn, lab.vcsim.password);
    assert.equal(ok, true);
    assert.equal(a.inventory.sessions.state(conn).status, 'connected');
  });

  it('a changed certificate stops the connection until the new one is trusted', async () => {
    const fresh = makeSelfSignedCert({ commonName: '127.0.0.1', bits: 2048 });
    writeFileSync(lab.vcsim.certFile, fresh.certPem);
    writeFileSync(lab.vcsim.keyFile, fresh.keyPem);
    await lab.vcsim.reloadCert();
    const pinned = a.inventory.store.get(conn)!.thumbprintSha256;
    assert.notEqual(lab.vcsim.thumbprintSha256, pinned);
    await vscode.commands.executeCommand('vsphereLab.refresh');
    const [msg] = await a.inventory.provider.getChildren(a.inventory.provider.connectionNode(conn));
    assert.equal(msg.type === 'message' && msg.problem?.kind, 'certificateChanged');
    assert.equal(a.inventory.store.get(conn)!.thumbprintSha256, pinned, 'the old pin is kept until the user decides');
    const ok = await vscode.commands.executeCommand<boolean>('vsphereLab.trustCertificate', { conn, thumbprint: lab.vcsim.thumbprintSha256 });
    assert.equal(ok, true);
    assert.equal(a.inventory.store.get(conn)!.thumbprintSha256, lab.vcsim.thumbprintSha256);
    const children = await a.inventory.provider.getChildren(a.inventory.provider.connectionNode(conn));
    assert.equal(a.inventory.provider.item(children[0])?.kind, 'datacenter');
  });

  it('no password or session cookie appears in settings, saved state, panel (webview) state or the log', async function () {
    this.timeout(300_000);
    const client = await a.inventory.sessions.client(conn);
    const cookie = client.cookieHeader() ?? '';
    const session = cookie.replace(/^.*vmware_soap_session="?([^";]+)"?.*$/, '$1');
    assert.ok(session.length > 8, 'the client holds a session cookie to look for');
    // Open the panels that start from nodes (memory, backup, certificates) on lab nodes.
    const snap = await a.inventory.sessions.load(conn);
    const labVm = (await lab.vcsim.listVms())[0];
    const vmNode = a.inventory.provider.itemNode(conn, snap.tree.vmKey({ type: 'VirtualMachine', value: labVm.moref })!);
    const hostNode = (await walk(a, a.inventory.provider.connectionNode(conn))).find((n) => a.inventory.provider.item(n)?.kind === 'host')!;
    type Panel = { state: unknown; ready: Promise<void> };
    const opens: [string, () => Thenable<Panel | undefined>][] = [
      ['memory (VM)', () => vscode.commands.executeCommand<Panel>('vsphereLab.showMemory', vmNode)],
      ['memory (host)', () => vscode.commands.executeCommand<Panel>('vsphereLab.showMemory', hostNode)],
      ['backup', () => vscode.commands.executeCommand<Panel>('vsphereLab.backupDiagnose', vmNode, { confirm: false })],
      ['certificates (host)', () => vscode.commands.executeCommand<Panel>('vsphereLab.certWizard', hostNode)],
      ['certificates (connection)', () => vscode.commands.executeCommand<Panel>('vsphereLab.certWizard', a.inventory.provider.connectionNode(conn))],
    ];
    const panels: [string, Panel][] = [];
    for (const [name, open] of opens) {
      const p = await open();
      assert.ok(p && 'state' in p, `${name}: the command returns its panel`);
      // the webview loads (while it is the active editor) and gets its state, which it persists with setState;
      // in this test browser a webview can wait ~30 s for its service worker ("Found unexpected service
      // worker controller … Waiting for controllerchange"), so the wait allows for that
      const ready = await Promise.race([p.ready.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 50_000))]);
      assert.ok(ready, `${name}: the webview loaded`);
      panels.push([name, p]);
    }
    // The extension's whole global state (every key), not only the connection list.
    const globalState = (a.inventory.store as unknown as { state: vscode.Memento }).state;
    assert.ok(globalState.keys().length > 0, 'the global state has keys to check');
    const haystacks: [string, string][] = [
      ['connections', JSON.stringify(a.inventory.store.list())],
      ['settings', JSON.stringify(vscode.workspace.getConfiguration())],
      ['global state', JSON.stringify(globalState.keys().map((k) => [k, globalState.get(k)]))],
      ...panels.map(([name, p]): [string, string] => [`${name} panel state`, JSON.stringify(p.state)]),
      ['log', a.recentLogLines().join('\n')],
    ];
    assert.ok(a.recentLogLines().length > 3, 'the log has lines to check');
    for (const [name, h] of haystacks) {
      assert.ok(!h.includes(lab.vcsim.password), `password absent from ${name}`);
      assert.ok(!h.includes(session), `session cookie absent from ${name}`);
      assert.ok(!/vmware_soap_session/.test(h), `no cookie header in ${name}`);
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});

describe('inventory: a server that goes away (real VS Code)', function () {
  this.timeout(120_000);
  it('vcsim stopped → an error node with Retry; restarted on the same port → the tree recovers on refresh', async () => {
    const a = await api();
    const creds = { username: 'root', password: 'Esx-pass.1' };
    // The test owns the certificate files, so the restarted server presents the same certificate.
    const dir = mkdtempSync(join(tmpdir(), 'vlab-it-cert-'));
    const cert = makeSelfSignedCert({ commonName: '127.0.0.1' });
    const certFile = join(dir, 'rui.crt');
    const keyFile = join(dir, 'rui.key');
    writeFileSync(certFile, cert.certPem);
    writeFileSync(keyFile, cert.keyPem);
    let lab = await startVcsim({ esx: true, vm: 2, ...creds, certFile, keyFile });
    const port = lab.port;
    const conn = await vscode.commands.executeCommand<string>('vsphereLab.addConnection', { url: lab.sdkUrl, username: creds.username, password: creds.password, thumbprint: lab.thumbprintSha256 });
    try {
      const first = await a.inventory.provider.getChildren(a.inventory.provider.connectionNode(conn));
      assert.equal(a.inventory.provider.item(first[0])?.kind, 'datacenter');
      await lab.stop();
      await vscode.commands.executeCommand('vsphereLab.refresh');
      const [msg] = await a.inventory.provider.getChildren(a.inventory.provider.connectionNode(conn));
      assert.equal(msg.type === 'message' && msg.problem?.kind, 'network');
      assert.equal((await a.inventory.provider.getTreeItem(msg)).command?.command, 'vsphereLab.retryConnection');
      // Same port, same certificate: the server is back.
      lab = await startVcsim({ esx: true, vm: 2, ...creds, port, certFile, keyFile });
      await vscode.commands.executeCommand('vsphereLab.refresh');
      const again = await a.inventory.provider.getChildren(a.inventory.provider.connectionNode(conn));
      assert.equal(a.inventory.provider.item(again[0])?.kind, 'datacenter');
      assert.equal(a.inventory.sessions.state(conn).status, 'connected');
    } finally {
      await vscode.commands.executeCommand('vsphereLab.removeConnection', conn, { confirm: false });
      await lab.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('inventory: a large vCenter (real VS Code)', function () {
  this.timeout(180_000);
  it('shows the datacenters before the whole inventory has arrived, then the full tree under the same ids', async () => {
    const a = await api();
    const creds = { username: 'administrator@vsphere.local', password: 'Big-lab.1' };
    const lab = await startVcsim({ dc: 2, cluster: 2, host: 2, vm: 300, ...creds, timeoutMs: 120_000 });
    const conn = await vscode.commands.executeCommand<string>('vsphereLab.addConnection', { url: lab.sdkUrl, ...creds, thumbprint: lab.thumbprintSha256 });
    try {
      await a.inventory.sessions.reset(conn);
      const first = await a.inventory.provider.getChildren(a.inventory.provider.connectionNode(conn));
      assert.equal(a.inventory.sessions.snapshot(conn), undefined, 'the first level came before the full inventory');
      assert.deepEqual(first.map((n) => a.inventory.provider.item(n)?.name), ['DC0', 'DC1']);
      const snap = await a.inventory.sessions.load(conn);
      assert.ok(snap.inventory.vms.length >= 1200, `${snap.inventory.vms.length} VMs`);
      const again = await a.inventory.provider.getChildren(a.inventory.provider.connectionNode(conn));
      assert.deepEqual(again, first.filter((n) => a.inventory.provider.item(n)?.kind === 'datacenter'), 'the same nodes (ids) once the snapshot is there');
      const dcChildren = await a.inventory.provider.getChildren(first[0]);
      assert.ok(dcChildren.some((n) => a.inventory.provider.item(n)?.kind === 'cluster'), 'a datacenter expands into its clusters');
    } finally {
      await vscode.commands.executeCommand('vsphereLab.removeConnection', conn, { confirm: false });
      await lab.stop();
    }
  });
});

describe('inventory: the trust prompt reads the certificate the connection will meet (SNI)', function () {
  this.timeout(60_000);
  it('a server with one certificate per name: the prompt shows the one for the host name, not the default', async () => {
    const a = await api();
    const fallback = makeSelfSignedCert({ commonName: 'default.invalid' });
    const named = makeSelfSignedCert({ commonName: 'localhost' });
    const namedCtx = tls.createSecureContext({ cert: named.certPem, key: named.keyPem });
    const seen: (string | undefined)[] = [];
    const server = tls.createServer({
      cert: fallback.certPem, key: fallback.keyPem,
      SNICallback: (name, cb) => { seen.push(name); cb(null, name === 'localhost' ? namedCtx : undefined); },
    }, (sock) => sock.end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const byName = await a.inventory.sessions.presentedCertificate({ id: 'sni', url: `https://localhost:${port}/sdk`, username: 'u' });
      assert.match(byName.subject, /CN=localhost/);
      assert.deepEqual(seen, ['localhost'], 'the host name went out as SNI');
      const byIp = await a.inventory.sessions.presentedCertificate({ id: 'sni', url: `https://127.0.0.1:${port}/sdk`, username: 'u' });
      assert.match(byIp.subject, /CN=default\.invalid/, 'no SNI for an IP address');
      assert.deepEqual(seen, ['localhost']);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('inventory: cancelling a connection in progress (real VS Code)', function () {
  this.timeout(120_000);
  it('cancel aborts the requests in flight at once and leaves the connection disconnected', async () => {
    const a = await api();
    const creds = { username: 'root', password: 'Slow-lab.1' };
    const lab = await startVcsim({ esx: true, vm: 1, ...creds, delay: 2000 });
    const conn = await vscode.commands.executeCommand<string>('vsphereLab.addConnection', { url: lab.sdkUrl, ...creds, thumbprint: lab.thumbprintSha256 });
    try {
      await a.inventory.sessions.reset(conn);
      const started = Date.now();
      const loading = a.inventory.sessions.load(conn, true).then(() => 'loaded', () => 'failed');
      await new Promise((r) => setTimeout(r, 300));
      await a.inventory.sessions.cancel(conn);
      assert.equal(await loading, 'failed');
      const took = Date.now() - started;
      assert.ok(took < 1500, `stopped after ${took} ms, before vcsim's 2 s answer`);
      assert.equal(a.inventory.sessions.state(conn).status, 'disconnected');
      assert.equal(a.inventory.sessions.snapshot(conn), undefined);
    } finally {
      await vscode.commands.executeCommand('vsphereLab.removeConnection', conn, { confirm: false });
      await lab.stop();
    }
  });
});
