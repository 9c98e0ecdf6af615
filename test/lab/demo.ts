/**
 * The "demo lab": a mid-size vcsim (2 clusters × 4 hosts, 40 VMs per cluster = 10 per host on
 * average, since vcsim's -vm counts per resource pool; plus 1 standalone host with its own 40)
 * and an ESXi simulator paired with its own `vcsim -esx`. Used by `npm run lab` and the demo.
 * `vcenterGeneration` / `esxGeneration` pick the release each plays (the demo: a vCenter 8.0
 * beside a standalone ESXi 4.1 host); without them both are the lab's default 6.5.
 */
import * as fs from 'node:fs';
import { demoBackupFaults } from './backup';
import { startEsxi, type Esxi } from './esxi';
import type { LabGeneration } from './generations';
import { startVcsim, type Vcsim } from './vcsim';

export interface DemoLabFacts {
  generations: { vcenter: LabGeneration | undefined; esx: LabGeneration | undefined };
  vcenter: { url: string; sdkUrl: string; username: string; password: string; thumbprintSha256: string; thumbprintSha1: string; pid: number; vms: number };
  esxiApi: { url: string; sdkUrl: string; username: string; password: string; thumbprintSha256: string; thumbprintSha1: string; pid: number; vms: number };
  esxiSsh: { host: string; port: number; username: string; password: string; hostKeySha256: string; hostKey: string; root: string };
  startupMs: { vcenter: number; esxiApi: number; esxiSsh: number };
}

export interface DemoLab {
  vcenter: Vcsim;
  esxiApi: Vcsim;
  esxi: Esxi;
  facts(): DemoLabFacts;
  stop(): Promise<void>;
}

export interface DemoLabOptions {
  vcenterUser?: string;
  vcenterPassword?: string;
  esxiPassword?: string;
  /** The release the vCenter plays (its hosts report the matching ESXi). */
  vcenterGeneration?: LabGeneration;
  /** The release the standalone host (vcsim -esx and its SSH shell) plays. */
  esxGeneration?: LabGeneration;
  /** Put a handful of VMs into backup faults (test/lab/backup.ts demoBackupFaults); the rest clean. */
  backupFaults?: boolean;
}

export async function startDemoLab(opts: DemoLabOptions = {}): Promise<DemoLab> {
  const started: { stop(): Promise<void> }[] = [];
  try {
    let t = Date.now();
    const vcenter = await startVcsim({
      dc: 1,
      cluster: 2,
      host: 4,
      vm: 40,
      standaloneHost: 1,
      ds: 2,
      username: opts.vcenterUser ?? 'administrator@vsphere.local',
      password: opts.vcenterPassword ?? 'VMware1!',
      generation: opts.vcenterGeneration,
    });
    started.push(vcenter);
    const vcMs = Date.now() - t;
    t = Date.now();
    const esxiPassword = opts.esxiPassword ?? 'VMware1!';
    const esxiApi = await startVcsim({ esx: true, vm: 4, username: 'root', password: esxiPassword, generation: opts.esxGeneration, commonName: opts.esxGeneration ? `esx${opts.esxGeneration.replace('.', '')}.lab.local` : undefined });
    started.push(esxiApi);
    const apiMs = Date.now() - t;
    t = Date.now();
    const esxi = await startEsxi({ vcsim: esxiApi, username: 'root', password: esxiPassword });
    started.push(esxi);
    const sshMs = Date.now() - t;
    if (opts.backupFaults) await demoBackupFaults(vcenter, esxiApi);
    const [vcVms, esxVms] = [(await vcenter.listVms()).length, (await esxiApi.listVms()).length];

    return {
      vcenter,
      esxiApi,
      esxi,
      facts: () => ({
        generations: { vcenter: vcenter.generation, esx: esxiApi.generation },
        vcenter: {
          url: vcenter.url,
          sdkUrl: vcenter.sdkUrl,
          username: vcenter.username,
          password: vcenter.password,
          thumbprintSha256: vcenter.thumbprintSha256,
          thumbprintSha1: vcenter.thumbprintSha1,
          pid: vcenter.pid,
          vms: vcVms,
        },
        esxiApi: {
          url: esxiApi.url,
          sdkUrl: esxiApi.sdkUrl,
          username: esxiApi.username,
          password: esxiApi.password,
          thumbprintSha256: esxiApi.thumbprintSha256,
          thumbprintSha1: esxiApi.thumbprintSha1,
          pid: esxiApi.pid,
          vms: esxVms,
        },
        esxiSsh: { host: esxi.host, port: esxi.port, username: esxi.username, password: esxi.password, hostKeySha256: esxi.hostKeySha256, hostKey: esxi.hostKey, root: esxi.root },
        startupMs: { vcenter: vcMs, esxiApi: apiMs, esxiSsh: sshMs },
      }),
      async stop() {
        await esxi.stop();
        await Promise.all([esxiApi.stop(), vcenter.stop()]);
      },
    };
  } catch (e) {
    for (const s of started.reverse()) await s.stop().catch(() => undefined);
    throw e;
  }
}

export function writeFactsFile(file: string, facts: DemoLabFacts): void {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(facts, null, 2) + '\n', { mode: 0o600 });
  fs.renameSync(tmp, file);
}
