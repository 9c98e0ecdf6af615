/**
 * VMs seen ballooning or swapping, per connection, for the inventory tree's VM nodes
 * (`memoryWarnings.get(conn, vmRef)`). Filled when the inventory loads (every VM's
 * summary.quickStats balloonedMemory / swappedMemory, MB) and by the memory panel's loads; the tree
 * shows them through the inventory's decoration hook (`memoryDecorator`, registered by the memory
 * feature's activation) and redraws when they change.
 */
import * as vscode from 'vscode';
import type { InventoryDecorator } from '../inventory/decorations';

export interface MemoryWarning {
  balloonMB: number;
  swappedMB: number;
  at: number;
}

class MemoryWarnings {
  private readonly byConn = new Map<string, Map<string, MemoryWarning>>();
  private readonly emitter = new vscode.EventEmitter<string>();
  /** Fires with the connection id whose warnings changed. */
  readonly onDidChange = this.emitter.event;

  get(conn: string, vmRef: string): MemoryWarning | undefined {
    return this.byConn.get(conn)?.get(vmRef);
  }

  /** Short text for the tree ("balloon 250 MB, swapped 80 MB"). */
  describe(conn: string, vmRef: string): string | undefined {
    const w = this.get(conn, vmRef);
    if (!w) return undefined;
    const parts: string[] = [];
    if (w.balloonMB > 0) parts.push(vscode.l10n.t('balloon {0} MB', String(Math.round(w.balloonMB))));
    if (w.swappedMB > 0) parts.push(vscode.l10n.t('swapped {0} MB', String(Math.round(w.swappedMB))));
    return parts.join(', ');
  }

  /** Records the latest figures of VMs (a VM no longer reclaiming loses its warning). */
  update(conn: string, vms: Array<{ id: string; balloonMB?: number; swappedMB?: number; reclaiming: boolean }>): void {
    let m = this.byConn.get(conn);
    if (!m) this.byConn.set(conn, (m = new Map()));
    let changed = false;
    for (const v of vms) {
      const before = m.get(v.id);
      if (v.reclaiming) {
        const w = { balloonMB: v.balloonMB ?? 0, swappedMB: v.swappedMB ?? 0, at: Date.now() };
        if (!before || Math.round(before.balloonMB) !== Math.round(w.balloonMB) || Math.round(before.swappedMB) !== Math.round(w.swappedMB)) changed = true;
        m.set(v.id, w);
      } else if (before) {
        m.delete(v.id);
        changed = true;
      }
    }
    if (changed) this.emitter.fire(conn);
  }

  /**
   * Replaces a connection's warnings with the quick stats of a fresh inventory (VMs without quick
   * stats keep what a panel saw). Silent: the tree being loaded reads them as it builds its nodes.
   */
  fromInventory(conn: string, vms: ReadonlyArray<{ ref: { value: string }; balloonedMB?: number; swappedMB?: number }>): void {
    let m = this.byConn.get(conn);
    if (!m) this.byConn.set(conn, (m = new Map()));
    const at = Date.now();
    for (const v of vms) {
      if (v.balloonedMB === undefined && v.swappedMB === undefined) continue;
      const balloonMB = v.balloonedMB ?? 0;
      const swappedMB = v.swappedMB ?? 0;
      if (balloonMB > 0 || swappedMB > 0) m.set(v.ref.value, { balloonMB, swappedMB, at });
      else m.delete(v.ref.value);
    }
  }

  clear(conn?: string): void {
    if (conn) this.byConn.delete(conn);
    else this.byConn.clear();
    this.emitter.fire(conn ?? '');
  }
}

export const memoryWarnings = new MemoryWarnings();

/**
 * The memory feature's inventory decorator: a VM that balloons or swaps gets "balloon N MB,
 * swapped M MB" after its description and a warning-coloured icon; a fresh inventory's quick stats
 * replace the connection's warnings before the tree reads them.
 */
export const memoryDecorator: InventoryDecorator = {
  id: 'memory',
  loaded: (conn, inventory) => memoryWarnings.fromInventory(conn, inventory.vms),
  decorate(conn, item) {
    if (item.kind !== 'vm') return undefined;
    const text = memoryWarnings.describe(conn, item.ref.value);
    return text ? { description: text, badge: { icon: 'vm-running', color: 'problemsWarningIcon.foreground' } } : undefined;
  },
  onDidChange: memoryWarnings.onDidChange,
};
