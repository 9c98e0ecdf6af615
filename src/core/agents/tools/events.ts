/**
 * Recent events and tasks, on the live core (core/vsphere/events.ts): an event history collector
 * (created, read once, destroyed: the server keeps few per session) for an object or the whole
 * inventory, and the task manager's recent tasks. Bounded: one page of events, the recent tasks the
 * server keeps.
 */
import { EventCollector, recentTasks, type EventRecord, type TaskRecord } from '../../vsphere/events';
import type { VimClient } from '../../vsphere/client';
import type { MoRef } from '../../vsphere/decode';
import { getInventory } from '../../vsphere/inventory';
import { findHost, findVm, objectLabel } from '../lookup';
import type { CommonInput, Fact, ToolContext, ToolResult } from '../types';

/** Events read per call (one page of the collector). */
export const MAX_EVENTS = 25;

/** The newest events of an object (or of everything), newest first; the collector is destroyed after. */
export async function newestEvents(client: VimClient, entity: MoRef | undefined, count: number, signal?: AbortSignal): Promise<EventRecord[]> {
  const c = await EventCollector.create(client, entity ? { entity, recursion: 'all' } : {}, { pageSize: count, signal, timeoutMs: 30_000 });
  try {
    return (await c.latest({ signal, timeoutMs: 30_000 })).slice(0, count);
  } finally {
    await c.destroy();
  }
}

export function eventFact(e: EventRecord): Fact {
  return {
    text: `${e.time} ${e.user || 'system'}: ${e.message || e.type}`,
    severity: /Error|Failed|Alarm/i.test(e.type) ? 'warning' : undefined,
    evidence: [{ kind: 'api', object: 'EventManager', path: `event key ${e.key} (${e.type})${e.object ? ` on ${objectLabel(e.object.ref, e.object.name)}` : ''}`, value: e.time }],
  };
}

function taskFact(t: TaskRecord): Fact {
  return {
    text: `${t.queued ?? '?'} ${t.what}${t.object ? ` on ${t.object.name}` : ''} by ${t.who || '?'}: ${t.state}${t.progress !== undefined && t.state === 'running' ? ` ${t.progress}%` : ''}${t.error ? ` — ${t.error}` : ''}`,
    severity: t.state === 'error' ? 'error' : undefined,
    evidence: [{ kind: 'api', object: objectLabel(t.ref), path: 'info.state', value: t.state }],
  };
}

export interface RecentInput extends CommonInput {
  vm?: string;
  host?: string;
  limit?: number;
}

export async function recentActivity(i: RecentInput, ctx: ToolContext): Promise<ToolResult> {
  const conn = await ctx.connection(i.connection);
  const limit = Math.min(i.limit ?? 15, MAX_EVENTS);
  let entity: { ref: MoRef; name: string } | undefined;
  if (i.vm || i.host) {
    const inv = await getInventory(conn.client, { signal: ctx.signal });
    entity = i.vm ? findVm(inv, i.vm) : findHost(inv, i.host!);
  }
  const events = await newestEvents(conn.client, entity?.ref, limit, ctx.signal);
  const tasks = (await recentTasks(conn.client, { signal: ctx.signal }))
    .filter((t) => !entity || t.object?.ref.value === entity.ref.value).slice(0, limit);
  const failed = tasks.filter((t) => t.state === 'error');
  return {
    summary: `${entity ? entity.name : conn.label}: ${events.length} recent event(s), ${tasks.length} recent task(s)${failed.length ? `, ${failed.length} failed (${failed.map((t) => t.what).join(', ')})` : ''}.`,
    facts: [...tasks.map(taskFact), ...events.map(eventFact)],
  };
}
