/**
 * The inventory's commands, one module per concern: connection (add, edit, remove, connect, trust,
 * password, refresh), power (on, off, reset, guest shutdown), browse (go to VM, open .vmx, VM folder).
 * All are registered through the command kit (src/extension/commands).
 */
import type * as vscode from 'vscode';
import type { InventoryServices } from '../services';
import { registerBrowseCommands } from './browse';
import { registerConnectionCommands } from './connection';
import { registerPowerCommands } from './power';

export type { AddConnectionArgs } from './connection';

export function registerInventoryCommands(context: vscode.ExtensionContext, inventory: InventoryServices): void {
  registerConnectionCommands(context, inventory);
  registerPowerCommands(context, inventory);
  registerBrowseCommands(context, inventory);
}
