/**
 * What every command of the ESXi simulator sees: the host's "/" (a temp dir), its paired vcsim,
 * the generation's shell facts and the mutable state the test handle exposes.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EsxShellFacts, LabGeneration } from '../generations';
import type { LabVm, Vcsim } from '../vcsim';
import type { Resolve } from './shell';

/**
 * A restart that fails once the new rui.crt/rui.key are in service. `times`: how many restarts
 * fail this way (default: every one until cleared); the count goes down on each.
 */
export interface RestartFailure {
  /**
   * 'after-load': the agent exits once the new pair is served; 'stops-answering': it hangs (TCP
   * accepted, no handshake); 'drops-ssh': the new pair is served and the restart takes the SSH session
   * that ran it down with it (as `services.sh restart` can), so the client gets no exit status.
   */
  mode: 'after-load' | 'stops-answering' | 'drops-ssh';
  times?: number;
}

export interface HostState {
  failRestart: boolean;
  restartFailure: RestartFailure | undefined;
  restarts: number;
  commands: string[];
  servedCerts: string[];
  /** The paired vcsim is SIGSTOPped ('stops-answering') until the next restart. */
  paused: boolean;
  /** Terminal sizes the clients asked for (pty, then each window-change), in order. */
  windowSizes: { cols: number; rows: number }[];
}

export interface Host {
  root: string;
  resolve: Resolve;
  vcsim: Vcsim;
  hostname: string;
  hostMemoryMB: number;
  generation: LabGeneration | undefined;
  facts: EsxShellFacts;
  state: HostState;
  /** Lab clock for `esxtop -d` (see EsxiOptions.esxtopTimeScale). */
  esxtopTimeScale: number;
  /** Resumes a vcsim paused by 'stops-answering'. */
  resume(): void;
}

/** Maps shell/SFTP paths into `root`; null when a path would escape it. */
export function resolverFor(root: string): Resolve {
  return (p, cwd = '/') => {
    const abs = path.posix.resolve(cwd, p || '.');
    const real = path.join(root, abs);
    if (real !== root && !real.startsWith(root + path.sep)) return null;
    return real;
  };
}

function vmxFor(vm: LabVm): string {
  const hw = /(\d+)$/.exec(vm.version)?.[1] ?? '13';
  return [
    '.encoding = "UTF-8"',
    'config.version = "8"',
    `virtualHW.version = "${hw}"`,
    `displayName = "${vm.name}"`,
    `guestOS = "${vm.guestId === 'otherGuest' ? 'other' : vm.guestId.replace(/Guest$/, '')}"`,
    `memSize = "${vm.memoryMB}"`,
    `numvcpus = "${vm.numCpu}"`,
    'scsi0.present = "TRUE"',
    'scsi0.virtualDev = "pvscsi"',
    'scsi0:0.present = "TRUE"',
    'scsi0:0.fileName = "disk1.vmdk"',
    'ethernet0.present = "TRUE"',
    'ethernet0.virtualDev = "vmxnet3"',
    '',
  ].join('\n');
}

/**
 * Seed the host's files: /etc/vmware/ssl/rui.crt + rui.key (= the paired vcsim's pair),
 * /etc/vmware/hostd/config.xml, /etc/hosts, the generation's /etc/init.d scripts and one .vmx per VM.
 */
export function seedRoot(root: string, vcsim: Vcsim, hostname: string, vms: LabVm[], facts: EsxShellFacts): void {
  const seed = (p: string, data: string | Buffer, mode?: number) => {
    const abs = path.join(root, p);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, data, mode ? { mode } : undefined);
  };
  seed('etc/vmware/ssl/rui.crt', fs.readFileSync(vcsim.certFile));
  seed('etc/vmware/ssl/rui.key', fs.readFileSync(vcsim.keyFile), 0o600);
  seed(
    'etc/vmware/hostd/config.xml',
    '<config>\n  <ssl>\n    <certificate>/etc/vmware/ssl/rui.crt</certificate>\n    <privateKey>/etc/vmware/ssl/rui.key</privateKey>\n  </ssl>\n</config>\n',
  );
  seed('etc/hosts', `127.0.0.1 localhost.localdomain localhost\n127.0.0.1 ${hostname}\n`);
  for (const s of facts.initScripts) seed(`etc/init.d/${s}`, `#!/bin/sh\n# ${s} (ESXi simulator: answered by the lab)\n`, 0o755);
  for (const vm of vms) {
    const m = /^\[([^\]]+)\]\s*(.+)$/.exec(vm.vmxPath);
    if (m) seed(path.join('vmfs', 'volumes', m[1], m[2]), vmxFor(vm));
  }
}

/** vim-cmd's VM id: the number at the end of the moref. */
export function vmid(vm: LabVm): number {
  const m = /(\d+)$/.exec(vm.moref);
  return m ? Number(m[1]) : 0;
}

export function randomPassword(): string {
  return 'vmware-' + crypto.randomBytes(6).toString('hex');
}
