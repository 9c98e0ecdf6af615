import * as vscode from 'vscode';
import { disposeLog, log } from './log';
import { InventoryProvider } from './tree/inventoryProvider';

/** What activate() returns; the integration tests read it. */
export interface VsphereLabApi {
  /** Milliseconds activate() took, measured inside the extension host. */
  readonly activationMs: number;
}

export function activate(context: vscode.ExtensionContext): VsphereLabApi {
  const started = performance.now();
  const output = log();
  context.subscriptions.push(output);

  const inventory = new InventoryProvider();
  context.subscriptions.push(
    inventory,
    vscode.window.createTreeView('vsphereLab.inventory', { treeDataProvider: inventory, showCollapseAll: true }),
    vscode.commands.registerCommand('vsphereLab.showLog', () => output.show()),
  );

  const activationMs = performance.now() - started;
  output.info(vscode.l10n.t('vSphere Lab {0} activated in {1} ms', String(context.extension.packageJSON.version), activationMs.toFixed(1)));
  return { activationMs };
}

export function deactivate(): void {
  disposeLog();
}
