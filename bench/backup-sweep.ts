/**
 * Backup readiness sweep benchmark (issue 13): 5,500 VMs (`-dc 2 -cluster 10 -host 16 -vm 250`, one
 * standalone host per datacenter: 2 × 11 × 250), in the same run:
 *   listing – the plain inventory listing of the same VMs (`listVms`: one ContainerView +
 *             RetrievePropertiesEx of the inventory's VM properties, typed VmInfo)
 *   sweep   – `sweepBackupReadiness` without vmware.log reads: ONE RetrievePropertiesEx (paged) of the
 *             backup properties (devices, extraConfig, snapshots, Tools, CBT…) over the VMs and the
 *             root's folders/datacenters/hosts, facts, every readiness rule on every VM
 * Through bench/harness.ts: ≥ 15 interleaved rounds after a warm-up, min/median/max, the ratio
 * sweep / listing. Targets: ratio ≤ 1.3 and the sweep under 2 s.
 * Run: npm run bench -- backup-sweep   (or npx tsx bench/backup-sweep.ts)
 */
import { startVcsim } from '../test/lab/vcsim';
import { VimClient } from '../src/core/vsphere/client';
import { listVms } from '../src/core/vsphere/inventory';
import { sweepBackupReadiness } from '../src/core/backup/sweep';
import { standalone, type Harness } from './harness';

const EXPECTED = 2 * (10 + 1) * 250;

/** bench/backup-sweep through the harness (bench/harness.ts): ratio sweep / listing ≤ 1.3 and the sweep < 2 s. */
export async function run(h: Harness): Promise<void> {
  const t0 = Date.now();
  const sim = await startVcsim({ dc: 2, cluster: 10, host: 16, standaloneHost: 1, vm: 250, timeoutMs: 300_000 });
  console.log(`vcsim up in ${Date.now() - t0} ms at ${sim.sdkUrl}`);
  try {
    const client = await VimClient.connect({
      url: sim.sdkUrl, username: sim.username, password: sim.password,
      trust: { mode: 'pinned', sha256: sim.thumbprintSha256 }, keepAliveMs: 0, timeoutMs: 300_000,
    });
    const listing = async (): Promise<number> => (await listVms(client)).length;
    let findings = 0;
    const sweep = async (): Promise<number> => {
      const r = await sweepBackupReadiness(client, { readLogs: false });
      findings = r.vms.reduce((n, v) => n + v.findings.length, 0);
      return r.vms.length;
    };
    const nl = await listing();
    const ns = await sweep();
    if (nl !== EXPECTED || ns !== EXPECTED) throw new Error(`VM count mismatch: listing ${nl}, sweep ${ns}, expected ${EXPECTED}`);
    const listingSide = { label: 'listVms: the inventory listing of the same VMs', run: async () => { if ((await listing()) !== EXPECTED) throw new Error('listing: wrong VM count'); } };
    const sweepSide = { label: 'sweepBackupReadiness({ readLogs: false }): properties, facts, every rule', run: async () => { if ((await sweep()) !== EXPECTED) throw new Error('sweep: wrong VM count'); } };
    await h.bench({
      name: 'backup-sweep', what: `backup readiness sweep of ${EXPECTED} VMs vs the plain inventory listing`,
      ours: sweepSide, peer: { kind: 'peer', ...listingSide }, warmup: 1, target: { maxRatio: 1.3 },
    });
    await h.bench({
      name: 'backup-sweep-time', what: `backup readiness sweep of ${EXPECTED} VMs, absolute`,
      ours: sweepSide, warmup: 0, target: { maxMs: 2000 },
    });
    h.note(`backup-sweep: ${findings} findings over ${EXPECTED} VMs`);
    await client.close();
  } finally {
    await sim.stop();
  }
}

if (require.main === module) standalone('backup-sweep', run);
