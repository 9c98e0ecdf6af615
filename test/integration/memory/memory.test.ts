/**
 * Memory charts inside the real VS Code extension host, against vcsim with injected balloon and
 * swap samples: "Show Memory" on a VM and a host node, the panel's handlers (called through
 * PanelHost.call, as the webview does), the VM's warning in the tree, CSV export, esxtop capture.
 */
import { withDialogs } from '../dialogs';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { withLab, type LabVm } from '../../lab/index';
import { writeCapture } from '../../fixtures/esxtop/generate';
import type { VsphereLabApi } from '../../../src/extension/extension';
import type { PanelHost } from '../../../src/extension/panels/panelHost';
import type { MemoryPanelState, MemoryProtocol } from '../../../src/webview/memory/protocol';

const EXTENSION_ID = 'vsphere-lab.vsphere-lab';
const VIEW = 'vsphereLab.memory';
type Host = PanelHost<MemoryProtocol, MemoryPanelState>;

describe('memory charts (real VS Code)', function () {
  this.timeout(120_000);
  const lab = withLab({ vcsim: { dc: 1, cluster: 1, host: 2, vm: 2, username: 'administrator@vsphere.local', password: 'Lab-pass.1' } });
  let a: VsphereLabApi;
  let conn: string;
  let vm: LabVm;
  let tmp: string;

  before(async () => {
    a = await vscode.extensions.getExtension<VsphereLabApi>(EXTENSION_ID)!.activate();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-mem-it-'));
    conn = await vscode.commands.executeCommand<string>('vsphereLab.addConnection', { url: lab.vcsim.sdkUrl, username: lab.vcsim.username, password: lab.vcsim.password });
    assert.ok(await vscode.commands.executeCommand<boolean>('vsphereLab.trustCertificate', { conn, thumbprint: lab.vcsim.thumbprintSha256 }));
    vm = (await lab.vcsim.listVms()).find((v) => v.powerState === 'poweredOn')!;
    await lab.vcsim.injectPerf(
      { entity: vm.moref, counter: 'mem.vmmemctl.average', values: [256000, 512000] },
      { entity: vm.moref, counter: 'mem.swapped.average', values: [81920] },
    );
  });
  lab.beforeStop(async () => {
    for (const h of instances()) h.dispose();
    if (conn) await vscode.commands.executeCommand('vsphereLab.removeConnection', conn, { confirm: false });
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  let hostClass: { instances(v: string): Host[] } | undefined;
  const instances = (): Host[] => hostClass?.instances(VIEW) ?? [];

  function vmNode() {
    const key = a.inventory.sessions.snapshot(conn)!.tree.vmKey({ type: 'VirtualMachine', value: vm.moref })!;
    return a.inventory.provider.itemNode(conn, key);
  }

  it('Show Memory on a VM: the panel gets the injected balloon and swap in MB', async () => {
    await a.inventory.sessions.load(conn);
    const shown = await vscode.commands.executeCommand<Host>('vsphereLab.showMemory', vmNode());
    assert.ok(shown, 'the command returns the panel');
    hostClass = shown.constructor as unknown as { instances(v: string): Host[] };
    await shown.ready;
    const host = instances()[0];
    assert.equal(host, shown);
    assert.equal(host.panel.title, `Memory: ${vm.name}`);
    const view = await host.call('load', { range: 'realtime' });
    assert.equal(view.kind, 'vm');
    assert.equal(view.vm?.latest.balloon, 500, '512000 KB = 500 MB');
    assert.equal(view.vm?.latest.swapped, 80);
    assert.equal(view.vm?.ballooning, true);
    assert.equal(view.vm?.swapping, true);
    const stack = view.charts.find((c) => c.id === 'vmStack')!;
    const balloon = stack.series.find((s) => s.label === 'Balloon')!;
    assert.deepEqual([...new Set(balloon.values.filter((v) => v !== null))].sort((x, y) => x! - y!), [250, 500]);
    assert.ok(stack.t.length > 2);
    assert.equal(view.vm?.overhead.estimates.length, 2, 'documented estimates next to the measured overhead');
    assert.ok(view.host?.ladder, 'the ladder of the VM\'s host');
    const strings = host.uiStrings();
    assert.equal(strings['Export CSV'], vscode.env.language.startsWith('fr') ? 'Exporter en CSV' : 'Export CSV');
  });

  it('the VM shows its warning in the tree', async () => {
    const item = await a.inventory.provider.getTreeItem(vmNode());
    assert.match(String(item.description), /balloon 500 MB, swapped 80 MB/);
    assert.equal(((item.iconPath as vscode.ThemeIcon).color as vscode.ThemeColor).id, 'problemsWarningIcon.foreground');
  });

  it('Show Memory on the VM\'s host lists the VMs that balloon or swap, and the ladder', async () => {
    const hostKey = `host:${vm.host}`;
    assert.equal(a.inventory.sessions.snapshot(conn)!.tree.get(hostKey)?.kind, 'host');
    const shown = await vscode.commands.executeCommand<Host>('vsphereLab.showMemory', a.inventory.provider.itemNode(conn, hostKey));
    await shown.ready;
    assert.equal(instances().length, 2);
    const view = await shown.call('load', { range: 'realtime' });
    assert.equal(view.kind, 'host');
    assert.deepEqual(view.host!.reclaiming.map((v) => v.name), [vm.name]);
    assert.ok(view.host!.state, 'a memory state');
    // The lab's default hosts are ESXi 6.5: the 6.0+ ladder (large pages first, compression before swap).
    assert.equal(view.host!.generation?.family, '6.x');
    assert.deepEqual(view.host!.ladder!.map((s) => s.step), ['largePages', 'tps', 'balloon', 'compress', 'swap', 'block']);
    // Swap is "now" only when the host's state triggers it; otherwise the swapping VM makes it "seen on 1 VM".
    const swap = view.host!.ladder!.find((s) => s.step === 'swap')!;
    const triggered = view.host!.state === 'hard' || view.host!.state === 'low';
    assert.equal(swap.active, triggered);
    assert.equal(swap.seenOnly, !triggered);
    assert.equal(swap.seenOnVms, 1, 'the swapping VM is counted on the swap step');
    const perVm = view.charts.find((c) => c.id === 'vmBalloon')!;
    assert.ok(perVm.series.some((s) => s.label === vm.name));
    // CSV export through the same handler the webview uses; the path comes from the extension's save dialog.
    const out = vscode.Uri.file(path.join(tmp, 'host.csv'));
    const r = await withDialogs({ save: () => out }, () => shown.call('exportCsv', { csv: 'time,a\n1970-01-01T00:00:00.000Z,1\n', suggestedName: 'x.csv' }));
    assert.equal(r.saved, true);
    assert.equal(fs.readFileSync(out.fsPath, 'utf8'), 'time,a\n1970-01-01T00:00:00.000Z,1\n');
    const png = vscode.Uri.file(path.join(tmp, 'host.png'));
    const onePx = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
    assert.equal((await withDialogs({ save: () => png }, () => shown.call('exportPng', { dataUrl: onePx, suggestedName: 'x.png' }))).saved, true);
    assert.deepEqual([...fs.readFileSync(png.fsPath).subarray(1, 4)], [...Buffer.from('PNG')]);
    await assert.rejects(withDialogs({ save: () => png }, () => shown.call('exportPng', { dataUrl: 'data:text/plain,hi', suggestedName: 'x.png' })), /not a PNG/);
    // A forged export naming its own target (the old test-only parameter) still goes through the dialog; declined → nothing written.
    const forgedTarget = vscode.Uri.file(path.join(tmp, 'forged.csv'));
    const forged = { csv: 'x', suggestedName: '../../etc/x.csv', target: forgedTarget.toString() } as unknown as { csv: string; suggestedName: string };
    await withDialogs({ save: () => undefined }, async (asked) => {
      assert.equal((await shown.call('exportCsv', forged)).saved, false);
      assert.deepEqual(asked.map((q) => q.kind), ['save']);
    });
    assert.equal(fs.existsSync(forgedTarget.fsPath), false);
  });

  it('once the VM stops ballooning, the tree warning goes away on the next load', async () => {
    await lab.vcsim.clearPerf();
    const host = instances().find((h) => h.state.kind === 'live' && h.state.entity.value === vm.moref)!;
    const view = await host.call('load', { range: 'realtime' });
    assert.equal(view.vm?.ballooning, false);
    const item = await a.inventory.provider.getTreeItem(vmNode());
    assert.doesNotMatch(String(item.description), /balloon/);
  });

  it('Open esxtop Capture on a .csv: a host view with the swap spike', async () => {
    const file = path.join(tmp, 'night.csv');
    const truth = writeCapture(file, { host: 'esx02.lab.local', names: ['web01', 'db01', 'mail01'], samples: 1800, spikeAt: 1200, swapVms: [1] });
    const shown = await vscode.commands.executeCommand<Host>('vsphereLab.openEsxtop', vscode.Uri.file(file));
    await shown.ready;
    assert.equal(shown.panel.title, 'esxtop: night.csv');
    const view = await shown.call('load', {});
    assert.equal(view.kind, 'esxtop');
    const swapped = view.charts.find((c) => c.id === 'vmSwapped')!;
    assert.deepEqual(swapped.series.map((s) => s.label), ['db01']);
    assert.equal(Math.max(...(swapped.series[0].values.filter((v) => v !== null) as number[])), truth.maxSwappedMB[1]);
    const at = swapped.t[swapped.series[0].values.indexOf(truth.maxSwappedMB[1])];
    assert.equal(at, truth.times[1200], 'the spike at its time');
    assert.deepEqual(view.host!.vms.map((v) => v.name).sort(), ['db01', 'mail01', 'web01']);
    // A zoomed window reloads that part only.
    const w = await shown.call('load', { window: [truth.times[1100], truth.times[1300]] });
    assert.equal(w.charts[0].t.length, 201);
    // Not an esxtop file: a clear error, no panel.
    const bad = path.join(tmp, 'other.csv');
    fs.writeFileSync(bad, 'a,b\n1,2\n');
    const before = instances().length;
    assert.equal(await vscode.commands.executeCommand('vsphereLab.openEsxtop', vscode.Uri.file(bad)), undefined);
    assert.equal(instances().length, before);
  });
});
