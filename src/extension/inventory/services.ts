import type * as vscode from 'vscode';
import type { InventoryChildren } from './children';
import type { ConnectionStore } from './connections';
import type { InventoryDecorations } from './decorations';
import type { InventoryProvider, Node } from './provider';
import type { SessionManager } from './sessions';

/**
 * What features that start from the inventory get: resolve a tree node with
 * `provider.item(node)` (kind, ref, info), a logged-in client with `sessions.client(node.conn)`,
 * the saved connection with `store.get(node.conn)` (pin a new thumbprint with
 * `store.update(id, { thumbprintSha256 })`); add to the tree's nodes with
 * `context.subscriptions.push(decorations.register(decorator))` (see ./decorations); hang nodes
 * under them with `children.register(source)` (see ./children).
 */
export interface InventoryServices {
  readonly store: ConnectionStore;
  readonly sessions: SessionManager;
  readonly provider: InventoryProvider;
  readonly view: vscode.TreeView<Node>;
  readonly decorations: InventoryDecorations;
  /** Nodes a feature hangs under inventory nodes (./children): `children.register(source)`. */
  readonly children: InventoryChildren;
}
