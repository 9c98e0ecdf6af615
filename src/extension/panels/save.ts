/**
 * The webview kit's export: a panel's "Export CSV / PNG…" saves through the extension's save dialog
 * (webviews cannot write files), atomically for local files. The place is always the user's choice
 * in that dialog: a webview message is untrusted input and names no path (its suggested name is only
 * the dialog's default, cut to its last segment).
 */
import * as vscode from 'vscode';
import { lazy } from '../../core/lazy';
import { log } from '../log';

const atomic = lazy(() => require('../../core/fs/atomic') as typeof import('../../core/fs/atomic'));

export interface SavedExport {
  saved: boolean;
  /** Where it went (fsPath or URI), when saved. */
  path?: string;
}

/** The suggested name's last path segment, without leading dots (a default in the dialog, nothing more). */
export function safeSuggestedName(suggested: unknown, fallback: string): string {
  return String(suggested ?? '').split(/[\\/]/).pop()?.replace(/^\.+/, '') || fallback;
}

export async function saveExport(bytes: Uint8Array, opts: { suggestedName: string; filters: Record<string, string[]>; what: string }): Promise<SavedExport> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const name = safeSuggestedName(opts.suggestedName, 'export');
  const uri = await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
    filters: opts.filters,
    saveLabel: vscode.l10n.t('Export'),
  });
  if (!uri) return { saved: false };
  if (uri.scheme === 'file') await atomic().writeFileAtomic(uri.fsPath, bytes);
  else await vscode.workspace.fs.writeFile(uri, bytes);
  log().info(`${opts.what}: exported to ${uri.toString(true)}`);
  return { saved: true, path: uri.scheme === 'file' ? uri.fsPath : uri.toString() };
}
