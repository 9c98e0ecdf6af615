/**
 * Snapshot commands, on a VM node (Take Snapshot…, Delete All Snapshots…, Consolidate Disks) or a
 * snapshot node (Revert to Snapshot…, Delete Snapshot): each runs its task under a cancellable
 * progress notification with the task's percentage, the VM node shows a spinner meanwhile, errors go
 * to the command kit (in words, with Retry), and the VM's snapshot tree is read again afterwards.
 * Scripts and tests pass options after the node: `{ name, description, memory, quiesce }` to Take,
 * `{ confirm: false }` to skip a question, `{ children: true }` to Delete.
 */
import * as vscode from 'vscode';
import type { InventoryItem } from '../../core/inventory/tree';
import { lazy } from '../../core/lazy';
import type { VimClient } from '../../core/vsphere/client';
import type { TaskProgress } from '../../core/vsphere/tasks';
import { commandArgs, registerCommand, withCancellableProgress, type ProgressReporter } from '../commands';
import type { ChildNode } from '../inventory/children';
import type { Node } from '../inventory/provider';
import type { InventoryServices } from '../inventory/services';
import { log } from '../log';
import { SOURCE_ID, type SnapshotData, type SnapshotModel } from './model';

const snapshots = lazy(() => require('../../core/vsphere/snapshots') as typeof import('../../core/vsphere/snapshots'));
const consolidate = lazy(() => require('../../core/vsphere/consolidate') as typeof import('../../core/vsphere/consolidate'));

type Vm = Extract<InventoryItem, { kind: 'vm' }>;

export interface TakeSnapshotOptions {
  name: string;
  description: string;
  memory: boolean;
  quiesce: boolean;
  confirm: boolean;
  children: boolean;
}

interface Ctx {
  readonly inv: InventoryServices;
  readonly model: SnapshotModel;
}

/** The VM a command runs on: the node's, a snapshot node's VM, or the selection's. */
function vmOf(inv: InventoryServices, node: Node | undefined): { node: Node & { type: 'item' }; vm: Vm } | undefined {
  const n = node ?? inv.view.selection[0];
  if (!n) return undefined;
  const itemNode = n.type === 'child' ? inv.provider.itemNode(n.conn, n.parentKey) : n;
  if (itemNode.type !== 'item') return undefined;
  const it = inv.provider.item(itemNode);
  return it?.kind === 'vm' ? { node: itemNode, vm: it } : undefined;
}

function snapshotOf(inv: InventoryServices, node: Node | undefined): { child: ChildNode; data: SnapshotData } | undefined {
  const n = node ?? inv.view.selection[0];
  if (n?.type !== 'child' || n.source !== SOURCE_ID) return undefined;
  const data = inv.children.spec(n)?.data as SnapshotData | undefined;
  return data ? { child: n, data } : undefined;
}

function progressOf(progress: ProgressReporter): (p: TaskProgress) => void {
  let shown = 0;
  return (p) => {
    if (p.progress === undefined || p.progress <= shown) return;
    progress.report({ increment: p.progress - shown, message: `${p.progress}%` });
    shown = p.progress;
  };
}

/**
 * Runs `work` on the VM with a spinner on its node and a progress notification, then reads the VM's
 * snapshot tree again (also after a failure: a task may have done part of its work).
 */
async function runOnVm(ctx: Ctx, target: { node: Node & { type: 'item' }; vm: Vm }, busy: string, work: (client: VimClient, signal: AbortSignal, onProgress: (p: TaskProgress) => void) => Promise<void>): Promise<void> {
  const { inv, model } = ctx;
  inv.provider.setBusy(target.node, busy);
  try {
    await withCancellableProgress({ title: `${target.vm.name}: ${busy}` }, async (signal, progress) => {
      const client = await inv.sessions.client(target.node.conn);
      await work(client, signal, progressOf(progress));
    });
  } finally {
    inv.provider.setBusy(target.node, undefined);
    try {
      const client = await inv.sessions.client(target.node.conn);
      model.setFresh(target.node.conn, target.vm.key, await snapshots().getSnapshotTree(client, target.vm.ref));
    } catch (e) {
      log().warn(`snapshots: reading the tree of ${target.vm.name} again failed: ${(e as Error).message}`);
    }
    inv.provider.refresh(target.node);
  }
}

function defaultName(vm: Vm): string {
  const d = new Date();
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${vm.name} ${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The name, description and options of a new snapshot; undefined when the user cancels. */
async function askTake(vm: Vm, given: Partial<TakeSnapshotOptions> | undefined): Promise<Omit<TakeSnapshotOptions, 'confirm' | 'children'> | undefined> {
  const title = vscode.l10n.t('Take Snapshot of {0}', vm.name);
  const { SNAPSHOT_NAME_MAX } = snapshots();
  const name = given?.name ?? await vscode.window.showInputBox({
    title, prompt: vscode.l10n.t('Snapshot name'), value: defaultName(vm), ignoreFocusOut: true,
    validateInput: (v) => (!v.trim() ? vscode.l10n.t('Enter a name.') : v.trim().length > SNAPSHOT_NAME_MAX ? vscode.l10n.t('At most {0} characters.', String(SNAPSHOT_NAME_MAX)) : undefined),
  });
  if (name === undefined) return undefined;
  const description = given?.description ?? await vscode.window.showInputBox({ title, prompt: vscode.l10n.t('Description (optional): what is this snapshot for?'), ignoreFocusOut: true });
  if (description === undefined) return undefined;
  if (given?.memory !== undefined || given?.quiesce !== undefined) return { name, description, memory: !!given.memory, quiesce: !!given.quiesce };
  const on = vm.info.powerState === 'poweredOn';
  const memory = { label: vscode.l10n.t('Include the VM\'s memory'), description: on ? vscode.l10n.t('a revert returns to the running guest; slower, uses disk') : vscode.l10n.t('the VM is off: nothing to save'), key: 'memory' as const, picked: false };
  const quiesce = { label: vscode.l10n.t('Quiesce the guest file systems'), description: vscode.l10n.t('needs VMware Tools; consistent disks, as backups take them'), key: 'quiesce' as const, picked: false };
  const picks = await vscode.window.showQuickPick(on ? [memory, quiesce] : [quiesce], { title, canPickMany: true, placeHolder: vscode.l10n.t('Options (none is fine)'), ignoreFocusOut: true });
  if (!picks) return undefined;
  return { name, description, memory: picks.some((p) => p.key === 'memory'), quiesce: picks.some((p) => p.key === 'quiesce') };
}

async function confirm(message: string, go: string, options: Partial<TakeSnapshotOptions> | undefined): Promise<boolean> {
  if (options?.confirm === false) return true;
  return (await vscode.window.showWarningMessage(message, { modal: true }, go)) === go;
}

function needVm(): void {
  void vscode.window.showInformationMessage(vscode.l10n.t('Select a virtual machine in the vSphere Lab inventory first.'));
}
function needSnapshot(): void {
  void vscode.window.showInformationMessage(vscode.l10n.t('Select a snapshot under a VM in the vSphere Lab inventory first.'));
}

async function take(ctx: Ctx, raw: unknown[]): Promise<void> {
  const { node, options } = commandArgs<TakeSnapshotOptions>(raw);
  const target = vmOf(ctx.inv, node);
  if (!target) return needVm();
  const spec = await askTake(target.vm, options);
  if (!spec) return;
  await runOnVm(ctx, target, vscode.l10n.t('Taking snapshot…'), async (client, signal, onProgress) => {
    await snapshots().createSnapshot(client, target.vm.ref, spec, { signal, onProgress });
    log().info(`snapshot "${spec.name}" of ${target.vm.name} taken (memory ${spec.memory}, quiesce ${spec.quiesce})`);
  });
}

async function revert(ctx: Ctx, raw: unknown[]): Promise<void> {
  const { node, options } = commandArgs<TakeSnapshotOptions>(raw);
  const snap = snapshotOf(ctx.inv, node);
  const target = snap && vmOf(ctx.inv, snap.child);
  if (!snap || !target) return needSnapshot();
  const ok = await confirm(
    vscode.l10n.t('Revert {0} to "{1}"? Its current state is lost unless a snapshot keeps it; the VM becomes what it was then (powered off, or running if the snapshot holds memory).', target.vm.name, snap.data.name),
    vscode.l10n.t('Revert'), options);
  if (!ok) return;
  await runOnVm(ctx, target, vscode.l10n.t('Reverting…'), async (client, signal, onProgress) => {
    await snapshots().revertToSnapshot(client, snap.data.ref, { signal, onProgress });
    log().info(`${target.vm.name} reverted to snapshot "${snap.data.name}"`);
  });
}

async function remove(ctx: Ctx, raw: unknown[]): Promise<void> {
  const { node, options } = commandArgs<TakeSnapshotOptions>(raw);
  const snap = snapshotOf(ctx.inv, node);
  const target = snap && vmOf(ctx.inv, snap.child);
  if (!snap || !target) return needSnapshot();
  let children = options?.children ?? false;
  if (snap.data.childCount > 0 && options?.children === undefined) {
    const one = { label: vscode.l10n.t('Delete "{0}" only', snap.data.name), description: vscode.l10n.t('the snapshots below it stay'), all: false };
    const all = { label: vscode.l10n.t('Delete "{0}" and the {1} below it', snap.data.name, String(snap.data.childCount)), all: true };
    const pick = await vscode.window.showQuickPick([one, all], { title: vscode.l10n.t('Delete Snapshot') });
    if (!pick) return;
    children = pick.all;
  }
  await runOnVm(ctx, target, vscode.l10n.t('Deleting snapshot…'), async (client, signal, onProgress) => {
    await snapshots().removeSnapshot(client, snap.data.ref, { removeChildren: children, signal, onProgress });
    log().info(`snapshot "${snap.data.name}" of ${target.vm.name} deleted${children ? ' with its children' : ''}`);
  });
}

async function removeAll(ctx: Ctx, raw: unknown[]): Promise<void> {
  const { node, options } = commandArgs<TakeSnapshotOptions>(raw);
  const target = vmOf(ctx.inv, node);
  if (!target) return needVm();
  const count = snapshots().countSnapshots(ctx.model.tree(target.node.conn, target.vm).roots);
  const ok = await confirm(vscode.l10n.t('Delete all {0} snapshots of {1}? Their changes are merged into the VM\'s disks; you can no longer revert to any of them.', String(count), target.vm.name), vscode.l10n.t('Delete All'), options);
  if (!ok) return;
  await runOnVm(ctx, target, vscode.l10n.t('Deleting all snapshots…'), async (client, signal, onProgress) => {
    await snapshots().removeAllSnapshots(client, target.vm.ref, { signal, onProgress });
    log().info(`all snapshots of ${target.vm.name} deleted`);
  });
}

async function consolidateDisks(ctx: Ctx, raw: unknown[]): Promise<void> {
  const { node } = commandArgs(raw);
  const target = vmOf(ctx.inv, node);
  if (!target) return needVm();
  await runOnVm(ctx, target, vscode.l10n.t('Consolidating disks…'), async (client, signal, onProgress) => {
    await consolidate().consolidateVmDisks(client, target.vm.ref, { signal, onProgress });
    log().info(`disks of ${target.vm.name} consolidated`);
  });
}

export function registerSnapshotCommands(context: vscode.ExtensionContext, inv: InventoryServices, model: SnapshotModel): void {
  const ctx: Ctx = { inv, model };
  registerCommand(context, 'vsphereLab.takeSnapshot', (...raw: unknown[]) => take(ctx, raw), { what: vscode.l10n.t('Take Snapshot') });
  registerCommand(context, 'vsphereLab.revertSnapshot', (...raw: unknown[]) => revert(ctx, raw), { what: vscode.l10n.t('Revert to Snapshot') });
  registerCommand(context, 'vsphereLab.deleteSnapshot', (...raw: unknown[]) => remove(ctx, raw), { what: vscode.l10n.t('Delete Snapshot') });
  registerCommand(context, 'vsphereLab.deleteAllSnapshots', (...raw: unknown[]) => removeAll(ctx, raw), { what: vscode.l10n.t('Delete All Snapshots') });
  registerCommand(context, 'vsphereLab.consolidateDisks', (...raw: unknown[]) => consolidateDisks(ctx, raw), { what: vscode.l10n.t('Consolidate Disks') });
}
