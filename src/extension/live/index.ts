/**
 * The live side of the inventory: node status, alarms and VM facts (./facts), Copy IP Address, the
 * Tasks view (./tasks) and Show Events (./events). The tree's live updates themselves belong to the
 * inventory (../inventory/sessions.ts): this feature only adds to the nodes and opens from them.
 */
import * as vscode from 'vscode';
import { vmFacts } from '../../core/vsphere/facts';
import type { InventoryItem } from '../../core/inventory/tree';
import { commandArgs, registerCommand } from '../commands';
import { hostOf } from '../inventory/connections';
import type { InventoryServices } from '../inventory/services';
import { PanelHost } from '../panels/panelHost';
import { isEventsPanelState, type EventsPanelState } from '../../webview/live/protocol';
import { eventsPanel } from './events';
import { FactsDecorator } from './facts';

export { TasksProvider, registerTasksView } from './tasks';
export { EVENTS_VIEW_TYPE, type EventsHost } from './events';

/** The events panel state for a node: an inventory object, or the connection. */
function eventsState(inv: InventoryServices, raw: unknown[]): EventsPanelState | undefined {
  const { node } = commandArgs(raw);
  const n = node ?? inv.view.selection[0];
  if (!n) return undefined;
  if (n.type === 'connection') {
    const c = inv.store.get(n.conn);
    return { conn: n.conn, name: c?.label ?? hostOf(c?.url ?? n.conn) };
  }
  const it: InventoryItem | undefined = inv.provider.item(n);
  if (!it) return undefined;
  if (it.kind === 'vmRoot') return { conn: n.conn, entity: { type: it.datacenter.type, value: it.datacenter.value }, name: it.name };
  return { conn: n.conn, entity: { type: it.ref.type, value: it.ref.value }, name: it.name };
}

async function copyIp(inv: InventoryServices, raw: unknown[]): Promise<void> {
  const { node } = commandArgs(raw);
  const n = node ?? inv.view.selection[0];
  const it = n ? inv.provider.item(n) : undefined;
  if (!it || it.kind !== 'vm') {
    void vscode.window.showInformationMessage(vscode.l10n.t('Select a virtual machine in the vSphere Lab inventory first.'));
    return;
  }
  const ips = vmFacts(it.info.extra).ips;
  if (!ips.length) {
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} reports no IP address: the guest is off, or VMware Tools is not running in it.', it.name));
    return;
  }
  const ip = ips.length === 1 ? ips[0] : await vscode.window.showQuickPick(ips, { title: vscode.l10n.t('IP address of {0} to copy', it.name) });
  if (!ip) return;
  await vscode.env.clipboard.writeText(ip);
  vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}', ip), 3000);
}

export function registerLive(context: vscode.ExtensionContext, inventory: InventoryServices): void {
  const facts = new FactsDecorator(inventory);
  context.subscriptions.push(facts, inventory.decorations.register(facts));

  // the Tasks view (./tasks) registers at activation: src/extension/extension.ts

  const def = eventsPanel(inventory);
  PanelHost.registerSerializer(context, def, isEventsPanelState);
  registerCommand(context, 'vsphereLab.showEvents', (...raw: unknown[]) => {
    const state = eventsState(inventory, raw);
    if (!state) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Select a connection or an object in the vSphere Lab inventory first.'));
      return undefined;
    }
    return PanelHost.show(context, def, state);
  });
  registerCommand(context, 'vsphereLab.copyIpAddress', (...raw: unknown[]) => copyIp(inventory, raw));
}
