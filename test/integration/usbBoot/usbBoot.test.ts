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
import type { UsbBootCommandResult } from '../../../src/extension/usbBoot';

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
