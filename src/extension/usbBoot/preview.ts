/**
 * The change as ONE edit to the document (one step for Ctrl+Z), previewed as a diff of the document
 * beside the proposed text with a modal Apply / Cancel, then applied if the document is still the
 * version the plan was made from.
 */
import * as vscode from 'vscode';
import { VmxDocument } from '../../core/vmx/document';
import { applyTextEdits, minimalEdit } from '../../core/vmx/edit';
import { UsbBootError } from '../../core/vmx/usbBoot';
import { checkAscii, type EditTarget } from './target';
import { Refusal } from './shared';

/** Proposed texts for the preview diff, served read-only under our scheme. */
const PREVIEW_SCHEME = 'vsphere-lab-usbboot';
const previews = new Map<string, string>();
let previewSeq = 0;

/** Serves the proposed texts to the diff editor. */
export function registerPreviewProvider(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, { provideTextDocumentContent: (uri) => previews.get(uri.query) ?? '' }));
}

/** A key's value before → after, as the preview lists it. */
export interface Change {
  key: string;
  before?: string;
  after?: string;
}

/** What the preview shows and asks. */
export interface Proposal {
  title: string;
  question: string;
  changes: readonly Change[];
  notes?: readonly string[];
  applyLabel: string;
}

/** The edits as ONE edit (one step for Ctrl+Z), with the text they produce. */
function singleEdit(document: vscode.TextDocument, mutate: (d: VmxDocument) => void): { edit: vscode.WorkspaceEdit; newText: string; firstLine: number } {
  const text = document.getText();
  const doc = VmxDocument.fromText(text);
  const newText = applyTextEdits(text, doc.planWith(mutate));
  const e = minimalEdit({ line: 0, character: 0 }, text, newText);
  const edit = new vscode.WorkspaceEdit();
  if (e) edit.replace(document.uri, new vscode.Range(e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character), e.newText);
  return { edit, newText, firstLine: e?.range.start.line ?? 0 };
}

async function closeDiff(proposed: vscode.Uri): Promise<void> {
  for (const group of vscode.window.tabGroups.all) {
    for (const tab of group.tabs) {
      if (tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.toString() === proposed.toString()) await vscode.window.tabGroups.close(tab);
    }
  }
}

/**
 * Shows the document next to the proposed text in a diff editor and asks to apply (a modal the
 * user confirms or cancels). The diff closes afterwards. True when confirmed.
 */
async function confirmInDiff(document: vscode.TextDocument, newText: string, firstLine: number, p: Proposal): Promise<boolean> {
  const id = `${++previewSeq}`;
  previews.set(id, newText);
  const proposed = vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: document.uri.path, query: id });
  const detail = [
    ...p.changes.map((c) => `${c.key}: ${c.before ?? '—'} → ${c.after ?? '—'}`),
    '',
    vscode.l10n.t('The change goes into the editor as one edit (Ctrl+Z undoes it); the file is saved only when you save it.'),
    ...(p.notes ?? []),
  ].join('\n');
  try {
    const line = Math.max(0, firstLine);
    await vscode.commands.executeCommand('vscode.diff', document.uri, proposed, p.title, { preview: true, selection: new vscode.Range(line, 0, line, 0) });
    return (await vscode.window.showInformationMessage(p.question, { modal: true, detail }, p.applyLabel)) === p.applyLabel;
  } finally {
    await closeDiff(proposed);
    previews.delete(id);
  }
}

/**
 * Applies `mutate` (which makes `changes`) to the target's document as one edit, after the preview
 * when `interactive`. Refuses values the editor would save in the wrong encoding. False when the
 * user discarded the preview.
 */
export async function proposeAndApply(target: EditTarget, changes: readonly Change[], mutate: (d: VmxDocument) => void, interactive: boolean, proposal: () => Proposal): Promise<boolean> {
  const { document, version } = target;
  checkAscii(target.asciiOnly, changes.map((c) => c.after));
  const { edit, newText, firstLine } = singleEdit(document, mutate);
  if (interactive && !(await confirmInDiff(document, newText, firstLine, proposal()))) return false;
  if (document.version !== version) throw new UsbBootError('stale-plan', 'the document changed');
  if (!(await vscode.workspace.applyEdit(edit))) throw new Refusal('edit-failed', vscode.l10n.t('VS Code did not apply the edit; the file was left as it was.'));
  await vscode.window.showTextDocument(document, { preview: false });
  return true;
}
