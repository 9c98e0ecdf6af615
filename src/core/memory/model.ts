/**
 * The memory picture of a host and its VMs, from normalised series (vSphere perf or esxtop):
 * latest and peak figures, reclamation in progress, page-sharing savings, the host state and the
 * documented overhead next to the measured one.
 */
import type { EntitySeries, MetricKey } from './counters';
import { estimateAll } from './overhead';
import type { Generation } from '../vsphere/generation';
import { counterIsDocumented, ladder, pageSharingScope, stateForFree, stateFromCounter, stateModel, thresholdsMB, minFreeMB, type MemoryState, type StateModel } from './state';

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

/** What the host's generation adds to its memory picture. */
export interface HostContext {
  generation?: Generation;
  /** The host's Mem.ShareForceSalting advanced option, when it could be read. */
  shareForceSalting?: number;
}

function hostState(model: StateModel, latest: Figures, totalMB: number | undefined, freeMB: number | undefined): { state?: MemoryState; stateSource?: HostMemory['stateSource'] } {
  const fromCounter = latest.state !== undefined ? stateFromCounter(model, latest.state) : undefined;
  const fromFree = freeMB !== undefined && totalMB ? stateForFree(model, totalMB, freeMB) : undefined;
  if (fromCounter && (counterIsDocumented(model) || !fromFree)) return { state: fromCounter.state, stateSource: 'counter' };
  if (fromFree) return { state: fromFree.state, stateSource: 'free' };
  return {};
}

export function hostMemory(id: string, name: string, s: EntitySeries | undefined, vms: VmMemory[], totalMB?: number, basis: Basis = 'latest', ctx: HostContext = {}): HostMemory {
  const latest = figures(s, basis);
  const freeMB = latest.free ?? (totalMB !== undefined && latest.consumed !== undefined ? Math.max(0, totalMB - latest.consumed) : undefined);
  const freePct = freeMB !== undefined && totalMB ? (freeMB / totalMB) * 100 : undefined;
  const model = stateModel(ctx.generation);
  const { state, stateSource } = hostState(model, latest, totalMB, freeMB);
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
    generation: ctx.generation?.toJSON(), stateModel: model.model,
    minFreeMB: totalMB ? minFreeMB(model, totalMB) : undefined, thresholds: totalMB ? thresholdsMB(model, totalMB) : undefined,
    sharingSavedMB: latest.shared !== undefined && latest.sharedCommon !== undefined ? Math.max(0, latest.shared - latest.sharedCommon) : undefined,
    pageSharing: pageSharingScope(ctx.generation, ctx.shareForceSalting),
    ladder: state ? ladder(model, state, observed, ctx.generation) : undefined,
    vms, reclaiming, likelyNext,
  };
}
