import * as vscode from 'vscode';
import { ConnectionStore } from './connections';
import { InventoryProvider, Node } from './provider';
import { SessionManager } from './sessions';

/**
 * A live connection (the default: ../sessions follows the server by live updates) is never reloaded
 * on a timer. Only a server without live updates (no ViewManager) is reloaded every
 * `vsphereLab.inventory.autoRefreshSeconds` while the view is visible; that stops when it is hidden.
 * Node ids are stable, so expansion and selection survive.
 */
export class RefreshManager implements vscode.Disposable {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly view: vscode.TreeView<Node>,
    private readonly store: ConnectionStore,
    private readonly sessions: SessionManager,
    private readonly provider: InventoryProvider,
  ) {
    this.disposables.push(
      view.onDidChangeVisibility(() => this.schedule()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('vsphereLab.inventory.autoRefreshSeconds')) this.schedule();
      }),
    );
    this.schedule();
  }

  private seconds(): number {
    const s = vscode.workspace.getConfiguration('vsphereLab.inventory').get<number>('autoRefreshSeconds', 30);
    return Number.isFinite(s) && s > 0 ? Math.max(5, s) : 0;
  }

  private schedule(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const s = this.seconds();
    if (s && this.view.visible) this.timer = setInterval(() => void this.tick(), s * 1000);
  }

  /** One refresh of every connected inventory that was already loaded. */
  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (const c of this.store.list()) {
        if (this.sessions.state(c.id).status !== 'connected' || !this.sessions.snapshot(c.id)) continue;
        if (this.sessions.isLive(c.id)) continue;
        await this.sessions.load(c.id, true).catch(() => undefined);
        this.provider.refresh(this.provider.connectionNode(c.id));
      }
    } finally {
      this.running = false;
    }
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
