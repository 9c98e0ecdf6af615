/**
 * `vlab snapshot ls|create|revert|rm URL --user U [--password-env VAR] [--thumbprint T | --insecure]
 * --vm NAME [--name S] [--json]`: a VM's snapshots over the vSphere API (core/vsphere/snapshots.ts).
 * The connection options and the login are ../vsphere.ts's (as `vlab inventory` takes them).
 *
 * - `ls`: the tree, the current snapshot marked `*` ("you are here"); JSON `{ vm, current, snapshots }`
 *   with every snapshot flat (path, depth, current, memory, quiesced, created).
 * - `create --name S [--description D] [--memory] [--quiesce]`;
 * - `revert --name S` (a name or a path "a / b");
 * - `rm --name S [--children]`, or `rm --all`.
 * A snapshot is named by its name, or by its path when names repeat. Exit 0 ok, 1 failed (VM or
 * snapshot not found, task error), 2 usage.
 */
import { lazy } from '../../core/lazy';
import type { VimClient } from '../../core/vsphere/client';
import type { MoRef } from '../../core/vsphere/decode';
import type { SnapshotRow } from '../../core/vsphere/snapshots';
import { CliFailure, emit, EXIT_OK, optionString as str, requiredOption, UsageError, type CliCommand, type CliInvocation, type OptionSpec } from '../command';
import { VSPHERE_OPTIONS, VSPHERE_SYNOPSIS, withVsphere } from '../vsphere';

const core = {
  snapshots: lazy(() => require('../../core/vsphere/snapshots') as typeof import('../../core/vsphere/snapshots')),
  search: lazy(() => require('../../core/vsphere/property') as typeof import('../../core/vsphere/property')),
};

const VM_OPTION: Record<string, OptionSpec> = {
  vm: { type: 'string', description: 'the virtual machine, by name', valueName: 'NAME' },
};
const NAME_OPTION: Record<string, OptionSpec> = {
  name: { type: 'string', short: 'n', description: 'the snapshot: its name, or its path "parent / child" when names repeat', valueName: 'SNAPSHOT' },
};

/** The VM named `--vm` (exactly one). */
async function findVm(client: VimClient, name: string): Promise<MoRef> {
  const all = await core.search().retrieve(client, 'VirtualMachine', ['name']);
  const hits = all.filter((o) => o.props.name === name);
  if (hits.length === 1) return hits[0].obj;
  if (hits.length > 1) throw new CliFailure(`${hits.length} VMs are named "${name}" (${hits.map((h) => h.obj.value).join(', ')}); rename one or use the tree.`, 'ambiguous');
  throw new CliFailure(`no VM named "${name}" on this server; check the name with vlab inventory.`, 'notFound');
}

interface SnapshotJson {
  name: string;
  path: string;
  depth: number;
  description: string;
  created?: string;
  current: boolean;
  memory: boolean;
  quiesced: boolean;
  state?: string;
  id?: number;
  moref?: string;
}

function toJson(r: SnapshotRow): SnapshotJson {
  return {
    name: r.name, path: r.path, depth: r.depth, description: r.description, created: r.createTime, current: r.isCurrent,
    memory: r.memory, quiesced: !!r.quiesced, state: r.state, id: r.id, moref: r.ref?.value,
  };
}

function human(vm: string, rows: readonly SnapshotRow[], consolidationNeeded: boolean | undefined): string {
  if (!rows.length) return `${vm}: no snapshots${consolidationNeeded ? ' (disk consolidation needed)' : ''}`;
  const out = [`${vm}: ${rows.length} snapshot${rows.length === 1 ? '' : 's'} (* = you are here)${consolidationNeeded ? '; disk consolidation needed' : ''}`];
  for (const r of rows) {
    const flags = [r.memory ? 'memory' : '', r.quiesced ? 'quiesced' : ''].filter(Boolean).join(', ');
    const when = r.createTime ? new Date(r.createTime).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '';
    out.push(`${r.isCurrent ? '*' : ' '} ${'  '.repeat(r.depth)}${r.name}  ${when}${flags ? `  [${flags}]` : ''}${r.description ? `  — ${r.description}` : ''}`);
  }
  return out.join('\n');
}

type Action = 'ls' | 'create' | 'revert' | 'rm';

async function act(inv: CliInvocation, action: Action, client: VimClient): Promise<number> {
  const vmName = requiredOption(inv, 'vm');
  const s = core.snapshots();
  const vm = await findVm(client, vmName);
  const tree = await s.getSnapshotTree(client, vm);
  if (action === 'ls') {
    const rows = s.flattenSnapshots(tree);
    emit(inv, { vm: vmName, current: rows.find((r) => r.isCurrent)?.path ?? null, consolidationNeeded: tree.consolidationNeeded ?? false, snapshots: rows.map(toJson) },
      () => human(vmName, rows, tree.consolidationNeeded));
    return EXIT_OK;
  }
  if (action === 'create') {
    const name = requiredOption(inv, 'name');
    const ref = await s.createSnapshot(client, vm, { name, description: str(inv, 'description'), memory: inv.values.memory === true, quiesce: inv.values.quiesce === true });
    emit(inv, { vm: vmName, created: name, moref: ref?.value ?? null }, `${vmName}: snapshot "${name}" taken`);
    return EXIT_OK;
  }
  if (action === 'rm' && inv.values.all === true) {
    if (str(inv, 'name') !== undefined) throw new UsageError('rm takes --name S or --all, not both');
    const count = s.countSnapshots(tree.roots);
    await s.removeAllSnapshots(client, vm);
    emit(inv, { vm: vmName, removed: count }, `${vmName}: ${count} snapshot${count === 1 ? '' : 's'} removed`);
    return EXIT_OK;
  }
  const name = requiredOption(inv, 'name');
  const target = s.findSnapshot(tree, name, vmName);
  if (!target.ref) throw new CliFailure(`the server gave no reference for snapshot "${target.path}"`, 'protocol');
  if (action === 'revert') {
    await s.revertToSnapshot(client, target.ref);
    emit(inv, { vm: vmName, current: target.path }, `${vmName}: reverted to "${target.path}"`);
    return EXIT_OK;
  }
  const children = inv.values.children === true;
  await s.removeSnapshot(client, target.ref, { removeChildren: children });
  const removed = children ? 1 + s.countSnapshots(target.children) : 1;
  emit(inv, { vm: vmName, removed, name: target.path }, `${vmName}: snapshot "${target.path}"${children && removed > 1 ? ` and ${removed - 1} below it` : ''} removed`);
  return EXIT_OK;
}

function spec(action: Action, summary: string, synopsis: string, options: Record<string, OptionSpec>): CliCommand {
  return {
    path: ['snapshot', action], summary, synopsis: `${VSPHERE_SYNOPSIS} --vm NAME ${synopsis}`.trimEnd(),
    positionals: { min: 1, max: 1 },
    options: { ...VSPHERE_OPTIONS, ...VM_OPTION, ...options },
    run: (inv) => withVsphere(inv, `snapshot ${action}`, (client) => act(inv, action, client)),
  };
}

export const commands: CliCommand[] = [
  spec('ls', 'A VM\'s snapshot tree: name, created, memory, quiesced, description; * marks where the VM is.', '', {}),
  spec('create', 'Take a snapshot of a VM.', '--name S [--description D] [--memory] [--quiesce]', {
    ...NAME_OPTION,
    description: { type: 'string', short: 'd', description: 'what the snapshot is for', valueName: 'TEXT' },
    memory: { type: 'boolean', description: 'save the memory of a running VM (a revert returns to the running guest)' },
    quiesce: { type: 'boolean', description: 'quiesce the guest file systems through VMware Tools first' },
  }),
  spec('revert', 'Revert a VM to one of its snapshots.', '--name S', NAME_OPTION),
  spec('rm', 'Remove one snapshot (its children move up, or go with --children), or all with --all.', '--name S [--children] | --all', {
    ...NAME_OPTION,
    children: { type: 'boolean', description: 'remove the snapshots below it too' },
    all: { type: 'boolean', description: 'remove every snapshot of the VM' },
  }),
];
