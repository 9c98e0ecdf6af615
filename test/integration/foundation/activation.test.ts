import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'vsphere-lab.vsphere-lab';

function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, name);
}

describe('foundation (real VS Code extension host)', () => {
  it('activates and reports its activation time', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is loaded`);
    const api = await ext.activate() as { activationMs: number; activationTimes: () => { hostLoadToActivatedMs?: number; hostLoadMs?: number; activateMs: number } };
    assert.equal(ext.isActive, true);
    assert.equal(typeof api.activationMs, 'number');
    // VS Code marks didActivateExtension once activate()'s result has resolved: a turn later.
    await new Promise((r) => setTimeout(r, 50));
    const t = api.activationTimes();
    // The extension host's own marks are there and bracket our activate() (bench/activation.ts checks the figure).
    assert.equal(typeof t.hostLoadToActivatedMs, 'number', 'VS Code\'s willLoadExtensionCode / didActivateExtension marks for us');
    assert.ok(t.hostLoadToActivatedMs! + 1 >= t.activateMs, 'the host\'s span contains activate()');
    console.log(`    activation took ${api.activationMs.toFixed(1)} ms (activate body); VS Code: load → activated ${t.hostLoadToActivatedMs} ms, of which loading our code ${t.hostLoadMs} ms`);
  });

  it('opens a .vmx file with the vmx language', async () => {
    const doc = await vscode.workspace.openTextDocument(workspaceFile('win2008r2.vmx'));
    assert.equal(doc.languageId, 'vmx');
    assert.equal(path.extname(doc.fileName), '.vmx');
  });

  it('Toggle Line Comment inserts # on a .vmx line', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'vmx', content: 'memsize = "4096"\n' });
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    await vscode.commands.executeCommand('editor.action.commentLine');
    assert.equal(doc.lineAt(0).text, '# memsize = "4096"');
    await vscode.commands.executeCommand('editor.action.commentLine');
    assert.equal(doc.lineAt(0).text, 'memsize = "4096"');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('typing a quote in a .vmx value auto-closes it', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'vmx', content: 'memsize = ' });
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(0, 10, 0, 10);
    await vscode.commands.executeCommand('type', { text: '"' });
    assert.equal(doc.lineAt(0).text, 'memsize = ""');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('contributes the Inventory view, its welcome content and categorised commands', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const pkg = ext.packageJSON as {
      contributes: { views: Record<string, { id: string }[]>; viewsWelcome: { view: string; contents: string }[]; commands: { command: string; category: string }[] };
    };
    assert.deepEqual(pkg.contributes.views.vsphereLab.map((v) => v.id), ['vsphereLab.inventory', 'vsphereLab.tasks']);
    const welcome = pkg.contributes.viewsWelcome.find((w) => w.view === 'vsphereLab.inventory');
    assert.ok(welcome && welcome.contents.length > 20, 'welcome content is contributed');
    for (const c of pkg.contributes.commands) assert.equal(c.category, 'vSphere Lab', `${c.command} has the category`);
    // The view really exists in the workbench: focusing it through its generated command works.
    await vscode.commands.executeCommand('vsphereLab.inventory.focus');
    const registered = await vscode.commands.getCommands(true);
    for (const c of pkg.contributes.commands) assert.ok(registered.includes(c.command), `${c.command} is registered`);
  });
});
