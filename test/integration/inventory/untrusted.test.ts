/**
 * Workspace trust in the real VS Code: a connection declared in the workspace's own settings (with a
 * `passwordEnv` and a pin the workspace chose) sends nothing from a restricted workspace. A plain TCP
 * server counts the connections it gets. The integration runner runs this file twice: in the normal
 * (trusted) run it is the positive control (the same declaration does connect), and in a second run
 * with workspace trust on and the workspace untrusted (VLAB_WORKSPACE_TRUST=restricted) it must see none.
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { VsphereLabApi } from '../../../src/extension/extension';
import { untrustedProbe } from './untrustedProbe';

const EXTENSION_ID = 'vsphere-lab.vsphere-lab';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('untrusted workspace: a workspace-declared connection sends nothing (real VS Code)', function () {
  this.timeout(60_000);
  let server: net.Server | undefined;
  let settingsFile = '';
  let previous: string | undefined;
  let createdDir = false;

  after(async () => {
    if (settingsFile) {
      if (previous !== undefined) writeFileSync(settingsFile, previous);
      else rmSync(createdDir ? join(settingsFile, '..') : settingsFile, { recursive: true, force: true });
      // Later tests count connections: wait until VS Code has read the settings again.
      const a = vscode.extensions.getExtension<VsphereLabApi>(EXTENSION_ID)!.exports;
      for (let i = 0; i < 30 && a?.inventory.store.list().some((c) => c.label === 'workspace-declared'); i++) await sleep(200);
    }
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  });

  it('expanding, refreshing and connecting reach the server only when the workspace is trusted', async () => {
    const a = (await vscode.extensions.getExtension<VsphereLabApi>(EXTENSION_ID)!.activate());
    let connections = 0;
    server = net.createServer((s) => { connections++; s.destroy(); });
    // The restricted pass: the runner wrote the workspace's settings before VS Code started.
    const preset = Number(process.env.VLAB_UNTRUSTED_PORT ?? 0);
    await new Promise<void>((r) => server!.listen(preset, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    process.env.VLAB_UNTRUSTED_PROBE = 'a-token-the-workspace-wants';

    if (!preset) {
      const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
      const dir = join(folder, '.vscode');
      settingsFile = join(dir, 'settings.json');
      createdDir = !existsSync(dir);
      previous = existsSync(settingsFile) ? readFileSync(settingsFile, 'utf8') : undefined;
      mkdirSync(dir, { recursive: true });
      writeFileSync(settingsFile, JSON.stringify({ 'vsphereLab.connections': [untrustedProbe(port)] }));
    }
    // VS Code reads the file again by itself; wait for the configuration to change (or a while).
    for (let i = 0; i < 30 && !a.inventory.store.list().some((c) => c.label === 'workspace-declared'); i++) await sleep(200);

    const trusted = vscode.workspace.isTrusted;
    // The runner's restricted pass must really be untrusted, or this test proves nothing.
    assert.equal(trusted, process.env.VLAB_WORKSPACE_TRUST !== 'restricted', 'workspace trust as the runner set it');
    const declared = a.inventory.store.list().filter((c) => c.label === 'workspace-declared');
    assert.equal(declared.length, trusted ? 1 : 0, `declared connections seen: ${declared.length} (trusted=${trusted})`);
    // Everything a user or the view does that may connect.
    for (const n of await a.inventory.provider.getChildren(undefined)) {
      await a.inventory.provider.getChildren(n).catch(() => undefined);
    }
    await vscode.commands.executeCommand('vsphereLab.refresh').then(undefined, () => undefined);
    for (const c of declared) await a.inventory.sessions.client(c.id).catch(() => undefined);
    await sleep(1500);

    if (trusted) {
      assert.ok(connections > 0, 'positive control: in a trusted workspace the declared connection is tried');
      for (const c of declared) await a.inventory.sessions.forget(c.id);
    } else {
      assert.equal(connections, 0, 'a restricted workspace made vSphere Lab open a connection');
    }
  });
});
