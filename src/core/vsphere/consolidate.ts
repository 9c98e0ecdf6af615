/**
 * Disk consolidation: merges the redundant delta disks a failed snapshot removal left behind
 * (`runtime.consolidationNeeded`). vSphere API 5.0 and later; VMware KB 2003638 "Consolidating
 * snapshots in vSphere 5.x/6.x".
 */
import type { VimClient } from './client';
import type { MoRef } from './decode';
import { runTask, type TaskResult, type WaitOptions } from './tasks';

/** ConsolidateVMDisks_Task on `vm`, waited for. A failed consolidation raises the task's TaskError. */
export function consolidateVmDisks(client: VimClient, vm: MoRef, opts: WaitOptions = {}): Promise<TaskResult> {
  return runTask(client, 'ConsolidateVMDisks_Task', vm, [], opts);
}
