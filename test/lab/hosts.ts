/**
 * A vCenter whose hosts are real lab peers: each host of the spec is its own `vcsim -esx` (of its
 * own generation, serving a certificate of chosen expiry on its own loopback address 127.0.0.N),
 * optionally paired with an ESXi shell (the SSH deploy route), and the vCenter's HostSystem of the
 * same rank is renamed to that address (`127.0.0.N:PORT`, as a real vCenter names a host by the
 * address it was added with) and made to report that generation (POST /lab/host, labhosts.go).
 *
 *   const lab = withLab({ generation: '8.0', vcsim: { vm: 0 }, hosts: [{ generation: '4.1', certDays: 20 }, { generation: '8.0', certDays: 400 }] });
 *   lab.hosts[0].vcsim.port; lab.hosts[0].moref   // the vCenter's host-NN
 */
import * as fs from 'node:fs';
import { startEsxi, type Esxi, type EsxiOptions } from './esxi';
import type { LabGeneration } from './generations';
import { requestJson, startVcsim, type Vcsim, type VcsimOptions } from './vcsim';

export interface LabHostSpec {
  generation?: LabGeneration;
  /** Days the host's certificate is valid for (default 365; 0 or less: expired). */
  certDays?: number;
  /** The certificate's CN (default esxNN.lab.test). */
  commonName?: string;
  /** Pair an ESXi shell with the host (root password VMware1! unless given). */
  esxi?: boolean | Omit<EsxiOptions, 'vcsim'>;
  /** More options for the host's vcsim -esx. */
  vcsim?: Omit<VcsimOptions, 'esx' | 'generation' | 'listenHost' | 'certDays'>;
}

export interface LabHost {
  /** The vCenter's HostSystem moref standing for this host. */
  moref: string;
  /** Its inventory name: `127.0.0.N:PORT`. */
  name: string;
  generation: LabGeneration | undefined;
  vcsim: Vcsim;
  esxi?: Esxi;
  stop(): Promise<void>;
}

/** Hosts the vCenter's model needs for `count` lab hosts (one cluster, no standalone host). */
export function vcenterForHosts(count: number, base: VcsimOptions = {}): VcsimOptions {
  return { cluster: 1, standaloneHost: 0, ...base, host: Math.max(count, base.host ?? 0) };
}

/**
 * Starts one peer per spec (at most 4 at a time: two cores) and maps the vCenter's hosts onto them.
 * The vCenter must have at least as many hosts (`vcenterForHosts`).
 */
export async function attachLabHosts(vcenter: Vcsim, specs: readonly LabHostSpec[]): Promise<LabHost[]> {
  const vcHosts = await requestJson<Array<{ moref: string; name: string }>>(`${vcenter.url}/lab/hosts`);
  if (vcHosts.length < specs.length) throw new Error(`attachLabHosts: the vCenter has ${vcHosts.length} hosts, ${specs.length} asked (use vcenterForHosts)`);
  const out: LabHost[] = [];
  try {
    for (let i = 0; i < specs.length; i += 4) {
      out.push(...await Promise.all(specs.slice(i, i + 4).map((s, k) => startHost(vcenter, vcHosts[i + k].moref, s, i + k))));
    }
  } catch (e) {
    await Promise.all(out.map((h) => h.stop().catch(() => undefined)));
    throw e;
  }
  return out;
}

async function startHost(vcenter: Vcsim, moref: string, spec: LabHostSpec, index: number): Promise<LabHost> {
  const address = `127.0.0.${index + 2}`;
  const vcsim = await startVcsim({
    vm: 0, ...spec.vcsim, esx: true, listenHost: address,
    commonName: spec.commonName ?? `esx${String(index + 1).padStart(2, '0')}.lab.test`,
    ...(spec.generation ? { generation: spec.generation } : {}),
    ...(spec.certDays !== undefined ? { certDays: spec.certDays } : {}),
  });
  let esxi: Esxi | undefined;
  try {
    if (spec.esxi) esxi = await startEsxi({ password: 'VMware1!', ...(spec.esxi === true ? {} : spec.esxi), vcsim });
    const name = `${address}:${vcsim.port}`;
    // The vCenter reports the host's own certificate through HostCertificateManager (where its generation has one).
    const certificate = vcsim.certFile ? fs.readFileSync(vcsim.certFile, 'utf8') : undefined;
    await requestJson(`${vcenter.url}/lab/host`, 'POST', { moref, name, ...(spec.generation ? { generation: spec.generation } : {}), ...(certificate ? { certificate } : {}) });
    return {
      moref, name, generation: spec.generation, vcsim, ...(esxi ? { esxi } : {}),
      async stop() {
        await esxi?.stop();
        await vcsim.stop();
      },
    };
  } catch (e) {
    await esxi?.stop().catch(() => undefined);
    await vcsim.stop();
    throw e;
  }
}
