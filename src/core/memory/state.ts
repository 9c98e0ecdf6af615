/**
 * Host free-memory states and the reclamation ladder, per generation (the generation model:
 * ../vsphere/generation.ts, `memoryStates`). Three models, each with its sources:
 *
 * - **4.x** ("pct-of-host"): minFree is Mem.MinFreePct = 6 % of host memory; soft, hard and low sit at
 *   64, 32 and 16 % of it (≈ 4, 2, 1 % of host memory). ESX 4.1 made soft/hard/low relative to
 *   MinFreePct (frankdenneman.nl 2011-07-26; yellow-bricks.com 2011-03-17 "minfreepct 6% or should it
 *   be less"; VMware KB 1033687). Ladder: "Understanding Memory Resource Management in VMware ESX 4.1"
 *   (white paper): ballooning as free memory nears soft, swapping added (ballooning goes on) near hard,
 *   VMs above their target blocked below low; memory compression (4.1+) before swapping.
 * - **5.x** ("minfree"): minFree on a sliding scale — 6 % of the first 4 GB, 4 % of 4–12 GB, 2 % of
 *   12–28 GB, 1 % of the rest (frankdenneman.nl 2011-07-26 "Mem.MinFreePct sliding scale function").
 *   The scale as stated gives 901.12 MB at 28 GB; the blogs round it to "899 MB" (running-system.com,
 *   blog.jgriffiths.org). We compute the scale. States high / soft / hard / low at 100 / 64 / 32 / 16 %
 *   of minFree; soft balloons, hard compresses and swaps, low also blocks (codefunda.net "vSphere 6,
 *   Clear state", blog.jgriffiths.org "Memory management in ESXi 6").
 * - **6.0 and later** ("minfree-clear"): the same minFree, five states (Duncan Epping, VMware,
 *   yellow-bricks.com "vSphere 6.0 memory states"): high 400 % (below it large pages are broken at the
 *   next TPS run), clear 100 % (large pages broken, TPS called actively), soft 64 % (TPS + balloon),
 *   hard 32 % (TPS + compression + swap; the balloon stops), low 16 % (compression + swap + allocations
 *   blocked). codefunda.net quotes 300 % for high; we take the VMware-authored 400 %.
 *
 * Reading of a threshold (all models): a state begins when free memory falls *below* its threshold
 * (running-system.com: "clear state: < 100 % of minFree"), so free memory exactly at a threshold is
 * still in the state above; at or above the top threshold the host is high.
 * The host's `mem.state.latest` counter wins when present: 0..3 = high, soft, hard, low (vSphere API
 * reference, mem.state) for 4.x/5.x; for 6.0+ the five states 0..4 in the order above (*unconfirmed*:
 * the API reference still lists four), so there free memory wins when it is known.
 */
import type { Generation, MemoryStateModel } from '../vsphere/generation';

export type MemoryState = 'high' | 'clear' | 'soft' | 'hard' | 'low';
/** What the VMkernel does, in ladder order. */
export type Mechanism = 'largePages' | 'tps' | 'balloon' | 'compress' | 'swap' | 'block';

export interface Source {
  title: string;
  url?: string;
}

export interface StateInfo {
  state: MemoryState;
  /** Threshold in percent of minFree: the state begins when free memory falls below it. */
  pctOfMinFree: number;
  /** What the VMkernel does in this state. */
  triggers: string;
  /** Mechanisms active in this state, in ladder order. */
  active: Mechanism[];
}

export interface StateModel {
  model: MemoryStateModel;
  /** "4.x", "5.x", "6.0+" */
  label: string;
  /** How minFree is computed, in words. */
  minFreeRule: string;
  /** Top state first. */
  states: StateInfo[];
  sources: Source[];
  /** Facts a reader should know about this table (a disputed figure, a reading). */
  notes: string[];
}

const SRC = {
  wp41: { title: 'Understanding Memory Resource Management in VMware ESX 4.1 (VMware white paper, 2010)' },
  yb2011: { title: 'yellow-bricks.com, "minfreepct 6% or should it be less" (2011-03-17)', url: 'https://www.yellow-bricks.com/2011/03/17/minfreepct-6-or-should-it-be-less/' },
  kb1033687: { title: 'VMware KB 1033687 (Mem.MinFreePct)' },
  denneman: { title: 'frankdenneman.nl, "Mem.MinFreePct sliding scale function" (2011-07-26)', url: 'http://frankdenneman.nl/2011/07/26/mem-minfreepct-sliding-scale-function/' },
  codefunda: { title: 'codefunda.net, "vSphere 6, Clear state"', url: 'https://www.codefunda.net/vsphere-6-clear-state/' },
  epping: { title: 'Duncan Epping (VMware), yellow-bricks.com, "vSphere 6.0 memory states"' },
  runningSystem: { title: 'running-system.com, "vSphere 6 ESXi memory states and reclamation techniques"', url: 'https://www.running-system.com/vsphere-6-esxi-memory-states-and-reclamation-techniques/' },
} satisfies Record<string, Source>;

const NO_RECLAIM = 'No reclamation beyond transparent page sharing.';

export const STATE_MODELS: Readonly<Record<MemoryStateModel, StateModel>> = {
  'pct-of-host': {
    model: 'pct-of-host', label: '4.x', minFreeRule: 'Mem.MinFreePct: 6 % of host memory',
    states: [
      { state: 'high', pctOfMinFree: 100, triggers: NO_RECLAIM, active: ['tps'] },
      { state: 'soft', pctOfMinFree: 64, triggers: 'Ballooning: the balloon driver asks guests to give memory back.', active: ['tps', 'balloon'] },
      { state: 'hard', pctOfMinFree: 32, triggers: 'Compression and swapping, ballooning goes on: the VMkernel compresses or swaps VM memory to disk.', active: ['tps', 'balloon', 'compress', 'swap'] },
      { state: 'low', pctOfMinFree: 16, triggers: 'Swapping, and VMs using more than their target memory are blocked.', active: ['tps', 'balloon', 'compress', 'swap', 'block'] },
    ],
    sources: [SRC.wp41, SRC.yb2011, SRC.kb1033687],
    notes: ['ESX 4.0 has no memory compression; it came with 4.1.'],
  },
  minfree: {
    model: 'minfree', label: '5.x', minFreeRule: '6 % of the first 4 GB, 4 % of 4–12 GB, 2 % of 12–28 GB, 1 % of the rest',
    states: [
      { state: 'high', pctOfMinFree: 100, triggers: NO_RECLAIM, active: ['tps'] },
      { state: 'soft', pctOfMinFree: 64, triggers: 'Ballooning: the balloon driver asks guests to give memory back.', active: ['tps', 'balloon'] },
      { state: 'hard', pctOfMinFree: 32, triggers: 'Compression and swapping: the VMkernel compresses or swaps VM memory to disk.', active: ['tps', 'compress', 'swap'] },
      { state: 'low', pctOfMinFree: 16, triggers: 'Compression and swapping, and VMs using more than their target memory are blocked.', active: ['tps', 'compress', 'swap', 'block'] },
    ],
    sources: [SRC.denneman, SRC.codefunda],
    notes: ['The sliding scale gives 901.12 MB at 28 GB; blogs round it to 899 MB.'],
  },
  'minfree-clear': {
    model: 'minfree-clear', label: '6.0+', minFreeRule: '6 % of the first 4 GB, 4 % of 4–12 GB, 2 % of 12–28 GB, 1 % of the rest',
    states: [
      { state: 'high', pctOfMinFree: 400, triggers: 'No reclamation; below the high threshold large pages are broken at the next page-sharing run.', active: ['tps'] },
      { state: 'clear', pctOfMinFree: 100, triggers: 'Large pages are broken and page sharing is called actively.', active: ['largePages', 'tps'] },
      { state: 'soft', pctOfMinFree: 64, triggers: 'Page sharing and ballooning.', active: ['tps', 'balloon'] },
      { state: 'hard', pctOfMinFree: 32, triggers: 'Page sharing, compression and swapping; the balloon stops.', active: ['tps', 'compress', 'swap'] },
      { state: 'low', pctOfMinFree: 16, triggers: 'Compression and swapping, and memory allocations are blocked.', active: ['compress', 'swap', 'block'] },
    ],
    sources: [SRC.epping, SRC.runningSystem, SRC.denneman],
    notes: ['High at 400 % of minFree is the VMware-authored figure (Epping); codefunda.net quotes 300 %.'],
  },
};

/** The state table of a generation (4.x when none is known: the world this product started from). */
export function stateModel(gen?: Generation | MemoryStateModel): StateModel {
  const key = gen === undefined ? 'pct-of-host' : typeof gen === 'string' ? gen : gen.memoryStates;
  return STATE_MODELS[key];
}

const MB_PER_GB = 1024;

/** minFree in MB for a host with `hostMB` of memory under a model. */
export function minFreeMB(model: StateModel, hostMB: number): number {
  if (!Number.isFinite(hostMB) || hostMB < 0) throw new RangeError(`host memory must be a non-negative number of MB, got ${hostMB}`);
  if (model.model === 'pct-of-host') return round6(hostMB * 0.06);
  const bands: Array<[number, number]> = [[4 * MB_PER_GB, 0.06], [12 * MB_PER_GB, 0.04], [28 * MB_PER_GB, 0.02], [Infinity, 0.01]];
  let out = 0;
  let from = 0;
  for (const [to, rate] of bands) {
    if (hostMB <= from) break;
    out += (Math.min(hostMB, to) - from) * rate;
    from = to;
  }
  return round6(out);
}

/** Rounded to a millionth of a MB, so 28 GB gives 901.12 and not 901.1200000000001. */
const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

export interface Threshold {
  state: MemoryState;
  mb: number;
  pctOfMinFree: number;
}

/** Every state's threshold in MB for a host (top state first). */
export function thresholdsMB(model: StateModel, hostMB: number): Threshold[] {
  const mf = minFreeMB(model, hostMB);
  return model.states.map((s) => ({ state: s.state, mb: round6((mf * s.pctOfMinFree) / 100), pctOfMinFree: s.pctOfMinFree }));
}

/** The state for `freeMB` free of `hostMB`: the lowest state whose threshold free memory is below. */
export function stateForFree(model: StateModel, hostMB: number, freeMB: number): StateInfo {
  if (!Number.isFinite(freeMB)) throw new RangeError(`free memory must be a number, got ${freeMB}`);
  const th = thresholdsMB(model, hostMB);
  let found = model.states[0];
  for (let i = 1; i < th.length; i++) if (freeMB < th[i].mb) found = model.states[i];
  return found;
}

/** `mem.state.latest` → state (undefined for values outside the model's range). */
export function stateFromCounter(model: StateModel, v: number): StateInfo | undefined {
  return Number.isInteger(v) ? model.states[v] : undefined;
}

/** True when the model's mapping of mem.state is documented (4.x, 5.x), so the counter beats free memory. */
export function counterIsDocumented(model: StateModel): boolean {
  return model.model !== 'minfree-clear';
}

export interface LadderStep {
  step: Mechanism;
  title: string;
  detail: string;
  /** Triggered by the host's memory state now. */
  active: boolean;
  /**
   * Seen on some VMs (balloon or swapped memory) although the host's state does not trigger this step
   * now: a VM memory limit (the VMkernel reclaims down to the limit whatever the host's free memory)
   * or memory left over from earlier contention (swapped pages stay in the .vswp until touched).
   */
  seenOnly: boolean;
  /** VMs on which this mechanism is seen (balloon or swapped > 0); for balloon and swap only. */
  seenOnVms?: number;
  /** Triggered by the next state down, not now: what the host does next if free memory keeps falling. */
  next: boolean;
}

export interface LadderObserved {
  /** VMs with a balloon now. */
  balloonVms?: number;
  /** VMs with swapped memory now. */
  swapVms?: number;
  /** Host-wide balloon / swap figures above zero (when per-VM figures are missing). */
  hostBalloon?: boolean;
  hostSwap?: boolean;
}

const STEP_TEXT: Record<Mechanism, [string, string]> = {
  largePages: ['Large pages broken', 'Large (2 MB) pages are broken into small pages so that page sharing can find identical ones.'],
  tps: ['Transparent page sharing', 'Identical pages are stored once.'],
  balloon: ['Ballooning', 'Under contention the balloon driver (vmmemctl, in VMware Tools) inflates in the guest so the guest pages out what it can spare.'],
  compress: ['Memory compression', 'Pages about to be swapped are compressed into a cache in memory instead, when they compress well.'],
  swap: ['VMkernel swap', 'Last resort, slowest: when the balloon is missing, disabled, too slow or at its cap (sched.mem.maxmemctl), the VMkernel swaps VM memory to the .vswp file.'],
  block: ['Allocations blocked', 'VMs using more than their target memory are blocked until memory is reclaimed.'],
};

/**
 * The reclamation ladder of a host in `state` under a model: every mechanism the model knows, in
 * order; a step is `active` when the state triggers it, `next` when only the state below does, and
 * `seenOnly` when balloon or swap is seen on VMs while the state does not trigger it.
 */
export function ladder(model: StateModel, state: MemoryState, observed: LadderObserved = {}, gen?: Generation): LadderStep[] {
  const i = model.states.findIndex((s) => s.state === state);
  if (i < 0) throw new RangeError(`state "${state}" is not one of the ${model.label} states`);
  const info = model.states[i];
  const below = model.states[i + 1];
  const order: Mechanism[] = ['largePages', 'tps', 'balloon', 'compress', 'swap', 'block'];
  const known = order.filter((m) => model.states.some((s) => s.active.includes(m)) && (m !== 'compress' || !gen || gen.hasMemoryCompression));
  return known.map((m) => {
    const active = info.active.includes(m);
    const vms = m === 'balloon' ? observed.balloonVms ?? 0 : m === 'swap' ? observed.swapVms ?? 0 : 0;
    const host = m === 'balloon' ? !!observed.hostBalloon : m === 'swap' ? !!observed.hostSwap : false;
    const seen = m === 'balloon' || m === 'swap';
    return {
      step: m, title: STEP_TEXT[m][0], detail: STEP_TEXT[m][1], active,
      seenOnly: seen && !active && (vms > 0 || host), ...(seen ? { seenOnVms: vms } : {}),
      next: !active && !!below && below.active.includes(m),
    };
  });
}

/** A host's memory state worked out for the CLI and the panel: minFree, thresholds, state, ladder. */
export interface StateReport {
  model: StateModel;
  minFreeMB: number;
  thresholds: Threshold[];
  state: StateInfo;
}

export function stateReport(model: StateModel, hostMB: number, freeMB: number): StateReport {
  return { model, minFreeMB: minFreeMB(model, hostMB), thresholds: thresholdsMB(model, hostMB), state: stateForFree(model, hostMB, freeMB) };
}

/** Whose pages transparent page sharing can share on a host. */
export interface PageSharingScope {
  /** "inter-vm": across VMs; "within-vm": within each VM (salting on); "unknown": the update level decides. */
  scope: 'inter-vm' | 'within-vm' | 'unknown';
  /** Where the answer comes from: the host's Mem.ShareForceSalting option, or the generation's default. */
  from: 'option' | 'default';
  shareForceSalting?: number;
}

/**
 * Page sharing across VMs or within VMs only: Mem.ShareForceSalting 0 shares across VMs; 1 and 2 salt
 * pages per VM (VMs share only with VMs of the same `sched.mem.pshare.salt`), 2 being the default since
 * the 2014-2015 updates of 5.x and 6.0 GA (VMware KB 2097593, KB 2080735). Without the option, the
 * generation's default (generation.ts `pageSharingSalted`).
 */
export function pageSharingScope(gen: Generation | undefined, shareForceSalting?: number): PageSharingScope {
  if (shareForceSalting !== undefined && Number.isInteger(shareForceSalting)) {
    return { scope: shareForceSalting === 0 ? 'inter-vm' : 'within-vm', from: 'option', shareForceSalting };
  }
  const d = gen?.pageSharingSalted ?? 'no';
  return { scope: d === 'yes' ? 'within-vm' : d === 'no' ? 'inter-vm' : 'unknown', from: 'default' };
}
