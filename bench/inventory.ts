/**
 * Inventory benchmark: list every VM (name, power state, host, vCPU, memory, vmx path, guest id)
 * from a vcsim with 2 DCs × (10 clusters × 16 hosts + 1 standalone host) and 250 VMs per resource
 * pool / standalone host = 2 × 11 × 250 = 5,500 VMs, three ways in the same run:
 *   ours   – VimClient + retrieve() (CreateContainerView, RetrievePropertiesEx, DestroyView, typed VmInfo)
 *   govmomi – bench/inventory-govmomi (view.Manager + Retrieve into mo.VirtualMachine), timed in-process
 *   floor  – the same SOAP calls and pages from Node (bench/floor.ts), counting <objects> in the raw bytes, no parsing
 * Run: npm run bench -- inventory   (or npx tsx bench/inventory.ts)
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startVcsim, REPO_ROOT } from '../test/lab/vcsim';
import { VimClient } from '../src/core/vsphere/client';
import { retrieve } from '../src/core/vsphere/property';
import { asMoRef, asNumber, asString } from '../src/core/vsphere/decode';
import { bareRetrieve } from './floor';
import { standalone, type Harness } from './harness';

const PATHS = ['name', 'runtime.powerState', 'runtime.host', 'config.hardware.numCPU', 'config.hardware.memoryMB',
  'config.files.vmPathName', 'config.guestId'];
const EXPECTED = 2 * (10 + 1) * 250;

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

/** bench/inventory through the harness: ours vs govmomi (≤ 0.6) and vs the protocol floor (≤ 1.3). */
export async function run(h: Harness): Promise<void> {
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

    // floor: the same SOAP calls and pages on the same keep-alive agent, objects counted in the raw bytes
    const floor = async (): Promise<number> => (await bareRetrieve(client, ['VirtualMachine'], [{ type: 'VirtualMachine', pathSet: PATHS }])).objects;

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

    const first = await ours();
    const firstFloor = await floor();
    if (first !== EXPECTED || firstFloor !== EXPECTED) throw new Error(`VM count mismatch: ours ${first}, floor ${firstFloor}, expected ${EXPECTED}`);
    h.note(`inventory: ${EXPECTED} VMs (2 DCs × (10 clusters + 1 standalone host) × 250), 7 properties each, one keep-alive agent`);
    const oursSide = { label: 'VimClient retrieve() + typed decode', run: async () => { if ((await ours()) !== EXPECTED) throw new Error('ours: wrong VM count'); } };
    await h.bench({
      name: 'inventory-floor', what: 'list 5,500 VMs: ours vs the bare SOAP floor on the same agent',
      ours: oursSide,
      peer: { kind: 'floor', label: 'same SOAP calls and pages (next page asked for at its token), same agent, counting <objects> (no parsing)', run: async () => { if ((await floor()) !== EXPECTED) throw new Error('floor: wrong count'); } },
      runs: 15, warmup: 3, batch: 3, target: { maxRatio: 1.3 },
      note: 'Each sample is the mean of 3 back-to-back lists: both sides wait mostly on vcsim, whose pauses otherwise decide single rounds.',
    });
    await h.bench({
      name: 'inventory-govmomi', what: 'list 5,500 VMs: ours vs govmomi (Go, view.Manager + Retrieve)',
      ours: oursSide,
      peer: { kind: 'peer', label: 'govmomi, its own in-process timer (2nd retrieve after login)', run: () => {
        const g = govmomi();
        if (g.count !== EXPECTED) throw new Error(`govmomi counted ${g.count} VMs, expected ${EXPECTED}`);
        return { ms: g.ms };
      } },
      runs: 15, warmup: 1, target: { maxRatio: 0.6 },
    });
    await client.close();
  } finally {
    await sim.stop();
  }
}

if (require.main === module) standalone('inventory', run);
