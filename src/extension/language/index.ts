/**
 * .vmx language features: hover, completion, outline, diagnostics and quick fixes.
 * Registration is cheap: the key catalog is loaded on first use (see shared.ts).
 */
import * as vscode from 'vscode';
import { VmxCodeActionProvider } from './codeActions';
import { VMX_TRIGGER_CHARACTERS, VmxCompletionProvider } from './completion';
import { VmxDiagnostics, VmxLinter } from './diagnostics';
import { REOPEN_WITH_ENCODING_COMMAND, reopenWithEncoding } from './encodingCheck';
import { VmxHoverProvider } from './hover';
import { VMX_SELECTOR, VmxDocumentCache } from './shared';
import { VmxDocumentSymbolProvider } from './symbols';

export function registerVmxLanguage(context: vscode.ExtensionContext): void {
  const cache = new VmxDocumentCache();
  const linter = new VmxLinter(cache);
  context.subscriptions.push(
    cache,
    vscode.languages.registerHoverProvider(VMX_SELECTOR, new VmxHoverProvider(cache)),
    vscode.languages.registerCompletionItemProvider(VMX_SELECTOR, new VmxCompletionProvider(cache), ...VMX_TRIGGER_CHARACTERS),
    vscode.languages.registerDocumentSymbolProvider(VMX_SELECTOR, new VmxDocumentSymbolProvider(cache), { label: 'VMX' }),
    vscode.languages.registerCodeActionsProvider(VMX_SELECTOR, new VmxCodeActionProvider(cache, linter), VmxCodeActionProvider.metadata),
    new VmxDiagnostics(linter),
    vscode.commands.registerCommand(REOPEN_WITH_ENCODING_COMMAND, (uri: string, encoding: string) => reopenWithEncoding(uri, encoding)),
  );
}
