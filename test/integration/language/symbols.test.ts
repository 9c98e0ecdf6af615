import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activate, openFixture } from './helpers';

function tree(symbols: vscode.DocumentSymbol[]): unknown[] {
  return symbols.map((s) => (s.children.length ? { [s.name]: tree(s.children) } : s.name));
}

describe('vmx language: document symbols', () => {
  before(activate);

  it('groups keys by device: scsi0 → scsi0:0 → its keys, ethernet0, ide1:0; other keys flat', async () => {
    const doc = await openFixture('workstation-ubuntu.vmx');
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', doc.uri);
    const names = symbols.map((s) => s.name);
    assert.deepEqual(names.slice(0, 6), ['.encoding', 'config.version', 'virtualHW.version', 'displayName', 'guestOS', 'firmware']);
    const scsi0 = symbols.find((s) => s.name === 'scsi0');
    assert.ok(scsi0, 'scsi0 group');
    assert.equal(scsi0.detail, 'SCSI controller 0');
    assert.equal(scsi0.kind, vscode.SymbolKind.Module);
    assert.deepEqual(tree(scsi0.children), [
      'scsi0.present',
      'scsi0.virtualDev',
      { 'scsi0:0': ['scsi0:0.present', 'scsi0:0.fileName'] },
      { 'scsi0:1': ['scsi0:1.present', 'scsi0:1.fileName', 'sched.scsi0:1.shares'] },
    ]);
    const unit1 = scsi0.children.find((s) => s.name === 'scsi0:1')!;
    assert.equal(unit1.detail, 'SCSI controller 0, unit 1');
    // ranges come from the document's lines
    assert.equal(scsi0.range.start.line, 17);
    assert.equal(scsi0.range.end.line, 23);
    assert.equal(unit1.children[1].detail, 'data.vmdk', 'a key shows its value');
    assert.equal(doc.getText(unit1.children[1].selectionRange), 'scsi0:1.fileName');

    const ide = symbols.find((s) => s.name === 'ide1:0');
    assert.ok(ide, 'ide1:0 stands at the top level (no ide1.* keys)');
    assert.equal(ide.detail, 'IDE controller 1, unit 0');
    assert.equal(ide.children.length, 4);
    const eth = symbols.find((s) => s.name === 'ethernet0');
    assert.deepEqual(eth?.children.map((s) => s.name), ['ethernet0.present', 'ethernet0.connectionType', 'ethernet0.virtualDev', 'ethernet0.addressType']);
    assert.ok(symbols.find((s) => s.name === 'pciBridge4')?.children.length === 3);
    assert.ok(names.includes('usb.present') && names.includes('tools.syncTime'), 'non-device keys are listed flat');
    for (const s of symbols) {
      for (const c of s.children) assert.ok(s.range.contains(c.range), `${s.name} contains ${c.name}`);
      assert.ok(s.range.contains(s.selectionRange));
    }
  });
});
