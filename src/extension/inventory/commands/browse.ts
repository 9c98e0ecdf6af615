/**
 * Finding and opening things: Go to VM (a quick pick over every connected inventory), Open .vmx and
 * Browse VM Folder (the VM's files over the `vsphere-ds:` file system).
 */
import * as vscode from 'vscode';
import type { MoRef } from '../../../core/vsphere/decode';
import { commandArgs, registerCommand } from '../../commands';
import { hostOf } from '../connections';
import { datastoreUri } from '../datastoreFs';
import type { Node } from '../provider';
import type { InventoryServices } from '../services';

type VmPick = vscode.QuickPickItem & { conn: string; key: string };

/** One quick-pick item per VM of every connected inventory. */
async function vmPicks(inv: InventoryServices): Promise<VmPick[]> {
  const { store, sessions } = inv;
  const items: VmPick[] = [];
  for (const c of store.list()) {
    if (sessions.state(c.id).status !== 'connected') continue;
    const snap = sessions.snapshot(c.id) ?? await sessions.load(c.id).catch(() => undefined);
    if (!snap) continue;
    const hostName = new Map(snap.inventory.hosts.map((h) => [h.ref.value, h.name]));
    for (const vm of snap.inventory.vms) {
      const key = snap.tree.vmKey(vm.ref);
      if (!key) continue;
      items.push({
        label: `$(${vm.powerState === 'poweredOn' ? 'vm-running' : 'vm-outline'}) ${vm.name}`,
        description: [vm.host ? hostName.get(vm.host.value) : undefined, vm.guestFullName].filter(Boolean).join(' · '),
        detail: c.label ?? hostOf(c.url), conn: c.id, key,
      });
    }
  }
  return items;
}

async function goToVm(inv: InventoryServices): Promise<void> {
  const items = await vmPicks(inv);
  if (!items.length) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No connected inventory to search. Connect first.'));
    return;
  }
  const pick = await vscode.window.showQuickPick(items, { placeHolder: vscode.l10n.t('Go to VM (type to filter {0} VMs)', String(items.length)), matchOnDescription: true });
  if (pick) await inv.view.reveal(inv.provider.itemNode(pick.conn, pick.key), { select: true, focus: true, expand: false });
}

/** The VM a command was given (or the selected one), with its .vmx path; undefined otherwise. */
function vmOf(inv: InventoryServices, raw: unknown[]): { node: Node; name: string; ref: MoRef; vmPathName: string } | undefined {
  const node = commandArgs(raw).node ?? inv.view.selection[0];
  const it = node ? inv.provider.item(node) : undefined;
  if (!node || it?.kind !== 'vm' || !it.info.vmPathName) return undefined;
  return { node, name: it.name, ref: it.ref, vmPathName: it.info.vmPathName };
}

async function openVmx(inv: InventoryServices, raw: unknown[]): Promise<void> {
  const vm = vmOf(inv, raw);
  const snap = vm && inv.sessions.snapshot(vm.node.conn);
  if (!vm || !snap) return;
  const uri = datastoreUri(vm.node.conn, snap.inventory, vm.ref, vm.vmPathName);
  if (!uri) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Cannot tell which datacenter holds {0}.', vm.name));
    return;
  }
  await vscode.window.showTextDocument(uri, { preview: false });
}

async function browseDatastore(inv: InventoryServices, raw: unknown[]): Promise<void> {
  const vm = vmOf(inv, raw);
  if (!vm) return;
  const snap = inv.sessions.snapshot(vm.node.conn);
  const folderUri = snap && datastoreUri(vm.node.conn, snap.inventory, vm.ref, vm.vmPathName.replace(/\/[^/]*$/, ''));
  if (!folderUri) return;
  const entries = await vscode.window.withProgress({ location: { viewId: 'vsphereLab.inventory' }, title: vscode.l10n.t('Listing the VM folder…') },
    () => vscode.workspace.fs.readDirectory(folderUri));
  const pick = await vscode.window.showQuickPick(
    entries.filter(([, t]) => t === vscode.FileType.File).map(([name]) => ({ label: name })).sort((a, b) => a.label.localeCompare(b.label)),
    { placeHolder: vscode.l10n.t('Files of {0} — pick one to open', vm.name) });
  if (pick) await vscode.window.showTextDocument(vscode.Uri.joinPath(folderUri, pick.label), { preview: false });
}

export function registerBrowseCommands(context: vscode.ExtensionContext, inv: InventoryServices): void {
  registerCommand(context, 'vsphereLab.goToVm', () => goToVm(inv));
  registerCommand(context, 'vsphereLab.openVmx', (...raw: unknown[]) => openVmx(inv, raw));
  registerCommand(context, 'vsphereLab.browseDatastore', (...raw: unknown[]) => browseDatastore(inv, raw));
}
