/**
 * "Show Events" on an inventory node: a panel with that object's events (a connection: all of them),
 * newest first, paged, filterable by type and user, following new ones while it is open. The
 * controller owns one EventHistoryCollector on the server (core/vsphere/events.ts), made again when
 * the filter changes and destroyed when the panel closes.
 */
import * as vscode from 'vscode';
import type { EventCollector, EventRecord } from '../../core/vsphere/events';
import type { MoRef } from '../../core/vsphere/decode';
import { lazy } from '../../core/lazy';
import type { EventRow, EventsFilter, EventsPage, EventsPanelState, EventsProtocol } from '../../webview/live/protocol';
import type { InventoryServices } from '../inventory/services';
import { log } from '../log';
import type { Handlers, PanelController, PanelDefinition, PanelHost } from '../panels/panelHost';
import { eventsStrings } from './strings';

const api = lazy(() => require('../inventory/vsphereApi') as typeof import('../inventory/vsphereApi'));

export const EVENTS_VIEW_TYPE = 'vsphereLab.events';
export type EventsHost = PanelHost<EventsProtocol, EventsPanelState, EventsController>;
const PAGE = 100;

function toRow(e: EventRecord): EventRow {
  return { key: e.key, time: e.time, user: e.user, type: e.type, message: e.message, object: e.object?.name };
}

export class EventsController implements PanelController<EventsProtocol> {
  private collector: EventCollector | undefined;
  /** Bumped on every open: an older collector's late events are dropped. */
  private generation = 0;

  constructor(private readonly host: EventsHost, private readonly inventory: InventoryServices) {}

  readonly handlers: Handlers<EventsProtocol> = {
    open: (filter, signal) => this.open(filter, signal),
    older: async (_p, signal): Promise<EventsPage> => {
      const c = this.collector;
      if (!c) return { events: [], atEnd: true };
      const events = await c.older(PAGE, { signal });
      return { events: events.map(toRow), atEnd: c.atEnd };
    },
  };

  private async open(filter: EventsFilter, signal: AbortSignal): Promise<EventsPage> {
    const gen = ++this.generation;
    const old = this.collector;
    this.collector = undefined;
    if (old) void old.destroy();
    const s = this.host.state;
    const client = await this.inventory.sessions.client(s.conn);
    const entity: MoRef | undefined = s.entity;
    const c = await api().EventCollector.create(client, {
      entity, recursion: entity?.type === 'VirtualMachine' ? 'self' : 'all',
      types: filter.types, users: filter.users,
    }, { pageSize: PAGE, signal });
    if (gen !== this.generation) { void c.destroy(); return { events: [], atEnd: true }; }
    this.collector = c;
    const events = await c.latest({ signal });
    await c.follow((fresh) => {
      if (gen === this.generation) void this.host.post('added', { events: fresh.map(toRow) });
    }, { onError: (e) => log().warn(`events of ${s.name}: ${e.message}`) });
    return { events: events.map(toRow), atEnd: c.atEnd };
  }

  /** The events shown now are the server's; tests read the collector's filter through this. */
  get filter(): EventCollector['filter'] | undefined {
    return this.collector?.filter;
  }

  dispose(): void {
    this.generation++;
    const c = this.collector;
    this.collector = undefined;
    if (c) void c.destroy().then(() => log().debug('events: collector destroyed'));
  }
}

export function eventsPanel(inventory: InventoryServices): PanelDefinition<EventsProtocol, EventsPanelState, EventsController> {
  return {
    viewType: EVENTS_VIEW_TYPE,
    bundle: 'live',
    key: (s) => `${s.conn}/${s.entity ? `${s.entity.type}:${s.entity.value}` : ''}`,
    title: (s) => vscode.l10n.t('Events: {0}', s.name),
    strings: eventsStrings,
    controller: (host) => new EventsController(host, inventory),
  };
}
