import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activate, completions, insertText, label, positionOf, untitledFrom } from './helpers';

describe('vmx language: completion', () => {
  before(activate);
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('offers device keys with the next free index as snippets, and not keys already present', async () => {
    const doc = await untitledFrom('workstation-ubuntu.vmx', 'eth');
    await vscode.window.showTextDocument(doc);
    const items = await completions(doc, new vscode.Position(doc.lineCount - 1, 3));
    const labels = new Set(items.map(label));
    const eth1 = items.find((i) => label(i) === 'ethernet1.virtualDev');
    assert.ok(eth1, 'ethernet1.virtualDev is offered (ethernet0 exists)');
    assert.match(insertText(eth1), /^ethernet1\.virtualDev = "\$\{1\|vlance,vmxnet,vmxnet2,vmxnet3,e1000,e1000e,vrdma,sriov\|\}"$/);
    assert.ok(labels.has('ethernet0.networkName'), 'keys missing on a device in use are offered');
    assert.ok(labels.has('scsi0:2.fileName'), 'the next free SCSI unit is offered');
    for (const present of ['ethernet0.virtualDev', 'ethernet0.present', 'memsize', 'displayName', 'guestOS', 'scsi0:1.fileName']) {
      assert.ok(!labels.has(present), `${present} is already in the file and not offered`);
    }
    assert.ok(!labels.has('ethernet2.virtualDev'), 'only the next free index is offered');
  });

  it('inserts a working snippet for a device key', async () => {
    const doc = await untitledFrom('workstation-ubuntu.vmx', 'ethernet1.');
    const editor = await vscode.window.showTextDocument(doc);
    const line = doc.lineCount - 1;
    const items = await completions(doc, new vscode.Position(line, 10), '.');
    const eth1 = items.find((i) => label(i) === 'ethernet1.virtualDev');
    assert.ok(eth1 && eth1.insertText instanceof vscode.SnippetString);
    const range = eth1.range instanceof vscode.Range ? eth1.range : eth1.range?.replacing;
    assert.ok(range, 'the item replaces the typed key');
    assert.equal(range.start.character, 0);
    await editor.insertSnippet(eth1.insertText, range);
    assert.equal(doc.lineAt(line).text, 'ethernet1.virtualDev = "vlance"');
  });

  it('documents a key item when it is resolved (description, device)', async () => {
    const doc = await untitledFrom('workstation-ubuntu.vmx', 'ethernet1.virtualD');
    await vscode.window.showTextDocument(doc);
    const items = await completions(doc, new vscode.Position(doc.lineCount - 1, 18), undefined, 5000);
    const eth1 = items.find((i) => label(i) === 'ethernet1.virtualDev');
    const md = eth1?.documentation;
    assert.ok(md instanceof vscode.MarkdownString, 'documentation is Markdown');
    assert.match(md.value, /NIC model/);
    assert.match(md.value, /Ethernet adapter 1/);
    assert.match(md.value, /Intel 82574L gigabit/);
  });

  it('a key with many values (guestOS) inserts an empty value and opens the value list', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'vmx', content: 'memsize = "2048"\ngues' });
    await vscode.window.showTextDocument(doc);
    const items = await completions(doc, new vscode.Position(1, 4));
    const g = items.find((i) => label(i) === 'guestOS');
    assert.ok(g);
    assert.equal(insertText(g), 'guestOS = "$1"');
    assert.equal(g.command?.command, 'editor.action.triggerSuggest');
    const bool = items.find((i) => label(i) === 'msg.autoAnswer');
    assert.equal(insertText(bool!), 'msg.autoAnswer = "${1|TRUE,FALSE|}"', 'a boolean whose default is FALSE offers TRUE first');
    assert.ok(!items.some((i) => label(i) === 'memsize'));
  });

  it('offers enum values with their meaning inside the quotes', async () => {
    const doc = await untitledFrom('workstation-ubuntu.vmx');
    await vscode.window.showTextDocument(doc);
    const items = await completions(doc, positionOf(doc, '"e1000"', 1), '"');
    const vmxnet3 = items.find((i) => label(i) === 'vmxnet3');
    assert.ok(vmxnet3, 'vmxnet3 is offered');
    assert.match(String(vmxnet3.detail), /Vmxnet3 paravirtual/);
    assert.equal(insertText(vmxnet3), 'vmxnet3', 'inside quotes the value goes in as it is');
    assert.ok(items.some((i) => label(i) === 'e1000e'));
    const scsi = await completions(doc, positionOf(doc, '"lsilogic"', 1));
    assert.deepEqual(scsi.map(label).sort(), ['buslogic', 'lsilogic', 'lsisas1068', 'pvscsi']);
  });

  it('offers TRUE/FALSE for booleans and quotes values typed after "="', async () => {
    const doc = await untitledFrom('workstation-ubuntu.vmx', 'msg.autoAnswer =');
    await vscode.window.showTextDocument(doc);
    const line = doc.lineCount - 1;
    const items = await completions(doc, new vscode.Position(line, 16), '=');
    assert.deepEqual(items.map(label), ['TRUE', 'FALSE']);
    assert.equal(insertText(items[0]), ' "TRUE"');
    const inQuotes = await completions(doc, positionOf(doc, 'tools.syncTime = "', 18));
    assert.deepEqual(inQuotes.map(label).sort(), ['FALSE', 'TRUE']);
  });

  it('offers guestOS ids with the OS name', async () => {
    const doc = await untitledFrom('workstation-ubuntu.vmx');
    await vscode.window.showTextDocument(doc);
    const items = await completions(doc, positionOf(doc, '"ubuntu-64"', 1));
    const w = items.find((i) => label(i) === 'windows7srv-64');
    assert.ok(w);
    assert.match(String(w.detail), /Windows Server 2008 R2/);
    assert.ok(items.length > 100, `${items.length} guest ids`);
  });

  it('offers nothing in comments', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'vmx', content: '# eth' });
    await vscode.window.showTextDocument(doc);
    const items = await completions(doc, new vscode.Position(0, 5));
    // (VS Code's word-based suggestions may still offer words from other files, as Text items)
    assert.deepEqual(items.filter((i) => i.kind !== vscode.CompletionItemKind.Text).map(label), []);
  });
});
