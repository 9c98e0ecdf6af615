/**
 * Power on / off, reset, shut down the guest: on a VM node (or the selected one). `{ confirm: false }`
 * after the node skips the question (scripts, tests). The node shows a spinner while the task runs;
 * Cancel stops waiting (the request is aborted), a task the server already started runs on.
 */
import * as vscode from 'vscode';
import { isCancellation } from '../../../core/errors';
import { lazy } from '../../../core/lazy';
import type { InventoryItem } from '../../../core/inventory/tree';
import { commandArgs, registerCommand, reportError, withCancellableProgress, type ProgressReporter } from '../../commands';
import { log } from '../../log';
import type { Node } from '../provider';
import type { InventoryServices } from '../services';

const api = lazy(() => require('../vsphereApi') as typeof import('../vsphereApi'));

type PowerKind = 'powerOn' | 'powerOff' | 'reset' | 'shutdownGuest';
type Vm = Extract<InventoryItem, { kind: 'vm' }>;

const COMMANDS: Record<PowerKind, string> = {
  powerOn: 'vsphereLab.powerOn', powerOff: 'vsphereLab.powerOff', reset: 'vsphereLab.reset', shutdownGuest: 'vsphereLab.shutdownGuest',
};

function busyLabel(kind: PowerKind): string {
  switch (kind) {
    case 'powerOn': return vscode.l10n.t('Powering on…');
    case 'powerOff': return vscode.l10n.t('Powering off…');
    case 'reset': return vscode.l10n.t('Resetting…');
    default: return vscode.l10n.t('Shutting down guest…');
  }
}

/** Power off and reset lose the guest's unsaved state: asked first. True to go on. */
async function confirmed(kind: PowerKind, vm: Vm): Promise<boolean> {
  if (kind !== 'powerOff' && kind !== 'reset') return true;
  const go = kind === 'powerOff' ? vscode.l10n.t('Power Off') : vscode.l10n.t('Reset');
  const answer = await vscode.window.showWarningMessage(
    kind === 'powerOff'
      ? vscode.l10n.t('Power off {0}? This is like pulling the plug: the guest is not shut down cleanly.', vm.name)
      : vscode.l10n.t('Reset {0}? The guest restarts at once without shutting down.', vm.name),
    { modal: true }, go);
  return answer === go;
}

/** Runs the operation; task progress (0–100) goes to the notification. */
async function runPower(inv: InventoryServices, kind: PowerKind, node: Node, vm: Vm, signal: AbortSignal, progress: ProgressReporter): Promise<void> {
  let shown = 0;
  const onProgress = (p: { progress?: number }): void => {
    if (p.progress === undefined || p.progress <= shown) return;
    progress.report({ increment: p.progress - shown, message: `${p.progress}%` });
    shown = p.progress;
  };
  const m = await api();
  const client = await inv.sessions.client(node.conn);
  if (kind !== 'shutdownGuest') {
    await m[kind](client, vm.ref, { signal, onProgress });
    return;
  }
  await m.shutdownGuest(client, vm.ref, { signal });
  // The request is accepted at once; wait (up to 3 minutes) for the guest to power off.
  const until = Date.now() + 180_000;
  while (Date.now() < until && !signal.aborted) {
    await new Promise((r) => setTimeout(r, 1500));
    if ((await m.retrieveProperty(client, vm.ref, 'runtime.powerState', { signal })) === 'poweredOff') break;
  }
}

async function powerAction(inv: InventoryServices, kind: PowerKind, raw: unknown[]): Promise<void> {
  const { node: given, options } = commandArgs<{ confirm: boolean }>(raw);
  const node = given ?? inv.view.selection[0];
  const it = node ? inv.provider.item(node) : undefined;
  if (!node || !it || it.kind !== 'vm') {
    void vscode.window.showInformationMessage(vscode.l10n.t('Select a virtual machine in the vSphere Lab inventory first.'));
    return;
  }
  if (options?.confirm !== false && !(await confirmed(kind, it))) return;
  const label = busyLabel(kind);
  inv.provider.setBusy(node, label);
  try {
    await withCancellableProgress({ title: `${it.name}: ${label}` }, (signal, progress) => runPower(inv, kind, node, it, signal, progress));
    log().info(`${kind} ${it.name}: done`);
  } catch (e) {
    if (isCancellation(e)) {
      log().info(`${kind} ${it.name}: the user stopped waiting`);
      void vscode.window.showInformationMessage(vscode.l10n.t('{0}: stopped waiting. A task the server had already started goes on; the tree shows its state when it changes.', it.name));
    } else {
      reportError(e, { what: it.name, command: COMMANDS[kind], args: [node, { confirm: false }] });
    }
  } finally {
    inv.provider.setBusy(node, undefined);
    // A live connection shows the new state by itself (live updates); otherwise read the inventory again.
    if (!inv.sessions.isLive(node.conn)) {
      await inv.sessions.load(node.conn, true).catch(() => undefined);
      inv.provider.refresh(inv.provider.connectionNode(node.conn));
    }
  }
}

export function registerPowerCommands(context: vscode.ExtensionContext, inv: InventoryServices): void {
  for (const kind of Object.keys(COMMANDS) as PowerKind[]) {
    registerCommand(context, COMMANDS[kind], (...raw: unknown[]) => powerAction(inv, kind, raw));
  }
}
