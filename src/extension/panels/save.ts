/**
 * The webview kit's export: a panel's "Export CSV / PNG…" saves through the extension's save dialog
 * (webviews cannot write files), atomically for local files. `target` (a URI) skips the dialog:
 * tests and scripts.
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

export async function saveExport(bytes: Uint8Array, opts: { suggestedName: string; filters: Record<string, string[]>; target?: string; what: string }): Promise<SavedExport> {
  let uri: vscode.Uri | undefined;
  if (opts.target) uri = vscode.Uri.parse(opts.target);
  else {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    uri = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, opts.suggestedName) : undefined,
      filters: opts.filters,
      saveLabel: vscode.l10n.t('Export'),
    });
  }
  if (!uri) return { saved: false };
  if (uri.scheme === 'file') await atomic().writeFileAtomic(uri.fsPath, bytes);
  else await vscode.workspace.fs.writeFile(uri, bytes);
  log().info(`${opts.what}: exported to ${uri.toString(true)}`);
  return { saved: true, path: uri.scheme === 'file' ? uri.fsPath : uri.toString() };
}
