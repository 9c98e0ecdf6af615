import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activate, codeOf, diagnosticsWhen, openFixture, quickFixes, revertAndClose } from './helpers';

function summary(d: vscode.Diagnostic[]): string[] {
  return d.map((x) => `${x.range.start.line}:${codeOf(x)}:${vscode.DiagnosticSeverity[x.severity]}`);
}

/** Applies the quick fix titled `title` (or the preferred one) for the diagnostic with `code`. */
async function applyFix(doc: vscode.TextDocument, code: string, pick: (a: vscode.CodeAction) => boolean): Promise<vscode.CodeAction> {
  const diags = await diagnosticsWhen(doc.uri, (d) => d.some((x) => codeOf(x) === code));
  const diag = diags.find((x) => codeOf(x) === code)!;
  const actions = await quickFixes(doc, diag.range);
  const action = actions.find(pick);
  assert.ok(action, `a fix for ${code}: ${actions.map((a) => a.title).join(' / ')}`);
  assert.equal(action.kind?.value, vscode.CodeActionKind.QuickFix.value);
  assert.ok(action.edit, 'the fix carries a WorkspaceEdit');
  assert.ok(await vscode.workspace.applyEdit(action.edit));
  return action;
}

describe('vmx language: diagnostics and quick fixes', () => {
  before(activate);

  it('flags a key duplicated in another case as an error (journey 5) and removes it with the preferred fix', async () => {
    const doc = await openFixture('duplicates.vmx');
    await vscode.window.showTextDocument(doc);
    const diags = await diagnosticsWhen(doc.uri, (d) => d.length > 0);
    assert.deepEqual(summary(diags), ['7:duplicate-key:Error']);
    const dup = diags[0];
    assert.equal(dup.source, 'vmx');
    assert.equal(doc.getText(dup.range), 'msg.autoanswer');
    assert.match(dup.message, /already set on line 7/);
    assert.equal(dup.relatedInformation?.[0].location.range.start.line, 6);

    const action = await applyFix(doc, 'duplicate-key', (a) => a.isPreferred === true);
    assert.equal(action.title, 'Remove this line (keep line 7)');
    assert.ok(!doc.getText().includes('msg.autoanswer'));
    assert.ok(doc.getText().includes('msg.autoAnswer = "TRUE"\nethernet0.present'));
    await diagnosticsWhen(doc.uri, (d) => d.length === 0);
    await revertAndClose(doc);
  });

  it('reports unquoted values, bad booleans and unknown enum values on the right lines', async () => {
    const doc = await openFixture('bad-values.vmx');
    const diags = await diagnosticsWhen(doc.uri, (d) => d.length >= 4);
    assert.deepEqual(summary(diags), ['3:unquoted-value:Warning', '4:invalid-boolean:Error', '5:invalid-enum:Warning', '6:nonstandard-boolean:Warning']);
    assert.equal(doc.getText(diags[1].range), 'maybe');
  });

  it('quick fix: quote a value', async () => {
    const doc = await openFixture('bad-values.vmx');
    await vscode.window.showTextDocument(doc);
    await applyFix(doc, 'unquoted-value', (a) => a.title === 'Quote the value' && a.isPreferred === true);
    assert.equal(doc.lineAt(3).text, 'memsize = "2048"');
    await revertAndClose(doc);
  });

  it('quick fix: fix a boolean (nonstandard "yes" → TRUE; invalid "maybe" → TRUE or FALSE)', async () => {
    const doc = await openFixture('bad-values.vmx');
    await vscode.window.showTextDocument(doc);
    await applyFix(doc, 'nonstandard-boolean', (a) => a.isPreferred === true);
    assert.equal(doc.lineAt(6).text, 'usb.present = "TRUE"');
    await applyFix(doc, 'invalid-boolean', (a) => a.title === 'Change to "FALSE"');
    assert.equal(doc.lineAt(4).text, 'scsi0.present = "FALSE"');
    await revertAndClose(doc);
  });

  it('quick fix: the closest allowed value for a mistyped enum is preferred', async () => {
    const doc = await openFixture('bad-values.vmx');
    await vscode.window.showTextDocument(doc);
    await applyFix(doc, 'invalid-enum', (a) => a.isPreferred === true);
    assert.equal(doc.lineAt(5).text, 'scsi0.virtualDev = "lsilogic"');
    await revertAndClose(doc);
    const reopened = await openFixture('bad-values.vmx');
    assert.equal(reopened.lineAt(5).text, 'scsi0.virtualDev = "lsilogicc"', 'the fixture is unchanged');
  });

  /** An untitled .vmx with `content`, shown in an editor. */
  async function scratch(content: string): Promise<vscode.TextDocument> {
    const doc = await vscode.workspace.openTextDocument({ language: 'vmx', content });
    await vscode.window.showTextDocument(doc);
    return doc;
  }

  it('quick fix: add the closing quote (preferred)', async () => {
    const doc = await scratch('config.version = "8"\ndisplayName = "Lab VM\nmemsize = "2048"\n');
    const action = await applyFix(doc, 'unterminated-quote', (a) => a.isPreferred === true);
    assert.equal(action.title, 'Add the closing quote');
    assert.equal(doc.lineAt(1).text, 'displayName = "Lab VM"');
    await diagnosticsWhen(doc.uri, (d) => !d.some((x) => codeOf(x) === 'unterminated-quote'));
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('quick fix: quote the whole value of an unquoted value with spaces, keeping the comment', async () => {
    const doc = await scratch('displayName = Lab VM one # test box\n');
    await applyFix(doc, 'trailing-text', (a) => a.title === 'Quote the whole value');
    assert.equal(doc.lineAt(0).text, 'displayName = "Lab VM one" # test box');
    await diagnosticsWhen(doc.uri, (d) => d.length === 0);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('quick fix: insert the missing "="', async () => {
    const doc = await scratch('config.version = "8"\nmemsize "2048"\nnumvcpus 2\n');
    const first = await applyFix(doc, 'missing-equals', (a) => a.title === 'Write memsize = "2048"');
    assert.equal(first.kind?.value, vscode.CodeActionKind.QuickFix.value);
    assert.equal(doc.lineAt(1).text, 'memsize = "2048"');
    await diagnosticsWhen(doc.uri, (d) => d.filter((x) => codeOf(x) === 'missing-equals').length === 1);
    await applyFix(doc, 'missing-equals', (a) => a.title === 'Write numvcpus = "2"');
    assert.equal(doc.lineAt(2).text, 'numvcpus = "2"');
    await diagnosticsWhen(doc.uri, (d) => d.length === 0);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('open enums: a near miss is an information with a "did you mean" fix; hardware contradictions are warnings', async () => {
    const doc = await scratch('virtualHW.version = "11"\nguestOS = "windows7srv64"\nnvme0.present = "TRUE"\nsvga.vramSize = "lots"\n');
    const diags = await diagnosticsWhen(doc.uri, (d) => d.length >= 3);
    assert.deepEqual(summary(diags), ['1:unknown-value:Information', '2:needs-hardware:Warning', '3:invalid-size:Error']);
    assert.match(diags[0].message, /did you mean "windows7srv-64"\?/);
    assert.match(diags[1].message, /needs virtual hardware 13 or later on ESXi; this VM is version 11/);
    assert.equal(diags[1].relatedInformation?.[0].location.range.start.line, 0);
    await applyFix(doc, 'unknown-value', (a) => a.title === 'Change to "windows7srv-64"');
    assert.equal(doc.lineAt(1).text, 'guestOS = "windows7srv-64"');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('a realistic Workstation VM has no errors or warnings', async () => {
    const doc = await openFixture('workstation-ubuntu.vmx');
    await vscode.window.showTextDocument(doc);
    await new Promise((r) => setTimeout(r, 300));
    const d = vscode.languages.getDiagnostics(doc.uri).filter((x) => x.severity <= vscode.DiagnosticSeverity.Warning);
    assert.deepEqual(summary(d), []);
  });

  it('updates on change (debounced), marks unknown keys as hints, and clears on close', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'vmx', content: 'memsize = "4096"\n' });
    const editor = await vscode.window.showTextDocument(doc);
    await diagnosticsWhen(doc.uri, (d) => d.length === 0);
    await editor.edit((e) => e.insert(new vscode.Position(1, 0), 'MEMSIZE = "2048"\nfrobnicate.level = "3"\n'));
    const diags = await diagnosticsWhen(doc.uri, (d) => d.length === 2);
    assert.deepEqual(summary(diags), ['1:duplicate-key:Error', '2:unknown-key:Hint']);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await diagnosticsWhen(doc.uri, (d) => d.length === 0);
  });
});
