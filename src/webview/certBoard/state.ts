/**
 * The Certificates board's browser state and actions (no rendering here): the board and its rows
 * as they arrive, the sort, the hosts selected for rotation, the rotation's per-host status, the
 * last error and message.
 */
import { boardToCsv } from '../../core/certs/board';
import { t } from '../shared/l10n';
import { PanelClient } from '../shared/rpc';
import { Store } from '../shared/store';
import type { CertBoardProtocol, CertBoardState, ExpiryBoard, ExpiryRow, HostRotation, RequestSummary, RotationSummary } from './protocol';

export const client = new PanelClient<CertBoardProtocol, CertBoardState>();

export type SortKey = 'expiry' | 'name' | 'generation';

export interface BoardState {
  board?: ExpiryBoard;
  /** Rows read so far while a load runs. */
  partial: ExpiryRow[];
  progress?: { done: number; total: number };
  loading: boolean;
  warnDays: number[];
  sort: SortKey;
  /** Host ids (morefs) selected for rotation. */
  selected: string[];
  rotation: Record<string, HostRotation>;
  running?: 'csr' | 'rotate';
  requests?: RequestSummary;
  lastRun?: RotationSummary;
  error?: string;
  flash?: string;
}

export const store = new Store<BoardState>({ partial: [], loading: false, warnDays: [90, 30, 7], sort: 'expiry', selected: [], rotation: {} });

const GEN_ORDER = (r: ExpiryRow): string => r.generation ?? '';

/** The rows in the chosen order (the board comes sorted by expiry from the host). */
export function sortedRows(rows: readonly ExpiryRow[], sort: SortKey): ExpiryRow[] {
  const out = [...rows];
  if (sort === 'name') out.sort((a, b) => a.name.localeCompare(b.name));
  else if (sort === 'generation') out.sort((a, b) => GEN_ORDER(a).localeCompare(GEN_ORDER(b)) || a.name.localeCompare(b.name));
  else out.sort((a, b) => (a.daysLeft ?? Infinity) - (b.daysLeft ?? Infinity) || a.name.localeCompare(b.name));
  return out;
}

function fail(e: unknown): void {
  store.set({ error: (e as Error).message, running: undefined, loading: false });
}

export const actions = {
  restore(s: CertBoardState): void {
    client.saveState(s);
  },

  async load(): Promise<void> {
    store.set({ loading: true, partial: [], progress: undefined, error: undefined });
    try {
      const r = await client.request('load', {});
      store.set({ board: r.board, warnDays: r.warnDays, loading: false, partial: [], progress: undefined });
    } catch (e) {
      fail(e);
    }
  },

  row(row: ExpiryRow, done: number, total: number): void {
    if (!store.state.loading) return;
    store.set((s) => ({ partial: [...s.partial.filter((r) => r.id !== row.id), row], progress: { done, total } }));
  },

  sortBy(sort: SortKey): void {
    store.set({ sort });
  },

  toggle(id: string, on: boolean): void {
    store.set((s) => ({ selected: on ? [...new Set([...s.selected, id])] : s.selected.filter((x) => x !== id) }));
  },

  /** Selects the hosts within the largest threshold (or none when all of them are selected). */
  selectExpiring(): void {
    const rows = store.state.board?.rows ?? [];
    const max = Math.max(...store.state.warnDays);
    const ids = rows.filter((r) => r.role === 'host' && r.cert && (r.daysLeft ?? Infinity) <= max).map((r) => r.id);
    store.set((s) => ({ selected: ids.every((id) => s.selected.includes(id)) ? [] : ids }));
  },

  async exportCsv(): Promise<void> {
    const board = store.state.board;
    if (!board) return;
    const base = board.connection.replace(/[^\w.-]+/g, '_') || 'connection';
    const r = await client.request('exportCsv', { csv: boardToCsv(board), suggestedName: `${base}-certificates.csv` });
    store.set({ flash: r.saved ? t('Saved {0}', r.path ?? '') : undefined });
  },

  async requestCsrs(): Promise<void> {
    store.set({ running: 'csr', error: undefined, flash: undefined });
    try {
      const r = await client.request('requestCsrs', { hosts: store.state.selected });
      store.set({ requests: r, running: undefined, flash: r.folder ? t('{0} CSR(s) written to {1}', r.hosts.filter((h) => h.file).length, r.folder) : undefined });
    } catch (e) {
      fail(e);
    }
  },

  async rotate(): Promise<void> {
    const pending: Record<string, HostRotation> = {};
    store.set({ running: 'rotate', error: undefined, flash: undefined, rotation: pending });
    try {
      const r = await client.request('rotate', { hosts: store.state.selected });
      const rotation = Object.fromEntries(r.hosts.map((h) => [h.id, h]));
      store.set({ lastRun: r.cancelled ? undefined : r, rotation: r.cancelled ? {} : rotation, running: undefined });
      if (!r.cancelled) await actions.load();
    } catch (e) {
      fail(e);
    }
  },

  rotationEvent(h: HostRotation): void {
    store.set((s) => ({ rotation: { ...s.rotation, [h.id]: h } }));
  },
};
