/**
 * Snapshots in the inventory: a VM's snapshot tree under its node (./model.ts, through the
 * inventory's children hook), their count and age on the VM (a decorator), and the commands to take,
 * revert to, delete, delete all and consolidate (./commands.ts). The VM's `snapshot` and
 * `runtime.consolidationNeeded` come with the inventory's single retrieve; after one of our
 * operations the VM's tree is read again on its own.
 */
import * as vscode from 'vscode';
import type { InventoryServices } from '../inventory/services';
import { registerSnapshotCommands } from './commands';
import { SnapshotModel, snapshotChildren, snapshotDecorator } from './model';

export function registerSnapshots(context: vscode.ExtensionContext, inventory: InventoryServices): void {
  const model = new SnapshotModel();
  context.subscriptions.push(
    model,
    inventory.decorations.register(snapshotDecorator(model)),
    inventory.children.register(snapshotChildren(model)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('vsphereLab.snapshots.oldAfterDays')) inventory.provider.refresh(undefined);
    }),
  );
  registerSnapshotCommands(context, inventory, model);
}
