/**
 * The memory panel's messages (shared by src/extension/memory and src/webview/memory).
 * The panel state holds identifiers only: a connection id and a managed object, or a file URI.
 */
import type { MemoryView, RangeName } from '../../core/memory/types';

export type MemoryPanelState =
  | { kind: 'live'; conn: string; entity: { type: 'HostSystem' | 'VirtualMachine'; value: string }; name: string; range?: RangeName }
  | { kind: 'esxtop'; file: string; name: string };

export interface SaveResult {
  saved: boolean;
  /** Where it went (fsPath or URI), when saved. */
  path?: string;
}

export interface MemoryProtocol {
  requests: {
    /** Data for the range (live) or the time window (zoomed esxtop capture). */
    load: { params: { range?: RangeName; window?: [number, number] }; result: MemoryView };
    /** esxtop: the ESX(i) generation the capture comes from (remembered for the file); the view again. */
    setGeneration: { params: { generation: string }; result: MemoryView };
    /** Pause or resume live updates (the user's toggle; hidden panels pause anyway). */
    setLive: { params: { live: boolean }; result: { live: boolean } };
    /** Save CSV text where the user says in the extension's save dialog (never a path from here). */
    exportCsv: { params: { csv: string; suggestedName: string }; result: SaveResult };
    /** Save a PNG given as a data: URL, through the same dialog. */
    exportPng: { params: { dataUrl: string; suggestedName: string }; result: SaveResult };
  };
  events: {
    /** New data while the panel is visible and live. */
    update: MemoryView;
  };
}

export function isMemoryPanelState(s: unknown): s is MemoryPanelState {
  if (!s || typeof s !== 'object') return false;
  const o = s as Record<string, unknown>;
  if (o.kind === 'esxtop') return typeof o.file === 'string' && typeof o.name === 'string';
  if (o.kind !== 'live' || typeof o.conn !== 'string' || typeof o.name !== 'string') return false;
  const e = o.entity as Record<string, unknown> | undefined;
  return !!e && (e.type === 'HostSystem' || e.type === 'VirtualMachine') && typeof e.value === 'string';
}
