/**
 * Live tree benchmark: vcsim with 2 DCs × (10 clusters × 16 hosts + 1 standalone host) × 250 VMs
 * per pool = 5,500 VMs. Our live model (LiveInventory: WaitForUpdatesEx over a ContainerView, the
 * inventory's properties) connects and idles; another client powers off a VM picked at random, 20
 * times: the time from the other client's call until our model shows the VM powered off (median,
 * worst). Then 60 s without changes: the bytes and SOAP calls our feed made, against one full
 * listing (getInventory, measured in the same run: the cost of each periodic reload we replaced).
 *
 * Targets (issue 15): median < 1 s, worst < 2 s, idle bytes per minute < 1 % of one full listing.
 * Run: npx tsx bench/live.ts [--changes N] [--idle SECONDS]
 * The measurement is three functions over one started lab (`measure*`), so a shared harness can
 * call them as they are.
 */
import { startVcsim } from '../test/lab/vcsim';
import { VimClient } from '../src/core/vsphere/client';
import { getInventory } from '../src/core/vsphere/inventory';
import { LiveInventory, type LiveChange } from '../src/core/vsphere/live';
import { powerOff } from '../src/core/vsphere/vm';
import { InventoryTree } from '../src/core/inventory/tree';

const EXPECTED = 2 * (10 + 1) * 250;

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Counts the SOAP calls and bytes (request + response bodies) a client makes (bench instrumentation). */
export interface Meter { calls: number; bytes: number; reset(): void }
export function meter(client: VimClient): Meter {
  const m: Meter = { calls: 0, bytes: 0, reset() { m.calls = 0; m.bytes = 0; } };
  const request = client.request.bind(client);
  client.request = async (req) => {
    m.calls++;
    m.bytes += req.body?.length ?? 0;
    const res = await request(req);
    m.bytes += res.body.length;
    return res;
  };
  return m;
}

/** One full listing (the reload the live tree replaces): its time, bytes and calls. */
export async function measureListing(client: VimClient, m: Meter): Promise<{ ms: number; bytes: number; calls: number }> {
  m.reset();
  const t = performance.now();
  const inv = await getInventory(client);
  const ms = performance.now() - t;
  if (inv.vms.length !== EXPECTED) throw new Error(`listing: ${inv.vms.length} VMs, expected ${EXPECTED}`);
  return { ms, bytes: m.bytes, calls: m.calls };
}

/** `n` power-offs by another client at random: ms from its call until our model shows each. */
export async function measureChanges(live: LiveInventory, other: VimClient, n: number, waitFor: (pred: (c: LiveChange) => boolean) => Promise<void>): Promise<number[]> {
  const on = live.inventory().vms.filter((v) => v.powerState === 'poweredOn');
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const vm = on.splice(Math.floor(Math.random() * on.length), 1)[0];
    const t = performance.now();
    const seen = waitFor((c) => c.object.value === vm.ref.value && c.property === 'runtime.powerState' && c.value === 'poweredOff');
    await powerOff(other, vm.ref);
    await seen;
    out.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, 200 + Math.random() * 300));
  }
  return out;
}

/** What the idle feed costs over `seconds`. */
export async function measureIdle(m: Meter, seconds: number): Promise<{ bytes: number; calls: number }> {
  m.reset();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  return { bytes: m.bytes, calls: m.calls };
}

async function main(): Promise<void> {
  const changes = arg('changes', 20);
  const idle = arg('idle', 60);
  const t0 = Date.now();
  // --upstream: vcsim's own WaitForUpdatesEx, which collects the whole filter again per object update
  const upstream = process.argv.includes('--upstream');
  const sim = await startVcsim({ dc: 2, cluster: 10, host: 16, standaloneHost: 1, vm: 250, timeoutMs: 180000, incrementalUpdates: !upstream });
  console.log(upstream ? 'vcsim answers WaitForUpdatesEx as upstream does (a whole collect per object update)'
    : 'vcsim answers WaitForUpdatesEx incrementally, as vCenter does (test/lab/vcsim/live.go; --upstream for vcsim\'s own)');
  console.log(`vcsim up in ${Date.now() - t0} ms at ${sim.sdkUrl}`);
  const connect = (): Promise<VimClient> => VimClient.connect({
    url: sim.sdkUrl, username: sim.username, password: sim.password,
    trust: { mode: 'pinned', sha256: sim.thumbprintSha256 }, keepAliveMs: 0, timeoutMs: 300000,
  });
  const ours = await connect();
  const other = await connect();
  const m = meter(ours);
  const waiters = new Set<{ pred: (c: LiveChange) => boolean; done: () => void }>();
  try {
    const listing = await measureListing(ours, m);
    m.reset();
    let t = performance.now();
    const rebuildMs: number[] = [];
    const live: LiveInventory = await LiveInventory.start(ours, {
      onChange: (cs) => {
        // As the extension does per batch: the inventory and the tree model rebuilt, then "shown".
        const r = performance.now();
        const tree = new InventoryTree(live.inventory());
        rebuildMs.push(performance.now() - r);
        if (tree.counts().vms !== EXPECTED) throw new Error('tree model lost VMs');
        for (const w of [...waiters]) if (cs.some(w.pred)) { waiters.delete(w); w.done(); }
      },
    });
    const startMs = performance.now() - t;
    console.log(`one full listing: ${listing.ms.toFixed(0)} ms, ${(listing.bytes / 1048576).toFixed(2)} MB, ${listing.calls} calls`);
    console.log(`live model start (its first answer is the listing): ${startMs.toFixed(0)} ms, ${(m.bytes / 1048576).toFixed(2)} MB, ${m.calls} calls; ${live.inventory().vms.length} VMs`);
    const waitFor = (pred: (c: LiveChange) => boolean): Promise<void> => new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('a power-off did not show within 30 s')), 30_000);
      waiters.add({ pred, done: () => { clearTimeout(timer); resolve(); } });
    });
    t = performance.now();
    const lat = await measureChanges(live, other, changes, waitFor);
    const idleCost = await measureIdle(m, idle);
    await live.stop();
    const med = median(lat);
    const worst = Math.max(...lat);
    const perMinute = idleCost.bytes * (60 / idle);
    const share = (100 * perMinute) / listing.bytes;
    console.log(`power-off → our model: [${lat.map((x) => x.toFixed(0)).join(', ')}] ms; median ${med.toFixed(0)} ms, worst ${worst.toFixed(0)} ms`);
    console.log(`model rebuild per batch (inventory + tree, ${EXPECTED} VMs): median ${median(rebuildMs).toFixed(1)} ms, worst ${Math.max(...rebuildMs).toFixed(1)} ms`);
    console.log(`idle ${idle} s: ${idleCost.calls} calls, ${idleCost.bytes} bytes (${perMinute.toFixed(0)} bytes/min = ${share.toFixed(4)} % of one listing per minute)`);
    console.log(`BENCH live ours=${med.toFixed(0)}ms peer=${listing.ms.toFixed(0)}ms ratio=${(med / listing.ms).toFixed(2)}`);
    console.log(`BENCH live-idle ours=${perMinute.toFixed(0)}B peer=${listing.bytes}B ratio=${(perMinute / listing.bytes).toFixed(5)}`);
    const missed = [
      med >= 1000 ? `median ${med.toFixed(0)} ms ≥ 1 s` : '', worst >= 2000 ? `worst ${worst.toFixed(0)} ms ≥ 2 s` : '',
      share >= 1 ? `idle ${share.toFixed(3)} % ≥ 1 %` : '',
    ].filter(Boolean);
    if (missed.length) {
      console.log(`TARGET MISSED: ${missed.join('; ')}`);
      process.exitCode = 1;
    } else {
      console.log('targets met: median < 1 s, worst < 2 s, idle < 1 % of a listing per minute');
    }
  } finally {
    await ours.close().catch(() => undefined);
    await other.close().catch(() => undefined);
    await sim.stop();
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
