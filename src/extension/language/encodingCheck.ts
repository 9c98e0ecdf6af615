/**
 * A .vmx written in a Windows code page (`.encoding = "windows-1252"`, `"GBK"`…; DOMAIN.md §4) opens
 * in VS Code as UTF-8 by default: every byte UTF-8 cannot read becomes U+FFFD, and saving writes
 * U+FFFD back, so the original characters are lost for good. This check flags that state (the text
 * holds U+FFFD and the file is not what the editor decoded it as) and the quick fixes reopen the file
 * with the right encoding (see codeActions.ts and the command below).
 */
import * as vscode from 'vscode';
import type { VmxDocument } from '../../core/vmx/document';
import { isUtf8Name, isValidUtf8, vscodeEncodingId } from '../../core/vmx/encodingIds';

export const REOPEN_WITH_ENCODING_COMMAND = 'vsphereLab.vmx.reopenWithEncoding';
/** VS Code's own "Reopen with Encoding / Save with Encoding" picker (acts on the active editor). */
export const CHANGE_ENCODING_COMMAND = 'workbench.action.editor.changeEncoding';
export const ENCODING_MISMATCH = 'encoding-mismatch';

const REPLACEMENT = '\uFFFD';
/** Documents backed by bytes we can read again. */
const READABLE_SCHEMES = new Set(['file', 'vscode-remote', 'vscode-userdata']);

export interface EncodingProblem {
  line: number;
  column: number;
  endColumn: number;
  /** The file's `.encoding`, when it has one. */
  declared?: string;
  /** The VS Code encoding id for `declared`, when VS Code knows one. */
  vscodeId?: string;
  /** What the editor decoded the file as (TextDocument.encoding). */
  opened: string;
}

function opensAsUtf8(document: vscode.TextDocument): boolean {
  return document.encoding === 'utf8' || document.encoding === 'utf8bom';
}

/** Where the diagnostic goes: the `.encoding` value, or the whole first line. */
function anchor(document: vscode.TextDocument, doc: VmxDocument): Pick<EncodingProblem, 'line' | 'column' | 'endColumn'> {
  const i = doc.find('.encoding')[0];
  if (i !== undefined) {
    const l = doc.line(i);
    if (l.valueSpan) return { line: i, column: l.valueSpan.start, endColumn: l.valueSpan.end };
    return { line: i, column: 0, endColumn: l.text.length };
  }
  return { line: 0, column: 0, endColumn: document.lineCount > 0 ? document.lineAt(0).text.length : 0 };
}

/**
 * The problem, or undefined when the text is safe to save as it is. Reads the file's bytes only when
 * the text holds U+FFFD and the file declares no other encoding (to tell "not UTF-8" from a real U+FFFD).
 */
export async function checkEditorEncoding(document: vscode.TextDocument, doc: VmxDocument): Promise<EncodingProblem | undefined> {
  if (!document.getText().includes(REPLACEMENT)) return undefined;
  const declared = doc.encoding;
  if (declared !== undefined && !isUtf8Name(declared)) {
    const vscodeId = vscodeEncodingId(declared);
    if (vscodeId !== undefined && document.encoding === vscodeId) return undefined;
    return { ...anchor(document, doc), declared, vscodeId, opened: document.encoding };
  }
  // No .encoding (or UTF-8): a problem only when the bytes on disk are not UTF-8 and the editor read them as such.
  if (!opensAsUtf8(document) || !READABLE_SCHEMES.has(document.uri.scheme)) return undefined;
  let bytes: Uint8Array;
  try {
    bytes = await vscode.workspace.fs.readFile(document.uri);
  } catch {
    return undefined;
  }
  if (isValidUtf8(bytes)) return undefined;
  return { ...anchor(document, doc), declared, opened: document.encoding };
}

/** The Problems-panel text for a problem, localised. */
export function encodingMessage(p: EncodingProblem): string {
  if (p.declared !== undefined && p.vscodeId !== undefined) {
    return vscode.l10n.t(
      'This file declares .encoding = "{0}" but the editor opened it as {1}: the characters it could not read show as {2}, and saving would write {2} in their place for good. Reopen the file as {0} before editing it.',
      p.declared, p.opened, REPLACEMENT,
    );
  }
  if (p.declared !== undefined) {
    return vscode.l10n.t(
      'This file declares .encoding = "{0}", which the editor cannot decode; it opened it as {1}: the characters it could not read show as {2}, and saving would write {2} in their place for good. Do not save it from this editor.',
      p.declared, p.opened, REPLACEMENT,
    );
  }
  return vscode.l10n.t(
    'This file is not valid UTF-8 (its .encoding line is missing or says UTF-8) but the editor opened it as {0}: the characters it could not read show as {1}, and saving would write {1} in their place for good. Reopen it with the encoding it was written in (VMware products write a Windows code page such as windows-1252 on Windows).',
    p.opened, REPLACEMENT,
  );
}

/**
 * Reopens `uri` with the VS Code encoding `encoding`. A document with unsaved changes cannot be
 * reopened with another encoding: the user may discard the changes (saving them would lose the bytes).
 */
export async function reopenWithEncoding(uriText: string, encoding: string): Promise<void> {
  const uri = vscode.Uri.parse(uriText);
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open?.isDirty) {
    const discard = vscode.l10n.t('Discard Changes and Reopen');
    const pick = await vscode.window.showWarningMessage(
      vscode.l10n.t('{0} has unsaved changes. Saving them would replace the unreadable characters for good; reopening as {1} discards the changes.', vscode.workspace.asRelativePath(uri), encoding),
      { modal: true },
      discard,
    );
    if (pick !== discard) return;
    await vscode.window.showTextDocument(open);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  }
  try {
    const doc = await vscode.workspace.openTextDocument(uri, { encoding });
    await vscode.window.showTextDocument(doc);
  } catch (e) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Could not reopen {0} as {1}: {2}. Use "Reopen with Encoding" from the status bar.', vscode.workspace.asRelativePath(uri), encoding, e instanceof Error ? e.message : String(e)));
  }
}
