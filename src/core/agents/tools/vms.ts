/**
 * Read-only VM tools: find VMs by name, power state, guest, host or snapshot age; a VM's facts
 * (configuration, guest IP, VMware Tools, snapshots, memory reclaimed now). Every fact names the
 * API property it comes from.
 */
import { asArray, asBoolean, asMoRef, asNumber, asObject, asString, type VimValue } from '../../vsphere/decode';
import { getInventory, type Inventory, type VmInfo } from '../../vsphere/inventory';
import { retrieveObject } from '../../vsphere/property';
import { toSnapshotTree, type SnapshotNode } from '../../vsphere/vm';
import { ageDays, api, findVm, hostName } from '../lookup';
import type { CommonInput, Evidence, Fact, ToolContext, ToolResult } from '../types';
import { eventFact, newestEvents } from './events';

/** A snapshot tree flattened: every snapshot with its depth in the chain (1 = a root). */
export interface FlatSnapshot {
  name: string;
  createTime?: string;
  depth: number;
  quiesced?: boolean;
}

export function flattenSnapshots(nodes: readonly SnapshotNode[], depth = 1, out: FlatSnapshot[] = []): FlatSnapshot[] {
  for (const n of nodes) {
    out.push({ name: n.name, createTime: n.createTime, depth, quiesced: n.quiesced });
    flattenSnapshots(n.children, depth + 1, out);
  }
  return out;
}

function snapshotsOf(v: VimValue | undefined): FlatSnapshot[] {
  return flattenSnapshots(toSnapshotTree(asObject(v)?.rootSnapshotList));
}

export interface FindVmsInput extends CommonInput {
  name?: string;
  powerState?: 'poweredOn' | 'poweredOff' | 'suspended';
  guest?: string;
  host?: string;
  snapshotOlderThanDays?: number;
  minSnapshotDepth?: number;
  limit?: number;
}

function contains(hay: string | undefined, needle: string | undefined): boolean {
  if (!needle) return true;
  if (!hay) return false;
  const n = needle.toLowerCase();
  if (n.includes('*')) {
    const re = new RegExp(`^${n.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    return re.test(hay.toLowerCase());
  }
  return hay.toLowerCase().includes(n);
}

interface VmMatch {
  vm: VmInfo;
  snaps: FlatSnapshot[];
  oldestDays?: number;
  depth: number;
}

function matches(inv: Inventory, i: FindVmsInput): VmMatch[] {
  const out: VmMatch[] = [];
  for (const vm of inv.vms) {
    if (vm.template) continue;
    if (!contains(vm.name, i.name)) continue;
    if (i.powerState && vm.powerState !== i.powerState) continue;
    if (i.guest && !contains(vm.guestFullName, i.guest) && !contains(vm.guestId, i.guest)) continue;
    if (i.host && !contains(hostName(inv, vm.host), i.host)) continue;
    const snaps = snapshotsOf(vm.extra?.snapshot);
    const ages = snaps.map((s) => ageDays(s.createTime)).filter((x): x is number => x !== undefined);
    const m: VmMatch = { vm, snaps, depth: Math.max(0, ...snaps.map((s) => s.depth)), oldestDays: ages.length ? Math.max(...ages) : undefined };
    if (i.snapshotOlderThanDays !== undefined && !(m.oldestDays !== undefined && m.oldestDays >= i.snapshotOlderThanDays)) continue;
    if (i.minSnapshotDepth !== undefined && m.depth < i.minSnapshotDepth) continue;
    out.push(m);
  }
  return out.sort((a, b) => a.vm.name.localeCompare(b.vm.name));
}

function vmFact(inv: Inventory, m: VmMatch, i: FindVmsInput): Fact {
  const { vm } = m;
  const host = hostName(inv, vm.host);
  const ip = asString(vm.extra?.['guest.ipAddress']);
  const ev: Evidence[] = [api(vm.ref, vm.name, 'runtime.powerState', vm.powerState)];
  if (i.guest) ev.push(api(vm.ref, vm.name, 'config.guestFullName', vm.guestFullName ?? vm.guestId));
  if (i.host) ev.push(api(vm.ref, vm.name, 'runtime.host', host));
  if (m.snaps.length) ev.push(api(vm.ref, vm.name, 'snapshot.rootSnapshotList', `${m.snaps.length} snapshot(s), chain depth ${m.depth}, oldest ${m.oldestDays ?? '?'} day(s)`));
  const snapText = m.snaps.length ? `, ${m.snaps.length} snapshot(s) (depth ${m.depth}, oldest ${m.oldestDays ?? '?'} d)` : '';
  return {
    text: `${vm.name} — ${vm.powerState ?? '?'} on ${host ?? '?'}, ${vm.guestFullName ?? vm.guestId ?? 'guest ?'}, ${vm.numCpu ?? '?'} vCPU, ${vm.memoryMB ?? '?'} MB${ip ? `, IP ${ip}` : ''}${snapText}; ${inv.pathOf(vm.ref)}`,
    evidence: ev,
  };
}

export async function findVms(i: FindVmsInput, ctx: ToolContext): Promise<ToolResult> {
  const conn = await ctx.connection(i.connection);
  const inv = await getInventory(conn.client, { signal: ctx.signal, extraPaths: { VirtualMachine: ['snapshot', 'guest.ipAddress'] } });
  const all = matches(inv, i);
  const limit = i.limit ?? 25;
  const shown = all.slice(0, limit);
  const criteria = [
    i.name && `name ~ "${i.name}"`, i.powerState && `power ${i.powerState}`, i.guest && `guest ~ "${i.guest}"`, i.host && `host ~ "${i.host}"`,
    i.snapshotOlderThanDays !== undefined && `a snapshot ≥ ${i.snapshotOlderThanDays} day(s) old`, i.minSnapshotDepth !== undefined && `snapshot chain ≥ ${i.minSnapshotDepth} deep`,
  ].filter(Boolean).join(', ');
  return {
    summary: `${all.length} of ${inv.vms.filter((v) => !v.template).length} VM(s) on ${conn.label} match${criteria ? ` (${criteria})` : ''}${all.length > shown.length ? `; the first ${shown.length} by name` : ''}.`,
    facts: shown.map((m) => vmFact(inv, m, i)),
    details: shown.map((m) => ({
      name: m.vm.name, moref: m.vm.ref.value, path: inv.pathOf(m.vm.ref), powerState: m.vm.powerState, host: hostName(inv, m.vm.host),
      guest: m.vm.guestFullName ?? m.vm.guestId, vcpu: m.vm.numCpu, memoryMB: m.vm.memoryMB, ip: asString(m.vm.extra?.['guest.ipAddress']),
      snapshots: m.snaps,
    })),
  };
}

export interface VmFactsInput extends CommonInput {
  vm: string;
}

const FACT_PATHS = [
  'name', 'runtime.powerState', 'runtime.host', 'config.guestFullName', 'config.guestId', 'config.hardware.numCPU',
  'config.hardware.memoryMB', 'config.version', 'config.files.vmPathName', 'config.changeTrackingEnabled', 'guest.ipAddress', 'guest.net',
  'guest.hostName', 'guest.toolsRunningStatus', 'guest.toolsVersionStatus2', 'guest.toolsVersion', 'snapshot',
  'runtime.consolidationNeeded', 'summary.quickStats.balloonedMemory', 'summary.quickStats.swappedMemory',
] as const;

function guestIps(v: VimValue | undefined): string[] {
  return asArray(v).flatMap((n) => asArray(asObject(n)?.ipAddress).map((x) => asString(x) ?? '')).filter(Boolean);
}

function configFacts(p: Record<string, VimValue | undefined>, vm: VmInfo, host: string | undefined): Fact[] {
  const e = (path: string, value?: unknown): Evidence => api(vm.ref, vm.name, path, value ?? (p[path] as unknown));
  const ips = [...new Set([asString(p['guest.ipAddress']), ...guestIps(p['guest.net'])].filter((x): x is string => !!x))];
  const facts: Fact[] = [
    { text: `Power: ${asString(p['runtime.powerState'])} on host ${host ?? '?'}`, evidence: [e('runtime.powerState'), e('runtime.host', host)] },
    { text: `Configuration: ${asString(p['config.guestFullName']) ?? asString(p['config.guestId'])}, ${asNumber(p['config.hardware.numCPU'])} vCPU, ${asNumber(p['config.hardware.memoryMB'])} MB, hardware ${asString(p['config.version'])}, files ${asString(p['config.files.vmPathName'])}`,
      evidence: [e('config.guestFullName'), e('config.hardware.numCPU'), e('config.hardware.memoryMB'), e('config.version'), e('config.files.vmPathName')] },
    { text: ips.length ? `Guest IP: ${ips.join(', ')}${asString(p['guest.hostName']) ? ` (guest name ${asString(p['guest.hostName'])})` : ''}` : 'Guest IP: none reported (VMware Tools not running, or no network)',
      evidence: [e('guest.ipAddress'), ...(ips.length > 1 ? [e('guest.net', ips.join(', '))] : [])] },
    { text: `VMware Tools: ${asString(p['guest.toolsRunningStatus']) ?? 'unknown'}, ${asString(p['guest.toolsVersionStatus2']) ?? 'version status unknown'}${asString(p['guest.toolsVersion']) ? ` (version ${asString(p['guest.toolsVersion'])})` : ''}`,
      evidence: [e('guest.toolsRunningStatus'), e('guest.toolsVersionStatus2')] },
  ];
  const cbt = asBoolean(p['config.changeTrackingEnabled']);
  if (cbt !== undefined) facts.push({ text: `Changed block tracking: ${cbt ? 'on' : 'off'}`, evidence: [e('config.changeTrackingEnabled')] });
  if (asBoolean(p['runtime.consolidationNeeded'])) facts.push({ text: 'Disks need consolidation (leftover snapshot files)', severity: 'warning', evidence: [e('runtime.consolidationNeeded')] });
  const balloon = asNumber(p['summary.quickStats.balloonedMemory']) ?? 0;
  const swapped = asNumber(p['summary.quickStats.swappedMemory']) ?? 0;
  if (balloon > 0 || swapped > 0) {
    facts.push({ text: `Memory reclaimed now: balloon ${balloon} MB, swapped ${swapped} MB`, severity: swapped > 0 ? 'warning' : 'info',
      evidence: [e('summary.quickStats.balloonedMemory'), e('summary.quickStats.swappedMemory')] });
  }
  return facts;
}

export async function vmFacts(i: VmFactsInput, ctx: ToolContext): Promise<ToolResult> {
  const conn = await ctx.connection(i.connection);
  const inv = await getInventory(conn.client, { signal: ctx.signal });
  const vm = findVm(inv, i.vm);
  const o = await retrieveObject(conn.client, vm.ref, FACT_PATHS, { signal: ctx.signal });
  const p = o.props;
  const host = hostName(inv, asMoRef(p['runtime.host']));
  const facts = configFacts(p, vm, host);
  const snaps = snapshotsOf(p.snapshot);
  const depth = Math.max(0, ...snaps.map((s) => s.depth));
  if (snaps.length) {
    const oldest = snaps.reduce((a, b) => ((ageDays(b.createTime) ?? -1) > (ageDays(a.createTime) ?? -1) ? b : a));
    facts.push({
      text: `Snapshots: ${snaps.length}, chain depth ${depth}; oldest "${oldest.name}" taken ${oldest.createTime ?? '?'} (${ageDays(oldest.createTime) ?? '?'} days ago): ${snaps.map((s) => `${'  '.repeat(s.depth - 1)}${s.name}`).join(' > ')}`,
      severity: depth >= 3 || (ageDays(oldest.createTime) ?? 0) > 3 ? 'warning' : 'info',
      evidence: [api(vm.ref, vm.name, 'snapshot.rootSnapshotList', `${snaps.length} snapshot(s), depth ${depth}`),
        { kind: 'source', title: 'VMware KB 1025279, best practices for snapshots (2–3 in a chain at most for performance; none kept longer than 72 hours)', url: 'https://kb.vmware.com/s/article/1025279' }],
    });
  } else {
    facts.push({ text: 'Snapshots: none', evidence: [api(vm.ref, vm.name, 'snapshot', 'unset')] });
  }
  try {
    const events = await newestEvents(conn.client, vm.ref, 5, ctx.signal);
    facts.push(...events.map((e) => ({ ...eventFact(e), text: `Recent event: ${eventFact(e).text}` })));
  } catch (e) {
    if (ctx.signal.aborted) throw e;
    facts.push({ text: `Recent events could not be read: ${(e as Error).message}`, evidence: [{ kind: 'api', object: 'EventManager', path: 'CreateCollectorForEvents', value: 'failed' }] });
  }
  return {
    summary: `${vm.name} (${inv.pathOf(vm.ref)}): ${asString(p['runtime.powerState'])}, ${asString(p['config.guestFullName']) ?? asString(p['config.guestId'])}, Tools ${asString(p['guest.toolsRunningStatus']) ?? '?'}, ${snaps.length} snapshot(s).`,
    facts,
    details: { moref: vm.ref.value, path: inv.pathOf(vm.ref), host, snapshots: snaps, properties: Object.fromEntries(Object.entries(p).filter(([k]) => k !== 'snapshot' && k !== 'guest.net')) },
  };
}
