/**
 * The mutating snapshot tool, on the snapshot core (core/vsphere/snapshots.ts): take, revert to,
 * delete one, delete all. `plan` reads the VM's tree now and names exactly what changes (which
 * snapshot, its children, whether the running state is lost); `run` does it and reads the tree back.
 */
import { LabError } from '../../errors';
import { getInventory, type Inventory, type VmInfo } from '../../vsphere/inventory';
import {
  countSnapshots, createSnapshot, findSnapshot, flattenSnapshots, getSnapshotTree, removeAllSnapshots, removeSnapshot,
  revertToSnapshot, SNAPSHOT_NAME_MAX, type SnapshotRow, type SnapshotTree,
} from '../../vsphere/snapshots';
import { api, findVm, hostName } from '../lookup';
import type { CommonInput, PlannedChange, ToolConnection, ToolContext, ToolResult } from '../types';

export type SnapshotAction = 'take' | 'revert' | 'delete' | 'deleteAll';

export interface SnapshotInput extends CommonInput {
  vm: string;
  action: SnapshotAction;
  /** take: the new name; revert / delete: the snapshot's name or path ("base / before upgrade"). */
  snapshot?: string;
  description?: string;
  memory?: boolean;
  quiesce?: boolean;
  /** delete: its children too (default: they move to its parent). */
  withChildren?: boolean;
}

interface Target {
  conn: ToolConnection;
  inv: Inventory;
  vm: VmInfo;
  tree: SnapshotTree;
  rows: SnapshotRow[];
  row?: SnapshotRow;
}

async function target(i: SnapshotInput, ctx: ToolContext): Promise<Target> {
  const conn = await ctx.connection(i.connection);
  const inv = await getInventory(conn.client, { signal: ctx.signal });
  const vm = findVm(inv, i.vm);
  const tree = await getSnapshotTree(conn.client, vm.ref, { signal: ctx.signal });
  const rows = flattenSnapshots(tree);
  if ((i.action === 'revert' || i.action === 'delete') && !i.snapshot) throw new LabError('invalidInput', `Name the snapshot to ${i.action === 'revert' ? 'revert to' : 'delete'} ("snapshot").`);
  const row = i.action === 'revert' || i.action === 'delete' ? findSnapshot(tree, i.snapshot!, vm.name) : undefined;
  return { conn, inv, vm, tree, rows, row };
}

function descendants(rows: readonly SnapshotRow[], row: SnapshotRow): SnapshotRow[] {
  return rows.filter((r) => r.path.startsWith(`${row.path} / `));
}

function changes(i: SnapshotInput, t: Target): { title: string; change: string; warning?: string } {
  const on = `VM "${t.vm.name}" (${t.inv.pathOf(t.vm.ref)}, ${t.vm.ref.value}) on host ${hostName(t.inv, t.vm.host) ?? '?'}, now ${t.vm.powerState}, ${t.rows.length} snapshot(s)`;
  switch (i.action) {
    case 'take': {
      const name = (i.snapshot ?? '').trim();
      if (!name) throw new LabError('invalidInput', 'Name the new snapshot ("snapshot").');
      if (name.length > SNAPSHOT_NAME_MAX) throw new LabError('invalidInput', `A snapshot name takes at most ${SNAPSHOT_NAME_MAX} characters.`);
      return { title: `Take snapshot "${name}" of ${t.vm.name}`, change: `${on}: a new snapshot "${name}"${i.memory ? ' with the memory' : ''}${i.quiesce ? ', guest quiesced' : ''} under the current one${t.rows.find((r) => r.isCurrent) ? ` ("${t.rows.find((r) => r.isCurrent)!.path}")` : ''}.` };
    }
    case 'revert':
      return { title: `Revert ${t.vm.name} to "${t.row!.path}"`, change: `${on}: goes back to snapshot "${t.row!.path}" taken ${t.row!.createTime ?? '?'} (${t.row!.memory ? 'running, with its memory' : 'powered off'}).`,
        warning: 'The VM\'s current state since that snapshot is lost unless another snapshot holds it.' };
    case 'delete': {
      const all = descendants(t.rows, t.row!);
      const direct = all.filter((k) => k.depth === t.row!.depth + 1);
      return { title: `Delete snapshot "${t.row!.path}" of ${t.vm.name}`,
        change: `${on}: snapshot "${t.row!.path}" is deleted${i.withChildren && all.length ? ` with the ${all.length} snapshot(s) below it (${all.map((k) => `"${k.name}"`).join(', ')})` : direct.length ? `; its ${direct.length} child snapshot(s) (${direct.map((k) => `"${k.name}"`).join(', ')}) move to its parent` : ''}; its changes are merged into the disks.`,
        warning: 'You can no longer revert to it.' };
    }
    case 'deleteAll':
      if (!t.rows.length) throw new LabError('invalidState', `${t.vm.name} has no snapshots. Nothing was changed.`);
      return { title: `Delete all ${t.rows.length} snapshots of ${t.vm.name}`, change: `${on}: every snapshot (${t.rows.map((r) => `"${r.path}"`).join(', ')}) is deleted and merged into the base disks.`, warning: 'You can no longer revert to any of them.' };
  }
}

export async function planSnapshot(i: SnapshotInput, ctx: ToolContext): Promise<PlannedChange> {
  const t = await target(i, ctx);
  const c = changes(i, t);
  return { title: c.title, changes: [c.change], warning: c.warning };
}

export async function runSnapshot(i: SnapshotInput, ctx: ToolContext): Promise<ToolResult> {
  const t = await target(i, ctx);
  const c = changes(i, t);
  const opts = { signal: ctx.signal, timeoutMs: 30 * 60_000 };
  const { client } = t.conn;
  if (i.action === 'take') await createSnapshot(client, t.vm.ref, { name: i.snapshot!.trim(), description: i.description, memory: i.memory, quiesce: i.quiesce }, opts);
  else if (i.action === 'revert') await revertToSnapshot(client, t.row!.ref!, opts);
  else if (i.action === 'delete') await removeSnapshot(client, t.row!.ref!, { ...opts, removeChildren: !!i.withChildren });
  else await removeAllSnapshots(client, t.vm.ref, opts);
  ctx.changed?.(t.conn.id);
  const after = await getSnapshotTree(client, t.vm.ref, { signal: ctx.signal });
  const rows = flattenSnapshots(after);
  const current = rows.find((r) => r.isCurrent);
  return {
    summary: `${c.title}: done. ${t.vm.name} now has ${countSnapshots(after.roots)} snapshot(s)${current ? `; current "${current.path}"` : ''}.`,
    facts: [{ text: `Snapshots of ${t.vm.name} now: ${rows.map((r) => `"${r.path}"${r.isCurrent ? ' (current)' : ''}`).join(', ') || 'none'}`, evidence: [api(t.vm.ref, t.vm.name, 'snapshot.rootSnapshotList', `${rows.length} snapshot(s)`)] }],
  };
}
