/**
 * Backup faults in the lab (issue 13). `setVmState` drives vcsim's POST /lab/vmstate (test/lab/vcsim/
 * backup.go): what the simulator cannot reach through the API (consolidationNeeded, Tools status,
 * snapshot age, disk modes, a physical RDM, encryption, vTPM, a consolidation that fails). The
 * rest goes through the real API as a backup admin would: `faultVm` reconfigures extraConfig and
 * CBT with ReconfigVM_Task and takes snapshots with CreateSnapshot_Task.
 */
import { requestJson, type Vcsim } from './vcsim';
import { VimClient } from '../../src/core/vsphere/client';
import { parseDatastorePath, uploadFile } from '../../src/core/vsphere/datastore';
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

/**
 * A backup picture for the demo lab (`npm run lab`, scripts/demo.ts): most VMs clean (Tools running
 * and current, CBT on), a handful in each fault, so "Check Backup Readiness…" and `vlab backup sweep`
 * have something to show and fix. `esx41` (the standalone ESXi 4.1 of the demo, when given) gets a
 * Windows 2008 R2 VM with disk.EnableUUID TRUE: the Data Recovery case. Power states are left alone.
 */
export async function demoBackupFaults(vcenter: Vcsim, esx?: Vcsim): Promise<void> {
  const open = (s: Vcsim) => VimClient.connect({ url: s.sdkUrl, username: s.username, password: s.password, trust: { mode: 'insecure' }, keepAliveMs: 0 });
  const clean = async (s: Vcsim, c: VimClient, vms: { moref: string }[]) => {
    await setVmState(s, ...vms.map((v) => ({ vm: v.moref, toolsRunningStatus: 'guestToolsRunning' as const, toolsVersionStatus2: 'guestToolsCurrent' as const })));
    for (const v of vms) await faultVm(c, v.moref, { changeTracking: true });
  };
  const c = await open(vcenter);
  try {
    const vms = (await vcenter.listVms()).filter((v) => v.powerState === 'poweredOn');
    await clean(vcenter, c, vms);
    const at = (i: number) => vms[i % vms.length];
    for (const i of [0, 1, 2, 3]) await faultVm(c, at(i).moref, { guestId: 'windows7Server64Guest', extraConfig: { 'disk.EnableUUID': 'FALSE' } });
    await setVmState(vcenter, { vm: at(5).moref, consolidationNeeded: true }, { vm: at(7).moref, diskMode: 'independent_persistent' },
      { vm: at(9).moref, physicalRdm: true }, { vm: at(11).moref, toolsRunningStatus: 'guestToolsNotRunning' },
      { vm: at(13).moref, toolsVersionStatus2: 'guestToolsNeedUpgrade' }, { vm: at(14).moref, toolsVersionStatus2: 'guestToolsNeedUpgrade' });
    await faultVm(c, at(15).moref, { changeTracking: false });
    await faultVm(c, at(17).moref, { snapshots: 2 });
    await setVmState(vcenter, { vm: at(17).moref, snapshotAgeDays: 12 });
    const ds = parseDatastorePath(at(17).vmxPath);
    if (ds) {
      await uploadFile(c, { datacenter: 'DC0', datastore: ds.datastore, path: `${ds.path.split('/')[0]}/vmware.log` }, Buffer.from([
        '2024-03-05T02:00:01.120Z| vmx| I005: (demo sample built from the message texts core/backup/logs/classify.ts cites)',
        '2024-03-05T02:00:09.004Z| vmx| I005: Msg_Post: The guest OS has reported an error during quiescing. Error code was: 2 the error message was: custom quiesce script failed.',
        '2024-03-05T02:00:09.010Z| vmx| I005: An error occurred while saving the snapshot: Failed to quiesce the virtual machine.', ''].join('\n')));
    }
  } finally {
    await c.close();
  }
  if (!esx) return;
  const e = await open(esx);
  try {
    const vms = (await esx.listVms()).filter((v) => v.powerState === 'poweredOn');
    await clean(esx, e, vms);
    if (vms[0]) await faultVm(e, vms[0].moref, { guestId: 'windows7Server64Guest', extraConfig: { 'disk.EnableUUID': 'TRUE' } });
  } finally {
    await e.close();
  }
}
