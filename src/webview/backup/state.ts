/**
 * The backup panel's browser state and actions (no rendering here): the last report, whether a
 * request is running, the message of the last action. Every action goes through `run()`, which
 * holds the AbortController that the progress box's Cancel aborts.
 */
import { PanelClient } from '../shared/rpc';
import { Store } from '../shared/store';
import type { BackupProtocol, BackupReport, BackupState } from './protocol';

export const client = new PanelClient<BackupProtocol, BackupState>();

export interface Flash {
  text: string;
  ok: boolean;
}

export interface PanelState {
  report?: BackupReport;
  busy: boolean;
  flash?: Flash;
}

export const store = new Store<PanelState>({ busy: false });

/** The request in progress (Cancel aborts it; the host still answers, with the logs left out). */
let running: AbortController | undefined;

/** Runs a request that answers with a report; one at a time. */
async function run(work: (signal: AbortSignal) => Promise<BackupReport>): Promise<void> {
  if (store.state.busy) return;
  running = new AbortController();
  store.set({ busy: true, flash: undefined });
  try {
    const report = await work(running.signal);
    client.saveState(report.state);
    store.set({ report });
  } catch (e) {
    store.set({ flash: { text: (e as Error).message, ok: false } });
  } finally {
    running = undefined;
    store.set({ busy: false });
  }
}

const cancellable = { waitForHost: true } as const;

export const actions = {
  recheck: () => run((signal) => client.request('load', {}, { signal, ...cancellable })),
  addLogs: () => run(async (signal) => (await client.request('addLogs', {}, { signal, ...cancellable })) ?? store.state.report!),
  fetchLogs: () => run(async (signal) => (await client.request('fetchLogs', {}, { signal, ...cancellable })) ?? store.state.report!),
  removeLog: (uri: string) => run((signal) => client.request('removeLog', { uri }, { signal, ...cancellable })),
  setCreatedOn: (version: string) => run((signal) => client.request('setCreatedOn', { version }, { signal, ...cancellable })),
  openEvidence: (uri: string, line?: number) => void client.request('openEvidence', { uri, line }),
  cancel: () => running?.abort(),

  async applyFix(key: string, fix: number, shutdownFirst: boolean): Promise<void> {
    let message: Flash | undefined;
    await run(async () => {
      const r = await client.request('applyFix', { key, fix, shutdownFirst });
      message = { text: r.message, ok: r.ok };
      return r.report;
    });
    if (message) store.set({ flash: message });
  },

  /** A report the host pushed (a .vmx edited elsewhere, logs added by a command). */
  pushed(report: BackupReport): void {
    client.saveState(report.state);
    // While a request runs, its own answer redraws; until then keep the page as it is.
    store.set({ report }, { quiet: store.state.busy });
  },
};
