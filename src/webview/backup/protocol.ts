/**
 * The backup diagnostics panel's messages (extension ↔ webview). The panel state holds only
 * identifiers (connection id, VM moref, file URIs); every report is computed again on load.
 */
import type { Severity } from '../../core/backup/severity';

export type BackupTarget =
  | { kind: 'vm'; conn: string; ref: string; name: string }
  | { kind: 'vmx'; uri: string }
  | { kind: 'logs' };

export interface BackupState {
  target: BackupTarget;
  /** Data Recovery log files (URI strings). */
  logs: string[];
}

export interface EvidenceView {
  kind: 'vmx' | 'log' | 'api' | 'option';
  /** `w2k8r2.vmx:23`, `datarecovery-0.log:4`, `config.extraConfig[disk.EnableUUID]`. */
  label: string;
  /** The line or value shown next to the label. */
  text: string;
  /** Opens in the editor when set. */
  uri?: string;
  /** 1-based. */
  line?: number;
  time?: number;
}

export type FixState =
  /** Can be applied now. */
  | 'apply'
  /** Needs the VM powered off; the panel offers to shut the guest down first. */
  | 'needsPowerOff'
  /** Cannot be applied from here now; `note` says why. */
  | 'blocked'
  /** A step for the admin to take. */
  | 'manual';

export interface FixView {
  index: number;
  label: string;
  state: FixState;
  note?: string;
}

export interface FindingView {
  key: string;
  id: string;
  severity: Severity;
  title: string;
  explanation: string;
  vm?: string;
  /** A log finding about several VMs. */
  vms?: string[];
  evidence: EvidenceView[];
  source: string[];
  fixes: FixView[];
}

export interface JobView {
  name: string;
  job: string;
  vms: string[];
  outcome: string;
  start?: number;
  end?: number;
  where: EvidenceView;
  errorKeys: string[];
}

export interface ErrorGroupView {
  key: string;
  label: string;
  code?: string;
  meaning?: string;
  source: string;
  count: number;
  first: EvidenceView;
  last: EvidenceView;
  vms: string[];
  /** Lines naming no VM: the VMs whose job runs were open when they were logged. */
  duringRuns?: string[];
}

export interface VmOutcomeView {
  vm: string;
  runs: number;
  outcomes: Record<string, number>;
  last?: string;
}

export interface LogsView {
  files: { uri: string; label: string; lines: number; bytes: number }[];
  lines: { total: number; raw: number };
  jobs: JobView[];
  jobsDropped: number;
  vms: VmOutcomeView[];
  errors: ErrorGroupView[];
  errorsOverflow: number;
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
