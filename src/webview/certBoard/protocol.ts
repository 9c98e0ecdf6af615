/**
 * The Certificates board's messages (shared by src/extension/certBoard and src/webview/certBoard).
 * The panel state holds identifiers only: the connection id and its label.
 */
import type { ExpiryBoard, ExpiryCert, ExpiryRow } from '../../core/certs/expiry';
import type { HostRotation } from '../../core/certs/rotate';

export type { ExpiryBoard, ExpiryCert, ExpiryRow, HostRotation };

export interface CertBoardState {
  conn: string;
  name: string;
}

export interface SaveResult {
  saved: boolean;
  path?: string;
}

/** What the CSR step did, per host. */
export interface RequestSummary {
  /** The folder the CSRs were written to (absent when the user dismissed the dialog). */
  folder?: string;
  hosts: Array<{ id: string; name: string; mode?: 'on-host' | 'local'; file?: string; error?: string }>;
}

/** The outcome of a rotation run. */
export interface RotationSummary {
  /** Nothing ran (the user dismissed the picker). */
  cancelled?: boolean;
  hosts: HostRotation[];
  /** Imported files no selected host matched, and hosts no file covered. */
  unmatched: Array<{ file: string; reason: string }>;
  missing: string[];
}

export interface CertBoardProtocol {
  requests: {
    /** Reads the board (rows also arrive one by one as `row` events). */
    load: { params: Record<string, never>; result: { board: ExpiryBoard; warnDays: number[] } };
    /** Saves CSV text where the user chooses in the extension's save dialog (the webview names no path). */
    exportCsv: { params: { csv: string; suggestedName: string }; result: SaveResult };
    /** A CSR for each selected host, written to a folder the user picks in the extension's dialog. */
    requestCsrs: { params: { hosts: string[] }; result: RequestSummary };
    /** Imports the signed certificates (files or a folder the user picks in the extension's dialog) and rotates the selected hosts. */
    rotate: { params: { hosts: string[]; concurrency?: number }; result: RotationSummary };
  };
  events: {
    /** A row read (progressive fill while `load` runs). */
    row: { row: ExpiryRow; done: number; total: number };
    /** A host's rotation status changed. */
    rotation: HostRotation;
  };
}

export function isCertBoardState(s: unknown): s is CertBoardState {
  if (!s || typeof s !== 'object') return false;
  const o = s as Record<string, unknown>;
  return typeof o.conn === 'string' && typeof o.name === 'string';
}
