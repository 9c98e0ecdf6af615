/**
 * ESX(i) 4.x host free-memory states and the reclamation ladder.
 *
 * Thresholds (percent of host memory that is free): high 6, soft 4, hard 2, low 1 — ESX 4.1
 * "Understanding Memory Resource Management" white paper, as summarised by shanseworld.blogspot.com
 * (2010-09); DOMAIN.md §3. Reading used here: a state holds while free memory is at or above its
 * threshold and below the one above it; under the hard threshold the host is in the low state
 * (the 1% mark is where it blocks VMs over their target, so both bands are "low").
 * The ladder: transparent page sharing always runs; the balloon driver (vmmemctl) reclaims under
 * contention; VMkernel swap is the last resort (when the balloon is missing, disabled, too slow or
 * at sched.mem.maxmemctl).
 * The host's own `mem.state.latest` counter (0 high, 1 soft, 2 hard, 3 low) wins when present.
 */

export type MemoryState = 'high' | 'soft' | 'hard' | 'low';

export interface StateInfo {
  state: MemoryState;
  /** Free memory (% of host memory) at which the state begins. */
  thresholdPct: number;
  /** What the VMkernel does in this state. */
  triggers: string;
  /** Reclamation mechanisms active in this state, in ladder order. */
  active: Array<'tps' | 'balloon' | 'swap' | 'block'>;
}

export const STATES: readonly StateInfo[] = [
  { state: 'high', thresholdPct: 6, triggers: 'No reclamation beyond transparent page sharing.', active: ['tps'] },
  { state: 'soft', thresholdPct: 4, triggers: 'Ballooning: the balloon driver asks guests to give memory back.', active: ['tps', 'balloon'] },
  { state: 'hard', thresholdPct: 2, triggers: 'Swapping and ballooning: the VMkernel swaps VM memory to disk.', active: ['tps', 'balloon', 'swap'] },
  { state: 'low', thresholdPct: 1, triggers: 'Swapping, and VMs using more than their target memory are blocked.', active: ['tps', 'balloon', 'swap', 'block'] },
];

export const STATE_BY_NAME = new Map<MemoryState, StateInfo>(STATES.map((s) => [s.state, s]));

/** The state for a free-memory percentage (see the module comment for the reading of the bands). */
export function stateFromFreePct(freePct: number): StateInfo {
  if (!Number.isFinite(freePct)) throw new RangeError(`free memory percentage must be a number, got ${freePct}`);
  if (freePct >= 6) return STATE_BY_NAME.get('high')!;
  if (freePct >= 4) return STATE_BY_NAME.get('soft')!;
  if (freePct >= 2) return STATE_BY_NAME.get('hard')!;
  return STATE_BY_NAME.get('low')!;
}

/** `mem.state.latest` → state (undefined for values outside 0..3). */
export function stateFromCounter(v: number): StateInfo | undefined {
  return STATES[v] && Number.isInteger(v) ? STATES[v] : undefined;
}

export interface LadderStep {
  step: 'tps' | 'balloon' | 'swap';
  title: string;
  detail: string;
  /** Triggered by the host's memory state now (page sharing: always). */
  active: boolean;
  /**
   * Seen on some VMs (balloon or swapped memory) although the host's state does not trigger this step
   * now: a VM memory limit (the VMkernel reclaims down to the limit whatever the host's free memory)
   * or memory left over from earlier contention (swapped pages stay in the .vswp until touched).
   */
  seenOnly: boolean;
  /** VMs on which this mechanism is seen (balloon or swapped > 0); undefined for page sharing. */
  seenOnVms?: number;
  /** The next step the host would take if free memory keeps falling. */
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

/**
 * The reclamation ladder for a host: page sharing always, balloon, then swap. A step is `active`
 * only when the host's state triggers it; balloon or swap seen on VMs in a state that does not
 * trigger it is `seenOnly` (its cause is a VM limit or earlier contention, not the host now).
 * `next` marks the first step the state does not trigger.
 */
export function ladder(state: MemoryState, observed: LadderObserved = {}): LadderStep[] {
  const info = STATE_BY_NAME.get(state)!;
  const step = (key: 'balloon' | 'swap', title: string, detail: string): LadderStep => {
    const vms = key === 'balloon' ? observed.balloonVms ?? 0 : observed.swapVms ?? 0;
    const host = key === 'balloon' ? !!observed.hostBalloon : !!observed.hostSwap;
    const active = info.active.includes(key);
    return { step: key, title, detail, active, seenOnly: !active && (vms > 0 || host), seenOnVms: vms, next: false };
  };
  const steps: LadderStep[] = [
    { step: 'tps', title: 'Transparent page sharing', detail: 'Always on: identical pages are stored once.', active: true, seenOnly: false, next: false },
    step('balloon', 'Ballooning', 'Under contention the balloon driver (vmmemctl, in VMware Tools) inflates in the guest so the guest pages out what it can spare.'),
    step('swap', 'VMkernel swap', 'Last resort, slowest: when the balloon is missing, disabled, too slow or at its cap (sched.mem.maxmemctl), the VMkernel swaps VM memory to the .vswp file.'),
  ];
  const firstOff = steps.find((s) => !s.active);
  if (firstOff) firstOff.next = true;
  return steps;
}
