/**
 * Live property updates: a PropertyCollector of our own (`CreatePropertyCollector`, so a long poll
 * never blocks the session's default collector), one filter (`CreateFilter`) and a loop of
 * `WaitForUpdatesEx` calls that keeps the version the server hands back.
 *
 * - The first answer after the filter is made holds the current value of every property of every
 *   object (each object "enters"): the feed reports it as a batch with `reset: true`. Later batches
 *   hold only changes (`modify`), objects that appeared (`enter`) and objects that left (`leave`).
 * - Every call is bounded: the server answers within `maxWaitSeconds` (an empty answer when nothing
 *   changed) and the HTTP request is given that plus a margin; an answer the server marks
 *   `truncated` is followed at once by the next call, and the parts reported as one batch.
 * - After a re-login (the collector belonged to the old session), a fault on the collector or
 *   filter (`ManagedObjectNotFound`, `InvalidCollectorVersion`…) or a network failure, the feed
 *   re-creates collector and filter (a new `reset` batch), waiting 1 s, 2 s, 4 s … 30 s between
 *   failed attempts.
 * - `stop()` (or the signal) aborts the call in flight and destroys the collector (its filter goes
 *   with it) and whatever the target made (a ContainerView).
 *
 * vcsim (govmomi 0.24 simulator/property_collector.go) supports this: a per-session default
 * collector, CreatePropertyCollector, CreateFilter over a ContainerView, WaitForUpdatesEx with
 * version "" (the initial state, version "-") then long polls honouring `maxWaitSeconds`, and
 * DestroyPropertyCollector. It never truncates.
 */
import { CancelledError, isCancellation } from '../errors';
import type { CallOptions, VimClient } from './client';
import { decodeNode, type MoRef, type VimValue } from './decode';
import { NotAuthenticatedError, VimFaultError, VsphereError } from './errors';
import type { MissingProperty } from './property';
import type { SoapObject } from './soap';
import type { XNode } from './xml';

export type ObjectUpdateKind = 'enter' | 'modify' | 'leave';
export type PropertyChangeOp = 'add' | 'remove' | 'assign' | 'indirectRemove';

/** One property change: `value` is absent for `remove` / `indirectRemove` (and for an unset property). */
export interface PropertyChange {
  readonly name: string;
  readonly op: PropertyChangeOp;
  readonly value?: VimValue;
}

export interface ObjectUpdate {
  readonly kind: ObjectUpdateKind;
  readonly obj: MoRef;
  readonly changes: readonly PropertyChange[];
  readonly missing: readonly MissingProperty[];
}

export interface UpdateBatch {
  /** True for the first batch after the filter was (re)created: the whole current state. */
  readonly reset: boolean;
  readonly updates: readonly ObjectUpdate[];
  readonly version: string;
}

/** What the feed watches: makes the filter spec (and whatever it needs) for the current session. */
export interface FeedTarget {
  create(client: VimClient, opts: CallOptions): Promise<{ spec: SoapObject; dispose?: () => Promise<void> }>;
}

export interface FeedOptions {
  /** Seconds the server may hold a poll open (default 30). */
  maxWaitSeconds?: number;
  /** Called with every batch, in order; the next poll waits for its promise. */
  onBatch(batch: UpdateBatch): void | Promise<void>;
  /** A failure the feed recovers from by itself (it goes on); for logs and status. */
  onError?(error: Error, attempt: number): void;
  signal?: AbortSignal;
  log?: (message: string) => void;
}

/** What the feed has cost so far (for the benchmark and logs). */
export interface FeedStats {
  calls: number;
  batches: number;
  recreated: number;
}

const OPS = new Set<string>(['add', 'remove', 'assign', 'indirectRemove']);

function readChange(n: XNode): PropertyChange | undefined {
  let name = '';
  let op = 'assign';
  let value: VimValue | undefined;
  for (const c of n.children) {
    if (c.name === 'name') name = c.text;
    else if (c.name === 'op') op = c.text;
    else if (c.name === 'val') value = decodeNode(c, 'anyType');
  }
  if (!name || !OPS.has(op)) return undefined;
  return value === undefined ? { name, op: op as PropertyChangeOp } : { name, op: op as PropertyChangeOp, value };
}

function readMissing(n: XNode): MissingProperty {
  let path = '';
  let faultType = '';
  let message = '';
  for (const c of n.children) {
    if (c.name === 'path') path = c.text;
    else if (c.name === 'fault') {
      const lf = decodeNode(c, 'LocalizedMethodFault');
      const o = typeof lf === 'object' && !Array.isArray(lf) ? lf as Record<string, VimValue> : {};
      const f = o.fault;
      faultType = typeof f === 'object' && f !== null && !Array.isArray(f) ? String((f as { _type?: string })._type ?? '') : '';
      message = typeof o.localizedMessage === 'string' ? o.localizedMessage : '';
    }
  }
  return { path, faultType, message };
}

function readObjectUpdate(n: XNode): ObjectUpdate | undefined {
  let kind = '';
  let obj: MoRef | undefined;
  const changes: PropertyChange[] = [];
  const missing: MissingProperty[] = [];
  for (const c of n.children) {
    if (c.name === 'kind') kind = c.text;
    else if (c.name === 'obj') obj = { type: c.attrs?.type ?? '', value: c.text };
    else if (c.name === 'changeSet') {
      const ch = readChange(c);
      if (ch) changes.push(ch);
    } else if (c.name === 'missingSet') missing.push(readMissing(c));
  }
  if (!obj || (kind !== 'enter' && kind !== 'modify' && kind !== 'leave')) return undefined;
  return { kind, obj, changes, missing };
}

/** Reads an UpdateSet (`returnval` of WaitForUpdatesEx); undefined when the answer is empty (no change in time). */
export function readUpdateSet(returnval: XNode | undefined): { version: string; truncated: boolean; updates: ObjectUpdate[] } | undefined {
  if (!returnval) return undefined;
  let version = '';
  let truncated = false;
  const updates: ObjectUpdate[] = [];
  for (const c of returnval.children) {
    if (c.name === 'version') version = c.text;
    else if (c.name === 'truncated') truncated = c.text === 'true';
    else if (c.name === 'filterSet') {
      for (const o of c.children) {
        if (o.name !== 'objectSet') continue;
        const u = readObjectUpdate(o);
        if (u) updates.push(u);
      }
    }
  }
  return { version, truncated, updates };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) { resolve(); return; }
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Faults that mean "the collector or filter is gone or out of step": make them again. */
function needsRecreate(e: unknown): boolean {
  if (e instanceof NotAuthenticatedError) return true;
  if (e instanceof VimFaultError) {
    return e.code === 'objectNotFound' || e.faultType === 'InvalidCollectorVersion' || e.faultType === 'RequestCanceled'
      || e.faultType === 'InvalidArgument' || e.faultType === 'InvalidProperty';
  }
  return e instanceof VsphereError && (e.code === 'network' || e.code === 'timeout' || e.code === 'protocol');
}

/** A running feed. Create with {@link startFeed}. */
export class PropertyFeed {
  readonly stats: FeedStats = { calls: 0, batches: 0, recreated: 0 };
  private readonly abort = new AbortController();
  private collector: MoRef | undefined;
  private disposeTarget: (() => Promise<void>) | undefined;
  private version = '';
  private pending: ObjectUpdate[] = [];
  private resetPending = false;
  private loop: Promise<void> | undefined;
  private readonly maxWait: number;

  constructor(private readonly client: VimClient, private readonly target: FeedTarget, private readonly opts: FeedOptions) {
    this.maxWait = Math.max(1, Math.min(opts.maxWaitSeconds ?? 30, 600));
    if (opts.signal) {
      if (opts.signal.aborted) this.abort.abort();
      else opts.signal.addEventListener('abort', () => void this.stop(), { once: true });
    }
  }

  get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  /** Starts the loop; resolves after the first batch (the current state), rejects if that fails. */
  start(): Promise<void> {
    let first!: { resolve: () => void; reject: (e: unknown) => void };
    const ready = new Promise<void>((resolve, reject) => { first = { resolve, reject }; });
    this.loop = this.run(first);
    return ready;
  }

  private async run(first: { resolve: () => void; reject: (e: unknown) => void } | undefined): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        if (!this.collector) await this.create();
        const done = await this.poll();
        failures = 0;
        if (done && first) { first.resolve(); first = undefined; }
      } catch (e) {
        if (this.stopped || isCancellation(e)) break;
        if (first) { first.reject(e); await this.teardown(); return; }
        failures++;
        this.opts.onError?.(e as Error, failures);
        this.opts.log?.(`live updates on ${this.client.endpoint.display}: ${(e as Error).message} (attempt ${failures})`);
        const recreate = needsRecreate(e);
        if (recreate || failures > 2) await this.teardown();
        // A collector lost to a re-login is made again at once; other failures back off.
        await sleep(recreate && failures === 1 ? 0 : Math.min(30_000, 1000 * 2 ** Math.min(failures - 1, 5)), this.abort.signal);
      }
    }
    first?.reject(new CancelledError('Starting live updates'));
    await this.teardown();
  }

  private call(): CallOptions {
    return { signal: this.abort.signal, timeoutMs: 30_000, noRelogin: true };
  }

  private async create(): Promise<void> {
    const pc = this.client.serviceContent.propertyCollector;
    // A re-login happens inside withRelogin; the objects of the old session are gone, so all is made anew.
    await this.client.withRelogin(async () => {
      const collector = await this.client.invoke('CreatePropertyCollector', pc, [], 'ManagedObjectReference', this.call()) as MoRef;
      this.collector = collector;
      const made = await this.target.create(this.client, this.call());
      this.disposeTarget = made.dispose;
      await this.client.invoke('CreateFilter', collector, [['spec', made.spec], ['partialUpdates', false]], 'ManagedObjectReference', this.call());
    });
    if (this.stats.batches > 0) this.stats.recreated++;
    this.version = '';
    this.pending = [];
    this.resetPending = true;
  }

  /** One WaitForUpdatesEx; true when a complete batch (or an empty answer) came back. */
  private async poll(): Promise<boolean> {
    const collector = this.collector!;
    this.stats.calls++;
    const response = await this.client.withRelogin(() => this.client.invokeRaw('WaitForUpdatesEx', collector, [
      ['version', this.version],
      ['options', { maxWaitSeconds: this.maxWait }],
    ], { signal: this.abort.signal, timeoutMs: (this.maxWait + 30) * 1000, noRelogin: true, fast: this.version === '' }));
    if (this.stopped) return false;
    const set = readUpdateSet(response.children.find((c) => c.name === 'returnval'));
    if (!set) return !this.resetPending;
    this.version = set.version;
    for (const u of set.updates) this.pending.push(u);
    if (set.truncated) return false;
    const batch: UpdateBatch = { reset: this.resetPending, updates: this.pending, version: set.version };
    this.pending = [];
    this.resetPending = false;
    this.stats.batches++;
    await this.opts.onBatch(batch);
    return true;
  }

  /** Destroys the collector (its filter with it) and the target's objects; best effort, bounded. */
  private async teardown(): Promise<void> {
    const collector = this.collector;
    const dispose = this.disposeTarget;
    this.collector = undefined;
    this.disposeTarget = undefined;
    const quick: CallOptions = { timeoutMs: 5000, noRelogin: true };
    if (collector) await this.client.invoke('DestroyPropertyCollector', collector, [], undefined, quick).catch(() => undefined);
    if (dispose) await dispose().catch(() => undefined);
  }

  /** Stops the loop (the poll in flight is aborted) and cleans up on the server. */
  async stop(): Promise<void> {
    if (!this.abort.signal.aborted) this.abort.abort();
    await this.loop?.catch(() => undefined);
  }
}

/** Starts a feed on `target`; resolves once the current state has been delivered to `onBatch`. */
export async function startFeed(client: VimClient, target: FeedTarget, opts: FeedOptions): Promise<PropertyFeed> {
  const feed = new PropertyFeed(client, target, opts);
  await feed.start();
  return feed;
}

/** A target over a ContainerView of `types` under the root folder (destroyed with the feed). */
export function containerTarget(types: readonly string[], propSet: SoapObject[]): FeedTarget {
  return {
    async create(client, opts) {
      const vm = client.serviceContent.viewManager;
      if (!vm) throw new VsphereError('noViewManager', `${client.endpoint.display} has no ViewManager; live updates need one (vCenter or ESXi 4.0 and later).`);
      const view = await client.invoke('CreateContainerView', vm, [
        ['container', client.serviceContent.rootFolder], ['type', [...types]], ['recursive', true],
      ], 'ManagedObjectReference', opts) as MoRef;
      return {
        spec: {
          propSet,
          objectSet: {
            obj: view, skip: true,
            selectSet: { _type: 'TraversalSpec', name: 'view', type: 'ContainerView', path: 'view', skip: false },
          },
        },
        dispose: () => client.invoke('DestroyView', view, [], undefined, { timeoutMs: 5000, noRelogin: true }).then(() => undefined),
      };
    },
  };
}

/** A target over one object's properties (e.g. an event collector's `latestPage`). */
export function objectTarget(obj: MoRef, paths: readonly string[]): FeedTarget {
  return {
    create: () => Promise.resolve({ spec: { propSet: { type: obj.type, pathSet: [...paths] }, objectSet: { obj, skip: false } } }),
  };
}
