/**
 * Backup readiness sweep benchmark (issue 13): 5,500 VMs (`-dc 2 -cluster 10 -host 16 -vm 250`, one
 * standalone host per datacenter: 2 × 11 × 250), through the bench harness, in the same rounds:
 *   ours  – `sweepBackupReadiness` without vmware.log reads: ONE RetrievePropertiesEx (paged) of the
 *           backup properties (devices, extraConfig, snapshots, Tools, CBT…) over the VMs and the
 *           root's folders/datacenters/hosts, facts, every readiness rule on every VM
 *   peer  – the plain inventory listing of the same VMs (`listVms`: one ContainerView +
 *           RetrievePropertiesEx of the inventory's VM properties, typed VmInfo)
 * Targets: ratio ≤ 1.3 (median of per-round ratios) and the sweep under 2 s.
 * Run: npx tsx bench/backup-sweep.ts [--runs N]   (or npm run bench -- backup-sweep)
 */
import { startVcsim } from '../test/lab/vcsim';
import { VimClient } from '../src/core/vsphere/client';
import { listVms } from '../src/core/vsphere/inventory';
import { sweepBackupReadiness } from '../src/core/backup/sweep';
import { standalone, type Harness } from './harness';

const EXPECTED = 2 * (10 + 1) * 250;

export async function run(h: Harness): Promise<void> {
  const sim = await startVcsim({ dc: 2, cluster: 10, host: 16, standaloneHost: 1, vm: 250, timeoutMs: 300_000 });
  try {
    const client = await VimClient.connect({
      url: sim.sdkUrl, username: sim.username, password: sim.password,
      trust: { mode: 'pinned', sha256: sim.thumbprintSha256 }, keepAliveMs: 0, timeoutMs: 300_000,
    });
    let findings = 0;
    const sweep = async (): Promise<void> => {
      const r = await sweepBackupReadiness(client, { readLogs: false });
      if (r.vms.length !== EXPECTED) throw new Error(`sweep: ${r.vms.length} VMs, expected ${EXPECTED}`);
      findings = r.vms.reduce((n, v) => n + v.findings.length, 0);
    };
    const listing = async (): Promise<void> => {
      const n = (await listVms(client)).length;
      if (n !== EXPECTED) throw new Error(`listing: ${n} VMs, expected ${EXPECTED}`);
    };
    await sweep();
    h.note(`backup-sweep: ${EXPECTED} VMs; the sweep retrieves ${findings ? 'devices, extraConfig, snapshots, Tools and CBT' : 'the backup properties'} (${findings} findings), the listing 15 inventory properties`);
    await h.bench({
      name: 'backup-sweep', what: 'readiness sweep of 5,500 VMs (no vmware.log) vs the plain inventory listing of the same VMs',
      ours: { label: 'sweepBackupReadiness (one retrieve + rules)', run: sweep },
      peer: { kind: 'peer', label: 'listVms (inventory listing)', run: listing },
      runs: 15, warmup: 2, target: { maxRatio: 1.3, maxMs: 2000 },
      note: 'The sweep must read config.hardware.device of every VM (independent disks, physical RDMs, vTPM): that array is most of the bytes.',
    });
    await client.close();
  } finally {
    await sim.stop();
  }
}

if (require.main === module) standalone('backup-sweep', run);
