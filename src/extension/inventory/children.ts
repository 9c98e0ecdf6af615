/**
 * Inventory children: how a feature hangs its own nodes under an inventory node (a VM's snapshots)
 * without the inventory knowing the feature — the tree's counterpart of ./decorations.ts. A feature
 * registers a source in its own activation:
 *
 * ```ts
 * context.subscriptions.push(inventory.children.register({
 *   id: 'snapshots',
 *   appliesTo: (conn, item) => item.kind === 'vm' && count(item) > 0,     // cheap: decides "expandable"
 *   children: (conn, item) => [{ key: 'snapshot-51', item: treeItem, children: [ … ] }],
 * }));
 * ```
 *
 * `children` returns the whole subtree at once (a node's children nested in it); the inventory keeps
 * the last answer per node until it asks again (when the node is expanded or refreshed), and hands
 * out `{ type: 'child', conn, parentKey, source, key }` nodes for it. Each child's tree item gets a
 * stable id (`<conn>/<parentKey>/<source>:<key>`); its `contextValue` is the source's (menus match it).
 * Commands receive the child node; `inventory.children.spec(node)` gives back what the source said
 * about it (its `data`), `provider.item(parent)` the inventory node it hangs from.
 * To redraw a node's children, `provider.refresh(provider.itemNode(conn, parentKey))`.
 */
import * as vscode from 'vscode';
import type { InventoryItem } from '../../core/inventory/tree';

/** One child node as a source describes it. */
export interface ChildSpec {
  /** Unique among the node's children from this source, stable across refreshes. */
  readonly key: string;
  /** How it shows (the inventory sets its `id` and collapsible state). */
  readonly item: vscode.TreeItem;
  /** Its own children, if any. */
  readonly children?: readonly ChildSpec[];
  /** Whatever the source wants back when a command runs on the node. */
  readonly data?: unknown;
}

export interface ChildSource {
  /** A short name; part of the child nodes' ids. */
  readonly id: string;
  /** True when `item` has children from this source (called on render: keep it cheap). */
  appliesTo(conn: string, item: InventoryItem): boolean;
  /** The subtree under `item` (may fetch). */
  children(conn: string, item: InventoryItem): readonly ChildSpec[] | Promise<readonly ChildSpec[]>;
}

/** The handle of a source's node in the inventory tree. */
export interface ChildNode {
  readonly type: 'child';
  readonly conn: string;
  /** The inventory item it hangs under (at any depth). */
  readonly parentKey: string;
  readonly source: string;
  readonly key: string;
}

/** The registry the inventory owns; features reach it as `inventory.children`. */
export class InventoryChildren implements vscode.Disposable {
  private readonly sources = new Map<string, ChildSource>();
  /** The last subtree each source gave per inventory node: `<conn>/<parentKey>/<source>` → key → spec. */
  private readonly specs = new Map<string, Map<string, { spec: ChildSpec; parent?: string }>>();
  private readonly nodes = new Map<string, ChildNode>();
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires when the set of sources changed. */
  readonly onDidChange = this.emitter.event;

  register(source: ChildSource): vscode.Disposable {
    this.sources.set(source.id, source);
    this.emitter.fire();
    return new vscode.Disposable(() => {
      if (this.sources.get(source.id) === source) this.sources.delete(source.id);
      this.emitter.fire();
    });
  }

  static idOf(n: ChildNode): string {
    return `${n.conn}/${n.parentKey}/${n.source}:${n.key}`;
  }

  /** True when some source hangs children under `item`. */
  has(conn: string, item: InventoryItem): boolean {
    for (const s of this.sources.values()) if (s.appliesTo(conn, item)) return true;
    return false;
  }

  /** Asks every source that applies for its subtree under `item`; returns the first level. */
  async childrenOf(conn: string, item: InventoryItem): Promise<ChildNode[]> {
    const out: ChildNode[] = [];
    for (const s of this.sources.values()) {
      if (!s.appliesTo(conn, item)) continue;
      const specs = await s.children(conn, item);
      const table = new Map<string, { spec: ChildSpec; parent?: string }>();
      const walk = (list: readonly ChildSpec[], parent?: string): void => {
        for (const spec of list) {
          table.set(spec.key, { spec, parent });
          walk(spec.children ?? [], spec.key);
        }
      };
      walk(specs);
      this.specs.set(`${conn}/${item.key}/${s.id}`, table);
      out.push(...specs.map((spec) => this.node(conn, item.key, s.id, spec.key)));
    }
    return out;
  }

  /** The children of a child node, from its source's last answer. */
  childrenOfChild(n: ChildNode): ChildNode[] {
    const spec = this.spec(n);
    return (spec?.children ?? []).map((c) => this.node(n.conn, n.parentKey, n.source, c.key));
  }

  /** What the source said about a node (undefined once its subtree was replaced without it). */
  spec(n: ChildNode): ChildSpec | undefined {
    return this.specs.get(`${n.conn}/${n.parentKey}/${n.source}`)?.get(n.key)?.spec;
  }

  /** The child a child node hangs under, or undefined for the first level (under the inventory item). */
  parentOf(n: ChildNode): ChildNode | undefined {
    const parent = this.specs.get(`${n.conn}/${n.parentKey}/${n.source}`)?.get(n.key)?.parent;
    return parent === undefined ? undefined : this.node(n.conn, n.parentKey, n.source, parent);
  }

  /** The tree item of a child node. */
  treeItem(n: ChildNode): vscode.TreeItem {
    const spec = this.spec(n);
    if (!spec) {
      const gone = new vscode.TreeItem(vscode.l10n.t('(no longer there)'));
      gone.id = InventoryChildren.idOf(n);
      return gone;
    }
    const t = spec.item;
    t.id = InventoryChildren.idOf(n);
    t.collapsibleState = spec.children?.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None;
    return t;
  }

  private node(conn: string, parentKey: string, source: string, key: string): ChildNode {
    const id = `${conn}/${parentKey}/${source}:${key}`;
    let n = this.nodes.get(id);
    if (!n) this.nodes.set(id, (n = { type: 'child', conn, parentKey, source, key }));
    return n;
  }

  dispose(): void {
    this.sources.clear();
    this.specs.clear();
    this.emitter.dispose();
  }
}
