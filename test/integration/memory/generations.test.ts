/**
 * Generations in the real VS Code: a standalone ESX 4.1 and an ESXi 8.0 (two vcsim, -esx
 * -generation G) in one tree. Their tooltips name the generation; under the same injected free
 * memory their memory panels show different states, ladders and threshold lines.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { writeCapture } from '../../fixtures/esxtop/generate';
import { startVcsim, type Vcsim } from '../../lab/index';
import type { VsphereLabApi } from '../../../src/extension/extension';
import type { PanelHost } from '../../../src/extension/panels/panelHost';
import type { MemoryPanelState, MemoryProtocol } from '../../../src/webview/memory/protocol';
import { minFreeMB, stateModel } from '../../../src/core/memory/state';

const EXTENSION_ID = 'vsphere-lab.vsphere-lab';
type Host = PanelHost<MemoryProtocol, MemoryPanelState>;

/** The tooltip's text with Markdown escapes removed. */
const tooltipOf = (t: vscode.TreeItem) => (t.tooltip instanceof vscode.MarkdownString ? t.tooltip.value : String(t.tooltip ?? '')).replace(/\\(.)/g, '$1');

describe('generations: a 4.1 host and an 8.0 host in one tree (real VS Code)', function () {
  this.timeout(120_000);
  let a: VsphereLabApi;
  const labs: Vcsim[] = [];
  const conns: string[] = [];
  const panels: Host[] = [];

  before(async () => {
    a = await vscode.extensions.getExtension<VsphereLabApi>(EXTENSION_ID)!.activate();
    for (const generation of ['4.1', '8.0'] as const) {
      const lab = await startVcsim({ esx: true, vm: 1, generation, username: 'root', password: 'Lab-pass.1' });
      labs.push(lab);
      const conn = await vscode.commands.executeCommand<string>('vsphereLab.addConnection', { url: lab.sdkUrl, username: lab.username, password: lab.password, label: `esx-${generation}` });
      assert.ok(await vscode.commands.executeCommand<boolean>('vsphereLab.trustCertificate', { conn, thumbprint: lab.thumbprintSha256 }));
      conns.push(conn);
    }
  });
  after(async () => {
    for (const p of panels) p.dispose();
    for (const c of conns) await vscode.commands.executeCommand('vsphereLab.removeConnection', c, { confirm: false });
    for (const l of labs) await l.stop();
  });

  const hostKeyOf = (conn: string) => {
    const snap = a.inventory.sessions.snapshot(conn)!;
    return `host:${snap.inventory.hosts[0].ref.value}`;
  };

  it('the tooltips of the connections and their hosts name the generation', async () => {
    for (const [i, conn] of conns.entries()) {
      await a.inventory.sessions.load(conn);
      const want = i === 0 ? /Generation: ESXi? 4\.1\.0 build-\d+ \(4\.x\).*memory states: 4\.x table/ : /Generation: ESXi 8\.0\.\d+ build-\d+ \(8\.x\).*memory states: 6\.0\+ table/;
      const connItem = await a.inventory.provider.getTreeItem(a.inventory.provider.connectionNode(conn));
      assert.match(tooltipOf(connItem), want, tooltipOf(connItem));
      const hostItem = await a.inventory.provider.getTreeItem(a.inventory.provider.itemNode(conn, hostKeyOf(conn)));
      assert.match(tooltipOf(hostItem), want, tooltipOf(hostItem));
    }
  });

  it('the same free memory: each host panel shows its own state, ladder and threshold lines', async () => {
    const views = [];
    for (const [i, conn] of conns.entries()) {
      const key = hostKeyOf(conn);
      const hostRef = key.slice('host:'.length);
      const hostMB = a.inventory.sessions.snapshot(conn)!.inventory.hosts[0].memoryBytes! / 2 ** 20;
      // 90 % of the 6.0+ minFree: clear on 8.0, still high on 4.1 (above 64 % of its 6 %).
      await labs[i].injectHostFreeMemory(hostRef, Math.round(0.9 * minFreeMB(stateModel('minfree-clear'), hostMB)));
      const shown = await vscode.commands.executeCommand<Host>('vsphereLab.showMemory', a.inventory.provider.itemNode(conn, key));
      panels.push(shown);
      await shown.ready;
      views.push(await shown.call('load', { range: 'realtime' }));
      // The view is plain data: close the panel before the next opens (in code-server a webview opened
      // beside another waits ~30 s for its service worker).
      shown.dispose();
    }
    const [old, now] = views;
    assert.equal(Math.round(old.host!.freeMB!), Math.round(now.host!.freeMB!), 'the same free memory');
    assert.deepEqual([old.host!.generation?.family, old.host!.state], ['4.x', 'high']);
    assert.deepEqual([now.host!.generation?.family, now.host!.state], ['8.x', 'clear']);
    assert.deepEqual(old.host!.ladder!.map((s) => `${s.step}${s.active ? '*' : ''}`), ['tps*', 'balloon', 'compress', 'swap', 'block']);
    assert.deepEqual(now.host!.ladder!.map((s) => `${s.step}${s.active ? '*' : ''}`), ['largePages*', 'tps*', 'balloon', 'compress', 'swap', 'block']);
    assert.deepEqual(old.states.map((s) => s.state), ['high', 'soft', 'hard', 'low']);
    assert.deepEqual(now.states.map((s) => s.state), ['high', 'clear', 'soft', 'hard', 'low']);
    assert.equal(old.stateTable.label, '4.x');
    assert.equal(now.stateTable.label, '6.0+');
    assert.ok(now.stateTable.sources.some((s) => /Epping/.test(s.title)), 'sources shown with the result');
    const lines = (v: typeof old) => v.charts.find((c) => c.id === 'hostFree')!.series.filter((s) => s.dash).length;
    assert.deepEqual([lines(old), lines(now)], [4, 5]);
    assert.equal(now.host!.pageSharing.scope, 'within-vm');
    assert.equal(old.host!.pageSharing.scope, 'inter-vm');
  });

  it('an esxtop capture: the generation the user picks sets the table, and is remembered for the file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-gen-it-'));
    try {
      const file = path.join(dir, 'squeeze.csv');
      writeCapture(file, { names: ['web01'], samples: 10, hostMemoryMB: 16384, freePct: () => (500 / 16384) * 100 });
      const uri = vscode.Uri.file(file);
      const shown = await vscode.commands.executeCommand<Host>('vsphereLab.openEsxtop', uri);
      panels.push(shown);
      await shown.ready;
      const before = await shown.call('load', {});
      assert.deepEqual([before.generationPick?.picked, before.stateTable.label, before.host?.state], [undefined, '4.x', 'soft']);
      assert.deepEqual(before.generationPick?.known, ['4.1', '5.5', '6.7', '7.0', '8.0']);
      const after = await shown.call('setGeneration', { generation: '8.0' });
      assert.deepEqual([after.generationPick?.picked, after.stateTable.label, after.host?.state], ['8.0', '6.0+', 'clear']);
      await assert.rejects(shown.call('setGeneration', { generation: '9.9' }), /unknown generation/);
      const again = await shown.call('load', {});
      assert.equal(again.generationPick?.picked, '8.0', 'remembered for the file');
      shown.dispose();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
