/**
 * Documented per-VM memory overhead (MB) by configured memory and vCPUs, and estimates from it.
 *
 * Sources:
 * - '4.0': vSphere 4.0 Resource Management Guide, Table 3-2 "Overhead Memory on Virtual Machines"
 *   (1/2/4/8 vCPU columns as quoted in DOMAIN.md §3; the 3/5/6/7 vCPU columns from the same table
 *   as reproduced at manualsdir.com, "VMware vSphere vCenter Server 4.0 … User Manual" page 30).
 *   The 1-vCPU column runs to 262144 MB; other columns stop where no source was found (null).
 *   8192 MB × 4 vCPU = 413.91 is the vSphere 4.1 figure quoted by frankdenneman.nl (2010-12-16).
 * - '6.5': vSphere 6.5/6.7 Resource Management, "Sample Overhead Memory on Virtual Machines"
 *   (docs.vmware.com), measured with VMX swap and hardware MMU enabled.
 * Estimates interpolate linearly only between two known rows of the same vCPU column and say so;
 * anything else (a vCPU count the table lacks, a size outside its rows, an unknown neighbour) has
 * no estimate.
 */

export type OverheadTableId = '4.0' | '6.5';

export interface OverheadTable {
  id: OverheadTableId;
  title: string;
  source: string;
  vcpus: number[];
  /** rows[i] = [memoryMB, value per vcpus[j] or null when unknown]. */
  rows: Array<[number, Array<number | null>]>;
}

const _ = null;

export const OVERHEAD_TABLES: Record<OverheadTableId, OverheadTable> = {
  '4.0': {
    id: '4.0',
    title: 'vSphere 4.0 Resource Management Guide, Table 3-2',
    source: 'VMware vSphere 4.0 Resource Management Guide, Table 3-2 (8 GB × 4 vCPU from frankdenneman.nl, vSphere 4.1)',
    vcpus: [1, 2, 3, 4, 5, 6, 7, 8],
    rows: [
      [256, [113.17, 159.43, 200.53, 241.62, 293.15, 334.27, 375.38, 416.50]],
      [512, [116.68, 164.96, 206.07, 247.17, 302.75, 343.88, 385.02, 426.15]],
      [1024, [123.73, 176.05, 217.18, 258.30, 322.00, 363.17, 404.34, 445.52]],
      [2048, [137.81, 198.20, 239.37, 280.53, 360.46, 401.70, 442.94, 484.18]],
      [4096, [165.98, 242.51, 283.75, 324.99, _, _, _, _]],
      [8192, [222.30, _, _, 413.91, _, _, _, _]],
      [16384, [334.96, _, _, _, _, _, _, _]],
      [32768, [560.27, _, _, _, _, _, _, _]],
      [65536, [1011.21, _, _, _, _, _, _, _]],
      [131072, [1912.48, _, _, _, _, _, _, _]],
      [262144, [3714.99, _, _, _, _, _, _, _]],
    ],
  },
  '6.5': {
    id: '6.5',
    title: 'vSphere 6.5/6.7 Resource Management, sample overhead table',
    source: 'VMware vSphere 6.5 Resource Management, "Sample Overhead Memory on Virtual Machines" (docs.vmware.com)',
    vcpus: [1, 2, 4, 8],
    rows: [
      [256, [20.29, 24.28, 32.23, 48.16]],
      [1024, [25.90, 29.91, 37.86, 53.82]],
      [4096, [48.64, 52.72, 60.67, 76.78]],
      [16384, [139.62, 143.98, 151.93, 168.60]],
    ],
  },
};

export interface OverheadEstimate {
  table: OverheadTableId;
  tableTitle: string;
  memoryMB: number;
  vcpus: number;
  /** undefined when the table cannot say. */
  overheadMB?: number;
  method: 'exact' | 'interpolated' | 'unknown';
  /** For interpolation: the rows used. */
  between?: [number, number];
  /** One sentence a user can read. */
  note: string;
}

/** Looks up (or interpolates between two known rows of) the documented overhead. */
export function estimateOverhead(memoryMB: number, vcpus: number, table: OverheadTableId = '4.0'): OverheadEstimate {
  const t = OVERHEAD_TABLES[table];
  const base = { table, tableTitle: t.title, memoryMB, vcpus };
  const col = t.vcpus.indexOf(vcpus);
  if (!Number.isFinite(memoryMB) || memoryMB <= 0 || !Number.isInteger(vcpus) || vcpus < 1) {
    return { ...base, method: 'unknown', note: 'Memory and vCPUs must be positive numbers.' };
  }
  if (col < 0) {
    return { ...base, method: 'unknown', note: `The ${table} table has no column for ${vcpus} vCPUs (it lists ${t.vcpus.join(', ')}).` };
  }
  const exact = t.rows.find(([m]) => m === memoryMB);
  if (exact) {
    const v = exact[1][col];
    if (v === null) return { ...base, method: 'unknown', note: `No documented value for ${memoryMB} MB × ${vcpus} vCPU in the ${table} table.` };
    return { ...base, overheadMB: v, method: 'exact', note: `${v.toFixed(2)} MB from the ${table} table (${t.title}).` };
  }
  let lo: [number, number | null] | undefined;
  let hi: [number, number | null] | undefined;
  for (const [m, vals] of t.rows) {
    if (m < memoryMB) lo = [m, vals[col]];
    else if (m > memoryMB && !hi) hi = [m, vals[col]];
  }
  if (!lo || !hi) {
    const first = t.rows[0][0];
    const last = t.rows[t.rows.length - 1][0];
    return { ...base, method: 'unknown', note: `${memoryMB} MB is outside the ${table} table's rows (${first}–${last} MB); no estimate.` };
  }
  if (lo[1] === null || hi[1] === null) {
    return { ...base, method: 'unknown', note: `The ${table} table lacks ${lo[1] === null ? lo[0] : hi[0]} MB × ${vcpus} vCPU, so ${memoryMB} MB cannot be interpolated.` };
  }
  const f = (memoryMB - lo[0]) / (hi[0] - lo[0]);
  const v = Math.round((lo[1] + f * (hi[1] - lo[1])) * 100) / 100;
  return {
    ...base, overheadMB: v, method: 'interpolated', between: [lo[0], hi[0]],
    note: `${v.toFixed(2)} MB interpolated linearly between the ${lo[0]} MB and ${hi[0]} MB rows of the ${table} table (not a documented value).`,
  };
}

/** Both tables' estimates for one VM. */
export function estimateAll(memoryMB: number, vcpus: number): OverheadEstimate[] {
  return (Object.keys(OVERHEAD_TABLES) as OverheadTableId[]).map((t) => estimateOverhead(memoryMB, vcpus, t));
}
