/**
 * Memory charts: "Show Memory" on host and VM nodes (live, from the connection's perf counters),
 * "Open esxtop Capture" on a .csv; warnings on VMs that balloon or swap (see ./warnings).
 */
import * as vscode from 'vscode';
import { lazy } from '../../core/lazy';
import { errorMessage, isCancellation, LabError } from '../../core/errors';
import type { MemoryPanelState, MemoryProtocol } from '../../webview/memory/protocol';
import { isMemoryPanelState } from '../../webview/memory/protocol';
import type { Node } from '../inventory/provider';
import type { InventoryServices } from '../inventory/services';
import { commandArgs, registerCommand } from '../commands';
import { PanelHost } from '../panels/panelHost';
import { MEMORY_VIEW_TYPE, memoryPanelDefinition, readCaptureWithProgress, type Capture, type MemoryController } from './panel';
import { memoryDecorator, memoryWarnings } from './warnings';

export { memoryWarnings };

const esxtopSsh = lazy(() => require('./esxtopSsh') as typeof import('./esxtopSsh'));

/** What scripts and links pass to Show Memory instead of a tree node. */
type LiveRef = { conn: string; ref: { type: string; value: string }; name?: string };
/** A tree node, or a script's `{ conn, ref, name? }` (checked field by field). */
type Target = Node | Partial<LiveRef>;

function resolveTarget(inventory: InventoryServices, arg: Target | undefined): MemoryPanelState | undefined {
  if (!arg) return undefined;
  if ('type' in arg && arg.type === 'item') {
    const it = inventory.provider.item(arg);
    if (it && (it.kind === 'vm' || it.kind === 'host')) {
      return { kind: 'live', conn: arg.conn, entity: { type: it.kind === 'vm' ? 'VirtualMachine' : 'HostSystem', value: it.ref.value }, name: it.name };
    }
    return undefined;
  }
  const { conn, ref, name } = arg as Partial<LiveRef>;
  if (typeof conn === 'string' && typeof ref?.value === 'string' && (ref.type === 'VirtualMachine' || ref.type === 'HostSystem')) {
    const snap = inventory.sessions.snapshot(conn);
    const info = ref.type === 'VirtualMachine'
      ? snap?.inventory.vms.find((v) => v.ref.value === ref.value)
      : snap?.inventory.hosts.find((h) => h.ref.value === ref.value);
    return { kind: 'live', conn, entity: { type: ref.type, value: ref.value }, name: (typeof name === 'string' ? name : undefined) ?? info?.name ?? ref.value };
  }
  return undefined;
}

export function registerMemory(context: vscode.ExtensionContext, inventory: InventoryServices): void {
  const def = memoryPanelDefinition(inventory);
  /** Opens (or reveals) the panel of a capture already read; the panel's controller keeps it. */
  const showCapture = (file: string, name: string, capture: Capture) => {
    const host = PanelHost.show(context, def, { kind: 'esxtop', file, name });
    host.controller.capture = capture;
    return host;
  };
  PanelHost.registerSerializer(context, def, isMemoryPanelState);
  context.subscriptions.push(inventory.decorations.register(memoryDecorator));
  registerCommand(context, 'vsphereLab.showMemory', (...raw: unknown[]) => {
    const { node, options } = commandArgs<LiveRef>(raw);
    const state = resolveTarget(inventory, node ?? options);
    if (!state) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Show Memory works on a host or a VM: right-click one in the vSphere Lab inventory.'));
      return undefined;
    }
    return PanelHost.show(context, def, state);
  });
  registerCommand(context, 'vsphereLab.captureEsxtopSsh', async (...raw: unknown[]) => {
    const { node, options } = commandArgs<import('./esxtopSsh').EsxtopSshArgs>(raw);
    const r = await esxtopSsh().captureEsxtopOverSshCommand(context, inventory, node ?? options);
    return r ? showCapture(r.uri.toString(), r.name, r.capture) : undefined;
  }, { what: vscode.l10n.t('esxtop capture over SSH') });
  registerCommand(context, 'vsphereLab.openEsxtop', async (...raw: unknown[]) => {
    const target = await captureUri(commandArgs(raw).uri);
    if (!target) return undefined;
    const key = target.toString();
    const open = PanelHost.instances<MemoryProtocol, MemoryPanelState, MemoryController>(MEMORY_VIEW_TYPE).find((h) => h.state.kind === 'esxtop' && h.state.file === key);
    const capture = open?.controller.capture ?? await readCapture(target);
    return showCapture(key, target.path.split('/').pop() ?? key, capture);
  });
}

/** The capture to open: the command's file, the active editor's `.csv`, or one the user picks. */
async function captureUri(given: vscode.Uri | undefined): Promise<vscode.Uri | undefined> {
  const target = given ?? vscode.window.activeTextEditor?.document.uri;
  if (target && /\.csv$/i.test(target.path)) return target;
  const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { [vscode.l10n.t('esxtop batch capture')]: ['csv'] }, openLabel: vscode.l10n.t('Open Capture') });
  return picked?.[0];
}

/** Reads a capture; a file that is not one fails with what to do (a cancel stays a cancel). */
async function readCapture(uri: vscode.Uri): Promise<Capture> {
  try {
    return await readCaptureWithProgress(uri);
  } catch (e) {
    if (isCancellation(e)) throw e;
    throw new LabError('invalidInput', vscode.l10n.t('Could not open {0} as an esxtop capture: {1}. Capture one with "esxtop -b -d 2 -n N > file.csv" on the host.', uri.path.split('/').pop() ?? '', errorMessage(e)), { cause: e });
  }
}
