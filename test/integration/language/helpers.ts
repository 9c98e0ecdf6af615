/** Shared helpers for the .vmx language integration tests (real VS Code extension host). */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'vsphere-lab.vsphere-lab';

export async function activate(): Promise<void> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is loaded`);
  await ext.activate();
}

export function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, name);
}

export async function openFixture(name: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(workspaceFile(name));
  assert.equal(doc.languageId, 'vmx');
  return doc;
}

/** An untitled vmx document with the fixture's text (plus `extra`), to edit freely. */
export async function untitledFrom(name: string, extra = ''): Promise<vscode.TextDocument> {
  const bytes = await vscode.workspace.fs.readFile(workspaceFile(name));
  return vscode.workspace.openTextDocument({ language: 'vmx', content: Buffer.from(bytes).toString('utf8') + extra });
}

/** The position of the first occurrence of `needle` (plus `offset` characters). */
export function positionOf(doc: vscode.TextDocument, needle: string, offset = 0): vscode.Position {
  const at = doc.getText().indexOf(needle);
  assert.ok(at >= 0, `"${needle}" is in ${doc.uri.toString()}`);
  return doc.positionAt(at + offset);
}

/** Hover text with Markdown escapes undone, so assertions read like the rendered hover. */
export async function hoverText(doc: vscode.TextDocument, pos: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, pos);
  return hovers
    .flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value)))
    .join('\n')
    .replace(/\\([\\`*_{}[\]()#+\-!~|<>.])/g, '$1');
}

/** Completion items; `resolve` items get their documentation (as the focused item in the editor would). */
export async function completions(doc: vscode.TextDocument, pos: vscode.Position, trigger?: string, resolve = 0): Promise<vscode.CompletionItem[]> {
  const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, pos, trigger, resolve);
  return list.items;
}

export function label(item: vscode.CompletionItem): string {
  return typeof item.label === 'string' ? item.label : item.label.label;
}

export function insertText(item: vscode.CompletionItem): string {
  const t = item.insertText ?? label(item);
  return typeof t === 'string' ? t : t.value;
}

/** Waits until the document's diagnostics satisfy `ok` (polling; they are debounced). */
export async function diagnosticsWhen(uri: vscode.Uri, ok: (d: vscode.Diagnostic[]) => boolean, timeoutMs = 5000): Promise<vscode.Diagnostic[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const d = vscode.languages.getDiagnostics(uri).filter((x) => x.source === 'vmx');
    if (ok(d)) return d;
    if (Date.now() > until) assert.fail(`diagnostics did not settle: ${JSON.stringify(d.map((x) => [x.range.start.line, x.code, x.message]))}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

export async function quickFixes(doc: vscode.TextDocument, range: vscode.Range): Promise<vscode.CodeAction[]> {
  const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', doc.uri, range, vscode.CodeActionKind.QuickFix.value);
  return actions.filter((a): a is vscode.CodeAction => 'edit' in a || 'kind' in a);
}

/** Reverts and closes the active editor (fixtures must stay unchanged on disk). */
export async function revertAndClose(doc: vscode.TextDocument): Promise<void> {
  await vscode.window.showTextDocument(doc);
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
}
