/**
 * Backup readiness: "Check Backup Readiness…" on a connection, datacenter, cluster, host or folder
 * opens the matrix panel (./panel.ts) that sweeps every VM below it; "Fix Backup Finding…" on a VM
 * the sweep found in error applies one of its fixes; the tree's badges come from ./results.ts.
 *
 * Commands (arguments for scripts and tests in brackets):
 *   vsphereLab.checkBackupReadiness [tree node | {conn, root?: {type, value}, name?}] → the panel host
 *   vsphereLab.fixBackupFinding [VM tree node | {conn, ref}, {rule?, shutdown?}] → the outcome
 */
import * as vscode from 'vscode';
import { isReadinessPanelState, type ReadinessPanelState } from '../../webview/readiness/protocol';
import { commandArgs, registerCommand, withCancellableProgress } from '../commands';
import type { InventoryServices } from '../inventory/services';
import { PanelHost } from '../panels/panelHost';
import { core, publishResults, readinessPanelDefinition } from './panel';
import { readinessDecorator, readinessResults } from './results';

type Ref = { conn: string; root?: { type: string; value: string }; name?: string };

function panelState(inventory: InventoryServices, raw: unknown[]): ReadinessPanelState | undefined {
  const { node, options } = commandArgs<Ref>(raw);
  if (node?.type === 'connection') {
    const c = inventory.store.get(node.conn);
    return { conn: node.conn, name: c?.label ?? node.conn };
  }
  if (node?.type === 'item') {
    const it = inventory.provider.item(node);
    if (!it) return undefined;
    // The VMs root of a datacenter has no folder ref of its own: its datacenter holds the same VMs.
    if (it.kind === 'vmRoot') return { conn: node.conn, root: { type: it.datacenter.type, value: it.datacenter.value }, name: it.name };
    if (it.kind === 'datacenter' || it.kind === 'cluster' || it.kind === 'host' || it.kind === 'folder') {
      return { conn: node.conn, root: { type: it.ref.type, value: it.ref.value }, name: it.name };
    }
    return undefined;
  }
  if (options && typeof options.conn === 'string') {
    const root = options.root && typeof options.root.type === 'string' && typeof options.root.value === 'string' ? options.root : undefined;
    return { conn: options.conn, ...(root ? { root } : {}), name: typeof options.name === 'string' ? options.name : options.conn };
  }
  return undefined;
}

interface FixArgs { conn: string; ref: string; rule?: string; shutdown?: boolean }

async function fixFinding(inventory: InventoryServices, raw: unknown[]): Promise<unknown> {
  const { node, options } = commandArgs<FixArgs>(raw);
  const extra = commandArgs<Partial<FixArgs>>(raw.slice(1)).options ?? {};
  let conn: string | undefined;
  let ref: string | undefined;
  let name = '';
  if (node?.type === 'item') {
    const it = inventory.provider.item(node);
    if (it?.kind === 'vm') { conn = node.conn; ref = it.ref.value; name = it.name; }
  } else if (options && typeof options.conn === 'string' && typeof options.ref === 'string') {
    conn = options.conn; ref = options.ref;
  }
  if (!conn || !ref) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Fix Backup Finding works on a VM the backup readiness check found in error.'));
    return undefined;
  }
  const r = readinessResults.get(conn, ref);
  name ||= r?.name ?? ref;
  const bulk = core.bulk();
  const fixable = (r?.fixable ?? []).filter((c) => bulk.bulkFixForRule(c));
  let rule = typeof extra.rule === 'string' ? extra.rule : typeof options?.rule === 'string' ? options.rule : undefined;
  if (!rule) {
    if (!fixable.length) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No finding of {0} has a fix that can be applied from here; open Check Backup Readiness for the steps.', name));
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(fixable.map((c) => ({ label: bulk.BULK_FIXES[bulk.bulkFixForRule(c)!].label, description: c, code: c })), { placeHolder: vscode.l10n.t('Which fix should be applied to {0}?', name) });
    rule = pick?.code;
  }
  const kind = rule ? bulk.bulkFixForRule(rule) : undefined;
  if (!kind) return undefined;
  let shutdown = extra.shutdown ?? options?.shutdown;
  const vm = inventory.sessions.snapshot(conn)?.inventory.vms.find((v) => v.ref.value === ref);
  if (shutdown === undefined && bulk.BULK_FIXES[kind].requiresPoweredOff && vm?.powerState === 'poweredOn') {
    const yes = vscode.l10n.t('Shut Down, Apply, Power On');
    shutdown = (await vscode.window.showWarningMessage(vscode.l10n.t('{0} needs {1} powered off. Shut its guest down, apply, and power it on again?', bulk.BULK_FIXES[kind].label, name), { modal: true }, yes)) === yes;
    if (!shutdown) return undefined;
  }
  const client = await inventory.sessions.client(conn);
  const [out] = await withCancellableProgress({ title: vscode.l10n.t('{0} on {1}', bulk.BULK_FIXES[kind].label, name) }, (signal, progress) =>
    bulk.bulkFix(client, [bulk.bulkTarget(ref!, name)], { kind, mode: shutdown ? 'shutdownApplyPowerOn' : 'poweredOffOnly', signal, onStep: (s) => progress.report({ message: s.message ? `${s.step}: ${s.message}` : s.step }) }));
  if (out.findings) publishResults(conn, [{ ref: { type: 'VirtualMachine', value: ref }, name, path: '', findings: out.findings }]);
  if (out.state === 'fixed') void vscode.window.showInformationMessage(vscode.l10n.t('{0}: fixed and re-checked.', name));
  else void vscode.window.showWarningMessage(vscode.l10n.t('{0}: {1}', name, out.reason ?? (out.state === 'stillFound' ? vscode.l10n.t('the finding is still there after the fix.') : out.state)));
  return out;
}

export function registerReadiness(context: vscode.ExtensionContext, inventory: InventoryServices): void {
  const def = readinessPanelDefinition(inventory);
  PanelHost.registerSerializer(context, def, isReadinessPanelState);
  context.subscriptions.push(inventory.decorations.register(readinessDecorator));
  registerCommand(context, 'vsphereLab.checkBackupReadiness', (...raw: unknown[]) => {
    const s = panelState(inventory, raw);
    if (!s) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Check Backup Readiness works on a connection, datacenter, cluster, host or folder of the vSphere Lab inventory.'));
      return undefined;
    }
    return PanelHost.show(context, def, s);
  });
  registerCommand(context, 'vsphereLab.fixBackupFinding', (...raw: unknown[]) => fixFinding(inventory, raw), { what: vscode.l10n.t('Backup fix') });
}
