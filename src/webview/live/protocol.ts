/**
 * The events panel's messages (shared by src/extension/live and src/webview/live). The panel state
 * holds identifiers only: a connection id and the object whose events it shows (none: all events).
 */

export interface EventsPanelState {
  conn: string;
  /** The object (a VM, host, cluster, datacenter…); absent for the whole connection. */
  entity?: { type: string; value: string };
  /** Its name, for the title. */
  name: string;
}

/** One event as the panel shows it. */
export interface EventRow {
  key: number;
  /** ISO time. */
  time: string;
  user: string;
  type: string;
  message: string;
  object?: string;
}

export interface EventsFilter {
  /** Event type ids; empty for all. */
  types: string[];
  /** User names; empty for all. */
  users: string[];
}

export interface EventsPage {
  events: EventRow[];
  /** No older events to read. */
  atEnd: boolean;
}

export interface EventsProtocol {
  requests: {
    /** (Re)opens the server's collector with this filter: the newest events, then new ones as `added` events. */
    open: { params: EventsFilter; result: EventsPage };
    /** The next page of older events. */
    older: { params: Record<string, never>; result: EventsPage };
  };
  events: {
    /** New events (newest first) while the panel is open. */
    added: { events: EventRow[] };
  };
}

export function isEventsPanelState(s: unknown): s is EventsPanelState {
  if (!s || typeof s !== 'object') return false;
  const o = s as Record<string, unknown>;
  if (typeof o.conn !== 'string' || typeof o.name !== 'string') return false;
  if (o.entity === undefined) return true;
  const e = o.entity as Record<string, unknown>;
  return !!e && typeof e.type === 'string' && typeof e.value === 'string';
}
