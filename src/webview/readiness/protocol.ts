/**
 * The backup readiness matrix's messages (shared by src/extension/readiness and
 * src/webview/readiness). The panel state holds identifiers only: the connection and the container
 * the sweep starts from.
 */
import type { Severity } from '../../core/backup/severity';

export interface ReadinessPanelState {
  conn: string;
  /** The container (undefined: the whole connection). */
  root?: { type: string; value: string };
  /** Shown in the title: the connection, datacenter, cluster, host or folder name. */
  name: string;
}

export interface EvidenceCell {
  label: string;
  text: string;
  /** Opens in the editor (at `line`) when set. */
  uri?: string;
  line?: number;
}

export interface FindingCell {
  code: string;
  severity: Severity;
  title: string;
  explanation: string;
  evidence: EvidenceCell[];
  source: string[];
}

export interface MatrixVm {
  ref: string;
  name: string;
  path: string;
  powerState?: string;
  generation?: string;
  findings: FindingCell[];
  /** vmware.log: 'read', 'missing', 'failed', 'skipped', 'truncated' (absent: not needed). */
  log?: string;
  logMessage?: string;
}

export interface MatrixRule {
  code: string;
  label: string;
  generations: string;
  guests: string;
  source: string[];
  /** The fix the matrix can apply to selected VMs, when there is one. */
  fix?: { kind: string; label: string; requiresPoweredOff: boolean };
}

export interface MatrixView {
  vms: MatrixVm[];
  rules: MatrixRule[];
  counts: Record<string, number>;
  logs: { read: number; missing: number; failed: number; skipped: number };
  ms: number;
}

export interface FixStep {
  vm: string;
  name: string;
  step: string;
  message?: string;
}

export interface FixOutcome {
  vm: string;
  name: string;
  state: 'fixed' | 'stillFound' | 'skipped' | 'failed' | 'cancelled';
  reason?: string;
}

export interface ReadinessProtocol {
  requests: {
    /** Runs the sweep (progress events; cancelling the request stops it). */
    sweep: { params: Record<string, never>; result: MatrixView };
    /** Applies one fix to the selected VMs (step events; cancelling stops it); the view re-checked. */
    fix: { params: { kind: string; vms: string[]; mode: 'poweredOffOnly' | 'shutdownApplyPowerOn'; concurrency: number }; result: { outcomes: FixOutcome[]; view: MatrixView } };
    /** Opens an evidence line in the editor. */
    openEvidence: { params: { uri: string; line?: number }; result: void };
    /** Saves CSV text where the user chooses in the extension's save dialog (the webview names no path). */
    exportCsv: { params: { csv: string; suggestedName: string }; result: { saved: boolean; path?: string } };
  };
  events: {
    progress: { phase: 'retrieve' | 'logs'; done: number; total?: number };
    step: FixStep;
  };
}

export function isReadinessPanelState(s: unknown): s is ReadinessPanelState {
  if (!s || typeof s !== 'object') return false;
  const o = s as Record<string, unknown>;
  if (typeof o.conn !== 'string' || typeof o.name !== 'string') return false;
  if (o.root === undefined) return true;
  const r = o.root as Record<string, unknown> | null;
  return !!r && typeof r.type === 'string' && typeof r.value === 'string';
}
