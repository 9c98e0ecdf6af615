/**
 * Inventory decorations: how a feature adds to the tree's nodes without the inventory knowing the
 * feature. The inventory imports no feature; a feature registers a decorator in its own activation:
 *
 * ```ts
 * context.subscriptions.push(inventory.decorations.register({
 *   id: 'memory',
 *   loaded: (conn, inv) => warnings.fromInventory(conn, inv.vms),   // optional: a fresh inventory arrived
 *   decorate: (conn, item) => item.kind === 'vm' ? { description: '…', tooltip: ['…'] } : undefined,
 *   onDidChange: warnings.onDidChange,                               // optional: redraw that connection
 * }));
 * ```
 *
 * What a decorator contributes to a node (`Decoration`), all optional and all additive:
 * - `description`: a suffix after the node's own description (joined with " · ");
 * - `tooltip`: Markdown lines appended to the node's tooltip;
 * - `badge`: the node's icon replaced (`icon`, a codicon id) and/or tinted (`color`, a theme colour id);
 *   the last decorator with a badge wins;
 * - `contextFlags`: flags appended to the node's `contextValue` (`vm;poweredOn;vmx;<flag>`), for menus'
 *   `when` clauses (match them with a regex: `viewItem =~ /;<flag>(;|$)/`).
 *
 * A decorator reads only what the inventory already has (the item with its `info`, and the snapshot
 * handed to `loaded`) or state of its own; it never fetches while the tree renders. When it needs a
 * property the inventory does not retrieve, it names it in `properties` (per managed object type):
 * the next inventory load retrieves it in the same single call, and the value arrives in the item's
 * `info.extra[path]`. A node with work in flight (a spinner) is left undecorated.
 *
 * Registered here: memory (balloon/swap warnings, ../memory/warnings.ts), the generation in host
 * tooltips (./generation.ts), snapshot counts (../snapshots/model.ts); backup badges and certificate
 * expiry come the same way.
 */
import * as vscode from 'vscode';
import type { InventoryItem } from '../../core/inventory/tree';
import type { Inventory, InventoryExtraPaths } from '../../core/vsphere/inventory';

export interface Decoration {
  /** Appended to the node's description (" · " between parts). */
  readonly description?: string;
  /** Markdown lines appended to the node's tooltip. */
  readonly tooltip?: readonly string[];
  /** Replaces the node's icon and/or gives it a theme colour. */
  readonly badge?: { readonly icon?: string; readonly color?: string };
  /** Appended to the node's contextValue, each after a ';'. */
  readonly contextFlags?: readonly string[];
}

export interface InventoryDecorator {
  /** A short name, for logs. */
  readonly id: string;
  /** Extra properties to retrieve with the inventory, by managed object type (e.g. `{ VirtualMachine: ['snapshot'] }`). */
  readonly properties?: InventoryExtraPaths;
  /** A connection's inventory has just loaded (called before the tree reads it). */
  loaded?(conn: string, inventory: Inventory): void;
  /** What this feature adds to a node; undefined for nothing. Called on every render: keep it cheap. */
  decorate(conn: string, item: InventoryItem): Decoration | undefined;
  /** Fires with the connection whose decorations changed (undefined or '' for all). */
  readonly onDidChange?: vscode.Event<string | undefined>;
}

/** The registry the inventory owns; features reach it as `inventory.decorations`. */
export class InventoryDecorations implements vscode.Disposable {
  private readonly decorators = new Set<InventoryDecorator>();
  private readonly emitter = new vscode.EventEmitter<string | undefined>();
  /** Fires when a decorator's output changed (with its connection, if it said) or the set of decorators did. */
  readonly onDidChange = this.emitter.event;

  register(decorator: InventoryDecorator): vscode.Disposable {
    this.decorators.add(decorator);
    const sub = decorator.onDidChange?.((conn) => this.emitter.fire(conn || undefined));
    this.emitter.fire(undefined);
    return new vscode.Disposable(() => {
      sub?.dispose();
      if (this.decorators.delete(decorator)) this.emitter.fire(undefined);
    });
  }

  /** The union of the registered decorators' extra properties (sorted, without duplicates). */
  properties(): InventoryExtraPaths {
    const out: Record<string, Set<string>> = {};
    for (const d of this.decorators) {
      for (const [type, paths] of Object.entries(d.properties ?? {})) {
        for (const p of paths ?? []) (out[type] ??= new Set()).add(p);
      }
    }
    return Object.fromEntries(Object.entries(out).map(([t, s]) => [t, [...s].sort()]));
  }

  /** Tells every decorator that a connection's inventory loaded. */
  loaded(conn: string, inventory: Inventory): void {
    for (const d of this.decorators) d.loaded?.(conn, inventory);
  }

  /** The decorations of one node, in registration order. */
  decorate(conn: string, item: InventoryItem): Decoration[] {
    const out: Decoration[] = [];
    for (const d of this.decorators) {
      const x = d.decorate(conn, item);
      if (x) out.push(x);
    }
    return out;
  }

  /** Applies a node's decorations to its tree item. */
  apply(t: vscode.TreeItem, conn: string, item: InventoryItem): void {
    for (const d of this.decorate(conn, item)) {
      if (d.description) t.description = t.description ? `${String(t.description)} · ${d.description}` : d.description;
      if (d.badge) {
        const current = t.iconPath instanceof vscode.ThemeIcon ? t.iconPath.id : undefined;
        const icon = d.badge.icon ?? current;
        if (icon) t.iconPath = new vscode.ThemeIcon(icon, d.badge.color ? new vscode.ThemeColor(d.badge.color) : undefined);
      }
      if (d.contextFlags?.length) t.contextValue = [t.contextValue ?? '', ...d.contextFlags].join(';');
      if (d.tooltip?.length) {
        const md = t.tooltip instanceof vscode.MarkdownString ? t.tooltip : new vscode.MarkdownString(typeof t.tooltip === 'string' ? t.tooltip : '');
        md.appendMarkdown(`${md.value ? '\n\n' : ''}${d.tooltip.join('\n\n')}`);
        t.tooltip = md;
      }
    }
  }

  dispose(): void {
    this.decorators.clear();
    this.emitter.dispose();
  }
}
