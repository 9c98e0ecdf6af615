/**
 * Events and recent tasks.
 *
 * Events: an `EventHistoryCollector` made with `CreateCollectorForEvents` and a filter (entity with
 * its recursion, event types, users). Its `latestPage` holds the newest events; older ones come with
 * `ResetCollector` then `ReadPreviousEvents` pages; new ones arrive as changes of `latestPage` (a
 * property feed, ./updates). `destroy()` (`DestroyCollector`) frees it on the server, which keeps
 * only a few collectors per session. Events are keyed by `key`, so pages that overlap (vcsim's
 * history is its latest page) are merged without duplicates. vcsim filters by entity and type but
 * not by user (simulator/event_manager.go: "TODO: spec.UserName"), so the user filter is applied
 * here as well.
 *
 * Tasks: `TaskManager.recentTask` and each task's `info` (what, object, who, progress, state,
 * error), read once or followed by a property feed over the task manager.
 */
import type { CallOptions, VimClient } from './client';
import { asArray, asMoRef, asNumber, asObject, asString, type MoRef, type VimObject, type VimValue } from './decode';
import { VsphereError } from './errors';
import { retrieveProperty, retrievePropertiesEx } from './property';
import { readReturn, type SoapObject } from './soap';
import { objectTarget, PropertyFeed, type FeedTarget, type ObjectUpdate } from './updates';

export interface EventFilter {
  /** Events of this object; with `recursion` 'all' its children's too (default 'self'). */
  entity?: MoRef;
  recursion?: 'self' | 'children' | 'all';
  /** Event type ids (`VmPoweredOffEvent`…); none for all. */
  types?: readonly string[];
  /** User names; none for all. */
  users?: readonly string[];
}

export interface EventRecord {
  key: number;
  /** The event's type id, e.g. VmPoweredOffEvent. */
  type: string;
  /** ISO time the server created it. */
  time: string;
  /** Who did it ('' for the system). */
  user: string;
  message: string;
  /** The object it names first (VM, host, compute resource, datacenter), with its name then. */
  object?: { ref: MoRef; name: string };
  chainId?: number;
}

const ARGS = ['vm', 'host', 'computeResource', 'ds', 'net', 'dvs', 'datacenter'] as const;
const ARG_REF: Record<(typeof ARGS)[number], string> = {
  vm: 'vm', host: 'host', computeResource: 'computeResource', ds: 'datastore', net: 'network', dvs: 'dvs', datacenter: 'datacenter',
};

/** An Event data object → a record; undefined for something that is not an event. */
export function toEventRecord(v: VimValue | undefined): EventRecord | undefined {
  const o = asObject(v);
  const key = asNumber(o?.key);
  if (!o || key === undefined) return undefined;
  let object: EventRecord['object'];
  for (const a of ARGS) {
    const arg = asObject(o[a]);
    const ref = asMoRef(arg?.[ARG_REF[a]]);
    if (arg && ref) { object = { ref, name: asString(arg.name) ?? ref.value }; break; }
  }
  const type = o._type ?? (typeof o.eventTypeId === 'string' ? o.eventTypeId : 'Event');
  return {
    key, type: type === 'EventEx' || type === 'ExtendedEvent' ? asString(o.eventTypeId) ?? type : type,
    time: asString(o.createdTime) ?? '', user: asString(o.userName) ?? '',
    message: asString(o.fullFormattedMessage) ?? '', object, chainId: asNumber(o.chainId),
  };
}

function eventManager(client: VimClient): MoRef {
  const m = asMoRef(client.serviceContent.raw.eventManager);
  if (!m) throw new VsphereError('notFound', `${client.endpoint.display} has no EventManager; events are not available there.`);
  return m;
}

/** The filter spec, fields in the order the WSDL declares them (vim25 checks sequence order). */
function filterSpec(f: EventFilter, pageSize: number): SoapObject {
  return {
    entity: f.entity ? { entity: f.entity, recursion: f.recursion ?? 'self' } : undefined,
    userName: f.users?.length ? { userList: [...f.users], systemUser: false } : undefined,
    eventTypeId: f.types?.length ? [...f.types] : undefined,
    maxCount: pageSize,
  };
}

const newestFirst = (a: EventRecord, b: EventRecord): number => (b.time < a.time ? -1 : b.time > a.time ? 1 : b.key - a.key);

/** An event history collector on the server, with the events read so far. */
export class EventCollector {
  private readonly seen = new Set<number>();
  private rewound = false;
  private exhausted = false;
  private destroyed = false;
  private feed: PropertyFeed | undefined;

  private constructor(private readonly client: VimClient, readonly ref: MoRef, readonly filter: EventFilter) {}

  /** Creates the collector. `pageSize` (1–1000, default 100) is its latest page's size. */
  static async create(client: VimClient, filter: EventFilter, opts: CallOptions & { pageSize?: number } = {}): Promise<EventCollector> {
    const size = Math.max(1, Math.min(1000, Math.floor(opts.pageSize ?? 100)));
    const ref = await client.invoke('CreateCollectorForEvents', eventManager(client), [['filter', filterSpec(filter, size)]],
      'ManagedObjectReference', { signal: opts.signal, timeoutMs: opts.timeoutMs ?? 30_000 }) as MoRef;
    return new EventCollector(client, ref, filter);
  }

  private keep(values: readonly VimValue[]): EventRecord[] {
    const users = this.filter.users?.length ? new Set(this.filter.users) : undefined;
    const types = this.filter.types?.length ? new Set(this.filter.types) : undefined;
    const out: EventRecord[] = [];
    for (const v of values) {
      const e = toEventRecord(v);
      if (!e || this.seen.has(e.key)) continue;
      if (users && !users.has(e.user)) continue;
      if (types && !types.has(e.type)) continue;
      this.seen.add(e.key);
      out.push(e);
    }
    return out.sort(newestFirst);
  }

  /** The newest events (the latest page), newest first; only those not returned before. */
  async latest(opts: CallOptions = {}): Promise<EventRecord[]> {
    const page = await retrieveProperty(this.client, this.ref, 'latestPage', { signal: opts.signal, timeoutMs: opts.timeoutMs ?? 30_000 });
    return this.keep(asArray(page));
  }

  /** The next page of older events, newest first; [] when there are no more. */
  async older(count = 100, opts: CallOptions = {}): Promise<EventRecord[]> {
    if (this.exhausted) return [];
    const call: CallOptions = { signal: opts.signal, timeoutMs: opts.timeoutMs ?? 30_000 };
    if (!this.rewound) {
      await this.client.invoke('ResetCollector', this.ref, [], undefined, call);
      this.rewound = true;
    }
    const n = Math.max(1, Math.min(1000, Math.floor(count)));
    // Pages may overlap what was seen (vcsim's history is its latest page): read until something new or the end.
    for (let guard = 0; guard < 50; guard++) {
      const res = await this.client.invokeRaw('ReadPreviousEvents', this.ref, [['maxCount', n]], call);
      const values = asArray(readReturn(res, 'Event[]'));
      const fresh = this.keep(values);
      if (values.length < n) this.exhausted = true;
      if (fresh.length || this.exhausted) return fresh;
    }
    return [];
  }

  get atEnd(): boolean {
    return this.exhausted;
  }

  /** Follows new events (changes of `latestPage`): `onEvents` gets those not seen before, newest first. */
  async follow(onEvents: (events: EventRecord[]) => void, opts: { maxWaitSeconds?: number; onError?: (e: Error) => void; log?: (m: string) => void } = {}): Promise<void> {
    if (this.feed) return;
    const take = (updates: readonly ObjectUpdate[]): void => {
      const vals: VimValue[] = [];
      for (const u of updates) for (const c of u.changes) if (c.name === 'latestPage') vals.push(...asArray(c.value));
      const fresh = this.keep(vals);
      if (fresh.length) onEvents(fresh);
    };
    this.feed = new PropertyFeed(this.client, objectTarget(this.ref, ['latestPage']), {
      maxWaitSeconds: opts.maxWaitSeconds, onError: opts.onError, log: opts.log, onBatch: (b) => take(b.updates),
    });
    await this.feed.start();
  }

  /** Stops following and destroys the collector on the server (best effort, bounded). */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    await this.feed?.stop();
    await this.client.invoke('DestroyCollector', this.ref, [], undefined, { timeoutMs: 5000, noRelogin: true }).catch(() => undefined);
  }
}

// ------------------------------------------------------------------------------------------------
// recent tasks

export interface TaskRecord {
  /** The task's moref value. */
  id: string;
  ref: MoRef;
  /** What: the method's description id (`VirtualMachine.powerOff`) or name. */
  what: string;
  object?: { ref: MoRef; name: string };
  /** Who started it (a user, or the system / an alarm / a schedule). */
  who: string;
  state: 'queued' | 'running' | 'success' | 'error' | string;
  progress?: number;
  /** The error in the server's words, for a failed task. */
  error?: string;
  queued?: string;
  started?: string;
  completed?: string;
  cancelled?: boolean;
}

/** TaskInfo → a record. */
export function toTaskRecord(ref: MoRef, info: VimObject | undefined): TaskRecord {
  const reason = asObject(info?.reason);
  const who = asString(reason?.userName) ?? (reason?._type === 'TaskReasonSystem' ? 'system'
    : reason?._type === 'TaskReasonAlarm' ? `alarm ${asString(reason.alarmName) ?? ''}`.trim()
      : reason?._type === 'TaskReasonSchedule' ? `schedule ${asString(reason.name) ?? ''}`.trim() : '');
  const entity = asMoRef(info?.entity);
  const err = asObject(info?.error);
  const fault = asObject(err?.fault);
  const errorText = err ? (asString(err.localizedMessage) || fault?._type || 'failed') : undefined;
  return {
    id: ref.value, ref,
    what: asString(info?.descriptionId) ?? asString(info?.name) ?? ref.value,
    object: entity ? { ref: entity, name: asString(info?.entityName) ?? entity.value } : undefined,
    who, state: asString(info?.state) ?? 'queued', progress: asNumber(info?.progress), error: errorText,
    queued: asString(info?.queueTime), started: asString(info?.startTime), completed: asString(info?.completeTime),
    cancelled: info?.cancelled === true,
  };
}

function taskManager(client: VimClient): MoRef {
  const m = client.serviceContent.taskManager;
  if (!m) throw new VsphereError('notFound', `${client.endpoint.display} has no TaskManager; recent tasks are not available there.`);
  return m;
}

/** The selection from the task manager to its recent tasks, with their `info`. */
function recentTaskSpec(tm: MoRef): SoapObject {
  return {
    propSet: [{ type: 'Task', pathSet: ['info'] }],
    objectSet: { obj: tm, skip: true, selectSet: { _type: 'TraversalSpec', name: 'recent', type: 'TaskManager', path: 'recentTask', skip: false } },
  };
}

/** The recent tasks (the server keeps the last few minutes' and the running ones), newest first. */
export async function recentTasks(client: VimClient, opts: CallOptions = {}): Promise<TaskRecord[]> {
  const objs = await client.withRelogin(() => retrievePropertiesEx(client, [recentTaskSpec(taskManager(client))], { ...opts, noRelogin: true }));
  return objs.map((o) => toTaskRecord(o.obj, asObject(o.props.info))).sort(newestTask);
}

export function newestTask(a: TaskRecord, b: TaskRecord): number {
  const ta = a.queued ?? '';
  const tb = b.queued ?? '';
  return tb < ta ? -1 : tb > ta ? 1 : b.id.localeCompare(a.id, undefined, { numeric: true });
}

/** A feed target over the recent tasks: tasks enter and leave the list, their `info` changes. */
export function recentTasksTarget(): FeedTarget {
  return { create: (client) => Promise.resolve({ spec: recentTaskSpec(taskManager(client)) }) };
}

/** The recent tasks kept current by a property feed (tasks entering, changing, leaving the list). */
export class RecentTasks {
  private readonly infos = new Map<string, { ref: MoRef; info: VimObject }>();
  private feed: PropertyFeed | undefined;

  private constructor(private readonly onChange: (tasks: TaskRecord[]) => void) {}

  static async start(client: VimClient, opts: {
    onChange: (tasks: TaskRecord[]) => void; maxWaitSeconds?: number; signal?: AbortSignal;
    onError?: (e: Error) => void; log?: (m: string) => void;
  }): Promise<RecentTasks> {
    const r = new RecentTasks(opts.onChange);
    r.feed = new PropertyFeed(client, recentTasksTarget(), {
      maxWaitSeconds: opts.maxWaitSeconds, signal: opts.signal, onError: opts.onError, log: opts.log,
      onBatch: (b) => r.apply(b.reset, b.updates),
    });
    await r.feed.start();
    return r;
  }

  private apply(reset: boolean, updates: readonly ObjectUpdate[]): void {
    if (reset) this.infos.clear();
    for (const u of updates) {
      if (u.kind === 'leave') { this.infos.delete(u.obj.value); continue; }
      const cur = this.infos.get(u.obj.value) ?? { ref: u.obj, info: {} };
      for (const c of u.changes) {
        if (c.name === 'info') cur.info = asObject(c.value) ?? {};
        else if (c.name.startsWith('info.')) cur.info = { ...cur.info, [c.name.slice(5)]: c.value };
      }
      this.infos.set(u.obj.value, cur);
    }
    this.onChange(this.list());
  }

  /** Newest first. */
  list(): TaskRecord[] {
    return [...this.infos.values()].map((t) => toTaskRecord(t.ref, t.info)).sort(newestTask);
  }

  async stop(): Promise<void> {
    await this.feed?.stop();
  }
}
