/**
 * "Open Console" on a VM node: asks the server for the console links (core/vsphere/console.ts) —
 * the VMware Remote Console link from a clone ticket (`vmrc://clone:…`, opened through the OS with
 * `vscode.env.openExternal`) and, where the server offers it (vSphere API 6.0+, VM powered on), the
 * HTML5 console's WebMKS URL (copied, for a WebMKS client) — and lets the user pick. A way that is
 * not available is listed with the reason (vcsim has no WebMKS ticket; a powered-off VM has no
 * screen). The links hold one-time tickets that clone the session: they are never logged.
 * Scripts pass `{ open: false }` to get the links back without opening anything.
 */
import * as vscode from 'vscode';
import type { InventoryItem } from '../../core/inventory/tree';
import { lazy } from '../../core/lazy';
import type { ConsoleLinks } from '../../core/vsphere/console';
import { commandArgs, registerCommand, withCancellableProgress } from '../commands';
import type { InventoryServices } from '../inventory/services';
import { log } from '../log';

const consoleCore = lazy(() => require('../../core/vsphere/console') as typeof import('../../core/vsphere/console'));

export interface OpenConsoleArgs {
  /** 'vmrc' or 'webmks' to open that one without asking; false to only return the links. */
  open: 'vmrc' | 'webmks' | false;
}

type Vm = Extract<InventoryItem, { kind: 'vm' }>;

interface Pick extends vscode.QuickPickItem {
  readonly way: 'vmrc' | 'webmks' | 'none';
}

function picks(links: ConsoleLinks): Pick[] {
  const out: Pick[] = [];
  out.push('url' in links.vmrc
    ? { label: `$(link-external) ${vscode.l10n.t('Open in VMware Remote Console (VMRC)')}`, detail: vscode.l10n.t('Needs VMRC installed; the link logs in once with a ticket of this session.'), way: 'vmrc' }
    : { label: `$(circle-slash) ${vscode.l10n.t('VMware Remote Console unavailable')}`, detail: links.vmrc.message, way: 'none' });
  out.push('url' in links.webmks
    ? { label: `$(copy) ${vscode.l10n.t('Copy the HTML5 console (WebMKS) URL')}`, detail: vscode.l10n.t('For a WebMKS client; one-time ticket, valid a few minutes.'), way: 'webmks' }
    : { label: `$(circle-slash) ${vscode.l10n.t('HTML5 console unavailable')}`, detail: links.webmks.message, way: 'none' });
  return out;
}

async function use(way: 'vmrc' | 'webmks', links: ConsoleLinks, vm: Vm): Promise<void> {
  if (way === 'vmrc' && 'url' in links.vmrc) {
    const opened = await vscode.env.openExternal(vscode.Uri.parse(links.vmrc.url, true));
    log().info(`console: VMRC link for ${vm.name} handed to the OS (${opened ? 'opened' : 'not opened'})`);
    if (!opened) void vscode.window.showWarningMessage(vscode.l10n.t('The VMRC link for {0} did not open. Install VMware Remote Console, which registers the vmrc:// links.', vm.name));
  } else if (way === 'webmks' && 'url' in links.webmks) {
    await vscode.env.clipboard.writeText(links.webmks.url);
    void vscode.window.showInformationMessage(vscode.l10n.t('The HTML5 console URL of {0} is on the clipboard (one use, valid a few minutes).', vm.name));
  }
}

async function openConsole(inv: InventoryServices, raw: unknown[]): Promise<ConsoleLinks | undefined> {
  const { node: given, options } = commandArgs<OpenConsoleArgs>(raw);
  const node = given ?? inv.view.selection[0];
  const it = node?.type === 'item' ? inv.provider.item(node) : undefined;
  if (!node || it?.kind !== 'vm') {
    void vscode.window.showInformationMessage(vscode.l10n.t('Select a virtual machine in the vSphere Lab inventory first.'));
    return undefined;
  }
  const links = await withCancellableProgress({ title: vscode.l10n.t('Console of {0}…', it.name) }, async (signal) => {
    const client = await inv.sessions.client(node.conn);
    return consoleCore().consoleLinks(client, it.ref, { powerState: it.info.powerState, signal });
  });
  log().info(`console: ${it.name}: VMRC ${'url' in links.vmrc ? 'available' : links.vmrc.reason}, WebMKS ${'url' in links.webmks ? 'available' : links.webmks.reason}`);
  if (options?.open === false) return links;
  if (options?.open) {
    await use(options.open, links, it);
    return links;
  }
  const pick = await vscode.window.showQuickPick(picks(links), { title: vscode.l10n.t('Console of {0}', it.name), matchOnDetail: true });
  if (pick && pick.way !== 'none') await use(pick.way, links, it);
  return links;
}

export function registerConsole(context: vscode.ExtensionContext, inventory: InventoryServices): void {
  registerCommand(context, 'vsphereLab.openConsole', (...raw: unknown[]) => openConsole(inventory, raw), { what: vscode.l10n.t('Open Console') });
}
