/**
 * Min/max decimation for charts: a long series is cut into as many buckets as the plot has pixels;
 * each bucket keeps its first and last time and, for every series, its minimum and maximum in the
 * order they occurred. Spikes (a swap burst of one sample) survive; lines look the same at that
 * width. Pure and DOM-free: used by the webview and the benchmark.
 */

export type NumArray = ArrayLike<number | null>;

export interface Decimated {
  x: number[];
  ys: Array<Array<number | null>>;
}

/**
 * @param x ascending times
 * @param ys series aligned with x (null or NaN = no sample)
 * @param buckets target number of buckets (about the plot width in pixels)
 */
export function decimateMinMax(x: ArrayLike<number>, ys: readonly NumArray[], buckets: number): Decimated {
  const n = x.length;
  if (n <= buckets * 2 || buckets < 1) {
    return { x: Array.from(x), ys: ys.map((y) => Array.from(y, (v) => (v === null || Number.isNaN(v) ? null : v))) };
  }
  const outX: number[] = [];
  const outY: Array<Array<number | null>> = ys.map(() => []);
  const x0 = x[0];
  const span = x[n - 1] - x0 || 1;
  let i = 0;
  for (let b = 0; b < buckets && i < n; b++) {
    const end = b === buckets - 1 ? x[n - 1] : x0 + (span * (b + 1)) / buckets;
    const start = i;
    while (i < n && (x[i] < end || b === buckets - 1)) i++;
    if (i === start) continue; // empty bucket (a gap in time)
    const last = i - 1;
    outX.push(x[start]);
    if (last > start) outX.push(x[last]);
    for (let s = 0; s < ys.length; s++) {
      const y = ys[s];
      let min = Infinity;
      let max = -Infinity;
      let iMin = -1;
      let iMax = -1;
      for (let k = start; k <= last; k++) {
        const v = y[k];
        if (v === null || v === undefined || Number.isNaN(v)) continue;
        if (v < min) { min = v; iMin = k; }
        if (v > max) { max = v; iMax = k; }
      }
      const out = outY[s];
      if (iMin < 0) {
        out.push(null);
        if (last > start) out.push(null);
      } else if (last === start) {
        out.push(min);
      } else if (iMin <= iMax) {
        out.push(min, max);
      } else {
        out.push(max, min);
      }
    }
  }
  return { x: outX, ys: outY };
}

/** CSV text of aligned series: `time,<name>…` with ISO times (for the panel's export). */
export function seriesToCsv(x: ArrayLike<number>, names: readonly string[], ys: readonly NumArray[]): string {
  const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = [['time', ...names].map(q).join(',')];
  for (let i = 0; i < x.length; i++) {
    const row = [new Date(x[i]).toISOString()];
    for (const y of ys) {
      const v = y[i];
      row.push(v === null || v === undefined || Number.isNaN(v) ? '' : String(Math.round(v * 1000) / 1000));
    }
    lines.push(row.join(','));
  }
  return lines.join('\n') + '\n';
}
