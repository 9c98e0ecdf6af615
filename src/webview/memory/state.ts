/**
 * The memory panel's browser state and actions (no rendering here): the view from the host, the
 * chosen range, live updates on or paused, the zoomed time window, the last error and message.
 */
import { seriesToCsv } from '../../core/memory/decimate';
import type { MemoryView, RangeName } from '../../core/memory/types';
import { t } from '../shared/l10n';
import { PanelClient } from '../shared/rpc';
import { Store } from '../shared/store';
import type { MemoryPanelState, MemoryProtocol } from './protocol';

export const client = new PanelClient<MemoryProtocol, MemoryPanelState>();

export interface PanelState {
  view?: MemoryView;
  range: RangeName;
  live: boolean;
  /** The zoomed time window (ms), shared by every chart. */
  zoom?: [number, number];
  error?: string;
  flash?: string;
}

export const store = new Store<PanelState>({ range: 'realtime', live: true });

/** Every series of every chart on one timeline, for the CSV export. */
function allSeries(view: MemoryView | undefined): { x: number[]; names: string[]; ys: Array<Array<number | null>> } {
  const times = new Set<number>();
  for (const c of view?.charts ?? []) for (const x of c.t) times.add(x);
  const x = [...times].sort((a, b) => a - b);
  const idx = new Map(x.map((v, i) => [v, i]));
  const names: string[] = [];
  const ys: Array<Array<number | null>> = [];
  for (const c of view?.charts ?? []) {
    for (const s of c.series) {
      if (s.label.includes('threshold')) continue;
      names.push(`${c.id}: ${s.label} (${c.unit})`);
      const col: Array<number | null> = new Array(x.length).fill(null);
      c.t.forEach((tm, i) => (col[idx.get(tm)!] = s.values[i]));
      ys.push(col);
    }
  }
  return { x, names, ys };
}

function baseName(): string {
  return (store.state.view?.title ?? 'memory').replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '') || 'memory';
}

export const actions = {
  /** The panel's identifiers from init (the range a restored panel had). */
  restore(s: MemoryPanelState): void {
    client.saveState(s);
    store.set({ range: s.kind === 'live' && s.range ? s.range : store.state.range });
  },

  /** Loads the chosen range, or a time window of a capture (detail for a zoom). */
  async load(window?: [number, number]): Promise<void> {
    try {
      const v = await client.request('load', { range: store.state.range, window });
      store.set({ view: v, error: undefined, ...(v.range ? { range: v.range } : {}) });
    } catch (e) {
      store.set({ error: (e as Error).message });
    }
  },

  chooseRange(range: RangeName): Promise<void> {
    store.set({ range, zoom: undefined }, { quiet: true });
    return actions.load();
  },

  /** esxtop: the generation the capture comes from (the host remembers it for the file). */
  async chooseGeneration(generation: string): Promise<void> {
    try {
      store.set({ view: await client.request('setGeneration', { generation }), error: undefined });
    } catch (e) {
      store.set({ error: (e as Error).message });
    }
  },

  async toggleLive(): Promise<void> {
    store.set({ live: (await client.request('setLive', { live: !store.state.live })).live });
  },

  /** The charts were zoomed by the user (they show it already). */
  zoomed(zoom: [number, number] | undefined): void {
    store.set({ zoom }, { quiet: true });
  },

  resetZoom(): void {
    if (store.state.view?.kind === 'esxtop') {
      store.set({ zoom: undefined }, { quiet: true });
      void actions.load();
    } else {
      store.set({ zoom: undefined });
    }
  },

  /** New data pushed by the host (live updates). */
  update(view: MemoryView): void {
    store.set({ view, error: undefined });
  },

  async exportCsv(): Promise<void> {
    const a = allSeries(store.state.view);
    const r = await client.request('exportCsv', { csv: seriesToCsv(a.x, a.names, a.ys), suggestedName: `${baseName()}-memory.csv` });
    store.set({ flash: r.saved ? t('Saved {0}', r.path ?? '') : undefined });
  },

  async exportPng(dataUrl: string): Promise<void> {
    const r = await client.request('exportPng', { dataUrl, suggestedName: `${baseName()}-memory.png` });
    store.set({ flash: r.saved ? t('Saved {0}', r.path ?? '') : undefined });
  },
};
