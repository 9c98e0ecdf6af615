/**
 * Memory charts: "Show Memory" on host and VM nodes (live, from the connection's perf counters),
 * "Open esxtop Capture" on a .csv; warnings on VMs that balloon or swap (see ./warnings).
 */
import * as vscode from 'vscode';
import { isCancellation } from '../../core/errors';
import type { RangeName } from '../../core/memory/counters';
import type { MemoryView } from '../../core/memory/view';
import type { MemoryPanelState, MemoryProtocol, SaveResult } from '../../webview/memory/protocol';
import { isMemoryPanelState } from '../../webview/memory/protocol';
import type { Node } from '../inventory/provider';
import type { InventoryServices } from '../inventory/services';
import { log } from '../log';
import { PanelHost, type Handlers, type PanelDefinition } from '../panels/panelHost';
import { pickedGeneration, rememberGeneration } from './generationPick';
import { webviewStrings } from './strings';
import { memoryDecorator, memoryWarnings } from './warnings';
import { lazy } from '../../core/lazy';
import { writeFileAtomic } from '../../core/fs/atomic';

export { memoryWarnings };

const VIEW_TYPE = 'vsphereLab.memory';
const esxtopSsh = lazy(() => require('./esxtopSsh') as typeof import('./esxtopSsh'));
const data = lazy(() => require('../../core/memory/data') as typeof import('../../core/memory/data'));
type Capture = Awaited<ReturnType<Awaited<ReturnType<typeof data>>['readCapture']>>;

/** Captures already read, by URI (dropped when their panel closes). */
const captures = new Map<string, Capture>();

type Target = Node | { conn: string; ref: { type: string; value: string }; name?: string };

function refreshSeconds(range: RangeName): number {
  const s = vscode.workspace.getConfiguration('vsphereLab.memory').get<number>('refreshSeconds', 20);
  const base = Math.max(5, Number.isFinite(s) ? s : 20);
  return range === 'realtime' ? base : Math.max(base, 300);
}

async function readCaptureWithProgress(uri: vscode.Uri): Promise<Capture> {
  const d = await data();
  return vscode.window.withProgress({
    location: vscode.ProgressLocation.Notification,
    title: vscode.l10n.t('Reading esxtop capture {0}…', uri.path.split('/').pop() ?? ''),
    cancellable: true,
  }, async (_p, token) => {
    const ac = new AbortController();
    const sub = token.onCancellationRequested(() => ac.abort());
    try {
      const source = uri.scheme === 'file' ? { fsPath: uri.fsPath } : { bytes: await vscode.workspace.fs.readFile(uri) };
      return await d.readCapture(source, ac.signal);
    } finally {
      sub.dispose();
    }
  });
}

async function save(kind: 'csv' | 'png', bytes: Uint8Array, suggestedName: string, target?: string): Promise<SaveResult> {
  let uri: vscode.Uri | undefined;
  if (target) uri = vscode.Uri.parse(target);
  else {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    uri = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, suggestedName) : undefined,
      filters: kind === 'csv' ? { [vscode.l10n.t('CSV')]: ['csv'] } : { [vscode.l10n.t('PNG image')]: ['png'] },
      saveLabel: vscode.l10n.t('Export'),
    });
  }
  if (!uri) return { saved: false };
  if (uri.scheme === 'file') {
    await writeFileAtomic(uri.fsPath, bytes);
  } else {
    await vscode.workspace.fs.writeFile(uri, bytes);
  }
  log().info(`memory: exported ${kind.toUpperCase()} to ${uri.toString(true)}`);
  return { saved: true, path: uri.scheme === 'file' ? uri.fsPath : uri.toString() };
}

function definition(context: vscode.ExtensionContext, inventory: InventoryServices): PanelDefinition<MemoryProtocol, MemoryPanelState> {
  return {
    viewType: VIEW_TYPE,
    bundle: 'memory',
    key: (s) => (s.kind === 'live' ? `${s.conn}/${s.entity.value}` : s.file),
    title: (s) => (s.kind === 'live' ? vscode.l10n.t('Memory: {0}', s.name) : vscode.l10n.t('esxtop: {0}', s.name)),
    handlers(host): Handlers<MemoryProtocol> {
      const disposables: vscode.Disposable[] = [];
      let userLive = true;
      let timer: ReturnType<typeof setInterval> | undefined;
      let loaded = false;
      const inflight = new Set<AbortController>();
      const stop = () => {
        if (timer) clearInterval(timer);
        timer = undefined;
      };
      const loadView = async (range: RangeName | undefined, window?: [number, number]): Promise<MemoryView> => {
        const s = host.state;
        const d = await data();
        if (s.kind === 'esxtop') {
          let cap = captures.get(s.file);
          if (!cap) {
            cap = await readCaptureWithProgress(vscode.Uri.parse(s.file));
            captures.set(s.file, cap);
          }
          return d.esxtopView(cap, s.name, { window, generation: pickedGeneration(context, s.file) });
        }
        const r: RangeName = range ?? s.range ?? 'realtime';
        if (r !== s.range) host.setState({ ...s, range: r });
        const snap = inventory.sessions.snapshot(s.conn) ?? (await inventory.sessions.load(s.conn));
        const client = await inventory.sessions.client(s.conn);
        const ac = new AbortController();
        inflight.add(ac);
        try {
          const res = await d.loadLive({ client, entity: s.entity, hosts: snap.inventory.hosts, vms: snap.inventory.vms, range: r, signal: ac.signal });
          memoryWarnings.update(s.conn, res.vms);
          return res.view;
        } finally {
          inflight.delete(ac);
        }
      };
      const schedule = () => {
        stop();
        const s = host.state;
        if (s.kind !== 'live' || !userLive || !loaded || !host.panel.visible) return;
        const range = s.range ?? 'realtime';
        timer = setInterval(() => {
          loadView(range).then((v) => host.post('update', v), (e) => log().warn(`memory: live update of ${s.name} failed: ${(e as Error).message}`));
        }, refreshSeconds(range) * 1000);
      };
      disposables.push(host.panel.onDidChangeViewState(() => schedule()));
      host.onDidDispose(() => {
        stop();
        for (const ac of inflight) ac.abort();
        for (const d of disposables) d.dispose();
        if (host.state.kind === 'esxtop') captures.delete(host.state.file);
      });
      return {
        strings: () => webviewStrings(),
        load: async ({ range, window }) => {
          const v = await loadView(range, window);
          loaded = true;
          schedule();
          return v;
        },
        setGeneration: async ({ generation }) => {
          const s = host.state;
          if (s.kind !== 'esxtop') throw new Error(vscode.l10n.t('Only an esxtop capture takes a generation; a live host reports its own.'));
          await rememberGeneration(context, s.file, generation);
          return loadView(undefined);
        },
        setLive: async ({ live }) => {
          userLive = live;
          schedule();
          return { live: userLive && host.state.kind === 'live' };
        },
        exportCsv: ({ csv, suggestedName, target }) => save('csv', new TextEncoder().encode(csv), suggestedName, target),
        exportPng: async ({ dataUrl, suggestedName, target }) => {
          const m = /^data:image\/png;base64,([A-Za-z0-9+/=]+)$/.exec(dataUrl);
          if (!m) throw new Error(vscode.l10n.t('The chart image could not be read (not a PNG data URL).'));
          return save('png', Buffer.from(m[1], 'base64'), suggestedName, target);
        },
      };
    },
  };
}

function resolveTarget(inventory: InventoryServices, arg: Target | undefined): MemoryPanelState | undefined {
  if (!arg) return undefined;
  if ('type' in arg && arg.type === 'item') {
    const it = inventory.provider.item(arg);
    if (it && (it.kind === 'vm' || it.kind === 'host')) {
      return { kind: 'live', conn: arg.conn, entity: { type: it.kind === 'vm' ? 'VirtualMachine' : 'HostSystem', value: it.ref.value }, name: it.name };
    }
    return undefined;
  }
  if ('ref' in arg && (arg.ref.type === 'VirtualMachine' || arg.ref.type === 'HostSystem')) {
    const snap = inventory.sessions.snapshot(arg.conn);
    const info = arg.ref.type === 'VirtualMachine'
      ? snap?.inventory.vms.find((v) => v.ref.value === arg.ref.value)
      : snap?.inventory.hosts.find((h) => h.ref.value === arg.ref.value);
    return { kind: 'live', conn: arg.conn, entity: { type: arg.ref.type, value: arg.ref.value }, name: arg.name ?? info?.name ?? arg.ref.value };
  }
  return undefined;
}

export function registerMemory(context: vscode.ExtensionContext, inventory: InventoryServices): void {
  const def = definition(context, inventory);
  PanelHost.registerSerializer(context, def, isMemoryPanelState);
  context.subscriptions.push(
    inventory.decorations.register(memoryDecorator),
    vscode.commands.registerCommand('vsphereLab.showMemory', (arg?: Target) => {
      const state = resolveTarget(inventory, arg);
      if (!state) {
        void vscode.window.showInformationMessage(vscode.l10n.t('Show Memory works on a host or a VM: right-click one in the vSphere Lab inventory.'));
        return undefined;
      }
      return PanelHost.show(context, def, state);
    }),
    vscode.commands.registerCommand('vsphereLab.captureEsxtopSsh', async (arg?: Node | import('./esxtopSsh').EsxtopSshArgs) => {
      try {
        const { captureEsxtopOverSshCommand } = esxtopSsh();
        const r = await captureEsxtopOverSshCommand(context, inventory, arg);
        if (!r) return undefined;
        const key = r.uri.toString();
        captures.set(key, r.capture);
        return PanelHost.show(context, def, { kind: 'esxtop', file: key, name: r.name });
      } catch (e) {
        const msg = (e as Error).message;
        log().warn(`esxtop over SSH failed: ${msg}`);
        void vscode.window.showErrorMessage(vscode.l10n.t('esxtop capture over SSH failed: {0}', msg));
        return undefined;
      }
    }),
    vscode.commands.registerCommand('vsphereLab.openEsxtop', async (uri?: vscode.Uri) => {
      let target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
      if (!target || !/\.csv$/i.test(target.path)) {
        const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { [vscode.l10n.t('esxtop batch capture')]: ['csv'] }, openLabel: vscode.l10n.t('Open Capture') });
        target = picked?.[0];
      }
      if (!target) return undefined;
      const key = target.toString();
      try {
        if (!captures.has(key)) captures.set(key, await readCaptureWithProgress(target));
      } catch (e) {
        const msg = (e as Error).message;
        if (!isCancellation(e)) {
          void vscode.window.showErrorMessage(vscode.l10n.t('Could not open {0} as an esxtop capture: {1}. Capture one with "esxtop -b -d 2 -n N > file.csv" on the host.', target.path.split('/').pop() ?? '', msg));
        }
        return undefined;
      }
      return PanelHost.show(context, def, { kind: 'esxtop', file: key, name: target.path.split('/').pop() ?? key });
    }),
  );
}
