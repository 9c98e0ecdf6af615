import * as vscode from 'vscode';
import { CancelledError, isCancellation } from '../../core/errors';

/** An AbortSignal that follows tokens and signals; dispose it to drop the listeners. */
export interface TokenSignal extends vscode.Disposable {
  readonly signal: AbortSignal;
}

/**
 * The one bridge from VS Code's CancellationToken to an AbortSignal (what the core takes). Any of
 * `sources` (tokens, or outer signals) cancelling aborts the signal; `undefined` is skipped.
 * Dispose when the work ends.
 */
export function tokenSignal(...sources: (vscode.CancellationToken | AbortSignal | undefined)[]): TokenSignal {
  const ac = new AbortController();
  const subs: (() => void)[] = [];
  const abort = () => ac.abort();
  for (const source of sources) {
    if (!source) continue;
    if (source instanceof AbortSignal) {
      if (source.aborted) abort();
      source.addEventListener('abort', abort, { once: true });
      subs.push(() => source.removeEventListener('abort', abort));
    } else {
      if (source.isCancellationRequested) abort();
      const sub = source.onCancellationRequested(abort);
      subs.push(() => sub.dispose());
    }
  }
  return { signal: ac.signal, dispose: () => { for (const off of subs.splice(0)) off(); } };
}

export type ProgressReporter = vscode.Progress<{ message?: string; increment?: number }>;

export interface CancellableProgressOptions {
  /** Where the progress shows: a notification (default), the status bar, or a view (`{ viewId }`). */
  readonly location?: vscode.ProgressOptions['location'];
  /** What runs ("Connecting to esx01…"); also names the work in the CancelledError. */
  readonly title: string;
  /** Shows a Cancel button (default true). Without one, the signal still follows `signal` below. */
  readonly cancellable?: boolean;
  /** An outer signal (a webview request's, a parent operation's) that also cancels the work. */
  readonly signal?: AbortSignal;
}

/**
 * Runs `work` under `withProgress`, handing it an AbortSignal that Cancel (or `options.signal`)
 * aborts. Once cancelled, whatever the work throws becomes one CancelledError (with the original
 * as its `cause`), which the command kit does not show: a failure caused by the cancel is no
 * failure. The listeners are disposed when the work ends.
 */
export function withCancellableProgress<T>(
  options: CancellableProgressOptions,
  work: (signal: AbortSignal, progress: ProgressReporter) => Promise<T>,
): Promise<T> {
  const { title, location = vscode.ProgressLocation.Notification, cancellable = true } = options;
  return Promise.resolve(vscode.window.withProgress({ location, title, cancellable }, async (progress, token) => {
    const bridge = tokenSignal(token, options.signal);
    try {
      return await work(bridge.signal, progress);
    } catch (e) {
      if (bridge.signal.aborted && !isCancellation(e)) throw new CancelledError(title, { cause: e });
      throw e;
    } finally {
      bridge.dispose();
    }
  }));
}
