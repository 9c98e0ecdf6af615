/**
 * Certificate expiry in the inventory tree: each connection's last board (read by the panel, or in
 * the background 10 s after the connection's inventory loads, at most every 30 minutes; setting
 * `vsphereLab.certificates.backgroundCheck`) and the decorator
 * that puts a badge on hosts whose certificate is within `vsphereLab.certificates.warnDays`
 * (default 90 / 30 / 7 days): "cert 25 d" after the description, an icon tinted by the level, a
 * tooltip line with the date. Owned by the feature's activation (no module state).
 */
import * as vscode from 'vscode';
import { expiryLevel, normaliseWarnDays, type ExpiryLevel } from '../../core/certs/board';
import type { ExpiryBoard, ExpiryRow } from '../../core/certs/expiry';
import { certsCore } from '../../core/certs/lazy';
import { errorMessage } from '../../core/errors';
import type { InventoryDecorator } from '../inventory/decorations';
import type { InventoryServices } from '../inventory/services';
import { log } from '../log';

const BACKGROUND_EVERY_MS = 30 * 60_000;
const BACKGROUND_DELAY_MS = 10_000;

export function warnDays(): number[] {
  return normaliseWarnDays(vscode.workspace.getConfiguration('vsphereLab.certificates').get<unknown>('warnDays'));
}

const COLOR: Record<ExpiryLevel, string | undefined> = {
  ok: undefined, unknown: undefined,
  notice: 'charts.blue',
  warning: 'problemsWarningIcon.foreground',
  critical: 'problemsErrorIcon.foreground',
  expired: 'problemsErrorIcon.foreground',
};

/** The last board of each connection, and the background reads that keep the badges current. */
export class CertificateExpiry implements vscode.Disposable {
  private readonly boards = new Map<string, { board: ExpiryBoard; byHost: Map<string, ExpiryRow>; at: number }>();
  private readonly inflight = new Map<string, AbortController>();
  private disposed = false;
  private readonly emitter = new vscode.EventEmitter<string>();
  readonly onDidChange = this.emitter.event;

  constructor(private readonly inventory: InventoryServices) {}

  set(conn: string, board: ExpiryBoard): void {
    this.boards.set(conn, { board, byHost: new Map(board.rows.filter((r) => r.moref).map((r) => [r.moref!, r])), at: Date.now() });
    this.emitter.fire(conn);
  }

  host(conn: string, moref: string): ExpiryRow | undefined {
    return this.boards.get(conn)?.byHost.get(moref);
  }

  /** Reads the board now (bounded, concurrency-limited: core/certs/expiry). */
  async read(conn: string, signal?: AbortSignal, onRow?: (row: ExpiryRow, done: number, total: number) => void): Promise<ExpiryBoard> {
    const client = await this.inventory.sessions.client(conn);
    const { readExpiryBoard } = certsCore.expiry();
    const board = await readExpiryBoard(client, { ...(signal ? { signal } : {}), ...(onRow ? { onRow } : {}) });
    this.set(conn, board);
    return board;
  }

  /**
   * After an inventory load: a background read (10 s later, when the last one is older than 30
   * minutes), unless `vsphereLab.certificates.backgroundCheck` is off.
   */
  refreshSoon(conn: string): void {
    if (!vscode.workspace.getConfiguration('vsphereLab.certificates').get<boolean>('backgroundCheck', true)) return;
    const last = this.boards.get(conn)?.at ?? 0;
    if (this.disposed || this.inflight.has(conn) || Date.now() - last < BACKGROUND_EVERY_MS) return;
    const ac = new AbortController();
    this.inflight.set(conn, ac);
    const timer = setTimeout(() => {
      this.read(conn, ac.signal).catch((e: unknown) => {
        if (!ac.signal.aborted) log().info(`certificates: background expiry read of ${conn} failed: ${errorMessage(e)}`);
      }).finally(() => this.inflight.delete(conn));
    }, BACKGROUND_DELAY_MS);
    ac.signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
  }

  /** The thresholds changed: every connection's badges again. */
  redraw(): void {
    this.emitter.fire('');
  }

  forget(conn: string): void {
    this.inflight.get(conn)?.abort();
    this.boards.delete(conn);
    this.emitter.fire(conn);
  }

  dispose(): void {
    this.disposed = true;
    for (const ac of this.inflight.values()) ac.abort();
    this.inflight.clear();
    this.emitter.dispose();
  }
}

/** The tree badge of one host row, or undefined when it is not within a threshold. */
export function hostBadge(row: ExpiryRow, thresholds: readonly number[]): { description: string; tooltip: string[]; color?: string; level: ExpiryLevel } | undefined {
  if (row.error || row.daysLeft === undefined) return undefined;
  const level = expiryLevel(row.daysLeft, thresholds);
  if (level === 'ok' || level === 'unknown') return undefined;
  const date = row.cert?.notAfter.slice(0, 10) ?? '';
  const description = level === 'expired' ? vscode.l10n.t('certificate expired') : vscode.l10n.t('cert {0} d', String(row.daysLeft));
  const tooltip = [level === 'expired'
    ? vscode.l10n.t('$(error) The certificate expired on {0}.', date)
    : vscode.l10n.t('$(warning) The certificate expires on {0} ({1} days left).', date, String(row.daysLeft))];
  return { description, tooltip, level, ...(COLOR[level] ? { color: COLOR[level] } : {}) };
}

export function certificateDecorator(expiry: CertificateExpiry): InventoryDecorator {
  return {
    id: 'certificates',
    loaded: (conn) => expiry.refreshSoon(conn),
    decorate(conn, item) {
      if (item.kind !== 'host') return undefined;
      const row = expiry.host(conn, item.ref.value);
      const b = row && hostBadge(row, warnDays());
      return b ? { description: b.description, tooltip: b.tooltip, badge: { icon: 'workspace-untrusted', ...(b.color ? { color: b.color } : {}) }, contextFlags: [`cert-${b.level}`] } : undefined;
    },
    onDidChange: expiry.onDidChange,
  };
}
