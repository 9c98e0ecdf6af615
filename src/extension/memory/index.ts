/**
 * Memory charts: "Show Memory" on host and VM nodes (live, from the connection's perf counters),
 * "Open esxtop Capture" on a .csv; warnings on VMs that balloon or swap (see ./warnings).
 */
import * as vscode from 'vscode';
import { lazy } from '../../core/lazy';
import { isCancellation } from '../../core/errors';
import type { MemoryPanelState, MemoryProtocol } from '../../webview/memory/protocol';
import { isMemoryPanelState } from '../../webview/memory/protocol';
import type { Node } from '../inventory/provider';
import type { InventoryServices } from '../inventory/services';
import { log } from '../log';
import { PanelHost } from '../panels/panelHost';
import { MEMORY_VIEW_TYPE, memoryPanelDefinition, readCaptureWithProgress, type Capture, type MemoryController } from './panel';
import { memoryDecorator, memoryWarnings } from './warnings';

export { memoryWarnings };

const esxtopSsh = lazy(() => require('./esxtopSsh') as typeof import('./esxtopSsh'));

type Target = Node | { conn: string; ref: { type: string; value: string }; name?: string };

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
  const def = memoryPanelDefinition(inventory);
  /** Opens (or reveals) the panel of a capture already read; the panel's controller keeps it. */
  const showCapture = (file: string, name: string, capture: Capture) => {
    const host = PanelHost.show(context, def, { kind: 'esxtop', file, name });
    host.controller.capture = capture;
    return host;
  };
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
        return showCapture(r.uri.toString(), r.name, r.capture);
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
      const name = target.path.split('/').pop() ?? key;
      const open = PanelHost.instances<MemoryProtocol, MemoryPanelState, MemoryController>(MEMORY_VIEW_TYPE).find((h) => h.state.kind === 'esxtop' && h.state.file === key);
      let capture: Capture | undefined = open?.controller.capture;
      try {
        capture ??= await readCaptureWithProgress(target);
      } catch (e) {
        const msg = (e as Error).message;
        if (!isCancellation(e)) {
          void vscode.window.showErrorMessage(vscode.l10n.t('Could not open {0} as an esxtop capture: {1}. Capture one with "esxtop -b -d 2 -n N > file.csv" on the host.', target.path.split('/').pop() ?? '', msg));
        }
        return undefined;
      }
      return showCapture(key, name, capture);
    }),
  );
}
