/**
 * Backup faults in the lab (issue 13). `setVmState` drives vcsim's POST /lab/vmstate (test/lab/vcsim/
 * backup.go): what the simulator cannot reach through the API (consolidationNeeded, Tools status,
 * snapshot age, disk modes, a physical RDM, encryption, vTPM, a consolidation that fails). The
 * rest goes through the real API as a backup admin would: `faultVm` reconfigures extraConfig and
 * CBT with ReconfigVM_Task and takes snapshots with CreateSnapshot_Task.
 */
import { requestJson, type Vcsim } from './vcsim';
import type { VimClient } from '../../src/core/vsphere/client';
import { moref } from '../../src/core/vsphere/decode';
import { runTask } from '../../src/core/vsphere/tasks';
import { xsdString } from '../../src/core/vsphere/soap';

export interface LabVmState {
  /** moref value, e.g. "vm-42". */
  vm: string;
  consolidationNeeded?: boolean;
  /** The next ConsolidateVMDisks_Task fails with this message ("" = succeed again). */
  failConsolidate?: string;
  toolsRunningStatus?: 'guestToolsRunning' | 'guestToolsNotRunning' | 'guestToolsExecutingScripts';
  toolsVersionStatus2?: 'guestToolsCurrent' | 'guestToolsNeedUpgrade' | 'guestToolsNotInstalled' | 'guestToolsUnmanaged' | 'guestToolsTooOld' | 'guestToolsSupportedOld';
  /** Every snapshot's createTime = now − N days. */
  snapshotAgeDays?: number;
  /** Every flat virtual disk's mode. */
  diskMode?: 'persistent' | 'independent_persistent' | 'independent_nonpersistent';
  physicalRdm?: boolean;
  encrypted?: boolean;
  vtpm?: boolean;
}

export async function setVmState(sim: Vcsim, ...items: LabVmState[]): Promise<void> {
  await requestJson(`${sim.url}/lab/vmstate`, 'POST', items);
}

export interface ApiFault {
  extraConfig?: Record<string, string>;
  changeTracking?: boolean;
  /** Take this many nested snapshots (quiesce off, memory off). */
  snapshots?: number;
  guestId?: string;
}

/** Puts a VM into a state through the vSphere API (ReconfigVM_Task, CreateSnapshot_Task). */
export async function faultVm(client: VimClient, vm: string, f: ApiFault): Promise<void> {
  const ref = moref('VirtualMachine', vm);
  const spec: Record<string, unknown> = {};
  if (f.guestId) spec.guestId = f.guestId;
  // VirtualMachineConfigSpec's WSDL order: guestId, …, extraConfig, …, changeTrackingEnabled.
  if (f.extraConfig) spec.extraConfig = Object.entries(f.extraConfig).map(([key, value]) => ({ key, value: xsdString(value) }));
  if (f.changeTracking !== undefined) spec.changeTrackingEnabled = f.changeTracking;
  if (Object.keys(spec).length > 0) await runTask(client, 'ReconfigVM_Task', ref, [['spec', spec as never]]);
  for (let i = 0; i < (f.snapshots ?? 0); i++) {
    await runTask(client, 'CreateSnapshot_Task', ref, [['name', `lab-${i + 1}`], ['memory', false], ['quiesce', false]]);
  }
}
