import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { activate, codeOf, diagnosticsWhen, quickFixes } from './helpers';

/** test/fixtures/vmx/cp1252-annotation.vmx: `.encoding = "windows-1252"`, accented names in CP1252 bytes. */
function cp1252Fixture(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, '..', 'vmx', 'cp1252-annotation.vmx');
}

async function closeAll(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

async function until<T>(get: () => T | undefined, what: string, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('vmx language: file encoding', () => {
  before(activate);
  afterEach(closeAll);

  it('flags a windows-1252 .vmx opened as UTF-8 and reopens it as windows-1252 with the preferred quick fix', async () => {
    const uri = cp1252Fixture();
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    assert.equal(doc.encoding, 'utf8', 'VS Code opens it as UTF-8 by default');
    assert.ok(doc.getText().includes('\uFFFD'), 'the CP1252 bytes show as U+FFFD');

    const diags = await diagnosticsWhen(doc.uri, (d) => d.some((x) => codeOf(x) === 'encoding-mismatch'));
    const diag = diags.find((x) => codeOf(x) === 'encoding-mismatch')!;
    assert.equal(diag.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(diag.range.start.line, 0, 'on the .encoding line');
    assert.equal(doc.getText(diag.range), 'windows-1252');
    assert.match(diag.message, /windows-1252/);
    assert.match(diag.message, /saving/);

    const actions = await quickFixes(doc, diag.range);
    const titles = actions.map((a) => a.title);
    assert.ok(titles.includes('Reopen with Encoding…'), titles.join(' / '));
    const reopen = actions.find((a) => a.isPreferred);
    assert.ok(reopen, titles.join(' / '));
    assert.equal(reopen.title, 'Reopen with Encoding windows-1252');
    assert.ok(reopen.command, 'the fix runs a command');
    assert.equal(reopen.edit, undefined, 'the fix edits nothing');

    await vscode.commands.executeCommand(reopen.command.command, ...(reopen.command.arguments ?? []));
    const reopened = await until(() => vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString() && d.encoding === 'windows1252'), 'the document in windows1252');
    assert.ok(!reopened.getText().includes('\uFFFD'));
    assert.equal(reopened.lineAt(3).text, 'displayName = "Serveur de démo"');
    assert.ok(!reopened.isDirty, 'nothing to save: the bytes on disk are untouched');
    await diagnosticsWhen(uri, (d) => !d.some((x) => codeOf(x) === 'encoding-mismatch'));
    // Leave the fixture as UTF-8 for the rest of the session.
    await vscode.workspace.openTextDocument(uri, { encoding: 'utf8' });
  });

  it('flags a file without .encoding whose bytes are not UTF-8, with only the encoding picker as fix', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vlab-enc-'));
    try {
      const file = join(dir, 'legacy.vmx');
      writeFileSync(file, Buffer.concat([Buffer.from('config.version = "8"\ndisplayName = "d'), Buffer.from([0xe9]), Buffer.from('mo"\n')]));
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
      await vscode.window.showTextDocument(doc);
      const diags = await diagnosticsWhen(doc.uri, (d) => d.some((x) => codeOf(x) === 'encoding-mismatch'));
      const diag = diags.find((x) => codeOf(x) === 'encoding-mismatch')!;
      assert.equal(diag.range.start.line, 0, 'on line 1 when there is no .encoding');
      assert.match(diag.message, /not valid UTF-8/);
      const titles = (await quickFixes(doc, diag.range)).map((a) => a.title);
      assert.deepEqual(titles, ['Reopen with Encoding…']);
    } finally {
      await closeAll();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says nothing about a UTF-8 file that really holds U+FFFD', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'vmx', content: 'config.version = "8"\nannotation = "\uFFFD"\n' });
    await vscode.window.showTextDocument(doc);
    await new Promise((r) => setTimeout(r, 400));
    const d = vscode.languages.getDiagnostics(doc.uri).filter((x) => codeOf(x) === 'encoding-mismatch');
    assert.deepEqual(d, []);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
