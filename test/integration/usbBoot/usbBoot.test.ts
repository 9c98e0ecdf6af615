/**
 * The USB boot helper in the real VS Code: commands on an open .vmx, driven with arguments
 * (`{ iso, confirm: false }`) so no dialog or preview opens.
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { VsphereLabApi } from '../../../src/extension/extension';
import { saveAfterPreflight, type UsbBootCommandResult } from '../../../src/extension/usbBoot';
import { recentLogLines as testCopyLogLines } from '../../../src/extension/log';
import { withLab } from '../../lab/index';

const EXTENSION_ID = 'vsphere-lab.vsphere-lab';
const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/usbboot');
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

/** 16 empty sectors, then "CD001" at 0x8001 (ECMA-119 volume descriptor). */
function writeTinyIso(file: string): void {
  const b = Buffer.alloc(36 * 1024);
  b[0x8000] = 1;
  b.write('CD001', 0x8001, 'ascii');
  b[0x8006] = 1;
  writeFileSync(file, b);
}

async function run(command: string, ...args: unknown[]): Promise<UsbBootCommandResult> {
  return (await vscode.commands.executeCommand<UsbBootCommandResult>(command, ...args))!;
}

async function closeAll(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

describe('usb boot helper (VS Code)', () => {
  let api: VsphereLabApi;
  let dir: string;
  let iso: string;

  before(async () => {
    const ext = vscode.extensions.getExtension<VsphereLabApi>(EXTENSION_ID);
    assert.ok(ext);
    api = await ext.activate();
    dir = mkdtempSync(path.join(tmpdir(), 'vlab-usbboot-int-'));
    iso = path.join(dir, 'plpbt.iso');
    writeTinyIso(iso);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(closeAll);

  function vm(fixture: string, name = fixture): string {
    const sub = mkdtempSync(path.join(dir, 'vm-'));
    const file = path.join(sub, name);
    copyFileSync(path.join(FIXTURES, fixture), file);
    return file;
  }

  it('contributes both commands', async () => {
    const all = await vscode.commands.getCommands(true);
    assert.ok(all.includes('vsphereLab.usbBoot'));
    assert.ok(all.includes('vsphereLab.usbBootRemove'));
  });

  it('applies ONE edit to the open document (not saved); Ctrl+Z restores the text', async () => {
    const file = vm('ws71-hw7-bios.vmx');
    const doc = await vscode.workspace.openTextDocument(file);
    const original = doc.getText();
    const hash = sha(file);
    const r = await run('vsphereLab.usbBoot', vscode.Uri.file(file), { iso, confirm: false });
    assert.equal(r.applied, true, JSON.stringify(r));
    assert.equal(r.route, 'plop');
    assert.equal(r.cdSlot, 'ide1:0');
    assert.equal(r.controller, 'usb2');
    assert.match(r.message ?? '', /Plop CD-ROM on ide1:0.*pick USB in Plop's menu/);
    const text = doc.getText();
    assert.match(text, /^ide1:0\.fileName = "(.*)"$/m);
    assert.equal(/^ide1:0\.fileName = "(.*)"$/m.exec(text)?.[1], iso);
    assert.match(text, /^bios\.bootOrder = "cdrom,hdd"$/m);
    assert.match(text, /^vsphereLab\.usbBoot\.undo = "/m);
    assert.ok(doc.isDirty, 'the document is changed, not saved');
    assert.equal(sha(file), hash, 'nothing written to disk');
    assert.equal(vscode.window.activeTextEditor?.document, doc, 'the .vmx is shown');

    await vscode.commands.executeCommand('undo');
    assert.equal(doc.getText(), original, 'one undo step restores the text');
  });

  it('remove restores the text exactly; saved, the file is byte-identical', async () => {
    const file = vm('ws9-cdrom-usb.vmx');
    const bytes = readFileSync(file);
    const doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
    // from the active editor, arguments only
    const r = await run('vsphereLab.usbBoot', { iso, confirm: false });
    assert.equal(r.applied, true, JSON.stringify(r));
    assert.equal(r.cdSlot, 'ide1:1');
    assert.ok(await doc.save());
    assert.match(readFileSync(file, 'utf8'), /vsphereLab\.usbBoot\.undo/);

    const again = await run('vsphereLab.usbBoot', { iso, confirm: false });
    assert.equal(again.applied, false);
    assert.equal(again.error?.code, 'already-applied');

    const u = await run('vsphereLab.usbBootRemove', vscode.Uri.file(file), { confirm: false });
    assert.equal(u.applied, true, JSON.stringify(u));
    assert.match(u.message ?? '', /6 keys restored/);
    assert.equal(doc.getText(), bytes.toString('utf8'));
    assert.ok(await doc.save());
    assert.ok(readFileSync(file).equals(bytes), 'byte-identical on disk');
  });

  it('CRLF file: the new lines use CRLF and remove gives the same text back', async () => {
    const file = vm('ws8-crlf.vmx');
    const doc = await vscode.workspace.openTextDocument(file);
    const original = doc.getText();
    assert.equal(doc.eol, vscode.EndOfLine.CRLF);
    assert.equal((await run('vsphereLab.usbBoot', vscode.Uri.file(file), { iso, confirm: false })).applied, true);
    assert.ok(!/[^\r]\n/.test(doc.getText()), 'CRLF everywhere');
    assert.equal((await run('vsphereLab.usbBootRemove', vscode.Uri.file(file), { confirm: false })).applied, true);
    assert.equal(doc.getText(), original);
  });

  it('UEFI VM: the firmware route, no ISO needed', async () => {
    const file = vm('ws16-uefi.vmx');
    const r = await run('vsphereLab.usbBoot', vscode.Uri.file(file), { confirm: false });
    assert.equal(r.applied, true, JSON.stringify(r));
    assert.equal(r.route, 'firmware');
    assert.equal(r.controller, 'usb3');
    assert.match(r.message ?? '', /firmware setup at its next power-on.*EFI USB/);
    const doc = vscode.window.activeTextEditor?.document;
    assert.match(doc?.getText() ?? '', /^bios\.forceSetupOnce = "TRUE"$/m);
  });

  it('refuses while the VM runs (*.lck): file hash and text unchanged, reason shown and logged', async () => {
    const file = vm('ws71-hw7-bios.vmx', 'xp.vmx');
    mkdirSync(path.join(path.dirname(file), 'xp.vmx.lck'));
    const hash = sha(file);
    const r = await run('vsphereLab.usbBoot', vscode.Uri.file(file), { iso, confirm: false });
    assert.equal(r.applied, false);
    assert.equal(r.error?.code, 'vm-running');
    assert.match(r.message ?? '', /Cannot add the USB boot helper to xp\.vmx: the VM is running.*xp\.vmx\.lck.*Power it off/);
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === file);
    assert.ok(doc && !doc.isDirty, 'the document is untouched');
    assert.equal(sha(file), hash);
    assert.ok(api.recentLogLines().some((l) => /usb boot: apply refused .*xp\.vmx \[vm-running\]/.test(l)), 'logged');
  });

  it('the Save button runs the preflight again: refused once the VM started (*.lck), file unchanged; saved once it stopped', async () => {
    const file = vm('ws71-hw7-bios.vmx', 'later.vmx');
    const hash = sha(file);
    const r = await run('vsphereLab.usbBoot', vscode.Uri.file(file), { iso, confirm: false });
    assert.equal(r.applied, true, JSON.stringify(r));
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === file)!;
    assert.ok(doc.isDirty);
    const lock = path.join(path.dirname(file), 'later.vmx.lck');
    mkdirSync(lock); // the user powered the VM on before clicking Save
    assert.equal(await saveAfterPreflight(doc), false, 'refused');
    assert.equal(sha(file), hash, 'the file on disk is unchanged');
    assert.ok(doc.isDirty, 'the edit stays in the editor');
    // saveAfterPreflight is this bundle's copy of the module: its log lines are in this copy's log
    assert.ok(testCopyLogLines().some((l) => /usb boot: save refused .*later\.vmx/.test(l)), 'logged');
    rmSync(lock, { recursive: true });
    assert.equal(await saveAfterPreflight(doc), true, 'saved once the VM is off');
    assert.match(readFileSync(file, 'utf8'), /^vsphereLab\.usbBoot\.undo = "/m);
  });

  it('windows-1252, all ASCII: the document is reopened as windows1252, so an ISO path with accents is saved in CP1252', async () => {
    const file = vm('ws71-hw7-bios.vmx', 'ascii.vmx');
    writeFileSync(file, readFileSync(file, 'latin1').replace(/^\.encoding = .*$/m, '.encoding = "windows-1252"'), 'latin1');
    const isoDir = path.join(dir, 'Images réseau');
    mkdirSync(isoDir, { recursive: true });
    const accented = path.join(isoDir, 'plpbt.iso');
    writeTinyIso(accented);
    const opened = await vscode.workspace.openTextDocument(file);
    assert.equal(opened.encoding, 'utf8', 'VS Code opens it as UTF-8 on its own');
    const r = await run('vsphereLab.usbBoot', vscode.Uri.file(file), { iso: accented, confirm: false });
    assert.equal(r.applied, true, JSON.stringify(r));
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === file)!;
    assert.equal(doc.encoding, 'windows1252');
    assert.ok(doc.getText().includes(`fileName = "${accented}"`));
    assert.equal(await saveAfterPreflight(doc), true);
    const bytes = readFileSync(file);
    assert.ok(bytes.includes(Buffer.from(`fileName = "${accented}"`, 'latin1')), 'é written as the single CP1252 byte E9');
    assert.ok(!bytes.includes(Buffer.from('réseau', 'utf8')), 'no UTF-8 bytes');
  });

  it('windows-1252: an ISO path with characters CP1252 lacks (日本語) is refused, not saved as "?"; file and editor kept', async () => {
    const file = vm('ws71-hw7-bios.vmx', 'cjk.vmx');
    writeFileSync(file, readFileSync(file, 'latin1').replace(/^\.encoding = .*$/m, '.encoding = "windows-1252"'), 'latin1');
    const hash = sha(file);
    const cjk = path.join(dir, '日本語', 'plpbt.iso');
    mkdirSync(path.dirname(cjk), { recursive: true });
    writeTinyIso(cjk);
    const r = await run('vsphereLab.usbBoot', vscode.Uri.file(file), { iso: cjk, confirm: false });
    assert.equal(r.applied, false, JSON.stringify(r));
    assert.equal(r.error?.code, 'encoding', JSON.stringify(r));
    assert.match(r.message ?? '', /cannot be written in this file's encoding/);
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === file)!;
    assert.equal(doc.encoding, 'windows1252');
    assert.ok(!doc.isDirty, 'nothing edited');
    assert.equal(sha(file), hash);
  });

  it('windows-1252 with accents: works (no "Reopen with Encoding" refusal); apply, save, remove, save gives the original bytes', async () => {
    const file = vm('ws7-cp1252.vmx');
    const original = readFileSync(file);
    const r = await run('vsphereLab.usbBoot', vscode.Uri.file(file), { iso, confirm: false });
    assert.equal(r.applied, true, JSON.stringify(r));
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === file)!;
    assert.equal(doc.encoding, 'windows1252');
    assert.match(doc.getText(), /^displayName = "Poste de démo — équipe réseau"$/m);
    assert.ok(!doc.getText().includes('\uFFFD'));
    assert.equal(await saveAfterPreflight(doc), true);
    const removed = await run('vsphereLab.usbBootRemove', vscode.Uri.file(file), { confirm: false });
    assert.equal(removed.applied, true, JSON.stringify(removed));
    assert.equal(await saveAfterPreflight(doc), true);
    assert.deepEqual(readFileSync(file), original);
  });

  it('windows-1252 held as UTF-8 with unsaved changes: an accented ISO path is refused (file and editor text kept), an ASCII one works', async () => {
    const file = vm('ws71-hw7-bios.vmx', 'dirty.vmx');
    writeFileSync(file, readFileSync(file, 'latin1').replace(/^\.encoding = .*$/m, '.encoding = "windows-1252"'), 'latin1');
    const hash = sha(file);
    const accented = path.join(dir, 'Images réseau', 'plpbt.iso');
    mkdirSync(path.dirname(accented), { recursive: true });
    writeTinyIso(accented);
    const doc = await vscode.workspace.openTextDocument(file);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, new vscode.Position(doc.lineCount, 0), 'annotation = "unsaved"\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const before = doc.getText();
    const r = await run('vsphereLab.usbBoot', vscode.Uri.file(file), { iso: accented, confirm: false });
    // VS Code refuses to reopen a dirty document in another encoding
    assert.equal(doc.encoding, 'utf8');
    assert.equal(r.error?.code, 'editor-encoding', JSON.stringify(r));
    assert.match(r.message ?? '', /windows-1252.*réseau/);
    assert.equal(doc.getText(), before);
    assert.equal(sha(file), hash);
    const ok = await run('vsphereLab.usbBoot', vscode.Uri.file(file), { iso, confirm: false });
    assert.equal(ok.applied, true, JSON.stringify(ok));
  });

  it('refuses duplicates (pointing to the quick fix), a missing or non-ISO image, and a removal with nothing to remove', async () => {
    const dup = vm('duplicates.vmx');
    const r1 = await run('vsphereLab.usbBoot', vscode.Uri.file(dup), { iso, confirm: false });
    assert.equal(r1.error?.code, 'duplicate-keys');
    assert.match(r1.message ?? '', /Remove this line/);

    const ok = vm('ws71-hw7-bios.vmx');
    const hash = sha(ok);
    const r2 = await run('vsphereLab.usbBoot', vscode.Uri.file(ok), { iso: path.join(dir, 'nope.iso'), confirm: false });
    assert.equal(r2.error?.code, 'iso-missing');
    const notIso = path.join(dir, 'not.iso');
    writeFileSync(notIso, Buffer.alloc(40000));
    const r3 = await run('vsphereLab.usbBoot', vscode.Uri.file(ok), { iso: notIso, confirm: false });
    assert.equal(r3.error?.code, 'not-iso');
    assert.match(r3.message ?? '', /CD001/);
    const r4 = await run('vsphereLab.usbBootRemove', vscode.Uri.file(ok), { confirm: false });
    assert.equal(r4.error?.code, 'not-applied');
    assert.equal(sha(ok), hash);
    assert.ok(!vscode.workspace.textDocuments.find((d) => d.uri.fsPath === ok)?.isDirty);
  });

  it('without an ISO argument and no setting, a scripted call refuses instead of asking', async () => {
    const file = vm('ws71-hw7-bios.vmx');
    const config = vscode.workspace.getConfiguration('vsphereLab');
    assert.equal(config.get('usbBoot.isoPath'), '');
    const r = await run('vsphereLab.usbBoot', vscode.Uri.file(file), { confirm: false });
    assert.equal(r.error?.code, 'iso-required');
  });
});

describe('usb boot helper on a VM node of the inventory (vcsim, VS Code)', function () {
  this.timeout(120_000);
  const lab = withLab({ vcsim: { esx: true, vm: 2, username: 'root', password: 'Usb-boot.1' } });
  let api: VsphereLabApi;
  let conn: string;
  let dir: string;
  let iso: string;

  before(async () => {
    api = await vscode.extensions.getExtension<VsphereLabApi>(EXTENSION_ID)!.activate();
    dir = mkdtempSync(path.join(tmpdir(), 'vlab-usbboot-vm-'));
    iso = path.join(dir, 'plpbt.iso');
    writeTinyIso(iso);
    conn = await vscode.commands.executeCommand<string>('vsphereLab.addConnection', { url: lab.vcsim.sdkUrl, username: 'root', password: 'Usb-boot.1', thumbprint: lab.vcsim.thumbprintSha256 });
    await api.inventory.sessions.load(conn);
  });
  lab.beforeStop(async () => {
    await closeAll();
    if (conn) await vscode.commands.executeCommand('vsphereLab.removeConnection', conn, { confirm: false });
    rmSync(dir, { recursive: true, force: true });
  });

  const nodeOf = (moref: string) => {
    const key = api.inventory.sessions.snapshot(conn)!.tree.vmKey({ type: 'VirtualMachine', value: moref })!;
    return api.inventory.provider.itemNode(conn, key);
  };

  it('the VM node menu offers the command when the node has a .vmx', async () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { menus: Record<string, { command: string; when?: string }[]> } };
    const entry = pkg.contributes.menus['view/item/context'].find((m) => m.command === 'vsphereLab.usbBoot');
    assert.ok(entry?.when, 'a view/item/context entry');
    const when = /viewItem =~ \/(.*?)\/ /.exec(entry.when)![1];
    const vmNode = nodeOf((await lab.vcsim.listVms())[0].moref);
    const contextValue = (await api.inventory.provider.getTreeItem(vmNode)).contextValue ?? '';
    assert.match(contextValue, new RegExp(when), `${contextValue} matches the menu's when clause`);
  });

  it('a running VM is refused (live power state), its .vmx untouched', async () => {
    const labVm = (await lab.vcsim.listVms()).find((v) => v.powerState === 'poweredOn')!;
    const r = await run('vsphereLab.usbBoot', nodeOf(labVm.moref), { iso, confirm: false });
    assert.equal(r.applied, false, JSON.stringify(r));
    assert.equal(r.error?.code, 'vm-running');
    assert.match(r.message ?? '', new RegExp(`${labVm.name} is powered on.*Power the VM off and try again`));
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'vsphere-ds' && d.uri.path.endsWith(labVm.vmxPath.replace(/^\[[^\]]*\]\s*/, '')));
    assert.ok(!doc?.isDirty, 'no edit');
    await closeAll();
  });

  it('a powered-off VM: the edit lands in its datastore .vmx editor, unsaved', async () => {
    const labVm = (await lab.vcsim.listVms()).find((v) => v.powerState === 'poweredOn')!;
    const node = nodeOf(labVm.moref);
    await vscode.commands.executeCommand('vsphereLab.powerOff', node, { confirm: false });
    assert.equal((await lab.vcsim.listVms()).find((v) => v.moref === labVm.moref)!.powerState, 'poweredOff');
    const r = await run('vsphereLab.usbBoot', nodeOf(labVm.moref), { iso, confirm: false });
    assert.equal(r.applied, true, JSON.stringify(r));
    const doc = vscode.window.activeTextEditor!.document;
    assert.equal(doc.uri.scheme, 'vsphere-ds');
    assert.ok(doc.uri.path.endsWith(labVm.vmxPath.replace(/^\[[^\]]*\]\s*/, '')), doc.uri.toString());
    assert.ok(doc.isDirty, 'not saved behind the user\'s back');
    assert.match(doc.getText(), new RegExp(`^${r.cdSlot!.replace('.', '\\.')}\\.fileName = "${iso.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}"$`, 'm'));
    const stored = Buffer.from(await vscode.workspace.fs.readFile(doc.uri)).toString('utf8');
    assert.ok(!stored.includes('vsphereLab.usbBoot.undo'), 'the datastore file is unchanged');
    await closeAll();
  });
});
