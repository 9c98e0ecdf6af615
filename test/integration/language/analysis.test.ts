/**
 * The document-analysis host (src/extension/analysis/host.ts) in the real VS Code: the .vmx lint
 * and the backup diagnostics publish into their own collections from ONE parse per document
 * version, and the language features (hover, outline, completion, quick fixes) read that same
 * parse.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { VsphereLabApi } from '../../../src/extension/extension';
import { codeOf, completions, EXTENSION_ID, hoverText, quickFixes } from './helpers';

const BACKUP = 'vSphere Lab backup';

/** A Windows Server 2008 R2 VM with disk.EnableUUID on (a backup error) and an unquoted value (a lint warning). */
const VMX = [
  '.encoding = "UTF-8"',
  'displayName = "APP01"',
  'virtualHW.version = "7"',
  'guestOS = "windows7srv-64"',
  'disk.EnableUUID = "TRUE"',
  'scsi0.present = "TRUE"',
  'scsi0.virtualDev = "lsisas1068"',
  'scsi0:0.present = "TRUE"',
  'scsi0:0.fileName = "APP01.vmdk"',
  'memsize = 2048',
  '',
].join('\n');

/** The codes in the document's diagnostics from `source`. */
function codes(uri: vscode.Uri, source: string): string[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === source).map(codeOf);
}

async function until(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('document analysis: one parse per version for the lint, the backup rules and the language features', () => {
  let api: VsphereLabApi;
  before(async () => {
    api = await vscode.extensions.getExtension<VsphereLabApi>(EXTENSION_ID)!.activate();
  });

  it('parses an open .vmx once, re-parses once per edit, and both analyzers publish from it', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'vmx', content: VMX });
    const editor = await vscode.window.showTextDocument(doc);
    const parses = () => api.analysis.documents.parses(doc.uri);
    await until('lint and backup diagnostics', () => codes(doc.uri, 'vmx').includes('unquoted-value') && codes(doc.uri, BACKUP).includes('vdr.win2008-app-quiesce'));
    assert.equal(parses(), 1, 'the lint and the backup rules share one parse');

    // The language features and a re-run of every analyzer use the same parse.
    assert.match(await hoverText(doc, new vscode.Position(4, 2)), /EnableUUID/i);
    assert.ok((await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', doc.uri)).length > 0);
    assert.ok((await completions(doc, new vscode.Position(10, 0))).length > 0);
    const fixes = await quickFixes(doc, doc.lineAt(4).range);
    assert.ok(fixes.some((a) => a.title === 'Set disk.EnableUUID = "FALSE"'), fixes.map((a) => a.title).join(', '));
    await api.analysis.refresh(doc);
    assert.equal(parses(), 1, 'hover, outline, completion, quick fixes and a re-run parse nothing again');

    // One edit (two changes) is one new version: one more parse, and both collections follow it.
    assert.ok(await editor.edit((e) => {
      e.replace(doc.lineAt(4).range, 'disk.EnableUUID = "FALSE"');
      e.replace(doc.lineAt(9).range, 'memsize = "2048"');
    }));
    await until('both analyzers on the new version', () => !codes(doc.uri, 'vmx').includes('unquoted-value') && !codes(doc.uri, BACKUP).includes('vdr.win2008-app-quiesce'));
    assert.equal(parses(), 2, 'one parse for the new version');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
