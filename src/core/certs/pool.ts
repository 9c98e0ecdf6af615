/**
 * Runs async work over a list with at most `limit` items in flight, keeping the results in input
 * order. A rejected item does not stop the others: callers that want "one failure is one row, not a
 * failed run" catch inside `fn`. Aborting the signal stops starting new items (the running ones see
 * the same signal through `fn`).
 */
import { CancelledError } from '../errors';

export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
  signal?: AbortSignal,
): Promise<R[]> {
  const width = Math.max(1, Math.min(Math.floor(limit) || 1, items.length || 1));
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      if (signal?.aborted) throw new CancelledError('The run');
      const i = next++;
      if (i >= items.length) return;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: width }, () => worker()));
  return out;
}

/** `promise`, or a rejection with `onTimeout()` after `ms` (the work itself is stopped through its signal). */
export function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(onTimeout()), ms);
    promise.then((v) => { clearTimeout(t); resolve(v); }, (e: unknown) => { clearTimeout(t); reject(e); });
  });
}
