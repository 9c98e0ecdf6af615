/**
 * Backup diagnostics inside the real VS Code: a VM from the inventory (vcsim), a .vmx copy in a
 * temp folder, the Data Recovery log fixtures, and the editor diagnostics.
 *
 * vcsim accepts a guest id change through ReconfigVM_Task (govmomi's simulator validates it
 * against its GuestID list), so the test shapes a real Windows Server 2008 R2 VM:
 * config.guestId = windows7Server64Guest and extraConfig disk.EnableUUID = TRUE.
 */
import * as assert from 'node:assert/strict';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { withLab, REPO_ROOT } from '../../lab/index';
import type { VsphereLabApi } from '../../../src/extension/extension';
import type { PanelHost } from '../../../src/extension/panels/panelHost';
import type { BackupProtocol, BackupReport, BackupState } from '../../../src/webview/backup/protocol';
import { moref } from '../../../src/core/vsphere/decode';
import { runTask } from '../../../src/core/vsphere/tasks';
import { xsdString } from '../../../src/core/vsphere/soap';
import { getExtraConfig } from '../../../src/core/vsphere/vm';
import { retrieveProperty } from '../../../src/core/vsphere/property';
import { errorCode } from '../../../src/core/errors';
import { lineScan } from '../../../src/core/backup/logs/linescan';
import { LogAnalyzer } from '../../../src/core/backup/logs';
import { HOST_KEYS_KEY, LEGACY_PIN_KEYS } from '../../../src/extension/ssh/pins';

type Host = PanelHost<BackupProtocol, BackupState>;
const FIX = join(REPO_ROOT, 'test', 'fixtures', 'vdr');
const SOURCE = 'vSphere Lab backup';

async function api(): Promise<VsphereLabApi> {
  return vscode.extensions.getExtension<VsphereLabApi>('vsphere-lab.vsphere-lab')!.activate();
}

async function until<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function backupDiags(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

const finding = (r: BackupReport, id: string) => r.findings.find((f) => f.id === id);

describe('backup diagnostics (real VS Code)', function () {
  this.timeout(120_000);

  describe('a VM from the inventory (vcsim)', () => {
    const lab = withLab({ vcsim: { dc: 1, cluster: 1, host: 1, vm: 2, username: 'administrator@vsphere.local', password: 'Lab-pass.1' } });
    let a: VsphereLabApi;
    let conn: string;
    const hosts: Host[] = [];

    before(async () => {
      a = await api();
      conn = await vscode.commands.executeCommand<string>('vsphereLab.addConnection', { url: lab.vcsim.sdkUrl, username: lab.vcsim.username, password: lab.vcsim.password, thumbprint: lab.vcsim.thumbprintSha256 });
      await until('connected', () => a.inventory.sessions.state(conn).status === 'connected' || undefined);
      // Shape both VMs as Windows Server 2008 R2 with application-consistent quiescing on.
      const client = await a.inventory.sessions.client(conn);
      for (const vm of await lab.vcsim.listVms()) {
        await runTask(client, 'ReconfigVM_Task', moref('VirtualMachine', vm.moref), [['spec', {
          guestId: 'windows7Server64Guest',
          extraConfig: [{ key: 'disk.EnableUUID', value: xsdString('TRUE') }],
        }]]);
      }
      await a.inventory.sessions.load(conn, true);
    });
    lab.beforeStop(async () => {
      for (const h of hosts) h.dispose();
      if (conn) await vscode.commands.executeCommand('vsphereLab.removeConnection', conn, { confirm: false });
    });

    const nodeOf = (ref: string) => {
      const key = a.inventory.sessions.snapshot(conn)!.tree.vmKey({ type: 'VirtualMachine', value: ref })!;
      return a.inventory.provider.itemNode(conn, key);
    };

    it('the tree command opens the panel; the 2008 R2 finding shows its API evidence; the fix waits for power off', async () => {
      const [vm] = (await lab.vcsim.listVms()).filter((v) => v.powerState === 'poweredOn');
      assert.equal(vm.guestId, 'windows7Server64Guest', 'vcsim took the guest id');
      const host = await vscode.commands.executeCommand<Host>('vsphereLab.backupDiagnose', nodeOf(vm.moref), { confirm: false });
      hosts.push(host);
      assert.equal(host.state.target.kind, 'vm');
      const r = await host.call('load', {});
      assert.equal(r.title, vm.name);
      assert.equal(r.powerState, 'poweredOn');
      const f = finding(r, 'vdr.win2008-app-quiesce');
      assert.ok(f, `finding present in ${r.findings.map((x) => x.id).join(', ')}`);
      assert.equal(f.severity, 'error');
      assert.ok(f.evidence.some((e) => e.kind === 'api' && e.label === 'config.extraConfig[disk.EnableUUID]' && e.text === 'TRUE'), 'extraConfig evidence');
      assert.ok(f.evidence.some((e) => e.kind === 'api' && e.label === 'config.guestId' && e.text === 'windows7Server64Guest'), 'guest id evidence');
      assert.equal(f.fixes[0].state, 'needsPowerOff');
      assert.match(f.fixes[0].label, /disk\.EnableUUID = "FALSE"/);
      // Applying while powered on is refused, and nothing changes on the VM.
      const refused = await host.call('applyFix', { key: f.key, fix: 0 });
      assert.equal(refused.ok, false);
      assert.match(refused.message, /powered off/);
      const client = await a.inventory.sessions.client(conn);
      assert.equal((await getExtraConfig(client, moref('VirtualMachine', vm.moref)))['disk.EnableUUID'], 'TRUE');
      // The webview loaded under the CSP and asked for its report too.
      await host.ready;
    });

    it('power off from the tree → fix through ReconfigVM_Task → the check is clean and a fresh read shows FALSE', async () => {
      const [vm] = (await lab.vcsim.listVms()).filter((v) => v.powerState === 'poweredOn');
      await vscode.commands.executeCommand('vsphereLab.powerOff', nodeOf(vm.moref), { confirm: false });
      const host = await vscode.commands.executeCommand<Host>('vsphereLab.backupDiagnose', { conn, ref: vm.moref }, { confirm: false });
      hosts.push(host);
      const r = await host.call('load', {});
      assert.equal(r.powerState, 'poweredOff');
      const f = finding(r, 'vdr.win2008-app-quiesce')!;
      assert.equal(f.fixes[0].state, 'apply');
      const done = await host.call('applyFix', { key: f.key, fix: 0 });
      assert.equal(done.ok, true, done.message);
      assert.equal(finding(done.report, 'vdr.win2008-app-quiesce'), undefined, 'finding gone after the re-check');
      assert.ok(done.report.resolved.some((x) => x.key === f.key), 'shown as resolved');
      const client = await a.inventory.sessions.client(conn);
      const fresh = await getExtraConfig(client, moref('VirtualMachine', vm.moref));
      assert.equal(fresh['disk.EnableUUID'], 'FALSE');
    });

    it('"Shut down guest, then apply" shuts the guest down, waits for poweredOff and applies', async () => {
      const [vm] = (await lab.vcsim.listVms()).filter((v) => v.powerState === 'poweredOn');
      assert.ok(vm, 'a powered-on VM is left');
      const host = await vscode.commands.executeCommand<Host>('vsphereLab.backupDiagnose', nodeOf(vm.moref), { confirm: false });
      hosts.push(host);
      const f = finding(await host.call('load', {}), 'vdr.win2008-app-quiesce')!;
      const done = await host.call('applyFix', { key: f.key, fix: 0, shutdownFirst: true });
      assert.equal(done.ok, true, done.message);
      const client = await a.inventory.sessions.client(conn);
      const ref = moref('VirtualMachine', vm.moref);
      assert.equal(await retrieveProperty(client, ref, 'runtime.powerState'), 'poweredOff');
      assert.equal((await getExtraConfig(client, ref))['disk.EnableUUID'], 'FALSE');
      assert.equal(finding(done.report, 'vdr.win2008-app-quiesce'), undefined);
    });
  });

  describe('where the VM was created: inferred for a VM from the API, chosen for a .vmx', () => {
    const lab = withLab({ vcsim: { dc: 1, cluster: 1, host: 1, vm: 1, username: 'administrator@vsphere.local', password: 'Lab-pass.1' } });
    let a: VsphereLabApi;
    let conn: string;
    let dir: string;
    let uri: vscode.Uri;
    before(async () => {
      a = await api();
      conn = await vscode.commands.executeCommand<string>('vsphereLab.addConnection', { url: lab.vcsim.sdkUrl, username: lab.vcsim.username, password: lab.vcsim.password, thumbprint: lab.vcsim.thumbprintSha256 });
      await until('connected', () => a.inventory.sessions.state(conn).status === 'connected' || undefined);
      // Windows Server 2008 R2 and no disk.EnableUUID at all: the rule depends on where the VM was created.
      const client = await a.inventory.sessions.client(conn);
      for (const vm of await lab.vcsim.listVms()) {
        await runTask(client, 'ReconfigVM_Task', moref('VirtualMachine', vm.moref), [['spec', { guestId: 'windows7Server64Guest' }]]);
      }
      dir = mkdtempSync(join(tmpdir(), 'vlab-backup-created-'));
      const text = readFileSync(join(FIX, 'vmx', 'w2k8r2-41.vmx'), 'utf8').split('\n').filter((l) => !/^disk\.EnableUUID/i.test(l)).join('\n');
      writeFileSync(join(dir, 'APP01.vmx'), text);
      uri = vscode.Uri.file(join(dir, 'APP01.vmx'));
    });
    lab.beforeStop(async () => {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      if (conn) await vscode.commands.executeCommand('vsphereLab.removeConnection', conn, { confirm: false });
      rmSync(dir, { recursive: true, force: true });
    });

    it('a VM from the tree: the created-on version is inferred from its hardware version and host, and the finding says so', async () => {
      const [vm] = await lab.vcsim.listVms();
      const client = await a.inventory.sessions.client(conn);
      const hostRef = await retrieveProperty(client, moref('VirtualMachine', vm.moref), 'runtime.host') as { value: string };
      const hostVersion = String(await retrieveProperty(client, moref('HostSystem', hostRef.value), 'config.product.version'));
      const hw = Number(/(\d+)$/.exec(String(await retrieveProperty(client, moref('VirtualMachine', vm.moref), 'config.version')))![1]);
      const host = await vscode.commands.executeCommand<Host>('vsphereLab.backupDiagnose', { conn, ref: vm.moref }, { confirm: false });
      try {
        const r = await host.call('load', {});
        assert.equal(r.createdOn?.mode, 'inferred');
        assert.equal(r.createdOn?.relevant, true);
        assert.ok(hw >= 7, `vcsim VM hardware ${hw}`);
        if (hw >= 8) assert.match(r.createdOn?.reason ?? '', new RegExp(`hardware version ${hw} first came with vSphere`));
        else assert.match(r.createdOn?.reason ?? '', new RegExp(hostVersion.replace(/\./g, '\\.')));
        const f = finding(r, 'vdr.win2008-app-quiesce');
        assert.ok(f, r.findings.map((x) => x.id).join(', '));
        assert.equal(f.severity, 'warning', 'an inference is a warning, not an error');
        assert.match(f.explanation, /inferred, not read/);
        assert.ok(f.evidence.some((e) => e.kind === 'api' && e.label === 'config.version'), f.evidence.map((e) => e.label).join(', '));
      } finally {
        host.dispose();
      }
    });

    it('a .vmx: "Created on vSphere…" re-runs the rules, is kept per file, and the editor diagnostics follow', async () => {
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc);
      let host = await vscode.commands.executeCommand<Host>('vsphereLab.backupDiagnose', uri);
      const r0 = await host.call('load', {});
      assert.deepEqual({ mode: r0.createdOn?.mode, value: r0.createdOn?.value, relevant: r0.createdOn?.relevant }, { mode: 'choice', value: '', relevant: true });
      assert.ok(r0.createdOn!.choices.includes('4.1') && r0.createdOn!.choices.includes('4.0'));
      assert.equal(finding(r0, 'vdr.win2008-app-quiesce'), undefined, 'not known → no finding');
      const r1 = await host.call('setCreatedOn', { version: '4.1' });
      const f = finding(r1, 'vdr.win2008-app-quiesce');
      assert.ok(f, r1.findings.map((x) => x.id).join(', '));
      assert.equal(f.severity, 'error');
      assert.ok(f.evidence.some((e) => e.kind === 'option' && e.text === '4.1'));
      await until('editor diagnostic follows the choice', () => backupDiags(uri).some((d) => d.code === 'vdr.win2008-app-quiesce') || undefined);
      // Kept for this file: a new panel (and a new check) starts from it.
      host.dispose();
      host = await vscode.commands.executeCommand<Host>('vsphereLab.backupDiagnose', uri);
      const r2 = await host.call('load', {});
      assert.equal(r2.createdOn?.value, '4.1');
      assert.ok(finding(r2, 'vdr.win2008-app-quiesce'));
      const r3 = await host.call('setCreatedOn', { version: '4.0' });
      assert.equal(finding(r3, 'vdr.win2008-app-quiesce'), undefined);
      await until('editor diagnostic gone', () => backupDiags(uri).every((d) => d.code !== 'vdr.win2008-app-quiesce') || undefined);
      await assert.rejects(host.call('setCreatedOn', { version: 'four' }), /not a vSphere version/);
      const r4 = await host.call('setCreatedOn', { version: '' });
      assert.equal(r4.createdOn?.value, '');
      host.dispose();
    });
  });

  describe('a .vmx file', () => {
    let dir: string;
    let uri: vscode.Uri;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'vlab-backup-vmx-'));
      copyFileSync(join(FIX, 'vmx', 'w2k8r2-41.vmx'), join(dir, 'EXCH01.vmx'));
      uri = vscode.Uri.file(join(dir, 'EXCH01.vmx'));
    });
    after(async () => {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      rmSync(dir, { recursive: true, force: true });
    });

    it('diagnostics on the open .vmx beside the lint, with a quick fix', async () => {
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc);
      const diags = await until('backup diagnostics', () => backupDiags(uri).length ? backupDiags(uri) : undefined);
      const d = diags.find((x) => x.code === 'vdr.win2008-app-quiesce');
      assert.ok(d, diags.map((x) => x.code).join(', '));
      assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
      assert.equal(doc.lineAt(d.range.start.line).text, 'disk.EnableUUID = "TRUE"');
      assert.ok(diags.some((x) => x.code === 'vdr.floppy-2008r2'));
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, d.range);
      const fix = actions.find((x) => x.title === 'Set disk.EnableUUID = "FALSE"');
      assert.ok(fix?.edit, actions.map((x) => x.title).join(', '));
      assert.ok(actions.some((x) => x.title === 'Open Backup Diagnostics'));
    });

    it('the panel fix is a WorkspaceEdit of the open document; the finding resolves; Undo restores', async () => {
      const before = readFileSync(uri.fsPath, 'utf8');
      const host = await vscode.commands.executeCommand<Host>('vsphereLab.backupDiagnose', uri);
      const r = await host.call('load', {});
      const f = finding(r, 'vdr.win2008-app-quiesce')!;
      const ev = f.evidence.find((e) => e.kind === 'vmx' && e.text.startsWith('disk.EnableUUID'))!;
      assert.equal(ev.label, 'EXCH01.vmx:23');
      assert.equal(f.fixes[0].state, 'apply');
      const done = await host.call('applyFix', { key: f.key, fix: 0 });
      assert.equal(done.ok, true, done.message);
      assert.ok(done.report.resolved.some((x) => x.key === f.key));
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString())!;
      assert.match(doc.getText(), /^disk\.EnableUUID = "FALSE"$/m);
      assert.equal(doc.isDirty, true, 'an edit, not a write');
      assert.equal(readFileSync(uri.fsPath, 'utf8'), before, 'the file on disk is untouched until saved');
      await until('diagnostic cleared', () => backupDiags(uri).every((x) => x.code !== 'vdr.win2008-app-quiesce') || undefined);
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('undo');
      assert.equal(doc.getText(), before, 'undo restores the text exactly');
      await until('diagnostic back', () => backupDiags(uri).some((x) => x.code === 'vdr.win2008-app-quiesce') || undefined);
      // The panel re-checks after the undo and shows the finding again.
      const again = await host.call('load', {});
      assert.ok(finding(again, 'vdr.win2008-app-quiesce'));
      host.dispose();
    });

    it('refuses to edit while the VM runs (lock files next to the .vmx)', async () => {
      mkdirSync(join(dir, 'EXCH01.vmx.lck'));
      try {
        const host = await vscode.commands.executeCommand<Host>('vsphereLab.backupDiagnose', uri);
        const r = await host.call('load', {});
        const f = finding(r, 'vdr.win2008-app-quiesce')!;
        assert.equal(f.fixes[0].state, 'blocked');
        assert.match(f.fixes[0].note ?? '', /running/);
        const text = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString())!.getText();
        const res = await host.call('applyFix', { key: f.key, fix: 0 });
        assert.equal(res.ok, false);
        assert.equal(vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString())!.getText(), text);
        const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri,
          backupDiags(uri).find((x) => x.code === 'vdr.win2008-app-quiesce')!.range);
        const fix = actions.find((x) => x.title === 'Set disk.EnableUUID = "FALSE"');
        assert.ok(!fix || fix.disabled || !fix.edit, 'the quick fix is disabled while the VM runs');
        host.dispose();
      } finally {
        rmSync(join(dir, 'EXCH01.vmx.lck'), { recursive: true, force: true });
      }
    });
  });

  describe('Data Recovery logs', () => {
    const logs = ['datarecovery-0.log', 'datarecovery-1.log', 'vcbAPI-0.log'].map((n) => vscode.Uri.file(join(FIX, n)));
    after(async () => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

    it('the logs give the -3960 finding with evidence line numbers, the job timeline and errors by code', async () => {
      const host = await vscode.commands.executeCommand<Host>('vsphereLab.backupAnalyzeLogs', logs);
      const r = await host.call('load', {});
      const f = finding(r, 'vdr.log.quiesce-3960');
      assert.ok(f, r.findings.map((x) => x.id).join(', '));
      const ev = f.evidence.find((e) => e.kind === 'log')!;
      assert.equal(ev.label, 'datarecovery-0.log:4');
      assert.equal(ev.line, 4);
      assert.equal(ev.uri, logs[0].toString());
      // The -3960 line names no VM; the panel names the one whose job run was open then.
      assert.equal(f.vm, 'EXCH01');
      assert.match(f.explanation, /logged while the backup job run of EXCH01 \(1 line\) was open/);
      assert.ok(r.logs, 'log view');
      const exch = r.logs.jobs.find((j) => j.vms.includes('EXCH01'))!;
      assert.equal(exch.outcome, 'incomplete');
      assert.ok(exch.start !== undefined && exch.end !== undefined && exch.end >= exch.start);
      assert.ok(r.logs.jobs.some((j) => j.outcome === 'completed'), 'the clean night from the older rotation');
      assert.ok(r.logs.jobs.some((j) => j.outcome === 'terminated-at-stop-time'));
      assert.deepEqual(r.logs.errors.find((x) => x.code === '-3960')!.duringRuns, ['EXCH01']);
      const g = r.logs.errors.find((x) => x.code === '-3956')!;
      assert.equal(g.count, 3);
      assert.ok(g.first.line! < g.last.line!);
      assert.equal(r.logs.vms.find((v) => v.vm === 'EXCH01')?.outcomes.incomplete, 1);
      // Evidence opens the file at the line.
      await host.call('openEvidence', { uri: ev.uri!, line: ev.line });
      const ed = await until('editor on the log', () => vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === ev.uri));
      assert.equal(ed.selection.active.line, 3);
      assert.equal(ed.document.languageId, 'vdr-log');
      host.dispose();
    });

    it('the analysis\'s WebAssembly line scanner runs in VS Code\'s extension host, with the JavaScript scanner\'s results', async () => {
      assert.ok(lineScan(), 'WebAssembly with SIMD did not load in the extension host');
      const text = readFileSync(logs[0].fsPath);
      const results = [];
      for (const scanner of ['wasm', 'js'] as const) {
        const an = new LogAnalyzer({ referenceTime: Date.UTC(2012, 7, 20) }, scanner);
        await an.consume([text], 'datarecovery-0.log');
        results.push(an.result());
      }
      assert.ok(results[0].errors.length > 0);
      assert.deepEqual(results[0], results[1]);
    });

    it('an open log gets diagnostics at the evidence lines', async () => {
      const doc = await vscode.workspace.openTextDocument(logs[0]);
      await vscode.window.showTextDocument(doc);
      const diags = await until('log diagnostics', () => backupDiags(logs[0]).length ? backupDiags(logs[0]) : undefined);
      const q = diags.filter((d) => d.code === 'vdr.log.quiesce-3960');
      assert.deepEqual(q.map((d) => d.range.start.line), [3]);
      assert.equal(q[0].severity, vscode.DiagnosticSeverity.Error);
      assert.ok(diags.some((d) => d.code === 'vdr.log.read-errors' && d.range.start.line === 7));
    });

    it('the .vmx and the logs together tie the -3960 lines to the VM', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'vlab-backup-both-'));
      try {
        copyFileSync(join(FIX, 'vmx', 'w2k8r2-41.vmx'), join(dir, 'EXCH01.vmx'));
        const host = await vscode.commands.executeCommand<Host>('vsphereLab.backupDiagnose', vscode.Uri.file(join(dir, 'EXCH01.vmx')), { logs });
        const r = await host.call('load', {});
        const f = finding(r, 'vdr.win2008-app-quiesce')!;
        assert.ok(f.evidence.some((e) => e.kind === 'log' && e.label === 'datarecovery-0.log:4'), f.evidence.map((e) => e.label).join(', '));
        assert.ok(f.evidence.some((e) => e.kind === 'vmx'));
        host.dispose();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
  describe('logs fetched over SSH (OpenSSH sshd as the appliance)', () => {
    const lab = withLab({ sshd: {} });
    let root: string;
    let dest: string;
    before(async () => {
      root = mkdtempSync(join(tmpdir(), 'vlab-vdr-appliance-'));
      chmodSync(root, 0o755);
      for (const [dir, files] of [['main', ['datarecovery-0.log', 'datarecovery-1.log']], ['vddk', ['vcbAPI-0.log']]] as const) {
        mkdirSync(join(root, dir), { mode: 0o755 });
        chmodSync(join(root, dir), 0o755);
        for (const f of files) copyFileSync(join(FIX, f), join(root, dir, f));
      }
      dest = mkdtempSync(join(tmpdir(), 'vlab-vdr-fetched-'));
    });
    lab.beforeStop(async () => {
      rmSync(root, { recursive: true, force: true });
      rmSync(dest, { recursive: true, force: true });
    });

    it('fetches the logs with the pinned host key and opens the logs panel with the -3960 finding', async function () {
      if (!lab.sshd.password) this.skip(); // password login needs the lab sshd to run as root
      const host = await vscode.commands.executeCommand<Host | undefined>('vsphereLab.backupFetchLogs', {
        host: lab.sshd.host, port: lab.sshd.port, username: lab.sshd.username, password: lab.sshd.password, hostKey: lab.sshd.hostKeySha256,
        dirs: [join(root, 'main'), join(root, 'vddk')], dest: vscode.Uri.file(dest),
      });
      assert.ok(host, 'a panel opened');
      for (const f of ['datarecovery-0.log', 'datarecovery-1.log', 'vcbAPI-0.log']) {
        assert.ok(existsSync(join(dest, f)), `${f} copied`);
        assert.deepEqual(readFileSync(join(dest, f)), readFileSync(join(FIX, f)));
      }
      const r = await host.call('load', {});
      const ev = finding(r, 'vdr.log.quiesce-3960')!.evidence.find((e) => e.kind === 'log')!;
      assert.equal(ev.uri, vscode.Uri.file(join(dest, 'datarecovery-0.log')).toString());
      assert.equal(ev.line, 4);
      host.dispose();
    });

    it('a host key that does not match the pin stops the fetch; nothing is copied', async function () {
      if (!lab.sshd.password) this.skip();
      const empty = mkdtempSync(join(tmpdir(), 'vlab-vdr-refused-'));
      try {
        const host = await vscode.commands.executeCommand<Host | undefined>('vsphereLab.backupFetchLogs', {
          host: lab.sshd.host, port: lab.sshd.port, username: lab.sshd.username, password: lab.sshd.password, hostKey: 'SHA256:' + 'A'.repeat(43),
          dirs: [join(root, 'main')], dest: vscode.Uri.file(empty),
        });
        assert.equal(host, undefined);
        assert.equal(existsSync(join(empty, 'datarecovery-0.log')), false);
      } finally {
        rmSync(empty, { recursive: true, force: true });
      }
    });

    it('an esxtop pin from the per-feature stores is trusted here with no prompt; the old stores are merged into one and deleted', async function () {
      if (!lab.sshd.password) this.skip();
      const a = await api();
      const target = { host: lab.sshd.host, port: lab.sshd.port };
      const hp = `${lab.sshd.host}:${lab.sshd.port}`;
      const [A, B] = ['SHA256:' + 'A'.repeat(43), 'SHA256:' + 'B'.repeat(43)];
      await a.ssh.pins.forget(target); // pinned by the first test: start from the old stores only
      await a.globalState.update(LEGACY_PIN_KEYS.esxtop, { [hp]: lab.sshd.hostKeySha256, 'esx-disputed.lab:22': A });
      await a.globalState.update(LEGACY_PIN_KEYS.certificates, { 'esx-disputed.lab:22': B, 'esx-cert.lab:22': B });
      const into = mkdtempSync(join(tmpdir(), 'vlab-vdr-migrated-'));
      let timer: NodeJS.Timeout | undefined;
      try {
        // No key named: it must come from the store. An unknown key would open the trust prompt and wait.
        const host = await Promise.race([
          vscode.commands.executeCommand<Host | undefined>('vsphereLab.backupFetchLogs', {
            host: lab.sshd.host, port: lab.sshd.port, username: lab.sshd.username, password: lab.sshd.password,
            dirs: [join(root, 'main')], dest: vscode.Uri.file(into),
          }),
          new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('no answer in 30 s: the host-key prompt is probably open')), 30_000); }),
        ]);
        assert.ok(host, 'fetched with the pin esxtop made');
        host.dispose();
        assert.ok(existsSync(join(into, 'datarecovery-0.log')));
        const pins = a.globalState.get<Record<string, string>>(HOST_KEYS_KEY) ?? {};
        assert.equal(pins[hp], lab.sshd.hostKeySha256);
        assert.equal(pins['esx-cert.lab:22'], B, 'the certificate wizard\'s pin carried over');
        assert.equal('esx-disputed.lab:22' in pins, false, 'pins that disagree are dropped: the user will be asked');
        for (const k of Object.values(LEGACY_PIN_KEYS)) assert.equal(a.globalState.get(k), undefined, `${k} deleted`);
        assert.ok(a.recentLogLines().some((l) => l.includes('esx-disputed.lab:22 disagree')), 'the conflict is logged');
      } finally {
        clearTimeout(timer);
        rmSync(into, { recursive: true, force: true });
      }
    });

    it('the key pinned by the log fetch serves another purpose; "remember" keeps the password for all; a refused remembered password is forgotten', async function () {
      if (!lab.sshd.password) this.skip();
      const { ssh } = await api();
      const target = { host: lab.sshd.host, port: lab.sshd.port };
      const user = lab.sshd.username;
      // interactive: false — an unknown key or a missing password is an error here, never a prompt.
      const s1 = await ssh.connect(target, { purpose: 'terminal', username: user, password: lab.sshd.password, rememberPassword: true, interactive: false });
      try {
        assert.equal((await s1.exec('echo ok')).stdout.trim(), 'ok');
      } finally {
        s1.close();
      }
      assert.equal(await ssh.passwords.get(user, target), lab.sshd.password, 'remembered, as asked');
      const s2 = await ssh.connect(target, { purpose: 'certificate deploy', username: user, interactive: false });
      s2.close();
      await ssh.passwords.remember(user, target, `not-${lab.sshd.password}`);
      await assert.rejects(ssh.connect(target, { purpose: 'esxtop', username: user, interactive: false }), (e: unknown) => errorCode(e) === 'auth');
      assert.equal(await ssh.passwords.get(user, target), undefined, 'the refused password is forgotten');
    });
  });
});
