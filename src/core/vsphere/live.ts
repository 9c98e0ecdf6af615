/**
 * The live inventory: the inventory's properties (the same specs as `getInventory`, decorators'
 * extra paths included) kept current by one property feed (./updates) over a ContainerView. The
 * feed's first answer is the inventory itself, so a live connection costs one listing, not two.
 *
 * Changes come out typed (`LiveChange`: object, its name, property, value; objects entered / left)
 * for the tree, `vlab watch` and the benchmark. A change the model cannot apply exactly (a part of
 * an array property, as vCenter reports `triggeredAlarmState["…"]`) re-reads that object's
 * properties in one bounded retrieve.
 */
import type { CallOptions, VimClient } from './client';
import type { MoRef, VimValue } from './decode';
import { buildInventory, inventorySpecs, type Inventory, type InventoryExtraPaths } from './inventory';
import { retrievePropertiesEx, type ObjectContent, type PropertySpec } from './property';
import type { SoapObject } from './soap';
import { containerTarget, PropertyFeed, type FeedStats, type ObjectUpdate, type UpdateBatch } from './updates';

export interface LiveChange {
  /** ISO time the change was seen. */
  readonly time: string;
  readonly object: MoRef;
  /** The object's name (for a leave: the name it had). */
  readonly name: string;
  readonly kind: 'entered' | 'changed' | 'left';
  /** The property path (changed only). */
  readonly property?: string;
  /** Its new value; absent when the property was removed. */
  readonly value?: VimValue;
}

export interface LiveInventoryOptions {
  extraPaths?: InventoryExtraPaths;
  maxWaitSeconds?: number;
  signal?: AbortSignal;
  log?: (message: string) => void;
  /**
   * Changes of one batch, after the model applied them. `reset` is true when the feed was re-created
   * (after a re-login or a fault): the model was replaced by the server's current state, and
   * `changes` hold what differs from before.
   */
  onChange?(changes: readonly LiveChange[], reset: boolean): void;
  onError?(error: Error, attempt: number): void;
}

/** Properties whose change moves a node in the tree (or adds / removes one). */
export const STRUCTURAL_PATHS: ReadonlySet<string> = new Set(['name', 'parent', 'runtime.host', 'host', 'childType', 'config.template']);

const key = (r: MoRef): string => `${r.type}:${r.value}`;

function propSpecs(specs: readonly PropertySpec[]): SoapObject[] {
  return specs.map((s) => ({ type: s.type, pathSet: [...(s.paths ?? [])] }));
}

function sameValue(a: VimValue | undefined, b: VimValue | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

export class LiveInventory {
  private readonly objects = new Map<string, ObjectContent>();
  private readonly paths = new Map<string, ReadonlySet<string>>();
  private cached: Inventory | undefined;
  private feed: PropertyFeed | undefined;
  private started = false;

  private constructor(private readonly client: VimClient, private readonly opts: LiveInventoryOptions) {
    for (const s of inventorySpecs(opts.extraPaths)) this.paths.set(s.type, new Set(s.paths));
  }

  /** Starts the feed; resolves with the model holding the current inventory. */
  static async start(client: VimClient, opts: LiveInventoryOptions = {}): Promise<LiveInventory> {
    const live = new LiveInventory(client, opts);
    const specs = inventorySpecs(opts.extraPaths);
    live.feed = new PropertyFeed(client, containerTarget(specs.map((s) => s.type), propSpecs(specs)), {
      maxWaitSeconds: opts.maxWaitSeconds, signal: opts.signal, log: opts.log, onError: opts.onError,
      onBatch: (b) => live.apply(b),
    });
    await live.feed.start();
    return live;
  }

  /** The current inventory (rebuilt after a change, on first use). */
  inventory(): Inventory {
    return (this.cached ??= buildInventory(this.client.serviceContent.rootFolder, this.objects.values(), this.opts.extraPaths));
  }

  /** The current properties of one object. */
  object(ref: MoRef): ObjectContent | undefined {
    return this.objects.get(key(ref));
  }

  get stats(): FeedStats | undefined {
    return this.feed?.stats;
  }

  async stop(): Promise<void> {
    await this.feed?.stop();
  }

  private nameOf(ref: MoRef): string {
    const n = this.objects.get(key(ref))?.props.name;
    return typeof n === 'string' ? n : ref.value;
  }

  private async apply(batch: UpdateBatch): Promise<void> {
    const time = new Date().toISOString();
    const changes: LiveChange[] = [];
    const refetch: MoRef[] = [];
    if (batch.reset) {
      this.replace(batch.updates, time, changes);
    } else {
      for (const u of batch.updates) this.applyOne(u, time, changes, refetch);
    }
    if (refetch.length) await this.refetch(refetch, time, changes);
    if (batch.updates.length) this.cached = undefined;
    const first = !this.started;
    this.started = true;
    if (!first && (changes.length || batch.reset)) this.opts.onChange?.(changes, batch.reset);
  }

  /** The server's whole state after a (re)creation: what differs from the model becomes changes. */
  private replace(updates: readonly ObjectUpdate[], time: string, changes: LiveChange[]): void {
    const before = new Map(this.objects);
    this.objects.clear();
    for (const u of updates) {
      if (u.kind === 'leave') continue;
      const props: Record<string, VimValue> = {};
      for (const c of u.changes) if (c.value !== undefined) props[c.name] = c.value;
      const o: ObjectContent = { obj: u.obj, props, missing: [...u.missing] };
      this.objects.set(key(u.obj), o);
      if (!this.started) continue;
      const old = before.get(key(u.obj));
      before.delete(key(u.obj));
      if (!old) { changes.push({ time, object: u.obj, name: this.nameOf(u.obj), kind: 'entered' }); continue; }
      for (const p of new Set([...Object.keys(old.props), ...Object.keys(props)])) {
        if (!sameValue(old.props[p], props[p])) changes.push({ time, object: u.obj, name: this.nameOf(u.obj), kind: 'changed', property: p, value: props[p] });
      }
    }
    if (!this.started) return;
    for (const old of before.values()) {
      changes.push({ time, object: old.obj, name: typeof old.props.name === 'string' ? old.props.name : old.obj.value, kind: 'left' });
    }
  }

  private applyOne(u: ObjectUpdate, time: string, changes: LiveChange[], refetch: MoRef[]): void {
    const k = key(u.obj);
    if (u.kind === 'leave') {
      const name = this.nameOf(u.obj);
      if (this.objects.delete(k)) changes.push({ time, object: u.obj, name, kind: 'left' });
      return;
    }
    let o = this.objects.get(k);
    const entered = u.kind === 'enter' || !o;
    if (!o) this.objects.set(k, (o = { obj: u.obj, props: {}, missing: [] }));
    const known = this.paths.get(u.obj.type) ?? this.paths.get(u.obj.type === 'ClusterComputeResource' ? 'ComputeResource' : '');
    for (const c of u.changes) {
      if (known && !known.has(c.name)) {
        // A part of a property (`triggeredAlarmState["…"]`, `config.hardware.device[…]`): read the object again.
        if (!refetch.some((r) => key(r) === k)) refetch.push(u.obj);
        continue;
      }
      if (c.op === 'remove' || c.op === 'indirectRemove' || c.value === undefined) delete o.props[c.name];
      else o.props[c.name] = c.value;
      if (!entered) changes.push({ time, object: u.obj, name: this.nameOf(u.obj), kind: 'changed', property: c.name, value: c.value });
    }
    if (entered) changes.push({ time, object: u.obj, name: this.nameOf(u.obj), kind: 'entered' });
  }

  /** Re-reads the objects a partial change touched, in one retrieve (bounded like every call). */
  private async refetch(refs: readonly MoRef[], time: string, changes: LiveChange[]): Promise<void> {
    const call: CallOptions = { timeoutMs: 60_000, noRelogin: true };
    const byType = new Map<string, MoRef[]>();
    for (const r of refs) byType.set(r.type, [...(byType.get(r.type) ?? []), r]);
    const specSet: SoapObject[] = [...byType].map(([type, objs]) => ({
      propSet: { type, pathSet: [...(this.paths.get(type) ?? this.paths.get('ComputeResource') ?? [])] },
      objectSet: objs.map((obj) => ({ obj, skip: false })),
    }));
    let fresh: ObjectContent[];
    try {
      fresh = await retrievePropertiesEx(this.client, specSet, call);
    } catch (e) {
      this.opts.log?.(`live updates: re-reading ${refs.length} object(s) failed: ${(e as Error).message}`);
      return;
    }
    for (const f of fresh) {
      const old = this.objects.get(key(f.obj));
      this.objects.set(key(f.obj), f);
      for (const p of new Set([...Object.keys(old?.props ?? {}), ...Object.keys(f.props)])) {
        if (!sameValue(old?.props[p], f.props[p])) changes.push({ time, object: f.obj, name: this.nameOf(f.obj), kind: 'changed', property: p, value: f.props[p] });
      }
    }
  }
}
