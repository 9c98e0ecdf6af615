/**
 * What the Data Recovery log analysis reads and returns (see index.ts for the module overview):
 * one parsed line (`LogRecord`), job runs, error groups, per-VM outcomes, and the bounds that keep
 * the analysis's memory flat (`LogAnalysisOptions`).
 */

export type LogShape = 'appliance' | 'syslog' | 'vcbapi' | 'raw';

/** One parsed line. */
export interface LogRecord {
  file: string;
  /** 1-based line number. */
  line: number;
  shape: LogShape;
  /** Epoch ms, when the shape carries a time. */
  time?: number;
  /** vcbAPI level ("error", "info", "verbose"…). */
  level?: string;
  /** Thread / context id: appliance `0x0123e6a8`, vcbAPI `4B5C7940`. */
  thread?: string;
  /** Appliance session tag `$[*20750]` → "20750". */
  session?: string;
  /** syslog host and program. */
  host?: string;
  program?: string;
  /** vcbAPI logger name ('Default'). */
  logger?: string;
  /** The text after the prefix (the whole line for raw). */
  message: string;
  /** The whole line (without the line break). */
  text: string;
}

export type JobOutcome = 'completed' | 'incomplete' | 'terminated-at-stop-time' | 'failed' | 'running';

/** A position in the logs. */
export interface LogPos {
  file: string;
  line: number;
  time?: number;
}

/** One run of a job. A run starts at the first line that mentions it and ends at its outcome line. */
export interface JobRun {
  /** The name as logged, e.g. `All_Other_VMs_Backup_Job (VM0)`. */
  name: string;
  /** The job without the VM suffix: `All_Other_VMs_Backup_Job`. */
  job: string;
  vms: string[];
  outcome: JobOutcome;
  start: LogPos;
  end?: LogPos;
  /** The outcome line. */
  evidence?: EvidenceLine;
  /** Error codes (group keys) logged while this run was open. */
  errorKeys: string[];
}

export interface EvidenceLine extends LogPos {
  text: string;
}

export interface ErrorGroup {
  /** Grouping key: "-3956", "vcbAPI:2338", or "msg:<normalised message>". */
  key: string;
  /** Numeric code as printed ("-3960", "2338"), when there is one. */
  code?: string;
  /** Which layer printed it: the Data Recovery appliance, its VDDK layer, or a VM's vmware.log. */
  source: 'datarecovery' | 'vcbAPI' | 'vmware';
  /** The meaning the log prints next to the code, e.g. "cannot quiesce virtual machine". */
  meaning?: string;
  count: number;
  first: EvidenceLine;
  last: EvidenceLine;
  /** The first few lines, bounded by `maxSamplesPerGroup`. */
  samples: EvidenceLine[];
  /** VMs named on these lines (vcbAPI disk paths, job names), bounded. */
  vms: string[];
  /**
   * For lines that name no VM: the VMs whose job runs were open when each was logged, with how many
   * such lines (bounded). A line logged while runs of several VMs were open counts for each of them.
   */
  duringRuns: { vm: string; lines: number }[];
  /** Lines naming no VM that were logged while runs of more than one VM were open. */
  linesSeveralVms: number;
  /** Lines naming no VM that were logged while no job run of a VM was open. */
  linesNoRun: number;
}

export interface VmOutcome {
  vm: string;
  runs: number;
  outcomes: Partial<Record<JobOutcome, number>>;
  last?: { outcome: JobOutcome; pos: LogPos };
  errorKeys: string[];
}

export interface LogFileSummary {
  file: string;
  kind: LogKind;
  lines: number;
  bytes: number;
}

export interface LogAnalysis {
  files: LogFileSummary[];
  lines: { total: number; appliance: number; syslog: number; vcbapi: number; raw: number };
  /** A few unrecognised lines, for the curious. */
  rawSample: EvidenceLine[];
  jobs: JobRun[];
  /** Runs dropped from `jobs` (oldest first) to keep it bounded. */
  jobsDropped: number;
  vms: VmOutcome[];
  /** Sorted by count, highest first. */
  errors: ErrorGroup[];
  /** Error lines folded into "(other)" once `maxGroups` was reached. */
  errorsOverflow: number;
}

export interface LogAnalysisOptions {
  /** Offset of the appliance's local time from UTC, for shapes without one. Default 0 (or from vcbAPI). */
  utcOffsetMinutes?: number;
  /** Reference time for syslog year inference when no full date was seen. Default: file mtime / now. */
  referenceTime?: number;
  maxSamplesPerGroup?: number;
  maxGroups?: number;
  maxJobs?: number;
  maxVms?: number;
  maxRawSample?: number;
  /** Called for every candidate line the analyzer parses (not every line; use `readLogRecords` for that). */
  onRecord?: (r: LogRecord) => void;
}

/** `vmware`: a VM's own vmware.log (quiesce and snapshot lines; see classify.ts `vmwareLogEvent`). */
export type LogKind = 'datarecovery' | 'vcbapi' | 'vmware' | 'other';
