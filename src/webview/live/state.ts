/**
 * The events panel's browser state and actions: the events shown (newest first), the filter, whether
 * older pages remain, a request in flight, the last error. New events pushed by the host go on top.
 */
import { PanelClient } from '../shared/rpc';
import { Store } from '../shared/store';
import type { EventRow, EventsPanelState, EventsProtocol } from './protocol';

export const client = new PanelClient<EventsProtocol, EventsPanelState>();

export interface PanelState {
  events: EventRow[];
  types: string;
  users: string;
  atEnd: boolean;
  busy: boolean;
  error?: string;
  /** Keys of the events that arrived while the panel was open (highlighted). */
  fresh: ReadonlySet<number>;
}

export const store = new Store<PanelState>({ events: [], types: '', users: '', atEnd: false, busy: false, fresh: new Set() });

const list = (s: string): string[] => s.split(',').map((x) => x.trim()).filter(Boolean);

async function run(work: () => Promise<void>): Promise<void> {
  if (store.state.busy) return;
  store.set({ busy: true, error: undefined });
  try {
    await work();
  } catch (e) {
    store.set({ error: (e as Error).message });
  } finally {
    store.set({ busy: false });
  }
}

export const actions = {
  setTypes: (types: string) => store.set({ types }, { quiet: true }),
  setUsers: (users: string) => store.set({ users }, { quiet: true }),
  /** Applies the filter: the collector is made again and the list starts over. */
  apply: () => run(async () => {
    const page = await client.request('open', { types: list(store.state.types), users: list(store.state.users) });
    store.set({ events: page.events, atEnd: page.atEnd, fresh: new Set() });
  }),
  older: () => run(async () => {
    const page = await client.request('older', {});
    store.set((s) => ({ events: [...s.events, ...page.events], atEnd: page.atEnd }));
  }),
  added(events: EventRow[]): void {
    const known = new Set(store.state.events.map((e) => e.key));
    const fresh = events.filter((e) => !known.has(e.key));
    if (!fresh.length) return;
    store.set((s) => ({ events: [...fresh, ...s.events], fresh: new Set([...s.fresh, ...fresh.map((e) => e.key)]) }));
  },
};
