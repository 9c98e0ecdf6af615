/**
 * What the command kit does with an error (pure: unit-tested). The message itself says what failed
 * and what to do (every `LabError` is written so); the code picks the buttons offered with it.
 */
import { errorCode, errorMessage, isCancellation, LabError } from '../../core/errors';

/** Buttons the kit can put on an error message. */
export type ErrorAction = 'showLog' | 'retry';

export interface ErrorAdvice {
  /** Cancelled on purpose: log at debug level, show nothing. */
  readonly silent: boolean;
  /** The error's code, if it carries one. */
  readonly code: string | undefined;
  /** Not a `LabError`: nobody foresaw it (a bug, a library's error): the log gets its stack. */
  readonly unexpected: boolean;
  readonly message: string;
  readonly actions: readonly ErrorAction[];
}

/**
 * Codes of failures that may pass if tried again (the network, a busy server). Both the core's
 * union (`network`, `timeout`, `refused`) and the SSH transport's finer codes are listed.
 */
const RETRYABLE: ReadonlySet<string> = new Set(['network', 'timeout', 'refused', 'reset', 'unreachable', 'connect', 'taskFailed']);

/** Decides how to present `e`. `isCancelled` adds host-specific cancellations (vscode.CancellationError). */
export function adviseOn(e: unknown, isCancelled: (e: unknown) => boolean = () => false): ErrorAdvice {
  const code = errorCode(e);
  if (isCancellation(e) || isCancelled(e)) return { silent: true, code: 'cancelled', unexpected: false, message: errorMessage(e), actions: [] };
  const actions: ErrorAction[] = [];
  if (code && RETRYABLE.has(code)) actions.push('retry');
  actions.push('showLog');
  return { silent: false, code, unexpected: !(e instanceof LabError), message: errorMessage(e), actions };
}
