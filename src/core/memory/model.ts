/**
 * The memory picture of a host and its VMs, from normalised series (vSphere perf or esxtop):
 * latest and peak figures, reclamation in progress, page-sharing savings, the host state and the
 * documented overhead next to the measured one.
 */
import type { EntitySeries, MetricKey } from './counters';
import { estimateAll } from './overhead';
import { ladder, stateFromCounter, stateFromFreePct, type MemoryState } from './state';

export type { Basis, Figures, HostMemory, VmMemory } from './types';
import type { Basis, Figures, HostMemory, VmMemory } from './types';

/** Latest non-null value of each metric. */
export function latestFigures(s: EntitySeries | undefined): Figures {
  const out: Figures = {};
  if (!s) return out;
  for (const [k, arr] of Object.entries(s.values) as Array<[MetricKey, Array<number | null>]>) {
    for (let i = arr.length - 1; i >= 0; i--) {
      if (arr[i] !== null) {
        out[k] = arr[i]!;
        break;
      }
    }
  }
  return out;
}

export function maxFigures(s: EntitySeries | undefined, lowIsWorse: readonly MetricKey[] = []): Figures {
  const out: Figures = {};
  if (!s) return out;
  for (const [k, arr] of Object.entries(s.values) as Array<[MetricKey, Array<number | null>]>) {
    const low = lowIsWorse.includes(k);
    let m: number | undefined;
    for (const v of arr) if (v !== null && (m === undefined || (low ? v < m : v > m))) m = v;
    if (m !== undefined) out[k] = m;
  }
  return out;
}

function figures(s: EntitySeries | undefined, basis: Basis): Figures {
  return basis === 'worst' ? maxFigures(s, ['free']) : latestFigures(s);
}

/** Below this (MB) a balloon or swap figure is noise, not reclamation. */
const EPSILON_MB = 0.5;

export function vmMemory(id: string, name: string, s: EntitySeries | undefined, config: { memoryMB?: number; numCpu?: number } = {}, basis: Basis = 'latest'): VmMemory {
  const latest = figures(s, basis);
  const max = maxFigures(s);
  const idle = latest.granted !== undefined && latest.active !== undefined ? Math.max(0, latest.granted - latest.active) : undefined;
  return {
    id, name, memoryMB: config.memoryMB, numCpu: config.numCpu, latest, max,
    ballooning: (latest.balloon ?? 0) > EPSILON_MB,
    swapping: (latest.swapped ?? 0) > EPSILON_MB || (latest.swapOutRate ?? 0) > 0,
    idleMB: idle,
    overhead: {
      measuredMB: latest.overhead,
      estimates: config.memoryMB && config.numCpu ? estimateAll(config.memoryMB, config.numCpu) : [],
    },
  };
}

export function hostMemory(id: string, name: string, s: EntitySeries | undefined, vms: VmMemory[], totalMB?: number, basis: Basis = 'latest'): HostMemory {
  const latest = figures(s, basis);
  const freeMB = latest.free ?? (totalMB !== undefined && latest.consumed !== undefined ? Math.max(0, totalMB - latest.consumed) : undefined);
  const freePct = freeMB !== undefined && totalMB ? (freeMB / totalMB) * 100 : undefined;
  let state: MemoryState | undefined;
  let stateSource: HostMemory['stateSource'];
  const fromCounter = latest.state !== undefined ? stateFromCounter(latest.state) : undefined;
  if (fromCounter) {
    state = fromCounter.state;
    stateSource = 'counter';
  } else if (freePct !== undefined) {
    state = stateFromFreePct(freePct).state;
    stateSource = 'free';
  }
  const reclaiming = vms.filter((v) => v.ballooning || v.swapping)
    .sort((a, b) => (b.latest.swapped ?? 0) - (a.latest.swapped ?? 0) || (b.latest.balloon ?? 0) - (a.latest.balloon ?? 0));
  const likelyNext = vms.filter((v) => !v.ballooning && !v.swapping && (v.idleMB ?? 0) > 0)
    .sort((a, b) => (b.idleMB ?? 0) - (a.idleMB ?? 0)).slice(0, 5);
  const observed = {
    balloonVms: vms.filter((v) => v.ballooning).length,
    swapVms: vms.filter((v) => v.swapping).length,
    hostBalloon: (latest.balloon ?? 0) > EPSILON_MB,
    hostSwap: (latest.swapped ?? 0) > EPSILON_MB,
  };
  return {
    id, name, totalMB, latest, freeMB, freePct, state, stateSource,
    sharingSavedMB: latest.shared !== undefined && latest.sharedCommon !== undefined ? Math.max(0, latest.shared - latest.sharedCommon) : undefined,
    ladder: state ? ladder(state, observed) : undefined,
    vms, reclaiming, likelyNext,
  };
}
