/**
 * "Was this VM created on vSphere 4.1?" — the backup rule for Windows 2008 with `disk.EnableUUID`
 * absent needs it (a VM created on 4.1 or later has application-consistent quiescing on by default,
 * DOMAIN.md §1, vknowledge.wordpress.com 2010-08-18). Neither the .vmx nor the vSphere API records
 * where a VM was created, so for a VM read through the API we infer a likely answer from what is
 * known and say that it is an inference:
 *
 *  - the virtual hardware version: each version first came with one product release, so a VM with
 *    it was created on that release or later — unless its hardware was upgraded afterwards;
 *  - the product version of the host running the VM (HostSystem `config.product`, or `about` of a
 *    direct ESX(i) connection): with hardware version 7 (ESX/ESXi 4.x) it tells 4.0 from 4.1.
 *
 * Hardware version → first release: the vSphere guides' "Virtual Machine Hardware Versions" pages
 * (vSphere 5.0 Upgrade guide, pubs.vmware.com vsphere-50 upgrade.doc_50: 4 for ESX/ESXi 3.5, 7 for
 * ESX/ESXi 4.x, 8 for ESXi 5.0, and a VM created on 5.0 with the custom path may keep version 7;
 * the vSphere 6.0 guide: 11 for 6.0). The later rows (9: 5.1; 10: 5.5; 13: 6.5; 14: 6.7; 15: 6.7 U2;
 * 17: 7.0; 18: 7.0 U1; 19: 7.0 U2; 20: 8.0; 21: 8.0 U2) follow VMware KB 1003746 as commonly quoted,
 * not checked against the KB here.
 */
import type { Evidence } from './facts';
import { Generation } from '../vsphere/generation';

const FIRST_RELEASE: Readonly<Record<number, string>> = {
  7: '4.0', 8: '5.0', 9: '5.1', 10: '5.5', 11: '6.0', 13: '6.5', 14: '6.7', 15: '6.7', 17: '7.0', 18: '7.0', 19: '7.0', 20: '8.0', 21: '8.0',
};

/** What the host running the VM says it is. */
export interface RunningHostProduct {
  /** `config.product.version` / `about.version`, e.g. "4.1.0". */
  version: string;
  /** e.g. "VMware ESXi 4.1.0 build-260247". */
  fullName?: string;
  /** Where the version was read, for the evidence: "HostSystem:host-21 config.product.version". */
  path: string;
}

/** A created-on version for the rules, with why it is believed. */
export interface CreatedOnHint {
  /** e.g. "4.1"; compared as "this release or later". */
  version: string;
  /** Set when the version is an inference (API): the reasoning, in words, for the finding. */
  inferred?: string;
  evidence: Evidence[];
}

/**
 * A likely created-on version for a VM read through the API, or undefined when what is known does
 * not point to one (hardware version unknown or older than 7; hardware 7 on a 5.0+ host, which may
 * be a 4.x VM or one created later with 4.x compatibility).
 */
export function inferCreatedOn(input: { hardwareVersion?: number; hardwareVersionPath?: string; host?: RunningHostProduct }): CreatedOnHint | undefined {
  const hw = input.hardwareVersion;
  if (hw === undefined || hw < 7) return undefined;
  const hwEvidence: Evidence = { kind: 'api', path: input.hardwareVersionPath ?? 'config.version', value: `vmx-${String(hw).padStart(2, '0')}` };
  const host = input.host;
  const hostEvidence: Evidence[] = host ? [{ kind: 'api', path: host.path, value: host.fullName ?? host.version }] : [];
  const hostGen = host ? Generation.fromAbout({ version: host.version, fullName: host.fullName }) : undefined;
  const upgraded = 'unless its virtual hardware was upgraded after it was created';
  if (hw >= 8) {
    const first = FIRST_RELEASE[hw] ?? FIRST_RELEASE[Math.max(...Object.keys(FIRST_RELEASE).map(Number).filter((k) => k <= hw))];
    return {
      version: first,
      inferred: `virtual hardware version ${hw} first came with vSphere ${first}, so the VM was created on ${first} or later, ${upgraded}`,
      evidence: [hwEvidence],
    };
  }
  // Hardware version 7: created on ESX/ESXi 4.0 or 4.1 (or later, with 4.x compatibility).
  if (!host || !hostGen) return undefined;
  const { major: maj, minor: min } = hostGen;
  if (hostGen.family === '4.x' && hostGen.atLeast('4.1')) {
    return {
      version: '4.1',
      inferred: `virtual hardware version 7 (ESX/ESXi 4.x) running on ${host.fullName ?? `version ${host.version}`}: taken as created on 4.1, ${upgraded} or it was created on 4.0 before the host was upgraded`,
      evidence: [hwEvidence, ...hostEvidence],
    };
  }
  if (!hostGen.atLeast('4.1')) {
    return {
      version: `${maj}.${min}`,
      inferred: `virtual hardware version 7 running on ${host.fullName ?? `version ${host.version}`}: taken as created on ${maj}.${min} or earlier`,
      evidence: [hwEvidence, ...hostEvidence],
    };
  }
  return undefined;
}

/** The created-on choices a user can make for a .vmx (the panel's "Created on vSphere…" selector). */
export const CREATED_ON_CHOICES = ['4.0', '4.1', '5.0', '5.5', '6.0', '6.5', '6.7', '7.0', '8.0'] as const;

/** A user's choice for a .vmx, as a hint for the rules. */
export function createdOnFromUser(version: string): CreatedOnHint {
  return { version, evidence: [{ kind: 'option', name: 'createdOnVersion', value: version }] };
}
