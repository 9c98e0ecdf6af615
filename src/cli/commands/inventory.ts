/**
 * `vlab inventory URL --user U [--password-env VAR] [--thumbprint SHA256 | --insecure] [--json]`:
 * every host and VM of a vCenter / ESXi with inventory path, power state, host, guest OS, vCPU,
 * memory and vmx path. The connection options and the login are ../vsphere.ts's (shared with every
 * command that talks to vSphere).
 */
import { lazy } from '../../core/lazy';
import type { VimClient } from '../../core/vsphere/client';
import type { CliCommand, CliInvocation } from '../command';
import { emit, EXIT_OK } from '../command';
import { VSPHERE_OPTIONS, VSPHERE_SYNOPSIS, withVsphere } from '../vsphere';

const inventoryCore = lazy(() => require('../../core/vsphere/inventory') as typeof import('../../core/vsphere/inventory'));

export interface InventoryRow {
  kind: 'host' | 'vm';
  name: string;
  path: string;
  powerState?: string;
  connectionState?: string;
  host?: string;
  guestOs?: string;
  vcpu?: number;
  memoryMB?: number;
  vmxPath?: string;
  moref: string;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ').trimEnd()).join('\n');
}

async function list(inv: CliInvocation, client: VimClient, url: string): Promise<number> {
  const inventory = await inventoryCore().getInventory(client);
  const hostName = new Map(inventory.hosts.map((h) => [h.ref.value, h.name]));
  const rows: InventoryRow[] = [];
  for (const h of [...inventory.hosts].sort((a, b) => inventory.pathOf(a.ref).localeCompare(inventory.pathOf(b.ref)))) {
    rows.push({
      kind: 'host', name: h.name, path: inventory.pathOf(h.ref), powerState: h.powerState, connectionState: h.connectionState,
      vcpu: h.cpuThreads, memoryMB: h.memoryBytes !== undefined ? Math.round(h.memoryBytes / 1048576) : undefined, moref: h.ref.value,
    });
  }
  for (const v of [...inventory.vms].sort((a, b) => inventory.pathOf(a.ref).localeCompare(inventory.pathOf(b.ref)))) {
    rows.push({
      kind: 'vm', name: v.name, path: inventory.pathOf(v.ref), powerState: v.powerState,
      host: v.host ? hostName.get(v.host.value) ?? v.host.value : undefined, guestOs: v.guestFullName ?? v.guestId,
      vcpu: v.numCpu, memoryMB: v.memoryMB, vmxPath: v.vmPathName, moref: v.ref.value,
    });
  }
  const about = client.serviceContent.about;
  emit(inv, { server: { url, fullName: about.fullName, apiVersion: about.apiVersion }, hosts: rows.filter((r) => r.kind === 'host'), vms: rows.filter((r) => r.kind === 'vm') }, () => {
    const hostRows = rows.filter((r) => r.kind === 'host');
    const vmRows = rows.filter((r) => r.kind === 'vm');
    const out = [`${about.fullName || about.name} — ${hostRows.length} hosts, ${vmRows.length} VMs`, ''];
    out.push(table([['HOST', 'PATH', 'STATE', 'POWER', 'CPU THREADS', 'MEMORY MB'],
      ...hostRows.map((r) => [r.name, r.path, r.connectionState ?? '', r.powerState ?? '', String(r.vcpu ?? ''), String(r.memoryMB ?? '')])]));
    out.push('');
    out.push(table([['VM', 'PATH', 'POWER', 'HOST', 'GUEST OS', 'VCPU', 'MEMORY MB', 'VMX'],
      ...vmRows.map((r) => [r.name, r.path, r.powerState ?? '', r.host ?? '', r.guestOs ?? '', String(r.vcpu ?? ''), String(r.memoryMB ?? ''), r.vmxPath ?? ''])]));
    return out.join('\n');
  });
  return EXIT_OK;
}

export const commands: CliCommand[] = [{
  path: ['inventory'],
  summary: 'List every host and VM of a vCenter or ESXi (path, power, host, guest OS, vCPU, memory, vmx).',
  synopsis: VSPHERE_SYNOPSIS,
  positionals: { min: 1, max: 1 },
  options: VSPHERE_OPTIONS,
  run: (inv) => withVsphere(inv, 'inventory', (client, target) => list(inv, client, target.url)),
}];
