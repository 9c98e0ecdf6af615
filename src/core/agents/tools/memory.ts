/**
 * A host's memory situation, on the memory panel's core (core/memory/data.ts `loadLive`): its state
 * under its generation's table (with the table's sources), free memory against minFree and the
 * thresholds, which VMs balloon or swap now (the perf counters' latest samples), the reclamation
 * ladder, and who is likely next. "Which VMs swap right now?" is this tool on each host, or
 * vsphere_find_vms for the quick stats.
 */
import { loadLive } from '../../memory/data';
import type { LadderStep } from '../../memory/state';
import type { HostMemory, VmMemory } from '../../memory/types';
import type { HostInfo } from '../../vsphere/inventory';
import { getInventory, type Inventory } from '../../vsphere/inventory';
import { HOST_PRODUCT_PATH } from '../../vsphere/generation';
import { api, findHost, findVm, objectLabel } from '../lookup';
import type { CommonInput, Evidence, Fact, ToolContext, ToolResult } from '../types';

export interface HostMemoryInput extends CommonInput {
  host?: string;
  vm?: string;
}

const mb = (v: number | undefined): string => (v === undefined ? '?' : `${Math.round(v)} MB`);

function perf(h: { id: string; name: string }, type: 'HostSystem' | 'VirtualMachine', counter: string, value: number | undefined): Evidence {
  return { kind: 'api', object: objectLabel({ type, value: h.id }, h.name), path: `PerformanceManager.QueryPerf ${counter} (latest realtime sample)`, value: mb(value) };
}

function stateFact(host: HostInfo, m: HostMemory, sources: Evidence[]): Fact {
  const gen = m.generation ? `${m.generation.fullName ?? `ESX(i) ${m.generation.version}`}` : 'an unknown generation (the 4.x table is used)';
  const below = m.thresholds?.find((t) => t.state === m.state);
  const ev: Evidence[] = [api(host.ref, host.name, HOST_PRODUCT_PATH, gen), api(host.ref, host.name, 'summary.hardware.memorySize', mb(m.totalMB))];
  if (m.stateSource === 'counter') ev.push({ kind: 'api', object: objectLabel(host.ref, host.name), path: 'PerformanceManager.QueryPerf mem.state.latest', value: String(m.latest.state) });
  else ev.push(perf({ id: host.ref.value, name: host.name }, 'HostSystem', 'mem.consumed.average (free = memory size − consumed)', m.latest.consumed));
  return {
    text: `State ${m.state ?? 'unknown'} under the ${m.stateModel === 'pct-of-host' ? '4.x' : m.stateModel === 'minfree' ? '5.x' : '6.0+'} table (${gen}): free ${mb(m.freeMB)} of ${mb(m.totalMB)}${m.freePct !== undefined ? ` (${m.freePct.toFixed(1)} %)` : ''}, minFree ${mb(m.minFreeMB)}${below ? `; this state begins below ${mb(below.mb)}` : ''}. Thresholds: ${(m.thresholds ?? []).map((t) => `${t.state} < ${mb(t.mb)}`).join(', ')}.`,
    severity: m.state === 'hard' || m.state === 'low' ? 'error' : m.state === 'soft' ? 'warning' : 'info',
    evidence: [...ev, ...sources],
  };
}

function vmFact(v: VmMemory): Fact {
  return {
    text: `${v.name} ${v.swapping ? 'swaps' : 'balloons'}: balloon ${mb(v.latest.balloon ?? 0)}, swapped ${mb(v.latest.swapped ?? 0)} (configured memory ${mb(v.memoryMB)})`,
    severity: v.swapping ? 'error' : 'warning',
    evidence: [perf(v, 'VirtualMachine', 'mem.vmmemctl.average', v.latest.balloon), perf(v, 'VirtualMachine', 'mem.swapped.average', v.latest.swapped)],
  };
}

function ladderFact(m: HostMemory, sources: Evidence[]): Fact | undefined {
  const steps = m.ladder ?? [];
  if (!steps.length) return undefined;
  const group = (f: (s: LadderStep) => boolean): string => steps.filter(f).map((s) => s.title).join(', ') || 'none';
  const seen = steps.filter((s) => s.seenOnly).map((s) => `${s.title} on ${s.seenOnVms ?? 0} VM(s)`);
  return {
    text: `Reclamation ladder in state ${m.state}: active now: ${group((s) => s.active)}; next if free memory keeps falling: ${group((s) => s.next)}${seen.length ? `; seen although the state does not trigger it (a memory limit, or pages left from earlier contention): ${seen.join(', ')}` : ''}; not active: ${group((s) => !s.active && !s.next && !s.seenOnly)}.`,
    evidence: sources.slice(0, 1),
  };
}

export async function hostMemory(i: HostMemoryInput, ctx: ToolContext): Promise<ToolResult> {
  const conn = await ctx.connection(i.connection);
  const inv: Inventory = await getInventory(conn.client, { signal: ctx.signal, extraPaths: { HostSystem: [HOST_PRODUCT_PATH] } });
  if (!i.host && !i.vm && inv.hosts.length !== 1) {
    throw new Error(`Name a host (or a VM on it): ${inv.hosts.slice(0, 10).map((h) => `"${h.name}"`).join(', ')}.`);
  }
  const host = i.host ? findHost(inv, i.host)
    : i.vm ? inv.hosts.find((h) => h.ref.value === findVm(inv, i.vm!).host?.value) : inv.hosts[0];
  if (!host) throw new Error(`The VM "${i.vm}" has no host now (powered off or orphaned).`);
  const { view } = await loadLive({ client: conn.client, entity: host.ref, hosts: inv.hosts, vms: inv.vms, range: 'realtime', signal: ctx.signal });
  const m = view.host;
  if (!m) throw new Error(`No memory figures for ${host.name}.`);
  const sources: Evidence[] = view.stateTable.sources.map((s) => ({ kind: 'source', title: s.title, url: s.url }));
  const facts: Fact[] = [stateFact(host, m, sources), ...m.reclaiming.map(vmFact)];
  if (!m.reclaiming.length) facts.push({ text: 'No VM balloons or swaps now', evidence: [perf({ id: host.ref.value, name: host.name }, 'HostSystem', 'mem.vmmemctl.average', m.latest.balloon), perf({ id: host.ref.value, name: host.name }, 'HostSystem', 'mem.swapped.average', m.latest.swapped)] });
  const ladder = ladderFact(m, sources);
  if (ladder) facts.push(ladder);
  if (m.likelyNext.length) {
    facts.push({ text: `Likely reclaimed next (most idle memory, a heuristic): ${m.likelyNext.map((v) => `${v.name} (${mb(v.idleMB)} idle)`).join(', ')}`, evidence: m.likelyNext.slice(0, 3).map((v) => perf(v, 'VirtualMachine', 'mem.granted.average − mem.active.average', v.idleMB)) });
  }
  facts.push({ text: `Page sharing: ${m.pageSharing.scope === 'inter-vm' ? 'across VMs' : m.pageSharing.scope === 'within-vm' ? 'within each VM only (salting)' : 'depends on the update level'} (${m.pageSharing.from === 'option' ? `Mem.ShareForceSalting = ${m.pageSharing.shareForceSalting}` : 'the generation\'s default'})`,
    evidence: [m.pageSharing.from === 'option' ? api(host.ref, host.name, 'OptionManager Mem.ShareForceSalting', m.pageSharing.shareForceSalting) : { kind: 'source', title: 'VMware KB 2097593 (page sharing salting)', url: 'https://kb.vmware.com/s/article/2097593' }] });
  const swapping = m.reclaiming.filter((v) => v.swapping).map((v) => v.name);
  const ballooning = m.reclaiming.filter((v) => v.ballooning && !v.swapping).map((v) => v.name);
  return {
    summary: `${host.name}: memory state ${m.state ?? 'unknown'}, free ${mb(m.freeMB)} of ${mb(m.totalMB)}; ${swapping.length ? `swapping: ${swapping.join(', ')}` : 'no VM swaps'}; ${ballooning.length ? `ballooning: ${ballooning.join(', ')}` : 'no other VM balloons'}.`,
    facts,
    details: { host: host.name, state: m.state, stateSource: m.stateSource, freeMB: m.freeMB, totalMB: m.totalMB, minFreeMB: m.minFreeMB, thresholds: m.thresholds, generation: m.generation, ladder: m.ladder, vms: m.vms.map((v) => ({ name: v.name, latest: v.latest, ballooning: v.ballooning, swapping: v.swapping })), notes: view.notes },
  };
}
