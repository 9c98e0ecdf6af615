/**
 * The memory panel (extension side): one per host or VM (live perf counters) or per esxtop capture.
 * `MemoryController` owns the panel's work — the capture it shows, the live-update timer, the
 * requests in flight — and is owned by its PanelHost (`host.controller`).
 */
import * as vscode from 'vscode';
import { lazy } from '../../core/lazy';
import type { RangeName } from '../../core/memory/counters';
import type { MemoryView } from '../../core/memory/view';
import type { MemoryPanelState, MemoryProtocol, SaveResult } from '../../webview/memory/protocol';
import { withCancellableProgress } from '../commands';
import type { InventoryServices } from '../inventory/services';
import { log } from '../log';
import type { Handlers, PanelController, PanelDefinition, PanelHost } from '../panels/panelHost';
import { pickedGeneration, rememberGeneration } from './generationPick';
import { webviewStrings } from './strings';
import { memoryWarnings } from './warnings';

export const MEMORY_VIEW_TYPE = 'vsphereLab.memory';
export const memoryData = lazy(() => require('../../core/memory/data') as typeof import('../../core/memory/data'));
const atomic = lazy(() => require('../../core/fs/atomic') as typeof import('../../core/fs/atomic'));
export type Capture = Awaited<ReturnType<ReturnType<typeof memoryData>['readCapture']>>;
export type MemoryHost = PanelHost<MemoryProtocol, MemoryPanelState, MemoryController>;

function refreshSeconds(range: RangeName): number {
  const s = vscode.workspace.getConfiguration('vsphereLab.memory').get<number>('refreshSeconds', 20);
  const base = Math.max(5, Number.isFinite(s) ? s : 20);
  return range === 'realtime' ? base : Math.max(base, 300);
}

/** Reads an esxtop batch capture under a cancellable notification. */
export async function readCaptureWithProgress(uri: vscode.Uri): Promise<Capture> {
  const d = await memoryData();
  const title = vscode.l10n.t('Reading esxtop capture {0}…', uri.path.split('/').pop() ?? '');
  return withCancellableProgress({ title }, async (signal) => {
    const source = uri.scheme === 'file' ? { fsPath: uri.fsPath } : { bytes: await vscode.workspace.fs.readFile(uri) };
    return d.readCapture(source, signal);
  });
}

/** Writes an export where the user chose in the extension's own save dialog; the webview names no path. */
async function save(kind: 'csv' | 'png', bytes: Uint8Array, suggestedName: string): Promise<SaveResult> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  // The suggested name is only a default in the dialog: its last path segment, nothing above it.
  const name = String(suggestedName ?? '').split(/[\\/]/).pop()?.replace(/^\.+/, '') || `memory.${kind}`;
  const uri = await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
    filters: kind === 'csv' ? { [vscode.l10n.t('CSV')]: ['csv'] } : { [vscode.l10n.t('PNG image')]: ['png'] },
    saveLabel: vscode.l10n.t('Export'),
  });
  if (!uri) return { saved: false };
  if (uri.scheme === 'file') {
    await atomic().writeFileAtomic(uri.fsPath, bytes);
  } else {
    await vscode.workspace.fs.writeFile(uri, bytes);
  }
  log().info(`memory: exported ${kind.toUpperCase()} to ${uri.toString(true)}`);
  return { saved: true, path: uri.scheme === 'file' ? uri.fsPath : uri.toString() };
}

/** One memory panel's work: loading views, the live-update timer, the esxtop capture it shows. */
export class MemoryController implements PanelController<MemoryProtocol> {
  /** The capture shown (esxtop panels): handed over by the command that read it, or read on first load. */
  capture?: Capture;
  private userLive = true;
  private loaded = false;
  private timer?: ReturnType<typeof setInterval>;
  /** Aborts live loads that are not tied to a webview request (timer updates) when the panel closes. */
  private readonly closed = new AbortController();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly host: MemoryHost, private readonly inventory: InventoryServices) {
    this.disposables.push(host.panel.onDidChangeViewState(() => this.schedule()));
  }

  readonly handlers: Handlers<MemoryProtocol> = {
    load: async ({ range, window }, signal) => {
      const v = await this.loadView(range, window, signal);
      this.loaded = true;
      this.schedule();
      return v;
    },
    setGeneration: async ({ generation }) => {
      const s = this.host.state;
      if (s.kind !== 'esxtop') throw new Error(vscode.l10n.t('Only an esxtop capture takes a generation; a live host reports its own.'));
      await rememberGeneration(this.host.context, s.file, generation);
      return this.loadView(undefined);
    },
    setLive: async ({ live }) => {
      this.userLive = live;
      this.schedule();
      return { live: this.userLive && this.host.state.kind === 'live' };
    },
    exportCsv: ({ csv, suggestedName }) => {
      if (typeof csv !== 'string') throw new Error(vscode.l10n.t('The export could not be read (no CSV text).'));
      return save('csv', new TextEncoder().encode(csv), suggestedName);
    },
    exportPng: async ({ dataUrl, suggestedName }) => {
      const m = typeof dataUrl === 'string' ? /^data:image\/png;base64,([A-Za-z0-9+/=]+)$/.exec(dataUrl) : null;
      if (!m) throw new Error(vscode.l10n.t('The chart image could not be read (not a PNG data URL).'));
      return save('png', Buffer.from(m[1], 'base64'), suggestedName);
    },
  };

  /** The view for a range (live) or a time window (zoomed capture). */
  async loadView(range: RangeName | undefined, window?: [number, number], signal?: AbortSignal): Promise<MemoryView> {
    const s = this.host.state;
    const d = await memoryData();
    if (s.kind === 'esxtop') {
      this.capture ??= await readCaptureWithProgress(vscode.Uri.parse(s.file));
      return d.esxtopView(this.capture, s.name, { window, generation: pickedGeneration(this.host.context, s.file) });
    }
    const r: RangeName = range ?? s.range ?? 'realtime';
    if (r !== s.range) this.host.setState({ ...s, range: r });
    const snap = this.inventory.sessions.snapshot(s.conn) ?? (await this.inventory.sessions.load(s.conn));
    const client = await this.inventory.sessions.client(s.conn);
    const res = await d.loadLive({ client, entity: s.entity, hosts: snap.inventory.hosts, vms: snap.inventory.vms, range: r, signal: signal ?? this.closed.signal });
    memoryWarnings.update(s.conn, res.vms);
    return res.view;
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Live updates run while the panel is live, loaded, visible and not paused by the user. */
  private schedule(): void {
    this.stop();
    const s = this.host.state;
    if (s.kind !== 'live' || !this.userLive || !this.loaded || !this.host.panel.visible) return;
    const range = s.range ?? 'realtime';
    this.timer = setInterval(() => {
      this.loadView(range).then((v) => this.host.post('update', v), (e) => log().warn(`memory: live update of ${s.name} failed: ${(e as Error).message}`));
    }, refreshSeconds(range) * 1000);
  }

  dispose(): void {
    this.stop();
    this.closed.abort();
    for (const d of this.disposables) d.dispose();
  }
}

export function memoryPanelDefinition(inventory: InventoryServices): PanelDefinition<MemoryProtocol, MemoryPanelState, MemoryController> {
  return {
    viewType: MEMORY_VIEW_TYPE,
    bundle: 'memory',
    key: (s) => (s.kind === 'live' ? `${s.conn}/${s.entity.value}` : s.file),
    title: (s) => (s.kind === 'live' ? vscode.l10n.t('Memory: {0}', s.name) : vscode.l10n.t('esxtop: {0}', s.name)),
    strings: webviewStrings,
    controller: (host) => new MemoryController(host, inventory),
  };
}
