/**
 * One way to start the lab's peers: `startLab(spec)` starts what the spec asks for (a vcsim, an
 * ESXi shell paired with it, an OpenSSH sshd), all of one generation if `generation` is given, and
 * `stop()` stops them in reverse order. Tests use it through `withLab()` (fixture.ts).
 */
import { startEsxi, type Esxi, type EsxiOptions } from './esxi';
import type { LabGeneration } from './generations';
import { attachLabHosts, vcenterForHosts, type LabHost, type LabHostSpec } from './hosts';
import { startSshd, type Sshd, type SshdOptions } from './sshd';
import { startVcsim, type Vcsim, type VcsimOptions } from './vcsim';

export interface LabSpec {
  /** The release every peer plays (a peer's own `generation` wins). Default: the lab's 6.5. */
  generation?: LabGeneration;
  vcsim?: VcsimOptions;
  /** An ESXi shell paired with the spec's vcsim (which must then be given). */
  esxi?: Omit<EsxiOptions, 'vcsim'>;
  sshd?: SshdOptions;
  /** Hosts of the spec's vCenter played by their own `vcsim -esx` peers (hosts.ts). */
  hosts?: LabHostSpec[];
}

export interface Lab {
  vcsim?: Vcsim;
  esxi?: Esxi;
  sshd?: Sshd;
  /** The spec's `hosts`, in order. */
  hosts: LabHost[];
  /** Stops every peer (the ESXi shell before its vcsim); safe to call twice. */
  stop(): Promise<void>;
}

export async function startLab(spec: LabSpec): Promise<Lab> {
  if ((spec.esxi || spec.hosts?.length) && !spec.vcsim) throw new Error('startLab: an ESXi shell and lab hosts need a vcsim (spec.vcsim)');
  const started: { stop(): Promise<void> }[] = [];
  const lab: Lab = {
    hosts: [],
    async stop() {
      for (const s of started.splice(0).reverse()) await s.stop();
    },
  };
  try {
    if (spec.vcsim) {
      const vcOpts = spec.hosts?.length ? vcenterForHosts(spec.hosts.length, spec.vcsim) : spec.vcsim;
      lab.vcsim = await startVcsim({ generation: spec.generation, ...vcOpts });
      started.push(lab.vcsim);
    }
    if (spec.hosts?.length && lab.vcsim) {
      lab.hosts = await attachLabHosts(lab.vcsim, spec.hosts);
      started.push(...lab.hosts);
    }
    if (spec.esxi && lab.vcsim) {
      lab.esxi = await startEsxi({ generation: spec.generation, ...spec.esxi, vcsim: lab.vcsim });
      started.push(lab.esxi);
    }
    if (spec.sshd) {
      lab.sshd = await startSshd(spec.sshd);
      started.push(lab.sshd);
    }
  } catch (e) {
    await lab.stop().catch(() => undefined);
    throw e;
  }
  return lab;
}
