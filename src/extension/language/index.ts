/**
 * .vmx language features: hover, completion, outline, diagnostics and quick fixes.
 * Registration is cheap: the key catalog is loaded on first use (see shared.ts).
 */
import * as vscode from 'vscode';
import { registerCommand } from '../commands';
import { VmxCodeActionProvider } from './codeActions';
import { VMX_TRIGGER_CHARACTERS, VmxCompletionProvider } from './completion';
import type { AnalysisHost } from '../analysis/host';
import { VmxLinter, vmxLintAnalyzer } from './diagnostics';
import { REOPEN_WITH_ENCODING_COMMAND, reopenWithEncoding } from './encodingCheck';
import { VmxHoverProvider } from './hover';
import { VMX_SELECTOR } from './shared';
import { VmxDocumentSymbolProvider } from './symbols';

/** `analysis` parses each document once per version for every feature here and runs the lint. */
export function registerVmxLanguage(context: vscode.ExtensionContext, analysis: AnalysisHost): void {
  const cache = analysis.documents;
  const linter = new VmxLinter(cache);
  context.subscriptions.push(
    vscode.languages.registerHoverProvider(VMX_SELECTOR, new VmxHoverProvider(cache)),
    vscode.languages.registerCompletionItemProvider(VMX_SELECTOR, new VmxCompletionProvider(cache), ...VMX_TRIGGER_CHARACTERS),
    vscode.languages.registerDocumentSymbolProvider(VMX_SELECTOR, new VmxDocumentSymbolProvider(cache), { label: 'VMX' }),
    vscode.languages.registerCodeActionsProvider(VMX_SELECTOR, new VmxCodeActionProvider(cache, linter), VmxCodeActionProvider.metadata),
    analysis.register(vmxLintAnalyzer(linter)),
  );
  // The quick fix passes (uri as a string, VS Code encoding id).
  registerCommand(context, REOPEN_WITH_ENCODING_COMMAND, (uri: string, encoding: string) => reopenWithEncoding(uri, encoding));
}
