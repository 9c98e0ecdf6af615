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
