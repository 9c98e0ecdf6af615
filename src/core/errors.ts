/**
 * One error vocabulary for the whole product, free of dependencies (core, CLI, extension and tests
 * all import it).
 *
 * - There is exactly one `CancelledError`. Feature errors that mean "the user or a signal stopped this"
 *   extend it or are recognised by `isCancellation()`; nothing compares class names.
 * - Every error the product raises on purpose carries a stable `code` from `ErrorCode`, so callers
 *   (the command kit, the CLI's JSON, tree problem nodes) branch on data, not on message text.
 */

/** Stable identifiers of the failures users can act on. Extend the union rather than inventing strings. */
export type ErrorCode =
  | 'cancelled'
  | 'timeout'
  | 'network'
  | 'tooLarge'
  | 'protocol'
  | 'untrustedCertificate'
  | 'certificateChanged'
  | 'unknownHostKey'
  | 'hostKeyChanged'
  | 'auth'
  | 'invalidLogin'
  | 'notAuthenticated'
  | 'noPermission'
  | 'notFound'
  | 'invalidArgument'
  | 'invalidState'
  | 'invalidInput'
  | 'refused'
  | 'taskFailed'
  | 'internal';

/** Base of the product's errors: a message that says what failed and what to do, and a stable code. */
export class LabError extends Error {
  constructor(readonly code: ErrorCode | (string & {}), message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The one cancellation error. `what` names the work ("Connecting over SSH"). */
export class CancelledError extends LabError {
  constructor(what = 'The operation', options?: { cause?: unknown }) {
    super('cancelled', `${what} was cancelled.`, options);
  }
}

/**
 * True for anything that means "stopped on purpose": our CancelledError (and its subclasses), the
 * DOMException Node's AbortSignal raises (`AbortError`, `ABORT_ERR`), or an error whose `cause` is one.
 */
export function isCancellation(e: unknown): boolean {
  for (let cur: unknown = e, depth = 0; cur && typeof cur === 'object' && depth < 5; cur = (cur as { cause?: unknown }).cause, depth++) {
    if (cur instanceof CancelledError) return true;
    if ((cur as { code?: unknown }).code === 'cancelled' || (cur as { code?: unknown }).code === 'ABORT_ERR') return true;
    if (typeof DOMException !== 'undefined' && cur instanceof DOMException && cur.name === 'AbortError') return true;
  }
  return false;
}

/** Throws a CancelledError naming `what` if `signal` is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined, what?: string): void {
  if (signal?.aborted) throw new CancelledError(what);
}

/** The code of an error, if it carries one (ours always do). */
export function errorCode(e: unknown): string | undefined {
  const c = e && typeof e === 'object' ? (e as { code?: unknown }).code : undefined;
  return typeof c === 'string' ? c : undefined;
}

/** A message fit for a user: the error's own words, never a stack. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  return typeof e === 'string' ? e : String(e);
}
