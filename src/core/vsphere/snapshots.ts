/**
 * A VM's snapshots: read the tree (`snapshot.rootSnapshotList`, `snapshot.currentSnapshot`) and take,
 * revert to, remove one or remove all through the task waiter (./tasks.ts): every call takes an
 * AbortSignal, reports progress, and a failed task is a `TaskError` with the server's message.
 *
 * The methods and their arguments (vSphere Web Services API, VirtualMachine / VirtualMachineSnapshot):
 * - `CreateSnapshot_Task(name, description, memory, quiesce)` on the VM; returns the snapshot;
 * - `RevertToSnapshot_Task(host?, suppressPowerOn?)` on the snapshot;
 * - `RemoveSnapshot_Task(removeChildren, consolidate?)` on the snapshot;
 * - `RemoveAllSnapshots_Task(consolidate?)` on the VM.
 * A snapshot "with memory" is one whose tree `state` is poweredOn (or suspended): the VM's memory
 * was saved, so a revert returns to the running guest (VirtualMachineSnapshotTree.state: "the power
 * state of the virtual machine when this snapshot was taken").
 */
import type { VimClient } from './client';
import { asMoRef, asObject, type MoRef } from './decode';
import { VsphereError } from './errors';
import { retrieveObject, type RetrieveOptions } from './property';
import { runTask, type TaskResult, type WaitOptions } from './tasks';
import { toSnapshotTree, type SnapshotNode } from './vm';

export type { SnapshotNode } from './vm';

/** A VM's snapshot tree and where the VM stands in it. */
export interface SnapshotTree {
  /** The root snapshots, each with its children. Empty when the VM has none. */
  readonly roots: SnapshotNode[];
  /** The snapshot the VM runs from ("you are here"); undefined when none. */
  readonly current?: MoRef;
  /** `runtime.consolidationNeeded`: disks left over by a failed removal; Consolidate fixes it. */
  readonly consolidationNeeded?: boolean;
}

/** One snapshot with its place in the tree, for flat listings (CLI, pickers). */
export interface SnapshotRow extends SnapshotNode {
  /** Names from the root down to this one, joined with " / ". */
  readonly path: string;
  readonly depth: number;
  readonly isCurrent: boolean;
  /** Memory was saved with it (see the module comment). */
  readonly memory: boolean;
}

/** True when the snapshot holds the VM's memory (taken while it ran). */
export function hasMemory(s: Pick<SnapshotNode, 'state'>): boolean {
  return s.state === 'poweredOn' || s.state === 'suspended';
}

/** Reads the snapshot tree in one retrieve. */
export async function getSnapshotTree(client: VimClient, vm: MoRef, opts?: RetrieveOptions): Promise<SnapshotTree> {
  const o = await retrieveObject(client, vm, ['snapshot', 'runtime.consolidationNeeded'], opts);
  const snap = asObject(o.props.snapshot);
  const needed = o.props['runtime.consolidationNeeded'];
  return {
    roots: toSnapshotTree(snap?.rootSnapshotList),
    current: asMoRef(snap?.currentSnapshot),
    ...(typeof needed === 'boolean' ? { consolidationNeeded: needed } : {}),
  };
}

/** The tree as rows, depth first (parents before children), with paths and the current one marked. */
export function flattenSnapshots(tree: SnapshotTree): SnapshotRow[] {
  const out: SnapshotRow[] = [];
  const walk = (nodes: SnapshotNode[], parents: string[]): void => {
    for (const n of nodes) {
      const names = [...parents, n.name];
      out.push({ ...n, path: names.join(' / '), depth: parents.length, isCurrent: !!n.ref && n.ref.value === tree.current?.value, memory: hasMemory(n) });
      walk(n.children, names);
    }
  };
  walk(tree.roots, []);
  return out;
}

/** Counts every snapshot of the tree. */
export function countSnapshots(nodes: readonly SnapshotNode[]): number {
  return nodes.reduce((n, s) => n + 1 + countSnapshots(s.children), 0);
}

/**
 * The snapshot a user names: its name, or its path ("base / before upgrade"). Several with the same
 * name: the one path that matches exactly, else an error that lists them (pick by path).
 */
export function findSnapshot(tree: SnapshotTree, name: string, vmName = 'the VM'): SnapshotRow {
  const rows = flattenSnapshots(tree);
  const byPath = rows.filter((r) => r.path === name);
  if (byPath.length === 1) return byPath[0];
  const byName = rows.filter((r) => r.name === name);
  if (byName.length === 1 && byPath.length === 0) return byName[0];
  const same = byPath.length > 1 ? byPath : byName;
  if (same.length > 1) {
    const which = same.map((r) => `"${r.path}"${r.createTime ? ` taken ${r.createTime}` : ''}`).join(', ');
    throw new VsphereError('invalidArgument', `${vmName} has ${same.length} snapshots named "${name}" (${which}). Name one by its path, or rename one in the vSphere Client.`);
  }
  const known = rows.length ? `Its snapshots: ${rows.map((r) => `"${r.path}"`).join(', ')}.` : 'It has no snapshots.';
  throw new VsphereError('notFound', `${vmName} has no snapshot "${name}". ${known}`);
}

export interface CreateSnapshotSpec {
  readonly name: string;
  readonly description?: string;
  /** Save the VM's memory (a running VM only); default false. */
  readonly memory?: boolean;
  /** Quiesce the guest file systems through VMware Tools; default false. */
  readonly quiesce?: boolean;
}

/** Longest snapshot name vSphere accepts (the vSphere Client limits it to 80 characters). */
export const SNAPSHOT_NAME_MAX = 80;

/** Takes a snapshot; resolves with the new snapshot's reference. */
export async function createSnapshot(client: VimClient, vm: MoRef, spec: CreateSnapshotSpec, opts: WaitOptions = {}): Promise<MoRef | undefined> {
  const name = spec.name.trim();
  if (!name) throw new VsphereError('invalidArgument', 'A snapshot needs a name.');
  if (name.length > SNAPSHOT_NAME_MAX) throw new VsphereError('invalidArgument', `The snapshot name is ${name.length} characters long; vSphere takes at most ${SNAPSHOT_NAME_MAX}. Shorten it.`);
  const r = await runTask(client, 'CreateSnapshot_Task', vm, [
    ['name', name], ['description', spec.description ?? ''], ['memory', !!spec.memory], ['quiesce', !!spec.quiesce],
  ], opts);
  return asMoRef(r.result);
}

/** Reverts the VM to a snapshot (the VM's state becomes the snapshot's: off, or running with memory). */
export function revertToSnapshot(client: VimClient, snapshot: MoRef, opts: WaitOptions = {}): Promise<TaskResult> {
  return runTask(client, 'RevertToSnapshot_Task', snapshot, [], opts);
}

/** Removes a snapshot; with `removeChildren` its whole subtree, else its children move to its parent. */
export function removeSnapshot(client: VimClient, snapshot: MoRef, opts: WaitOptions & { removeChildren?: boolean } = {}): Promise<TaskResult> {
  return runTask(client, 'RemoveSnapshot_Task', snapshot, [['removeChildren', !!opts.removeChildren]], opts);
}

/** Removes every snapshot of the VM (the disks are consolidated into the base disks). */
export function removeAllSnapshots(client: VimClient, vm: MoRef, opts: WaitOptions = {}): Promise<TaskResult> {
  return runTask(client, 'RemoveAllSnapshots_Task', vm, [], opts);
}
