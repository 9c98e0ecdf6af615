/**
 * A VM's snapshots in the tree: read from what the inventory retrieved (`snapshot` and
 * `runtime.consolidationNeeded`, asked for by the decorator below in the inventory's single call),
 * or from a fresher read after one of our own operations (kept until the next inventory load).
 * The decorator puts the count in the VM's description ("3 snapshots", "· 1 old" past
 * `vsphereLab.snapshots.oldAfterDays`) and flags for menus (`;snapshots`, `;consolidate`); the child
 * source hangs the tree under the VM: name, created, "you are here", memory, quiesced, description.
 */
import * as vscode from 'vscode';
import type { InventoryItem } from '../../core/inventory/tree';
import { asBoolean, asMoRef, asObject, type MoRef } from '../../core/vsphere/decode';
import type { SnapshotTree } from '../../core/vsphere/snapshots';
import { toSnapshotTree, type SnapshotNode } from '../../core/vsphere/vm';
import type { ChildSource, ChildSpec } from '../inventory/children';
import type { InventoryDecorator } from '../inventory/decorations';

export const SNAPSHOT_PATH = 'snapshot';
export const CONSOLIDATION_PATH = 'runtime.consolidationNeeded';
export const SOURCE_ID = 'snapshots';

type Vm = Extract<InventoryItem, { kind: 'vm' }>;

/** What a snapshot node carries for the commands. */
export interface SnapshotData {
  readonly vmKey: string;
  readonly vmName: string;
  readonly ref: MoRef;
  readonly name: string;
  readonly childCount: number;
  readonly isCurrent: boolean;
}

/** Days after which a snapshot is marked old (setting, default 7; 0 turns the mark off). */
export function oldAfterDays(): number {
  const v = vscode.workspace.getConfiguration('vsphereLab.snapshots').get<number>('oldAfterDays', 7);
  return Number.isFinite(v) && v > 0 ? v : 0;
}

function countAll(nodes: readonly SnapshotNode[]): number {
  return nodes.reduce((n, s) => n + 1 + countAll(s.children), 0);
}

function ageDays(createTime: string | undefined, now: number): number | undefined {
  const t = createTime ? Date.parse(createTime) : NaN;
  return Number.isFinite(t) ? (now - t) / 86_400_000 : undefined;
}

/** The snapshot trees the tree shows: fresher reads after our operations, else the inventory's. */
export class SnapshotModel {
  private readonly fresh = new Map<string, SnapshotTree>();
  private readonly emitter = new vscode.EventEmitter<string | undefined>();
  readonly onDidChange = this.emitter.event;

  /** A tree read after an operation on `vmKey`; shown until the next inventory load of `conn`. */
  setFresh(conn: string, vmKey: string, tree: SnapshotTree): void {
    this.fresh.set(`${conn}/${vmKey}`, tree);
    this.emitter.fire(conn);
  }

  /** The inventory of `conn` reloaded: its values are the freshest again. */
  loaded(conn: string): void {
    for (const k of [...this.fresh.keys()]) if (k.startsWith(`${conn}/`)) this.fresh.delete(k);
  }

  tree(conn: string, vm: Vm): SnapshotTree {
    const f = this.fresh.get(`${conn}/${vm.key}`);
    if (f) return f;
    const extra = vm.info.extra ?? {};
    const snap = asObject(extra[SNAPSHOT_PATH]);
    const needed = asBoolean(extra[CONSOLIDATION_PATH]);
    return { roots: toSnapshotTree(snap?.rootSnapshotList), current: asMoRef(snap?.currentSnapshot), ...(needed !== undefined ? { consolidationNeeded: needed } : {}) };
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

/** "3 snapshots · 1 old" on the VM, the count in its tooltip, and the menu flags. */
export function snapshotDecorator(model: SnapshotModel): InventoryDecorator {
  return {
    id: 'snapshots',
    properties: { VirtualMachine: [SNAPSHOT_PATH, CONSOLIDATION_PATH] },
    loaded: (conn) => model.loaded(conn),
    onDidChange: model.onDidChange,
    decorate(conn, item) {
      if (item.kind !== 'vm') return undefined;
      const tree = model.tree(conn, item);
      const count = countAll(tree.roots);
      const flags = [count ? 'snapshots' : '', tree.consolidationNeeded ? 'consolidate' : ''].filter(Boolean);
      if (!count && !tree.consolidationNeeded) return undefined;
      const days = oldAfterDays();
      const now = Date.now();
      let old = 0;
      const walk = (ns: readonly SnapshotNode[]): void => {
        for (const s of ns) {
          if (days && (ageDays(s.createTime, now) ?? 0) > days) old++;
          walk(s.children);
        }
      };
      walk(tree.roots);
      const parts = [
        count === 1 ? vscode.l10n.t('1 snapshot') : count ? vscode.l10n.t('{0} snapshots', String(count)) : '',
        old ? vscode.l10n.t('{0} old', String(old)) : '',
        tree.consolidationNeeded ? vscode.l10n.t('consolidation needed') : '',
      ].filter(Boolean);
      const tooltip = [
        count ? vscode.l10n.t('Snapshots: {0}', String(count)) : '',
        old ? vscode.l10n.t('{0} older than {1} days: snapshots are not backups, and their delta disks grow; delete them when done.', String(old), String(days)) : '',
        tree.consolidationNeeded ? vscode.l10n.t('Disk consolidation is needed: a snapshot removal left delta disks behind. Run Consolidate.') : '',
      ].filter(Boolean);
      return {
        description: parts.join(' · '),
        tooltip,
        contextFlags: flags,
        ...(tree.consolidationNeeded || old ? { badge: { color: 'problemsWarningIcon.foreground' } } : {}),
      };
    },
  };
}

function escapeMd(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

function formatTime(iso: string | undefined): string {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isFinite(t) ? new Date(t).toLocaleString() : '';
}

function snapshotItem(s: SnapshotNode, vm: Vm, current: MoRef | undefined, days: number, now: number): vscode.TreeItem {
  const isCurrent = !!s.ref && s.ref.value === current?.value;
  const memory = s.state === 'poweredOn' || s.state === 'suspended';
  const age = ageDays(s.createTime, now);
  const old = days > 0 && age !== undefined && age > days;
  const t = new vscode.TreeItem(s.name || vscode.l10n.t('(unnamed)'));
  t.description = [
    formatTime(s.createTime),
    old ? vscode.l10n.t('{0} days old', String(Math.floor(age!))) : '',
    isCurrent ? vscode.l10n.t('← you are here') : '',
  ].filter(Boolean).join(' · ');
  t.iconPath = new vscode.ThemeIcon(isCurrent ? 'pass-filled' : 'device-camera', old ? new vscode.ThemeColor('problemsWarningIcon.foreground') : isCurrent ? new vscode.ThemeColor('testing.iconPassed') : undefined);
  t.contextValue = `snapshot${isCurrent ? ';current' : ''}${s.children.length ? ';children' : ''}`;
  const yes = vscode.l10n.t('yes');
  const no = vscode.l10n.t('no');
  const md = new vscode.MarkdownString([
    `**${escapeMd(s.name)}**`,
    s.description ? escapeMd(s.description) : '',
    `${vscode.l10n.t('Created')}: ${formatTime(s.createTime) || '?'}${old ? ` (${vscode.l10n.t('{0} days old', String(Math.floor(age!)))})` : ''}`,
    `${vscode.l10n.t('Memory')}: ${memory ? yes : no} · ${vscode.l10n.t('Quiesced')}: ${s.quiesced ? yes : no}`,
    isCurrent ? escapeMd(vscode.l10n.t('{0} runs from this snapshot (you are here).', vm.name)) : '',
  ].filter(Boolean).join('\n\n'));
  t.tooltip = md;
  return t;
}

/** The child source: the VM's snapshot tree under its node. */
export function snapshotChildren(model: SnapshotModel): ChildSource {
  return {
    id: SOURCE_ID,
    appliesTo: (conn, item) => item.kind === 'vm' && model.tree(conn, item).roots.length > 0,
    children(conn, item) {
      if (item.kind !== 'vm') return [];
      const tree = model.tree(conn, item);
      const days = oldAfterDays();
      const now = Date.now();
      const spec = (s: SnapshotNode): ChildSpec => ({
        key: s.ref?.value ?? `id-${s.id ?? s.name}`,
        item: snapshotItem(s, item, tree.current, days, now),
        children: s.children.map(spec),
        data: s.ref ? {
          vmKey: item.key, vmName: item.name, ref: s.ref, name: s.name, childCount: countAll(s.children), isCurrent: s.ref.value === tree.current?.value,
        } satisfies SnapshotData : undefined,
      });
      return tree.roots.map(spec);
    },
  };
}
