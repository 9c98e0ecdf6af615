/**
 * The memory feature's data shapes that cross into the webview (src/webview/memory): pure types
 * with no runtime and no Node or VS Code dependency, so the browser-side type check (DOM, no Node
 * types) can load them. counters.ts, model.ts and view.ts re-export them.
 */
import type { GenerationInfo } from '../vsphere/generation';
import type { OverheadEstimate } from './overhead';
import type { LadderStep, MemoryState, PageSharingScope, Source, StateInfo, StateModel, Threshold } from './state';

/** Short keys for the memory metrics this feature charts. */
export type MetricKey =
  | 'consumed' | 'granted' | 'active' | 'shared' | 'sharedCommon' | 'zero'
  | 'balloon' | 'balloonTarget' | 'swapped' | 'swapTarget' | 'swapInRate' | 'swapOutRate'
  | 'compressed' | 'overhead' | 'llSwapUsed' | 'state' | 'free'
  /** esxtop only: configured size, what page sharing saves, the balloon's cap, the raw kernel state. */
  | 'size' | 'sharedSaved' | 'balloonMax' | 'kernelState';

export type RangeName = 'realtime' | 'day' | 'week';

export type Figures = Partial<Record<MetricKey, number>>;

/**
 * Which sample the summary uses: the latest (live charts) or the worst of the series (a capture
 * read afterwards: peak balloon and swap, least free memory).
 */
export type Basis = 'latest' | 'worst';

export interface VmMemory {
  id: string;
  name: string;
  memoryMB?: number;
  numCpu?: number;
  latest: Figures;
  max: Figures;
  ballooning: boolean;
  swapping: boolean;
  /** granted − active (MB): memory the VM holds but does not touch. */
  idleMB?: number;
  overhead: { measuredMB?: number; estimates: OverheadEstimate[] };
}

export interface HostMemory {
  id: string;
  name: string;
  totalMB?: number;
  latest: Figures;
  freeMB?: number;
  freePct?: number;
  state?: MemoryState;
  stateSource?: 'counter' | 'free';
  /** The generation the state table follows (undefined: none known, the 4.x table is used). */
  generation?: GenerationInfo;
  /** The state table: "4.x", "5.x" or "6.0+". */
  stateModel: StateModel['model'];
  /** minFree and every state's threshold for this host (MB), when its memory size is known. */
  minFreeMB?: number;
  thresholds?: Threshold[];
  /** Memory page sharing saves: shared − shared common (MB), when both are known. */
  sharingSavedMB?: number;
  /** Whether those savings are across VMs or within VMs only (salting). */
  pageSharing: PageSharingScope;
  ladder?: LadderStep[];
  vms: VmMemory[];
  /** VMs ballooning or swapping now, worst first. */
  reclaiming: VmMemory[];
  /**
   * VMs likely to be reclaimed next (none reclaiming yet): the most idle memory first
   * (a heuristic: ESX taxes idle memory when it picks whom to reclaim from).
   */
  likelyNext: VmMemory[];
}

/** Colour tokens: the webview reads `--vscode-<token>` from the theme. */
export type ColorToken = 'charts-blue' | 'charts-red' | 'charts-yellow' | 'charts-orange' | 'charts-green' | 'charts-purple' | 'charts-foreground' | 'charts-lines';

export interface ChartSeries {
  label: string;
  values: Array<number | null>;
  color: ColorToken;
  /** Part of the chart's stack (else drawn as a line over it). */
  stack?: boolean;
  dash?: boolean;
}

export interface ChartSpec {
  id: string;
  title: string;
  unit: 'MB' | 'MB/s';
  /** Ascending, ms since epoch. */
  t: number[];
  series: ChartSeries[];
  /** The data was decimated (min/max per bucket) before it was sent. */
  decimated?: boolean;
}

export interface MemoryView {
  kind: 'vm' | 'host' | 'esxtop';
  title: string;
  subtitle: string;
  range?: RangeName;
  charts: ChartSpec[];
  host?: HostMemory;
  vm?: VmMemory;
  /** The state table of the host's generation, with this host's thresholds when its size is known. */
  states: StateRow[];
  /** Which table ("4.x", "5.x", "6.0+"), how its minFree is computed, its sources and notes. */
  stateTable: { label: string; minFreeRule: string; sources: Source[]; notes: string[] };
  /**
   * esxtop only: the generation the states follow — picked by the user for this file, or none yet
   * (the 4.x table then) — and the generations to pick from.
   */
  generationPick?: { picked?: string; known: readonly string[] };
  notes: string[];
  /** Time span of the whole data set (ms), for zoom and windowed reloads. */
  span?: [number, number];
  updatedAt: number;
}

/** A state of the table with this host's threshold: MB and percent of host memory. */
export interface StateRow extends StateInfo {
  thresholdMB?: number;
  thresholdPct?: number;
}
