/**
 * Inventory benchmark: list every VM (name, power state, host, vCPU, memory, vmx path, guest id)
 * from a vcsim with 2 DCs × (10 clusters × 16 hosts + 1 standalone host) and 250 VMs per resource
 * pool / standalone host = 2 × 11 × 250 = 5,500 VMs, three ways in the same run:
 *   ours   – VimClient + retrieve() (CreateContainerView, RetrievePropertiesEx, DestroyView, typed VmInfo)
 *   govmomi – bench/inventory-govmomi (view.Manager + Retrieve into mo.VirtualMachine), timed in-process
 *   floor  – the same three SOAP calls from Node, counting <objects> in the raw bytes, no parsing
 * Run: npx tsx bench/inventory.ts [--runs N]
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startVcsim, REPO_ROOT } from '../test/lab/vcsim';
import { VimClient } from '../src/core/vsphere/client';
import { retrieve } from '../src/core/vsphere/property';
import { asMoRef, asNumber, asString } from '../src/core/vsphere/decode';
import { buildEnvelope } from '../src/core/vsphere/soap';

const PATHS = ['name', 'runtime.powerState', 'runtime.host', 'config.hardware.numCPU', 'config.hardware.memoryMB',
  'config.files.vmPathName', 'config.guestId'];
const EXPECTED = 2 * (10 + 1) * 250;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function buildGovmomi(): string {
  const out = path.join(REPO_ROOT, 'test', 'lab', 'bin', 'inventory-govmomi');
  const gopath = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-gopath-'));
  const r = spawnSync('go', ['build', '-o', out, '.'], {
    cwd: path.join(REPO_ROOT, 'bench', 'inventory-govmomi'),
    env: { ...process.env, GO111MODULE: 'off', GOPROXY: 'off', GOFLAGS: '', CGO_ENABLED: '0', GOPATH: `${gopath}:/usr/share/gocode` },
    encoding: 'utf8',
  });
  fs.rmSync(gopath, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`go build of bench/inventory-govmomi failed:\n${r.stderr}`);
  return out;
}

async function main(): Promise<void> {
  const runsArg = process.argv.indexOf('--runs');
  const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 7;
  const govmomiBin = buildGovmomi();
  const t0 = Date.now();
  const sim = await startVcsim({ dc: 2, cluster: 10, host: 16, standaloneHost: 1, vm: 250, timeoutMs: 180000 });
  console.log(`vcsim up in ${Date.now() - t0} ms at ${sim.sdkUrl}`);
  try {
    const client = await VimClient.connect({
      url: sim.sdkUrl, username: sim.username, password: sim.password,
      trust: { mode: 'pinned', sha256: sim.thumbprintSha256 }, keepAliveMs: 0, timeoutMs: 300000,
    });

    const ours = async (): Promise<number> => {
      const objs = await retrieve(client, 'VirtualMachine', PATHS);
      let n = 0;
      for (const o of objs) {
        const p = o.props;
        const vm = {
          name: asString(p.name), powerState: asString(p['runtime.powerState']), host: asMoRef(p['runtime.host']),
          numCpu: asNumber(p['config.hardware.numCPU']), memoryMB: asNumber(p['config.hardware.memoryMB']),
          vmx: asString(p['config.files.vmPathName']), guestId: asString(p['config.guestId']),
        };
        if (vm.name && vm.host && vm.numCpu !== undefined && vm.memoryMB !== undefined && vm.vmx) n++;
      }
      return n;
    };

    // floor: same SOAP calls on the same keep-alive agent; count objects in the raw bytes
    const sc = client.serviceContent;
    const soap = async (method: string, body: string): Promise<Buffer> => {
      const b = Buffer.from(body);
      const r = await client.request({
        method: 'POST', path: client.endpoint.path, body: b, what: method,
        headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"urn:vim25/${client.apiVersion}"`, 'content-length': String(b.length) },
      });
      if (r.status !== 200) throw new Error(`${method}: HTTP ${r.status}`);
      return r.body;
    };
    const floor = async (): Promise<number> => {
      const cv = await soap('CreateContainerView', buildEnvelope('CreateContainerView', sc.viewManager!, [
        ['container', sc.rootFolder], ['type', ['VirtualMachine']], ['recursive', true]]));
      const s = cv.toString('utf8');
      const m = /<returnval[^>]*>([^<]*)<\/returnval>/.exec(s);
      if (!m) throw new Error('floor: no view in CreateContainerView response');
      const view = { type: 'ContainerView', value: m[1] };
      const res = await soap('RetrievePropertiesEx', buildEnvelope('RetrievePropertiesEx', sc.propertyCollector, [
        ['specSet', { propSet: { type: 'VirtualMachine', pathSet: PATHS },
          objectSet: { obj: view, skip: true, selectSet: { _type: 'TraversalSpec', name: 'view', type: 'ContainerView', path: 'view', skip: false } } }],
        ['options', {}]]));
      let n = 0;
      for (let i = res.indexOf('<objects'); i >= 0; i = res.indexOf('<objects', i + 8)) n++;
      await soap('DestroyView', buildEnvelope('DestroyView', view));
      return n;
    };

    // one process per sample (interleaved with ours and the floor); it does one untimed warm-up
    // retrieve after login and reports the second, timed in-process
    const govmomi = (): { ms: number; count: number } => {
      const u = new URL(sim.sdkUrl);
      u.username = sim.username;
      u.password = sim.password;
      const r = spawnSync(govmomiBin, ['-url', u.toString(), '-runs', '2'], { encoding: 'utf8', maxBuffer: 1 << 20 });
      if (r.status !== 0) throw new Error(`govmomi client failed: ${r.stderr}`);
      const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { ms: number; count: number });
      return lines[lines.length - 1];
    };

    // warm-up (JIT tiers, heap sizing, vcsim caches): a long-lived extension host is warm; the
    // first, cold run of ours is printed too. Then interleaved timed runs.
    let t0c = performance.now();
    const warmOurs = await ours();
    const coldOurs = performance.now() - t0c;
    t0c = performance.now();
    const warmFloor = await floor();
    const coldFloor = performance.now() - t0c;
    console.log(`first run (ours first: vcsim is cold too): ours ${coldOurs.toFixed(0)} ms (${warmOurs} VMs), floor ${coldFloor.toFixed(0)} ms (${warmFloor} objects); expected ${EXPECTED}`);
    if (warmOurs !== EXPECTED || warmFloor !== EXPECTED) throw new Error(`VM count mismatch: ours ${warmOurs}, floor ${warmFloor}, expected ${EXPECTED}`);
    for (let i = 0; i < 3; i++) { await ours(); await floor(); }

    const oursMs: number[] = [];
    const floorMs: number[] = [];
    const govMs: number[] = [];
    let peakRss = 0;
    const steps: Array<() => Promise<void>> = [
      async () => {
        const t = performance.now();
        await ours();
        oursMs.push(performance.now() - t);
        peakRss = Math.max(peakRss, process.memoryUsage.rss());
      },
      async () => {
        const t = performance.now();
        await floor();
        floorMs.push(performance.now() - t);
      },
      async () => {
        const g = govmomi();
        if (g.count !== EXPECTED) throw new Error(`govmomi counted ${g.count} VMs, expected ${EXPECTED}`);
        govMs.push(g.ms);
      },
    ];
    // interleaved, order rotated each round so load drifts hit all three alike
    for (let i = 0; i < runs; i++) {
      for (let k = 0; k < steps.length; k++) await steps[(i + k) % steps.length]();
    }
    await client.close();

    const o = median(oursMs);
    const f = median(floorMs);
    const gm = median(govMs);
    const fmt = (xs: number[]): string => xs.map((x) => x.toFixed(0)).join(', ');
    console.log(`VMs: ${EXPECTED} (2 DCs × (10 clusters + 1 standalone host) × 250)`);
    console.log(`ours    runs [${fmt(oursMs)}] median ${o.toFixed(1)} ms`);
    console.log(`govmomi runs [${fmt(govMs)}] median ${gm.toFixed(1)} ms`);
    console.log(`floor   runs [${fmt(floorMs)}] median ${f.toFixed(1)} ms`);
    console.log(`ours/govmomi = ${(o / gm).toFixed(2)} (target ≤ 0.6), ours/floor = ${(o / f).toFixed(2)} (target ≤ 1.5)`);
    console.log(`peak RSS (sampled after our runs) ${(peakRss / 1048576).toFixed(0)} MB; process maxRSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
    console.log(`BENCH inventory-govmomi ours=${o.toFixed(1)}ms peer=${gm.toFixed(1)}ms ratio=${(o / gm).toFixed(2)}`);
    console.log(`BENCH inventory-floor ours=${o.toFixed(1)}ms peer=${f.toFixed(1)}ms ratio=${(o / f).toFixed(2)}`);
    // The targets; a miss makes the run fail (medians of one run, so a busy machine can miss).
    const missed = [o / gm > 0.6 ? `ours/govmomi ${(o / gm).toFixed(2)} > 0.6` : '', o / f > 1.5 ? `ours/floor ${(o / f).toFixed(2)} > 1.5` : ''].filter(Boolean);
    if (missed.length) {
      console.log(`TARGET MISSED: ${missed.join('; ')} (rerun on a quiet machine before concluding)`);
      process.exitCode = 1;
    } else {
      console.log('targets met: ours/govmomi ≤ 0.6 and ours/floor ≤ 1.5');
    }
  } finally {
    await sim.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
