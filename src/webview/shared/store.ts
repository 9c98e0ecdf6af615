/**
 * A small state store for a panel's browser code: the state is one plain object, changed only
 * through `set()` (by the panel's actions, kept apart from rendering), and the view subscribes to
 * redraw. Several `set()` calls in one turn notify once, on the next microtask; `flush()` notifies
 * at once (for code that must measure the DOM right after).
 *
 *   const store = new Store<State>({ busy: false });
 *   store.subscribe(render);                      // view
 *   async function recheck() {                    // action
 *     store.set({ busy: true });
 *     store.set({ report: await client.request('load', {}), busy: false });
 *   }
 */
export class Store<S extends object> {
  private current: S;
  private readonly listeners = new Set<(state: Readonly<S>) => void>();
  private queued = false;

  constructor(initial: S) {
    this.current = initial;
  }

  get state(): Readonly<S> {
    return this.current;
  }

  /**
   * Merges `patch` (or what `fn` returns from the current state) and schedules one notification.
   * `quiet` records a change the page already shows (e.g. a chart zoomed by the user): no redraw.
   */
  set(patch: Partial<S> | ((state: Readonly<S>) => Partial<S>), opts: { quiet?: boolean } = {}): void {
    const p = typeof patch === 'function' ? patch(this.current) : patch;
    this.current = { ...this.current, ...p };
    if (this.queued || opts.quiet) return;
    this.queued = true;
    queueMicrotask(() => this.flush());
  }

  /** Notifies the subscribers now (if a change is pending). */
  flush(): void {
    if (!this.queued) return;
    this.queued = false;
    for (const l of [...this.listeners]) l(this.current);
  }

  /** Calls `listener` after each change; returns the unsubscribe function. */
  subscribe(listener: (state: Readonly<S>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
