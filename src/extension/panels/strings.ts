import * as vscode from 'vscode';

/**
 * The webview kit's own labels (src/webview/shared/ui.ts), sent with every panel's `init` beside
 * the panel's strings. Keys start with `kit.`; a panel's own keys never do.
 */
export function kitStrings(): Record<string, string> {
  return {
    'kit.copy': vscode.l10n.t('Copy'),
    'kit.copied': vscode.l10n.t('Copied'),
    'kit.cancel': vscode.l10n.t('Cancel'),
  };
}
