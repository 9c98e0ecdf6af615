/**
 * The readiness matrix's browser state and actions (no rendering here): the matrix from the host,
 * the filter and sort, the selected VMs and the open cell, the fix in progress with its steps. The
 * sweep and the fix are requests whose AbortController the progress box's Cancel aborts.
 */
import { t } from '../shared/l10n';
import { PanelClient } from '../shared/rpc';
import { Store } from '../shared/store';
import type { FixOutcome, FixStep, MatrixView, MatrixVm, ReadinessPanelState, ReadinessProtocol } from './protocol';

export const client = new PanelClient<ReadinessProtocol, ReadinessPanelState>();

export type SeverityFilter = 'all' | 'error' | 'warning' | 'any';
export type SortKey = 'path' | 'name' | 'worst' | string;

export interface PanelState {
  view?: MatrixView;
  busy?: 'sweep' | 'fix';
  progress?: { message: string; fraction?: number };
  filter: string;
  severity: SeverityFilter;
  sort: SortKey;
  selected: string[];
  /** The open cell: VM ref and rule code. */
  open?: { vm: string; code: string };
  fixKind?: string;
  mode: 'poweredOffOnly' | 'shutdownApplyPowerOn';
  concurrency: number;
  steps: FixStep[];
  outcomes?: FixOutcome[];
  error?: string;
  flash?: string;
}

export const store = new Store<PanelState>({ filter: '', severity: 'any', sort: 'worst', selected: [], mode: 'poweredOffOnly', concurrency: 2, steps: [] });

let running: AbortController | undefined;

const RANK: Record<string, number> = { error: 0, warning: 1, info: 2 };

export function worst(v: MatrixVm): number {
  return Math.min(3, ...v.findings.map((f) => RANK[f.severity] ?? 3));
}

/** The rows after filter and sort. */
export function visibleRows(s: Readonly<PanelState>): MatrixVm[] {
  const q = s.filter.trim().toLowerCase();
  let rows = (s.view?.vms ?? []).filter((v) => !q || v.name.toLowerCase().includes(q) || v.path.toLowerCase().includes(q));
  if (s.severity === 'error') rows = rows.filter((v) => v.findings.some((f) => f.severity === 'error'));
  else if (s.severity === 'warning') rows = rows.filter((v) => v.findings.some((f) => f.severity !== 'info'));
  else if (s.severity === 'any') rows = rows.filter((v) => v.findings.length > 0);
  const cell = (v: MatrixVm, code: string): number => RANK[v.findings.find((f) => f.code === code)?.severity ?? ''] ?? 3;
  const by = s.sort;
  return [...rows].sort((a, b) => by === 'name' ? a.name.localeCompare(b.name)
    : by === 'path' ? a.path.localeCompare(b.path)
      : by === 'worst' ? worst(a) - worst(b) || b.findings.length - a.findings.length || a.path.localeCompare(b.path)
        : cell(a, by) - cell(b, by) || a.path.localeCompare(b.path));
}

function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The visible matrix as CSV: one row per VM, a column per rule (severity or empty). */
export function matrixCsv(s: Readonly<PanelState>): string {
  const rules = s.view?.rules ?? [];
  const head = ['VM', 'Path', 'Power', 'Generation', ...rules.map((r) => r.code)];
  const lines = [head.map(csvField).join(',')];
  for (const v of visibleRows(s)) {
    lines.push([v.name, v.path, v.powerState ?? '', v.generation ?? '', ...rules.map((r) => v.findings.find((f) => f.code === r.code)?.severity ?? '')].map(csvField).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

export const actions = {
  async sweep(): Promise<void> {
    if (store.state.busy) return;
    running = new AbortController();
    store.set({ busy: 'sweep', error: undefined, progress: { message: t('Reading the inventory…') }, outcomes: undefined, steps: [] });
    try {
      const view = await client.request('sweep', {}, { signal: running.signal });
      store.set({ view, selected: store.state.selected.filter((r) => view.vms.some((v) => v.ref === r)) });
    } catch (e) {
      store.set({ error: (e as Error).message });
    } finally {
      running = undefined;
      store.set({ busy: undefined, progress: undefined });
    }
  },
  progress(p: { phase: 'retrieve' | 'logs'; done: number; total?: number }): void {
    if (store.state.busy !== 'sweep') return;
    store.set({ progress: p.phase === 'retrieve'
      ? { message: t('Reading the inventory: {0} objects…', p.done) }
      : { message: t('Reading vmware.log {0} of {1}…', p.done, p.total ?? 0), fraction: p.total ? p.done / p.total : undefined } });
  },
  cancel(): void {
    running?.abort();
  },
  setFilter(filter: string): void { store.set({ filter }); },
  setSeverity(severity: SeverityFilter): void { store.set({ severity }); },
  sortBy(sort: SortKey): void { store.set({ sort }); },
  toggle(ref: string): void {
    const sel = store.state.selected;
    store.set({ selected: sel.includes(ref) ? sel.filter((r) => r !== ref) : [...sel, ref] });
  },
  selectAll(on: boolean): void {
    store.set({ selected: on ? visibleRows(store.state).map((v) => v.ref) : [] });
  },
  /** Selects the visible VMs that have the finding `code`. */
  selectWith(code: string): void {
    store.set({ selected: visibleRows(store.state).filter((v) => v.findings.some((f) => f.code === code)).map((v) => v.ref) });
  },
  openCell(vm: string, code: string): void {
    const o = store.state.open;
    store.set({ open: o && o.vm === vm && o.code === code ? undefined : { vm, code } });
  },
  setFix(fixKind: string): void { store.set({ fixKind }); },
  setMode(mode: PanelState['mode']): void { store.set({ mode }); },
  setConcurrency(n: number): void { store.set({ concurrency: Math.max(1, Math.min(8, Math.round(n) || 1)) }); },
  step(s: FixStep): void {
    if (store.state.busy !== 'fix') return;
    const steps = store.state.steps.filter((x) => x.vm !== s.vm);
    const order = store.state.selected;
    steps.push(s);
    steps.sort((a, b) => order.indexOf(a.vm) - order.indexOf(b.vm));
    store.set({ steps });
  },
  async fix(): Promise<void> {
    const s = store.state;
    if (s.busy || !s.fixKind || !s.selected.length) return;
    running = new AbortController();
    store.set({ busy: 'fix', error: undefined, outcomes: undefined, steps: [], progress: { message: t('Applying to {0} VM(s)…', s.selected.length) } });
    try {
      const r = await client.request('fix', { kind: s.fixKind, vms: s.selected, mode: s.mode, concurrency: s.concurrency }, { signal: running.signal });
      // The selection is cleared: the fix list changes with the counts, and a second Apply must be a new choice.
      store.set({ view: r.view, outcomes: r.outcomes, selected: [] });
    } catch (e) {
      store.set({ error: (e as Error).message });
    } finally {
      running = undefined;
      store.set({ busy: undefined, progress: undefined });
    }
  },
  async openEvidence(uri: string, line?: number): Promise<void> {
    try {
      await client.request('openEvidence', { uri, line });
    } catch (e) {
      store.set({ error: (e as Error).message });
    }
  },
  async exportCsv(): Promise<void> {
    try {
      const r = await client.request('exportCsv', { csv: matrixCsv(store.state), suggestedName: 'backup-readiness.csv' });
      store.set({ flash: r.saved ? t('Saved {0}', r.path ?? '') : undefined });
    } catch (e) {
      store.set({ error: (e as Error).message });
    }
  },
};
