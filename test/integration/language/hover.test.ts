import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activate, hoverText, openFixture, positionOf } from './helpers';

describe('vmx language: hover', () => {
  before(activate);

  it('explains a key: description, allowed values with their meaning, type, source', async () => {
    const doc = await openFixture('workstation-ubuntu.vmx');
    const text = await hoverText(doc, positionOf(doc, 'scsi0.virtualDev', 3));
    assert.match(text, /SCSI controller model/);
    assert.match(text, /SCSI controller 0/);
    assert.match(text, /`lsisas1068` \| LSI Logic SAS/);
    assert.match(text, /`pvscsi` \| VMware Paravirtual SCSI/);
    assert.match(text, /Type: one of a list/);
    assert.match(text, /Current value: `lsilogic` — LSI Logic parallel SCSI/);
    assert.match(text, /Source: libvirt src\/vmx\/vmx\.c/);
  });

  it('resolves device patterns: scsi0:1.fileName shows the scsi{n}:{m}.fileName entry for controller 0, unit 1', async () => {
    const doc = await openFixture('workstation-ubuntu.vmx');
    const text = await hoverText(doc, positionOf(doc, 'scsi0:1.fileName', 8));
    assert.match(text, /SCSI controller 0, unit 1/);
    assert.match(text, /`scsi\{n\}:\{m\}\.fileName`/);
    assert.match(text, /Backing of SCSI device 0:1/);
    assert.match(text, /Type: file path/);
  });

  it('shows the default and links a source that is a URL', async () => {
    const doc = await openFixture('workstation-ubuntu.vmx');
    const fw = await hoverText(doc, positionOf(doc, 'firmware', 2));
    assert.match(fw, /Default: `bios`/);
    const hw = await hoverText(doc, positionOf(doc, 'virtualHW.version', 1));
    assert.match(hw, /\]\(https:\/\/developer\.broadcom\.com\/xapis\/[^)\s]+\)/, hw);
    assert.match(hw, /Range: 3 – 21/);
  });

  it('truncates long value lists (guestOS) with a count', async () => {
    const doc = await openFixture('workstation-ubuntu.vmx');
    const text = await hoverText(doc, positionOf(doc, 'guestOS', 1));
    assert.match(text, /… and \d{2,} more/);
    const rows = text.split('\n').filter((l) => l.startsWith('| `'));
    assert.ok(rows.length <= 12, `${rows.length} rows listed`);
    assert.match(text, /Current value: `ubuntu-64` — Ubuntu Linux \(64-bit\) — API id ubuntu64Guest/);
  });

  it('explains values: guestOS id → OS name and API id', async () => {
    const doc = await openFixture('workstation-ubuntu.vmx');
    const text = await hoverText(doc, positionOf(doc, '"ubuntu-64"', 3));
    assert.match(text, /Ubuntu Linux \(64-bit\)/);
    assert.match(text, /ubuntu64Guest/);
    const win = await openFixture('win2008r2.vmx');
    const w = await hoverText(win, positionOf(win, 'windows7srv-64', 2));
    assert.match(w, /Windows Server 2008 R2 \(64-bit\)/);
    assert.match(w, /windows7Server64Guest/);
  });

  it('explains values: virtualHW.version → products, enum value → its meaning', async () => {
    const doc = await openFixture('workstation-ubuntu.vmx');
    const hw = await hoverText(doc, positionOf(doc, '"19"', 1));
    assert.match(hw, /Hardware version 19: ESXi 7\.0 Update 2, Workstation 16\.2/);
    const nic = await hoverText(doc, positionOf(doc, '"e1000"', 2));
    assert.match(nic, /Intel/i);
    assert.match(nic, /Ethernet adapter 0/);
  });

  it('shows the products and the virtual hardware of hardware-gated keys and values', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'vmx', content: 'virtualHW.version = "13"\nnvme0.present = "TRUE"\nfirmware = "efi"\n' });
    const key = await hoverText(doc, positionOf(doc, 'nvme0.present', 2));
    assert.match(key, /Products: ESX\/ESXi 6\.5\+/);
    assert.match(key, /Virtual hardware: 13 or later \(when TRUE\)/);
    assert.match(key, /Hardware Features Available with Virtual Machine Compatibility Settings/, 'the source of the fact');
    const value = await hoverText(doc, positionOf(doc, '"efi"', 2));
    assert.match(value, /UEFI firmware \(needs virtual hardware 8 or later on ESXi\)/);
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('gives no hover on comments, blanks or unknown keys', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'vmx', content: '# memsize = "4096"\n\nnot.a.real.key = "1"\n' });
    assert.equal(await hoverText(doc, positionOf(doc, 'memsize', 1)), '');
    assert.equal(await hoverText(doc, positionOf(doc, 'not.a.real', 2)), '');
  });
});
