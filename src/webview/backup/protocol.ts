/**
 * The backup diagnostics panel's messages (extension ↔ webview). The panel state holds only
 * identifiers (connection id, VM moref, file URIs); every report is computed again on load.
 */
import type { FindingView, LogsView } from '../../core/backup/views';

/** The report's view types live in core (src/core/backup/views.ts), beside the code that builds them. */
export type { ErrorGroupView, EvidenceView, FindingView, FixState, FixView, JobView, LogsView, VmOutcomeView } from '../../core/backup/views';

export type BackupTarget =
  | { kind: 'vm'; conn: string; ref: string; name: string }
  | { kind: 'vmx'; uri: string }
  | { kind: 'logs' };

export interface BackupState {
  target: BackupTarget;
  /** Data Recovery log files (URI strings). */
  logs: string[];
}

/**
 * Where the VM was created, for the rule on Windows 2008 with disk.EnableUUID absent: a .vmx gets a
 * choice (kept per file in the workspace), a VM from the API an inferred guess.
 */
export interface CreatedOnView {
  mode: 'choice' | 'inferred';
  /** e.g. "4.1"; '' when not known. */
  value: string;
  /** Versions the user can pick (mode 'choice'). */
  choices: string[];
  /** The rule depends on it now (Windows 2008 / 2008 R2 guest, disk.EnableUUID not set). */
  relevant: boolean;
  /** Mode 'inferred': why. */
  reason?: string;
}

export interface BackupReport {
  /** The panel's identifiers now (the webview saves them for restore). */
  state: BackupState;
  title: string;
  /** Where the configuration came from, in words. */
  subtitle: string;
  powerState?: string;
  findings: FindingView[];
  /** Findings of the previous check that are gone now. */
  resolved: { key: string; title: string }[];
  logs?: LogsView;
  createdOn?: CreatedOnView;
  logFiles: { uri: string; label: string }[];
  /** Problems reading a source; the rest of the report still stands. */
  problems: string[];
  checkedAt: number;
}

export interface BackupProtocol {
  requests: {
    /** Checks again; the webview's Cancel (an aborted request) stops the log analysis. */
    load: { params: Record<string, never>; result: BackupReport };
    applyFix: { params: { key: string; fix: number; shutdownFirst?: boolean }; result: { report: BackupReport; message: string; ok: boolean } };
    openEvidence: { params: { uri: string; line?: number }; result: void };
    addLogs: { params: Record<string, never>; result: BackupReport | null };
    removeLog: { params: { uri: string }; result: BackupReport };
    /** A .vmx: the vSphere version the VM was created on ('' = not known); kept per file, then re-checked. */
    setCreatedOn: { params: { version: string }; result: BackupReport };
    /** Asks for the appliance and copies its logs over SSH, then adds them. */
    fetchLogs: { params: Record<string, never>; result: BackupReport | null };
  };
  events: {
    progress: { message: string; fraction?: number } | null;
    report: BackupReport;
  };
}
