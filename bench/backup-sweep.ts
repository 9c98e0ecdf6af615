/**
 * Backup readiness sweep benchmark (issue 13): 5,500 VMs (`-dc 2 -cluster 10 -host 16 -vm 250`, one
 * standalone host per datacenter: 2 × 11 × 250), through the bench harness, in the same rounds:
 *   ours  – `sweepBackupReadiness` without vmware.log reads: ONE RetrievePropertiesEx (paged) of the
 *           backup properties (devices, extraConfig, snapshots, Tools, CBT…) over the VMs and the
 *           root's folders/datacenters/hosts, facts, every readiness rule on every VM
 *   peer  – the plain inventory listing of the same VMs (`listVms`: one ContainerView +
 *           RetrievePropertiesEx of the inventory's VM properties, typed VmInfo)
 * Targets: ratio ≤ 1.3 (median of per-round ratios) and the sweep under 2 s.
 * Two more rows, reported (no target), say where the time goes:
 *   backup-sweep-overhead – the sweep vs the bare RetrievePropertiesEx of its own properties (same
 *                           views, same bytes, objects counted, nothing parsed): our share
 *   backup-sweep-bytes    – that bare retrieve vs the bare retrieve of the listing's properties: the
 *                           server's share, which no client can go under (vcsim builds each response
 *                           whole before sending a byte)
 * Run: npx tsx bench/backup-sweep.ts [--runs N]   (or npm run bench -- backup-sweep)
 */
import { startVcsim } from '../test/lab/vcsim';
import { VimClient } from '../src/core/vsphere/client';
import { listVms, VM_PATHS } from '../src/core/vsphere/inventory';
import { sweepBackupReadiness, sweepVmPaths } from '../src/core/backup/sweep';
import { HOST_PRODUCT_PATH } from '../src/core/vsphere/generation';
import { buildEnvelope, type SoapObject } from '../src/core/vsphere/soap';
import { standalone, type Harness } from './harness';

const EXPECTED = 2 * (10 + 1) * 250;

/** One SOAP call on the client's agent, the response's bytes untouched. */
async function soap(client: VimClient, method: string, body: string): Promise<Buffer> {
  const b = Buffer.from(body);
  const r = await client.request({
    method: 'POST', path: client.endpoint.path, body: b, what: method,
    headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"urn:vim25/${client.apiVersion}"`, 'content-length': String(b.length) },
  });
  if (r.status !== 200) throw new Error(`${method}: HTTP ${r.status}`);
  return r.body;
}

/** CreateContainerView + RetrievePropertiesEx (bytes only, `<objects` counted) + DestroyView. */
async function bareRetrieve(client: VimClient, types: string[], propSet: SoapObject[]): Promise<{ objects: number; bytes: number }> {
  const sc = client.serviceContent;
  const cv = (await soap(client, 'CreateContainerView', buildEnvelope('CreateContainerView', sc.viewManager!, [
    ['container', sc.rootFolder], ['type', types], ['recursive', true]]))).toString('utf8');
  const m = /<returnval[^>]*>([^<]*)<\/returnval>/.exec(cv);
  if (!m) throw new Error('no view in the CreateContainerView response');
  const view = { type: 'ContainerView', value: m[1] };
  const res = await soap(client, 'RetrievePropertiesEx', buildEnvelope('RetrievePropertiesEx', sc.propertyCollector, [
    ['specSet', { propSet, objectSet: { obj: view, skip: true, selectSet: { _type: 'TraversalSpec', name: 'view', type: 'ContainerView', path: 'view', skip: false } } }],
    ['options', {}]]));
  let objects = 0;
  for (let i = res.indexOf('<objects'); i >= 0; i = res.indexOf('<objects', i + 8)) objects++;
  await soap(client, 'DestroyView', buildEnvelope('DestroyView', view));
  return { objects, bytes: res.length };
}

/** The sweep's one retrieve, bare: the same view types and property specs as sweep.ts. */
const SWEEP_TYPES = ['VirtualMachine', 'Folder', 'Datacenter', 'HostSystem'];
const sweepPropSet = (): SoapObject[] => [
  { type: 'VirtualMachine', pathSet: sweepVmPaths(undefined) },
  { type: 'Folder', pathSet: ['name', 'parent'] },
  { type: 'Datacenter', pathSet: ['name', 'parent'] },
  { type: 'HostSystem', pathSet: ['name', HOST_PRODUCT_PATH] },
];

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
    const bareSweep = async (): Promise<void> => {
      const r = await bareRetrieve(client, SWEEP_TYPES, sweepPropSet());
      if (r.objects < EXPECTED) throw new Error(`bare sweep retrieve: ${r.objects} objects`);
    };
    const bareListing = async (): Promise<void> => {
      const r = await bareRetrieve(client, ['VirtualMachine'], [{ type: 'VirtualMachine', pathSet: [...VM_PATHS] }]);
      if (r.objects !== EXPECTED) throw new Error(`bare listing retrieve: ${r.objects} objects`);
    };
    const sizes = [await bareRetrieve(client, SWEEP_TYPES, sweepPropSet()), await bareRetrieve(client, ['VirtualMachine'], [{ type: 'VirtualMachine', pathSet: [...VM_PATHS] }])];
    h.note(`backup-sweep: the sweep's response is ${(sizes[0].bytes / 1e6).toFixed(1)} MB, the listing's ${(sizes[1].bytes / 1e6).toFixed(1)} MB`);
    await h.bench({
      name: 'backup-sweep-overhead', what: 'the sweep vs the bare RetrievePropertiesEx of its own properties (our share of the time)',
      ours: { label: 'sweepBackupReadiness (one retrieve + rules)', run: sweep },
      peer: { kind: 'floor', label: 'same views and specs, bytes only, <objects> counted', run: bareSweep },
      runs: 15, warmup: 1, target: {},
    });
    await h.bench({
      name: 'backup-sweep-bytes', what: 'bare retrieve of the sweep\'s properties vs bare retrieve of the listing\'s (the server\'s share)',
      ours: { label: 'bare retrieve, sweep properties', run: bareSweep },
      peer: { kind: 'peer', label: 'bare retrieve, listing properties', run: bareListing },
      runs: 15, warmup: 1, target: {},
      note: 'The sweep cannot cost less than its bare retrieve, so against a listing at its own floor its ratio cannot go under this one: vcsim builds each response whole before it sends a byte, and parsing cannot overlap the server\'s work.',
    });
    await client.close();
  } finally {
    await sim.stop();
  }
}

if (require.main === module) standalone('backup-sweep', run);
