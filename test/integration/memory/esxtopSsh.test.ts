/**
 * "Capture esxtop over SSH…" inside the real VS Code: against the lab's ESXi SSH simulator (paired with
 * a vcsim -esx holding the VMs and injected perf), the command streams `esxtop -b -a` into the parser,
 * saves the CSV and opens the memory panel on it as an esxtop capture.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { withLab } from '../../lab/index';
import type { VsphereLabApi } from '../../../src/extension/extension';
import type { PanelHost } from '../../../src/extension/panels/panelHost';
import type { MemoryPanelState, MemoryProtocol } from '../../../src/webview/memory/protocol';

const EXTENSION_ID = 'vsphere-lab.vsphere-lab';
type Host = PanelHost<MemoryProtocol, MemoryPanelState>;

describe('memory esxtop over SSH (real VS Code)', function () {
  this.timeout(120_000);
  const lab = withLab({ vcsim: { esx: true, vm: 3 }, esxi: { hostname: 'esx-it-ssh' } });
  let tmp: string;
  const shown: Host[] = [];

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-esxtop-ssh-it-'));
  });
  lab.beforeStop(async () => {
    for (const h of shown) h.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const args = (extra: Record<string, unknown>) => ({
    sshHost: `${lab.esxi.host}:${lab.esxi.port}`, username: lab.esxi.username, password: lab.esxi.password, hostKey: lab.esxi.hostKeySha256, samples: 2, delaySeconds: 2, ...extra,
  });

  it('captures, saves the CSV and opens the panel with the injected balloon in MB', async () => {
    const vms = (await lab.vcsim.listVms()).filter((v) => v.powerState === 'poweredOn');
    await lab.vcsim.injectPerf({ entity: vms[0].moref, counter: 'mem.vmmemctl.average', values: [204800] });
    const out = vscode.Uri.file(path.join(tmp, 'now.csv'));
    const host = await vscode.commands.executeCommand<Host>('vsphereLab.captureEsxtopSsh', args({ save: out.toString() }));
    assert.ok(host, 'the command returns the panel');
    shown.push(host);
    await host.ready;
    assert.equal(host.panel.title, 'esxtop: now.csv');
    assert.equal(host.state.kind, 'esxtop');
    assert.ok(lab.esxi.commands.includes('esxtop -b -a -d 2 -n 2'));
    assert.ok(fs.existsSync(out.fsPath) && !fs.existsSync(`${out.fsPath}.part`), 'saved, renamed into place');
    assert.match(fs.readFileSync(out.fsPath, 'utf8'), /^"\(PDH-CSV 4\.0\)/);
    const view = await host.call('load', {});
    assert.equal(view.kind, 'esxtop');
    assert.deepEqual(view.host!.vms.map((v) => v.name).sort(), vms.map((v) => v.name).sort());
    assert.equal(view.host!.vms.find((v) => v.name === vms[0].name)!.latest.balloon, 200, '204800 KB = 200 MB');
  });

  it('the key the capture pinned is trusted for another purpose (certificate deploy) with no prompt', async () => {
    const { ssh } = await vscode.extensions.getExtension<VsphereLabApi>(EXTENSION_ID)!.activate();
    const target = { host: lab.esxi.host, port: lab.esxi.port };
    assert.equal(await ssh.pins.get(target), lab.esxi.hostKeySha256, 'pinned by the capture above');
    // interactive: false — an unknown key would be an error here, not a prompt.
    const session = await ssh.connect(target, { purpose: 'certificate deploy', username: lab.esxi.username, password: lab.esxi.password, interactive: false });
    try {
      assert.equal(session.hostKey, lab.esxi.hostKeySha256);
    } finally {
      session.close();
    }
  });

  it('without a save target the capture goes to the extension\'s storage (the panel can reread it)', async () => {
    const host = await vscode.commands.executeCommand<Host>('vsphereLab.captureEsxtopSsh', args({ save: false, samples: 1 }));
    shown.push(host);
    await host.ready;
    assert.equal(host.state.kind, 'esxtop');
    const file = vscode.Uri.parse((host.state as { file: string }).file).fsPath;
    assert.match(file, /esxtop[\\/]127\.0\.0\.1-\d{8}T\d{6}Z\.csv$/);
    assert.ok(fs.existsSync(file));
  });

  it('a wrong pinned host key: nothing captured, no panel', async () => {
    const before = lab.esxi.commands.filter((c) => c.startsWith('esxtop')).length;
    const r = await vscode.commands.executeCommand('vsphereLab.captureEsxtopSsh', args({ save: false, hostKey: 'SHA256:' + 'A'.repeat(43) }));
    assert.equal(r, undefined);
    assert.equal(lab.esxi.commands.filter((c) => c.startsWith('esxtop')).length, before);
  });
});
