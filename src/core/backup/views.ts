/**
 * The backup diagnostics report as the panel shows it: findings, evidence, fixes and the log
 * summary, in plain data (built by ./report.ts, sent to the webview through
 * src/webview/backup/protocol.ts).
 */
import type { Severity } from './severity';

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
