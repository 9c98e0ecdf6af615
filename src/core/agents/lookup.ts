/**
 * Finding the object a tool is asked about: a VM or a host by name (case-insensitive), inventory
 * path or moref. An unknown name is an error that lists the closest names, so the model can retry.
 */
import { LabError } from '../errors';
import { editDistance } from '../vmx/lint';
import type { MoRef } from '../vsphere/decode';
import type { HostInfo, Inventory, VmInfo } from '../vsphere/inventory';
import type { Evidence, JsonSchema } from './types';

/** Input fields every tool shares. */
export const COMMON_PROPERTIES: Record<string, JsonSchema> = {
  connection: { type: 'string', maxLength: 200, description: 'Which vSphere connection (its name) when several are configured; leave out when there is one.' },
  detail: { type: 'string', enum: ['summary', 'full'], description: 'summary (default): the answer and its main facts; full: every fact and the raw details as JSON.' },
};

/** `VirtualMachine:vm-42 "web01"`: how evidence names an object. */
export function objectLabel(ref: MoRef, name?: string): string {
  return `${ref.type}:${ref.value}${name ? ` "${name}"` : ''}`;
}

export function api(ref: MoRef, name: string | undefined, path: string, value: unknown): Evidence {
  return { kind: 'api', object: objectLabel(ref, name), path, value: value === undefined ? '(not set)' : String(value) };
}

/** The names nearest to `wanted` (edit distance), five at most. */
function closest<T extends { name: string }>(all: readonly T[], wanted: string): string {
  return all.map((x) => ({ name: x.name, d: editDistance(x.name, wanted) }))
    .sort((a, b) => a.d - b.d || a.name.localeCompare(b.name)).slice(0, 5)
    .map((x) => `"${x.name}"`).join(', ');
}

function pick<T extends { name: string; ref: MoRef }>(all: readonly T[], wanted: string, inv: Inventory, kind: string): T {
  const w = wanted.trim();
  const lower = w.toLowerCase();
  const hit = all.find((x) => x.ref.value === w)
    ?? all.find((x) => inv.pathOf(x.ref) === w)
    ?? all.find((x) => x.name === w);
  if (hit) return hit;
  const ci = all.filter((x) => x.name.toLowerCase() === lower);
  if (ci.length === 1) return ci[0];
  if (ci.length > 1) {
    throw new LabError('invalidInput', `${ci.length} ${kind}s are named "${w}": give the inventory path instead (${ci.slice(0, 5).map((x) => inv.pathOf(x.ref)).join(', ')}).`);
  }
  throw new LabError('notFound', `No ${kind} named "${w}"${all.length ? `; known ${kind}s include ${closest(all, w)}` : ''}. Use vsphere_find_vms to search.`);
}

export function findVm(inv: Inventory, wanted: string): VmInfo {
  return pick(inv.vms, wanted, inv, 'VM');
}

export function findHost(inv: Inventory, wanted: string): HostInfo {
  return pick(inv.hosts, wanted, inv, 'host');
}

/** Host name by ref. */
export function hostName(inv: Inventory, ref: MoRef | undefined): string | undefined {
  return ref ? inv.hosts.find((h) => h.ref.value === ref.value)?.name ?? ref.value : undefined;
}

/** Days between an ISO time and now (whole days, floor). */
export function ageDays(iso: string | undefined, now = Date.now()): number | undefined {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? Math.floor((now - t) / 86_400_000) : undefined;
}
