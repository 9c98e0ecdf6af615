/**
 * Backup readiness sweep benchmark (issue 13): 5,500 VMs (`-dc 2 -cluster 10 -host 16 -vm 250`, one
 * standalone host per datacenter: 2 × 11 × 250), in the same run:
 *   listing – the plain inventory listing of the same VMs (`listVms`: one ContainerView +
 *             RetrievePropertiesEx of the inventory's VM properties, typed VmInfo)
 *   sweep   – `sweepBackupReadiness` without vmware.log reads: ONE RetrievePropertiesEx (paged) of the
 *             backup properties (devices, extraConfig, snapshots, Tools, CBT…) over the VMs and the
 *             root's folders/datacenters/hosts, facts, every readiness rule on every VM
 * Interleaved runs after a warm-up; medians, the ratio sweep / listing. Targets: ratio ≤ 1.3 and the
 * sweep under 2 s; exit 1 when one is missed.
 * Run: npx tsx bench/backup-sweep.ts [--runs N]
 */
import { startVcsim } from '../test/lab/vcsim';
import { VimClient } from '../src/core/vsphere/client';
import { listVms } from '../src/core/vsphere/inventory';
import { sweepBackupReadiness } from '../src/core/backup/sweep';

const EXPECTED = 2 * (10 + 1) * 250;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function main(): Promise<void> {
  const runsArg = process.argv.indexOf('--runs');
  const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
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
    await listing();
    await sweep();
    const lm: number[] = [];
    const sm: number[] = [];
    for (let i = 0; i < runs; i++) {
      for (const [fn, into] of (i % 2 ? [[sweep, sm], [listing, lm]] : [[listing, lm], [sweep, sm]]) as Array<[() => Promise<number>, number[]]>) {
        const t = performance.now();
        await fn();
        into.push(performance.now() - t);
      }
    }
    const l = median(lm);
    const s = median(sm);
    const ratio = s / l;
    console.log(`${EXPECTED} VMs, ${runs} interleaved runs each (medians):`);
    console.log(`  inventory listing  ${l.toFixed(0)} ms   [${lm.map((x) => x.toFixed(0)).join(', ')}]`);
    console.log(`  readiness sweep    ${s.toFixed(0)} ms   [${sm.map((x) => x.toFixed(0)).join(', ')}]  (${findings} findings)`);
    console.log(`  ratio sweep / listing ${ratio.toFixed(2)} (target ≤ 1.30); sweep ${s < 2000 ? '<' : '≥'} 2 s (target < 2 s)`);
    await client.close();
    if (ratio > 1.3 || s >= 2000) {
      console.log('TARGET MISSED');
      process.exitCode = 1;
    }
  } finally {
    await sim.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
